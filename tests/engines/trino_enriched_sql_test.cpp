// The enriched stage as Trino SQL (sql/trino, engines/trino/enriched_sql.h) against the
// embedded engine. The pipeline builds a lake with the embedded engine, committing its
// Iceberg tables to the PostgreSQL catalog that the fixture's Trino reads as `iceberg`
// (emptied first: one lake at a time, hence RESOURCE_LOCK iceberg_catalog). Then, for each
// date D, Trino runs the SQL files composed for D over the trusted Iceberg tables only
// (EnrichedInputs::kComputed) and the result must equal the embedded engine's enriched
// partition D, read by Trino from the same catalog, row for row as multisets:
// `EXCEPT ALL` both ways must be empty (each differing row is printed, column by column),
// and row counts and order-independent checksums must be equal. report_inputs.sql must give
// report.json's Q1 counts and Q3 totals.
//
// device_analytics is compared without p_value, q_value and abnormal, which the SQL leaves to
// C++ (device_analytics.sql says why).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "common/date.h"
#include "e2e/e2e_support.h"
#include "engines/trino/enriched_sql.h"
#include "engines/trino_support.h"
#include "iceberg/postgres_env.h"
#include "support/temp_dir.h"

namespace streampro::engines {
namespace {

using catalog::TableId;
using testing::Cell;
using testing::MakeClient;
using testing::Query;
using trino::EnrichedSql;

struct EnrichedTable {
  TableId table;
  EnrichedSql sql;
};

constexpr EnrichedTable kEnrichedTables[] = {
    {TableId::kUserSessions, EnrichedSql::kUserSessions},
    {TableId::kUserJourney, EnrichedSql::kUserJourney},
    {TableId::kGenrePerformance, EnrichedSql::kGenrePerformance},
    {TableId::kDeviceAnalytics, EnrichedSql::kDeviceAnalytics},
};

/// The columns the SQL computes: the table's, without those device_analytics.sql leaves to
/// C++.
std::vector<std::string> ComparedColumns(TableId table) {
  std::vector<std::string> columns;
  for (const Field& field : catalog::SchemaOf(table)->fields()) {
    if (table == TableId::kDeviceAnalytics &&
        (field.name == "p_value" || field.name == "q_value" || field.name == "abnormal")) {
      continue;
    }
    columns.push_back(field.name);
  }
  return columns;
}

std::string QuotedList(const std::vector<std::string>& columns) {
  std::string list;
  for (const std::string& column : columns) {
    list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", column);
  }
  return list;
}

class TrinoEnrichedSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_uri_ = testing::Postgres().uri;
    ASSERT_FALSE(catalog_uri_.empty());
    EmptyCatalog();
  }

  void EmptyCatalog() { testing::EmptyIcebergCatalog(); }

  /// The embedded pipeline for `date` from `landing` into `lake`, committing the Iceberg
  /// tables to the fixture's catalog.
  void RunEmbedded(const std::string& landing, const std::string& lake, const std::string& date,
                   std::map<std::string, std::string> env = {}) {
    env["STREAMPRO_CATALOG"] = catalog_uri_;
    const e2e::RunResult run = e2e::RunPipeline(landing, lake, date, env);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }

