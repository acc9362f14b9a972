// Iceberg tables over the lake's Parquet files: Appendix D single values and footer
// metrics worked out by hand (column sizes by DuckDB), the JDBC catalog schema on SQLite
// with its optimistic commit, and pyiceberg (SqlCatalog over the SQLite file) reading what
// we commit: schema with field ids, identity partition, per-date rows of every snapshot,
// data-file metrics. The same on PostgreSQL: postgres_catalog_test.cpp.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "e2e/e2e_support.h"
#include "formats/parquet/duckdb_runner.h"
#include "iceberg/data_file.h"
#include "iceberg/iceberg_test_support.h"
#include "iceberg/jdbc_schema.h"
#include "iceberg/lake_tables.h"
#include "iceberg/location.h"
#include "iceberg/manifest.h"
#include "iceberg/table_catalog.h"
#include "iceberg/table_commit.h"
#include "iceberg/table_metadata.h"
#include "lake/partition_writer.h"
#include "pipeline/partition_io.h"
#include "support/lake_support.h"
#include "support/temp_dir.h"

namespace streampro::iceberg {
namespace {

using catalog::TableId;

std::string Hex(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) out += fmt::format("{:02x}", static_cast<uint8_t>(c));
  return out;
}

constexpr Date kDay1{19723};  // 2024-01-01
constexpr Date kDay2{19724};  // 2024-01-02

// Trusted users rows: user_id, signup_date (days), tier, age_group, gender.
struct UserRow {
  std::string id;
  int32_t signup;
  std::string tier;
  std::optional<std::string> age;
  std::optional<std::string> gender;
};

RecordBatch UsersBatch(const std::vector<UserRow>& rows) {
  RecordBatch batch(catalog::SchemaOf(TableId::kTrustedUsers));
  for (const UserRow& r : rows) {
    batch.column(0).AppendString(r.id);
    batch.column(1).AppendInt32(r.signup);
    batch.column(2).AppendString(r.tier);
    r.age ? batch.column(3).AppendString(*r.age) : batch.column(3).AppendNull();
    r.gender ? batch.column(4).AppendString(*r.gender) : batch.column(4).AppendNull();
  }
  return batch;
}

const std::vector<UserRow> kThreeUsers = {
    {"u1", 19724, "free", std::nullopt, "f"},
    {"u3", 19700, "premium", "18-24", std::nullopt},
    {"u2", 19800, "basic", std::nullopt, std::nullopt},
};

TEST(IcebergSingleValueTest, LittleEndianAsAppendixD) {
  EXPECT_EQ(Hex(SerializeInt32(19724)), "0c4d0000");
  EXPECT_EQ(Hex(SerializeInt32(-1)), "ffffffff");
  EXPECT_EQ(Hex(SerializeInt64(1704067200000000)), "00202110d70d0600");
  EXPECT_EQ(Hex(SerializeDouble(1.0)), "000000000000f03f");
  EXPECT_EQ(Hex(SerializeDouble(-0.0)), "0000000000000080");
}

// Footer metrics of a two-row-group file, worked out from the rows above.
TEST(IcebergDataFileTest, MetricsComeFromTheFooter) {
  testing::TempDir dir;
  const catalog::TableDef& users = catalog::Get(TableId::kTrustedUsers);
  parquet::WriterOptions options;
  options.max_row_group_rows = 2;
  options.field_ids = users.field_ids;
  const std::string long_id(70, 'z');
  std::vector<UserRow> rows = kThreeUsers;
  rows.push_back({long_id, 19750, "free", std::nullopt, std::nullopt});
  BufferOutputStream sink;
  auto writer = parquet::FileWriter::Open(&sink, users.schema, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->WriteBatch(UsersBatch(rows)).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  const std::string path = dir / "users.parquet";
  ASSERT_TRUE(WriteFileAtomically(path, sink.buffer()).ok());
  const auto size = static_cast<int64_t>(sink.buffer().size());

  auto file = DescribeParquetFile(MakeBufferFile(path, sink.buffer()), users, path, size, kDay1);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->record_count, 4);
  EXPECT_EQ(file->file_size_in_bytes, size);
  EXPECT_EQ(file->partition, kDay1);
  const std::map<int32_t, int64_t> four = {{1, 4}, {2, 4}, {3, 4}, {4, 4}, {5, 4}};
  EXPECT_EQ(file->value_counts, four);
  const std::map<int32_t, int64_t> nulls = {{1, 0}, {2, 0}, {3, 0}, {4, 3}, {5, 3}};
  EXPECT_EQ(file->null_value_counts, nulls);
  // user_id: "u1" .. the 70 z's, whose upper bound is too long to keep and whose lower
  // bound is not needed (u1 < z...).
  EXPECT_EQ(file->lower_bounds.at(1), "u1");
  EXPECT_EQ(file->upper_bounds.count(1), 0U);
  EXPECT_EQ(Hex(file->lower_bounds.at(2)), Hex(SerializeInt32(19700)));
  EXPECT_EQ(Hex(file->upper_bounds.at(2)), Hex(SerializeInt32(19800)));
  EXPECT_EQ(file->lower_bounds.at(3), "basic");
  EXPECT_EQ(file->upper_bounds.at(3), "premium");
  EXPECT_EQ(file->lower_bounds.at(4), "18-24");
  EXPECT_EQ(file->upper_bounds.at(4), "18-24");
  EXPECT_EQ(file->lower_bounds.at(5), "f");
  EXPECT_EQ(file->upper_bounds.at(5), "f");

  // Column sizes: DuckDB's sum of the chunks' compressed sizes.
  const auto lines = parquet::testing_duckdb::RunDuckDb(
      fmt::format("SELECT path_in_schema || '=' || sum(total_compressed_size)::VARCHAR AS l FROM "
                  "parquet_metadata('{}') GROUP BY path_in_schema ORDER BY l",
                  path));
  std::vector<std::string> ours;
  for (int c = 0; c < users.schema->num_fields(); ++c) {
    ours.push_back(fmt::format("{}={}", users.schema->field(c).name,
                               file->column_sizes.at(users.field_ids[static_cast<size_t>(c)])));
  }
  std::sort(ours.begin(), ours.end());
  EXPECT_EQ(lines, ours);

  // A long string lower bound is cut to a prefix.
  rows = {{std::string(70, 'b'), 1, "t", std::nullopt, std::nullopt}};
  BufferOutputStream sink2;
  auto writer2 = parquet::FileWriter::Open(&sink2, users.schema, options);
  ASSERT_TRUE(writer2.ok());
  ASSERT_TRUE((*writer2)->WriteBatch(UsersBatch(rows)).ok());
  ASSERT_TRUE((*writer2)->Close().ok());
  auto cut = DescribeParquetFile(MakeBufferFile("b", sink2.buffer()), users, "b", 1, kDay1);
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->lower_bounds.at(1), std::string(kMaxStringBound, 'b'));
  EXPECT_EQ(cut->upper_bounds.count(1), 0U);
  // The all-null column has no bounds but a null count.
  EXPECT_EQ(cut->lower_bounds.count(4), 0U);
  EXPECT_EQ(cut->null_value_counts.at(4), 1);
}

