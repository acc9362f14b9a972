#include "engines/spark/ddl.h"
#include "engines/trino/ddl.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "common/file.h"
#include "formats/parquet/duckdb_runner.h"
#include "lake/layout.h"
#include "streampro/parquet.h"
#include "support/lake_support.h"
#include "support/temp_dir.h"

namespace streampro::engines {
using trino::TrinoDdl;
namespace {

using Columns = std::vector<std::pair<std::string, std::string>>;

// Table name -> its (column, type) list, read back from the DDL text.
std::map<std::string, Columns> ParseCreateTables(const std::string& sql,
                                                 const std::string& prefix) {
  std::map<std::string, Columns> tables;
  const std::string create = "CREATE TABLE IF NOT EXISTS " + prefix;
  size_t pos = 0;
  while ((pos = sql.find(create, pos)) != std::string::npos) {
    const size_t name_start = pos + create.size();
    const size_t name_end = sql.find(' ', name_start);
    const std::string name = sql.substr(name_start, name_end - name_start);
    const size_t body_end = sql.find("\n)", name_end);
    size_t line = sql.find('\n', name_end) + 1;
    Columns& columns = tables[name];
    while (line < body_end) {
      const size_t end = sql.find('\n', line);
      std::string text = sql.substr(line, end - line);
      if (text.ends_with(",")) text.pop_back();
      const size_t close_quote = text.find('"', 3);
      columns.emplace_back(text.substr(3, close_quote - 3), text.substr(close_quote + 2));
      line = end + 1;
    }
    pos = body_end;
  }
  return tables;
}

TEST(TrinoDdlTest, DeclaresEveryTableWithEveryColumnAndItsType) {
  DdlOptions options;
  options.lake = "s3://bucket/lake/";
  ASSERT_TRUE(options.Validate().ok());
  const std::string sql = TrinoDdl(options);
  EXPECT_NE(sql.find("CREATE SCHEMA IF NOT EXISTS hive.streampro WITH (location = "
                     "'s3://bucket/lake');"),
            std::string::npos)
      << sql;
  const auto tables = ParseCreateTables(sql, "hive.streampro.");
  const std::vector<const catalog::TableDef*> expected = QueryableTables();
  // The raw tables (4), the trusted ones (4 + rejects) and the 4 enriched ones.
  ASSERT_EQ(expected.size(), 13u);
  ASSERT_EQ(tables.size(), expected.size());
  for (const catalog::TableDef* table : expected) {
    const std::string sql_name(table->sql_name);
    SCOPED_TRACE(sql_name);
    ASSERT_TRUE(tables.contains(sql_name));
    const Columns& columns = tables.at(sql_name);
    ASSERT_EQ(columns.size(), static_cast<size_t>(table->schema->num_fields()) + 1);
    for (int i = 0; i < table->schema->num_fields(); ++i) {
      EXPECT_EQ(columns[i].first, table->schema->field(i).name);
      EXPECT_EQ(columns[i].second, catalog::TrinoType(table->schema->field(i).type, 6));
    }
    EXPECT_EQ(columns.back(), (std::pair<std::string, std::string>{"ingestion_date", "date"}));
    EXPECT_NE(sql.find(fmt::format("external_location = 's3://bucket/lake/{}/{}'",
                                   catalog::LayerName(table->layer), table->folder)),
              std::string::npos);
    EXPECT_NE(
        sql.find(fmt::format("CALL hive.system.sync_partition_metadata('streampro', '{}', 'FULL');",
                             sql_name)),
        std::string::npos);
  }
  EXPECT_NE(sql.find("external_location = 's3://bucket/lake/trusted/_rejects'"), std::string::npos);
  // Spot checks of the type mapping on real columns.
  const auto type_of = [&](const std::string& table, const std::string& column) {
    for (const auto& [name, type] : tables.at(table)) {
      if (name == column) return type;
    }
    return std::string("<absent>");
  };
  EXPECT_EQ(type_of("trusted_events", "timestamp"), "timestamp(6)");
  EXPECT_EQ(type_of("trusted_events", "value"), "double");
  EXPECT_EQ(type_of("trusted_events", "source_line"), "bigint");
  EXPECT_EQ(type_of("trusted_users", "signup_date"), "date");
  EXPECT_EQ(type_of("trusted_videos", "duration_seconds"), "integer");
  EXPECT_EQ(type_of("trusted_rejects", "raw_record"), "varchar");
  EXPECT_EQ(type_of("user_sessions", "reached_30s"), "boolean");
  EXPECT_EQ(type_of("user_journey", "total_sessions"), "bigint");
  EXPECT_EQ(type_of("device_analytics", "abnormal"), "boolean");
  // The original system's names, as its users' queries spell them; the raw layer over the
  // landing files, every column varchar.
  for (const char* name :
       {"raw_users", "raw_videos", "raw_devices", "raw_events", "trusted_users", "trusted_videos",
        "trusted_devices", "trusted_events", "trusted_rejects", "user_sessions", "user_journey",
        "genre_performance", "device_analytics"}) {
    EXPECT_TRUE(tables.contains(name)) << name;
  }
  EXPECT_EQ(type_of("raw_users", "signup_date"), "varchar");
  EXPECT_EQ(type_of("raw_events", "timestamp"), "varchar");
  EXPECT_EQ(type_of("raw_events", "source_line"), "<absent>");
  EXPECT_NE(sql.find("external_location = 's3://bucket/lake/raw/users',\n  format = 'CSV',\n"
                     "  skip_header_line_count = 1,"),
            std::string::npos);
  EXPECT_NE(sql.find("external_location = 's3://bucket/lake/raw/events',\n  format = 'JSON',"),
            std::string::npos);
  const size_t partitioned = sql.find("partitioned_by = ARRAY['ingestion_date']");
  EXPECT_NE(partitioned, std::string::npos);
  EXPECT_NE(sql.find("format = 'PARQUET'"), std::string::npos);
}

TEST(TrinoDdlTest, OptionsAndLocations) {
  DdlOptions options;
  options.lake = "/data/lake/";
  options.catalog = "lakehouse";
  options.schema = "sp";
  options.timestamp_precision = 3;
  ASSERT_TRUE(options.Validate().ok());
  const std::string sql = TrinoDdl(options);
  EXPECT_NE(
      sql.find("CREATE SCHEMA IF NOT EXISTS lakehouse.sp WITH (location = 'local:///data/lake');"),
      std::string::npos);
  EXPECT_NE(sql.find("\"timestamp\" timestamp(3),"), std::string::npos);
  EXPECT_NE(
      sql.find("CALL lakehouse.system.sync_partition_metadata('sp', 'trusted_events', 'FULL');"),
      std::string::npos);

  EXPECT_EQ(LakeLocationUri("s3://b/p", "local"), "s3://b/p");
  EXPECT_EQ(LakeLocationUri("/a/./b/", "local"), "local:///a/b");
  EXPECT_EQ(LakeLocationUri("/a/./b/", "file"), "file:///a/b");
  const std::string relative = LakeLocationUri("lake", "local");
  EXPECT_EQ(relative, "local://" + (std::filesystem::current_path() / "lake").string());

  options.timestamp_precision = 9;
  EXPECT_FALSE(options.Validate().ok());
  options.timestamp_precision = 6;
  options.schema = "Bad-Name";
  EXPECT_FALSE(options.Validate().ok());
  options.schema = "ok";
  options.catalog = "";
  EXPECT_FALSE(options.Validate().ok());
}

TEST(SparkDdlTest, DeclaresTheSameTablesWithSparkFormats) {
  DdlOptions options;
  options.lake = "/data/lake";
  const std::string sql = spark::SparkDdl(options);
  EXPECT_NE(sql.find("CREATE DATABASE IF NOT EXISTS `streampro` LOCATION 'file:///data/lake';"),
            std::string::npos);
  for (const catalog::TableDef* table : QueryableTables()) {
    SCOPED_TRACE(std::string(table->sql_name));
    const std::string create =
        fmt::format("CREATE TABLE IF NOT EXISTS `streampro`.`{}` (\n", table->sql_name);
    const size_t start = sql.find(create);
    ASSERT_NE(start, std::string::npos);
    const size_t end = sql.find(";\n", start);
    const std::string statement = sql.substr(start, end - start);
    EXPECT_NE(statement.find(fmt::format("USING {}\n", EngineFileFormat(*table))),
              std::string::npos);
    EXPECT_EQ(statement.find("OPTIONS (header 'true')") != std::string::npos,
              EngineFileFormat(*table) == "CSV");
    EXPECT_NE(statement.find(fmt::format("LOCATION 'file:///data/lake/{}/{}'",
                                         catalog::LayerName(table->layer), table->folder)),
              std::string::npos);
    EXPECT_NE(
        sql.find(fmt::format("ALTER TABLE `streampro`.`{}` RECOVER PARTITIONS;", table->sql_name)),
        std::string::npos);
  }
  EXPECT_NE(sql.find("  `timestamp` TIMESTAMP,\n"), std::string::npos);
  EXPECT_NE(sql.find("  `ingestion_date` DATE\n"), std::string::npos);
}

// One row of plain values, so every column has data and statistics.
RecordBatch OneRow(const SchemaPtr& schema) {
  RecordBatch batch(schema);
  for (int i = 0; i < schema->num_fields(); ++i) {
    Column& column = batch.column(i);
    switch (schema->field(i).type) {
      case TypeId::kBool:
        column.AppendBool(true);
        break;
      case TypeId::kInt32:
      case TypeId::kDate32:
        column.AppendInt32(1);
        break;
      case TypeId::kInt64:
      case TypeId::kTimestampMicros:
        column.AppendInt64(1);
        break;
      case TypeId::kDouble:
        column.AppendDouble(1.5);
        break;
      case TypeId::kString:
        column.AppendString("x");
        break;
    }
  }
  return batch;
}

// DuckDB's type names for the Trino types the DDL uses.
std::string DuckDbTypeFor(const std::string& trino_type) {
  static const std::map<std::string, std::string> kTypes = {
      {"varchar", "VARCHAR"},
      {"integer", "INTEGER"},
      {"bigint", "BIGINT"},
      {"double", "DOUBLE"},
      {"boolean", "BOOLEAN"},
      {"date", "DATE"},
      {"timestamp(6)", "TIMESTAMP WITH TIME ZONE"}};
  auto it = kTypes.find(trino_type);
  return it == kTypes.end() ? "<unmapped " + trino_type + ">" : it->second;
}

TEST(TrinoDdlTest, ColumnsMatchWhatDuckDbReadsFromOurParquetFiles) {
  testing::TempDir lake;
  DdlOptions options;
  options.lake = lake.path();
  const auto tables = ParseCreateTables(TrinoDdl(options), "hive.streampro.");
  const Date date = *ParseIsoDate("2025-09-09");
  const auto local_lake = ::streampro::testing::LocalLake(lake.path());
  for (const catalog::TableDef* table_def : QueryableTables()) {
    const catalog::TableDef& table = *table_def;
    if (EngineFileFormat(table) != "PARQUET") continue;  // raw: the landing files
    const std::string sql_name(table.sql_name);
    SCOPED_TRACE(sql_name);
    const std::string dir = local_lake->PartitionUri(table, date);
    ASSERT_TRUE(CreateDirectories(dir).ok());
    auto sink = AtomicFileWriter::Open(dir + "/part-00000.parquet");
    ASSERT_TRUE(sink.ok());
    auto writer = parquet::FileWriter::Open(&*sink, table.schema);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->WriteBatch(OneRow(table.schema)).ok());
    ASSERT_TRUE((*writer)->Close().ok());
    ASSERT_TRUE(sink->Commit().ok());
    ASSERT_TRUE(WriteFileAtomically(dir + "/_manifest.json", "{}").ok());

    const std::vector<std::string> described = parquet::testing_duckdb::RunDuckDb(
        fmt::format("SELECT column_name || ':' || column_type AS l FROM (DESCRIBE SELECT * FROM "
                    "read_parquet('{}/{}/{}/*/*.parquet', hive_partitioning = true));",
                    lake.path(), catalog::LayerName(table.layer), table.folder));
    std::vector<std::string> declared;
    for (const auto& [name, type] : tables.at(sql_name)) {
      declared.push_back(name + ":" + DuckDbTypeFor(type));
    }
    EXPECT_EQ(described, declared);
  }
}

}  // namespace
}  // namespace streampro::engines