  /// Every enriched table of `date`: the SQL's rows equal the embedded engine's.
  /// `rows_compared_` holds the rows compared per table (for the callers' sanity checks).
  void ExpectSqlEqualsEmbedded(const std::string& date) {
    rows_compared_.clear();
    auto client = MakeClient("streampro", "iceberg");
    ASSERT_NE(client, nullptr);
    const std::optional<Date> d = ParseIsoDate(date);
    ASSERT_TRUE(d.has_value()) << date;
    for (const EnrichedTable& table : kEnrichedTables) {
      const std::string name(catalog::Get(table.table).sql_name);
      SCOPED_TRACE(fmt::format("{} of {}", name, date));
      auto sql = trino::ComposeEnrichedSql(table.sql, {*d});
      ASSERT_TRUE(sql.ok()) << sql.status().ToString();
      const std::vector<std::string> columns = ComparedColumns(table.table);
      const std::string list = QuotedList(columns);
      const std::string embedded =
          fmt::format("SELECT {} FROM {} WHERE ingestion_date = DATE '{}'", list, name, date);
      const std::string computed = fmt::format("SELECT {} FROM (\n{}\n)", list, *sql);

      // Rows and an order-independent checksum of each side.
      const auto sums =
          Query(*client, fmt::format("SELECT 'embedded', count(*), to_hex(checksum(ROW({0}))) FROM "
                                     "({1}) UNION ALL SELECT 'trino', count(*), "
                                     "to_hex(checksum(ROW({0}))) FROM ({2})",
                                     list, embedded, computed));
      ASSERT_EQ(sums.size(), 2U);
      std::map<std::string, std::pair<std::string, std::string>> by_side;
      for (const auto& row : sums) by_side[Cell(row[0])] = {Cell(row[1]), Cell(row[2])};
      EXPECT_EQ(by_side["trino"].first, by_side["embedded"].first) << "rows";
      EXPECT_EQ(by_side["trino"].second, by_side["embedded"].second) << "checksum";
      rows_compared_[table.table] = std::stoll(by_side["embedded"].first);
      std::cerr << fmt::format(
          "{} of {}: {} rows, checksum {} (embedded), {} rows, checksum {} "
          "(Trino SQL)\n",
          name, date, by_side["embedded"].first, by_side["embedded"].second, by_side["trino"].first,
          by_side["trino"].second);

      // The rows on one side only, each printed column by column.
      const auto differences = Query(
          *client,
          fmt::format("SELECT * FROM (SELECT 'only embedded' AS side, d.* FROM ({0} EXCEPT ALL "
                      "{1}) d UNION ALL SELECT 'only trino' AS side, d.* FROM ({1} EXCEPT ALL "
                      "{0}) d) ORDER BY 2, 3, 1 LIMIT 40",
                      embedded, computed));
      for (const auto& row : differences) {
        std::string text;
        for (size_t c = 0; c < columns.size() && c + 1 < row.size(); ++c) {
          text += fmt::format("\n    {} = {}", columns[c], Cell(row[c + 1]));
        }
        ADD_FAILURE() << Cell(row[0]) << ":" << text;
      }
    }
    ExpectReportInputs(*client, date, *d);
  }

  /// report_inputs.sql gives report.json's Q1 counts and Q3 totals.
  void ExpectReportInputs(trino::Client& client, const std::string& date, Date d) {
    SCOPED_TRACE("report_inputs of " + date);
    auto sql = trino::ComposeEnrichedSql(EnrichedSql::kReportInputs, {d});
    ASSERT_TRUE(sql.ok()) << sql.status().ToString();
    const auto rows = Query(client, *sql);
    ASSERT_EQ(rows.size(), 1U);
    ASSERT_EQ(rows[0].size(), 5U);
    const auto report = e2e::ReadReport(lake_, date);
    ASSERT_TRUE(report->ok()) << report->error();
    EXPECT_EQ(std::stoll(Cell(rows[0][0])), report->Int("/q1/new_users"));
    EXPECT_EQ(std::stoll(Cell(rows[0][1])), report->Int("/q1/reached_30s"));
    EXPECT_EQ(std::stoll(Cell(rows[0][2])), report->Int("/q1/never_active"));
    EXPECT_EQ(std::stoll(Cell(rows[0][3])), report->Int("/q3/sessions"));
    EXPECT_EQ(std::stoll(Cell(rows[0][4])), report->Int("/q3/drop_offs"));
  }

  static std::map<std::string, std::string> TrinoEngineEnv() { return testing::TrinoEngineEnv(); }

  /// Rows and an order-independent checksum of every column of each enriched table's
  /// partition `date`, as Trino reads the Iceberg tables' current snapshots.
  std::map<std::string, std::string> EnrichedChecksums(const std::string& date) {
    std::map<std::string, std::string> sums;
    auto client = MakeClient("streampro", "iceberg");
    if (client == nullptr) return sums;
    for (const EnrichedTable& table : kEnrichedTables) {
      const std::string name(catalog::Get(table.table).sql_name);
      std::vector<std::string> columns;
      for (const Field& field : catalog::SchemaOf(table.table)->fields()) {
        columns.push_back(field.name);
      }
      const auto rows =
          Query(*client, fmt::format("SELECT count(*), to_hex(checksum(ROW({}))) FROM {} WHERE "
                                     "ingestion_date = DATE '{}'",
                                     QuotedList(columns), name, date));
      if (rows.size() == 1) sums[name] = Cell(rows[0][0]) + " rows, checksum " + Cell(rows[0][1]);
    }
    return sums;
  }

