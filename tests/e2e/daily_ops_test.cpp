// Running it every day, on a local lake: `streampro backfill` over five generated dates,
// a partner's corrected file for day 2 (later dates become stale, `--cascade` rebuilds
// them), resuming, a failing date, a missing date, `streampro status` and the run log.
// Expected counts come from the independent reference reader of the landing files
// (tests/support/reference_reader.h) and from the lake's files on disk, never from what
// the command under test printed. The same on S3: s3_pipeline_test.cpp (S3DailyOpsTest).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "e2e/e2e_support.h"
#include "support/reference_reader.h"
#include "support/temp_dir.h"

namespace streampro::e2e {
namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 5> kDates = {"2025-09-09", "2025-09-10", "2025-09-11",
                                               "2025-09-12", "2025-09-13"};
constexpr const char* kTables[] = {"users", "videos", "devices", "events"};

std::string LandingName(const std::string& table, const std::string& date) {
  return fmt::format("{}_{}.{}", table, date, table == "events" ? "jsonl" : "csv");
}

// The counters of one date's landing files by the reference reader, table by table.
std::map<std::string, testing::Counters> ReferenceCounts(const std::string& landing,
                                                         const std::string& date) {
  std::map<std::string, testing::Counters> counts;
  std::set<std::string> ids[2];  // accepted users, videos
  for (const std::string table : {"users", "videos", "devices"}) {
    const testing::DimensionResult result =
        testing::ReadDimension(table, ReadFileOrEmpty(landing + "/" + LandingName(table, date)));
    counts[table] = result.counters;
    for (const auto& [key, row] : result.rows) {
      if (table == "users") ids[0].insert(key);
      if (table == "videos") ids[1].insert(key);
    }
  }
  counts["events"] =
      testing::ReadEvents(ReadFileOrEmpty(landing + "/" + LandingName("events", date)), ids[0],
                          ids[1])
          .counters;
  return counts;
}

// Bytes of the data files of a local partition folder (everything but the manifest).
int64_t FolderBytes(const std::string& folder) {
  int64_t bytes = 0;
  for (const std::string& file : ListFiles(folder)) {
    if (file != "_manifest.json") bytes += static_cast<int64_t>(fs::file_size(folder + "/" + file));
  }
  return bytes;
}

std::unique_ptr<JsonDocument> Manifest(const std::string& lake, const std::string& partition) {
  return std::make_unique<JsonDocument>(
      ReadFileOrEmpty(fmt::format("{}/{}/_manifest.json", lake, partition)));
}

// report.json without the "lake" member (the one thing two lakes may differ in).
std::string ReportWithoutLake(const std::string& lake, const std::string& date) {
  const JsonDocument report(ReadFileOrEmpty(ReportPath(lake, date)));
  EXPECT_TRUE(report.ok()) << ReportPath(lake, date);
  std::string out;
  for (const std::string& key : report.Keys("")) {
    if (key != "lake") out += key + "=" + report.Minified("/" + key) + "\n";
  }
  return out;
}

// Lines of `text` that contain `fragment`.
std::vector<std::string> LinesWith(const std::string& text, const std::string& fragment) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    if (line.find(fragment) != std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// The summary line of `date` in a backfill's output.
std::string SummaryLine(const RunResult& run, const std::string& date) {
  for (const std::string& line : LinesWith(run.out, date)) {
    if (line.starts_with(date + "  ")) return line;
  }
  return "<no summary line for " + date + ">";
}

class DailyOpsTest : public ::testing::Test {
 protected:
  // Five days of landing files (small, with every kind of dirty record), and a corrected
  // events file for day 2 (another seed: other sessions, other answers).
  static void SetUpTestSuite() {
    generated_ = new testing::TempDir();
    for (size_t i = 0; i < kDates.size(); ++i) {
      Generate(*generated_ / kDates[i], kDates[i], 100 + static_cast<int>(i));
    }
    Generate(*generated_ / "resent", kDates[1], 777);
  }
  static void TearDownTestSuite() { delete generated_; }

  static void Generate(const std::string& out, const std::string& date, int seed) {
    const RunResult run = RunStreampro({"generate", "--out", out, "--date", date, "--users", "60",
                                        "--days", "2", "--seed", std::to_string(seed)});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }

  // Puts the landing files of `dates` into the test's landing folder.
  void Land(const std::vector<std::string>& dates) const {
    for (const std::string& date : dates) {
      for (const std::string table : kTables) {
        fs::copy_file(*generated_ / date + "/" + LandingName(table, date),
                      landing() + "/" + LandingName(table, date),
                      fs::copy_options::overwrite_existing);
      }
    }
  }
  void LandAll() const { Land({kDates.begin(), kDates.end()}); }
  // The partner's corrected events file of day 2.
  void Resend() const {
    const std::string name = LandingName("events", kDates[1]);
    fs::copy_file(*generated_ / "resent/" + name, landing() + "/" + name,
                  fs::copy_options::overwrite_existing);
  }

  // Backfills from the first date to `to`.
  RunResult Backfill(const std::string& lake, std::vector<std::string> extra = {},
                     const std::string& to = kDates.back()) const {
    std::vector<std::string> args = {"backfill",     "--env",  "test", "--landing",
                                     landing(),      "--lake", lake,   "--from",
                                     kDates.front(), "--to",   to};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunStreampro(args);
  }
  RunResult Status(const std::string& lake, const std::string& format = "text") const {
    return RunStreampro({"status", "--env", "test", "--lake", lake, "--format", format});
  }

  std::string landing() const { return landing_.path(); }
  std::string lake() const { return lake_.path() + "/lake"; }

  static testing::TempDir* generated_;
  testing::TempDir landing_;
  testing::TempDir lake_;
};

testing::TempDir* DailyOpsTest::generated_ = nullptr;

// Every date of `status --format json` against the landing files and the lake's files.
void ExpectStatusMatchesTheLake(const JsonDocument& status, const std::string& lake,
                                const std::string& landing) {
  ASSERT_TRUE(status.ok()) << status.error() << "\n" << status.text();
  ASSERT_EQ(status.Size("/dates"), kDates.size());
  for (size_t i = 0; i < kDates.size(); ++i) {
    const std::string date = kDates[i];
    SCOPED_TRACE(date);
    const std::string at = fmt::format("/dates/{}", i);
    EXPECT_EQ(status.String(at + "/date"), date);
    int64_t rows_in = 0;
    for (const auto& [table, expected] : ReferenceCounts(landing, date)) {
      const std::string counts = fmt::format("{}/tables/{}", at, table);
      EXPECT_EQ(status.Int(counts + "/rows_in"), expected.rows_in) << table;
      EXPECT_EQ(status.Int(counts + "/rows_kept"), expected.rows_kept) << table;
      EXPECT_EQ(status.Int(counts + "/rows_rejected"), expected.rows_rejected) << table;
      EXPECT_EQ(status.Int(counts + "/rows_duplicate"), expected.rows_duplicate) << table;
      EXPECT_EQ(status.Size(counts + "/rejected_by_reason"), expected.rejected_by_reason.size());
      for (const auto& [reason, count] : expected.rejected_by_reason) {
        EXPECT_EQ(status.Int(counts + "/rejected_by_reason/" + reason), count)
            << table << " " << reason;
      }
      rows_in += expected.rows_in;
      // Trusted rows: what the reference keeps, and what the manifest says.
      const std::string trusted = fmt::format("trusted/{}/ingestion_date={}", table, date);
      const std::string partition = fmt::format("{}/layers/trusted/partitions/{}", at, table);
      EXPECT_EQ(status.Int(partition + "/rows"), expected.rows_kept) << table;
      EXPECT_EQ(status.Int(partition + "/rows"), Manifest(lake, trusted)->Int("/total_rows"));
      EXPECT_EQ(status.Int(partition + "/bytes"), FolderBytes(lake + "/" + trusted)) << table;
      // Raw: the landing file's bytes.
      const std::string raw = fmt::format("{}/layers/raw/partitions/{}", at, table);
      EXPECT_EQ(status.Int(raw + "/bytes"),
                static_cast<int64_t>(fs::file_size(landing + "/" + LandingName(table, date))));
      EXPECT_TRUE(status.IsNull(raw + "/rows"));
    }
    EXPECT_EQ(status.Int(at + "/rows_in"), rows_in);
    for (const auto& [layer, tables] : std::map<std::string, int64_t>{
             {"raw", 4}, {"trusted", 5}, {"enriched", 4}, {"reports", 1}}) {
      EXPECT_EQ(status.Int(fmt::format("{}/layers/{}/published", at, layer)), tables) << layer;
      EXPECT_EQ(status.Int(fmt::format("{}/layers/{}/tables", at, layer)), tables) << layer;
    }
    for (const std::string table :
         {"user_sessions", "user_journey", "genre_performance", "device_analytics"}) {
      const std::string folder = fmt::format("enriched/{}/ingestion_date={}", table, date);
      const std::string partition = fmt::format("{}/layers/enriched/partitions/{}", at, table);
      EXPECT_EQ(status.Int(partition + "/rows"), Manifest(lake, folder)->Int("/total_rows"));
      EXPECT_EQ(status.Int(partition + "/bytes"), FolderBytes(lake + "/" + folder)) << table;
    }
    const std::string report_folder = fmt::format("reports/ingestion_date={}", date);
    EXPECT_EQ(status.Int(at + "/layers/reports/partitions/report/bytes"),
              FolderBytes(lake + "/" + report_folder));
    const auto report_manifest = Manifest(lake, report_folder);
    EXPECT_EQ(status.String(at + "/last_run/run_id"), report_manifest->String("/run_id"));
    // Q1 and Q3 as the published report.json says.
    const auto report = ReadReport(lake, date);
    EXPECT_TRUE(IsClose(status.Double(at + "/q1_pct"), report->Double("/q1/pct")));
    EXPECT_EQ(status.Int(at + "/abnormal_segments"),
              static_cast<int64_t>(report->Size("/q3/abnormal")));
  }
}

TEST_F(DailyOpsTest, ResentFileMakesLaterDatesStaleAndCascadeRebuildsThem) {
  LandAll();
  const RunResult first = Backfill(lake());
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  for (const char* date : kDates) {
    EXPECT_NE(SummaryLine(first, date).find(" built "), std::string::npos) << first.out;
    EXPECT_TRUE(ReadReport(lake(), date)->ok()) << date;
  }
  {
    const JsonDocument status(Status(lake(), "json").out);
    ExpectStatusMatchesTheLake(status, lake(), landing());
    for (size_t i = 0; i < kDates.size(); ++i) {
      EXPECT_EQ(status.String(fmt::format("/dates/{}/state", i)), "ok") << kDates[i];
      EXPECT_FALSE(status.Bool(fmt::format("/dates/{}/stale", i))) << kDates[i];
    }
    EXPECT_EQ(status.Size("/interrupted_runs"), 0u);
    EXPECT_FALSE(status.Bool("/lock/held"));
  }
  const std::string stale_day5 = ReportWithoutLake(lake(), kDates[4]);

  // The partner resends day 2's events; day 2 alone is re-run.
  Resend();
  const RunResult rerun = RunPipeline(landing(), lake(), kDates[1]);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  const std::vector<std::string> warnings = LinesWith(rerun.err, "streampro: warning:");
  ASSERT_EQ(warnings.size(), 1u) << rerun.err;
  for (const char* date : {kDates[2], kDates[3], kDates[4]}) {
    EXPECT_NE(warnings[0].find(date), std::string::npos) << warnings[0];
  }
  EXPECT_NE(warnings[0].find("3 later date(s) are stale"), std::string::npos) << warnings[0];
  {
    const JsonDocument status(Status(lake(), "json").out);
    ASSERT_TRUE(status.ok()) << status.text();
    for (size_t i = 0; i < kDates.size(); ++i) {
      const std::string at = fmt::format("/dates/{}", i);
      EXPECT_EQ(status.Bool(at + "/stale"), i >= 2) << kDates[i];
      EXPECT_EQ(status.String(at + "/state"), i >= 2 ? "stale" : "ok") << kDates[i];
      if (i >= 2) {
        EXPECT_NE(status.Minified(at + "/stale_reasons").find("trusted.events 2025-09-10"),
                  std::string::npos)
            << status.Minified(at + "/stale_reasons");
      }
    }
    const RunResult text = Status(lake());
    EXPECT_NE(text.out.find("5 (2025-09-09 to 2025-09-13), 3 stale"), std::string::npos)
        << text.out;
    EXPECT_EQ(LinesWith(text.out,
                        "  stale     enriched tables read trusted.events 2025-09-10, "
                        "which changed since")
                  .size(),
              3u)
        << text.out;
  }
  // Reading a stale date says so, on one line.
  const RunResult report =
      RunStreampro({"report", "--env", "test", "--lake", lake(), "--ingestion-date", kDates[3]});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const std::vector<std::string> report_warnings = LinesWith(report.err, "streampro: warning:");
  ASSERT_EQ(report_warnings.size(), 1u) << report.err;
  EXPECT_NE(report_warnings[0].find("2025-09-12 is stale"), std::string::npos) << report.err;

  // --cascade rebuilds days 3-5 in order, in the same run.
  const RunResult cascade =
      RunStreampro({"pipeline", "--env", "test", "--landing", landing(), "--lake", lake(),
                    "--ingestion-date", kDates[1], "--cascade"});
  ASSERT_EQ(cascade.exit_code, 0) << cascade.err;
  EXPECT_EQ(LinesWith(cascade.err, "streampro: warning:").size(), 0u) << cascade.err;
  const size_t day3 = cascade.out.find("Cascade: 2025-09-11 is stale");
  const size_t day4 = cascade.out.find("Cascade: 2025-09-12 is stale");
  const size_t day5 = cascade.out.find("Cascade: 2025-09-13 is stale");
  ASSERT_NE(day3, std::string::npos) << cascade.out;
  EXPECT_LT(day3, day4);
  EXPECT_LT(day4, day5);
  EXPECT_NE(day5, std::string::npos);
  const std::string cascade_run =
      Manifest(lake(), "reports/ingestion_date=2025-09-10")->String("/run_id");
  for (const char* date : {kDates[2], kDates[3], kDates[4]}) {
    EXPECT_EQ(Manifest(lake(), fmt::format("reports/ingestion_date={}", date))->String("/run_id"),
              cascade_run)
        << date;
  }
  {
    const JsonDocument status(Status(lake(), "json").out);
    ExpectStatusMatchesTheLake(status, lake(), landing());
    for (size_t i = 0; i < kDates.size(); ++i) {
      EXPECT_FALSE(status.Bool(fmt::format("/dates/{}/stale", i))) << kDates[i];
    }
  }

  // Day 5 now equals a clean backfill of the corrected files; before the cascade it did not.
  testing::TempDir clean;
  const RunResult clean_run = Backfill(clean / "lake");
  ASSERT_EQ(clean_run.exit_code, 0) << clean_run.err;
  const std::string corrected_day5 = ReportWithoutLake(clean / "lake", kDates[4]);
  EXPECT_EQ(ReportWithoutLake(lake(), kDates[4]), corrected_day5);
  EXPECT_NE(stale_day5, corrected_day5);

  // The run log: one JSON line per run, the cascade run's four dates built in order.
  const std::vector<std::string> runs = ListFiles(lake() + "/_runs");
  ASSERT_EQ(runs.size(), 4u);  // backfill, pipeline, report, pipeline --cascade
  const std::string line = ReadFileOrEmpty(lake() + "/_runs/" + runs.back());
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
  const JsonDocument record(line);
  ASSERT_TRUE(record.ok()) << line;
  EXPECT_EQ(record.String("/run_id"), cascade_run);
  EXPECT_EQ(runs.back(), cascade_run + ".json");
  EXPECT_EQ(record.String("/command"), "pipeline");
  EXPECT_EQ(record.String("/outcome"), "succeeded");
  ASSERT_EQ(record.Size("/dates"), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const std::string at = fmt::format("/dates/{}", i);
    EXPECT_EQ(record.String(at + "/date"), kDates[i + 1]);
    EXPECT_EQ(record.String(at + "/outcome"), "built");
    EXPECT_EQ(record.Keys(at + "/stages"),
              (std::vector<std::string>{"to-raw", "to-trusted", "to-enriched", "report"}));
  }
  EXPECT_NE(record.String("/dates/1/note")
                .find("cascade: enriched tables read trusted.events "
                      "2025-09-10"),
            std::string::npos);
  const auto expected = ReferenceCounts(landing(), kDates[1]);
  EXPECT_EQ(record.Int("/dates/0/tables/events/rows_in"), expected.at("events").rows_in);
  EXPECT_EQ(record.Int("/dates/0/tables/events/rows_duplicate"),
            expected.at("events").rows_duplicate);
}

// Day 2 has no users file: its events are checked against day 1's users. A corrected users
// file for day 1 makes day 2's trusted events stale, and reading them says so.
TEST_F(DailyOpsTest, EventsCheckedAgainstACorrectedSnapshotAreStaleWhereverRead) {
  LandAll();
  fs::remove(landing() + "/" + LandingName("users", kDates[1]));
  ASSERT_EQ(Backfill(lake(), {}, kDates[2]).exit_code, 0);
  fs::copy_file(*generated_ / "resent/" + LandingName("users", kDates[1]),
                landing() + "/" + LandingName("users", kDates[0]),
                fs::copy_options::overwrite_existing);
  // The resent folder's users are another seed's; renamed to day 1 they are day 1's users.
  const RunResult rerun = RunPipeline(landing(), lake(), kDates[0]);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  const std::vector<std::string> warnings = LinesWith(rerun.err, "streampro: warning:");
  ASSERT_EQ(warnings.size(), 1u) << rerun.err;
  EXPECT_NE(warnings[0].find("2 later date(s) are stale now: 2025-09-10, 2025-09-11"),
            std::string::npos)
      << warnings[0];

  const JsonDocument status(Status(lake(), "json").out);
  ASSERT_TRUE(status.ok()) << status.text();
  EXPECT_NE(status.Minified("/dates/1/stale_reasons")
                .find("trusted events read trusted.users 2025-09-09, which changed since"),
            std::string::npos)
      << status.Minified("/dates/1/stale_reasons");
  EXPECT_NE(status.Minified("/dates/2/stale_reasons")
                .find("enriched tables read trusted.events 2025-09-10, which is itself stale"),
            std::string::npos)
      << status.Minified("/dates/2/stale_reasons");

  // Day 3 alone reads day 2's stale events: one warning naming them.
  const RunResult day3 = RunPipeline(landing(), lake(), kDates[2]);
  ASSERT_EQ(day3.exit_code, 0) << day3.err;
  const std::vector<std::string> read = LinesWith(day3.err, "streampro: warning:");
  ASSERT_EQ(read.size(), 1u) << day3.err;
  EXPECT_NE(read[0].find("the enriched tables of 2025-09-11 read stale trusted events of "
                         "2025-09-10 (trusted events read trusted.users 2025-09-09, which "
                         "changed since)"),
            std::string::npos)
      << read[0];

  // The backfill rebuilds day 2. Both snapshots hold the same 60 user ids, so its events
  // come out byte for byte the same: day 3, built from them above, is current again and
  // skipped. Nothing is stale after it.
  const RunResult repaired = Backfill(lake(), {}, kDates[2]);
  ASSERT_EQ(repaired.exit_code, 0) << repaired.err;
  EXPECT_NE(SummaryLine(repaired, kDates[0]).find(" skipped "), std::string::npos) << repaired.out;
  EXPECT_NE(SummaryLine(repaired, kDates[1]).find(" built "), std::string::npos) << repaired.out;
  EXPECT_NE(SummaryLine(repaired, kDates[2]).find(" skipped "), std::string::npos) << repaired.out;
  const JsonDocument after(Status(lake(), "json").out);
  for (size_t i = 0; i < 3; ++i) EXPECT_FALSE(after.Bool(fmt::format("/dates/{}/stale", i)));
}

TEST_F(DailyOpsTest, ResumingSkipsPublishedDatesAndForceRebuildsThem) {
  LandAll();
  ASSERT_EQ(Backfill(lake()).exit_code, 0);
  const auto run_ids = [&] {
    std::vector<std::string> ids;
    for (const char* date : kDates) {
      for (const std::string& partition :
           {fmt::format("raw/events/ingestion_date={}", date),
            fmt::format("trusted/events/ingestion_date={}", date),
            fmt::format("enriched/user_sessions/ingestion_date={}", date),
            fmt::format("reports/ingestion_date={}", date)}) {
        ids.push_back(Manifest(lake(), partition)->String("/run_id"));
      }
    }
    return ids;
  };
  const std::vector<std::string> before = run_ids();

  const RunResult again = Backfill(lake());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto counts = ReferenceCounts(landing(), kDates[0]);
  int64_t day1_in = 0;
  for (const auto& [table, c] : counts) day1_in += c.rows_in;
  for (const char* date : kDates) {
    const std::string line = SummaryLine(again, date);
    EXPECT_NE(line.find(" skipped "), std::string::npos) << again.out;
    EXPECT_NE(line.find("published from the same landing files"), std::string::npos) << line;
  }
  EXPECT_NE(SummaryLine(again, kDates[0]).find(fmt::format(" {} ", day1_in)), std::string::npos)
      << again.out;
  EXPECT_EQ(run_ids(), before) << "nothing was rewritten";

  // A file touched but not changed is recognised by its checksum.
  const std::string touched = landing() + "/" + LandingName("events", kDates[2]);
  fs::last_write_time(touched, fs::last_write_time(touched) + std::chrono::hours(1));
  const RunResult touched_run = Backfill(lake());
  ASSERT_EQ(touched_run.exit_code, 0) << touched_run.err;
  EXPECT_NE(SummaryLine(touched_run, kDates[2]).find(" skipped "), std::string::npos)
      << touched_run.out;
  EXPECT_EQ(run_ids(), before);

  // A changed file: its date and the later ones it made stale are built, the earlier skipped.
  Resend();
  const RunResult resumed = Backfill(lake());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(SummaryLine(resumed, kDates[0]).find(" skipped "), std::string::npos) << resumed.out;
  EXPECT_NE(SummaryLine(resumed, kDates[1]).find(" built "), std::string::npos) << resumed.out;
  EXPECT_NE(SummaryLine(resumed, kDates[1]).find("landing: events_2025-09-10.jsonl"),
            std::string::npos)
      << resumed.out;
  for (const char* date : {kDates[2], kDates[3], kDates[4]}) {
    EXPECT_NE(SummaryLine(resumed, date).find(" built "), std::string::npos) << resumed.out;
    EXPECT_NE(SummaryLine(resumed, date)
                  .find("stale: enriched tables read trusted.events "
                        "2025-09-10"),
              std::string::npos)
        << resumed.out;
  }
  const std::vector<std::string> after_resume = run_ids();
  EXPECT_EQ(std::vector<std::string>(after_resume.begin(), after_resume.begin() + 4),
            std::vector<std::string>(before.begin(), before.begin() + 4))
      << "day 1 untouched";

  const RunResult forced = Backfill(lake(), {"--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  const std::vector<std::string> after_force = run_ids();
  for (size_t i = 0; i < kDates.size(); ++i) {
    EXPECT_NE(SummaryLine(forced, kDates[i]).find(" built "), std::string::npos) << forced.out;
    EXPECT_NE(SummaryLine(forced, kDates[i]).find("--force"), std::string::npos) << forced.out;
    // Raw copies of unchanged files stay; every derived partition is new.
    EXPECT_EQ(after_force[4 * i], after_resume[4 * i]) << kDates[i];
    for (size_t k = 1; k < 4; ++k) EXPECT_NE(after_force[4 * i + k], after_resume[4 * i + k]);
  }
}

TEST_F(DailyOpsTest, AFailingDateStopsTheBackfillNamingIt) {
  LandAll();
  // Day 3's users file lacks a required column: its trusted stage fails.
  const std::string users = landing() + "/" + LandingName("users", kDates[2]);
  {
    std::ofstream out(users, std::ios::trunc);
    out << "user_id,subscription_tier\nu1,Free\n";
  }
  const RunResult run = Backfill(lake());
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const std::vector<std::string> errors = LinesWith(run.err, "streampro: error:");
  ASSERT_EQ(errors.size(), 1u) << run.err;
  EXPECT_NE(errors[0].find("backfill stopped at 2025-09-11"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("signup_date"), std::string::npos) << errors[0];
  EXPECT_NE(SummaryLine(run, kDates[0]).find(" built "), std::string::npos) << run.out;
  EXPECT_NE(SummaryLine(run, kDates[1]).find(" built "), std::string::npos) << run.out;
  EXPECT_NE(SummaryLine(run, kDates[2]).find(" failed "), std::string::npos) << run.out;
  EXPECT_EQ(LinesWith(run.out, "2025-09-12  ").size(), 0u) << "not attempted";
  EXPECT_TRUE(ReadReport(lake(), kDates[1])->ok());
  for (const char* date : {kDates[2], kDates[3], kDates[4]}) {
    EXPECT_FALSE(fs::exists(ReportPath(lake(), date))) << date;
  }
  const std::vector<std::string> runs = ListFiles(lake() + "/_runs");
  ASSERT_EQ(runs.size(), 1u);
  const JsonDocument record(ReadFileOrEmpty(lake() + "/_runs/" + runs[0]));
  EXPECT_EQ(record.String("/command"), "backfill");
  EXPECT_EQ(record.String("/outcome"), "failed");
  EXPECT_EQ(record.Int("/exit_code"), 1);
  EXPECT_NE(record.String("/error").find("backfill stopped at 2025-09-11"), std::string::npos);
  ASSERT_EQ(record.Size("/dates"), 3u);
  EXPECT_EQ(record.String("/dates/2/outcome"), "failed");
  EXPECT_EQ(record.Keys("/dates/2/stages"), std::vector<std::string>{"to-raw"});

  // Bad ranges are usage errors.
  const RunResult reversed =
      RunStreampro({"backfill", "--lake", lake(), "--from", kDates[2], "--to", kDates[1]});
  EXPECT_EQ(reversed.exit_code, 2) << reversed.err;
  EXPECT_NE(reversed.err.find("is before --from"), std::string::npos) << reversed.err;
  const RunResult bad_date =
      RunStreampro({"backfill", "--lake", lake(), "--from", "2025-02-30", "--to", kDates[1]});
  EXPECT_EQ(bad_date.exit_code, 2) << bad_date.err;
  EXPECT_NE(bad_date.err.find("2025-02-30"), std::string::npos) << bad_date.err;
}

TEST_F(DailyOpsTest, ADateWithoutLandingFilesIsSkippedWithAWarning) {
  Land({kDates[0], kDates[1], kDates[3], kDates[4]});
  const RunResult run = Backfill(lake());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> warnings = LinesWith(run.err, "streampro: warning:");
  ASSERT_EQ(warnings.size(), 1u) << run.err;
  EXPECT_NE(warnings[0].find("2025-09-11: no landing file dated 2025-09-11"), std::string::npos)
      << warnings[0];
  EXPECT_NE(SummaryLine(run, kDates[2]).find(" missing "), std::string::npos) << run.out;
  for (const char* date : {kDates[0], kDates[1], kDates[3], kDates[4]}) {
    EXPECT_TRUE(ReadReport(lake(), date)->ok()) << date;
  }
  EXPECT_FALSE(fs::exists(lake() + "/raw/events/ingestion_date=2025-09-11"));
  EXPECT_FALSE(fs::exists(ReportPath(lake(), kDates[2])));

  // Landing the missing day later builds it; the dates after it read its events now.
  Land({kDates[2]});
  const RunResult later = Backfill(lake());
  ASSERT_EQ(later.exit_code, 0) << later.err;
  EXPECT_NE(SummaryLine(later, kDates[1]).find(" skipped "), std::string::npos) << later.out;
  EXPECT_NE(SummaryLine(later, kDates[2]).find(" built "), std::string::npos) << later.out;
  for (const char* date : {kDates[3], kDates[4]}) {
    EXPECT_NE(SummaryLine(later, date)
                  .find("stale: enriched tables did not read trusted.events "
                        "2025-09-11"),
              std::string::npos)
        << later.out;
  }
}

TEST_F(DailyOpsTest, StatusShowsAnInterruptedRunUntilTheNextRunCleansUp) {
  LandAll();
  ASSERT_EQ(RunPipeline(landing(), lake(), kDates[0]).exit_code, 0);
  // A run of day 2 dies when its first partition's files are verified.
  const RunResult crash =
      RunPipeline(landing(), lake(), kDates[1], {{"FAULT_CRASH_AFTER", "files_verified"}});
  ASSERT_EQ(crash.exit_code, 86) << crash.err;
  const std::vector<std::string> staged = ListFiles(lake() + "/_staging");
  ASSERT_FALSE(staged.empty());
  const std::string dead_run = staged.front().substr(0, staged.front().find('/'));

  const RunResult text = Status(lake());
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Interrupted runs (the next run that takes the lock removes"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(fmt::format("  {}  {} files", dead_run, staged.size())),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("raw.users.2025-09-10"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(fmt::format("Lock: free (last held by run {}", dead_run)),
            std::string::npos)
      << text.out;
  const JsonDocument json(Status(lake(), "json").out);
  ASSERT_EQ(json.Size("/interrupted_runs"), 1u) << json.text();
  EXPECT_EQ(json.String("/interrupted_runs/0/run_id"), dead_run);
  EXPECT_EQ(json.Int("/interrupted_runs/0/files"), static_cast<int64_t>(staged.size()));
  int64_t bytes = 0;
  for (const std::string& file : staged) {
    bytes += static_cast<int64_t>(fs::file_size(lake() + "/_staging/" + file));
  }
  EXPECT_EQ(json.Int("/interrupted_runs/0/bytes"), bytes);
  EXPECT_EQ(json.String("/lock/run_id"), dead_run);
  EXPECT_FALSE(json.Bool("/lock/held"));
  ASSERT_EQ(json.Size("/dates"), 1u) << "day 2 has nothing published";

  ASSERT_EQ(RunPipeline(landing(), lake(), kDates[1]).exit_code, 0);
  const JsonDocument after(Status(lake(), "json").out);
  EXPECT_EQ(after.Size("/interrupted_runs"), 0u) << after.text();
  EXPECT_EQ(after.Size("/dates"), 2u);
  EXPECT_NE(Status(lake()).out.find("Interrupted runs: none"), std::string::npos);
}

// Ctrl-C during a backfill, once the first date's report is published: exit 130, one error
// line naming what was published before (the first date's partitions, nothing of a date it
// did not finish), the interrupted run in the run log, and the same command resumes it.
TEST_F(DailyOpsTest, CtrlCStopsABackfillAndTheSameCommandResumesIt) {
  LandAll();
  const RunResult stopped =
      SignalWhen({"backfill", "--env", "test", "--landing", landing(), "--lake", lake(), "--from",
                  kDates.front(), "--to", kDates.back()},
                 {}, "\nstage report ", SIGINT);
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err;
  EXPECT_NE(stopped.err.find("streampro: error: interrupted by SIGINT"), std::string::npos)
      << stopped.err;
  EXPECT_NE(stopped.err.find(fmt::format("reports/ingestion_date={}", kDates[0])),
            std::string::npos)
      << "the first date's report was published before: " << stopped.err;
  EXPECT_NE(stopped.err.find("nothing else was published; staged files removed, lake lock "
                             "released\n"),
            std::string::npos)
      << stopped.err;
  EXPECT_TRUE(ListFiles(lake() + "/_staging").empty());
  EXPECT_TRUE(Manifest(lake(), fmt::format("reports/ingestion_date={}", kDates[0])) != nullptr);
  EXPECT_TRUE(ListFiles(lake(), fmt::format("reports/ingestion_date={}", kDates.back())).empty());
  size_t interrupted = 0;
  for (const std::string& file : ListFiles(lake(), "_runs/")) {
    const JsonDocument entry(ReadFileOrEmpty(lake() + "/" + file));
    if (entry.Int("/exit_code") != 130) continue;
    ++interrupted;
    EXPECT_EQ(entry.String("/command"), "backfill");
    EXPECT_EQ(entry.String("/dates/0/date"), kDates[0]);
    EXPECT_EQ(entry.String("/dates/0/outcome"), "built") << entry.text();
  }
  EXPECT_EQ(interrupted, 1u);

  const RunResult resumed = Backfill(lake());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(SummaryLine(resumed, kDates[0]).find(" skipped "), std::string::npos) << resumed.out;
  EXPECT_NE(SummaryLine(resumed, kDates.back()).find(" built "), std::string::npos) << resumed.out;
}

TEST_F(DailyOpsTest, FailuresBeforeTheLockAreLoggedOnlyIntoAnExistingRunLog) {
  // A mistyped lake is not created by a failing run.
  const RunResult typo = RunPipeline("/nonexistent/landing", lake(), kDates[0]);
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_EQ(ListFiles(lake()), std::vector<std::string>{});

  LandAll();
  ASSERT_EQ(RunPipeline(landing(), lake(), kDates[0]).exit_code, 0);
  const RunResult missing = RunPipeline("/nonexistent/landing", lake(), kDates[1]);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(LinesWith(missing.err, "streampro:").size(), 1u) << missing.err;
  const std::vector<std::string> runs = ListFiles(lake() + "/_runs");
  ASSERT_EQ(runs.size(), 2u);
  const JsonDocument record(ReadFileOrEmpty(lake() + "/_runs/" + runs.back()));
  EXPECT_EQ(record.String("/outcome"), "failed");
  EXPECT_EQ(record.Int("/exit_code"), 1);
  EXPECT_NE(record.String("/error").find("/nonexistent/landing"), std::string::npos);
  EXPECT_EQ(record.String("/dates/0/date"), kDates[1]);
  EXPECT_EQ(record.String("/dates/0/outcome"), "failed");
  // status lists both, oldest first.
  const RunResult text = Status(lake());
  const std::vector<std::string> lines = LinesWith(text.out, "  pipeline    2025-09-");
  ASSERT_EQ(lines.size(), 2u) << text.out;
  EXPECT_NE(lines[0].find("succeeded"), std::string::npos);
  EXPECT_NE(lines[1].find("failed (exit 1): "), std::string::npos);
}

}  // namespace
}  // namespace streampro::e2e
