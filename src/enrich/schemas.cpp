// The schemas of the enriched stage's input and of its four tables (enrich.h); the tables'
// are the catalog's.

#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "enrich/enrich.h"
#include "formats/jsonl/event_schema.h"

namespace streampro::enrich {

namespace {

constexpr bool kRequired = false;

SchemaPtr MakeSchema(std::vector<Field> fields) {
  return std::make_shared<const Schema>(std::move(fields));
}

}  // namespace

const SchemaPtr& EnrichEventsSchema() {
  static const SchemaPtr kSchema = [] {
    std::vector<Field> fields = formats::jsonl::EventsSchema()->fields();
    fields.push_back(Field{std::string(catalog::kPartitionColumn), TypeId::kDate32, kRequired});
    return MakeSchema(std::move(fields));
  }();
  return kSchema;
}

const SchemaPtr& UserSessionsSchema() {
  return catalog::SchemaOf(catalog::TableId::kUserSessions);
}

const SchemaPtr& UserJourneySchema() {
  return catalog::SchemaOf(catalog::TableId::kUserJourney);
}

const SchemaPtr& GenrePerformanceSchema() {
  return catalog::SchemaOf(catalog::TableId::kGenrePerformance);
}

const SchemaPtr& DeviceAnalyticsSchema() {
  return catalog::SchemaOf(catalog::TableId::kDeviceAnalytics);
}

}  // namespace streampro::enrich