TEST(IcebergDataFileTest, OtherColumnsOrFieldIdsAreRefused) {
  const catalog::TableDef& users = catalog::Get(TableId::kTrustedUsers);
  const catalog::TableDef& videos = catalog::Get(TableId::kTrustedVideos);
  parquet::WriterOptions options;
  options.field_ids = {11, 12, 13, 14, 15};
  BufferOutputStream sink;
  auto writer = parquet::FileWriter::Open(&sink, users.schema, options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteBatch(UsersBatch(kThreeUsers)).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto ids =
      DescribeParquetFile(MakeBufferFile("f.parquet", sink.buffer()), users, "f.parquet", 1, kDay1);
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(ids.status().message().find("f.parquet: column 'user_id' has field id 11"),
            std::string::npos)
      << ids.status().ToString();
  auto columns = DescribeParquetFile(MakeBufferFile("f.parquet", sink.buffer()), videos,
                                     "f.parquet", 1, kDay1);
  EXPECT_EQ(columns.status().code(), StatusCode::kInvalidData);
}

// ---- the catalog -------------------------------------------------------------------------

std::vector<std::string> SqliteRows(const std::string& path, const std::string& sql,
                                    int flags = SQLITE_OPEN_READONLY) {
  sqlite3* db = nullptr;
  std::vector<std::string> rows;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return rows;
  }
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char* text = sqlite3_column_text(stmt, c);
      if (c > 0) row.push_back('|');
      row.append(text != nullptr ? reinterpret_cast<const char*>(text) : "NULL");
    }
    rows.push_back(row);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

