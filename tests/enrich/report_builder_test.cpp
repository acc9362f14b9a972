#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "enrich/enrich.h"
#include "enrich/statistics.h"
#include "enrich_test_data.h"
#include "report/report.h"

namespace streampro::report {
namespace {

using enrich::testing::Event;
using enrich::testing::kDay;
using enrich::testing::kT0;
using enrich::testing::Watch;

/// A batch holding only the listed columns of `batch`, in the listed order (as a
/// projection read back from Parquet would be).
RecordBatch Project(const RecordBatch& batch, const std::vector<std::string>& names) {
  std::vector<Field> fields;
  for (const std::string& name : names) {
    fields.push_back(batch.schema()->field(batch.schema()->FieldIndex(name)));
  }
  RecordBatch out(std::make_shared<const Schema>(std::move(fields)));
  for (size_t i = 0; i < names.size(); ++i) {
    out.column(static_cast<int>(i))
        .AppendColumn(batch.column(batch.schema()->FieldIndex(names[i])));
  }
  return out;
}

struct Tables {
  RecordBatch journey{enrich::UserJourneySchema()};
  RecordBatch genres{enrich::GenrePerformanceSchema()};
  RecordBatch devices{enrich::DeviceAnalyticsSchema()};
};

/// Three new users (two reach 30 s, one returns) and one never-active user.
Tables Example() {
  const enrich::VideoGenres genres = enrich::testing::Genres({{"c1", "Comedy"}, {"d1", "Drama"}});
  std::vector<Event> events = {
      Watch("a", "a1", kT0, "c1", 45),
      Watch("a", "a2", kT0 + kDay, "c1", 5),
      Watch("b", "b1", kT0, "d1", 30),
      Watch("c", "c1", kT0, "c1", 10),
  };
  for (Event& event : events) event.os = "iOS";
  events[3].os = "Android";
  enrich::BucketOutput bucket = enrich::testing::Enrich(events, {"a", "b", "c", "idle"}, genres);
  enrich::Q3Options options;
  options.min_sessions = 1;
  Result<enrich::FinalTables> final_tables = enrich::Finish(bucket.partials, options);
  EXPECT_TRUE(final_tables.ok());
  Tables tables;
  tables.journey = std::move(bucket.user_journey);
  tables.genres = std::move(final_tables->genre_performance);
  tables.devices = std::move(final_tables->device_analytics);
  return tables;
}

Report Build(const Tables& tables, int64_t min_sessions = 1) {
  EnrichedInputs inputs{&tables.journey, &tables.genres, &tables.devices, min_sessions};
  Result<Report> report = BuildReport(Date{DaysFromCivil(2025, 9, 9)}, {}, inputs);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return std::move(report).value();
}

TEST(ReportBuilderTest, Q1FromTheJourney) {
  // New users a, b, c; a (45 s) and b (30 s) reached 30 s: 2/3 = 66.67 %.
  const Report report = Build(Example());
  EXPECT_EQ(report.ingestion_date, Date{DaysFromCivil(2025, 9, 9)});
  EXPECT_EQ(report.q1.new_users, 3);
  EXPECT_EQ(report.q1.reached_30s, 2);
  EXPECT_EQ(report.q1.never_active, 1);
  ASSERT_TRUE(report.q1.pct.has_value());
  EXPECT_DOUBLE_EQ(*report.q1.pct, 200.0 / 3.0);
  const enrich::Interval ci = enrich::WilsonInterval(2, 3);
  EXPECT_EQ(*report.q1.ci_low, 100 * ci.low);
  EXPECT_EQ(*report.q1.ci_high, 100 * ci.high);
}

TEST(ReportBuilderTest, Q1FromAProjectionWithTwoColumns) {
  Tables tables = Example();
  tables.journey = Project(tables.journey, {"first_session_reached_30s", "first_session_id"});
  const Report report = Build(tables);
  EXPECT_EQ(report.q1.new_users, 3);
  EXPECT_EQ(report.q1.reached_30s, 2);
  EXPECT_EQ(report.q1.never_active, 1);
}

// The Trino engine counts Q1 in SQL: the counts stand for the journey (none is read), and
// counts that cannot be are an error.
TEST(ReportBuilderTest, Q1FromCountsWithoutAJourney) {
  const Tables tables = Example();
  EnrichedInputs inputs{nullptr, &tables.genres, &tables.devices, 1, Q1Counts{4, 1, 2}};
  const Result<Report> report = BuildReport(Date{DaysFromCivil(2025, 9, 9)}, {}, inputs);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->q1.new_users, 4);
  EXPECT_EQ(report->q1.reached_30s, 1);
  EXPECT_EQ(report->q1.never_active, 2);
  EXPECT_DOUBLE_EQ(*report->q1.pct, 25.0);
  const enrich::Interval ci = enrich::WilsonInterval(1, 4);
  EXPECT_EQ(*report->q1.ci_low, 100 * ci.low);
  inputs.q1_counts = Q1Counts{2, 3, 0};
  const Result<Report> bad = BuildReport(Date{DaysFromCivil(2025, 9, 9)}, {}, inputs);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("2 new users, 3 reached 30 s"), std::string::npos)
      << bad.status().ToString();
}

