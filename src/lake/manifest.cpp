#include "lake/manifest.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "common/file.h"
#include "common/parse_int.h"
#include "lake/lake.h"
#include "streampro/object_store.h"

namespace streampro::lake {

namespace {

constexpr int64_t kFormatVersion = 1;

Status Invalid(const std::string& origin, std::string_view what) {
  return Status::InvalidData(fmt::format("{}: invalid manifest: {}", origin, what));
}

Result<std::string> GetString(simdjson::dom::object object, std::string_view key,
                              const std::string& origin) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) {
    return Invalid(origin, fmt::format("'{}' must be a string", key));
  }
  return std::string(value);
}

Result<int64_t> GetInt(simdjson::dom::object object, std::string_view key,
                       const std::string& origin) {
  int64_t value = 0;
  if (object[key].get_int64().get(value) != simdjson::SUCCESS) {
    return Invalid(origin, fmt::format("'{}' must be an integer", key));
  }
  return value;
}

// A size or a count: an integer of at least 0.
Result<int64_t> GetCount(simdjson::dom::object object, std::string_view key,
                         const std::string& origin) {
  ASSIGN_OR_RETURN(const int64_t value, GetInt(object, key, origin));
  if (value < 0)
    return Invalid(origin, fmt::format("'{}' must not be negative, got {}", key, value));
  return value;
}

bool Has(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element element;
  return object[key].get(element) == simdjson::SUCCESS && !element.is_null();
}

Result<FileCounters> ParseCounters(simdjson::dom::object object, const std::string& origin) {
  FileCounters counters;
  ASSIGN_OR_RETURN(counters.rows_in, GetCount(object, "rows_in", origin));
  ASSIGN_OR_RETURN(counters.rows_kept, GetCount(object, "rows_kept", origin));
  ASSIGN_OR_RETURN(counters.rows_rejected, GetCount(object, "rows_rejected", origin));
  ASSIGN_OR_RETURN(counters.rows_duplicate, GetCount(object, "rows_duplicate", origin));
  simdjson::dom::object reasons;
  if (object["rejected_by_reason"].get_object().get(reasons) != simdjson::SUCCESS) {
    return Invalid(origin, "'counters.rejected_by_reason' must be an object");
  }
  for (const auto field : reasons) {
    const std::optional<RejectReason> reason = RejectReasonFromName(field.key);
    int64_t count = 0;
    if (!reason || field.value.get_int64().get(count) != simdjson::SUCCESS || count < 0) {
      return Invalid(origin, fmt::format("bad reject reason count '{}'", field.key));
    }
    counters.rejected_by_reason[static_cast<size_t>(*reason)] = count;
  }
  return counters;
}

}  // namespace

std::string JsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

int64_t PartitionManifest::total_rows() const {
  int64_t total = 0;
  for (const FileEntry& file : files) total += file.rows.value_or(0);
  return total;
}

const FileEntry* PartitionManifest::FindFile(std::string_view name) const {
  for (const FileEntry& file : files) {
    if (file.name == name) return &file;
  }
  return nullptr;
}

std::string PartitionManifest::ToJson() const {
  std::string out = "{\n";
  out += fmt::format("  \"format_version\": {},\n", kFormatVersion);
  out += fmt::format("  \"layer\": {},\n", JsonString(layer));
  out += fmt::format("  \"table\": {},\n", JsonString(table));
  out += fmt::format("  \"ingestion_date\": \"{}\",\n", FormatIsoDate(date));
  out += fmt::format("  \"run_id\": {},\n", JsonString(run_id));
  out += fmt::format("  \"committed_at\": {},\n", JsonString(committed_at));
  if (source_file) out += fmt::format("  \"source_file\": {},\n", JsonString(*source_file));
  out += fmt::format("  \"total_rows\": {},\n", total_rows());
  out += "  \"files\": [";
  for (size_t i = 0; i < files.size(); ++i) {
    const FileEntry& file = files[i];
    out += fmt::format("{}\n    {{\"name\": {}, \"bytes\": {}, \"sha256\": {}", i ? "," : "",
                       JsonString(file.name), file.bytes, JsonString(file.sha256));
    if (file.rows) out += fmt::format(", \"rows\": {}", *file.rows);
    if (file.object) out += fmt::format(", \"object\": {}", JsonString(*file.object));
    out += "}";
  }
  out += files.empty() ? "],\n" : "\n  ],\n";
  if (counters) {
    out += fmt::format(
        "  \"counters\": {{\"rows_in\": {}, \"rows_kept\": {}, \"rows_rejected\": {}, "
        "\"rows_duplicate\": {}, \"rejected_by_reason\": {{",
        counters->rows_in, counters->rows_kept, counters->rows_rejected, counters->rows_duplicate);
    bool first = true;
    for (const auto& [reason, count] : counters->RejectedByReasonMap()) {
      out += fmt::format("{}{}: {}", first ? "" : ", ", JsonString(reason), count);
      first = false;
    }
    out += "}},\n";
  }
  out += "  \"properties\": {";
  bool first = true;
  for (const auto& [key, value] : properties) {
    out += fmt::format("{}\n    {}: {}", first ? "" : ",", JsonString(key), JsonString(value));
    first = false;
  }
  out += properties.empty() ? "}\n" : "\n  }\n";
  out += "}\n";
  return out;
}

