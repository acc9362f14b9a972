#include "iceberg/manifest.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "iceberg/avro_file.h"
#include "lake/manifest.h"

namespace streampro::iceberg {

namespace {

// The spec's Avro schemas: names, types and field ids as format/spec.md lists them
// (manifest_entry with data_file `r2` and partition `r102`; manifest_file with `r508`).
// Maps with int keys are arrays of key/value records with logicalType map.
std::string IntMap(std::string_view name, int id, int key_id, int value_id,
                   std::string_view value_type) {
  return fmt::format(
      R"({{"name":"{0}","type":["null",{{"type":"array","logicalType":"map","items":{{"type":"record","name":"k{2}_v{3}","fields":[{{"name":"key","type":"int","field-id":{2}}},{{"name":"value","type":"{4}","field-id":{3}}}]}}}}],"default":null,"field-id":{1}}})",
      name, id, key_id, value_id, value_type);
}

std::string ManifestEntrySchema() {
  return fmt::format(
      R"({{"type":"record","name":"manifest_entry","fields":[)"
      R"({{"name":"status","type":"int","field-id":0}},)"
      R"({{"name":"snapshot_id","type":["null","long"],"default":null,"field-id":1}},)"
      R"({{"name":"sequence_number","type":["null","long"],"default":null,"field-id":3}},)"
      R"({{"name":"file_sequence_number","type":["null","long"],"default":null,"field-id":4}},)"
      R"({{"name":"data_file","type":{{"type":"record","name":"r2","fields":[)"
      R"({{"name":"content","type":"int","field-id":134}},)"
      R"({{"name":"file_path","type":"string","field-id":100}},)"
      R"({{"name":"file_format","type":"string","field-id":101}},)"
      R"({{"name":"partition","type":{{"type":"record","name":"r102","fields":[)"
      R"({{"name":"{0}","type":["null",{{"type":"int","logicalType":"date"}}],"default":null,"field-id":{1}}}]}},"field-id":102}},)"
      R"({{"name":"record_count","type":"long","field-id":103}},)"
      R"({{"name":"file_size_in_bytes","type":"long","field-id":104}},)"
      R"({2},{3},{4},{5},{6})"
      R"(]}},"field-id":2}}]}})",
      catalog::kPartitionColumn, kPartitionFieldId, IntMap("column_sizes", 108, 117, 118, "long"),
      IntMap("value_counts", 109, 119, 120, "long"),
      IntMap("null_value_counts", 110, 121, 122, "long"),
      IntMap("lower_bounds", 125, 126, 127, "bytes"),
      IntMap("upper_bounds", 128, 129, 130, "bytes"));
}

constexpr std::string_view kManifestFileSchema =
    R"({"type":"record","name":"manifest_file","fields":[)"
    R"({"name":"manifest_path","type":"string","field-id":500},)"
    R"({"name":"manifest_length","type":"long","field-id":501},)"
    R"({"name":"partition_spec_id","type":"int","field-id":502},)"
    R"({"name":"content","type":"int","field-id":517},)"
    R"({"name":"sequence_number","type":"long","field-id":515},)"
    R"({"name":"min_sequence_number","type":"long","field-id":516},)"
    R"({"name":"added_snapshot_id","type":"long","field-id":503},)"
    R"({"name":"added_files_count","type":"int","field-id":504},)"
    R"({"name":"existing_files_count","type":"int","field-id":505},)"
    R"({"name":"deleted_files_count","type":"int","field-id":506},)"
    R"({"name":"added_rows_count","type":"long","field-id":512},)"
    R"({"name":"existing_rows_count","type":"long","field-id":513},)"
    R"({"name":"deleted_rows_count","type":"long","field-id":514},)"
    R"({"name":"partitions","type":["null",{"type":"array","element-id":508,"items":)"
    R"({"type":"record","name":"r508","fields":[)"
    R"({"name":"contains_null","type":"boolean","field-id":509},)"
    R"({"name":"contains_nan","type":["null","boolean"],"default":null,"field-id":518},)"
    R"({"name":"lower_bound","type":["null","bytes"],"default":null,"field-id":510},)"
    R"({"name":"upper_bound","type":["null","bytes"],"default":null,"field-id":511}]}}],)"
    R"("default":null,"field-id":507}]})";

Status Check(int rc, std::string_view what) {
  if (rc == 0) return Status::OK();
  return Status::Internal(fmt::format("avro {}: {}", what, AvroError()));
}

Result<avro_value_t> Child(avro_value_t* record, const char* name) {
  avro_value_t child;
  RETURN_NOT_OK(Check(avro_value_get_by_name(record, name, &child, nullptr), name));
  return child;
}

// The non-null branch of an optional field (a union of null and the type).
Result<avro_value_t> SetPresent(avro_value_t* record, const char* name) {
  ASSIGN_OR_RETURN(avro_value_t field, Child(record, name));
  avro_value_t branch;
  RETURN_NOT_OK(Check(avro_value_set_branch(&field, 1, &branch), name));
  return branch;
}

Status SetNull(avro_value_t* record, const char* name) {
  ASSIGN_OR_RETURN(avro_value_t field, Child(record, name));
  avro_value_t branch;
  RETURN_NOT_OK(Check(avro_value_set_branch(&field, 0, &branch), name));
  return Check(avro_value_set_null(&branch), name);
}

Status SetInt(avro_value_t* record, const char* name, int32_t value) {
  ASSIGN_OR_RETURN(avro_value_t field, Child(record, name));
  return Check(avro_value_set_int(&field, value), name);
}

Status SetLong(avro_value_t* record, const char* name, int64_t value) {
  ASSIGN_OR_RETURN(avro_value_t field, Child(record, name));
  return Check(avro_value_set_long(&field, value), name);
}

Status SetString(avro_value_t* record, const char* name, const std::string& value) {
  ASSIGN_OR_RETURN(avro_value_t field, Child(record, name));
  return Check(avro_value_set_string_len(&field, value.c_str(), value.size() + 1), name);
}

Status SetOptionalLong(avro_value_t* record, const char* name, std::optional<int64_t> value) {
  if (!value) return SetNull(record, name);
  ASSIGN_OR_RETURN(avro_value_t branch, SetPresent(record, name));
  return Check(avro_value_set_long(&branch, *value), name);
}

Status SetOptionalBytes(avro_value_t* record, const char* name,
                        const std::optional<std::string>& value) {
  if (!value) return SetNull(record, name);
  ASSIGN_OR_RETURN(avro_value_t branch, SetPresent(record, name));
  return Check(avro_value_set_bytes(&branch, const_cast<char*>(value->data()), value->size()),
               name);
}

template <typename V>
Status SetMap(avro_value_t* record, const char* name, const std::map<int32_t, V>& map) {
  if (map.empty()) return SetNull(record, name);
  ASSIGN_OR_RETURN(avro_value_t array, SetPresent(record, name));
  for (const auto& [key, value] : map) {
    avro_value_t element;
    RETURN_NOT_OK(Check(avro_value_append(&array, &element, nullptr), name));
    RETURN_NOT_OK(SetInt(&element, "key", key));
    ASSIGN_OR_RETURN(avro_value_t v, Child(&element, "value"));
    if constexpr (std::is_same_v<V, int64_t>) {
      RETURN_NOT_OK(Check(avro_value_set_long(&v, value), name));
    } else {
      RETURN_NOT_OK(
          Check(avro_value_set_bytes(&v, const_cast<char*>(value.data()), value.size()), name));
    }
  }
  return Status::OK();
}

// ---- reading ----------------------------------------------------------------------------

Result<int32_t> GetInt(avro_value_t* record, const char* name) {
  ASSIGN_OR_RETURN(avro_value_t field, Child(record, name));
  int32_t value = 0;
  RETURN_NOT_OK(Check(avro_value_get_int(&field, &value), name));
  return value;
}

Result<int64_t> GetLong(avro_value_t* record, const char* name) {
  ASSIGN_OR_RETURN(avro_value_t field, Child(record, name));
  int64_t value = 0;
  RETURN_NOT_OK(Check(avro_value_get_long(&field, &value), name));
  return value;
}

Result<std::string> GetString(avro_value_t* record, const char* name) {
  ASSIGN_OR_RETURN(avro_value_t field, Child(record, name));
  const char* text = nullptr;
  size_t size = 0;
  RETURN_NOT_OK(Check(avro_value_get_string(&field, &text, &size), name));
  // avro-c counts the terminating NUL.
  return std::string(text, size > 0 ? size - 1 : 0);
}

// The value of an optional field, or nullopt for null.
Result<std::optional<avro_value_t>> GetPresent(avro_value_t* record, const char* name) {
  ASSIGN_OR_RETURN(avro_value_t field, Child(record, name));
  int discriminant = 0;
  RETURN_NOT_OK(Check(avro_value_get_discriminant(&field, &discriminant), name));
  avro_value_t branch;
  RETURN_NOT_OK(Check(avro_value_get_current_branch(&field, &branch), name));
  if (avro_value_get_type(&branch) == AVRO_NULL) return std::optional<avro_value_t>();
  return std::optional<avro_value_t>(branch);
}

Result<std::optional<int64_t>> GetOptionalLong(avro_value_t* record, const char* name) {
  ASSIGN_OR_RETURN(std::optional<avro_value_t> present, GetPresent(record, name));
  if (!present) return std::optional<int64_t>();
  int64_t value = 0;
  RETURN_NOT_OK(Check(avro_value_get_long(&*present, &value), name));
  return std::optional<int64_t>(value);
}

std::string BytesOf(avro_value_t* value) {
  const void* data = nullptr;
  size_t size = 0;
  if (avro_value_get_bytes(value, &data, &size) != 0) return {};
  return std::string(static_cast<const char*>(data), size);
}

Result<std::optional<std::string>> GetOptionalBytes(avro_value_t* record, const char* name) {
  ASSIGN_OR_RETURN(std::optional<avro_value_t> present, GetPresent(record, name));
  if (!present) return std::optional<std::string>();
  return std::optional<std::string>(BytesOf(&*present));
}

template <typename V>
Status GetMap(avro_value_t* record, const char* name, std::map<int32_t, V>* out) {
  ASSIGN_OR_RETURN(std::optional<avro_value_t> array, GetPresent(record, name));
  if (!array) return Status::OK();
  size_t size = 0;
  RETURN_NOT_OK(Check(avro_value_get_size(&*array, &size), name));
  for (size_t i = 0; i < size; ++i) {
    avro_value_t element;
    RETURN_NOT_OK(Check(avro_value_get_by_index(&*array, i, &element, nullptr), name));
    ASSIGN_OR_RETURN(const int32_t key, GetInt(&element, "key"));
    ASSIGN_OR_RETURN(avro_value_t value, Child(&element, "value"));
    if constexpr (std::is_same_v<V, int64_t>) {
      int64_t v = 0;
      RETURN_NOT_OK(Check(avro_value_get_long(&value, &v), name));
      (*out)[key] = v;
    } else {
      (*out)[key] = BytesOf(&value);
    }
  }
  return Status::OK();
}

Result<DataFile> ReadDataFile(avro_value_t* record) {
  DataFile file;
  ASSIGN_OR_RETURN(file.path, GetString(record, "file_path"));
  ASSIGN_OR_RETURN(avro_value_t partition, Child(record, "partition"));
  ASSIGN_OR_RETURN(std::optional<avro_value_t> date,
                   GetPresent(&partition, std::string(catalog::kPartitionColumn).c_str()));
  if (date)
    RETURN_NOT_OK(Check(avro_value_get_int(&*date, &file.partition.days_since_epoch), "partition"));
  ASSIGN_OR_RETURN(file.record_count, GetLong(record, "record_count"));
  ASSIGN_OR_RETURN(file.file_size_in_bytes, GetLong(record, "file_size_in_bytes"));
  RETURN_NOT_OK(GetMap(record, "column_sizes", &file.column_sizes));
  RETURN_NOT_OK(GetMap(record, "value_counts", &file.value_counts));
  RETURN_NOT_OK(GetMap(record, "null_value_counts", &file.null_value_counts));
  RETURN_NOT_OK(GetMap(record, "lower_bounds", &file.lower_bounds));
  RETURN_NOT_OK(GetMap(record, "upper_bounds", &file.upper_bounds));
  return file;
}

std::string FieldJson(int32_t id, std::string_view name, bool required, std::string_view type) {
  return fmt::format(R"({{"id":{},"name":{},"required":{},"type":"{}"}})", id,
                     lake::JsonString(name), required ? "true" : "false", type);
}

}  // namespace

std::string SerializeInt32(int32_t value) {
  std::string out(4, '\0');
  const auto u = static_cast<uint32_t>(value);
  for (int i = 0; i < 4; ++i) out[static_cast<size_t>(i)] = static_cast<char>(u >> (8 * i));
  return out;
}

std::string SerializeInt64(int64_t value) {
  std::string out(8, '\0');
  const auto u = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = static_cast<char>(u >> (8 * i));
  return out;
}

std::string SerializeDouble(double value) {
  return SerializeInt64(std::bit_cast<int64_t>(value));
}

std::string SchemaJson(const catalog::TableDef& table) {
  std::string fields;
  for (int i = 0; i < table.schema->num_fields(); ++i) {
    const Field& field = table.schema->field(i);
    fields += FieldJson(table.field_ids[static_cast<size_t>(i)], field.name, !field.nullable,
                        catalog::IcebergType(field.type));
    fields += ",";
  }
  // Optional: the data files do not hold it, and readers such as pyiceberg fill a missing
  // column from the identity partition value only when it is optional.
  fields += FieldJson(table.partition_field_id, catalog::kPartitionColumn, false, "date");
  return fmt::format(R"({{"type":"struct","schema-id":{},"fields":[{}]}})", kSchemaId, fields);
}

std::string PartitionFieldsJson(const catalog::TableDef& table) {
  return fmt::format(R"([{{"name":"{}","transform":"identity","source-id":{},"field-id":{}}}])",
                     catalog::kPartitionColumn, table.partition_field_id, kPartitionFieldId);
}

std::string NameMappingJson(const catalog::TableDef& table) {
  std::string out = "[";
  for (int i = 0; i < table.schema->num_fields(); ++i) {
    out +=
        fmt::format(R"({{"field-id":{},"names":[{}]}},)", table.field_ids[static_cast<size_t>(i)],
                    lake::JsonString(table.schema->field(i).name));
  }
  out += fmt::format(R"({{"field-id":{},"names":["{}"]}}])", table.partition_field_id,
                     catalog::kPartitionColumn);
  return out;
}

Result<std::string> WriteManifest(const catalog::TableDef& table,
                                  const std::vector<ManifestEntry>& entries) {
  ASSIGN_OR_RETURN(auto builder,
                   AvroFileBuilder::Make(ManifestEntrySchema(),
                                         {{"schema", SchemaJson(table)},
                                          {"schema-id", std::to_string(kSchemaId)},
                                          {"partition-spec", PartitionFieldsJson(table)},
                                          {"partition-spec-id", std::to_string(kPartitionSpecId)},
                                          {"format-version", "2"},
                                          {"content", "data"}}));
  const std::string partition_column(catalog::kPartitionColumn);
  for (const ManifestEntry& entry : entries) {
    avro_value_t* record = builder->record().value();
    RETURN_NOT_OK(SetInt(record, "status", static_cast<int32_t>(entry.status)));
    RETURN_NOT_OK(SetOptionalLong(record, "snapshot_id", entry.snapshot_id));
    RETURN_NOT_OK(SetOptionalLong(record, "sequence_number", entry.sequence_number));
    RETURN_NOT_OK(SetOptionalLong(record, "file_sequence_number", entry.file_sequence_number));
    ASSIGN_OR_RETURN(avro_value_t file, Child(record, "data_file"));
    const DataFile& f = entry.file;
    RETURN_NOT_OK(SetInt(&file, "content", 0));
    RETURN_NOT_OK(SetString(&file, "file_path", f.path));
    RETURN_NOT_OK(SetString(&file, "file_format", "PARQUET"));
    ASSIGN_OR_RETURN(avro_value_t partition, Child(&file, "partition"));
    ASSIGN_OR_RETURN(avro_value_t date, SetPresent(&partition, partition_column.c_str()));
    RETURN_NOT_OK(Check(avro_value_set_int(&date, f.partition.days_since_epoch), "partition"));
    RETURN_NOT_OK(SetLong(&file, "record_count", f.record_count));
    RETURN_NOT_OK(SetLong(&file, "file_size_in_bytes", f.file_size_in_bytes));
    RETURN_NOT_OK(SetMap(&file, "column_sizes", f.column_sizes));
    RETURN_NOT_OK(SetMap(&file, "value_counts", f.value_counts));
    RETURN_NOT_OK(SetMap(&file, "null_value_counts", f.null_value_counts));
    RETURN_NOT_OK(SetMap(&file, "lower_bounds", f.lower_bounds));
    RETURN_NOT_OK(SetMap(&file, "upper_bounds", f.upper_bounds));
    RETURN_NOT_OK(builder->Append());
  }
  return builder->Finish();
}

Result<std::vector<ManifestEntry>> ReadManifest(const std::string& bytes, const std::string& origin,
                                                int64_t inherited_sequence_number) {
  std::vector<ManifestEntry> entries;
  const Status read = ReadAvroFile(bytes, origin, [&](avro_value_t& record) -> Status {
    ManifestEntry entry;
    ASSIGN_OR_RETURN(const int32_t status, GetInt(&record, "status"));
    if (status < 0 || status > 2) {
      return Status::InvalidData(fmt::format("{}: manifest entry status {}", origin, status));
    }
    entry.status = static_cast<EntryStatus>(status);
    ASSIGN_OR_RETURN(const std::optional<int64_t> snapshot_id,
                     GetOptionalLong(&record, "snapshot_id"));
    entry.snapshot_id = snapshot_id.value_or(0);
    ASSIGN_OR_RETURN(entry.sequence_number, GetOptionalLong(&record, "sequence_number"));
    ASSIGN_OR_RETURN(entry.file_sequence_number, GetOptionalLong(&record, "file_sequence_number"));
    if (entry.status == EntryStatus::kAdded) {
      if (!entry.sequence_number) entry.sequence_number = inherited_sequence_number;
      if (!entry.file_sequence_number) entry.file_sequence_number = inherited_sequence_number;
    }
    ASSIGN_OR_RETURN(avro_value_t file, Child(&record, "data_file"));
    ASSIGN_OR_RETURN(entry.file, ReadDataFile(&file));
    entries.push_back(std::move(entry));
    return Status::OK();
  });
  RETURN_NOT_OK(read);
  return entries;
}

ManifestFile SummarizeManifest(const std::vector<ManifestEntry>& entries, std::string path,
                               int64_t length, int64_t snapshot_id, int64_t sequence_number) {
  ManifestFile m;
  m.path = std::move(path);
  m.length = length;
  m.sequence_number = sequence_number;
  m.min_sequence_number = sequence_number;
  m.added_snapshot_id = snapshot_id;
  for (const ManifestEntry& e : entries) {
    const int64_t rows = e.file.record_count;
    switch (e.status) {
      case EntryStatus::kAdded:
        ++m.added_files;
        m.added_rows += rows;
        break;
      case EntryStatus::kExisting:
        ++m.existing_files;
        m.existing_rows += rows;
        break;
      case EntryStatus::kDeleted:
        ++m.deleted_files;
        m.deleted_rows += rows;
        continue;
    }
    if (e.status == EntryStatus::kExisting && e.sequence_number) {
      m.min_sequence_number = std::min(m.min_sequence_number, *e.sequence_number);
    }
    const Date d = e.file.partition;
    m.lower_date = m.lower_date ? std::min(*m.lower_date, d) : d;
    m.upper_date = m.upper_date ? std::max(*m.upper_date, d) : d;
  }
  return m;
}

Result<std::string> WriteManifestList(const std::vector<ManifestFile>& manifests,
                                      int64_t snapshot_id, std::optional<int64_t> parent_id,
                                      int64_t sequence_number) {
  std::map<std::string, std::string> metadata = {
      {"snapshot-id", std::to_string(snapshot_id)},
      {"sequence-number", std::to_string(sequence_number)},
      {"format-version", "2"}};
  metadata["parent-snapshot-id"] = parent_id ? std::to_string(*parent_id) : "null";
  ASSIGN_OR_RETURN(auto builder,
                   AvroFileBuilder::Make(std::string(kManifestFileSchema), std::move(metadata)));
  for (const ManifestFile& m : manifests) {
    avro_value_t* record = builder->record().value();
    RETURN_NOT_OK(SetString(record, "manifest_path", m.path));
    RETURN_NOT_OK(SetLong(record, "manifest_length", m.length));
    RETURN_NOT_OK(SetInt(record, "partition_spec_id", kPartitionSpecId));
    RETURN_NOT_OK(SetInt(record, "content", 0));
    RETURN_NOT_OK(SetLong(record, "sequence_number", m.sequence_number));
    RETURN_NOT_OK(SetLong(record, "min_sequence_number", m.min_sequence_number));
    RETURN_NOT_OK(SetLong(record, "added_snapshot_id", m.added_snapshot_id));
    RETURN_NOT_OK(SetInt(record, "added_files_count", m.added_files));
    RETURN_NOT_OK(SetInt(record, "existing_files_count", m.existing_files));
    RETURN_NOT_OK(SetInt(record, "deleted_files_count", m.deleted_files));
    RETURN_NOT_OK(SetLong(record, "added_rows_count", m.added_rows));
    RETURN_NOT_OK(SetLong(record, "existing_rows_count", m.existing_rows));
    RETURN_NOT_OK(SetLong(record, "deleted_rows_count", m.deleted_rows));
    ASSIGN_OR_RETURN(avro_value_t partitions, SetPresent(record, "partitions"));
    avro_value_t summary;
    RETURN_NOT_OK(Check(avro_value_append(&partitions, &summary, nullptr), "partitions"));
    ASSIGN_OR_RETURN(avro_value_t contains_null, Child(&summary, "contains_null"));
    RETURN_NOT_OK(Check(avro_value_set_boolean(&contains_null, 0), "contains_null"));
    RETURN_NOT_OK(SetNull(&summary, "contains_nan"));
    const auto bound = [](std::optional<Date> d) {
      return d ? std::optional<std::string>(SerializeInt32(d->days_since_epoch)) : std::nullopt;
    };
    RETURN_NOT_OK(SetOptionalBytes(&summary, "lower_bound", bound(m.lower_date)));
    RETURN_NOT_OK(SetOptionalBytes(&summary, "upper_bound", bound(m.upper_date)));
    RETURN_NOT_OK(builder->Append());
  }
  return builder->Finish();
}

Result<std::vector<ManifestFile>> ReadManifestList(const std::string& bytes,
                                                   const std::string& origin) {
  std::vector<ManifestFile> manifests;
  const Status read = ReadAvroFile(bytes, origin, [&](avro_value_t& record) -> Status {
    ManifestFile m;
    ASSIGN_OR_RETURN(m.path, GetString(&record, "manifest_path"));
    ASSIGN_OR_RETURN(m.length, GetLong(&record, "manifest_length"));
    ASSIGN_OR_RETURN(m.sequence_number, GetLong(&record, "sequence_number"));
    ASSIGN_OR_RETURN(m.min_sequence_number, GetLong(&record, "min_sequence_number"));
    ASSIGN_OR_RETURN(m.added_snapshot_id, GetLong(&record, "added_snapshot_id"));
    ASSIGN_OR_RETURN(m.added_files, GetInt(&record, "added_files_count"));
    ASSIGN_OR_RETURN(m.existing_files, GetInt(&record, "existing_files_count"));
    ASSIGN_OR_RETURN(m.deleted_files, GetInt(&record, "deleted_files_count"));
    ASSIGN_OR_RETURN(m.added_rows, GetLong(&record, "added_rows_count"));
    ASSIGN_OR_RETURN(m.existing_rows, GetLong(&record, "existing_rows_count"));
    ASSIGN_OR_RETURN(m.deleted_rows, GetLong(&record, "deleted_rows_count"));
    ASSIGN_OR_RETURN(std::optional<avro_value_t> partitions, GetPresent(&record, "partitions"));
    size_t size = 0;
    if (partitions && avro_value_get_size(&*partitions, &size) == 0 && size > 0) {
      avro_value_t summary;
      RETURN_NOT_OK(
          Check(avro_value_get_by_index(&*partitions, 0, &summary, nullptr), "partitions"));
      const auto date = [&](const char* name) -> Result<std::optional<Date>> {
        ASSIGN_OR_RETURN(std::optional<std::string> b, GetOptionalBytes(&summary, name));
        if (!b) return std::optional<Date>();
        if (b->size() != 4) {
          return Status::InvalidData(fmt::format("{}: {} is not a 4-byte date", origin, name));
        }
        uint32_t u = 0;
        for (int i = 3; i >= 0; --i)
          u = (u << 8) | static_cast<uint8_t>((*b)[static_cast<size_t>(i)]);
        return std::optional<Date>(Date{static_cast<int32_t>(u)});
      };
      ASSIGN_OR_RETURN(m.lower_date, date("lower_bound"));
      ASSIGN_OR_RETURN(m.upper_date, date("upper_bound"));
    }
    manifests.push_back(std::move(m));
    return Status::OK();
  });
  RETURN_NOT_OK(read);
  return manifests;
}

}  // namespace streampro::iceberg