  /// `to-enriched --engine trino` and `report --engine trino` for `date` over the lake the
  /// embedded engine built: report.json is the embedded one byte for byte, the enriched
  /// tables have the same rows (every column, p and q included), and the embedded report
  /// reads Trino's files to the same report.
  void ExpectTrinoEngineEqualsEmbedded(const std::string& date) {
    SCOPED_TRACE("--engine trino for " + date);
    const std::map<std::string, std::string> before = EnrichedChecksums(date);
    ASSERT_EQ(before.size(), std::size(kEnrichedTables));
    const std::string embedded_json = e2e::ReadFileOrEmpty(e2e::ReportPath(lake_, date));
    ASSERT_FALSE(embedded_json.empty());
    const std::vector<std::string> where = {"--env", "test",   "--lake", lake_, "--ingestion-date",
                                            date,    "--quiet"};
    const auto with = [&](std::vector<std::string> args) {
      args.insert(args.end(), where.begin(), where.end());
      return args;
    };
    const e2e::RunResult enriched =
        e2e::RunStreampro(with({"to-enriched", "--engine", "trino"}), TrinoEngineEnv());
    ASSERT_EQ(enriched.exit_code, 0) << enriched.err;
    EXPECT_NE(enriched.out.find("in Trino at"), std::string::npos) << enriched.out;
    for (const EnrichedTable& table : kEnrichedTables) {
      const std::string folder(catalog::Get(table.table).folder);
      const e2e::JsonDocument manifest(e2e::ReadFileOrEmpty(
          fmt::format("{}/enriched/{}/ingestion_date={}/_manifest.json", lake_, folder, date)));
      EXPECT_EQ(manifest.String("/properties/engine"), "trino") << folder;
    }
    const std::map<std::string, std::string> after = EnrichedChecksums(date);
    EXPECT_EQ(after, before);
    for (const auto& [table, sum] : after)
      std::cerr << "--engine trino: " << table << ": " << sum << "\n";

    const e2e::RunResult trino_report = e2e::RunStreampro(
        with({"report", "--engine", "trino", "--format", "json"}), TrinoEngineEnv());
    ASSERT_EQ(trino_report.exit_code, 0) << trino_report.err;
    EXPECT_EQ(trino_report.out, embedded_json);
    EXPECT_EQ(e2e::ReadFileOrEmpty(e2e::ReportPath(lake_, date)), embedded_json);
    // The embedded engine's report from the files Trino wrote.
    const e2e::RunResult embedded_report = e2e::RunStreampro(with({"report", "--format", "json"}),
                                                             {{"STREAMPRO_CATALOG", catalog_uri_}});
    ASSERT_EQ(embedded_report.exit_code, 0) << embedded_report.err;
    EXPECT_EQ(embedded_report.out, embedded_json);
  }

  testing::TempDir dir_;
  std::string catalog_uri_;
  std::string lake_;
  std::map<TableId, int64_t> rows_compared_;
};

// Every golden case with events, one lake each (tests/golden/README.md says what each pins
// down: session order, attribute and genre ties, the 72 h window, segments, dirty records,
// extreme numbers).
TEST_F(TrinoEnrichedSqlTest, GoldenCases) {
  for (const std::string name :
       {"ties", "session_order", "return_window", "segments", "dirty", "wide_numbers"}) {
    SCOPED_TRACE(name);
    EmptyCatalog();
    lake_ = dir_ / (name + "_lake");
    ASSERT_NO_FATAL_FAILURE(RunEmbedded(e2e::GoldenDir(name), lake_, "2025-09-09"));
    ExpectSqlEqualsEmbedded("2025-09-09");
    EXPECT_GT(rows_compared_[TableId::kUserSessions], 0);
    ExpectTrinoEngineEqualsEmbedded("2025-09-09");
  }
}

