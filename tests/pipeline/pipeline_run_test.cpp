// The whole pipeline on generated data: the planted signals come back out, the counts
// equal the generator's truth.json, and the answers do not depend on how many user
// buckets the memory budget asks for.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <simdjson.h>
#include <cstdlib>
#include <map>
#include <string>

#include "support/temp_dir.h"

namespace streampro {
namespace {

constexpr const char* kDate = "2025-09-09";

int RunCommand(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReportJson(const std::string& lake) {
  return testing::ReadOrDie(fmt::format("{}/reports/ingestion_date={}/report.json", lake, kDate));
}

// "os|version" -> {sessions, drop_offs}.
using SegmentCounts = std::map<std::string, std::pair<int64_t, int64_t>>;

class PipelineRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    landing_ = *dir_ / "landing";
    // About 150k clean events (45 MB) over 5 days, 2% dirty records.
    ASSERT_EQ(RunCommand(
                  fmt::format("{} generate --out {} --events 150000 --seed 7 >{}/generate.log 2>&1",
                              STREAMPRO_BINARY, landing_, dir_->path())),
              0);
  }
  static void TearDownTestSuite() { delete dir_; }

  // Runs the pipeline into `lake` with extra environment settings; returns the exit code.
  static int RunPipeline(const std::string& lake, const std::string& env = "") {
    return RunCommand(
        fmt::format("{} {} pipeline --env test --landing {} --lake {} --ingestion-date {} "
                    ">{}.log 2>&1",
                    env, STREAMPRO_BINARY, landing_, lake, kDate, lake));
  }