TEST(IcebergCatalogTest, JdbcSchemaAndOptimisticSwap) {
  testing::TempDir dir;
  const std::string db = dir / "catalog.db";
  auto catalog = OpenTableCatalog("sqlite:///" + db, "streampro");
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  // The columns Iceberg's JdbcUtil creates, in its order and types.
  EXPECT_EQ(SqliteRows(db,
                       "SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || pk FROM "
                       "pragma_table_info('iceberg_tables')"),
            (std::vector<std::string>{
                "catalog_name VARCHAR(255) 1 1", "table_namespace VARCHAR(255) 1 2",
                "table_name VARCHAR(255) 1 3", "metadata_location VARCHAR(1000) 0 0",
                "previous_metadata_location VARCHAR(1000) 0 0", "iceberg_type VARCHAR(5) 0 0"}));
  EXPECT_EQ(SqliteRows(db,
                       "SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || pk FROM "
                       "pragma_table_info('iceberg_namespace_properties')"),
            (std::vector<std::string>{"catalog_name VARCHAR(255) 1 1", "namespace VARCHAR(255) 1 2",
                                      "property_key VARCHAR(255) 0 3",
                                      "property_value VARCHAR(1000) 0 0"}));
  auto other = OpenTableCatalog("sqlite:" + db, "elsewhere");
  ASSERT_TRUE(other.ok());
  ExpectNamespaceAndOptimisticSwap(**catalog, **other,
                                   [&](const std::string& sql) { return SqliteRows(db, sql); });

  EXPECT_EQ(OpenTableCatalog("mysql://x", "c").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenTableCatalog("sqlite:///" + dir.path() + "/missing/dir/c.db", "c").status().code(),
            StatusCode::kIOError);
}

TEST(IcebergCatalogTest, ConcurrentCommitIsRetriedFromFreshMetadataOrRefused) {
  testing::TempDir dir;
  const std::string uri = "sqlite:///" + (dir / "catalog.db");
  auto ours = OpenTableCatalog(uri, "streampro");
  auto theirs = OpenTableCatalog(uri, "streampro");
  ASSERT_TRUE(ours.ok() && theirs.ok());
  ExpectConcurrentCommitRetriedOrRefused(**ours, **theirs, [&](const std::string& sql) {
    return SqliteRows(dir / "catalog.db", sql);
  });
}

TEST(IcebergCatalogTest, V0TablesGetTheTypeColumn) {
  testing::TempDir dir;
  ExpectV0TablesGetTheTypeColumn("sqlite:///" + (dir / "catalog.db"), [&](const std::string& sql) {
    return SqliteRows(dir / "catalog.db", sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  });
}

}  // namespace

void ExpectV0TablesGetTheTypeColumn(const std::string& uri, const RowReader& rows) {
  rows(std::string(jdbc_sql::kCreateV0Table));
  rows("INSERT INTO iceberg_tables VALUES ('streampro', 'lake', 't', 'v0', NULL)");
  auto catalog = OpenTableCatalog(uri, "streampro");
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ(*(*catalog)->LoadMetadataLocation({"lake", "t"}), "v0");
  EXPECT_TRUE(*(*catalog)->SwapMetadataLocation({"lake", "t"}, "v0", "v1"));
  EXPECT_EQ(rows("SELECT * FROM iceberg_tables"),
            std::vector<std::string>{"streampro|lake|t|v1|v0|NULL"});
  EXPECT_EQ(rows("SELECT count(*) FROM iceberg_namespace_properties"),
            std::vector<std::string>{"0"});
  // A second open finds the column.
  EXPECT_TRUE(OpenTableCatalog(uri, "streampro").ok());
}

void ExpectNamespaceAndOptimisticSwap(TableCatalog& catalog, TableCatalog& other_name,
                                      const RowReader& rows) {
  ASSERT_TRUE(catalog.EnsureNamespace("lake").ok());
  ASSERT_TRUE(catalog.EnsureNamespace("lake").ok());
  EXPECT_EQ(rows("SELECT * FROM iceberg_namespace_properties"),
            std::vector<std::string>{"streampro|lake|exists|true"});

  const TableIdent users{"lake", "trusted_users"};
  EXPECT_EQ(*catalog.LoadMetadataLocation(users), std::nullopt);
  EXPECT_TRUE(*catalog.CreateTable(users, "m0"));
  EXPECT_FALSE(*catalog.CreateTable(users, "other"));
  EXPECT_EQ(*catalog.LoadMetadataLocation(users), "m0");
  EXPECT_TRUE(*catalog.SwapMetadataLocation(users, "m0", "m1"));
  // A writer that read m0 is refused: someone else committed m1.
  EXPECT_FALSE(*catalog.SwapMetadataLocation(users, "m0", "m2"));
  EXPECT_EQ(rows("SELECT * FROM iceberg_tables"),
            std::vector<std::string>{"streampro|lake|trusted_users|m1|m0|TABLE"});
  // Another catalog name in the same database sees nothing.
  EXPECT_EQ(*other_name.LoadMetadataLocation(users), std::nullopt);
}