// Two dates: late events and exact duplicates across dates (the earliest ingestion date and
// line kept), a user only in the later users snapshot, a date without videos (the earlier
// snapshot stands). Both dates are checked after both runs: D's SQL reads only dates <= D.
TEST_F(TrinoEnrichedSqlTest, MultiDate) {
  lake_ = dir_ / "lake";
  const std::string landing = e2e::GoldenDir("multi_date");
  ASSERT_NO_FATAL_FAILURE(RunEmbedded(landing, lake_, "2025-09-09"));
  ASSERT_NO_FATAL_FAILURE(RunEmbedded(landing, lake_, "2025-09-10"));
  for (const std::string date : {"2025-09-09", "2025-09-10"}) {
    ExpectSqlEqualsEmbedded(date);
    EXPECT_GT(rows_compared_[TableId::kUserSessions], 0) << date;
  }
  for (const std::string date : {"2025-09-09", "2025-09-10"}) {
    ExpectTrinoEngineEqualsEmbedded(date);
  }

  // `pipeline --engine trino` from scratch in a second lake (the catalog holds one lake at
  // a time): the same reports, but for the lake's path.
  EmptyCatalog();
  const std::string trino_lake = dir_ / "trino_lake";
  for (const std::string date : {"2025-09-09", "2025-09-10"}) {
    SCOPED_TRACE("pipeline --engine trino for " + date);
    const e2e::RunResult run = e2e::RunStreampro(
        {"pipeline", "--engine", "trino", "--env", "test", "--landing", landing, "--lake",
         trino_lake, "--ingestion-date", date, "--format", "json", "--quiet"},
        TrinoEngineEnv());
    ASSERT_EQ(run.exit_code, 0) << run.err;
    std::string expected = e2e::ReadFileOrEmpty(e2e::ReportPath(lake_, date));
    const std::string lake_key = fmt::format("\"lake\": \"{}\"", lake_);
    ASSERT_NE(expected.find(lake_key), std::string::npos);
    expected.replace(expected.find(lake_key), lake_key.size(),
                     fmt::format("\"lake\": \"{}\"", trino_lake));
    EXPECT_EQ(run.out, expected);
  }
}

