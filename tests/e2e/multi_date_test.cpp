// Two ingestion dates in one lake (tests/golden/multi_date): D1 = 2025-09-09, then
// D2 = 2025-09-10, re-runs of either, and every expected number worked out by hand.
//
// Landing files:
//   D1  users u1 u2 u3; videos v1 Comedy, v2 Drama; devices d1;
//       events  m1 u1 session_start 07T10:00:00, m1 u1 watch_time v1 20 s at 10:01:00,
//               m2 u2 watch_time v2 20 s at 08T11:00:00.
//   D2  users u1 u2 u3 u4 (u4 only here); NO videos file (D1's stands); devices d1 d2;
//       events  m1 u1 watch_time v1 15 s at 07T09:59:00   late event of D1's session m1
//               m2 u2 watch_time v2 20 s at 08T11:00:00   exact duplicate of a D1 event
//               m4 u4 watch_time v2 40 s at 10T08:00:00
//               m5 u1 session_start at 10T09:59:30, watch_time v2 10 s at 10T10:00:00
//               m4 u4 watch_time v2 40 s at 10T08:00:00   duplicate within the D2 file
//
// Wilson 95% (z = 1.959963984540054): 0/1 -> [0, 0.7934506856227626],
// 0/2 -> [0, 0.6576197724933469], 2/3 -> [0.2076596008020477, 0.9385080552796037].

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "e2e/e2e_support.h"
#include "support/temp_dir.h"

namespace streampro::e2e {
namespace {

constexpr char kD1[] = "2025-09-09";
constexpr char kD2[] = "2025-09-10";

// The report's answers and counts; timestamps, if a report has any, are left out.
std::string ReportNumbers(const JsonDocument& report) {
  std::string numbers;
  for (const char* pointer : {"/ingestion_date", "/tables", "/q1", "/q2", "/q3"}) {
    numbers += report.Minified(pointer);
    numbers += '\n';
  }
  return numbers;
}

// Files of one date's partitions (raw, trusted, rejects, enriched, reports).
std::vector<std::string> PartitionFiles(const std::string& lake, const std::string& date) {
  return ListFiles(lake, fmt::format("ingestion_date={}/", date));
}

// Path -> bytes of the data files of one date: raw copies and Parquet parts. Other files
// (report.json, report.html, any manifest) may carry run times and are compared by name.
std::map<std::string, std::string> DataFileBytes(const std::string& lake, const std::string& date) {
  std::map<std::string, std::string> bytes;
  for (const std::string& file : PartitionFiles(lake, date)) {
    if (file.ends_with(".parquet") || file.ends_with(".csv") || file.ends_with(".jsonl")) {
      bytes[file] = ReadFileOrEmpty(lake + "/" + file);
    }
  }
  return bytes;
}

class MultiDateTest : public ::testing::Test {
 protected:
  void Run(const std::string& date) {
    const RunResult run = RunPipeline(GoldenDir("multi_date"), lake(), date);
    ASSERT_EQ(run.exit_code, 0) << date << "\n" << run.out << run.err;
  }
  std::unique_ptr<JsonDocument> Report(const std::string& date) const {
    auto report = ReadReport(lake(), date);
    EXPECT_TRUE(report->ok()) << ReportPath(lake(), date) << ": " << report->error();
    return report;
  }
  const std::string& lake() const { return lake_.path(); }