TEST(ReportBuilderTest, Q1WithoutNewUsersHasNoPercentage) {
  Tables tables = Example();
  tables.journey = RecordBatch(enrich::UserJourneySchema());
  const Report report = Build(tables);
  EXPECT_EQ(report.q1.new_users, 0);
  EXPECT_FALSE(report.q1.pct.has_value());
  EXPECT_FALSE(report.q1.ci_low.has_value());
}

TEST(ReportBuilderTest, Q2BestGenreAndOverlap) {
  // Comedy: a returned, c did not -> 1/2; Drama: 0/1. Comedy is best; Wilson(1, 2) and
  // Wilson(0, 1) overlap.
  const Report report = Build(Example());
  ASSERT_EQ(report.q2.genres.size(), 2U);
  EXPECT_EQ(report.q2.genres[0].genre, "Comedy");
  EXPECT_EQ(report.q2.genres[0].rank, 1);
  EXPECT_EQ(report.q2.genres[0].returned_within_3d, 1);
  EXPECT_EQ(report.q2.genres[0].avg_first_session_watch_seconds, 27.5);  // (45 + 10) / 2
  EXPECT_EQ(report.q2.best_genre, "Comedy");
  EXPECT_EQ(report.q2.best_overlaps_runner_up, true);
}

void AppendGenre(RecordBatch* batch, const std::string& genre, int64_t n, int64_t x,
                 std::optional<int32_t> rank) {
  const enrich::Interval ci = enrich::WilsonInterval(x, n);
  batch->column(0).AppendString(genre);
  batch->column(1).AppendInt64(n);
  batch->column(2).AppendInt64(x);
  batch->column(3).AppendDouble(static_cast<double>(x) / static_cast<double>(n));
  batch->column(4).AppendDouble(ci.low);
  batch->column(5).AppendDouble(ci.high);
  batch->column(6).AppendDouble(0);
  if (rank) {
    batch->column(7).AppendInt32(*rank);
  } else {
    batch->column(7).AppendNull();
  }
}

TEST(ReportBuilderTest, Q2SeparatedIntervalsAndOrderRestored) {
  // 90/100 (CI about [0.83, 0.94]) against 10/100 ([0.055, 0.17]): no overlap. Rows are
  // given out of rank order, Unknown first; the model lists them by rank, Unknown last.
  Tables tables = Example();
  tables.genres = RecordBatch(enrich::GenrePerformanceSchema());
  AppendGenre(&tables.genres, "Unknown", 10, 10, std::nullopt);
  AppendGenre(&tables.genres, "Drama", 100, 10, 2);
  AppendGenre(&tables.genres, "Comedy", 100, 90, 1);
  const Report report = Build(tables);
  ASSERT_EQ(report.q2.genres.size(), 3U);
  EXPECT_EQ(report.q2.genres[0].genre, "Comedy");
  EXPECT_EQ(report.q2.genres[2].genre, "Unknown");
  EXPECT_EQ(report.q2.best_genre, "Comedy");
  EXPECT_EQ(report.q2.best_overlaps_runner_up, false);
}