void ExpectConcurrentCommitRetriedOrRefused(TableCatalog& ours, TableCatalog& theirs,
                                            const RowReader& rows) {
  const TableIdent table{"lake", "t"};
  ASSERT_TRUE(*ours.CreateTable(table, "v0"));

  // Another writer commits between our read and our swap, once: we rebuild on top of it.
  std::vector<std::string> seen;
  int calls = 0;
  auto outcome = CommitTable(
      ours, table,
      [&](const std::optional<std::string>& current) -> Result<std::optional<std::string>> {
        seen.push_back(current.value_or("none"));
        if (calls++ == 0) {
          EXPECT_TRUE(*theirs.SwapMetadataLocation(table, "v0", "theirs"));
        }
        return std::optional<std::string>(*current + "+ours");
      });
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->committed);
  EXPECT_EQ(outcome->attempts, 2);
  EXPECT_EQ(seen, (std::vector<std::string>{"v0", "theirs"}));
  EXPECT_EQ(*ours.LoadMetadataLocation(table), "theirs+ours");

  // Nothing to change: no commit.
  outcome = CommitTable(ours, table, [](const std::optional<std::string>&) {
    return Result<std::optional<std::string>>(std::optional<std::string>());
  });
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->committed);
  EXPECT_EQ(outcome->metadata_location, "theirs+ours");

  // Beaten every time: refused after the attempts, the other writer's commit kept.
  int round = 0;
  outcome = CommitTable(
      ours, table,
      [&](const std::optional<std::string>& current) -> Result<std::optional<std::string>> {
        const std::string next = fmt::format("race{}", round++);
        EXPECT_TRUE(*theirs.SwapMetadataLocation(table, *current, next));
        return std::optional<std::string>("lost");
      },
      3);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().message(),
            "iceberg table lake.t: other writers committed first 3 times in a row; nothing was "
            "committed, run again");
  EXPECT_EQ(*ours.LoadMetadataLocation(table), "race2");
  EXPECT_EQ(rows("SELECT metadata_location, previous_metadata_location FROM iceberg_tables"),
            std::vector<std::string>{"race2|race1"});
}

