// The schemas of the enriched stage's input and of its four tables (enrich.h).

#include <memory>
#include <string>
#include <vector>

#include "enrich/enrich.h"
#include "formats/jsonl/event_schema.h"

namespace streampro::enrich {

namespace {

constexpr bool kNullable = true;
constexpr bool kRequired = false;

SchemaPtr MakeSchema(std::vector<Field> fields) {
  return std::make_shared<const Schema>(std::move(fields));
}

}  // namespace

const SchemaPtr& EnrichEventsSchema() {
  static const SchemaPtr kSchema = [] {
    std::vector<Field> fields = formats::jsonl::EventsSchema()->fields();
    fields.push_back(Field{"ingestion_date", TypeId::kDate32, kRequired});
    return MakeSchema(std::move(fields));
  }();
  return kSchema;
}

const SchemaPtr& UserSessionsSchema() {
  static const SchemaPtr kSchema = MakeSchema({
      {"user_id", TypeId::kString, kRequired},
      {"session_id", TypeId::kString, kRequired},
      {"session_number", TypeId::kInt32, kRequired},
      {"session_start", TypeId::kTimestampMicros, kRequired},
      {"session_end", TypeId::kTimestampMicros, kRequired},
      {"duration_seconds", TypeId::kDouble, kRequired},
      {"event_count", TypeId::kInt64, kRequired},
      {"watch_seconds", TypeId::kDouble, kRequired},
      {"genre", TypeId::kString, kRequired},
      {"device_os", TypeId::kString, kNullable},
      {"app_version", TypeId::kString, kNullable},
      {"device", TypeId::kString, kNullable},
      {"network_type", TypeId::kString, kNullable},
      {"country", TypeId::kString, kNullable},
      {"reached_30s", TypeId::kBool, kRequired},
      {"hours_since_previous_session", TypeId::kDouble, kNullable},
  });
  return kSchema;
}

const SchemaPtr& UserJourneySchema() {
  static const SchemaPtr kSchema = MakeSchema({
      {"user_id", TypeId::kString, kRequired},
      {"signup_date", TypeId::kDate32, kRequired},
      {"subscription_tier", TypeId::kString, kRequired},
      {"age_group", TypeId::kString, kNullable},
      {"gender", TypeId::kString, kNullable},
      {"first_session_id", TypeId::kString, kNullable},
      {"first_session_start", TypeId::kTimestampMicros, kNullable},
      {"first_session_watch_seconds", TypeId::kDouble, kNullable},
      {"first_session_reached_30s", TypeId::kBool, kNullable},
      {"first_session_genre", TypeId::kString, kNullable},
      {"second_session_start", TypeId::kTimestampMicros, kNullable},
      {"hours_to_second_session", TypeId::kDouble, kNullable},
      {"returned_within_3d", TypeId::kBool, kNullable},
      {"total_sessions", TypeId::kInt64, kRequired},
      {"total_watch_seconds", TypeId::kDouble, kRequired},
      {"active_days", TypeId::kInt32, kRequired},
      {"last_seen", TypeId::kTimestampMicros, kNullable},
  });
  return kSchema;
}

const SchemaPtr& GenrePerformanceSchema() {
  static const SchemaPtr kSchema = MakeSchema({
      {"genre", TypeId::kString, kRequired},
      {"new_users", TypeId::kInt64, kRequired},
      {"returned_within_3d", TypeId::kInt64, kRequired},
      {"retention_rate", TypeId::kDouble, kRequired},
      {"ci_low", TypeId::kDouble, kRequired},
      {"ci_high", TypeId::kDouble, kRequired},
      {"avg_first_session_watch_seconds", TypeId::kDouble, kRequired},
      {"rank", TypeId::kInt32, kNullable},
  });
  return kSchema;
}

const SchemaPtr& DeviceAnalyticsSchema() {
  static const SchemaPtr kSchema = MakeSchema({
      {"dimension", TypeId::kString, kRequired},
      {"segment", TypeId::kString, kRequired},
      {"device_os", TypeId::kString, kNullable},
      {"app_version", TypeId::kString, kNullable},
      {"sessions", TypeId::kInt64, kRequired},
      {"drop_offs", TypeId::kInt64, kRequired},
      {"drop_off_rate", TypeId::kDouble, kRequired},
      {"rest_sessions", TypeId::kInt64, kRequired},
      {"rest_drop_offs", TypeId::kInt64, kRequired},
      {"rest_rate", TypeId::kDouble, kNullable},
      {"lift", TypeId::kDouble, kNullable},
      {"z", TypeId::kDouble, kNullable},
      {"p_value", TypeId::kDouble, kNullable},
      {"q_value", TypeId::kDouble, kNullable},
      {"tested", TypeId::kBool, kRequired},
      {"abnormal", TypeId::kBool, kRequired},
  });
  return kSchema;
}

}  // namespace streampro::enrich