TEST(ReportBuilderTest, Q2WithoutRunnerUpOrRankedGenre) {
  Tables tables = Example();
  tables.genres = RecordBatch(enrich::GenrePerformanceSchema());
  AppendGenre(&tables.genres, "Comedy", 4, 1, 1);
  AppendGenre(&tables.genres, "Unknown", 10, 10, std::nullopt);
  Report report = Build(tables);
  EXPECT_EQ(report.q2.best_genre, "Comedy");
  EXPECT_FALSE(report.q2.best_overlaps_runner_up.has_value());

  tables.genres = RecordBatch(enrich::GenrePerformanceSchema());
  AppendGenre(&tables.genres, "Unknown", 10, 10, std::nullopt);
  report = Build(tables);
  EXPECT_FALSE(report.q2.best_genre.has_value());
  EXPECT_FALSE(report.q2.best_overlaps_runner_up.has_value());
}

TEST(ReportBuilderTest, Q3FromDeviceAnalytics) {
  // Sessions: a1 (45) a2 (5) b1 (30) on iOS, c1 (10) on Android: 4 sessions, 2 drop-offs.
  // With min_sessions 1 every segment with a non-empty rest is tested; app_version "2.0"
  // holds every session, so it is not.
  const Tables tables = Example();
  const Report report = Build(tables);
  EXPECT_EQ(report.q3.min_sessions, 1);
  EXPECT_EQ(report.q3.sessions, 4);
  EXPECT_EQ(report.q3.drop_offs, 2);
  EXPECT_EQ(report.q3.segments_tested, 4);  // iOS, Android, iOS x 2.0, Android x 2.0
  ASSERT_EQ(report.q3.tested.size(), 4U);
  for (const SegmentRow& row : report.q3.tested) {
    EXPECT_TRUE(row.tested);
    EXPECT_TRUE(row.p_value.has_value());
  }
  EXPECT_TRUE(report.q3.abnormal.empty());  // four sessions prove nothing
  EXPECT_EQ(report.q3.tested[0].dimension, "device_os");
  EXPECT_EQ(report.q3.tested[0].segment, "Android");
  EXPECT_EQ(report.q3.tested[0].sessions, 1);
  EXPECT_EQ(report.q3.tested[0].drop_offs, 1);
  EXPECT_EQ(report.q3.tested[0].rest_rate, 1.0 / 3.0);
  EXPECT_EQ(report.q3.tested[2].app_version, "2.0");
}

TEST(ReportBuilderTest, Q3AbnormalRowsInTableOrder) {
  enrich::Partials partials;
  partials.sessions = 100;
  partials.drop_offs = 40;
  partials.segments[{"device_os", "iOS", std::nullopt}] = {50, 30};
  partials.segments[{"device_os x app_version", "iOS", "2.0"}] = {50, 30};
  Tables tables;
  Result<enrich::FinalTables> final_tables = enrich::Finish(partials, {});
  ASSERT_TRUE(final_tables.ok());
  tables.devices = std::move(final_tables->device_analytics);
  const Report report = Build(tables, 30);
  EXPECT_EQ(report.q3.sessions, 100);
  EXPECT_EQ(report.q3.drop_offs, 40);
  ASSERT_EQ(report.q3.abnormal.size(), 2U);
  EXPECT_EQ(report.q3.abnormal[0].segment, "iOS");
  EXPECT_EQ(report.q3.abnormal[1].segment, "iOS x 2.0");
  EXPECT_EQ(report.q3.abnormal[1].device_os, "iOS");
  EXPECT_NEAR(*report.q3.abnormal[0].lift, 3.0, 1e-12);
}

TEST(ReportBuilderTest, EmptyDeviceAnalyticsGivesZeros) {
  Tables tables;
  const Report report = Build(tables, 30);
  EXPECT_EQ(report.q3.sessions, 0);
  EXPECT_EQ(report.q3.drop_offs, 0);
  EXPECT_EQ(report.q3.segments_tested, 0);
  EXPECT_EQ(report.q3.min_sessions, 30);
  EXPECT_EQ(report.q1.new_users, 0);
  EXPECT_FALSE(report.q2.best_genre.has_value());
}

TEST(ReportBuilderTest, MissingTableOrColumnIsAnError) {
  Tables tables = Example();
  EnrichedInputs inputs{&tables.journey, nullptr, &tables.devices, 30};
  EXPECT_EQ(BuildReport(Date{}, {}, inputs).status().code(), StatusCode::kInternal);
  tables.journey = Project(tables.journey, {"first_session_id"});
  inputs.genre_performance = &tables.genres;
  const Result<Report> report = BuildReport(Date{}, {}, inputs);
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(report.status().message().find("first_session_reached_30s"), std::string::npos);
}

}  // namespace
}  // namespace streampro::report
