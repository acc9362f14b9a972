#include "engines/ddl.h"

#include <fmt/format.h>

#include <filesystem>

namespace streampro::engines {

namespace {

bool IsPlainIdentifier(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

Status DdlOptions::Validate() const {
  if (lake.empty()) return Status::InvalidArgument("--lake must not be empty");
  if (!IsPlainIdentifier(catalog)) {
    return Status::InvalidArgument(
        fmt::format("--catalog '{}' must be a lower-case identifier ([a-z0-9_])", catalog));
  }
  if (!IsPlainIdentifier(schema)) {
    return Status::InvalidArgument(
        fmt::format("--schema '{}' must be a lower-case identifier ([a-z0-9_])", schema));
  }
  if (timestamp_precision != 3 && timestamp_precision != 6) {
    return Status::InvalidArgument(
        fmt::format("--timestamp-precision must be 3 or 6 (got {})", timestamp_precision));
  }
  return Status::OK();
}

std::vector<const catalog::TableDef*> QueryableTables() {
  std::vector<const catalog::TableDef*> tables;
  for (const catalog::TableDef& table : catalog::AllTables()) {
    if (!table.sql_name.empty() && table.schema) tables.push_back(&table);
  }
  return tables;
}

std::string_view EngineFileFormat(const catalog::TableDef& table) {
  if (table.format == catalog::FileFormat::kLandingCopy) {
    return table.source == Table::kEvents ? "JSON" : "CSV";
  }
  return "PARQUET";
}

std::string LakeLocationUri(const std::string& lake, std::string_view local_scheme) {
  std::string uri;
  if (lake.find("://") != std::string::npos) {
    uri = lake;
  } else {
    std::error_code ec;
    std::filesystem::path path = std::filesystem::absolute(lake, ec);
    if (ec) path = lake;
    uri = fmt::format("{}://{}", local_scheme, path.lexically_normal().string());
  }
  while (uri.size() > 1 && uri.back() == '/' && !uri.ends_with(":///")) uri.pop_back();
  return uri;
}

std::string TableLocation(std::string_view location, const lake::LayerFolders& folders,
                          const catalog::TableDef& table) {
  return fmt::format("{}/{}/{}", location, folders.Of(table.layer), table.folder);
}

std::string SqlString(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace streampro::engines