namespace {

TEST(IcebergMetadataTest, ParsesWhatItWritesAndRefusesOtherVersions) {
  TableMetadata m;
  m.table_uuid = RandomUuid();
  m.location = "/lake/trusted/users";
  m.last_sequence_number = 2;
  m.last_updated_ms = 1700000000123;
  m.current_snapshot_id = 7;
  m.snapshots = {
      {5, std::nullopt, 1, 1700000000000, "/l/snap-5.avro", {{"operation", "append"}}},
      {7, 5, 2, 1700000000123, "/l/snap-7.avro", {{"operation", "overwrite"}, {"a", "b"}}}};
  m.snapshot_log = {{1700000000000, 5}, {1700000000123, 7}};
  m.metadata_log = {{1700000000000, "/l/00000-x.metadata.json"}};
  m.properties = {{"k", "v \"q\""}};
  const std::string json = ToJson(m, catalog::Get(TableId::kTrustedUsers));
  auto parsed = ParseTableMetadata(json, "m.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, m);
  EXPECT_EQ(m.table_uuid.size(), 36U);
  EXPECT_EQ(m.table_uuid[14], '4');
  std::string v1 = json;
  v1.replace(v1.find("\"format-version\": 2"), 19, "\"format-version\": 1");
  EXPECT_EQ(ParseTableMetadata(v1, "m.json").status().message(),
            "m.json: format-version 1, expected 2");
}

// ---- pyiceberg reads what we commit -------------------------------------------------------

}  // namespace

std::string EnginesPython() {
  return e2e::EnginesPython();
}

void ExpectPyicebergReadsSampleRuns(const std::string& catalog_uri, const std::string& lake_path,
                                    const std::string& catalog_shown, const std::string& secret) {
  const std::map<std::string, std::string> env = {{"STREAMPRO_CATALOG", catalog_uri}};
  std::vector<std::string> argv = {EnginesPython(), "tests/iceberg/pyiceberg_read.py", catalog_uri,
                                   "streampro", "streampro"};
  for (const catalog::TableDef* table : IcebergTables()) argv.emplace_back(table->sql_name);
  EXPECT_EQ(argv.size(), 5U + 9U);

  for (int run = 1; run <= 2; ++run) {
    SCOPED_TRACE(fmt::format("run {}", run));
    const e2e::RunResult result = e2e::RunPipeline("data/landing", lake_path, "2025-09-09", env);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(
        result.out.find("Iceberg: 9 of 9 tables took a new snapshot in " + catalog_shown + "\n"),
        std::string::npos)
        << result.out;
    if (!secret.empty()) {
      EXPECT_EQ((result.out + result.err).find(secret), std::string::npos) << result.out;
    }
    const e2e::RunResult read = e2e::RunProgram(argv);
    ASSERT_EQ(read.exit_code, 0) << read.err;
    e2e::JsonDocument doc(read.out);
    ASSERT_TRUE(doc.ok()) << doc.error();
    const auto lake = testing::LocalLake(lake_path);
    for (const catalog::TableDef* table : IcebergTables()) {
      const std::string t = "/" + std::string(table->sql_name);
      SCOPED_TRACE(t);
      auto manifest = lake::ReadManifest(*lake, *table, Date{20340});
      ASSERT_TRUE(manifest.ok() && manifest->has_value());
      ASSERT_EQ(doc.Size(t + "/snapshots"), static_cast<size_t>(run));
      for (int s = 0; s < run; ++s) {
        EXPECT_EQ(doc.Minified(fmt::format("{}/snapshots/{}/rows", t, s)),
                  fmt::format(R"({{"2025-09-09":{}}})", (*manifest)->total_rows()));
      }
      EXPECT_EQ(doc.String(fmt::format("{}/snapshots/{}/operation", t, run - 1)),
                run == 1 ? "append" : "overwrite");
      for (int c = 0; c < table->schema->num_fields(); ++c) {
        EXPECT_EQ(doc.Int(t + "/field_ids/" + table->schema->field(c).name),
                  table->field_ids[static_cast<size_t>(c)]);
      }
      EXPECT_EQ(doc.Int(t + "/field_ids/ingestion_date"), table->partition_field_id);
      EXPECT_EQ(doc.Size(t + "/files"), (*manifest)->files.size());
    }
  }
}

namespace {

class IcebergLakeTest : public ::testing::Test {
 protected:
  /// Publishes a partition of trusted users with one part file per element of `files`.
  void Publish(const catalog::TableDef& table, Date date,
               const std::vector<std::vector<UserRow>>& files) {
    lake::LakeLock lock = testing::LockLocalLake(dir_ / "lake");
    auto writer = lake::PartitionWriter::Begin(lock, table, date);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (size_t i = 0; i < files.size(); ++i) {
      ASSERT_TRUE(pipeline::WriteParquetFile(writer->get(),
                                             pipeline::PartFileName(static_cast<uint32_t>(i)),
                                             UsersBatch(files[i]), parquet::WriterOptions{})
                      .ok());
    }
    ASSERT_TRUE((*writer)->Commit().ok());
  }

  /// Commits the table's published files; whether a snapshot was added.
  bool Commit(const catalog::TableDef& table, int64_t now_ms) {
    const auto lake = testing::LocalLake(dir_ / "lake");
    auto catalog = OpenTableCatalog(CatalogUri(), "streampro");
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    EXPECT_TRUE((*catalog)->EnsureNamespace("lake").ok());
    auto wanted = PublishedFiles(*lake, table);
    EXPECT_TRUE(wanted.ok()) << wanted.status().ToString();
    auto outcome = CommitTable(**catalog, {"lake", std::string(table.sql_name)},
                               [&](const std::optional<std::string>& current) {
                                 return WriteNextMetadata(*lake, table, current, *wanted, now_ms);
                               });
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return outcome.ok() && outcome->committed;
  }

  std::string CatalogUri() const { return "sqlite:///" + (dir_ / "catalog.db"); }

