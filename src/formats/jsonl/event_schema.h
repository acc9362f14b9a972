#pragma once

#include <cstddef>
#include <string_view>

#include "streampro/schema.h"

namespace streampro::formats::jsonl {

/// Columns of a kept-events batch, in schema order.
enum EventColumn : int {
  kTimestampColumn = 0,  ///< timestamp[us, UTC], not null
  kAccountIdColumn,
  kVideoIdColumn,
  kUserIdColumn,     ///< not null
  kEventNameColumn,  ///< not null
  kValueColumn,      ///< double
  kDeviceColumn,
  kAppVersionColumn,
  kDeviceOsColumn,
  kNetworkTypeColumn,
  kIpColumn,
  kCountryColumn,
  kSessionIdColumn,   ///< not null
  kSourceLineColumn,  ///< int64, not null: 1-based physical line of the record
  kNumEventColumns,
};

/// Number of JSON fields the reader knows (every column but source_line).
inline constexpr int kNumEventJsonFields = kSourceLineColumn;

/// The kept-events schema shared by every batch the reader produces.
const SchemaPtr& EventsSchema();

/// The JSON field name of a column (`timestamp`, ..., `session_id`).
std::string_view EventFieldName(int column);

/// `text`, whose length the caller has checked to be N - 1, equals `literal`: a comparison
/// of known length, which the compiler makes a few loads instead of a memcmp call (the
/// parser matches every key and event name of every event).
template <size_t N>
bool SameAs(std::string_view text, const char (&literal)[N]) {
  return __builtin_memcmp(text.data(), literal, N - 1) == 0;
}

/// The column of JSON field `name`, or -1 when the reader ignores the field.
int EventFieldIndex(std::string_view name);

}  // namespace streampro::formats::jsonl
