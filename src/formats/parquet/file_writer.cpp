#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "formats/parquet/column_writer.h"
#include "formats/parquet/compression.h"
#include "formats/parquet/metadata.h"
#include "streampro/parquet.h"
#include "streampro/version.h"

namespace streampro::parquet {

namespace {

constexpr std::string_view kMagic = "PAR1";

format::SchemaElement LeafFor(const Field& field) {
  format::SchemaElement e;
  e.name = field.name;
  e.type = PhysicalTypeOf(field.type);
  e.repetition_type = field.nullable ? format::kOptional : format::kRequired;
  switch (field.type) {
    case TypeId::kString:
      e.converted_type = format::kUtf8;
      e.logical_type.kind = format::LogicalType::kString;
      break;
    case TypeId::kDate32:
      e.converted_type = format::kDateConverted;
      e.logical_type.kind = format::LogicalType::kDate;
      break;
    case TypeId::kTimestampMicros:
      e.converted_type = format::kTimestampMicros;
      e.logical_type.kind = format::LogicalType::kTimestamp;
      e.logical_type.utc = true;
      e.logical_type.time_unit = 1;
      break;
    default:
      break;
  }
  return e;
}

}  // namespace

Status WriterOptions::Validate() const {
  if (row_group_target_bytes <= 0) {
    return Status::InvalidArgument("parquet row_group_target_bytes must be positive");
  }
  if (max_row_group_rows <= 0) {
    return Status::InvalidArgument("parquet max_row_group_rows must be positive");
  }
  if (page_target_bytes <= 0 || page_target_bytes > (int64_t{1} << 30)) {
    return Status::InvalidArgument("parquet page_target_bytes must be in (0, 1 GiB]");
  }
  if (dictionary_limit_bytes <= 0 || dictionary_limit_bytes > (int64_t{1} << 30)) {
    return Status::InvalidArgument("parquet dictionary_limit_bytes must be in (0, 1 GiB]");
  }
  if (compression == Compression::kZstd && (zstd_level < -7 || zstd_level > 22)) {
    return Status::InvalidArgument(
        fmt::format("parquet zstd_level {} is outside -7..22", zstd_level));
  }
  return Status::OK();
}

struct FileWriter::Impl {
  OutputStream* sink = nullptr;
  SchemaPtr schema;
  WriterOptions options;
  std::vector<std::unique_ptr<ColumnChunkWriter>> columns;
  int64_t group_rows = 0;
  int64_t total_rows = 0;
  std::vector<format::RowGroup> row_groups;
  bool closed = false;

  int64_t BufferedBytes() const {
    int64_t total = 0;
    for (const auto& c : columns) total += c->EstimatedBytes();
    return total;
  }

  Status FlushRowGroup() {
    if (group_rows == 0) return Status::OK();
    format::RowGroup group;
    group.num_rows = group_rows;
    group.file_offset = sink->position();
    int64_t compressed = 0;
    for (auto& c : columns) {
      format::ColumnChunk chunk;
      RETURN_NOT_OK(c->WriteChunk(sink, &chunk));
      group.total_byte_size += chunk.meta_data->total_uncompressed_size;
      compressed += chunk.meta_data->total_compressed_size;
      group.columns.push_back(std::move(chunk));
    }
    group.total_compressed_size = compressed;
    group.ordinal = static_cast<int32_t>(row_groups.size());
    row_groups.push_back(std::move(group));
    group_rows = 0;
    return Status::OK();
  }
};

FileWriter::FileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileWriter::~FileWriter() = default;

Result<std::unique_ptr<FileWriter>> FileWriter::Open(OutputStream* sink, SchemaPtr schema,
                                                     WriterOptions options) {
  RETURN_NOT_OK(options.Validate());
  if (sink == nullptr || schema == nullptr) {
    return Status::Internal("parquet writer needs a sink and a schema");
  }
  if (options.row_group_target_bytes > (int64_t{1} << 31)) {
    // Row groups are buffered in memory; keep them (and every page size) below 2 GiB.
    options.row_group_target_bytes = int64_t{1} << 31;
  }
  auto impl = std::make_unique<Impl>();
  impl->sink = sink;
  impl->schema = schema;
  impl->options = options;
  for (const auto& field : schema->fields()) {
    impl->columns.push_back(
        std::make_unique<ColumnChunkWriter>(field, options, CodecOf(options.compression)));
  }
  RETURN_NOT_OK(sink->Write(kMagic));
  return std::unique_ptr<FileWriter>(new FileWriter(std::move(impl)));
}

Status FileWriter::WriteBatch(const RecordBatch& batch) {
  auto& s = *impl_;
  if (s.closed) return Status::Internal("parquet writer is already closed");
  if (batch.schema() == nullptr || !(*batch.schema() == *s.schema)) {
    return Status::Internal(
        fmt::format("parquet writer: batch schema ({}) differs from the file schema ({})",
                    batch.schema() ? batch.schema()->ToString() : "none", s.schema->ToString()));
  }
  RETURN_NOT_OK(batch.Validate());
  const int64_t rows = batch.num_rows();
  if (rows == 0) return Status::OK();
  // Slices sized so a row group overshoots its target by little.
  const int64_t row_bytes = std::max<int64_t>(1, batch.ByteSize() / rows);
  int64_t begin = 0;
  while (begin < rows) {
    const int64_t room = std::max<int64_t>(0, s.options.row_group_target_bytes - s.BufferedBytes());
    const int64_t row_room = s.options.max_row_group_rows - s.group_rows;
    const int64_t slice =
        std::clamp<int64_t>(room / row_bytes + 1, 1, std::min(int64_t{1} << 16, row_room));
    const int64_t end = std::min(rows, begin + slice);
    for (int c = 0; c < batch.num_columns(); ++c) {
      RETURN_NOT_OK(s.columns[static_cast<size_t>(c)]->Append(batch.column(c), begin, end));
    }
    s.group_rows += end - begin;
    s.total_rows += end - begin;
    begin = end;
    if (s.group_rows >= s.options.max_row_group_rows ||
        s.BufferedBytes() >= s.options.row_group_target_bytes) {
      RETURN_NOT_OK(s.FlushRowGroup());
    }
  }
  return Status::OK();
}

Status FileWriter::Close() {
  auto& s = *impl_;
  if (s.closed) return Status::OK();
  s.closed = true;
  RETURN_NOT_OK(s.FlushRowGroup());
  format::FileMetaData meta;
  meta.version = s.options.data_page_v2 ? 2 : 1;
  format::SchemaElement root;
  root.name = "schema";
  root.num_children = s.schema->num_fields();
  meta.schema.push_back(root);
  for (const auto& field : s.schema->fields()) meta.schema.push_back(LeafFor(field));
  meta.num_rows = s.total_rows;
  meta.row_groups = std::move(s.row_groups);
  meta.created_by = kCreatedBy;
  meta.num_type_defined_orders = s.schema->num_fields();
  std::string footer;
  format::Serialize(meta, &footer);
  const auto length = static_cast<uint32_t>(footer.size());
  char le[4];
  std::memcpy(le, &length, 4);
  footer.append(le, 4);
  footer.append(kMagic);
  return s.sink->Write(footer);
}

int64_t FileWriter::num_rows() const {
  return impl_->total_rows;
}

}  // namespace streampro::parquet
