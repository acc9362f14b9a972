#include "report/answers.h"

#include <limits>

#include <gtest/gtest.h>

#include "report_fixture.h"

namespace streampro::report {
namespace {

TEST(AnswersTest, NumberFormats) {
  EXPECT_EQ(FormatPercent(71.42857), "71.4%");
  EXPECT_EQ(FormatPercent(std::numeric_limits<double>::quiet_NaN()), "n/a");
  EXPECT_EQ(FormatPercentRange(61.63, 79.44), "61.6-79.4%");
  EXPECT_EQ(FormatPercentRange(0, std::numeric_limits<double>::infinity()), "n/a");
  EXPECT_EQ(FormatRate(0.45), "45.0%");
  EXPECT_EQ(CountNoun(1, "user", "users"), "1 user");
  EXPECT_EQ(CountNoun(0, "user", "users"), "0 users");
}

TEST(AnswersTest, Q1) {
  Q1 q1;
  q1.new_users = 1;
  q1.reached_30s = 1;
  q1.never_active = 1;
  q1.pct = 100;
  EXPECT_EQ(Q1Answer(q1),
            "100.0% of 1 new user reached 30 s of watch time in their first session; 1 user "
            "never active");
  q1.ci_low = 20.7;
  q1.ci_high = 100;
  EXPECT_EQ(Q1Answer(q1),
            "100.0% of 1 new user reached 30 s of watch time in their first session (95% CI "
            "20.7-100.0%); 1 user never active");
  EXPECT_EQ(Q1Answer(Q1{}),
            "No new users: no user's first session is in the lake; 0 users never active");
}

TEST(AnswersTest, BestAndRunnerUp) {
  Q2 q2 = testing::MakeSampleReport().q2;
  ASSERT_NE(BestGenre(q2), nullptr);
  EXPECT_EQ(BestGenre(q2)->genre, "Comedy");
  ASSERT_NE(RunnerUpGenre(q2), nullptr);
  EXPECT_EQ(RunnerUpGenre(q2)->genre, "Drama");
  q2.genres.resize(1);
  q2.best_overlaps_runner_up = std::nullopt;
  EXPECT_EQ(RunnerUpGenre(q2), nullptr);
  EXPECT_EQ(Q2Answer(q2),
            "Comedy retains best: 45.0% of 40 new users returned within 3 days (95% CI "
            "30.7-60.2%); there is no runner-up to compare with");
}

TEST(AnswersTest, Q2WithoutBest) {
  Q2 q2;
  EXPECT_EQ(Q2Answer(q2), "No genre to rank: there are no new users");
  q2.genres.push_back({"Unknown", 3, 0, 0, 0, 0.56, 0, std::nullopt});
  EXPECT_EQ(BestGenre(q2), nullptr);
  EXPECT_EQ(Q2Answer(q2),
            "No genre can be named best: no new user's first session has a known genre");
}

TEST(AnswersTest, Q3AndSegments) {
  Q3 q3 = testing::MakeSampleReport().q3;
  EXPECT_EQ(Q3Answer(q3),
            "2 segments have an abnormal drop-off rate (3 segments tested, min 30 sessions), "
            "worst first:");
  q3.abnormal.resize(1);
  EXPECT_EQ(Q3Answer(q3),
            "1 segment has an abnormal drop-off rate (3 segments tested, min 30 sessions), "
            "worst first:");
  q3.abnormal.clear();
  q3.segments_tested = 1;
  EXPECT_EQ(Q3Answer(q3),
            "No segment has an abnormal drop-off rate (1 segment tested, min 30 sessions)");

  SegmentRow row = q3.tested[0];
  EXPECT_EQ(SegmentAnswer(row),
            "device_os iOS: 30.0% drop-off vs 30.0% in other sessions, lift 1.00, q 0.4 "
            "(300 of 1000 sessions)");
  row.lift = std::nullopt;
  row.rest_rate = 0.0;
  EXPECT_EQ(SegmentAnswer(row),
            "device_os iOS: 30.0% drop-off vs 0.0% in other sessions, lift n/a (no drop-off "
            "elsewhere), q 0.4 (300 of 1000 sessions)");
}

TEST(AnswersTest, OverallDropOffRate) {
  Q3 q3;
  EXPECT_FALSE(OverallDropOffRate(q3).has_value());
  q3.sessions = 4;
  q3.drop_offs = 1;
  EXPECT_EQ(OverallDropOffRate(q3), 0.25);
}

}  // namespace
}  // namespace streampro::report