  static testing::TempDir* dir_;
  static std::string landing_;
};

testing::TempDir* PipelineRunTest::dir_ = nullptr;
std::string PipelineRunTest::landing_;

TEST_F(PipelineRunTest, RecoversThePlantedSignalsAndTheTruthCounts) {
  const std::string lake = *dir_ / "lake-default";
  ASSERT_EQ(RunPipeline(lake), 0) << testing::ReadOrDie(lake + ".log");

  simdjson::dom::parser truth_parser;
  const simdjson::dom::element truth = truth_parser.load(landing_ + "/truth.json");
  simdjson::dom::parser report_parser;
  const std::string report_text = ReportJson(lake);
  const simdjson::dom::element report = report_parser.parse(report_text);

  // Every file's counters.
  for (const char* table : {"users", "videos", "devices", "events"}) {
    const auto expected = truth["expected"]["tables"][table];
    const auto actual = report["tables"][table];
    for (const char* key : {"rows_in", "rows_kept", "rows_rejected", "rows_duplicate"}) {
      EXPECT_EQ(int64_t(actual[key]), int64_t(expected[key])) << table << "." << key;
    }
    for (const auto [reason, count] : simdjson::dom::object(expected["rejected_by_reason"])) {
      EXPECT_EQ(int64_t(actual["rejected_by_reason"][reason]), int64_t(count))
          << table << " " << reason;
    }
  }
  // Q1.
  for (const char* key : {"new_users", "reached_30s", "never_active"}) {
    EXPECT_EQ(int64_t(report["q1"][key]), int64_t(truth["expected"]["q1"][key])) << key;
  }
  // Q2: every genre's counts, and the planted genre is named best, clearly ahead.
  std::map<std::string, std::pair<int64_t, int64_t>> genres;
  for (const auto genre : simdjson::dom::array(report["q2"]["genres"])) {
    genres[std::string(std::string_view(genre["genre"]))] = {int64_t(genre["new_users"]),
                                                             int64_t(genre["returned_within_3d"])};
  }
  for (const auto genre : simdjson::dom::array(truth["expected"]["q2"]["genres"])) {
    const auto name = std::string(std::string_view(genre["genre"]));
    ASSERT_TRUE(genres.count(name)) << name;
    EXPECT_EQ(genres[name].first, int64_t(genre["new_users"])) << name;
    EXPECT_EQ(genres[name].second, int64_t(genre["returned_within_3d"])) << name;
  }
  const auto planted_genre = std::string(std::string_view(truth["planted"]["retention_genre"]));
  EXPECT_EQ(std::string_view(report["q2"]["best_genre"]), planted_genre);
  EXPECT_FALSE(bool(report["q2"]["best_overlaps_runner_up"]));

  // Q3: the tested os x version segments carry the true counts, and the planted segment
  // is the worst abnormal one.
  SegmentCounts tested;
  for (const auto segment : simdjson::dom::array(report["q3"]["tested"])) {
    if (std::string_view(segment["dimension"]) != "device_os x app_version") continue;
    tested[fmt::format("{}|{}", std::string_view(segment["segment"]["device_os"]),
                       std::string_view(segment["segment"]["app_version"]))] = {
        int64_t(segment["sessions"]), int64_t(segment["drop_offs"])};
  }
  for (const auto segment : simdjson::dom::array(truth["expected"]["q3"]["segments"])) {
    const std::string key = fmt::format("{}|{}", std::string_view(segment["device_os"]),
                                        std::string_view(segment["app_version"]));
    ASSERT_TRUE(tested.count(key)) << key;
    EXPECT_EQ(tested[key].first, int64_t(segment["sessions"])) << key;
    EXPECT_EQ(tested[key].second, int64_t(segment["drop_offs"])) << key;
  }
  const auto worst = report["q3"]["abnormal"].at(0);
  EXPECT_EQ(std::string_view(worst["dimension"]), "device_os x app_version");
  EXPECT_EQ(std::string_view(worst["segment"]["device_os"]),
            std::string_view(truth["planted"]["drop_off_segment"]["device_os"]));
  EXPECT_EQ(std::string_view(worst["segment"]["app_version"]),
            std::string_view(truth["planted"]["drop_off_segment"]["app_version"]));
  EXPECT_LT(double(worst["q_value"]), 1e-6);
}

TEST_F(PipelineRunTest, AnswersDoNotDependOnBucketsSpillingOrThreads) {
  const std::string one = *dir_ / "lake-one-thread";
  const std::string many = *dir_ / "lake-small-budget";
  ASSERT_EQ(RunPipeline(one, "STREAMPRO_THREADS=1"), 0) << testing::ReadOrDie(one + ".log");
  // 64 MiB: 16 MiB of JSON per bucket, so this 45 MB day is split into 4 buckets and spilled.
  ASSERT_EQ(RunPipeline(many, "STREAMPRO_MEMORY_BUDGET_MB=64 STREAMPRO_THREADS=2"), 0)
      << testing::ReadOrDie(many + ".log");
  const std::string manifest = testing::ReadOrDie(
      fmt::format("{}/trusted/events/ingestion_date={}/_manifest.json", many, kDate));
  EXPECT_NE(manifest.find("\"buckets\": \"4\""), std::string::npos) << manifest;

  // Identical reports apart from the lake path.
  const auto without_lake = [](std::string text) {
    const size_t at = text.find("\"lake\":");
    if (at != std::string::npos) text.erase(at, text.find('\n', at) - at);
    return text;
  };
  EXPECT_EQ(without_lake(ReportJson(one)), without_lake(ReportJson(many)));
}

TEST_F(PipelineRunTest, RerunReplacesTheDateExactly) {
  const std::string lake = *dir_ / "lake-rerun";
  ASSERT_EQ(RunPipeline(lake), 0);
  const std::string first = ReportJson(lake);
  ASSERT_EQ(RunPipeline(lake), 0) << testing::ReadOrDie(lake + ".log");
  EXPECT_EQ(first, ReportJson(lake));
  // The raw copy was not made again, and no staging leftovers remain.
  const std::string log = testing::ReadOrDie(lake + ".log");
  EXPECT_NE(log.find("unchanged since the last run"), std::string::npos) << log;
  EXPECT_EQ(RunCommand(fmt::format("test -z \"$(ls -A {}/_staging 2>/dev/null)\"", lake)), 0);
}

}  // namespace
}  // namespace streampro
