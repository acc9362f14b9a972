#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "formats/parquet/column_reader.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/statistics.h"
#include "streampro/parquet.h"

namespace streampro::parquet {

namespace {

using format::LogicalType;

// Maps a leaf schema element onto a StreamPro type, or explains why it cannot.
Status MapLeaf(const format::SchemaElement& e, ColumnDescriptor* d) {
  d->name = e.name;
  if (!e.type) return Status::InvalidData("leaf has no physical type");
  const int32_t rep = e.repetition_type.value_or(format::kOptional);
  if (rep == format::kRepeated) return Status::NotImplemented("repeated fields are not supported");
  if (rep != format::kRequired && rep != format::kOptional) {
    return Status::InvalidData(fmt::format("repetition type {} is unknown", rep));
  }
  d->nullable = rep == format::kOptional;
  d->physical_type = *e.type;
  const auto& lt = e.logical_type;
  const int32_t ct = e.converted_type.value_or(-1);
  auto unsupported = [&](const char* what) {
    return Status::NotImplemented(fmt::format("{} is not supported", what));
  };
  const bool has_logical = lt.kind != LogicalType::kNone;
  switch (*e.type) {
    case format::kBoolean:
      if (has_logical || ct >= 0) return unsupported("an annotated BOOLEAN");
      d->type = TypeId::kBool;
      return Status::OK();
    case format::kInt32:
      if (lt.kind == LogicalType::kDate || (!has_logical && ct == format::kDateConverted)) {
        d->type = TypeId::kDate32;
        return Status::OK();
      }
      if ((lt.kind == LogicalType::kInteger && lt.is_signed && lt.bit_width <= 32) ||
          (!has_logical && (ct == -1 || ct == format::kInt8 || ct == format::kInt16 ||
                            ct == format::kInt32Converted))) {
        d->type = TypeId::kInt32;
        return Status::OK();
      }
      return unsupported("this INT32 annotation (unsigned, decimal, time, ...)");
    case format::kInt64:
      if (lt.kind == LogicalType::kTimestamp ||
          (!has_logical && (ct == format::kTimestampMicros || ct == format::kTimestampMillis))) {
        int unit = lt.kind == LogicalType::kTimestamp ? lt.time_unit
                                                      : (ct == format::kTimestampMillis ? 0 : 1);
        if (unit < 0 || unit > 2) return Status::InvalidData("timestamp unit is missing");
        d->type = TypeId::kTimestampMicros;
        d->timestamp_scale = unit == 0 ? 1000 : unit == 2 ? -1000 : 0;
        return Status::OK();
      }
      if ((lt.kind == LogicalType::kInteger && lt.is_signed) ||
          (!has_logical && (ct == -1 || ct == format::kInt64Converted))) {
        d->type = TypeId::kInt64;
        return Status::OK();
      }
      return unsupported("this INT64 annotation (unsigned, decimal, time, ...)");
    case format::kDouble:
      if (has_logical || ct >= 0) return unsupported("an annotated DOUBLE");
      d->type = TypeId::kDouble;
      return Status::OK();
    case format::kByteArray:
      if (lt.kind == LogicalType::kString || (!has_logical && ct == format::kUtf8)) {
        d->type = TypeId::kString;
        return Status::OK();
      }
      return unsupported("BYTE_ARRAY without a STRING annotation");
    case format::kFloat:
      return unsupported("FLOAT");
    case format::kInt96:
      return unsupported("INT96");
    case format::kFixedLenByteArray:
      return unsupported("FIXED_LEN_BYTE_ARRAY");
    default:
      return Status::InvalidData(fmt::format("physical type {} is unknown", *e.type));
  }
}

}  // namespace

struct FileReader::Impl {
  std::shared_ptr<RandomAccessFile> file;
  ReaderOptions options;
  format::FileMetaData meta;
  std::vector<ColumnDescriptor> columns;
  SchemaPtr schema;
  std::vector<RowGroupInfo> row_groups;
  std::vector<int32_t> field_ids;
  std::string created_by;
  int64_t num_rows = 0;