// Ties the golden cases leave open, over two dates, each worked out by hand: equal
// timestamps broken by event_name (s1: `pause` < `play`, so Android and the genre of v2),
// then by line (s2: the earlier line's app_version), then by ingestion date before line
// (s3: the 2025-09-09 event, line 5, before the 2025-09-10 one, line 1); a watch_time
// duplicated across dates counts once (s4), kept from the earlier date.
TEST_F(TrinoEnrichedSqlTest, EventOrderTies) {
  const std::string day1 = dir_ / "day1";
  const std::string day2 = dir_ / "day2";
  std::filesystem::create_directories(day1);
  std::filesystem::create_directories(day2);
  const auto write = [](const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  };
  write(day1 + "/users_2025-09-09.csv",
        "user_id,signup_date,subscription_tier,age_group,gender\nu1,2025-09-01,Free,,\n");
  write(day1 + "/videos_2025-09-09.csv",
        "video_id,title,genre,duration_seconds,patent_id\nv1,A,Drama,100,\nv2,B,Comedy,100,\n");
  write(day1 + "/devices_2025-09-09.csv", "device,os,model,os_version\nmobile,iOS,X,1\n");
  const std::string t = "2025-09-05T08:00:00Z";
  write(day1 + "/events_2025-09-09.jsonl",
        "{\"timestamp\":\"" + t +
            "\",\"user_id\":\"u1\",\"session_id\":\"s1\",\"event_name\":\"play\","
            "\"video_id\":\"v1\",\"device_os\":\"iOS\"}\n"
            "{\"timestamp\":\"" +
            t +
            "\",\"user_id\":\"u1\",\"session_id\":\"s1\",\"event_name\":\"pause\","
            "\"video_id\":\"v2\",\"device_os\":\"Android\"}\n"
            "{\"timestamp\":\"2025-09-06T08:00:00Z\",\"user_id\":\"u1\",\"session_id\":"
            "\"s2\",\"event_name\":\"like\",\"video_id\":\"v1\",\"app_version\":\"1.0\"}\n"
            "{\"timestamp\":\"2025-09-06T08:00:00Z\",\"user_id\":\"u1\",\"session_id\":"
            "\"s2\",\"event_name\":\"like\",\"video_id\":\"v2\",\"app_version\":\"2.0\"}\n"
            "{\"timestamp\":\"2025-09-07T08:00:00Z\",\"user_id\":\"u1\",\"session_id\":"
            "\"s3\",\"event_name\":\"seek\",\"video_id\":\"v1\",\"country\":\"DE\"}\n"
            "{\"timestamp\":\"2025-09-08T08:00:00Z\",\"user_id\":\"u1\",\"session_id\":"
            "\"s4\",\"event_name\":\"watch_time\",\"video_id\":\"v1\",\"value\":40.25}\n");
  write(day2 + "/events_2025-09-10.jsonl",
        "{\"timestamp\":\"2025-09-07T08:00:00Z\",\"user_id\":\"u1\",\"session_id\":"
        "\"s3\",\"event_name\":\"seek\",\"video_id\":\"v2\",\"country\":\"FR\"}\n"
        "{\"timestamp\":\"2025-09-08T10:00:00+02:00\",\"user_id\":\"u1\",\"session_id\":"
        "\"s4\",\"event_name\":\"watch_time\",\"video_id\":\"v1\",\"value\":40.25}\n");
  lake_ = dir_ / "lake";
  ASSERT_NO_FATAL_FAILURE(RunEmbedded(day1, lake_, "2025-09-09"));
  ASSERT_NO_FATAL_FAILURE(RunEmbedded(day2, lake_, "2025-09-10"));
  ExpectSqlEqualsEmbedded("2025-09-10");
  EXPECT_EQ(rows_compared_[TableId::kUserSessions], 4);
  ExpectTrinoEngineEqualsEmbedded("2025-09-10");

  // The values worked out by hand, from the SQL.
  auto client = MakeClient("streampro", "iceberg");
  ASSERT_NE(client, nullptr);
  auto sql = trino::ComposeEnrichedSql(EnrichedSql::kUserSessions, {*ParseIsoDate("2025-09-10")});
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  const auto rows = Query(*client,
                          "SELECT session_id, device_os, app_version, country, genre, "
                          "event_count, watch_seconds FROM (\n" +
                              *sql + "\n) ORDER BY session_id");
  std::vector<std::string> actual;
  for (const auto& row : rows) {
    std::string text;
    for (const auto& cell : row) text += (text.empty() ? "" : " ") + Cell(cell);
    actual.push_back(text);
  }
  EXPECT_EQ(actual, (std::vector<std::string>{
                        "s1 Android null null Comedy 2 0.0", "s2 null 1.0 null Drama 2 0.0",
                        "s3 null null DE Drama 2 0.0", "s4 null null null Drama 1 40.25"}));
}

// A users file whose every row is rejected publishes an empty snapshot, which is then the
// newest: the SQL finds it in "$partitions" (a count of rows would pass it by), so the
// journey of 2025-09-10 has no user, while the sessions stay.
TEST_F(TrinoEnrichedSqlTest, EmptyNewestUsersSnapshot) {
  const std::string day2 = dir_ / "day2";
  std::filesystem::create_directories(day2);
  std::ofstream(day2 + "/users_2025-09-10.csv", std::ios::binary)
      << "user_id,signup_date,subscription_tier,age_group,gender\nu1,2025-09-01,Gold,,\n";
  lake_ = dir_ / "lake";
  ASSERT_NO_FATAL_FAILURE(RunEmbedded(e2e::GoldenDir("ties"), lake_, "2025-09-09"));
  ASSERT_NO_FATAL_FAILURE(RunEmbedded(day2, lake_, "2025-09-10"));
  ExpectSqlEqualsEmbedded("2025-09-10");
  EXPECT_GT(rows_compared_[TableId::kUserSessions], 0);
  EXPECT_EQ(rows_compared_[TableId::kUserJourney], 0);
  ExpectTrinoEngineEqualsEmbedded("2025-09-10");
}

