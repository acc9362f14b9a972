#include "enrich/sessions.h"

#include <gtest/gtest.h>

#include "enrich_test_data.h"

namespace streampro::enrich {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

Event At(std::string session, int64_t timestamp, std::string name = "play") {
  Event event;
  event.session = std::move(session);
  event.timestamp = timestamp;
  event.name = std::move(name);
  return event;
}

TEST(SessionsTest, StartEndDurationCountAndWatchSeconds) {
  // s1: events at T0, T0+10s, T0+95.5s; watch_time 12 + 18 = 30 -> reached_30s (>= 30).
  // duration = 95.5 s = 95'500'000 us / 1e6.
  // s2: one play at T0+1h, no watch_time -> watch_seconds 0 (not null), not reached.
  const BucketOutput out =
      Enrich({At("s1", kT0), Watch("u1", "s1", kT0 + 10 * kSecond, std::nullopt, 12),
              Watch("u1", "s1", kT0 + 95'500'000, std::nullopt, 18), At("s2", kT0 + kHour)},
             {"u1"}, Genres({}));
  const RecordBatch& s = out.user_sessions;
  ASSERT_TRUE(s.Validate().ok()) << s.Validate().ToString();
  ASSERT_EQ(s.num_rows(), 2);
  EXPECT_EQ(Str(s, "session_id", 0), "s1");
  EXPECT_EQ(I32(s, "session_number", 0), 1);
  EXPECT_EQ(I64(s, "session_start", 0), kT0);
  EXPECT_EQ(I64(s, "session_end", 0), kT0 + 95'500'000);
  EXPECT_EQ(Dbl(s, "duration_seconds", 0), 95.5);
  EXPECT_EQ(I64(s, "event_count", 0), 3);
  EXPECT_EQ(Dbl(s, "watch_seconds", 0), 30.0);
  EXPECT_TRUE(Bool(s, "reached_30s", 0));
  EXPECT_TRUE(IsNull(s, "hours_since_previous_session", 0));

  EXPECT_EQ(Str(s, "session_id", 1), "s2");
  EXPECT_EQ(Dbl(s, "duration_seconds", 1), 0.0);
  EXPECT_EQ(Dbl(s, "watch_seconds", 1), 0.0);
  EXPECT_FALSE(IsNull(s, "watch_seconds", 1));
  EXPECT_FALSE(Bool(s, "reached_30s", 1));
  EXPECT_EQ(Dbl(s, "hours_since_previous_session", 1), 1.0);
}

TEST(SessionsTest, WatchJustUnderThirtySecondsDoesNotReach) {
  const BucketOutput out =
      Enrich({Watch("u1", "s1", kT0, std::nullopt, 29.999999)}, {"u1"}, Genres({}));
  EXPECT_FALSE(Bool(out.user_sessions, "reached_30s", 0));
}

TEST(SessionsTest, EqualStartsAreNumberedBySessionId) {
  // "b" and "a" both start at T0: the smaller session_id "a" is session 1, and "b" is
  // session 2, 0 hours after it.
  const BucketOutput out = Enrich({At("b", kT0), At("a", kT0)}, {"u1"}, Genres({}));
  const RecordBatch& s = out.user_sessions;
  EXPECT_EQ(I32(s, "session_number", SessionRow(s, "u1", "a")), 1);
  EXPECT_EQ(I32(s, "session_number", SessionRow(s, "u1", "b")), 2);
  EXPECT_EQ(Dbl(s, "hours_since_previous_session", SessionRow(s, "u1", "b")), 0.0);
}

TEST(SessionsTest, NumbersFollowStartTimesNotSessionIds) {
  // By id the order would be s10 < s2 < s9; by start it is s10 (T0+1h), s2 (T0+2h),
  // s9 (T0+5h). Gaps: s2 - s10 = 1 h, s9 - s2 = 3 h.
  const BucketOutput out =
      Enrich({At("s9", kT0 + 5 * kHour), At("s10", kT0 + kHour), At("s2", kT0 + 2 * kHour)}, {"u1"},
             Genres({}));
  const RecordBatch& s = out.user_sessions;
  ASSERT_EQ(s.num_rows(), 3);
  EXPECT_EQ(Str(s, "session_id", 0), "s10");
  EXPECT_EQ(Str(s, "session_id", 1), "s2");
  EXPECT_EQ(Str(s, "session_id", 2), "s9");
  EXPECT_EQ(I32(s, "session_number", 2), 3);
  EXPECT_EQ(Dbl(s, "hours_since_previous_session", 1), 1.0);
  EXPECT_EQ(Dbl(s, "hours_since_previous_session", 2), 3.0);
}

TEST(SessionsTest, AttributesTieOnTimestampBrokenByEventNameThenInputOrder) {
  // All three at T0. "pause" < "play" (bytes), so one of the two pauses wins; of those the
  // input order (ingestion date, then line) decides: 2025-09-01 line 9 comes before
  // 2025-09-02 line 1, although it is the last row of the batch.
  Event play = At("s1", kT0, "play");
  play.os = "PlayOS";
  play.date = kDate1;
  play.line = 1;
  Event later_pause = At("s1", kT0, "pause");
  later_pause.os = "LaterOS";
  later_pause.country = "FR";
  later_pause.date = kDate2;
  later_pause.line = 1;
  Event earlier_pause = At("s1", kT0, "pause");
  earlier_pause.os = "EarlierOS";
  earlier_pause.version = std::nullopt;  // a null attribute on the winner stays null
  earlier_pause.device = "tv-1";
  earlier_pause.network = "wifi";
  earlier_pause.country = std::nullopt;
  earlier_pause.date = kDate1;
  earlier_pause.line = 9;
  // A later event with every attribute set does not fill the winner's nulls.
  Event late = At("s1", kT0 + kSecond, "seek");
  late.country = "DE";

  const BucketOutput out = Enrich({play, later_pause, late, earlier_pause}, {"u1"}, Genres({}));
  const RecordBatch& s = out.user_sessions;
  ASSERT_EQ(s.num_rows(), 1);
  EXPECT_EQ(Str(s, "device_os", 0), "EarlierOS");
  EXPECT_TRUE(IsNull(s, "app_version", 0));
  EXPECT_EQ(Str(s, "device", 0), "tv-1");
  EXPECT_EQ(Str(s, "network_type", 0), "wifi");
  EXPECT_TRUE(IsNull(s, "country", 0));
}

const VideoGenres& Catalog() {
  static const VideoGenres genres = Genres(
      {{"c1", "Comedy"}, {"c2", "Comedy"}, {"d1", "Drama"}, {"h1", "Horror"}, {"a1", "Action"}});
  return genres;
}

std::string GenreOf(const std::vector<Event>& events) {
  const BucketOutput out = Enrich(events, {"u1"}, Catalog());
  EXPECT_EQ(out.user_sessions.num_rows(), 1);
  return Str(out.user_sessions, "genre", 0);
}

TEST(SessionsTest, GenreWithMostWatchSecondsWins) {
  // Comedy 10 + 20 = 30 (two videos) against Drama 25.
  EXPECT_EQ(GenreOf({Watch("u1", "s1", kT0, "c1", 10), Watch("u1", "s1", kT0 + 1, "d1", 25),
                     Watch("u1", "s1", kT0 + 2, "c2", 20)}),
            "Comedy");
}

TEST(SessionsTest, GenreTieIsAlphabetical) {
  // Drama 20 = Comedy 20 -> Comedy; the unknown video's 50 s count for no genre.
  EXPECT_EQ(GenreOf({Watch("u1", "s1", kT0, "d1", 20), Watch("u1", "s1", kT0 + 1, "c1", 20),
                     Watch("u1", "s1", kT0 + 2, "unknown-video", 50)}),
            "Comedy");
}

TEST(SessionsTest, GenreFallsBackToEarliestKnownVideo) {
  // No genre has more than 0 seconds (Drama's watch_time is 0), so the earliest event with
  // a known video decides: the unknown video at T0 is skipped; at T0+1 "pause" (Horror)
  // and "play" (Action) tie on time and "pause" < "play".
  Event unknown_video = At("s1", kT0);
  unknown_video.video = "nope";
  Event play = At("s1", kT0 + 1, "play");
  play.video = "a1";
  Event pause = At("s1", kT0 + 1, "pause");
  pause.video = "h1";
  EXPECT_EQ(GenreOf({Watch("u1", "s1", kT0 + 2, "d1", 0), play, unknown_video, pause}), "Horror");
}

TEST(SessionsTest, GenreFallbackTieBrokenByInputOrder) {
  // Same time, same event name: the earlier ingestion date wins, whatever the row order.
  Event first = At("s1", kT0);
  first.video = "d1";
  first.date = kDate2;
  first.line = 1;
  Event second = At("s1", kT0);
  second.video = "c1";
  second.date = kDate1;
  second.line = 50;
  EXPECT_EQ(GenreOf({first, second}), "Comedy");
}

TEST(SessionsTest, GenreUnknownWithoutKnownVideo) {
  Event unknown_video = At("s1", kT0);
  unknown_video.video = "nope";
  EXPECT_EQ(GenreOf({At("s1", kT0), unknown_video, Watch("u1", "s1", kT0, std::nullopt, 40)}),
            "Unknown");
}

TEST(SessionsTest, WatchSecondsAreAddedInInputOrder) {
  // Input order 0.1, 0.2, 0.3 while timestamps run the other way. In double,
  // (0.1 + 0.2) + 0.3 = 0.6000000000000001 but (0.3 + 0.2) + 0.1 = 0.6.
  std::vector<Event> events = {Watch("u1", "s1", kT0 + 3, std::nullopt, 0.1),
                               Watch("u1", "s1", kT0 + 2, std::nullopt, 0.2),
                               Watch("u1", "s1", kT0 + 1, std::nullopt, 0.3)};
  ASSERT_NE((0.1 + 0.2) + 0.3, (0.3 + 0.2) + 0.1);
  const BucketOutput out = Enrich(events, {"u1"}, Genres({}));
  EXPECT_EQ(Dbl(out.user_sessions, "watch_seconds", 0), (0.1 + 0.2) + 0.3);
}

TEST(SessionsTest, SameSessionIdOfTwoUsersIsTwoSessions) {
  Event other = At("s1", kT0);
  other.user = "u2";
  const BucketOutput out = Enrich({At("s1", kT0), other}, {"u1", "u2"}, Genres({}));
  EXPECT_EQ(out.user_sessions.num_rows(), 2);
}

TEST(SessionsTest, RowsAreOrderedByUserIdBytesThenNumber) {
  Event b = At("s1", kT0);
  b.user = "b";
  Event upper_b = At("s1", kT0);
  upper_b.user = "B";
  Event a2 = At("x", kT0 + kHour);
  a2.user = "a";
  Event a1 = At("y", kT0);
  a1.user = "a";
  const BucketOutput out = Enrich({b, upper_b, a2, a1}, {}, Genres({}));
  const RecordBatch& s = out.user_sessions;
  ASSERT_EQ(s.num_rows(), 4);
  EXPECT_EQ(Str(s, "user_id", 0), "B");
  EXPECT_EQ(Str(s, "session_id", 1), "y");
  EXPECT_EQ(Str(s, "session_id", 2), "x");
  EXPECT_EQ(Str(s, "user_id", 3), "b");
}

TEST(SessionsTest, RejectsAnotherSchema) {
  RecordBatch events(formats::jsonl::EventsSchema());
  const Result<std::vector<internal::Session>> sessions =
      internal::BuildSessions(events, Genres({}));
  EXPECT_EQ(sessions.status().code(), StatusCode::kInvalidArgument);
}

TEST(SessionsTest, EmptyBucketHasNoSessions) {
  const Result<std::vector<internal::Session>> sessions =
      internal::BuildSessions(EventsBatch({}), Genres({}));
  ASSERT_TRUE(sessions.ok());
  EXPECT_TRUE(sessions->empty());
}

}  // namespace
}  // namespace streampro::enrich
