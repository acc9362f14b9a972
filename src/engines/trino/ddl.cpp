#include "engines/trino/ddl.h"

#include <fmt/format.h>

#include <filesystem>

namespace streampro::engines::trino {

namespace {

bool IsPlainIdentifier(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
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

}  // namespace

Status TrinoDdlOptions::Validate() const {
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

std::string LakeLocationUri(const std::string& lake) {
  std::string uri;
  if (lake.find("://") != std::string::npos) {
    uri = lake;
  } else {
    std::error_code ec;
    std::filesystem::path path = std::filesystem::absolute(lake, ec);
    if (ec) path = lake;
    uri = "file://" + path.lexically_normal().string();
  }
  while (uri.size() > 1 && uri.back() == '/' && !uri.ends_with(":///")) uri.pop_back();
  return uri;
}

std::string TrinoDdl(const TrinoDdlOptions& options, const lake::LayerFolders& folders) {
  const std::string location = LakeLocationUri(options.lake);
  const std::string schema = fmt::format("{}.{}", options.catalog, options.schema);
  std::string sql = fmt::format(
      "-- StreamPro lake tables for Trino's Hive connector (catalog {}).\n"
      "-- Partitions are folders ingestion_date=YYYY-MM-DD; re-run the CALL lines after\n"
      "-- each pipeline run so that Trino sees new dates.\n"
      "CREATE SCHEMA IF NOT EXISTS {} WITH (location = {});\n",
      options.catalog, schema, SqlString(location));
  for (const catalog::TableDef* table : QueryableTables()) {
    sql += fmt::format("\nCREATE TABLE IF NOT EXISTS {}.{} (\n", schema, table->sql_name);
    for (const Field& field : table->schema->fields()) {
      sql += fmt::format("  \"{}\" {},\n", field.name,
                         catalog::TrinoType(field.type, options.timestamp_precision));
    }
    sql += fmt::format("  \"{}\" date\n)\n", catalog::kPartitionColumn);
    sql += fmt::format(
        "WITH (\n"
        "  external_location = {},\n"
        "  format = 'PARQUET',\n"
        "  partitioned_by = ARRAY['{}']\n"
        ");\n",
        SqlString(fmt::format("{}/{}/{}", location, folders.Of(table->layer), table->folder)),
        catalog::kPartitionColumn);
    sql += fmt::format("CALL {}.system.sync_partition_metadata({}, {}, 'FULL');\n", options.catalog,
                       SqlString(options.schema), SqlString(table->sql_name));
  }
  return sql;
}

}  // namespace streampro::engines::trino