 private:
  testing::TempDir lake_;
};

// D1's report: only D1's files.
void ExpectFirstDateReport(const JsonDocument& report) {
  EXPECT_EQ(report.String("/ingestion_date"), kD1);
  ExpectTableCounts(report, "users", {3, 3, 0, 0});
  ExpectTableCounts(report, "videos", {2, 2, 0, 0});
  ExpectTableCounts(report, "devices", {1, 1, 0, 0});
  ExpectTableCounts(report, "events", {3, 3, 0, 0});
  // u1: m1 starts 07T10:00:00 with 20 s of Comedy -> not reached, no second session.
  // u2: m2 has 20 s of Drama -> not reached. u3: no session -> never active.
  // Q1: 0/2 = 0 %; Wilson 0/2 -> [0, 65.7620] %.
  ExpectQ1(report, {2, 0, 1, 0.0, 0.0, 65.76197724933469});
  // Q2: Comedy 0/1 and Drama 0/1 tie on rate and new users -> by name, Comedy first.
  //   avg first-session watch 20 s each.
  ExpectGenres(report, {
                           {"Comedy", 1, 1, 0, 0.0, 0.0, 0.7934506856227626, 20},
                           {"Drama", 2, 1, 0, 0.0, 0.0, 0.7934506856227626, 20},
                       });
  EXPECT_EQ(report.String("/q2/best_genre"), "Comedy");
  EXPECT_TRUE(report.Bool("/q2/best_overlaps_runner_up"));  // 0 <= 0.7935
  EXPECT_EQ(report.Int("/q3/segments_tested"), 0);          // 2 sessions < 30
  EXPECT_EQ(report.Size("/q3/abnormal"), 0u);
}

// D2's report: D2's files in `tables`, all trusted data <= D2 in the answers.
void ExpectSecondDateReport(const JsonDocument& report) {
  EXPECT_EQ(report.String("/ingestion_date"), kD2);
  ExpectTableCounts(report, "users", {4, 4, 0, 0});
  EXPECT_EQ(report.String("/tables/users/file"), "users_2025-09-10.csv");
  // No videos file dated D2: nothing counted, D1's snapshot stands for the checks.
  ExpectTableCounts(report, "videos", {0, 0, 0, 0});
  EXPECT_TRUE(report.IsNull("/tables/videos/file"));
  ExpectTableCounts(report, "devices", {2, 2, 0, 0});
  // 6 lines: the repeated m4 line is a duplicate within the file; the copy of D1's m2
  // event is kept in trusted D2 (the file has it once) and dropped when enriched is built.
  ExpectTableCounts(report, "events", {6, 5, 0, 1});
  EXPECT_EQ(report.String("/tables/events/file"), "events_2025-09-10.jsonl");
  // u1: m1 = D2's late 09:59:00 event + D1's two -> starts 07T09:59:00, 15 + 20 = 35 s
  //     Comedy -> reached. m5 starts 10T09:59:30: 72 h 30 s after m1 -> not returned
  //     (from D1's 10:00:00 it would be 71 h 59 m 30 s and count).
  // u2: m2 = 20 s once (the cross-date duplicate dropped; 40 s would reach) -> not reached.
  // u4: only in D2's users, v2 checked against D1's videos: m4 40 s Drama -> reached.
  // u3: never active.
  // Q1: u1 and u4 of u1, u2, u4 -> 2/3 = 66.6667 %; Wilson 2/3 -> [20.7660, 93.8508] %.
  ExpectQ1(report, {3, 2, 1, 200.0 / 3, 20.76596008020477, 93.85080552796038});
  // Q2: Drama {u2, u4} 0/2, Comedy {u1} 0/1: equal rates, Drama has more new users.
  //   avg first-session watch: Drama (20 + 40)/2 = 30, Comedy 35.
  ExpectGenres(report, {
                           {"Drama", 1, 2, 0, 0.0, 0.0, 0.6576197724933469, 30},
                           {"Comedy", 2, 1, 0, 0.0, 0.0, 0.7934506856227626, 35},
                       });
  EXPECT_EQ(report.String("/q2/best_genre"), "Drama");
  EXPECT_TRUE(report.Bool("/q2/best_overlaps_runner_up"));  // 0 <= 0.7935
  EXPECT_EQ(report.Int("/q3/segments_tested"), 0);          // 4 sessions < 30
  EXPECT_EQ(report.Size("/q3/abnormal"), 0u);
}

TEST_F(MultiDateTest, SecondDateSeesLateEventsAndDropsCrossDateDuplicates) {
  ASSERT_NO_FATAL_FAILURE(Run(kD1));
  ExpectFirstDateReport(*Report(kD1));
  ASSERT_NO_FATAL_FAILURE(Run(kD2));
  ExpectSecondDateReport(*Report(kD2));

  // Sessions of D2's enriched tables, over both dates.
  const auto number =
      EnrichedColumn(lake(), "user_sessions", kD2, {"user_id", "session_id"}, "session_number");
  EXPECT_EQ(number.size(), 4u);  // m1, m5, m2, m4
  EXPECT_EQ(Lookup(number, "u1/m1"), "1");
  EXPECT_EQ(Lookup(number, "u1/m5"), "2");
  EXPECT_EQ(Lookup(number, "u2/m2"), "1");
  EXPECT_EQ(Lookup(number, "u4/m4"), "1");
  const auto start =
      EnrichedColumn(lake(), "user_sessions", kD2, {"user_id", "session_id"}, "session_start");
  EXPECT_EQ(Lookup(start, "u1/m1"), "2025-09-07T09:59:00Z");
  const auto watch =
      EnrichedColumn(lake(), "user_sessions", kD2, {"user_id", "session_id"}, "watch_seconds");
  EXPECT_TRUE(IsClose(LookupDouble(watch, "u1/m1"), 35));
  EXPECT_TRUE(IsClose(LookupDouble(watch, "u2/m2"), 20));
  EXPECT_TRUE(IsClose(LookupDouble(watch, "u4/m4"), 40));
  // 259230 s / 3600 = 72.008333... h.
  const auto hours =
      EnrichedColumn(lake(), "user_journey", kD2, {"user_id"}, "hours_to_second_session");
  EXPECT_EQ(hours.size(), 4u);  // u1..u4 of D2's users snapshot
  EXPECT_TRUE(IsClose(LookupDouble(hours, "u1"), 72.00833333333334));
  EXPECT_EQ(Lookup(hours, "u3"), "null");

  // D1's enriched tables stay as D1 saw them.
  const auto d1_watch =
      EnrichedColumn(lake(), "user_sessions", kD1, {"user_id", "session_id"}, "watch_seconds");
  EXPECT_EQ(d1_watch.size(), 2u);
  EXPECT_TRUE(IsClose(LookupDouble(d1_watch, "u1/m1"), 20));

  // Raw holds byte-identical copies of D2's files, and no videos for D2.
  const std::string raw_users =
      lake() + "/raw/users/ingestion_date=2025-09-10/users_2025-09-10.csv";
  EXPECT_TRUE(std::filesystem::exists(raw_users)) << raw_users;
  EXPECT_EQ(ReadFileOrEmpty(raw_users),
            ReadFileOrEmpty(GoldenDir("multi_date") + "/users_2025-09-10.csv"));
  EXPECT_EQ(ListFiles(lake(), "raw/videos/ingestion_date=2025-09-10/"), std::vector<std::string>{});
  EXPECT_EQ(ListFiles(lake(), "trusted/videos/ingestion_date=2025-09-10/"),
            std::vector<std::string>{});
  for (const char* table :
       {"user_sessions", "user_journey", "genre_performance", "device_analytics"}) {
    EXPECT_FALSE(
        ListFiles(lake(), fmt::format("enriched/{}/ingestion_date=2025-09-10/part-", table))
            .empty())
        << table;
  }
}

TEST_F(MultiDateTest, RerunOfTheFirstDateReplacesItsPartitionsExactly) {
  ASSERT_NO_FATAL_FAILURE(Run(kD1));
  const std::vector<std::string> d1_files = PartitionFiles(lake(), kD1);
  const auto d1_bytes = DataFileBytes(lake(), kD1);
  const std::string d1_report = ReportNumbers(*Report(kD1));
  EXPECT_FALSE(d1_files.empty());

  ASSERT_NO_FATAL_FAILURE(Run(kD2));
  // D2's run leaves D1's partitions alone.
  EXPECT_EQ(PartitionFiles(lake(), kD1), d1_files);
  EXPECT_EQ(DataFileBytes(lake(), kD1), d1_bytes);
  const std::vector<std::string> d2_files = PartitionFiles(lake(), kD2);
  const auto d2_bytes = DataFileBytes(lake(), kD2);
  const std::string d2_report = ReportNumbers(*Report(kD2));

  // D1 again, with D2 already in the lake: the same files (none added, none left over),
  // the same bytes, the same report -- D2's data must not leak into D1.
  ASSERT_NO_FATAL_FAILURE(Run(kD1));
  EXPECT_EQ(PartitionFiles(lake(), kD1), d1_files);
  EXPECT_EQ(DataFileBytes(lake(), kD1), d1_bytes);
  const auto d1_again = Report(kD1);
  EXPECT_EQ(ReportNumbers(*d1_again), d1_report);
  ExpectFirstDateReport(*d1_again);
  EXPECT_EQ(DataFileBytes(lake(), kD2), d2_bytes);  // D1's run leaves D2 alone

  // D2 afterwards gives D2's report again.
  ASSERT_NO_FATAL_FAILURE(Run(kD2));
  EXPECT_EQ(PartitionFiles(lake(), kD2), d2_files);
  EXPECT_EQ(DataFileBytes(lake(), kD2), d2_bytes);
  const auto d2_again = Report(kD2);
  EXPECT_EQ(ReportNumbers(*d2_again), d2_report);
  ExpectSecondDateReport(*d2_again);
}

TEST_F(MultiDateTest, RunningTheSecondDateTwiceGivesTheSameReport) {
  ASSERT_NO_FATAL_FAILURE(Run(kD1));
  ASSERT_NO_FATAL_FAILURE(Run(kD2));
  const std::vector<std::string> d1_files = PartitionFiles(lake(), kD1);
  const std::vector<std::string> d2_files = PartitionFiles(lake(), kD2);
  const auto d2_bytes = DataFileBytes(lake(), kD2);
  const std::string first = Report(kD2)->text();
  ASSERT_NO_FATAL_FAILURE(Run(kD2));
  EXPECT_EQ(PartitionFiles(lake(), kD1), d1_files);
  EXPECT_EQ(PartitionFiles(lake(), kD2), d2_files);
  EXPECT_EQ(DataFileBytes(lake(), kD2), d2_bytes);
  const auto second = Report(kD2);
  const JsonDocument first_report(first);
  EXPECT_EQ(ReportNumbers(*second), ReportNumbers(first_report));
  ExpectSecondDateReport(*second);
}

// A re-run of D1 whose Nth store write fails, or lands with its reply lost (the test
// driver's FaultInjectingStore): the run exits 1 naming the fault, D1 and D2 stay exactly
// as published (no file missing, none half-written, none added), and the next run without
// faults leaves the same files and report.
TEST_F(MultiDateTest, AFaultyWriteInARerunLeavesThePublishedDatesIntact) {
  ASSERT_NO_FATAL_FAILURE(Run(kD1));
  ASSERT_NO_FATAL_FAILURE(Run(kD2));
  const std::vector<std::string> d1_files = PartitionFiles(lake(), kD1);
  const auto d1_bytes = DataFileBytes(lake(), kD1);
  const auto d2_bytes = DataFileBytes(lake(), kD2);
  const std::string d1_report = ReportNumbers(*Report(kD1));
  for (const char* fault : {"FAULT_FAIL_WRITE", "FAULT_LOSE_REPLY"}) {
    for (const char* n : {"1", "3", "7"}) {
      SCOPED_TRACE(fmt::format("{}={}", fault, n));
      const RunResult run = RunPipeline(GoldenDir("multi_date"), lake(), kD1, {{fault, n}});
      EXPECT_EQ(run.exit_code, 1) << run.err;
      EXPECT_NE(run.err.find("injected"), std::string::npos) << run.err;
      EXPECT_NE(run.err.find("streampro: error: "), std::string::npos) << run.err;
      EXPECT_EQ(PartitionFiles(lake(), kD1), d1_files);
      EXPECT_EQ(DataFileBytes(lake(), kD1), d1_bytes);
      EXPECT_EQ(DataFileBytes(lake(), kD2), d2_bytes);
    }
  }
  ASSERT_NO_FATAL_FAILURE(Run(kD1));
  EXPECT_EQ(PartitionFiles(lake(), kD1), d1_files);
  EXPECT_EQ(DataFileBytes(lake(), kD1), d1_bytes);
  EXPECT_EQ(ReportNumbers(*Report(kD1)), d1_report);
  EXPECT_EQ(ListFiles(lake(), "_staging/"), std::vector<std::string>{});
}

// reject_rate.<table> of a history entry: rows read, rows rejected and their ratio.
void ExpectRejectRate(const JsonDocument& report, const std::string& entry,
                      const std::string& table, int64_t rows_in, std::optional<double> rate) {
  const std::string base = fmt::format("{}/reject_rate/{}", entry, table);
  SCOPED_TRACE(base);
  EXPECT_EQ(report.Int(base + "/rows_in"), rows_in);
  EXPECT_EQ(report.Int(base + "/rows_rejected"), 0);  // the golden files have no reject
  if (rate) {
    EXPECT_TRUE(IsClose(report.Double(base + "/rate"), *rate));
  } else {
    EXPECT_TRUE(report.IsNull(base + "/rate"));
  }
}

// D2's history: D1 as D1's report states it (ExpectFirstDateReport), then D2's own answers;
// the reject rates from each date's files.
TEST_F(MultiDateTest, SecondDateReportCarriesTheHistoryOfBothDates) {
  ASSERT_NO_FATAL_FAILURE(Run(kD1));
  ASSERT_NO_FATAL_FAILURE(Run(kD2));
  const auto report = Report(kD2);
  ASSERT_EQ(report->Size("/history"), 2u);

  EXPECT_EQ(report->String("/history/0/ingestion_date"), kD1);
  EXPECT_TRUE(report->Bool("/history/0/has_report"));
  ExpectQ1(*report, {2, 0, 1, 0.0, 0.0, 65.76197724933469}, "/history/0/q1");
  ExpectGenre(*report, "/history/0/best_genre",
              {"Comedy", 1, 1, 0, 0.0, 0.0, 0.7934506856227626, 20});
  EXPECT_EQ(report->Int("/history/0/segments_tested"), 0);
  EXPECT_EQ(report->Int("/history/0/abnormal_segments"), 0);
  // D1: users 3, videos 2, devices 1, events 3 lines, none rejected.
  ExpectRejectRate(*report, "/history/0", "users", 3, 0.0);
  ExpectRejectRate(*report, "/history/0", "videos", 2, 0.0);
  ExpectRejectRate(*report, "/history/0", "devices", 1, 0.0);
  ExpectRejectRate(*report, "/history/0", "events", 3, 0.0);

  EXPECT_EQ(report->String("/history/1/ingestion_date"), kD2);
  ExpectQ1(*report, {3, 2, 1, 200.0 / 3, 20.76596008020477, 93.85080552796038}, "/history/1/q1");
  ExpectGenre(*report, "/history/1/best_genre",
              {"Drama", 1, 2, 0, 0.0, 0.0, 0.6576197724933469, 30});
  EXPECT_EQ(report->Int("/history/1/abnormal_segments"), 0);
  // D2 has no videos file: no rate.
  ExpectRejectRate(*report, "/history/1", "users", 4, 0.0);
  ExpectRejectRate(*report, "/history/1", "videos", 0, std::nullopt);
  ExpectRejectRate(*report, "/history/1", "devices", 2, 0.0);
  ExpectRejectRate(*report, "/history/1", "events", 6, 0.0);

  // D1's own report has only D1.
  const auto first = Report(kD1);
  ASSERT_EQ(first->Size("/history"), 1u);
  EXPECT_EQ(first->Minified("/history/0"), report->Minified("/history/0"));
}

// A date with trusted files but no report (only to-raw and to-trusted ran) is in the history
// with its reject rates and no answers.
TEST_F(MultiDateTest, AnEarlierDateWithoutAReportShowsItsFilesOnly) {
  for (const char* command : {"to-raw", "to-trusted"}) {
    const RunResult run =
        RunStreampro({command, "--env", "test", "--landing", GoldenDir("multi_date"), "--lake",
                      lake(), "--ingestion-date", kD1});
    ASSERT_EQ(run.exit_code, 0) << command << "\n" << run.err;
  }
  ASSERT_NO_FATAL_FAILURE(Run(kD2));
  const auto report = Report(kD2);
  ASSERT_EQ(report->Size("/history"), 2u);
  EXPECT_EQ(report->String("/history/0/ingestion_date"), kD1);
  EXPECT_FALSE(report->Bool("/history/0/has_report"));
  for (const char* key : {"q1", "best_genre", "segments_tested", "abnormal_segments"}) {
    EXPECT_TRUE(report->IsNull(std::string("/history/0/") + key)) << key;
  }
  ExpectRejectRate(*report, "/history/0", "users", 3, 0.0);
  ExpectRejectRate(*report, "/history/0", "events", 3, 0.0);
  // D2's answers do not depend on whether D1 had a report.
  ExpectSecondDateReport(*report);
  const std::string html = ReadFileOrEmpty(ReportPath(lake(), kD2, "report.html"));
  EXPECT_NE(html.find("no report published for this date"), std::string::npos);
}

// A damaged report.json of D1 stops D2's report with a message naming the file and the way
// out; D2's published report stays as it was.
TEST_F(MultiDateTest, ADamagedEarlierReportStopsTheLaterReport) {
  ASSERT_NO_FATAL_FAILURE(Run(kD1));
  ASSERT_NO_FATAL_FAILURE(Run(kD2));
  const std::string d2_report = ReadFileOrEmpty(ReportPath(lake(), kD2));
  const std::string d1_path = ReportPath(lake(), kD1);
  std::filesystem::remove(d1_path);
  std::ofstream(d1_path) << "{\"ingestion_date\": \"2025-09-09\", \"q1\": ";
  const RunResult run =
      RunStreampro({"report", "--env", "test", "--lake", lake(), "--ingestion-date", kD2});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("reports/ingestion_date=2025-09-09/report.json: not valid JSON"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("rebuild it with `streampro report --ingestion-date 2025-09-09`"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(ReadFileOrEmpty(ReportPath(lake(), kD2)), d2_report);

  // As the message says: rebuilding D1's report mends D2's.
  const RunResult mend =
      RunStreampro({"report", "--env", "test", "--lake", lake(), "--ingestion-date", kD1});
  ASSERT_EQ(mend.exit_code, 0) << mend.err;
  const RunResult again =
      RunStreampro({"report", "--env", "test", "--lake", lake(), "--ingestion-date", kD2});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Report(kD2)->Size("/history"), 2u);
}

}  // namespace
}  // namespace streampro::e2e
