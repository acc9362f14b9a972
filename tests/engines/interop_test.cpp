// Real query engines read the lake: Trino 476 (the `trino` fixture, through our REST client
// and `streampro sync`), Spark local[2] (PySpark) and pyarrow, on the bundled sample, a
// generated dirty day and a two-date lake. Everything they read is compared with what we
// meant to write: row counts with the manifests and the landing files, timestamps with the
// landing text, Q1-Q3 recomputed in Trino SQL with report.json, Parquet statistics with the
// decoded data. Trino's Iceberg connector reads the same lake's Iceberg tables through the
// JDBC catalog on PostgreSQL (the `postgresql` fixture): counts and Q1-Q3 again.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include <unistd.h>
#include <vector>

#include "e2e/e2e_support.h"
#include "engines/ddl.h"
#include "engines/trino/client.h"
#include "engines/trino_support.h"
#include "iceberg/lake_tables.h"
#include "iceberg/postgres_env.h"
#include "storage/s3/rgw_env.h"
#include "storage/s3/s3_client.h"
#include "streampro/schema.h"
#include "support/temp_dir.h"

namespace streampro::engines {
namespace {

using e2e::JsonDocument;
using e2e::RunResult;
using e2e::RunStreampro;
using testing::Cell;
using testing::CellDouble;
using testing::MakeClient;
using testing::Query;
using testing::TrinoServer;

// Declares `lake` afresh in the fixture's Trino as hive.`schema`: drops what an earlier run
// declared there (metadata only: the tables are external), then `streampro sync` (a test
// failure when it fails). `env`: the settings sync runs with (the S3 keys of an S3 lake).
RunResult ResetHiveSchemaAndSync(const std::string& lake, const std::string& schema,
                                 const std::map<std::string, std::string>& env = {}) {
  auto client = MakeClient();
  if (client == nullptr) return {};
  for (const auto& row :
       Query(*client, fmt::format("SELECT table_name FROM hive.information_schema.tables "
                                  "WHERE table_schema = '{}'",
                                  schema))) {
    Query(*client, fmt::format("DROP TABLE hive.{}.{}", schema, Cell(row[0])));
  }
  Query(*client, fmt::format("DROP SCHEMA IF EXISTS hive.{}", schema));
  RunResult sync = RunStreampro({"sync", "--env", "test", "--engine", "trino", "--server",
                                 TrinoServer(), "--lake", lake, "--schema", schema},
                                env);
  EXPECT_EQ(sync.exit_code, 0) << sync.err;
  return sync;
}

/// Runs `command` through the shell; stdout is returned, stderr kept in `error`.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult RunCommand(const std::string& command) {
  testing::TempDir capture;
  const std::string err_path = capture / "stderr";
  CommandResult result;
  FILE* pipe = ::popen(fmt::format("{} 2>'{}'", command, err_path).c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = e2e::ReadFileOrEmpty(err_path);
  return result;
}

/// The virtualenv's python of scripts/install-engines.
const std::string& EnginesPython() {
  static const std::string python = [] {
    const CommandResult paths = RunCommand(STREAMPRO_SOURCE_DIR "/scripts/install-engines --paths");
    std::istringstream lines(paths.out);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.starts_with("ENGINES_PYTHON=")) return line.substr(15);
    }
    return std::string();
  }();
  if (python.empty()) ADD_FAILURE() << "scripts/install-engines --paths found no virtualenv";
  return python;
}

/// The lines of a file (a last line without '\n' included); `skip_blank`: without the
/// lines that hold nothing but spaces, tabs and '\r'.
std::vector<std::string> Lines(const std::string& path, bool skip_blank = false) {
  std::vector<std::string> lines;
  std::istringstream in(e2e::ReadFileOrEmpty(path));
  std::string line;
  while (std::getline(in, line)) {
    if (skip_blank && line.find_first_not_of(" \t\r") == std::string::npos) continue;
    lines.push_back(line);
  }
  return lines;
}

/// How an engine counts the records of a raw (landing) file: Trino's CSV and JSON readers
/// make a row of every line, blank ones included (all columns null); Spark skips lines of
/// white space only.
enum class BlankLines { kCounted, kSkipped };

// ---------------------------------------------------------------------------------------

class InteropTest : public ::testing::Test {
 protected:
  /// Runs the pipeline for each (landing, date), then `streampro sync` into `schema`. The
  /// runs also commit the Iceberg tables (STREAMPRO_CATALOG: `catalog_uri`, else a SQLite
  /// file), so the engines read the Hive-style layout with each table's `_iceberg/` folder
  /// beside its partitions.
  void BuildLake(const std::vector<std::pair<std::string, std::string>>& runs,
                 const std::string& schema, std::string catalog_uri = "") {
    schema_ = schema;
    if (catalog_uri.empty()) catalog_uri = "sqlite:///" + (dir_ / "catalog.db");
    for (const auto& [landing, date] : runs) {
      const RunResult run =
          e2e::RunPipeline(landing, lake(), date, {{"STREAMPRO_CATALOG", catalog_uri}});
      ASSERT_EQ(run.exit_code, 0) << run.err;
      dates_.push_back(date);
      landings_[date] = landing;
    }
    const RunResult sync = ResetHiveSchemaAndSync(lake(), schema);
    ASSERT_EQ(sync.exit_code, 0);
    EXPECT_NE(sync.out.find("Synced 13 tables"), std::string::npos) << sync.out;
  }

  std::string lake() const { return dir_ / "lake"; }
  const std::string& last_date() const { return dates_.back(); }

  /// Rows per (table, date) as the manifests say, dates without rows left out; raw tables:
  /// the landing file's lines (CSV without its header).
  std::map<std::string, std::map<std::string, int64_t>> ExpectedCounts(
      BlankLines blank_lines = BlankLines::kCounted) const {
    std::map<std::string, std::map<std::string, int64_t>> counts;
    for (const catalog::TableDef* table : QueryableTables()) {
      const std::string folder =
          fmt::format("{}/{}/{}", lake(), catalog::LayerName(table->layer), table->folder);
      for (const std::string& file : e2e::ListFiles(folder, "_manifest.json")) {
        JsonDocument manifest(e2e::ReadFileOrEmpty(folder + "/" + file));
        const std::string date = manifest.String("/ingestion_date");
        if (EngineFileFormat(*table) == "PARQUET") {
          // An empty partition (no rejects that day) has no rows for an engine to group.
          if (manifest.Int("/total_rows") == 0) continue;
          counts[std::string(table->sql_name)][date] = manifest.Int("/total_rows");
        } else {
          const auto lines = Lines(fmt::format("{}/{}/{}", folder, file.substr(0, file.find('/')),
                                               manifest.String("/files/0/name")),
                                   blank_lines == BlankLines::kSkipped);
          counts[std::string(table->sql_name)][date] =
              static_cast<int64_t>(lines.size()) - (EngineFileFormat(*table) == "CSV" ? 1 : 0);
        }
      }
    }
    return counts;
  }

