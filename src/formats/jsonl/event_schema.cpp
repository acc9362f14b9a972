#include "formats/jsonl/event_schema.h"

#include "catalog/catalog.h"

namespace streampro::formats::jsonl {

const SchemaPtr& EventsSchema() {
  return catalog::SchemaOf(catalog::TableId::kTrustedEvents);
}

std::string_view EventFieldName(int column) {
  return EventsSchema()->field(column).name;
}

int EventFieldIndex(std::string_view name) {
  // Dispatch on length first: most keys are rejected or found with one comparison.
  switch (name.size()) {
    case 2:
      return SameAs(name, "ip") ? kIpColumn : -1;
    case 5:
      return SameAs(name, "value") ? kValueColumn : -1;
    case 6:
      return SameAs(name, "device") ? kDeviceColumn : -1;
    case 7:
      if (SameAs(name, "user_id")) return kUserIdColumn;
      if (SameAs(name, "country")) return kCountryColumn;
      return -1;
    case 8:
      return SameAs(name, "video_id") ? kVideoIdColumn : -1;
    case 9:
      if (SameAs(name, "timestamp")) return kTimestampColumn;
      if (SameAs(name, "device_os")) return kDeviceOsColumn;
      return -1;
    case 10:
      if (SameAs(name, "account_id")) return kAccountIdColumn;
      if (SameAs(name, "event_name")) return kEventNameColumn;
      if (SameAs(name, "session_id")) return kSessionIdColumn;
      return -1;
    case 11:
      return SameAs(name, "app_version") ? kAppVersionColumn : -1;
    case 12:
      return SameAs(name, "network_type") ? kNetworkTypeColumn : -1;
    default:
      return -1;
  }
}

}  // namespace streampro::formats::jsonl
