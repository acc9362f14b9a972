#include "formats/jsonl/event_schema.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace streampro::formats::jsonl {

namespace {

constexpr std::array<std::string_view, kNumEventColumns> kNames = {
    "timestamp", "account_id", "video_id",    "user_id",    "event_name",
    "value",     "device",     "app_version", "device_os",  "network_type",
    "ip",        "country",    "session_id",  "source_line"};

}  // namespace

const SchemaPtr& EventsSchema() {
  static const SchemaPtr kSchema = [] {
    std::vector<Field> fields;
    for (int c = 0; c < kNumEventColumns; ++c) {
      TypeId type = TypeId::kString;
      if (c == kTimestampColumn) type = TypeId::kTimestampMicros;
      if (c == kValueColumn) type = TypeId::kDouble;
      if (c == kSourceLineColumn) type = TypeId::kInt64;
      const bool required = c == kTimestampColumn || c == kUserIdColumn || c == kEventNameColumn ||
                            c == kSessionIdColumn || c == kSourceLineColumn;
      fields.push_back(Field{std::string(kNames[static_cast<size_t>(c)]), type, !required});
    }
    return std::make_shared<const Schema>(std::move(fields));
  }();
  return kSchema;
}

std::string_view EventFieldName(int column) {
  return kNames[static_cast<size_t>(column)];
}

int EventFieldIndex(std::string_view name) {
  // Dispatch on length first: most keys are rejected or found with one comparison.
  switch (name.size()) {
    case 2:
      return name == "ip" ? kIpColumn : -1;
    case 5:
      return name == "value" ? kValueColumn : -1;
    case 6:
      return name == "device" ? kDeviceColumn : -1;
    case 7:
      if (name == "user_id") return kUserIdColumn;
      if (name == "country") return kCountryColumn;
      return -1;
    case 8:
      return name == "video_id" ? kVideoIdColumn : -1;
    case 9:
      if (name == "timestamp") return kTimestampColumn;
      if (name == "device_os") return kDeviceOsColumn;
      return -1;
    case 10:
      if (name == "account_id") return kAccountIdColumn;
      if (name == "event_name") return kEventNameColumn;
      if (name == "session_id") return kSessionIdColumn;
      return -1;
    case 11:
      return name == "app_version" ? kAppVersionColumn : -1;
    case 12:
      return name == "network_type" ? kNetworkTypeColumn : -1;
    default:
      return -1;
  }
}

}  // namespace streampro::formats::jsonl