Result<PartitionManifest> PartitionManifest::FromJson(std::string_view json,
                                                      const std::string& origin) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (const simdjson::error_code error = parser.parse(json.data(), json.size()).get(root);
      error != simdjson::SUCCESS) {
    return Invalid(origin, fmt::format("not valid JSON ({})", simdjson::error_message(error)));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return Invalid(origin, "not a JSON object");
  }
  ASSIGN_OR_RETURN(const int64_t version, GetInt(object, "format_version", origin));
  if (version != kFormatVersion) {
    return Invalid(origin, fmt::format("unsupported format_version {}", version));
  }
  PartitionManifest manifest;
  ASSIGN_OR_RETURN(manifest.layer, GetString(object, "layer", origin));
  ASSIGN_OR_RETURN(manifest.table, GetString(object, "table", origin));
  ASSIGN_OR_RETURN(const std::string date_text, GetString(object, "ingestion_date", origin));
  const std::optional<Date> date = ParseIsoDate(date_text);
  if (!date) return Invalid(origin, fmt::format("bad ingestion_date '{}'", date_text));
  manifest.date = *date;
  ASSIGN_OR_RETURN(manifest.run_id, GetString(object, "run_id", origin));
  ASSIGN_OR_RETURN(manifest.committed_at, GetString(object, "committed_at", origin));
  if (Has(object, "source_file")) {
    ASSIGN_OR_RETURN(manifest.source_file, GetString(object, "source_file", origin));
  }
  simdjson::dom::array files;
  if (object["files"].get_array().get(files) != simdjson::SUCCESS) {
    return Invalid(origin, "'files' must be an array");
  }
  for (const simdjson::dom::element element : files) {
    simdjson::dom::object file_object;
    if (element.get_object().get(file_object) != simdjson::SUCCESS) {
      return Invalid(origin, "every entry of 'files' must be an object");
    }
    FileEntry file;
    ASSIGN_OR_RETURN(file.name, GetString(file_object, "name", origin));
    ASSIGN_OR_RETURN(file.bytes, GetCount(file_object, "bytes", origin));
    ASSIGN_OR_RETURN(file.sha256, GetString(file_object, "sha256", origin));
    if (Has(file_object, "rows")) {
      ASSIGN_OR_RETURN(file.rows, GetCount(file_object, "rows", origin));
    }
    if (Has(file_object, "object")) {
      ASSIGN_OR_RETURN(std::string location, GetString(file_object, "object", origin));
      if (location.empty() || location.front() == '/' || location.find("..") != std::string::npos) {
        return Invalid(origin, fmt::format("file '{}': object '{}' is not a key inside the lake",
                                           file.name, location));
      }
      file.object = std::move(location);
    }
    manifest.files.push_back(std::move(file));
  }
  if (Has(object, "counters")) {
    simdjson::dom::object counters;
    if (object["counters"].get_object().get(counters) != simdjson::SUCCESS) {
      return Invalid(origin, "'counters' must be an object");
    }
    ASSIGN_OR_RETURN(manifest.counters, ParseCounters(counters, origin));
  }
  if (Has(object, "properties")) {
    simdjson::dom::object properties;
    if (object["properties"].get_object().get(properties) != simdjson::SUCCESS) {
      return Invalid(origin, "'properties' must be an object");
    }
    for (const auto field : properties) {
      std::string_view value;
      if (field.value.get_string().get(value) != simdjson::SUCCESS) {
        return Invalid(origin, fmt::format("property '{}' must be a string", field.key));
      }
      manifest.properties.emplace(std::string(field.key), std::string(value));
    }
  }
  return manifest;
}

namespace {

// The published folder of the partition `manifest` describes.
std::string PartitionUriOf(const Lake& lake, const PartitionManifest& manifest) {
  const std::optional<catalog::Layer> layer = catalog::LayerFromName(manifest.layer);
  const catalog::TableDef* table = layer ? catalog::Find(*layer, manifest.table) : nullptr;
  if (table == nullptr) {
    return lake.Uri(storage::JoinUri(storage::JoinUri(manifest.layer, manifest.table),
                                     PartitionFolderName(manifest.date)));
  }
  return lake.PartitionUri(*table, manifest.date);
}

}  // namespace

Result<std::optional<PartitionManifest>> ReadManifest(const Lake& lake,
                                                      const catalog::TableDef& table, Date date) {
  const std::string path = lake.ManifestUri(table, date);
  ASSIGN_OR_RETURN(const std::optional<std::string> json, lake.ReadIfExists(path));
  if (!json) return std::optional<PartitionManifest>();
  ASSIGN_OR_RETURN(PartitionManifest manifest, PartitionManifest::FromJson(*json, path));
  return std::optional<PartitionManifest>(std::move(manifest));
}

std::string FileUri(const Lake& lake, const PartitionManifest& manifest, const FileEntry& file) {
  if (file.object) return lake.Uri(*file.object);
  return storage::JoinUri(PartitionUriOf(lake, manifest), file.name);
}

Result<std::optional<int64_t>> IntProperty(const Lake& lake, const PartitionManifest& manifest,
                                           std::string_view key, int64_t min, int64_t max) {
  const auto it = manifest.properties.find(std::string(key));
  if (it == manifest.properties.end()) return std::optional<int64_t>();
  const std::optional<int64_t> value = ParseInt64(it->second, min, max);
  if (!value) {
    const std::string origin = storage::JoinUri(PartitionUriOf(lake, manifest), kManifestFileName);
    return Invalid(origin, fmt::format("property '{}' must be an integer from {} to {}, got '{}'",
                                       key, min, max, it->second));
  }
  return value;
}

}  // namespace streampro::lake
