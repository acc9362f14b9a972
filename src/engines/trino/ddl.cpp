#include "engines/trino/ddl.h"

#include <fmt/format.h>

namespace streampro::engines::trino {

std::vector<std::string> TrinoDdlStatements(const DdlOptions& options,
                                            const lake::LayerFolders& folders) {
  const std::string location = LakeLocationUri(options.lake, "local");
  const std::string schema = fmt::format("{}.{}", options.catalog, options.schema);
  std::vector<std::string> statements;
  statements.push_back(fmt::format("CREATE SCHEMA IF NOT EXISTS {} WITH (location = {})", schema,
                                   SqlString(location)));
  for (const catalog::TableDef* table : QueryableTables()) {
    std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {}.{} (\n", schema, table->sql_name);
    for (const Field& field : table->schema->fields()) {
      sql += fmt::format("  \"{}\" {},\n", field.name,
                         catalog::TrinoType(field.type, options.timestamp_precision));
    }
    sql += fmt::format("  \"{}\" date\n)\n", catalog::kPartitionColumn);
    const std::string_view format = EngineFileFormat(*table);
    // CSV: the Hive connector takes varchar columns only, and skips the header line.
    sql += fmt::format(
        "WITH (\n"
        "  external_location = {},\n"
        "  format = '{}',\n"
        "{}"
        "  partitioned_by = ARRAY['{}']\n"
        ")",
        SqlString(TableLocation(location, folders, *table)), format,
        format == "CSV" ? "  skip_header_line_count = 1,\n" : "", catalog::kPartitionColumn);
    statements.push_back(std::move(sql));
    statements.push_back(fmt::format("CALL {}.system.sync_partition_metadata({}, {}, 'FULL')",
                                     options.catalog, SqlString(options.schema),
                                     SqlString(table->sql_name)));
  }
  return statements;
}

std::string TrinoDdl(const DdlOptions& options, const lake::LayerFolders& folders) {
  std::string sql = fmt::format(
      "-- StreamPro lake tables for Trino's Hive connector (catalog {}).\n"
      "-- Partitions are folders ingestion_date=YYYY-MM-DD; re-run the CALL lines after\n"
      "-- each pipeline run so that Trino sees new dates (or: streampro sync --engine trino).\n",
      options.catalog);
  bool first = true;
  for (const std::string& statement : TrinoDdlStatements(options, folders)) {
    // A blank line before each table.
    if (!first && statement.starts_with("CREATE TABLE")) sql += "\n";
    sql += statement + ";\n";
    first = false;
  }
  return sql;
}

}  // namespace streampro::engines::trino