  void ExpectTrinoCounts(const std::map<std::string, std::map<std::string, int64_t>>& expected) {
    auto client = MakeClient(schema_, catalog_);
    ASSERT_NE(client, nullptr);
    for (const auto& [table, by_date] : expected) {
      std::map<std::string, int64_t> actual;
      for (const auto& row : Query(*client, fmt::format("SELECT CAST(ingestion_date AS varchar), "
                                                        "count(*) FROM {} GROUP BY 1",
                                                        table))) {
        actual[Cell(row[0])] = std::stoll(Cell(row[1]));
      }
      EXPECT_EQ(actual, by_date) << "Trino, table " << table;
    }
  }

  /// Trino's trusted_events timestamps of the last date, by source_line.
  std::map<int64_t, std::string> TrinoEventTimestamps() {
    auto client = MakeClient(schema_, catalog_);
    std::map<int64_t, std::string> timestamps;
    if (client == nullptr) return timestamps;
    for (const auto& row : Query(*client, fmt::format("SELECT source_line, CAST(\"timestamp\" AS "
                                                      "varchar) FROM trusted_events WHERE "
                                                      "ingestion_date = DATE '{}'",
                                                      last_date()))) {
      timestamps[std::stoll(Cell(row[0]))] = Cell(row[1]);
    }
    return timestamps;
  }