  std::unique_ptr<e2e::JsonDocument> ReadWithPyiceberg(const std::vector<std::string>& tables) {
    std::vector<std::string> argv = {EnginesPython(), "tests/iceberg/pyiceberg_read.py",
                                     CatalogUri(), "streampro", "lake"};
    argv.insert(argv.end(), tables.begin(), tables.end());
    const e2e::RunResult run = e2e::RunProgram(argv);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    auto doc = std::make_unique<e2e::JsonDocument>(run.out);
    EXPECT_TRUE(doc->ok()) << doc->error() << "\n" << run.out << run.err;
    return doc;
  }

  testing::TempDir dir_;
};

TEST_F(IcebergLakeTest, PyicebergReadsEverySnapshotAndTheMetrics) {
  const catalog::TableDef& users = catalog::Get(TableId::kTrustedUsers);
  Publish(users, kDay1, {kThreeUsers});
  ASSERT_TRUE(Commit(users, 1704103200000));
  EXPECT_FALSE(Commit(users, 1704103300000)) << "nothing new: no snapshot";
  Publish(users, kDay2, {{kThreeUsers[0]}, {kThreeUsers[1]}});
  ASSERT_TRUE(Commit(users, 1704189600000));

  const auto doc = ReadWithPyiceberg({"trusted_users"});
  const std::string t = "/trusted_users";
  EXPECT_EQ(
      doc->Minified(t + "/field_ids"),
      R"({"age_group":4,"gender":5,"ingestion_date":6,"signup_date":2,"subscription_tier":3,"user_id":1})");
  EXPECT_EQ(doc->Minified(t + "/partition"),
            R"([{"field_id":1000,"name":"ingestion_date","source_id":6,"transform":"identity"}])");
  ASSERT_EQ(doc->Size(t + "/snapshots"), 2U);
  EXPECT_EQ(doc->String(t + "/snapshots/0/operation"), "append");
  EXPECT_EQ(doc->Minified(t + "/snapshots/0/rows"), R"({"2024-01-01":3})");
  EXPECT_EQ(doc->String(t + "/snapshots/1/operation"), "append");
  EXPECT_EQ(doc->Int(t + "/snapshots/1/parent"), doc->Int(t + "/snapshots/0/id"));
  EXPECT_EQ(doc->Minified(t + "/snapshots/1/rows"), R"({"2024-01-01":3,"2024-01-02":2})");
  EXPECT_EQ(doc->Int(t + "/current"), doc->Int(t + "/snapshots/1/id"));

  ASSERT_EQ(doc->Size(t + "/files"), 3U);
  const std::string f = t + "/files/0";
  // The file's immutable path: `_iceberg/data/{partition}/{run id}/{name}`, the run id
  // the partition manifest's; a local lake's paths as file:// URIs (Trino needs the scheme).
  auto manifest = lake::ReadManifest(*testing::LocalLake(dir_ / "lake"), users, kDay1);
  ASSERT_TRUE(manifest.ok() && manifest->has_value());
  const std::string path =
      dir_ / fmt::format(
                 "lake/trusted/users/_iceberg/data/ingestion_date=2024-01-01/{}/"
                 "part-00000.parquet",
                 (*manifest)->run_id);
  EXPECT_EQ(doc->String(f + "/path"), "file://" + path);
  EXPECT_EQ(doc->String(f + "/format"), "PARQUET");
  EXPECT_EQ(doc->String(f + "/partition"), "19723");
  EXPECT_EQ(doc->Int(f + "/record_count"), 3);
  EXPECT_EQ(doc->Minified(f + "/null_value_counts"), R"({"1":0,"2":0,"3":0,"4":2,"5":2})");
  EXPECT_EQ(doc->Minified(f + "/value_counts"), R"({"1":3,"2":3,"3":3,"4":3,"5":3})");
  // Hex of: "u1", 19700, "basic", "18-24", "f" / "u3", 19800, "premium", "18-24", "f".
  EXPECT_EQ(doc->Minified(f + "/lower_bounds"),
            R"({"1":"7531","2":"f44c0000","3":"6261736963","4":"31382d3234","5":"66"})");
  EXPECT_EQ(doc->Minified(f + "/upper_bounds"),
            R"({"1":"7533","2":"584d0000","3":"7072656d69756d","4":"31382d3234","5":"66"})");
  EXPECT_EQ(doc->Int(f + "/file_size_in_bytes"),
            static_cast<int64_t>(e2e::ReadFileOrEmpty(path).size()));
}

TEST_F(IcebergLakeTest, ReRunOfADateIsAnOverwrite) {
  const catalog::TableDef& users = catalog::Get(TableId::kTrustedUsers);
  Publish(users, kDay1, {kThreeUsers});
  Publish(users, kDay2, {kThreeUsers});
  ASSERT_TRUE(Commit(users, 1704103200000));
  Publish(users, kDay2, {{kThreeUsers[2]}});
  ASSERT_TRUE(Commit(users, 1704189600000));
  const auto doc = ReadWithPyiceberg({"trusted_users"});
  const std::string t = "/trusted_users";
  ASSERT_EQ(doc->Size(t + "/snapshots"), 2U);
  EXPECT_EQ(doc->String(t + "/snapshots/1/operation"), "overwrite");
  EXPECT_EQ(doc->Minified(t + "/snapshots/1/rows"), R"({"2024-01-01":3,"2024-01-02":1})");
  EXPECT_EQ(doc->Size(t + "/files"), 2U);
}

// A re-run that writes the same names and sizes is still a new version of the partition.
TEST_F(IcebergLakeTest, ReRunWithFilesOfTheSameNameAndSizeIsANewSnapshot) {
  const catalog::TableDef& users = catalog::Get(TableId::kTrustedUsers);
  Publish(users, kDay1, {kThreeUsers});
  ASSERT_TRUE(Commit(users, 1704103200000));
  Publish(users, kDay1, {kThreeUsers});
  ASSERT_TRUE(Commit(users, 1704189600000));
  EXPECT_FALSE(Commit(users, 1704189700000));
  const auto doc = ReadWithPyiceberg({"trusted_users"});
  ASSERT_EQ(doc->Size("/trusted_users/snapshots"), 2U);
  EXPECT_EQ(doc->String("/trusted_users/snapshots/1/operation"), "overwrite");
  EXPECT_EQ(doc->Minified("/trusted_users/snapshots/1/rows"), R"({"2024-01-01":3})");
}

// A table committed before immutable data paths names the Hive-style paths: such an entry
// stays (EXISTING) while its partition version is the published one, and a re-run of its
// date moves it onto an immutable path. The legacy snapshot is made by rewriting a
// snapshot's manifest with the Hive-style paths, as the earlier commits wrote it.
TEST_F(IcebergLakeTest, SnapshotsNamingHivePathsKeepWorking) {
  const catalog::TableDef& users = catalog::Get(TableId::kTrustedUsers);
  Publish(users, kDay1, {kThreeUsers});
  ASSERT_TRUE(Commit(users, 1704103200000));
  const auto lake = testing::LocalLake(dir_ / "lake");
  const std::string hive = dir_ / "lake/trusted/users/ingestion_date=2024-01-01/part-00000.parquet";
  {
    auto catalog = OpenTableCatalog(CatalogUri(), "streampro");
    ASSERT_TRUE(catalog.ok());
    const TableIdent ident{"lake", "trusted_users"};
    const std::string location = **(*catalog)->LoadMetadataLocation(ident);
    auto metadata = ParseTableMetadata(*lake->Read(FromIcebergLocation(location)), location);
    ASSERT_TRUE(metadata.ok());
    const Snapshot snapshot = *metadata->CurrentSnapshot();
    auto entries = LiveEntries(*lake, snapshot);
    ASSERT_TRUE(entries.ok() && entries->size() == 1U);
    (*entries)[0].file.path = hive;
    const std::string manifest_uri = MetadataFolder(*lake, users) + "/legacy-m0.avro";
    const std::string bytes = *WriteManifest(users, *entries);
    ASSERT_TRUE(lake->Write(manifest_uri, bytes).ok());
    const std::string list_uri = MetadataFolder(*lake, users) + "/snap-legacy.avro";
    ASSERT_TRUE(lake->Write(list_uri, *WriteManifestList(
                                          {SummarizeManifest(*entries, manifest_uri,
                                                             static_cast<int64_t>(bytes.size()),
                                                             snapshot.snapshot_id, 1)},
                                          snapshot.snapshot_id, std::nullopt, 1))
                    .ok());
    metadata->snapshots[0].manifest_list = list_uri;
    auto next = WriteMetadataFile(*lake, users, *metadata, location);
    ASSERT_TRUE(next.ok());
    ASSERT_TRUE(*(*catalog)->SwapMetadataLocation(ident, location, *next));
  }
  EXPECT_FALSE(Commit(users, 1704103300000)) << "the Hive-path entry is the published file";
  Publish(users, kDay2, {{kThreeUsers[0]}});
  ASSERT_TRUE(Commit(users, 1704189600000));
  auto doc = ReadWithPyiceberg({"trusted_users"});
  ASSERT_EQ(doc->Size("/trusted_users/files"), 2U);
  EXPECT_TRUE(doc->String("/trusted_users/files/0/path") == hive ||
              doc->String("/trusted_users/files/1/path") == hive)
      << doc->Minified("/trusted_users/files");
  EXPECT_EQ(doc->Minified("/trusted_users/snapshots/1/rows"), R"({"2024-01-01":3,"2024-01-02":1})");

  Publish(users, kDay1, {{kThreeUsers[1]}, {kThreeUsers[2]}});
  ASSERT_TRUE(Commit(users, 1704189700000));
  doc = ReadWithPyiceberg({"trusted_users"});
  ASSERT_EQ(doc->Size("/trusted_users/files"), 3U);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NE(doc->String(fmt::format("/trusted_users/files/{}/path", i)).find("/_iceberg/data/"),
              std::string::npos);
  }
  EXPECT_EQ(doc->Minified("/trusted_users/snapshots/2/rows"), R"({"2024-01-01":2,"2024-01-02":1})");
}

// The binary on the bundled sample with STREAMPRO_CATALOG: every trusted and enriched
// table is an Iceberg table pyiceberg reads, its rows per date equal to the partition
// manifests; a second run of the date adds one snapshot per table.
TEST(IcebergPipelineTest, PyicebergReadsEveryTableOfASampleRun) {
  testing::TempDir dir;
  const std::string catalog_uri = "sqlite:///" + (dir / "catalog.db");
  ExpectPyicebergReadsSampleRuns(catalog_uri, dir / "lake", catalog_uri, "");
}

// A run that published without committing (as if it stopped in between) is caught up by
// the next job, which commits every table once.
TEST(IcebergPipelineTest, TheNextJobCatchesUpAPublishThatWasNotCommitted) {
  testing::TempDir dir;
  const std::string catalog_uri = "sqlite:///" + (dir / "catalog.db");
  e2e::RunResult result = e2e::RunPipeline("data/landing", dir / "lake", "2025-09-09");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "catalog.db"));
  result = e2e::RunStreampro(
      {"report", "--env", "test", "--lake", dir / "lake", "--ingestion-date", "2025-09-09"},
      {{"STREAMPRO_CATALOG", catalog_uri}});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("Iceberg: 9 of 9 tables took a new snapshot"), std::string::npos)
      << result.out;
  EXPECT_EQ(SqliteRows(dir / "catalog.db",
                       "SELECT count(*) || ' ' || count(DISTINCT metadata_location) || ' ' || "
                       "count(previous_metadata_location) FROM iceberg_tables"),
            std::vector<std::string>{"9 9 0"});
}