// A generated day of about 100k events with every kind of dirty record (2%), enriched by
// the embedded engine in one user bucket, then again in several (the smallest memory
// budget): the SQL knows nothing of buckets, and both lakes must equal it. (The generator's
// watch values are multiples of 0.5 s, so no sum depends on the bucket order here.)
TEST_F(TrinoEnrichedSqlTest, GeneratedDirtyDay) {
  const std::string landing = dir_ / "landing";
  const e2e::RunResult generate =
      e2e::RunStreampro({"generate", "--out", landing, "--date", "2025-09-10", "--events", "100000",
                         "--dirty-rate", "0.02", "--seed", "15"});
  ASSERT_EQ(generate.exit_code, 0) << generate.err;
  for (const std::string budget_mb : {"512", "64"}) {
    SCOPED_TRACE("STREAMPRO_MEMORY_BUDGET_MB=" + budget_mb);
    EmptyCatalog();
    lake_ = dir_ / ("lake_" + budget_mb);
    ASSERT_NO_FATAL_FAILURE(
        RunEmbedded(landing, lake_, "2025-09-10", {{"STREAMPRO_MEMORY_BUDGET_MB", budget_mb}}));
    const e2e::JsonDocument manifest(e2e::ReadFileOrEmpty(
        lake_ + "/enriched/user_sessions/ingestion_date=2025-09-10/_manifest.json"));
    const std::string buckets = manifest.String("/properties/buckets");
    std::cerr << "enriched user buckets: " << buckets << "\n";
    EXPECT_EQ(buckets == "1", budget_mb == "512") << buckets;
    ExpectSqlEqualsEmbedded("2025-09-10");
    EXPECT_GT(rows_compared_[TableId::kUserSessions], 5000);
    EXPECT_GT(rows_compared_[TableId::kDeviceAnalytics], 10);
    if (budget_mb == "512") ExpectTrinoEngineEqualsEmbedded("2025-09-10");
  }
}

// A loopback port nothing listens on (bound, then released).
std::string UnusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    return "1";
  }
  ::close(fd);
  return std::to_string(ntohs(address.sin_port));
}