  /// Each event's timestamp equals the landing line's text, read as UTC with microseconds:
  /// `2025-09-05T00:04:55.574Z` is `2025-09-05 00:04:55.574000`. Lines in another form
  /// (offsets, epoch numbers) are left out; most lines have the plain form.
  void ExpectTimestampsAsLanded(const std::map<int64_t, std::string>& timestamps) {
    const std::vector<std::string> lines =
        Lines(fmt::format("{}/events_{}.jsonl", landings_.at(last_date()), last_date()));
    // The plain form, checked by hand (std::regex is too slow for 300k lines).
    const auto plain_form = [](std::string_view text) -> std::optional<std::string> {
      if (text.ends_with('Z')) text.remove_suffix(1);
      if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
          text[13] != ':' || text[16] != ':') {
        return std::nullopt;
      }
      std::string fraction;
      if (text.size() > 19) {
        if (text[19] != '.' || text.size() > 26 || text.size() == 20) return std::nullopt;
        fraction = std::string(text.substr(20));
      }
      for (size_t i = 0; i < text.size(); ++i) {
        const bool digit_place = !(i == 4 || i == 7 || i == 10 || i == 13 || i == 16 || i == 19);
        if (digit_place && (text[i] < '0' || text[i] > '9')) return std::nullopt;
      }
      fraction.resize(6, '0');
      return fmt::format("{} {}.{}", text.substr(0, 10), text.substr(11, 8), fraction);
    };
    size_t compared = 0;
    for (const auto& [line_number, timestamp] : timestamps) {
      ASSERT_LE(static_cast<size_t>(line_number), lines.size());
      const std::string& line = lines[line_number - 1];
      const std::string key = "\"timestamp\":\"";
      const size_t start = line.find(key);
      if (start == std::string::npos) continue;
      const size_t value_start = start + key.size();
      const size_t end = line.find('"', value_start);
      if (end == std::string::npos) continue;
      const auto expected =
          plain_form(std::string_view(line).substr(value_start, end - value_start));
      if (!expected) continue;
      EXPECT_EQ(timestamp, *expected) << "line " << line_number << ": " << line;
      ++compared;
    }
    EXPECT_GT(compared, timestamps.size() * 9 / 10);
    EXPECT_FALSE(timestamps.empty());
  }

  void ExpectTrinoAnswersReport() {
    auto client = MakeClient(schema_, catalog_);
    ASSERT_NE(client, nullptr);
    const auto report = e2e::ReadReport(lake(), last_date());
    ASSERT_TRUE(report->ok()) << report->error();
    const std::string date = last_date();
    // First and second sessions by start time (ties: session_id), independent of our
    // session_number; new users are those of the newest snapshot (user_journey) with one.
    const std::string firsts = fmt::format(
        "WITH s AS (SELECT user_id, session_id, session_start, watch_seconds, genre, "
        "  row_number() OVER (PARTITION BY user_id ORDER BY session_start, session_id) AS n "
        "  FROM user_sessions WHERE ingestion_date = DATE '{0}'), "
        "firsts AS (SELECT j.user_id, s1.watch_seconds, s1.genre, s1.session_start AS start1, "
        "  s2.session_start AS start2 FROM user_journey j "
        "  JOIN s s1 ON s1.user_id = j.user_id AND s1.n = 1 "
        "  LEFT JOIN s s2 ON s2.user_id = j.user_id AND s2.n = 2 "
        "  WHERE j.ingestion_date = DATE '{0}') ",
        date);
    // Wilson 95% interval of successes k out of n (SPEC §5).
    const auto wilson = [](const std::string& k, const std::string& n, const char* bound) {
      return fmt::format(
          "((CAST({0} AS double) / {1} + (1.959963984540054e0 * 1.959963984540054e0) / (2 * {1}) "
          "{2} 1.959963984540054e0 * "
          "sqrt(CAST({0} AS double) / {1} * (1 - CAST({0} AS double) / {1}) / {1} + "
          "(1.959963984540054e0 * 1.959963984540054e0) / (4 * {1} * {1}))) / (1 + "
          "(1.959963984540054e0 * 1.959963984540054e0) / {1}))",
          k, n, bound);
    };

    const auto q1 = Query(
        *client,
        firsts +
            fmt::format(
                "SELECT count(*), count_if(watch_seconds >= 30), "
                "(SELECT count(*) FROM user_journey WHERE ingestion_date = DATE "
                "'{}') - count(*), 100 * CAST(count_if(watch_seconds >= 30) AS double) / count(*), "
                "100 * {}, 100 * {} FROM firsts",
                date, wilson("count_if(watch_seconds >= 30)", "count(*)", "-"),
                wilson("count_if(watch_seconds >= 30)", "count(*)", "+")));
    ASSERT_EQ(q1.size(), 1U);
    e2e::ExpectQ1(*report, {std::stoll(Cell(q1[0][0])), std::stoll(Cell(q1[0][1])),
                            std::stoll(Cell(q1[0][2])), CellDouble(q1[0][3]), CellDouble(q1[0][4]),
                            CellDouble(q1[0][5])});

    const auto q2 = Query(
        *client,
        firsts + fmt::format(
                     "SELECT genre, count(*) AS new_users, count_if(start2 <= start1 + INTERVAL "
                     "'72' HOUR) AS returned, CAST(count_if(start2 <= start1 + INTERVAL '72' "
                     "HOUR) AS double) / count(*) AS rate, {}, {}, avg(watch_seconds) "
                     "FROM firsts GROUP BY genre "
                     "ORDER BY genre = 'Unknown', 4 DESC, 2 DESC, genre",
                     wilson("count_if(start2 <= start1 + INTERVAL '72' HOUR)", "count(*)", "-"),
                     wilson("count_if(start2 <= start1 + INTERVAL '72' HOUR)", "count(*)", "+")));
    std::vector<e2e::Genre> genres;
    for (const auto& row : q2) {
      e2e::Genre genre;
      genre.name = Cell(row[0]);
      if (genre.name != "Unknown") genre.rank = static_cast<int64_t>(genres.size()) + 1;
      genre.new_users = std::stoll(Cell(row[1]));
      genre.returned_within_3d = std::stoll(Cell(row[2]));
      genre.retention_rate = CellDouble(row[3]);
      genre.ci_low = CellDouble(row[4]);
      genre.ci_high = CellDouble(row[5]);
      genre.avg_first_session_watch_seconds = CellDouble(row[6]);
      genres.push_back(genre);
    }
    ASSERT_FALSE(genres.empty());
    e2e::ExpectGenres(*report, genres);

    // Q3: drop-offs by segment, a one-sided pooled two-proportion z-test, Benjamini-Hochberg.
    const int64_t min_sessions = report->Int("/q3/min_sessions");
    const auto q3 = Query(
        *client,
        fmt::format(
            "WITH s AS (SELECT device_os, app_version, watch_seconds < 30 AS dropped "
            "  FROM user_sessions WHERE ingestion_date = DATE '{0}'), "
            "total AS (SELECT count(*) AS n, count_if(dropped) AS d FROM s), "
            "segments AS ("
            "  SELECT 'device_os' AS dimension, device_os, CAST(NULL AS varchar) AS app_version, "
            "    count(*) AS n, count_if(dropped) AS d FROM s WHERE device_os IS NOT NULL "
            "    GROUP BY device_os "
            "  UNION ALL SELECT 'app_version', NULL, app_version, count(*), count_if(dropped) "
            "    FROM s WHERE app_version IS NOT NULL GROUP BY app_version "
            "  UNION ALL SELECT 'device_os x app_version', device_os, app_version, count(*), "
            "    count_if(dropped) FROM s WHERE device_os IS NOT NULL AND app_version IS NOT NULL "
            "    GROUP BY device_os, app_version), "
            "tested AS (SELECT g.*, t.n - g.n AS rn, t.d - g.d AS rd FROM segments g, total t "
            "  WHERE g.n >= {1} AND t.n - g.n > 0), "
            "rates AS (SELECT *, CAST(d AS double) / n AS rate, CAST(rd AS double) / rn AS rest, "
            "  sqrt(CAST(d + rd AS double) / (n + rn) * (1 - CAST(d + rd AS double) / (n + rn)) "
            "  * (1e0 / n + 1e0 / rn)) AS se FROM tested), "
            "z AS (SELECT *, CASE WHEN se = 0 THEN 0 ELSE (rate - rest) / se END AS z FROM rates), "
            "p AS (SELECT *, CASE WHEN se = 0 THEN 1 ELSE 1 - normal_cdf(0, 1, z) END AS p, "
            "  count(*) OVER () AS m FROM z), "
            "ranked AS (SELECT *, row_number() OVER (ORDER BY p, dimension, device_os, "
            "  app_version) AS k FROM p), "
            "q AS (SELECT *, least(1e0, min(p * m / k) OVER (ORDER BY k DESC ROWS UNBOUNDED "
            "  PRECEDING)) AS q FROM ranked) "
            "SELECT dimension, device_os, app_version, n, d, rate, rest, "
            "  CASE WHEN rest = 0 THEN NULL ELSE rate / rest END, z, p, q, "
            "  q < 5e-2 AND (rest = 0 OR rate / rest >= 1.25e0) FROM q",
            date, min_sessions));
    ASSERT_EQ(static_cast<int64_t>(q3.size()), report->Int("/q3/segments_tested"));
    size_t abnormal = 0;
    for (const auto& row : q3) {
      const std::string dimension = Cell(row[0]);
      std::vector<std::pair<std::string, std::string>> key = {{"/dimension", dimension}};
      if (row[1]) key.emplace_back("/segment/device_os", *row[1]);
      if (row[2]) key.emplace_back("/segment/app_version", *row[2]);
      const int index = report->IndexWhere("/q3/tested", key);
      ASSERT_GE(index, 0) << dimension << " " << Cell(row[1]) << " " << Cell(row[2]);
      const std::string at = fmt::format("/q3/tested/{}", index);
      SCOPED_TRACE(at);
      EXPECT_EQ(report->Int(at + "/sessions"), std::stoll(Cell(row[3])));
      EXPECT_EQ(report->Int(at + "/drop_offs"), std::stoll(Cell(row[4])));
      EXPECT_TRUE(e2e::IsClose(report->Double(at + "/drop_off_rate"), CellDouble(row[5])));
      EXPECT_TRUE(e2e::IsClose(report->Double(at + "/rest_rate"), CellDouble(row[6])));
      if (row[7]) {
        EXPECT_NEAR(report->Double(at + "/lift"), CellDouble(row[7]), 1e-9);
      }
      EXPECT_NEAR(report->Double(at + "/z"), CellDouble(row[8]), 1e-9);
      // 1 - normal_cdf(z) loses the digits of very small p-values: absolute tolerance.
      EXPECT_NEAR(report->Double(at + "/p_value"), CellDouble(row[9]), 1e-12);
      EXPECT_NEAR(report->Double(at + "/q_value"), CellDouble(row[10]), 1e-12);
      EXPECT_EQ(report->Bool(at + "/abnormal"), Cell(row[11]) == "true");
      abnormal += Cell(row[11]) == "true" ? 1 : 0;
    }
    EXPECT_EQ(report->Size("/q3/abnormal"), abnormal);
  }

  /// Spark reads every table through `streampro ddl --engine spark` and by its own
  /// partition discovery; counts equal the manifests, values equal Trino's.
  void ExpectSparkReads(const std::map<int64_t, std::string>& trino_timestamps) {
    const RunResult ddl = RunStreampro(
        {"ddl", "--env", "test", "--engine", "spark", "--lake", lake(), "--schema", schema_});
    ASSERT_EQ(ddl.exit_code, 0) << ddl.err;
    const std::string ddl_file = dir_ / "spark.sql";
    std::ofstream(ddl_file) << ddl.out;
    const CommandResult spark = RunCommand(fmt::format(
        "cd '{}' && TMPDIR='{}' '{}' '{}/tests/engines/spark_read.py' '{}' '{}' '{}'", dir_.path(),
        dir_.path(), EnginesPython(), STREAMPRO_SOURCE_DIR, ddl_file, lake(), last_date()));
    ASSERT_EQ(spark.exit_code, 0) << spark.err;
    JsonDocument result(spark.out);
    ASSERT_TRUE(result.ok()) << result.error() << spark.out.substr(0, 500);
    for (const auto& [table, by_date] : ExpectedCounts(BlankLines::kSkipped)) {
      SCOPED_TRACE("Spark, table " + table);
      ASSERT_EQ(result.Keys("/counts/" + table).size(), by_date.size());
      for (const auto& [date, rows] : by_date) {
        EXPECT_EQ(result.Int(fmt::format("/counts/{}/{}", table, date)), rows) << date;
      }
    }
    const auto counts = ExpectedCounts();
    int64_t parquet_tables = 0;
    for (const catalog::TableDef* table : QueryableTables()) {
      if (EngineFileFormat(*table) != "PARQUET") continue;
      ++parquet_tables;
      int64_t total = 0;
      if (const auto it = counts.find(std::string(table->sql_name)); it != counts.end()) {
        for (const auto& [date, rows] : it->second) total += rows;
      }
      const std::string name(table->sql_name);
      EXPECT_EQ(result.Int("/discovered/" + name + "/rows"), total) << name;
      EXPECT_EQ(result.String("/discovered/" + name + "/partition_type"), "date");
    }
    EXPECT_EQ(static_cast<int64_t>(result.Keys("/discovered").size()), parquet_tables);
    // One pass over each object: a JSON pointer per key would scan 300k keys each time.
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(spark.out).get(root), simdjson::SUCCESS);
    std::map<int64_t, std::string> spark_timestamps;
    simdjson::dom::object events;
    ASSERT_EQ(root["events"].get(events), simdjson::SUCCESS);
    for (const auto field : events) {
      spark_timestamps[std::stoll(std::string(field.key))] =
          std::string(field.value.get_string().value());
    }
    std::map<int64_t, std::string> trino_sample;
    for (const auto& [line, timestamp] : trino_timestamps) {
      if (line % 7 == 0 || line <= 20) trino_sample[line] = timestamp;
    }
    EXPECT_FALSE(trino_sample.empty());
    EXPECT_EQ(spark_timestamps, trino_sample);
    // Sessions as Trino reads them.
    auto client = MakeClient(schema_, catalog_);
    ASSERT_NE(client, nullptr);
    std::map<std::string, std::string> trino_sessions;
    for (const auto& row : Query(*client, fmt::format("SELECT session_id, session_number, "
                                                      "watch_seconds, reached_30s FROM "
                                                      "user_sessions WHERE ingestion_date = "
                                                      "DATE '{}'",
                                                      last_date()))) {
      trino_sessions[Cell(row[0])] =
          fmt::format("{} {} {}", Cell(row[1]), CellDouble(row[2]), Cell(row[3]));
    }
    std::map<std::string, std::string> spark_sessions;
    simdjson::dom::object sessions;
    ASSERT_EQ(root["sessions"].get(sessions), simdjson::SUCCESS);
    for (const auto field : sessions) {
      simdjson::dom::array values = field.value.get_array().value();
      spark_sessions[std::string(field.key)] = fmt::format(
          "{} {} {}", values.at(0).get_int64().value(), values.at(1).get_double().value(),
          values.at(2).get_bool().value() ? "true" : "false");
    }
    EXPECT_FALSE(trino_sessions.empty());
    EXPECT_EQ(spark_sessions, trino_sessions);
  }

  /// pyarrow decodes every Parquet file: row counts as in the manifests, the Arrow types
  /// and Parquet logical types we meant, the catalog's field ids, statistics equal to the
  /// data.
  void ExpectPyarrowReads() {
    const CommandResult check =
        RunCommand(fmt::format("'{}' '{}/tests/engines/pyarrow_check.py' '{}'", EnginesPython(),
                               STREAMPRO_SOURCE_DIR, lake()));
    ASSERT_EQ(check.exit_code, 0) << check.err;
    JsonDocument result(check.out);
    ASSERT_TRUE(result.ok()) << result.error();
    const std::map<TypeId, std::pair<std::string, std::string>> kTypes = {
        {TypeId::kString, {"string", "String"}},
        {TypeId::kInt32, {"int32", "None"}},
        {TypeId::kInt64, {"int64", "None"}},
        {TypeId::kDouble, {"double", "None"}},
        {TypeId::kBool, {"bool", "None"}},
        {TypeId::kDate32, {"date32[day]", "Date"}},
        {TypeId::kTimestampMicros,
         {"timestamp[us, tz=UTC]",
          "Timestamp(isAdjustedToUTC=true, timeUnit=microseconds, is_from_converted_type=false, "
          "force_set_converted_type=false)"}}};
    size_t files = 0;
    for (const catalog::TableDef* table : QueryableTables()) {
      if (EngineFileFormat(*table) != "PARQUET") continue;
      const std::string folder =
          fmt::format("{}/{}", catalog::LayerName(table->layer), table->folder);
      for (const std::string& manifest_file :
           e2e::ListFiles(lake() + "/" + folder, "_manifest.json")) {
        JsonDocument manifest(e2e::ReadFileOrEmpty(lake() + "/" + folder + "/" + manifest_file));
        const std::string partition = manifest_file.substr(0, manifest_file.find('/'));
        for (size_t i = 0; i < manifest.Size("/files"); ++i) {
          const std::string file = fmt::format("{}/{}/{}", folder, partition,
                                               manifest.String(fmt::format("/files/{}/name", i)));
          // JSON pointer: '/' in a key is written "~1".
          std::string key;
          for (const char c : file) key += c == '/' ? std::string("~1") : std::string(1, c);
          SCOPED_TRACE("pyarrow, " + file);
          ++files;
          const int64_t rows = manifest.Int(fmt::format("/files/{}/rows", i));
          if (result.Int("/" + key + "/row_groups") > 1 &&
              manifest.Int(fmt::format("/files/{}/bytes", i)) > (int64_t{1} << 20)) {
            ++files_split_by_trino_;
          }
          EXPECT_EQ(result.Int("/" + key + "/rows"), rows);
          EXPECT_EQ(result.Int("/" + key + "/read_rows"), rows);
          EXPECT_EQ(result.Size("/" + key + "/problems"), 0U)
              << result.Minified("/" + key + "/problems");
          ASSERT_EQ(result.Keys("/" + key + "/columns").size(),
                    static_cast<size_t>(table->schema->num_fields()));
          for (int c = 0; c < table->schema->num_fields(); ++c) {
            const Field& field = table->schema->field(c);
            const std::string at = fmt::format("/{}/columns/{}", key, field.name);
            // The catalog's stable id, as Iceberg reads it.
            EXPECT_EQ(result.Int(at + "/field_id"), table->field_ids[static_cast<size_t>(c)])
                << field.name;
            EXPECT_EQ(result.String(at + "/arrow"), kTypes.at(field.type).first) << field.name;
            EXPECT_EQ(result.String(at + "/logical"), kTypes.at(field.type).second) << field.name;
            EXPECT_EQ(result.Bool(at + "/nullable"), field.nullable) << field.name;
          }
        }
      }
    }
    EXPECT_EQ(result.Keys("").size(), files) << "Parquet files no manifest names";
  }

  void ExpectEnginesReadTheLake() {
    // Each engine's time goes to the test log.
    auto started = std::chrono::steady_clock::now();
    const auto lap = [&started](const char* what) {
      const auto now = std::chrono::steady_clock::now();
      std::cerr << what << ": "
                << std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count()
                << " ms\n";
      started = now;
    };
    const auto expected = ExpectedCounts();
    EXPECT_GE(expected.size(), 12U);  // trusted_rejects may have no rows
    ExpectTrinoCounts(expected);
    const auto timestamps = TrinoEventTimestamps();
    ExpectTimestampsAsLanded(timestamps);
    lap("Trino counts and timestamps");
    ExpectTrinoAnswersReport();
    lap("Trino Q1-Q3");
    ExpectSparkReads(timestamps);
    lap("Spark");
    ExpectPyarrowReads();
    lap("pyarrow");
  }

  /// Trino's Iceberg connector on the PostgreSQL catalog the lake was built with (the
  /// `iceberg` catalog of the fixture's Trino, namespace `streampro`): every Iceberg table
  /// has the manifests' rows per date, and Q1-Q3 recomputed from the Iceberg tables equal
  /// report.json (the same SQL as over the Hive tables).
  void ExpectTrinoReadsTheIcebergTables() {
    catalog_ = "iceberg";
    schema_ = "streampro";
    auto expected = ExpectedCounts();
    std::set<std::string> iceberg_tables;
    for (const catalog::TableDef* table : iceberg::IcebergTables()) {
      iceberg_tables.insert(std::string(table->sql_name));
    }
    std::erase_if(expected, [&](const auto& t) { return iceberg_tables.count(t.first) == 0; });
    EXPECT_GE(expected.size(), 8U);  // trusted_rejects may have no rows
    auto client = MakeClient(schema_, catalog_);
    ASSERT_NE(client, nullptr);
    std::set<std::string> listed;
    for (const auto& row : Query(*client, "SHOW TABLES")) listed.insert(Cell(row[0]));
    EXPECT_EQ(listed, iceberg_tables);
    ExpectTrinoCounts(expected);
    ExpectTrinoAnswersReport();
  }

  /// Time travel in Trino across a re-run: the last date is run again with the first half
  /// of its events lines. Trino's Iceberg catalog then has the new manifests' rows as the
  /// current snapshot, while `FOR VERSION AS OF` and `FOR TIMESTAMP AS OF` the snapshot
  /// before the re-run give the rows Trino counted before it, for a trusted and an
  /// enriched table. Needs `catalog_` = iceberg (ExpectTrinoReadsTheIcebergTables).
  void ExpectTrinoTimeTravelAcrossARerun(const std::string& catalog_uri) {
    auto client = MakeClient(schema_, catalog_);
    ASSERT_NE(client, nullptr);
    const std::string date = last_date();
    const auto count = [&](const std::string& table, const std::string& version) -> int64_t {
      const auto rows = Query(*client, "SELECT count(*) FROM " + table + version +
                                           " WHERE ingestion_date = DATE '" + date + "'");
      return rows.empty() ? -1 : std::stoll(Cell(rows[0][0]));
    };
    const std::vector<std::string> tables = {"trusted_events", "user_sessions"};
    std::map<std::string, int64_t> before;
    std::map<std::string, std::pair<std::string, std::string>> snapshot;  // id, committed_at
    for (const std::string& table : tables) {
      before[table] = count(table, "");
      const auto rows = Query(*client,
                              "SELECT CAST(snapshot_id AS varchar), CAST(committed_at "
                              "AS varchar) FROM \"" +
                                  table + "$snapshots\" ORDER BY committed_at DESC LIMIT 1");
      ASSERT_EQ(rows.size(), 1U) << table;
      snapshot[table] = {Cell(rows[0][0]), Cell(rows[0][1])};
    }
    ASSERT_GT(before["trusted_events"], 0);

    const std::filesystem::path rerun = dir_ / "rerun_landing";
    std::filesystem::create_directories(rerun);
    for (const auto& entry : std::filesystem::directory_iterator(landings_.at(date))) {
      std::filesystem::copy_file(entry.path(), rerun / entry.path().filename());
    }
    const std::string events = (rerun / ("events_" + date + ".jsonl")).string();
    const std::vector<std::string> lines = Lines(events);
    ASSERT_GE(lines.size(), 4U);
    std::string half;
    for (size_t i = 0; i < lines.size() / 2; ++i) half += lines[i] + "\n";
    std::ofstream(events, std::ios::binary | std::ios::trunc) << half;
    const RunResult run =
        e2e::RunPipeline(rerun.string(), lake(), date, {{"STREAMPRO_CATALOG", catalog_uri}});
    ASSERT_EQ(run.exit_code, 0) << run.err;

    const auto expected = ExpectedCounts();
    for (const std::string& table : tables) {
      const int64_t now = count(table, "");
      EXPECT_EQ(now, expected.at(table).at(date)) << table;
      EXPECT_NE(now, before[table]) << table << ": the re-run should change its rows";
      const auto& [id, committed_at] = snapshot[table];
      EXPECT_EQ(count(table, " FOR VERSION AS OF " + id), before[table]) << table;
      EXPECT_EQ(count(table, " FOR TIMESTAMP AS OF TIMESTAMP '" + committed_at + "'"),
                before[table])
          << table << " at " << committed_at;
    }
  }

  testing::TempDir dir_;
  std::string catalog_ = "hive";
  /// Parquet files with several row groups and over 1 MiB: Trino (1MB splits) reads them
  /// in several splits and places their row groups by RowGroup.file_offset.
  int files_split_by_trino_ = 0;
  std::string schema_;
  std::vector<std::string> dates_;
  std::map<std::string, std::string> landings_;
};

