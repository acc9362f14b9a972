#include "engines/spark/ddl.h"

#include <fmt/format.h>

namespace streampro::engines::spark {

std::string SparkDdl(const DdlOptions& options, const lake::LayerFolders& folders) {
  const std::string location = LakeLocationUri(options.lake, "file");
  std::string sql = fmt::format(
      "-- StreamPro lake tables for Spark SQL (spark.sql.session.timeZone=UTC shows the\n"
      "-- timestamps as the lake holds them). Re-run the RECOVER PARTITIONS lines after each\n"
      "-- pipeline run so that Spark sees new dates.\n"
      "CREATE DATABASE IF NOT EXISTS `{}` LOCATION {};\n",
      options.schema, SqlString(location));
  for (const catalog::TableDef* table : QueryableTables()) {
    sql +=
        fmt::format("\nCREATE TABLE IF NOT EXISTS `{}`.`{}` (\n", options.schema, table->sql_name);
    for (const Field& field : table->schema->fields()) {
      sql += fmt::format("  `{}` {},\n", field.name, catalog::SparkType(field.type));
    }
    sql += fmt::format("  `{}` DATE\n)\n", catalog::kPartitionColumn);
    const std::string_view format = EngineFileFormat(*table);
    sql += fmt::format("USING {}\n", format);
    if (format == "CSV") sql += "OPTIONS (header 'true')\n";
    sql += fmt::format("PARTITIONED BY (`{}`)\nLOCATION {};\n", catalog::kPartitionColumn,
                       SqlString(TableLocation(location, folders, *table)));
    sql +=
        fmt::format("ALTER TABLE `{}`.`{}` RECOVER PARTITIONS;\n", options.schema, table->sql_name);
  }
  return sql;
}

}  // namespace streampro::engines::spark