// `--engine trino` failing: Trino down, a query killed in Trino while it runs, Ctrl-C
// while a query runs. Each time the enriched partitions and the catalog rows stay as they
// were and no staging table is left; the run exits 1 naming Trino and the statement (130
// after Ctrl-C, and Trino shows the query cancelled by the user). Then the run is killed
// with SIGKILL while a query runs: the lake is as it was, and the next run drops the
// staging table left behind and succeeds.
TEST_F(TrinoEnrichedSqlTest, TrinoEngineFailuresLeaveLakeAndCatalogAsTheyWere) {
  const std::string landing = dir_ / "landing";
  const std::string date = "2025-09-10";
  const e2e::RunResult generate =
      e2e::RunStreampro({"generate", "--out", landing, "--date", date, "--events", "200000",
                         "--dirty-rate", "0.02", "--seed", "16"});
  ASSERT_EQ(generate.exit_code, 0) << generate.err;
  lake_ = dir_ / "lake";
  ASSERT_NO_FATAL_FAILURE(RunEmbedded(landing, lake_, date));
  const std::string database = catalog_uri_.substr(catalog_uri_.rfind('/') + 1);
  // What must not change: the enriched manifests and the catalog's rows.
  const auto state = [&] {
    std::string text;
    for (const EnrichedTable& table : kEnrichedTables) {
      text += e2e::ReadFileOrEmpty(fmt::format("{}/enriched/{}/ingestion_date={}/_manifest.json",
                                               lake_, catalog::Get(table.table).folder, date));
    }
    for (const std::string& row :
         testing::Psql(database,
                       "SELECT table_name, metadata_location FROM iceberg_tables WHERE "
                       "table_name NOT LIKE 'streampro_stage%' ORDER BY 1")) {
      text += row + "\n";
    }
    return text;
  };
  const std::string before = state();
  ASSERT_NE(before.find("user_sessions|"), std::string::npos) << before;
  auto client = MakeClient("streampro", "iceberg");
  ASSERT_NE(client, nullptr);
  const auto staging_tables = [&] {
    return Query(*client, "SHOW TABLES LIKE 'streampro_stage%'").size();
  };
  const std::vector<std::string> args = {"to-enriched", "--engine", "trino", "--env",
                                         "test",        "--lake",   lake_,   "--ingestion-date",
                                         date,          "--quiet"};

  {
    SCOPED_TRACE("Trino down");
    std::map<std::string, std::string> env = TrinoEngineEnv();
    env["TRINO_PORT"] = UnusedPort();
    const e2e::RunResult down = e2e::RunStreampro(args, env);
    EXPECT_EQ(down.exit_code, 1) << down.err;
    std::cerr << "Trino down: " << down.err;
    EXPECT_NE(down.err.find("Trino at http://127.0.0.1:" + env["TRINO_PORT"]), std::string::npos)
        << down.err;
    EXPECT_EQ(state(), before);
  }

  // Starts the run and returns the id of its first statement that fills a staging table,
  // once Trino runs it ("" when none is seen within 3 minutes).
  const auto start_and_find_insert = [&](e2e::LiveRun& run) -> std::string {
    if (!run.started()) return "";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (std::chrono::steady_clock::now() < deadline) {
      const auto rows = Query(*client,
                              "SELECT query_id FROM system.runtime.queries WHERE state = "
                              "'RUNNING' AND query LIKE 'INSERT INTO streampro_stage%'");
      if (!rows.empty()) return Cell(rows[0][0]);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  };

  {
    SCOPED_TRACE("a query killed in Trino");
    e2e::LiveRun run(args, TrinoEngineEnv(), /*terminal=*/false);
    const std::string query_id = start_and_find_insert(run);
    ASSERT_FALSE(query_id.empty()) << run.output();
    Query(*client, fmt::format("CALL system.runtime.kill_query(query_id => '{}', message => "
                               "'killed by the test')",
                               query_id));
    EXPECT_EQ(run.Wait(), 1) << run.output();
    std::cerr << "query " << query_id << " killed: " << run.output();
    EXPECT_NE(run.output().find("killed by the test"), std::string::npos) << run.output();
    EXPECT_NE(run.output().find("(statement: INSERT INTO streampro_stage_"), std::string::npos)
        << run.output();
    EXPECT_EQ(state(), before);
    EXPECT_EQ(staging_tables(), 0U);
  }

  {
    SCOPED_TRACE("Ctrl-C");
    e2e::LiveRun run(args, TrinoEngineEnv(), /*terminal=*/false);
    const std::string query_id = start_and_find_insert(run);
    ASSERT_FALSE(query_id.empty()) << run.output();
    run.Signal(SIGINT);
    EXPECT_EQ(run.Wait(), 130) << run.output();
    std::cerr << "Ctrl-C during query " << query_id << ": " << run.output();
    EXPECT_NE(run.output().find("Trino query " + query_id + " cancelled"), std::string::npos)
        << run.output();
    EXPECT_NE(run.output().find("nothing was published"), std::string::npos) << run.output();
    // Trino ends the query as cancelled by its user.
    std::string outcome;
    for (int i = 0; i < 100 && outcome.find("USER_CANCELED") == std::string::npos; ++i) {
      const auto rows = Query(*client, fmt::format("SELECT state, error_code FROM "
                                                   "system.runtime.queries WHERE query_id = '{}'",
                                                   query_id));
      outcome = rows.empty() ? "" : Cell(rows[0][0]) + " " + Cell(rows[0][1]);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(outcome, "FAILED USER_CANCELED");
    EXPECT_EQ(state(), before);
    EXPECT_EQ(staging_tables(), 0U);
  }

  {
    // The run is gone at once: its staging table stays registered (and its query may run
    // on in Trino for a while); the lake is as it was.
    SCOPED_TRACE("kill -9");
    e2e::LiveRun run(args, TrinoEngineEnv(), /*terminal=*/false);
    const std::string query_id = start_and_find_insert(run);
    ASSERT_FALSE(query_id.empty()) << run.output();
    run.Signal(SIGKILL);
    EXPECT_EQ(run.Wait(), -1);
    EXPECT_EQ(state(), before);
    EXPECT_GE(staging_tables(), 1U);
  }

  {
    // ... and the next run removes what the killed one left, then succeeds.
    SCOPED_TRACE("the re-run");
    const e2e::RunResult rerun = e2e::RunStreampro(args, TrinoEngineEnv());
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_NE(state(), before);
    EXPECT_EQ(staging_tables(), 0U);
  }
}

}  // namespace
}  // namespace streampro::engines