TEST_F(InteropTest, BundledSample) {
  ASSERT_NO_FATAL_FAILURE(
      BuildLake({{STREAMPRO_SOURCE_DIR "/data/landing", "2025-09-09"}}, "interop_sample"));
  ExpectEnginesReadTheLake();
}

// A generated day with every kind of dirty record and enough events for several row groups
// per events file, read by Trino in 1MB splits (row groups placed by RowGroup.file_offset).
TEST_F(InteropTest, GeneratedDirtyDay) {
  const std::string landing = dir_ / "landing";
  const RunResult generate =
      RunStreampro({"generate", "--out", landing, "--date", "2025-09-10", "--events", "300000",
                    "--users", "3000", "--dirty-rate", "0.02", "--seed", "13"});
  ASSERT_EQ(generate.exit_code, 0) << generate.err;
  ASSERT_NO_FATAL_FAILURE(BuildLake({{landing, "2025-09-10"}}, "interop_dirty"));
  ExpectEnginesReadTheLake();
  EXPECT_GE(files_split_by_trino_, 1);
}

// Also Trino's Iceberg connector: the runs commit to the PostgreSQL database that the
// fixture's Trino has as its `iceberg` catalog (emptied first: one lake at a time).
TEST_F(InteropTest, TwoDates) {
  const std::string landing = e2e::GoldenDir("multi_date");
  const std::string& catalog_uri = testing::Postgres().uri;
  ASSERT_FALSE(catalog_uri.empty());
  testing::EmptyIcebergCatalog();
  ASSERT_NO_FATAL_FAILURE(BuildLake({{landing, "2025-09-09"}, {landing, "2025-09-10"}},
                                    "interop_two_dates", catalog_uri));
  ExpectEnginesReadTheLake();
  const auto started = std::chrono::steady_clock::now();
  ExpectTrinoReadsTheIcebergTables();
  std::cerr << "Trino Iceberg counts and Q1-Q3: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " ms\n";
  ExpectTrinoTimeTravelAcrossARerun(catalog_uri);
}

