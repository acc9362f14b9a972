#include "enrich/enrich.h"

#include <gtest/gtest.h>

#include "enrich_test_data.h"

namespace streampro::enrich {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

TEST(EnrichTest, BucketOutputsHaveTheTableSchemas) {
  const BucketOutput out =
      Enrich({Watch("u1", "s1", kT0, "v1", 31)}, {"u1", "u2"}, Genres({{"v1", "Comedy"}}));
  EXPECT_EQ(*out.user_sessions.schema(), *UserSessionsSchema());
  EXPECT_EQ(*out.user_journey.schema(), *UserJourneySchema());
  EXPECT_TRUE(out.user_sessions.Validate().ok());
  EXPECT_TRUE(out.user_journey.Validate().ok());
  EXPECT_EQ(out.user_sessions.num_rows(), 1);
  EXPECT_EQ(out.user_journey.num_rows(), 2);
  EXPECT_EQ(out.partials.new_users, 1);
  EXPECT_EQ(out.partials.reached_30s, 1);
  EXPECT_EQ(out.partials.never_active, 1);
  EXPECT_EQ(out.partials.genres.at("Comedy").first_session_watch_seconds_sum, 31.0);
  EXPECT_EQ(out.partials.sessions, 1);
  EXPECT_EQ(out.partials.drop_offs, 0);
}

TEST(EnrichTest, RowOrderOfTheInputDoesNotMatter) {
  // The same events in two row orders (source lines fixed) give the same tables.
  std::vector<Event> events;
  for (int i = 0; i < 12; ++i) {
    Event event = Watch(i % 2 == 0 ? "a" : "b", i % 3 == 0 ? "x" : "y", kT0 + (i % 4) * kHour,
                        i % 5 == 0 ? "v1" : "v2", 0.1 * i);
    event.os = i % 2 == 0 ? "iOS" : "Android";
    event.line = 100 - i;
    event.date = i % 2 == 0 ? kDate1 : kDate2;
    events.push_back(event);
  }
  std::vector<Event> reversed(events.rbegin(), events.rend());
  const VideoGenres genres = Genres({{"v1", "Comedy"}, {"v2", "Drama"}});
  const BucketOutput forward = Enrich(events, {"a", "b"}, genres);
  const BucketOutput backward = Enrich(reversed, {"b", "a"}, genres);
  EXPECT_TRUE(forward.user_sessions.Equals(backward.user_sessions));
  EXPECT_TRUE(forward.user_journey.Equals(backward.user_journey));
}

TEST(EnrichTest, RejectsEventsOfAnotherSchema) {
  RecordBatch events(formats::jsonl::EventsSchema());
  const Result<BucketOutput> out = EnrichBucket(events, UsersBatch({}), Genres({}));
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace streampro::enrich
