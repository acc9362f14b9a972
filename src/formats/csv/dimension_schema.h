#pragma once

#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "streampro/schema.h"

namespace streampro::formats::csv {

/// How one dimension column's text becomes a value (SPEC §1 and §7).
enum class ColumnRule : uint8_t {
  kString,            ///< as written; empty -> null
  kIsoDate,           ///< strict YYYY-MM-DD -> date32, else invalid_date
  kSubscriptionTier,  ///< trimmed, case-insensitive -> Free/Basic/Premium, else invalid_enum
  kAgeGroup,          ///< trimmed, exactly 18-25/26-35/36-50/50+, else invalid_enum
  kGenre,             ///< trimmed, first letter upper-case, the rest lower-case
  kPositiveInt32,     ///< [0-9]+ in 1..2147483647 -> int32, else invalid_value
};

struct DimensionColumn {
  std::string_view name;
  ColumnRule rule;
  /// Must be in the header, and an empty (or whitespace-only) value is missing_required.
  bool required;
};

/// The columns of a dimension table, in output order, and its unique key.
struct DimensionSpec {
  Table table;
  std::vector<DimensionColumn> columns;
  /// Indexes into columns of the key that must be unique (first valid row wins): one
  /// column for users and videos, (device, os, model) for devices (SPEC §7). Null equals
  /// null in a key.
  std::vector<int> key_columns;
  /// The key's column names joined with ',' (the reject ledger's `field` of a
  /// duplicate_key): "user_id", "video_id", "device,os,model".
  std::string key_name;
  /// Output schema: required columns are not null.
  SchemaPtr schema;
};

/// The spec of users, videos or devices. `table` must not be Table::kEvents.
const DimensionSpec& DimensionSpecFor(Table table);

}  // namespace streampro::formats::csv