// The same sample on the RADOS Gateway (the `rgw` fixture): Trino reads the S3 lake through
// its native S3 file system exactly as it reads the local copy, checked above.
TEST(S3InteropTest, TrinoReadsAnS3LakeLikeTheLocalOne) {
  const testing::RgwServer& rgw = testing::Rgw();
  const std::map<std::string, std::string> env = {{"MINIO_ENDPOINT", rgw.endpoint},
                                                  {"MINIO_ACCESS_KEY", rgw.access_key},
                                                  {"MINIO_SECRET_KEY", rgw.secret_key}};
  testing::TempDir dir;
  const std::string landing = STREAMPRO_SOURCE_DIR "/data/landing";
  const std::string s3_lake = fmt::format("s3://{}/lake", testing::NewBucket("trino-interop"));
  const std::string local_lake = dir / "lake";
  ASSERT_EQ(e2e::RunPipeline(landing, s3_lake, "2025-09-09", env).exit_code, 0);
  ASSERT_EQ(e2e::RunPipeline(landing, local_lake, "2025-09-09").exit_code, 0);

  auto client = MakeClient();
  ASSERT_NE(client, nullptr);
  for (const auto& [lake, schema] : {std::pair{s3_lake, std::string("interop_s3")},
                                     std::pair{local_lake, std::string("interop_s3_local")}}) {
    ASSERT_EQ(ResetHiveSchemaAndSync(lake, schema, env).exit_code, 0);
  }
  // Every table: rows per date and a checksum of its columns, the same from both lakes.
  for (const catalog::TableDef* table : QueryableTables()) {
    SCOPED_TRACE(std::string(table->sql_name));
    std::string columns;
    for (const Field& field : table->schema->fields()) {
      // The rejects name their raw file by its full path or URI, which differs.
      if (field.name == "source_file") continue;
      columns += fmt::format("{}\"{}\"", columns.empty() ? "" : ", ", field.name);
    }
    // Trino's JSON reader fails on the malformed lines of the landing file as soon as it
    // decodes fields (HIVE_CURSOR_ERROR); counting rows decodes none.
    if (EngineFileFormat(*table) == "JSON") columns = "1";
    const std::string sql =
        "SELECT CAST(ingestion_date AS varchar), count(*), to_hex(checksum(ROW({}))) "
        "FROM hive.{}.{} GROUP BY 1 ORDER BY 1";
    const auto s3_rows =
        Query(*client, fmt::format(fmt::runtime(sql), columns, "interop_s3", table->sql_name));
    const auto local_rows = Query(
        *client, fmt::format(fmt::runtime(sql), columns, "interop_s3_local", table->sql_name));
    EXPECT_EQ(s3_rows, local_rows);
    EXPECT_EQ(s3_rows.size(), 1U);
  }
}

