#include "lake/manifest.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "common/file.h"
#include "common/json_fields.h"
#include "common/parse_int.h"
#include "lake/lake.h"
#include "streampro/object_store.h"

namespace streampro::lake {

namespace {

constexpr int64_t kFormatVersion = 1;

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
  ASSIGN_OR_RETURN(const JsonFields object, JsonFields::Parse(parser, json, origin, "manifest"));
  ASSIGN_OR_RETURN(const int64_t version, object.Int("format_version"));
  if (version != kFormatVersion) {
    return object.Invalid(fmt::format("unsupported format_version {}", version));
  }
  PartitionManifest manifest;
  ASSIGN_OR_RETURN(manifest.layer, object.String("layer"));
  ASSIGN_OR_RETURN(manifest.table, object.String("table"));
  ASSIGN_OR_RETURN(const std::string date_text, object.String("ingestion_date"));
  const std::optional<Date> date = ParseIsoDate(date_text);
  if (!date) return object.Invalid(fmt::format("bad ingestion_date '{}'", date_text));
  manifest.date = *date;
  ASSIGN_OR_RETURN(manifest.run_id, object.String("run_id"));
  ASSIGN_OR_RETURN(manifest.committed_at, object.String("committed_at"));
  if (object.Has("source_file")) {
    ASSIGN_OR_RETURN(manifest.source_file, object.String("source_file"));
  }
  ASSIGN_OR_RETURN(const simdjson::dom::array files, object.Array("files"));
  for (const simdjson::dom::element element : files) {
    ASSIGN_OR_RETURN(const JsonFields file_object, object.Element(element, "files"));
    FileEntry file;
    ASSIGN_OR_RETURN(file.name, file_object.String("name"));
    ASSIGN_OR_RETURN(file.bytes, file_object.Count("bytes"));
    ASSIGN_OR_RETURN(file.sha256, file_object.String("sha256"));
    if (file_object.Has("rows")) {
      ASSIGN_OR_RETURN(file.rows, file_object.Count("rows"));
    }
    if (file_object.Has("object")) {
      ASSIGN_OR_RETURN(std::string location, file_object.String("object"));
      if (location.empty() || location.front() == '/' || location.find("..") != std::string::npos) {
        return object.Invalid(fmt::format("file '{}': object '{}' is not a key inside the lake",
                                          file.name, location));
      }
      file.object = std::move(location);
    }
    manifest.files.push_back(std::move(file));
  }
  if (object.Has("counters")) {
    ASSIGN_OR_RETURN(const JsonFields counters, object.Object("counters"));
    ASSIGN_OR_RETURN(manifest.counters, counters.Counters("counters.rejected_by_reason"));
  }
  if (object.Has("properties")) {
    ASSIGN_OR_RETURN(const JsonFields properties, object.Object("properties"));
    for (const auto field : properties.object()) {
      std::string_view value;
      if (field.value.get_string().get(value) != simdjson::SUCCESS) {
        return object.Invalid(fmt::format("property '{}' must be a string", field.key));
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
    return Status::InvalidData(fmt::format(
        "{}: invalid manifest: property '{}' must be an integer from {} to {}, got '{}'", origin,
        key, min, max, it->second));
  }
  return value;
}

}  // namespace streampro::lake
