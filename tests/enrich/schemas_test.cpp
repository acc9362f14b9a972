#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "enrich/enrich.h"
#include "formats/jsonl/event_schema.h"

namespace streampro::enrich {
namespace {

std::vector<std::string> Names(const SchemaPtr& schema) {
  std::vector<std::string> names;
  for (const Field& field : schema->fields()) names.push_back(field.name);
  return names;
}

TEST(SchemasTest, EnrichEventsAreTrustedEventsPlusIngestionDate) {
  const Schema& events = *formats::jsonl::EventsSchema();
  const Schema& enrich = *EnrichEventsSchema();
  ASSERT_EQ(enrich.num_fields(), events.num_fields() + 1);
  for (int i = 0; i < events.num_fields(); ++i) EXPECT_EQ(enrich.field(i), events.field(i));
  EXPECT_EQ(enrich.field(kIngestionDateColumn), (Field{"ingestion_date", TypeId::kDate32, false}));
}

TEST(SchemasTest, TablesHoldTheSpecColumns) {
  // SPEC §4 lists at least these columns, in this order.
  EXPECT_EQ(
      Names(UserSessionsSchema()),
      (std::vector<std::string>{"user_id", "session_id", "session_number", "session_start",
                                "session_end", "duration_seconds", "event_count", "watch_seconds",
                                "genre", "device_os", "app_version", "device", "network_type",
                                "country", "reached_30s", "hours_since_previous_session"}));
  EXPECT_EQ(Names(UserJourneySchema()),
            (std::vector<std::string>{
                "user_id", "signup_date", "subscription_tier", "age_group", "gender",
                "first_session_id", "first_session_start", "first_session_watch_seconds",
                "first_session_reached_30s", "first_session_genre", "second_session_start",
                "hours_to_second_session", "returned_within_3d", "total_sessions",
                "total_watch_seconds", "active_days", "last_seen"}));
  EXPECT_EQ(
      Names(GenrePerformanceSchema()),
      (std::vector<std::string>{"genre", "new_users", "returned_within_3d", "retention_rate",
                                "ci_low", "ci_high", "avg_first_session_watch_seconds", "rank"}));
  EXPECT_EQ(Names(DeviceAnalyticsSchema()),
            (std::vector<std::string>{"dimension", "segment", "device_os", "app_version",
                                      "sessions", "drop_offs", "drop_off_rate", "rest_sessions",
                                      "rest_drop_offs", "rest_rate", "lift", "z", "p_value",
                                      "q_value", "tested", "abnormal"}));
}

TEST(SchemasTest, TypesAndNullability) {
  const Schema& sessions = *UserSessionsSchema();
  EXPECT_EQ(sessions.field(sessions.FieldIndex("session_start")).type, TypeId::kTimestampMicros);
  EXPECT_FALSE(sessions.field(sessions.FieldIndex("watch_seconds")).nullable);
  EXPECT_TRUE(sessions.field(sessions.FieldIndex("hours_since_previous_session")).nullable);
  const Schema& journey = *UserJourneySchema();
  EXPECT_EQ(journey.field(journey.FieldIndex("signup_date")).type, TypeId::kDate32);
  EXPECT_TRUE(journey.field(journey.FieldIndex("returned_within_3d")).nullable);
  EXPECT_EQ(journey.field(journey.FieldIndex("active_days")).type, TypeId::kInt32);
  const Schema& genres = *GenrePerformanceSchema();
  EXPECT_TRUE(genres.field(genres.FieldIndex("rank")).nullable);
  const Schema& devices = *DeviceAnalyticsSchema();
  EXPECT_TRUE(devices.field(devices.FieldIndex("lift")).nullable);
  EXPECT_FALSE(devices.field(devices.FieldIndex("abnormal")).nullable);
}

}  // namespace
}  // namespace streampro::enrich