// ---------------------------------------------------------------------------------------
// The client and `streampro sync` on bad input: one line naming server and statement.

// Iceberg on an S3 lake with the PostgreSQL catalog, read by Trino's Iceberg connector (the
// fixture's `iceberg` catalog, emptied first: one lake at a time). Every Iceberg table has
// the rows per date that Trino's Hive connector counts in the S3 partition folders. Then a
// commit is killed at each of its steps (the fault driver) after a changed users file: the
// catalog stays on a whole snapshot that Trino reads (the previous rows, or the new ones
// once the catalog was updated), and the next run removes the killed commit's files.
TEST(S3InteropTest, IcebergTablesOnS3SurviveAKilledCommit) {
  const testing::RgwServer& rgw = testing::Rgw();
  const std::string& catalog_uri = testing::Postgres().uri;
  ASSERT_FALSE(catalog_uri.empty());
  testing::EmptyIcebergCatalog();
  const std::map<std::string, std::string> env = {{"MINIO_ENDPOINT", rgw.endpoint},
                                                  {"MINIO_ACCESS_KEY", rgw.access_key},
                                                  {"MINIO_SECRET_KEY", rgw.secret_key},
                                                  {"STREAMPRO_CATALOG", catalog_uri}};
  testing::TempDir dir;
  const std::string landing = dir / "landing";
  std::filesystem::copy(STREAMPRO_SOURCE_DIR "/data/landing", landing);
  const std::string bucket = testing::NewBucket("iceberg-s3");
  const std::string lake = fmt::format("s3://{}/lake", bucket);
  const std::string date = "2025-09-09";
  const RunResult first = e2e::RunPipeline(landing, lake, date, env);
  ASSERT_EQ(first.exit_code, 0) << first.err;

  const std::string schema = "interop_s3_iceberg";
  auto client = MakeClient();
  ASSERT_NE(client, nullptr);
  ASSERT_EQ(ResetHiveSchemaAndSync(lake, schema, env).exit_code, 0);

  // Rows per date of a table, through the Hive or the Iceberg catalog (none when the query
  // fails, which Query reports as a test failure).
  const auto rows_per_date = [&](const std::string& catalog_schema, std::string_view table) {
    std::map<std::string, int64_t> rows;
    for (const auto& row : Query(*client, fmt::format("SELECT CAST(ingestion_date AS varchar), "
                                                      "count(*) FROM {}.{} GROUP BY 1",
                                                      catalog_schema, table))) {
      rows[Cell(row[0])] = std::stoll(Cell(row[1]));
    }
    return rows;
  };
  for (const catalog::TableDef* table : iceberg::IcebergTables()) {
    EXPECT_EQ(rows_per_date("iceberg.streampro", table->sql_name),
              rows_per_date("hive." + schema, table->sql_name))
        << table->sql_name;
  }
  EXPECT_FALSE(rows_per_date("iceberg.streampro", "trusted_events").empty());

  auto s3 = s3::S3Client::Make(testing::RgwOptions());
  ASSERT_TRUE(s3.ok()) << s3.status().ToString();
  const auto iceberg_objects = [&](std::string_view suffix) {
    size_t n = 0;
    auto listed = (*s3)->ListAll(bucket, "lake/trusted/users/_iceberg/");
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    if (listed.ok()) {
      for (const auto& object : *listed) n += object.key.ends_with(suffix) ? 1 : 0;
    }
    return n;
  };
  const std::string users = landing + "/users_" + date + ".csv";
  std::vector<std::string> lines = Lines(users);
  for (const std::string step : {"iceberg_linked", "iceberg_manifest_written",
                                 "iceberg_metadata_written", "iceberg_committed"}) {
    SCOPED_TRACE(step);
    const auto hive_before = rows_per_date("hive." + schema, "trusted_users");
    lines.resize(lines.size() - 10);
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    std::ofstream(users, std::ios::binary | std::ios::trunc) << text;
    const RunResult killed =
        e2e::RunProgram({STREAMPRO_FAULT_DRIVER, "pipeline", "--env", "test", "--landing", landing,
                         "--lake", lake, "--ingestion-date", date},
                        [&] {
                          auto with_crash = env;
                          with_crash["FAULT_CRASH_AFTER"] = step;
                          return with_crash;
                        }());
    ASSERT_EQ(killed.exit_code, 86) << killed.err;
    const auto hive_after = rows_per_date("hive." + schema, "trusted_users");
    ASSERT_NE(hive_after, hive_before);
    EXPECT_EQ(rows_per_date("iceberg.streampro", "trusted_users"),
              std::string(step) == "iceberg_committed" ? hive_after : hive_before);

    const RunResult next = e2e::RunPipeline(landing, lake, date, env);
    ASSERT_EQ(next.exit_code, 0) << next.err;
    if (std::string(step) != "iceberg_committed") {
      EXPECT_NE(next.err.find("Cleaned up after an interrupted Iceberg commit of trusted_users: "
                              "removed "),
                std::string::npos)
          << next.err;
    }
    EXPECT_EQ(rows_per_date("iceberg.streampro", "trusted_users"), hive_after);
    // No killed commit's metadata file or marker is left: one metadata file per snapshot.
    const auto snapshots =
        Query(*client, "SELECT count(*) FROM iceberg.streampro.\"trusted_users$snapshots\"");
    ASSERT_EQ(snapshots.size(), 1U);
    EXPECT_EQ(iceberg_objects(".metadata.json"),
              static_cast<size_t>(std::stoll(Cell(snapshots[0][0]))));
    EXPECT_EQ(iceberg_objects("/commit-in-progress"), 0U);
  }
}

