#include "iceberg/table_metadata.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <random>

#include "iceberg/manifest.h"
#include "lake/manifest.h"

namespace streampro::iceberg {

namespace {

using lake::JsonString;

Status Bad(const std::string& origin, std::string_view what) {
  return Status::InvalidData(fmt::format("{}: {}", origin, what));
}

Result<int64_t> Int(simdjson::dom::object object, std::string_view key, const std::string& origin) {
  int64_t value = 0;
  if (object[key].get_int64().get(value) != simdjson::SUCCESS) {
    return Bad(origin, fmt::format("'{}' is missing or not an integer", key));
  }
  return value;
}

Result<std::string> Text(simdjson::dom::object object, std::string_view key,
                         const std::string& origin) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) {
    return Bad(origin, fmt::format("'{}' is missing or not a string", key));
  }
  return std::string(value);
}

}  // namespace

const Snapshot* TableMetadata::FindSnapshot(int64_t id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::CurrentSnapshot() const {
  return current_snapshot_id ? FindSnapshot(*current_snapshot_id) : nullptr;
}

std::string ToJson(const TableMetadata& m, const catalog::TableDef& table) {
  int32_t last_column_id = table.partition_field_id;
  for (const int32_t id : table.field_ids) last_column_id = std::max(last_column_id, id);
  std::string out = "{\n";
  out += "  \"format-version\": 2,\n";
  out += fmt::format("  \"table-uuid\": {},\n", JsonString(m.table_uuid));
  out += fmt::format("  \"location\": {},\n", JsonString(m.location));
  out += fmt::format("  \"last-sequence-number\": {},\n", m.last_sequence_number);
  out += fmt::format("  \"last-updated-ms\": {},\n", m.last_updated_ms);
  out += fmt::format("  \"last-column-id\": {},\n", last_column_id);
  out += fmt::format("  \"current-schema-id\": {},\n", kSchemaId);
  out += fmt::format("  \"schemas\": [{}],\n", SchemaJson(table));
  out += fmt::format("  \"default-spec-id\": {},\n", kPartitionSpecId);
  out += fmt::format("  \"partition-specs\": [{{\"spec-id\":{},\"fields\":{}}}],\n",
                     kPartitionSpecId, PartitionFieldsJson(table));
  out += fmt::format("  \"last-partition-id\": {},\n", kPartitionFieldId);
  out += "  \"default-sort-order-id\": 0,\n";
  out += "  \"sort-orders\": [{\"order-id\":0,\"fields\":[]}],\n";
  out += "  \"properties\": {";
  bool first = true;
  for (const auto& [key, value] : m.properties) {
    out += fmt::format("{}\n    {}: {}", first ? "" : ",", JsonString(key), JsonString(value));
    first = false;
  }
  out += first ? "},\n" : "\n  },\n";
  out += fmt::format("  \"current-snapshot-id\": {},\n",
                     m.current_snapshot_id ? std::to_string(*m.current_snapshot_id) : "-1");
  out += "  \"refs\": {";
  if (m.current_snapshot_id) {
    out +=
        fmt::format("\"main\":{{\"snapshot-id\":{},\"type\":\"branch\"}}", *m.current_snapshot_id);
  }
  out += "},\n  \"snapshots\": [";
  for (size_t i = 0; i < m.snapshots.size(); ++i) {
    const Snapshot& s = m.snapshots[i];
    out += i == 0 ? "\n    {" : ",\n    {";
    out += fmt::format("\"snapshot-id\":{},", s.snapshot_id);
    if (s.parent_snapshot_id)
      out += fmt::format("\"parent-snapshot-id\":{},", *s.parent_snapshot_id);
    out += fmt::format("\"sequence-number\":{},\"timestamp-ms\":{},\"manifest-list\":{},",
                       s.sequence_number, s.timestamp_ms, JsonString(s.manifest_list));
    out += "\"summary\":{";
    for (size_t k = 0; k < s.summary.size(); ++k) {
      out += fmt::format("{}{}:{}", k == 0 ? "" : ",", JsonString(s.summary[k].first),
                         JsonString(s.summary[k].second));
    }
    out += fmt::format("}},\"schema-id\":{}}}", kSchemaId);
  }
  out += m.snapshots.empty() ? "],\n" : "\n  ],\n";
  out += "  \"snapshot-log\": [";
  for (size_t i = 0; i < m.snapshot_log.size(); ++i) {
    out += fmt::format("{}\n    {{\"timestamp-ms\":{},\"snapshot-id\":{}}}", i == 0 ? "" : ",",
                       m.snapshot_log[i].timestamp_ms, m.snapshot_log[i].snapshot_id);
  }
  out += m.snapshot_log.empty() ? "],\n" : "\n  ],\n";
  out += "  \"metadata-log\": [";
  for (size_t i = 0; i < m.metadata_log.size(); ++i) {
    out += fmt::format("{}\n    {{\"timestamp-ms\":{},\"metadata-file\":{}}}", i == 0 ? "" : ",",
                       m.metadata_log[i].timestamp_ms, JsonString(m.metadata_log[i].metadata_file));
  }
  out += m.metadata_log.empty() ? "]\n" : "\n  ]\n";
  out += "}\n";
  return out;
}

Result<TableMetadata> ParseTableMetadata(std::string_view json, const std::string& origin) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return Bad(origin, "not valid JSON");
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return Bad(origin, "not a JSON object");
  ASSIGN_OR_RETURN(const int64_t version, Int(object, "format-version", origin));
  if (version != 2) return Bad(origin, fmt::format("format-version {}, expected 2", version));
  TableMetadata m;
  ASSIGN_OR_RETURN(m.table_uuid, Text(object, "table-uuid", origin));
  ASSIGN_OR_RETURN(m.location, Text(object, "location", origin));
  ASSIGN_OR_RETURN(m.last_sequence_number, Int(object, "last-sequence-number", origin));
  ASSIGN_OR_RETURN(m.last_updated_ms, Int(object, "last-updated-ms", origin));
  int64_t current = -1;
  if (object["current-snapshot-id"].get_int64().get(current) == simdjson::SUCCESS &&
      current != -1) {
    m.current_snapshot_id = current;
  }
  simdjson::dom::object properties;
  if (object["properties"].get_object().get(properties) == simdjson::SUCCESS) {
    for (auto field : properties) {
      std::string_view value;
      if (field.value.get_string().get(value) != simdjson::SUCCESS) {
        return Bad(origin, fmt::format("property '{}' is not a string", field.key));
      }
      m.properties[std::string(field.key)] = std::string(value);
    }
  }
  simdjson::dom::array array;
  if (object["snapshots"].get_array().get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element element : array) {
      simdjson::dom::object s;
      if (element.get_object().get(s) != simdjson::SUCCESS)
        return Bad(origin, "a snapshot is not an object");
      Snapshot snapshot;
      ASSIGN_OR_RETURN(snapshot.snapshot_id, Int(s, "snapshot-id", origin));
      int64_t parent = 0;
      if (s["parent-snapshot-id"].get_int64().get(parent) == simdjson::SUCCESS) {
        snapshot.parent_snapshot_id = parent;
      }
      ASSIGN_OR_RETURN(snapshot.sequence_number, Int(s, "sequence-number", origin));
      ASSIGN_OR_RETURN(snapshot.timestamp_ms, Int(s, "timestamp-ms", origin));
      ASSIGN_OR_RETURN(snapshot.manifest_list, Text(s, "manifest-list", origin));
      simdjson::dom::object summary;
      if (s["summary"].get_object().get(summary) == simdjson::SUCCESS) {
        for (auto field : summary) {
          std::string_view value;
          if (field.value.get_string().get(value) != simdjson::SUCCESS) {
            return Bad(origin, fmt::format("summary '{}' is not a string", field.key));
          }
          snapshot.summary.emplace_back(std::string(field.key), std::string(value));
        }
      }
      m.snapshots.push_back(std::move(snapshot));
    }
  }
  if (object["snapshot-log"].get_array().get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element element : array) {
      simdjson::dom::object e;
      if (element.get_object().get(e) != simdjson::SUCCESS)
        return Bad(origin, "a snapshot-log entry is not an object");
      SnapshotLogEntry entry;
      ASSIGN_OR_RETURN(entry.timestamp_ms, Int(e, "timestamp-ms", origin));
      ASSIGN_OR_RETURN(entry.snapshot_id, Int(e, "snapshot-id", origin));
      m.snapshot_log.push_back(entry);
    }
  }
  if (object["metadata-log"].get_array().get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element element : array) {
      simdjson::dom::object e;
      if (element.get_object().get(e) != simdjson::SUCCESS)
        return Bad(origin, "a metadata-log entry is not an object");
      MetadataLogEntry entry;
      ASSIGN_OR_RETURN(entry.timestamp_ms, Int(e, "timestamp-ms", origin));
      ASSIGN_OR_RETURN(entry.metadata_file, Text(e, "metadata-file", origin));
      m.metadata_log.push_back(std::move(entry));
    }
  }
  if (m.current_snapshot_id && m.CurrentSnapshot() == nullptr) {
    return Bad(origin,
               fmt::format("current-snapshot-id {} names no snapshot", *m.current_snapshot_id));
  }
  return m;
}

std::string RandomUuid() {
  std::random_device random;
  std::string bytes(16, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
  bytes[6] = static_cast<char>((static_cast<uint8_t>(bytes[6]) & 0x0F) | 0x40);
  bytes[8] = static_cast<char>((static_cast<uint8_t>(bytes[8]) & 0x3F) | 0x80);
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += fmt::format("{:02x}", static_cast<uint8_t>(bytes[i]));
  }
  return out;
}

int64_t RandomSnapshotId() {
  std::random_device random;
  const uint64_t high = random();
  const uint64_t low = random();
  const auto id = static_cast<int64_t>(((high << 32) | low) & 0x7FFF'FFFF'FFFF'FFFFULL);
  return id == 0 ? 1 : id;
}

}  // namespace streampro::iceberg
