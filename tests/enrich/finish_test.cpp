#include <gtest/gtest.h>

#include <cmath>

#include "enrich/enrich.h"
#include "enrich/statistics.h"
#include "enrich_test_data.h"

namespace streampro::enrich {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

FinalTables FinishOrDie(const Partials& partials, const Q3Options& options = {}) {
  Result<FinalTables> tables = Finish(partials, options);
  EXPECT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_TRUE(tables->genre_performance.Validate().ok());
  EXPECT_TRUE(tables->device_analytics.Validate().ok());
  return std::move(tables).value();
}

TEST(FinishTest, GenresRankedByRateThenNewUsersThenNameUnknownLast) {
  // Comedy 3/4 = 0.75; Drama 6/8 = 0.75 with more users -> Drama first;
  // Action 3/4 = 0.75, same users as Comedy -> alphabetical: Action before Comedy;
  // Horror 1/10 = 0.1 last of the ranked; Unknown 5/5 = 1.0 is listed last, unranked.
  Partials partials;
  partials.genres["Comedy"] = {4, 3, 100};
  partials.genres["Drama"] = {8, 6, 80};
  partials.genres["Action"] = {4, 3, 10};
  partials.genres["Horror"] = {10, 1, 5};
  partials.genres["Unknown"] = {5, 5, 0};
  const FinalTables tables = FinishOrDie(partials);
  const RecordBatch& g = tables.genre_performance;
  ASSERT_EQ(g.num_rows(), 5);
  const std::vector<std::string> expected = {"Drama", "Action", "Comedy", "Horror", "Unknown"};
  for (int64_t row = 0; row < 5; ++row) {
    EXPECT_EQ(Str(g, "genre", row), expected[static_cast<size_t>(row)]);
    if (row < 4) {
      EXPECT_EQ(I32(g, "rank", row), row + 1);
    }
  }
  EXPECT_TRUE(IsNull(g, "rank", 4));
  EXPECT_EQ(Dbl(g, "retention_rate", 0), 0.75);
  EXPECT_EQ(Dbl(g, "avg_first_session_watch_seconds", 0), 10.0);  // 80 / 8
  EXPECT_EQ(Dbl(g, "avg_first_session_watch_seconds", 2), 25.0);  // 100 / 4
  EXPECT_EQ(I64(g, "new_users", 3), 10);
  EXPECT_EQ(I64(g, "returned_within_3d", 3), 1);
  // Comedy 3/4 against an independent 40-digit computation of Wilson.
  EXPECT_NEAR(Dbl(g, "ci_low", 2), 0.30064184258240191556, 1e-14);
  EXPECT_NEAR(Dbl(g, "ci_high", 2), 0.95441273919029943358, 1e-14);
}

/// 100 sessions, 40 drop-offs, and the segments of the hand-worked example.
Partials SegmentExample() {
  Partials p;
  p.sessions = 100;
  p.drop_offs = 40;
  p.segments[OsKey("iOS")] = {50, 30};           // 0.6 vs rest 10/50 = 0.2
  p.segments[OsKey("Android")] = {40, 8};        // 0.2 vs rest 32/60
  p.segments[OsKey("Tiny")] = {10, 2};           // under min_sessions 20
  p.segments[VersionKey("2.0")] = {100, 40};     // the rest is empty
  p.segments[PairKey("iOS", "2.0")] = {50, 30};  // same counts as iOS
  return p;
}

TEST(FinishTest, DeviceAnalyticsWorkedByHand) {
  // Tested (m = 3): iOS and iOS x 2.0 (z = 0.4 / sqrt(0.4·0.6·(1/50+1/50)) = 4.08248...,
  // p = 2.2278545e-5 each) and Android (z = -3.333, p = 0.99957).
  // BH: sorted p_iOS (1), p_pair (2), p_Android (3): q = min(p·3/1, p·3/2, ...) so both
  // iOS rows get q = 1.5·p = 3.3417818e-5 (ties share q); Android q = 0.99957.
  // lift = 0.6 / 0.2 = 3 >= 1.25 -> both iOS rows abnormal; equal lift and q, so the
  // dimension order puts device_os first. Then the rest by dimension and segment text:
  // Android, Tiny (device_os), 2.0 (app_version).
  Q3Options options;
  options.min_sessions = 20;
  const FinalTables tables = FinishOrDie(SegmentExample(), options);
  const RecordBatch& d = tables.device_analytics;
  ASSERT_EQ(d.num_rows(), 5);
  const std::vector<std::string> segments = {"iOS", "iOS x 2.0", "Android", "Tiny", "2.0"};
  for (int64_t row = 0; row < 5; ++row) {
    EXPECT_EQ(Str(d, "segment", row), segments[static_cast<size_t>(row)]) << row;
    EXPECT_EQ(I64(d, "sessions", row) + I64(d, "rest_sessions", row), 100);
    EXPECT_EQ(I64(d, "drop_offs", row) + I64(d, "rest_drop_offs", row), 40);
  }
  EXPECT_EQ(Str(d, "dimension", 1), "device_os x app_version");
  EXPECT_EQ(Str(d, "device_os", 1), "iOS");
  EXPECT_EQ(Str(d, "app_version", 1), "2.0");
  EXPECT_TRUE(IsNull(d, "app_version", 0));
  EXPECT_TRUE(IsNull(d, "device_os", 4));

  for (int64_t row : {0, 1}) {
    EXPECT_TRUE(Bool(d, "tested", row));
    EXPECT_TRUE(Bool(d, "abnormal", row));
    EXPECT_EQ(Dbl(d, "drop_off_rate", row), 0.6);
    EXPECT_EQ(Dbl(d, "rest_rate", row), 0.2);
    EXPECT_NEAR(Dbl(d, "lift", row), 3.0, 1e-15);
    EXPECT_NEAR(Dbl(d, "z", row), 4.0824829046386301637, 1e-12);
    EXPECT_NEAR(Dbl(d, "p_value", row), 2.2278545302028078283e-5, 1e-17);
    EXPECT_NEAR(Dbl(d, "q_value", row), 1.5 * 2.2278545302028078283e-5, 1e-17);
  }
  EXPECT_EQ(Dbl(d, "q_value", 0), Dbl(d, "q_value", 1));
  EXPECT_TRUE(Bool(d, "tested", 2));
  EXPECT_FALSE(Bool(d, "abnormal", 2));
  EXPECT_NEAR(Dbl(d, "p_value", 2), 0.99957093966680316252, 1e-14);
  EXPECT_NEAR(Dbl(d, "q_value", 2), 0.99957093966680316252, 1e-14);
  // Tiny: under min_sessions, not tested, but (SPEC §7) its rate is still compared with
  // the rest: 2/10 = 0.2 against (40 - 2)/(100 - 10) = 38/90, lift 0.2 / (38/90) = 9/19.
  // 2.0: every session, the rest is empty: nothing to compare with, all null.
  for (int64_t row : {3, 4}) {
    EXPECT_FALSE(Bool(d, "tested", row));
    EXPECT_FALSE(Bool(d, "abnormal", row));
    for (const char* column : {"z", "p_value", "q_value"}) {
      EXPECT_TRUE(IsNull(d, column, row)) << column << " " << row;
    }
  }
  EXPECT_EQ(Dbl(d, "drop_off_rate", 3), 0.2);
  EXPECT_DOUBLE_EQ(Dbl(d, "rest_rate", 3), 38.0 / 90);
  EXPECT_DOUBLE_EQ(Dbl(d, "lift", 3), 9.0 / 19);
  EXPECT_TRUE(IsNull(d, "rest_rate", 4));
  EXPECT_TRUE(IsNull(d, "lift", 4));
}

TEST(FinishTest, SegmentBecomesTestedAtMinSessions) {
  Q3Options options;
  options.min_sessions = 10;
  const FinalTables tables = FinishOrDie(SegmentExample(), options);
  const RecordBatch& d = tables.device_analytics;
  int64_t tested = 0;
  for (int64_t row = 0; row < d.num_rows(); ++row) tested += Bool(d, "tested", row) ? 1 : 0;
  EXPECT_EQ(tested, 4);  // Tiny has exactly 10 sessions now
}

TEST(FinishTest, UntestedSegmentWithZeroRestRateHasRestRateButNullLift) {
  // Y: 3 sessions, 3 drop-offs, under the default minimum of 30; the other 47 sessions
  // have no drop-off: rest_rate 0/47 = 0 is filled, lift 1/0 is null, no test.
  Partials p;
  p.sessions = 50;
  p.drop_offs = 3;
  p.segments[OsKey("Y")] = {3, 3};
  const FinalTables tables = FinishOrDie(p);
  const RecordBatch& d = tables.device_analytics;
  ASSERT_EQ(d.num_rows(), 1);
  EXPECT_FALSE(Bool(d, "tested", 0));
  EXPECT_FALSE(Bool(d, "abnormal", 0));
  EXPECT_EQ(Dbl(d, "drop_off_rate", 0), 1.0);
  EXPECT_FALSE(IsNull(d, "rest_rate", 0));
  EXPECT_EQ(Dbl(d, "rest_rate", 0), 0.0);
  for (const char* column : {"lift", "z", "p_value", "q_value"}) {
    EXPECT_TRUE(IsNull(d, column, 0)) << column;
  }
}

TEST(FinishTest, ZeroStandardErrorIsNeverAbnormal) {
  // Every session dropped off: pooled p = 1, se = 0 -> z = 0, p = 1, q = 1, lift 1.
  Partials p;
  p.sessions = 50;
  p.drop_offs = 50;
  p.segments[OsKey("iOS")] = {40, 40};
  const FinalTables tables = FinishOrDie(p);
  const RecordBatch& d = tables.device_analytics;
  ASSERT_EQ(d.num_rows(), 1);
  EXPECT_TRUE(Bool(d, "tested", 0));
  EXPECT_EQ(Dbl(d, "z", 0), 0.0);
  EXPECT_EQ(Dbl(d, "p_value", 0), 1.0);
  EXPECT_EQ(Dbl(d, "q_value", 0), 1.0);
  EXPECT_EQ(Dbl(d, "lift", 0), 1.0);
  EXPECT_FALSE(Bool(d, "abnormal", 0));
}

TEST(FinishTest, ZeroRestRateGivesNullLiftAndComesFirst) {
  // X: 20/40 = 0.5 against a rest of 0/60: rest_rate 0, lift null; pooled 0.2,
  // z = 0.5 / sqrt(0.16·(1/40 + 1/60)) = 6.1237, p = 4.5706e-10. Version 1.0 holds all
  // 20 drop-offs too: 20/60 against 0/40, lift null, z = 4.08. With m = 2 both q-values
  // are far below 0.05, so both are abnormal although their lift is undefined; among
  // null lifts the smaller q (X) comes first.
  Partials p;
  p.sessions = 100;
  p.drop_offs = 20;
  p.segments[OsKey("X")] = {40, 20};
  p.segments[VersionKey("1.0")] = {60, 20};
  const FinalTables tables = FinishOrDie(p);
  const RecordBatch& d = tables.device_analytics;
  ASSERT_EQ(d.num_rows(), 2);
  for (int64_t row = 0; row < 2; ++row) {
    EXPECT_TRUE(IsNull(d, "lift", row));
    EXPECT_FALSE(IsNull(d, "rest_rate", row));
    EXPECT_EQ(Dbl(d, "rest_rate", row), 0.0);
    EXPECT_TRUE(Bool(d, "abnormal", row));
  }
  EXPECT_EQ(Str(d, "segment", 0), "X");
  EXPECT_NEAR(Dbl(d, "z", 0), 6.1237243569579452455, 1e-12);
  EXPECT_LT(Dbl(d, "q_value", 0), Dbl(d, "q_value", 1));
}

TEST(FinishTest, NullLiftAbnormalPrecedesLargeLift) {
  Partials p;
  p.sessions = 200;
  p.drop_offs = 60;
  // All 60 drop-offs are on OS A, so A's rest (100 sessions) has none: lift null.
  // Version B (40 of A's drop-offs): 40/50 = 0.8 vs 20/150 = 0.1333, lift 6.
  // Version C: 0/50, never abnormal. Abnormal order: A (null lift), then B.
  p.segments[OsKey("A")] = {100, 60};
  p.segments[VersionKey("B")] = {50, 40};
  p.segments[VersionKey("C")] = {50, 0};
  const FinalTables tables = FinishOrDie(p);
  const RecordBatch& d = tables.device_analytics;
  ASSERT_EQ(d.num_rows(), 3);
  EXPECT_EQ(Str(d, "segment", 0), "A");
  EXPECT_EQ(Str(d, "segment", 1), "B");
  EXPECT_NEAR(Dbl(d, "lift", 1), 6.0, 1e-12);
  EXPECT_TRUE(Bool(d, "abnormal", 1));
}

TEST(FinishTest, SignificantButSmallLiftIsNotAbnormal) {
  // 0.55 vs 0.5 on many sessions: q tiny, but lift 1.1 < 1.25.
  Partials p;
  p.sessions = 110'000;
  p.drop_offs = 55'500;
  p.segments[OsKey("Big")] = {10'000, 5'500};  // rest 50'000 / 100'000 = 0.5
  const FinalTables tables = FinishOrDie(p);
  const RecordBatch& d = tables.device_analytics;
  ASSERT_EQ(d.num_rows(), 1);
  EXPECT_LT(Dbl(d, "q_value", 0), 1e-6);
  EXPECT_NEAR(Dbl(d, "lift", 0), 1.1, 1e-12);
  EXPECT_FALSE(Bool(d, "abnormal", 0));
}

TEST(FinishTest, EmptyPartialsGiveEmptyTables) {
  const FinalTables tables = FinishOrDie(Partials{});
  EXPECT_EQ(tables.genre_performance.num_rows(), 0);
  EXPECT_EQ(tables.device_analytics.num_rows(), 0);
}

TEST(FinishTest, RejectsNegativeMinSessions) {
  Q3Options options;
  options.min_sessions = -1;
  EXPECT_EQ(Finish(Partials{}, options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace streampro::enrich