TEST(TrinoClientTest, SqlErrorCarriesNameAndPosition) {
  auto client = MakeClient();
  ASSERT_NE(client, nullptr);
  const auto result = client->Execute("SELECT 1 +\nFROM nowhere");
  ASSERT_FALSE(result.ok());
  const std::string message = result.status().message();
  EXPECT_NE(message.find("Trino at " + TrinoServer()), std::string::npos) << message;
  EXPECT_NE(message.find("SYNTAX_ERROR"), std::string::npos) << message;
  EXPECT_NE(message.find("line 2:1"), std::string::npos) << message;
  EXPECT_NE(message.find("(statement: SELECT 1 + ...)"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(TrinoClientTest, ReturnsRowsAcrossPagesWithTypes) {
  auto client = MakeClient();
  ASSERT_NE(client, nullptr);
  const auto result = client->Execute(
      "SELECT x, CAST(x AS varchar), TIMESTAMP '2025-09-09 10:00:00.123456' + x * INTERVAL "
      "'1' SECOND, IF(x = 3, NULL, x = 2) FROM (SELECT a.x + 10000 * b.y AS x FROM "
      "UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(0, 1)) b(y)) ORDER BY x");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->rows.size(), 20000U);
  ASSERT_EQ(result->columns.size(), 4U);
  EXPECT_EQ(result->columns[0].type, "bigint");
  EXPECT_EQ(result->columns[2].type, "timestamp(6)");
  EXPECT_EQ(result->rows[0][0], "1");
  EXPECT_EQ(result->rows[0][1], "1");
  EXPECT_EQ(result->rows[0][2], "2025-09-09 10:00:01.123456");
  EXPECT_EQ(result->rows[1][3], "true");
  EXPECT_EQ(result->rows[2][3], std::nullopt);
  EXPECT_EQ(result->rows[19999][0], "20000");
  EXPECT_FALSE(result->query_id.empty());
}

TEST(TrinoClientTest, TimeoutCancelsTheQuery) {
  trino::ClientOptions options;
  options.server = TrinoServer();
  options.statement_timeout = std::chrono::milliseconds(1500);
  auto client = trino::Client::Make(options);
  ASSERT_TRUE(client.ok());
  // A marker no earlier run of this test used: system.runtime.queries keeps old queries.
  const std::string marker =
      fmt::format("timeout test {} {}", ::getpid(),
                  std::chrono::system_clock::now().time_since_epoch().count());
  const std::string slow =
      "SELECT count(*) FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, "
      "10000)) b(y) CROSS JOIN UNNEST(sequence(1, 1000)) c(z) WHERE (x * y + z) % 7919 = 1 /* " +
      marker + " */";
  const auto result = (*client)->Execute(slow);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("statement timeout of 1.5 s"), std::string::npos)
      << result.status().ToString();
  // The server was told: the query ends as cancelled by the user, not still running.
  auto checker = MakeClient();
  ASSERT_NE(checker, nullptr);
  std::string state;
  for (int i = 0; i < 50; ++i) {
    const auto rows = Query(*checker, fmt::format("SELECT state, error_code FROM "
                                                  "system.runtime.queries WHERE query LIKE "
                                                  "'%{} */' AND query NOT LIKE '%system.runtime%'",
                                                  marker));
    ASSERT_EQ(rows.size(), 1U);
    state = Cell(rows[0][0]) + " " + Cell(rows[0][1]);
    if (state != "RUNNING null" && state != "QUEUED null") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(state, "FAILED USER_CANCELED");
}

TEST(TrinoClientTest, ValidatesOptions) {
  trino::ClientOptions options;
  options.server = "localhost:8080";
  EXPECT_FALSE(options.Validate().ok());
  options.server = "http://user:secret@localhost:8080";
  const Status with_user = options.Validate();
  EXPECT_FALSE(with_user.ok());
  EXPECT_EQ(with_user.message().find("secret"), std::string::npos);
  options.server = "http://localhost:8080";
  options.password = "hunter2";
  const Status password_over_http = options.Validate();
  EXPECT_FALSE(password_over_http.ok());
  EXPECT_EQ(password_over_http.message().find("hunter2"), std::string::npos);
  options.server = "https://localhost:8443";
  EXPECT_TRUE(options.Validate().ok());
}

// Trino down, a wrong catalog, a SQL error (a schema name Trino refuses), a timeout: exit 1,
// one line naming server and statement, and no file of the lake changed.
TEST(SyncTest, BadInputFailsInOneLineAndLeavesTheLakeAlone) {
  testing::TempDir dir;
  const std::string lake = dir / "lake";
  ASSERT_EQ(e2e::RunPipeline(e2e::GoldenDir("ties"), lake, "2025-09-09").exit_code, 0);
  const auto snapshot = [&lake] {
    std::map<std::string, std::string> files;
    for (const std::string& file : e2e::ListFiles(lake)) {
      files[file] = e2e::ReadFileOrEmpty(lake + "/" + file);
    }
    return files;
  };
  const auto before = snapshot();
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"--server", "http://127.0.0.1:9"}, "Trino at http://127.0.0.1:9: Couldn't connect"},
      {{"--server", TrinoServer(), "--catalog", "nosuchcatalog"},
       "CATALOG_NOT_FOUND: line 1:1: Catalog 'nosuchcatalog' not found"},
      {{"--server", TrinoServer(), "--schema", "information_schema"}, "(statement: CREATE "},
      {{"--server", TrinoServer(), "--timeout", "1", "--schema", "interop_timeout"}, ""},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"sync", "--env", "test", "--engine", "trino", "--lake", lake};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const RunResult run = RunStreampro(args);
    SCOPED_TRACE(run.err);
    if (c.args.back() == "interop_timeout") {
      // Fast enough to finish in a second on an idle machine: then it must succeed.
      EXPECT_TRUE(run.exit_code == 0 ||
                  run.err.find("statement timeout of 1 s") != std::string::npos);
      continue;
    }
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_TRUE(run.err.starts_with("streampro: error: Trino at "));
    EXPECT_NE(run.err.find(c.expected), std::string::npos);
    EXPECT_NE(run.err.find("(statement: "), std::string::npos);
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1);
  }
  EXPECT_EQ(snapshot(), before);
}

