#include "enrich/journey.h"

#include <gtest/gtest.h>

#include "enrich_test_data.h"

namespace streampro::enrich {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

Event Play(std::string user, std::string session, int64_t timestamp) {
  Event event;
  event.user = std::move(user);
  event.session = std::move(session);
  event.timestamp = timestamp;
  return event;
}

int64_t JourneyRow(const RecordBatch& journey, std::string_view user) {
  for (int64_t row = 0; row < journey.num_rows(); ++row) {
    if (Str(journey, "user_id", row) == user) return row;
  }
  return -1;
}

TEST(JourneyTest, UserWithOneSession) {
  const BucketOutput out = Enrich({Watch("u1", "s1", kT0, "c1", 45), Play("u1", "s1", kT0 + kHour)},
                                  {"u1"}, Genres({{"c1", "Comedy"}}));
  const RecordBatch& j = out.user_journey;
  ASSERT_TRUE(j.Validate().ok()) << j.Validate().ToString();
  ASSERT_EQ(j.num_rows(), 1);
  EXPECT_EQ(Str(j, "first_session_id", 0), "s1");
  EXPECT_EQ(I64(j, "first_session_start", 0), kT0);
  EXPECT_EQ(Dbl(j, "first_session_watch_seconds", 0), 45.0);
  EXPECT_TRUE(Bool(j, "first_session_reached_30s", 0));
  EXPECT_EQ(Str(j, "first_session_genre", 0), "Comedy");
  EXPECT_TRUE(IsNull(j, "second_session_start", 0));
  EXPECT_TRUE(IsNull(j, "hours_to_second_session", 0));
  EXPECT_FALSE(Bool(j, "returned_within_3d", 0));  // no second session: false, not null
  EXPECT_EQ(I64(j, "total_sessions", 0), 1);
  EXPECT_EQ(Dbl(j, "total_watch_seconds", 0), 45.0);
  EXPECT_EQ(I32(j, "active_days", 0), 1);
  EXPECT_EQ(I64(j, "last_seen", 0), kT0 + kHour);
  EXPECT_EQ(Str(j, "subscription_tier", 0), "Free");
  EXPECT_TRUE(IsNull(j, "age_group", 0));
}

TEST(JourneyTest, ReturnWindowIsSeventyTwoHoursInclusive) {
  // "exact": second start - first start = 259'200'000'000 us = 72 h -> returned.
  // "late": one microsecond more -> not returned; hours = 259'200'000'001 / 3.6e9.
  const BucketOutput out = Enrich({Play("exact", "a", kT0), Play("exact", "b", kT0 + 72 * kHour),
                                   Play("late", "a", kT0), Play("late", "b", kT0 + 72 * kHour + 1)},
                                  {"exact", "late"}, Genres({}));
  const RecordBatch& j = out.user_journey;
  ASSERT_EQ(internal::kReturnWindowMicros, 259'200'000'000);
  const int64_t exact = JourneyRow(j, "exact");
  const int64_t late = JourneyRow(j, "late");
  ASSERT_GE(exact, 0);
  ASSERT_GE(late, 0);
  EXPECT_TRUE(Bool(j, "returned_within_3d", exact));
  EXPECT_EQ(Dbl(j, "hours_to_second_session", exact), 72.0);
  EXPECT_EQ(I64(j, "second_session_start", exact), kT0 + 72 * kHour);
  EXPECT_FALSE(Bool(j, "returned_within_3d", late));
  EXPECT_EQ(Dbl(j, "hours_to_second_session", late), 259'200'000'001.0 / 3.6e9);
  EXPECT_GT(Dbl(j, "hours_to_second_session", late), 72.0);
  // Q2 partials: both first sessions are Unknown genre, one of two returned.
  ASSERT_EQ(out.partials.genres.count("Unknown"), 1U);
  EXPECT_EQ(out.partials.genres.at("Unknown").new_users, 2);
  EXPECT_EQ(out.partials.genres.at("Unknown").returned_within_3d, 1);
}

TEST(JourneyTest, NeverActiveUserHasNullsAndZeros) {
  const BucketOutput out = Enrich({Play("u1", "s1", kT0)}, {"u1", "idle"}, Genres({}));
  const RecordBatch& j = out.user_journey;
  ASSERT_TRUE(j.Validate().ok()) << j.Validate().ToString();
  const int64_t row = JourneyRow(j, "idle");
  ASSERT_GE(row, 0);
  for (const char* column :
       {"first_session_id", "first_session_start", "first_session_watch_seconds",
        "first_session_reached_30s", "first_session_genre", "second_session_start",
        "hours_to_second_session", "returned_within_3d", "last_seen"}) {
    EXPECT_TRUE(IsNull(j, column, row)) << column;
  }
  EXPECT_EQ(I64(j, "total_sessions", row), 0);
  EXPECT_EQ(Dbl(j, "total_watch_seconds", row), 0.0);
  EXPECT_EQ(I32(j, "active_days", row), 0);
  EXPECT_EQ(out.partials.never_active, 1);
  EXPECT_EQ(out.partials.new_users, 1);
}

TEST(JourneyTest, UserAbsentFromSnapshotCountsOnlyInQ3) {
  // "ghost" has two sessions but is not in users: sessions yes, journey no, Q1/Q2 no,
  // Q3 yes (3 sessions in all, all drop-offs).
  const BucketOutput out =
      Enrich({Play("ghost", "g1", kT0), Play("ghost", "g2", kT0 + kHour), Play("u1", "s1", kT0)},
             {"u1"}, Genres({}));
  EXPECT_EQ(out.user_sessions.num_rows(), 3);
  ASSERT_EQ(out.user_journey.num_rows(), 1);
  EXPECT_EQ(Str(out.user_journey, "user_id", 0), "u1");
  EXPECT_EQ(out.partials.new_users, 1);
  EXPECT_EQ(out.partials.never_active, 0);
  EXPECT_EQ(out.partials.genres.at("Unknown").new_users, 1);
  EXPECT_EQ(out.partials.sessions, 3);
  EXPECT_EQ(out.partials.drop_offs, 3);
}

TEST(JourneyTest, TotalsActiveDaysAndLastSeen) {
  // Sessions: a starts 2025-09-01 00:00 and ends 2025-09-03 01:00 (a long one);
  // b starts 2025-09-01 23:00; c starts 2025-09-02 10:00 and ends 10:30.
  // active_days = {09-01, 09-02} = 2 (dates of starts only); last_seen = a's end.
  // total_watch = 10 + 20.5 + 5 in session order.
  const BucketOutput out =
      Enrich({Watch("u1", "a", kT0, std::nullopt, 10), Play("u1", "a", kT0 + 49 * kHour),
              Watch("u1", "b", kT0 + 23 * kHour, std::nullopt, 20.5),
              Watch("u1", "c", kT0 + 34 * kHour, std::nullopt, 5),
              Play("u1", "c", kT0 + 34 * kHour + kHour / 2)},
             {"u1"}, Genres({}));
  const RecordBatch& j = out.user_journey;
  EXPECT_EQ(I64(j, "total_sessions", 0), 3);
  EXPECT_EQ(Dbl(j, "total_watch_seconds", 0), 35.5);
  EXPECT_EQ(I32(j, "active_days", 0), 2);
  EXPECT_EQ(I64(j, "last_seen", 0), kT0 + 49 * kHour);
  EXPECT_EQ(Dbl(j, "hours_to_second_session", 0), 23.0);
  EXPECT_TRUE(Bool(j, "returned_within_3d", 0));
}

TEST(JourneyTest, RowsFollowUserIdAndQ1Counts) {
  // Users given out of order; the journey is sorted by user_id. u2's first session
  // reaches 30 s exactly, u3's does not (its second one does, which does not count).
  const BucketOutput out =
      Enrich({Watch("u2", "x", kT0, std::nullopt, 30), Watch("u3", "y", kT0, std::nullopt, 1),
              Watch("u3", "z", kT0 + kDay, std::nullopt, 300)},
             {"u3", "u1", "u2"}, Genres({}));
  const RecordBatch& j = out.user_journey;
  ASSERT_EQ(j.num_rows(), 3);
  EXPECT_EQ(Str(j, "user_id", 0), "u1");
  EXPECT_EQ(Str(j, "user_id", 1), "u2");
  EXPECT_EQ(Str(j, "user_id", 2), "u3");
  EXPECT_EQ(out.partials.new_users, 2);
  EXPECT_EQ(out.partials.reached_30s, 1);
  EXPECT_EQ(out.partials.never_active, 1);
  const GenreCounts& unknown = out.partials.genres.at("Unknown");
  EXPECT_EQ(unknown.first_session_watch_seconds_sum, 31.0);
  EXPECT_EQ(unknown.returned_within_3d, 1);
}

TEST(JourneyTest, RejectsUsersWithoutRequiredColumns) {
  RecordBatch users(std::make_shared<const Schema>(std::vector<Field>{{"user_id"}}));
  Partials partials;
  RecordBatch out(UserJourneySchema());
  EXPECT_EQ(internal::AppendUserJourneys({}, users, &out, &partials).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace streampro::enrich
