#include "enrich/partials.h"

#include <gtest/gtest.h>

#include "enrich_test_data.h"

namespace streampro::enrich {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

Event Session(std::string user, std::string session, std::optional<std::string> os,
              std::optional<std::string> version, double watch) {
  Event event = Watch(std::move(user), std::move(session), kT0, std::nullopt, watch);
  event.os = std::move(os);
  event.version = std::move(version);
  return event;
}

void ExpectEqual(const Partials& a, const Partials& b) {
  EXPECT_EQ(a.new_users, b.new_users);
  EXPECT_EQ(a.reached_30s, b.reached_30s);
  EXPECT_EQ(a.never_active, b.never_active);
  EXPECT_EQ(a.sessions, b.sessions);
  EXPECT_EQ(a.drop_offs, b.drop_offs);
  ASSERT_EQ(a.genres.size(), b.genres.size());
  for (const auto& [genre, counts] : a.genres) {
    ASSERT_EQ(b.genres.count(genre), 1U) << genre;
    const GenreCounts& other = b.genres.at(genre);
    EXPECT_EQ(counts.new_users, other.new_users) << genre;
    EXPECT_EQ(counts.returned_within_3d, other.returned_within_3d) << genre;
    EXPECT_EQ(counts.first_session_watch_seconds_sum, other.first_session_watch_seconds_sum)
        << genre;
  }
  ASSERT_EQ(a.segments.size(), b.segments.size());
  for (const auto& [key, counts] : a.segments) {
    ASSERT_EQ(b.segments.count(key), 1U) << key.dimension;
    EXPECT_EQ(counts.sessions, b.segments.at(key).sessions);
    EXPECT_EQ(counts.drop_offs, b.segments.at(key).drop_offs);
  }
}

TEST(PartialsTest, SegmentsSkipNullsAndPairNeedsBoth) {
  // s1 iOS/2.0 drop-off (10 s); s2 iOS/null reached (40 s); s3 null/2.0 drop-off (0 s);
  // s4 null/null reached (30 s).
  const BucketOutput out =
      Enrich({Session("u1", "s1", "iOS", "2.0", 10), Session("u1", "s2", "iOS", std::nullopt, 40),
              Session("u1", "s3", std::nullopt, "2.0", 0),
              Session("u1", "s4", std::nullopt, std::nullopt, 30)},
             {"u1"}, Genres({}));
  const Partials& p = out.partials;
  EXPECT_EQ(p.sessions, 4);
  EXPECT_EQ(p.drop_offs, 2);
  ASSERT_EQ(p.segments.size(), 3U);
  EXPECT_EQ(p.segments.at(OsKey("iOS")).sessions, 2);
  EXPECT_EQ(p.segments.at(OsKey("iOS")).drop_offs, 1);
  EXPECT_EQ(p.segments.at(VersionKey("2.0")).sessions, 2);
  EXPECT_EQ(p.segments.at(VersionKey("2.0")).drop_offs, 2);
  EXPECT_EQ(p.segments.at(PairKey("iOS", "2.0")).sessions, 1);
  EXPECT_EQ(p.segments.at(PairKey("iOS", "2.0")).drop_offs, 1);
}

TEST(PartialsTest, MergeAddsEveryCount) {
  Partials a;
  a.new_users = 3;
  a.reached_30s = 2;
  a.never_active = 1;
  a.genres["Comedy"] = {2, 1, 50.5};
  a.sessions = 10;
  a.drop_offs = 4;
  a.segments[OsKey("iOS")] = {6, 3};
  Partials b;
  b.new_users = 1;
  b.never_active = 4;
  b.genres["Comedy"] = {1, 1, 0.25};
  b.genres["Drama"] = {5, 0, 7};
  b.sessions = 2;
  b.drop_offs = 2;
  b.segments[OsKey("iOS")] = {1, 1};
  b.segments[VersionKey("1.0")] = {1, 0};
  a.Merge(b);
  EXPECT_EQ(a.new_users, 4);
  EXPECT_EQ(a.reached_30s, 2);
  EXPECT_EQ(a.never_active, 5);
  EXPECT_EQ(a.genres.at("Comedy").new_users, 3);
  EXPECT_EQ(a.genres.at("Comedy").returned_within_3d, 2);
  EXPECT_EQ(a.genres.at("Comedy").first_session_watch_seconds_sum, 50.75);
  EXPECT_EQ(a.genres.at("Drama").new_users, 5);
  EXPECT_EQ(a.sessions, 12);
  EXPECT_EQ(a.drop_offs, 6);
  EXPECT_EQ(a.segments.at(OsKey("iOS")).sessions, 7);
  EXPECT_EQ(a.segments.at(OsKey("iOS")).drop_offs, 4);
  EXPECT_EQ(a.segments.at(VersionKey("1.0")).sessions, 1);
}

TEST(PartialsTest, MergeOfBucketsEqualsTheUnion) {
  // Two buckets with disjoint users (as the pipeline splits them); watch values are exact
  // binary fractions so that every sum is exact in any order.
  const VideoGenres genres = Genres({{"c1", "Comedy"}, {"d1", "Drama"}});
  std::vector<Event> first = {
      Watch("a", "a1", kT0, "c1", 40), Watch("a", "a2", kT0 + kDay, "d1", 5),
      Watch("b", "b1", kT0, "d1", 12.5), Session("ghost", "g1", "Android", "1.0", 3)};
  std::vector<Event> second = {Watch("c", "c1", kT0, "c1", 31.25),
                               Watch("c", "c2", kT0 + 4 * kDay, "c1", 1),
                               Session("d", "d1", "Android", std::nullopt, 0.5)};
  const std::vector<std::string> first_users = {"a", "b", "idle1"};
  const std::vector<std::string> second_users = {"c", "d", "idle2"};

  Partials merged = Enrich(first, first_users, genres).partials;
  merged.Merge(Enrich(second, second_users, genres).partials);

  std::vector<Event> all = first;
  all.insert(all.end(), second.begin(), second.end());
  std::vector<std::string> all_users = first_users;
  all_users.insert(all_users.end(), second_users.begin(), second_users.end());
  const Partials whole = Enrich(all, all_users, genres).partials;

  ExpectEqual(merged, whole);
  EXPECT_EQ(whole.new_users, 4);
  EXPECT_EQ(whole.never_active, 2);
  EXPECT_EQ(whole.sessions, 7);
  EXPECT_EQ(whole.genres.at("Comedy").new_users, 2);
  EXPECT_EQ(whole.genres.at("Comedy").returned_within_3d, 1);
  EXPECT_EQ(whole.genres.at("Comedy").first_session_watch_seconds_sum, 71.25);
}

}  // namespace
}  // namespace streampro::enrich
