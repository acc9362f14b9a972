// The JDBC catalog on a real PostgreSQL (the `postgresql` fixture, tests/iceberg/postgres.sh):
// the tables and columns Iceberg's JdbcCatalog creates, the optimistic swap, commits racing
// from several connections (rows read back with psql, not through our code), connection
// errors, and pyiceberg's SqlCatalog over PostgreSQL reading what the pipeline commits.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "e2e/e2e_support.h"
#include "iceberg/iceberg_test_support.h"
#include "iceberg/postgres_env.h"
#include "iceberg/table_catalog.h"
#include "support/temp_dir.h"

namespace streampro::iceberg {
namespace {

using testing::Psql;

// "name type length nullable" of a table's columns in PostgreSQL's own catalog.
std::vector<std::string> Columns(const std::string& db, const std::string& table) {
  return Psql(db, fmt::format("SELECT column_name || ' ' || data_type || ' ' || "
                              "character_maximum_length || ' ' || is_nullable FROM "
                              "information_schema.columns WHERE table_name = '{}' ORDER BY "
                              "ordinal_position",
                              table));
}

std::vector<std::string> PrimaryKey(const std::string& db, const std::string& table) {
  return Psql(db, fmt::format("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON "
                              "a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE "
                              "i.indrelid = '{}'::regclass AND i.indisprimary ORDER BY a.attnum",
                              table));
}

TEST(PostgresCatalogTest, JdbcSchemaAndOptimisticSwap) {
  const std::string db = testing::NewPostgresDatabase();
  auto catalog = OpenTableCatalog(testing::PostgresUri(db), "streampro");
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  // The columns of Iceberg's JdbcUtil (V1 schema), in its order and types.
  EXPECT_EQ(
      Columns(db, "iceberg_tables"),
      (std::vector<std::string>{
          "catalog_name character varying 255 NO", "table_namespace character varying 255 NO",
          "table_name character varying 255 NO", "metadata_location character varying 1000 YES",
          "previous_metadata_location character varying 1000 YES",
          "iceberg_type character varying 5 YES"}));
  EXPECT_EQ(PrimaryKey(db, "iceberg_tables"),
            (std::vector<std::string>{"catalog_name", "table_namespace", "table_name"}));
  EXPECT_EQ(Columns(db, "iceberg_namespace_properties"),
            (std::vector<std::string>{
                "catalog_name character varying 255 NO", "namespace character varying 255 NO",
                "property_key character varying 255 NO",  // NOT NULL as a key column
                "property_value character varying 1000 YES"}));
  EXPECT_EQ(PrimaryKey(db, "iceberg_namespace_properties"),
            (std::vector<std::string>{"catalog_name", "namespace", "property_key"}));

  auto other = OpenTableCatalog(testing::PostgresUri(db), "elsewhere");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ExpectNamespaceAndOptimisticSwap(**catalog, **other,
                                   [&](const std::string& sql) { return Psql(db, sql); });
  // Values with quotes and backslashes travel as parameters, not as SQL text.
  const std::string odd = R"(/lake/it's "quoted" \ ; DROP TABLE iceberg_tables; --)";
  const TableIdent users{"lake", "trusted_users"};
  EXPECT_TRUE(*(*other)->CreateTable(users, odd));
  EXPECT_EQ(*(*other)->LoadMetadataLocation(users), odd);
  EXPECT_EQ(Psql(db, "SELECT count(*) FROM iceberg_tables"), std::vector<std::string>{"2"});
}

// Tables pyiceberg created before the `iceberg_type` column existed (JdbcUtil's V0 schema)
// get the column, as Iceberg's own migration adds it; their rows stay tables.
TEST(PostgresCatalogTest, V0TablesGetTheTypeColumn) {
  const std::string db = testing::NewPostgresDatabase();
  ExpectV0TablesGetTheTypeColumn(testing::PostgresUri(db),
                                 [&](const std::string& sql) { return Psql(db, sql); });
}

TEST(PostgresCatalogTest, ConcurrentCommitIsRetriedFromFreshMetadataOrRefused) {
  const std::string db = testing::NewPostgresDatabase();
  auto ours = OpenTableCatalog(testing::PostgresUri(db), "streampro");
  auto theirs = OpenTableCatalog(testing::PostgresUri(db), "streampro");
  ASSERT_TRUE(ours.ok() && theirs.ok());
  ExpectConcurrentCommitRetriedOrRefused(**ours, **theirs,
                                         [&](const std::string& sql) { return Psql(db, sql); });
}

// Writers on their own connections commit to one table at once, each building on what it
// read (a counter): every commit that reported success is in the final row, so none was
// lost, and some had to retry.
TEST(PostgresCatalogTest, RacingCommitsLoseNoUpdate) {
  const std::string db = testing::NewPostgresDatabase();
  const std::string uri = testing::PostgresUri(db);
  constexpr int kWriters = 4;
  constexpr int kCommitsEach = 12;
  const TableIdent table{"lake", "counter"};
  {
    auto setup = OpenTableCatalog(uri, "streampro");
    ASSERT_TRUE(setup.ok()) << setup.status().ToString();
    ASSERT_TRUE(*(*setup)->CreateTable(table, "0"));
  }
  std::vector<int> committed(kWriters, 0);
  std::vector<int> attempts(kWriters, 0);
  std::vector<std::string> errors(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto catalog = OpenTableCatalog(uri, "streampro");
      if (!catalog.ok()) {
        errors[w] = catalog.status().ToString();
        return;
      }
      for (int i = 0; i < kCommitsEach; ++i) {
        auto outcome = CommitTable(
            **catalog, table,
            [](const std::optional<std::string>& current) -> Result<std::optional<std::string>> {
              // Time between the read and the swap, as writing metadata files takes.
              std::this_thread::sleep_for(std::chrono::milliseconds(2));
              return std::optional<std::string>(std::to_string(std::stoi(*current) + 1));
            },
            /*max_attempts=*/100);
        if (!outcome.ok()) {
          errors[w] = outcome.status().ToString();
          return;
        }
        committed[w] += outcome->committed ? 1 : 0;
        attempts[w] += outcome->attempts;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  int total = 0, total_attempts = 0;
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_EQ(errors[w], "") << "writer " << w;
    total += committed[w];
    total_attempts += attempts[w];
  }
  EXPECT_EQ(total, kWriters * kCommitsEach);
  EXPECT_GT(total_attempts, total) << "no commit had to retry: the writers did not race";
  EXPECT_EQ(Psql(db, "SELECT metadata_location, previous_metadata_location FROM iceberg_tables"),
            std::vector<std::string>{
                fmt::format("{}|{}", kWriters * kCommitsEach, kWriters * kCommitsEach - 1)});
}

TEST(PostgresCatalogTest, ConnectionErrorsAreOneLineWithoutThePassword) {
  // A port nothing listens on: the fixture's, plus one, is not known to be free, so take a
  // database that does not exist on the fixture's server, and a closed port on loopback.
  const std::string port = testing::Postgres().port;
  auto missing_db = OpenTableCatalog(
      fmt::format("postgresql://streampro:s3cretpw@127.0.0.1:{}/nosuchdb", port), "streampro");
  ASSERT_FALSE(missing_db.ok());
  const std::string message = missing_db.status().message();
  EXPECT_EQ(missing_db.status().code(), StatusCode::kIOError);
  EXPECT_TRUE(message.starts_with(
      fmt::format("catalog postgresql://streampro@127.0.0.1:{}/nosuchdb: cannot connect: ", port)))
      << message;
  EXPECT_NE(message.find("\"nosuchdb\" does not exist"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cretpw"), std::string::npos) << message;

  auto refused = OpenTableCatalog("postgres://reader:s3cretpw@127.0.0.1:1/lakedb", "streampro");
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().message().starts_with(
      "catalog postgresql://reader@127.0.0.1:1/lakedb: cannot connect: "))
      << refused.status().message();
  EXPECT_EQ(refused.status().message().find('\n'), std::string::npos);
  EXPECT_EQ(refused.status().message().find("s3cretpw"), std::string::npos);

  // A URI libpq cannot read is a usage error before anything connects.
  const Status bad = ValidateCatalogUri("postgresql://u:s3cretpw@h/db?nosuchoption=1");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(), "catalog postgresql URI: invalid URI query parameter: \"nosuchoption\"");
  EXPECT_TRUE(ValidateCatalogUri("postgres://u@h:5432/db").ok());
  EXPECT_EQ(CatalogForDisplay("postgres://u:s3cretpw@h:5432/db?sslmode=require"),
            "postgresql://u@h:5432/db");
  EXPECT_EQ(CatalogForDisplay("postgresql://h/db"), "postgresql://h/db");
  EXPECT_EQ(CatalogForDisplay("sqlite:///srv/c.db"), "sqlite:///srv/c.db");

  // The binary: the job's own work is published, then the catalog error is one line, exit 1.
  testing::TempDir dir;
  const e2e::RunResult run =
      e2e::RunPipeline("data/landing", dir / "lake", "2025-09-09",
                       {{"STREAMPRO_CATALOG", "postgresql://reader:s3cretpw@127.0.0.1:1/lakedb"}});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("catalog postgresql://reader@127.0.0.1:1/lakedb: cannot connect: "),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("s3cretpw"), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("s3cretpw"), std::string::npos) << run.out;
}

// The pipeline commits to PostgreSQL; pyiceberg's SqlCatalog reads it through SQLAlchemy
// and psycopg2 (the same URI), as iceberg_test.cpp does over the SQLite file. The URI has
// a password (the fixture's server trusts loopback, so it is not checked), which the
// pipeline's output leaves out.
TEST(PostgresPipelineTest, PyicebergReadsEveryTableOfASampleRun) {
  testing::TempDir dir;
  const std::string db = testing::NewPostgresDatabase();
  const std::string port = testing::Postgres().port;
  ExpectPyicebergReadsSampleRuns(
      fmt::format("postgresql://streampro:s3cretpw@127.0.0.1:{}/{}?connect_timeout=5", port, db),
      dir / "lake", fmt::format("postgresql://streampro@127.0.0.1:{}/{}", port, db), "s3cretpw");
  // Two commits per table, read with psql: each row's previous location is the first
  // run's metadata file.
  EXPECT_EQ(Psql(db,
                 "SELECT count(*), count(DISTINCT metadata_location), "
                 "count(previous_metadata_location), count(*) FILTER (WHERE metadata_location "
                 "LIKE 'file://%/_iceberg/00001-%.metadata.json' AND previous_metadata_location "
                 "LIKE 'file://%/_iceberg/00000-%.metadata.json') FROM iceberg_tables WHERE "
                 "catalog_name = 'streampro' AND table_namespace = 'streampro'"),
            std::vector<std::string>{"9|9|9|9"});
}

}  // namespace
}  // namespace streampro::iceberg