TEST(IcebergAvroTest, DamagedFilesAreErrorsNamingTheFile) {
  auto list = WriteManifestList({}, 1, std::nullopt, 1);
  ASSERT_TRUE(list.ok());
  for (const std::string& bytes :
       {std::string("not avro at all"), list->substr(0, list->size() / 2), std::string()}) {
    auto read = ReadManifestList(bytes, "snap-1.avro");
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.status().code(), StatusCode::kInvalidData);
    EXPECT_TRUE(read.status().message().starts_with("snap-1.avro: ")) << read.status().ToString();
  }
  // A whole header, then a cut block.
  ManifestFile m;
  m.path = "/t/_iceberg/m0.avro";
  auto one = WriteManifestList({m}, 1, std::nullopt, 1);
  ASSERT_TRUE(one.ok());
  auto cut = ReadManifestList(one->substr(0, one->size() - 20), "snap-1.avro");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), StatusCode::kInvalidData);
  auto whole = ReadManifestList(*one, "snap-1.avro");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  ASSERT_EQ(whole->size(), 1U);
  EXPECT_EQ(whole->front(), m);
  auto empty = ReadManifestList(*list, "snap-1.avro");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty());
}

TEST(IcebergPipelineTest, ABadCatalogSettingFailsBeforeTheLakeIsTouched) {
  testing::TempDir dir;
  const e2e::RunResult result = e2e::RunPipeline("data/landing", dir / "lake", "2025-09-09",
                                                 {{"STREAMPRO_CATALOG", "mysql://db/x"}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("STREAMPRO_CATALOG (environment): catalog 'mysql://db/x': expected "
                            "sqlite:///PATH or postgresql://USER@HOST:PORT/DB\n"),
            std::string::npos)
      << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "lake"));
}

}  // namespace
}  // namespace streampro::iceberg