  Status Invalid(const std::string& problem) const {
    return Status::InvalidData(fmt::format("{}: {}", file->name(), problem));
  }

  Status ReadInto(int i, const std::vector<int>& indices, RecordBatch* batch) const {
    const auto& group = meta.row_groups[static_cast<size_t>(i)];
    for (size_t k = 0; k < indices.size(); ++k) {
      const auto c = static_cast<size_t>(indices[k]);
      RETURN_NOT_OK(ReadColumnChunk(*file, columns[c], *group.columns[c].meta_data, group.num_rows,
                                    i, &batch->column(static_cast<int>(k))));
    }
    return Status::OK();
  }

  Result<SchemaPtr> Project(const std::vector<int>& indices) const {
    std::vector<Field> fields;
    for (int c : indices) {
      if (c < 0 || c >= schema->num_fields()) {
        return Status::Internal(
            fmt::format("{}: column index {} is outside the schema of {} columns", file->name(), c,
                        schema->num_fields()));
      }
      fields.push_back(schema->field(c));
    }
    return std::make_shared<const Schema>(std::move(fields));
  }
};

FileReader::FileReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileReader::~FileReader() = default;

Result<std::unique_ptr<FileReader>> FileReader::Open(std::shared_ptr<RandomAccessFile> file,
                                                     ReaderOptions options) {
  if (file == nullptr) return Status::Internal("parquet reader needs a file");
  auto impl = std::make_unique<Impl>();
  impl->file = file;
  impl->options = options;
  auto& s = *impl;
  const int64_t size = file->size();
  if (size < 12) return s.Invalid("too small to be a Parquet file");
  std::string tail;
  RETURN_NOT_OK(file->ReadAt(size - 8, 8, &tail));
  std::string head;
  RETURN_NOT_OK(file->ReadAt(0, 4, &head));
  if (tail.size() != 8 || tail.compare(4, 4, "PAR1") != 0 || head != "PAR1") {
    return s.Invalid("not a Parquet file (magic bytes missing)");
  }
  uint32_t footer_length;
  std::memcpy(&footer_length, tail.data(), 4);
  if (footer_length > static_cast<uint64_t>(size - 12)) {
    return s.Invalid(fmt::format("footer length {} exceeds the file", footer_length));
  }
  std::string footer;
  RETURN_NOT_OK(file->ReadAt(size - 8 - footer_length, footer_length, &footer));
  if (footer.size() != footer_length) return s.Invalid("footer is cut off");
  auto parsed =
      format::ParseFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
  if (!parsed.ok()) return s.Invalid(fmt::format("footer: {}", parsed.status().message()));
  s.meta = std::move(parsed).value();
  s.created_by = s.meta.created_by.value_or("");

  // Schema: a root with only leaf children.
  const auto& elements = s.meta.schema;
  if (elements.empty()) return s.Invalid("schema is empty");
  const auto leaves = elements.size() - 1;
  if (static_cast<size_t>(elements[0].num_children.value_or(0)) != leaves) {
    return Status::NotImplemented(
        fmt::format("{}: nested schemas are not supported", file->name()));
  }
  std::vector<Field> fields;
  for (size_t i = 1; i < elements.size(); ++i) {
    const auto& e = elements[i];
    if (e.num_children.value_or(0) != 0) {
      return Status::NotImplemented(
          fmt::format("{}: column '{}': nested groups are not supported", file->name(), e.name));
    }
    ColumnDescriptor d;
    Status st = MapLeaf(e, &d);
    if (!st.ok()) {
      return Status(st.code(),
                    fmt::format("{}: column '{}': {}", file->name(), e.name, st.message()));
    }
    fields.push_back(Field{d.name, d.type, d.nullable});
    s.field_ids.push_back(e.field_id.value_or(0));
    s.columns.push_back(std::move(d));
  }
  s.schema = std::make_shared<const Schema>(std::move(fields));

  // Row groups: one chunk per leaf, of the leaf's type, within limits.
  int64_t total = 0;
  for (size_t g = 0; g < s.meta.row_groups.size(); ++g) {
    const auto& group = s.meta.row_groups[g];
    const auto where = fmt::format("row group {}", g);
    if (group.columns.size() != leaves) {
      return s.Invalid(fmt::format("{} has {} column chunks for {} columns", where,
                                   group.columns.size(), leaves));
    }
    if (group.num_rows < 0 || group.num_rows > options.max_row_group_rows) {
      return s.Invalid(fmt::format("{} claims {} rows (limit {})", where, group.num_rows,
                                   options.max_row_group_rows));
    }
    total += group.num_rows;
    RowGroupInfo info;
    info.num_rows = group.num_rows;
    info.total_byte_size = group.total_byte_size;
    for (size_t c = 0; c < leaves; ++c) {
      const auto& chunk = group.columns[c];
      const auto& d = s.columns[c];
      if (chunk.file_path) {
        return Status::NotImplemented(
            fmt::format("{}: column '{}', {}: column chunks in other files are not supported",
                        file->name(), d.name, where));
      }
      if (!chunk.meta_data) {
        return s.Invalid(
            fmt::format("column '{}', {}: column chunk has no metadata", d.name, where));
      }
      if (chunk.meta_data->type != d.physical_type) {
        return s.Invalid(fmt::format("column '{}', {}: chunk type {} differs from schema type {}",
                                     d.name, where, chunk.meta_data->type, d.physical_type));
      }
      ColumnStatistics stats;
      if (chunk.meta_data->statistics) {
        stats = DecodeStatistics(*chunk.meta_data->statistics, d.physical_type, d.type,
                                 d.timestamp_scale);
      }
      info.columns.push_back(std::move(stats));
      info.column_bytes.push_back(chunk.meta_data->total_compressed_size);
    }
    s.row_groups.push_back(std::move(info));
  }
  if (total != s.meta.num_rows) {
    return s.Invalid(
        fmt::format("footer says {} rows but its row groups hold {}", s.meta.num_rows, total));
  }
  s.num_rows = total;
  return std::unique_ptr<FileReader>(new FileReader(std::move(impl)));
}

const SchemaPtr& FileReader::schema() const {
  return impl_->schema;
}
int64_t FileReader::num_rows() const {
  return impl_->num_rows;
}
int FileReader::num_row_groups() const {
  return static_cast<int>(impl_->row_groups.size());
}
const RowGroupInfo& FileReader::row_group(int i) const {
  return impl_->row_groups[static_cast<size_t>(i)];
}
const std::vector<int32_t>& FileReader::field_ids() const {
  return impl_->field_ids;
}

const std::string& FileReader::created_by() const {
  return impl_->created_by;
}

Result<RecordBatch> FileReader::ReadRowGroup(int i, const std::vector<int>& columns) const {
  if (i < 0 || i >= num_row_groups()) {
    return Status::Internal(fmt::format("{}: row group {} does not exist ({} groups)",
                                        impl_->file->name(), i, num_row_groups()));
  }
  ASSIGN_OR_RETURN(auto schema, impl_->Project(columns));
  RecordBatch batch(schema);
  RETURN_NOT_OK(impl_->ReadInto(i, columns, &batch));
  return batch;
}

Result<RecordBatch> FileReader::ReadAll(const std::vector<int>& columns) const {
  ASSIGN_OR_RETURN(auto schema, impl_->Project(columns));
  RecordBatch batch(schema);
  // Room for every row up front: each chunk reserves only its own rows, which would
  // otherwise regrow (and copy) the whole column once per row group. Capped so that a
  // footer claiming absurd row counts cannot make us allocate before any data is read.
  int64_t total = 0;
  for (const auto& group : impl_->row_groups) total += group.num_rows;
  total = std::min<int64_t>(total, int64_t{1} << 22);
  for (int k = 0; k < batch.num_columns(); ++k) batch.column(k).Reserve(total);
  for (int i = 0; i < num_row_groups(); ++i) RETURN_NOT_OK(impl_->ReadInto(i, columns, &batch));
  return batch;
}

}  // namespace streampro::parquet
