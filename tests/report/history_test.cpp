// The history points: read back from a report.json written by hand, and taken from a model.

#include <string>

#include <gtest/gtest.h>

#include "report/report.h"
#include "report_fixture.h"

namespace streampro::report {
namespace {

// A report.json as SPEC §6 shapes it, with Unknown listed first to show that the best genre
// is found by name and rank, not by position.
constexpr char kReportJson[] = R"({
  "ingestion_date": "2025-09-10",
  "tables": {"events": {"rows_in": 6, "rows_kept": 5, "rows_rejected": 0, "rows_duplicate": 1,
                        "rejected_by_reason": {}}},
  "q1": {"new_users": 3, "reached_30s": 2, "pct": 66.66666666666667,
         "ci_low": 20.76596008020477, "ci_high": 93.85080552796038, "never_active": 1},
  "q2": {"genres": [
           {"genre": "Unknown", "new_users": 4, "returned_within_3d": 4, "retention_rate": 1.0,
            "ci_low": 0.5, "ci_high": 1.0, "rank": null},
           {"genre": "Drama", "new_users": 2, "returned_within_3d": 1, "retention_rate": 0.5,
            "ci_low": 0.09452865480086611, "ci_high": 0.9054713451991339,
            "avg_first_session_watch_seconds": 30.0, "rank": 1},
           {"genre": "Comedy", "new_users": 1, "returned_within_3d": 0, "retention_rate": 0.0,
            "ci_low": 0.0, "ci_high": 0.7934506856227626, "rank": 2}],
         "best_genre": "Drama", "best_overlaps_runner_up": true},
  "q3": {"min_sessions": 30, "segments_tested": 4,
         "abnormal": [{"dimension": "device_os"}, {"dimension": "app_version"}]}
})";

TEST(HistoryTest, ParsesThePointAReportJsonStates) {
  const Result<HistoryPoint> point = ParseHistoryPoint(kReportJson, "reports/x/report.json");
  ASSERT_TRUE(point.ok()) << point.status().ToString();
  EXPECT_EQ(FormatIsoDate(point->date), "2025-09-10");
  ASSERT_TRUE(point->has_report());
  EXPECT_EQ(point->q1->new_users, 3);
  EXPECT_EQ(point->q1->reached_30s, 2);
  EXPECT_EQ(point->q1->never_active, 1);
  EXPECT_EQ(point->q1->pct, 66.66666666666667);
  EXPECT_EQ(point->q1->ci_low, 20.76596008020477);
  EXPECT_EQ(point->q1->ci_high, 93.85080552796038);
  ASSERT_TRUE(point->best_genre.has_value());
  EXPECT_EQ(point->best_genre->genre, "Drama");
  EXPECT_EQ(point->best_genre->new_users, 2);
  EXPECT_EQ(point->best_genre->returned_within_3d, 1);
  EXPECT_EQ(point->best_genre->retention_rate, 0.5);
  EXPECT_EQ(point->best_genre->ci_low, 0.09452865480086611);
  EXPECT_EQ(point->best_genre->ci_high, 0.9054713451991339);
  EXPECT_EQ(point->best_genre->avg_first_session_watch_seconds, 30.0);
  EXPECT_EQ(point->best_genre->rank, 1);
  EXPECT_EQ(point->segments_tested, 4);
  EXPECT_EQ(point->abnormal_segments, 2);
  EXPECT_TRUE(point->tables.empty());  // the caller reads the trusted manifests
}

TEST(HistoryTest, NullsStayEmpty) {
  const std::string json = R"({"ingestion_date": "2025-09-09",
    "q1": {"new_users": 0, "reached_30s": 0, "pct": null, "ci_low": null, "ci_high": null,
           "never_active": 5},
    "q2": {"genres": [], "best_genre": null, "best_overlaps_runner_up": null},
    "q3": {"min_sessions": 30, "segments_tested": 0, "abnormal": []}})";
  const Result<HistoryPoint> point = ParseHistoryPoint(json, "r.json");
  ASSERT_TRUE(point.ok()) << point.status().ToString();
  ASSERT_TRUE(point->has_report());
  EXPECT_FALSE(point->q1->pct.has_value());
  EXPECT_FALSE(point->q1->ci_low.has_value());
  EXPECT_EQ(point->q1->never_active, 5);
  EXPECT_FALSE(point->best_genre.has_value());
  EXPECT_EQ(point->segments_tested, 0);
  EXPECT_EQ(point->abnormal_segments, 0);
}

TEST(HistoryTest, ErrorsNameTheFileAndTheKey) {
  const auto message = [](const std::string& json) {
    const Result<HistoryPoint> point = ParseHistoryPoint(json, "lake/reports/d/report.json");
    EXPECT_FALSE(point.ok());
    EXPECT_EQ(point.status().code(), StatusCode::kInvalidData);
    return point.status().message();
  };
  EXPECT_EQ(message("{not json").rfind("lake/reports/d/report.json: not valid JSON", 0), 0u);
  std::string json = kReportJson;
  json.replace(json.find("\"pct\""), 5, "\"pc\"");
  EXPECT_EQ(message(json), "lake/reports/d/report.json: /q1/pct is missing");
  json = kReportJson;
  json.replace(json.find("2025-09-10"), 10, "2025-02-30");
  EXPECT_EQ(message(json), "lake/reports/d/report.json: /ingestion_date is not a YYYY-MM-DD date");
  json = kReportJson;
  json.replace(json.find("\"new_users\": 2"), 14, "\"new_users\": \"2\"");
  EXPECT_EQ(message(json), "lake/reports/d/report.json: /q2/genres/1/new_users is not an integer");
  json = kReportJson;
  json.replace(json.find("\"abnormal\": ["), 13, "\"abnormal\": {\"x\": [");
  json.replace(json.rfind("]}"), 2, "]}}");
  EXPECT_EQ(message(json), "lake/reports/d/report.json: /q3/abnormal is not an array");
}

TEST(HistoryTest, PointOfAModelIsItsOwnAnswers) {
  const Report report = testing::MakeSampleReport();
  const HistoryPoint point = HistoryPointOf(report);
  EXPECT_EQ(point.date, report.ingestion_date);
  ASSERT_TRUE(point.has_report());
  EXPECT_EQ(point.q1->pct, 71.875);
  EXPECT_EQ(point.q1->new_users, 96);
  ASSERT_TRUE(point.best_genre.has_value());
  EXPECT_EQ(point.best_genre->genre, "Comedy");
  EXPECT_EQ(point.best_genre->retention_rate, 0.45);
  EXPECT_EQ(point.segments_tested, 3);
  EXPECT_EQ(point.abnormal_segments, 2);
  ASSERT_EQ(point.tables.size(), 4u);
  EXPECT_EQ(point.tables[3].counters.rows_rejected, 40);
}

TEST(HistoryTest, RejectRateIsRejectedOverRowsRead) {
  const Report report = testing::MakeSampleReport();
  // users: 3 of 100; videos: 0 of 20; devices: no file; events: 25 + 9 + 4 + 2 of 1000.
  EXPECT_EQ(RejectRate(FindTable(report.tables, "users")), 0.03);
  EXPECT_EQ(RejectRate(FindTable(report.tables, "videos")), 0.0);
  EXPECT_FALSE(RejectRate(FindTable(report.tables, "devices")).has_value());
  EXPECT_EQ(RejectRate(FindTable(report.tables, "events")), 0.04);
  EXPECT_EQ(FindTable(report.tables, "rejects"), nullptr);
  EXPECT_FALSE(RejectRate(nullptr).has_value());
}

}  // namespace
}  // namespace streampro::report