// `--engine trino` on an S3 lake: Trino writes its staging tables' files into the lake's
// bucket (the fixture's Iceberg catalog has native S3 on the gateway), StreamPro copies them
// into D's partitions there, and the report equals the embedded engine's byte for byte.
TEST(S3InteropTest, TrinoEngineOnAnS3LakeGivesTheEmbeddedReport) {
  const testing::RgwServer& rgw = testing::Rgw();
  const std::string& catalog_uri = testing::Postgres().uri;
  ASSERT_FALSE(catalog_uri.empty());
  testing::EmptyIcebergCatalog();
  std::map<std::string, std::string> env = testing::TrinoEngineEnv();
  env.insert({{"MINIO_ENDPOINT", rgw.endpoint},
              {"MINIO_ACCESS_KEY", rgw.access_key},
              {"MINIO_SECRET_KEY", rgw.secret_key}});
  const std::string bucket = testing::NewBucket("trino-engine");
  const std::string lake = fmt::format("s3://{}/lake", bucket);
  const std::string date = "2025-09-09";
  const RunResult built = e2e::RunPipeline(STREAMPRO_SOURCE_DIR "/data/landing", lake, date, env);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--env", "test", "--lake", lake, "--ingestion-date", date, "--quiet"});
    return RunStreampro(args, env);
  };
  const RunResult embedded = run({"report", "--format", "json"});
  ASSERT_EQ(embedded.exit_code, 0) << embedded.err;
  ASSERT_NE(embedded.out.find("\"new_users\""), std::string::npos) << embedded.out;

  const RunResult enriched = run({"to-enriched", "--engine", "trino"});
  ASSERT_EQ(enriched.exit_code, 0) << enriched.err;
  const RunResult trino = run({"report", "--engine", "trino", "--format", "json"});
  ASSERT_EQ(trino.exit_code, 0) << trino.err;
  EXPECT_EQ(trino.out, embedded.out);

  // D's partitions hold Trino's files (copied from the staging folder, which is gone).
  auto s3 = s3::S3Client::Make(testing::RgwOptions());
  ASSERT_TRUE(s3.ok()) << s3.status().ToString();
  std::string manifest;
  const Status got = (*s3)->GetObjectStream(
      bucket, fmt::format("lake/enriched/user_sessions/ingestion_date={}/_manifest.json", date),
      [&](std::string_view piece) {
        manifest.append(piece);
        return Status::OK();
      });
  ASSERT_TRUE(got.ok()) << got.ToString();
  EXPECT_NE(manifest.find("\"engine\": \"trino\""), std::string::npos) << manifest;
  auto staging = (*s3)->ListAll(bucket, "lake/_staging/");
  ASSERT_TRUE(staging.ok()) << staging.status().ToString();
  EXPECT_TRUE(staging->empty()) << staging->front().key;
}

}  // namespace
}  // namespace streampro::engines
