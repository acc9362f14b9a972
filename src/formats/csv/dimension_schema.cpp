#include "formats/csv/dimension_schema.h"

#include <cassert>
#include <memory>
#include <string>

#include "catalog/catalog.h"

namespace streampro::formats::csv {

namespace {

[[maybe_unused]] TypeId TypeOf(ColumnRule rule) {
  switch (rule) {
    case ColumnRule::kIsoDate:
      return TypeId::kDate32;
    case ColumnRule::kPositiveInt32:
      return TypeId::kInt32;
    default:
      return TypeId::kString;
  }
}

// The columns' parsing rules, in the order of the catalog's trusted table; the schema and
// the key are the catalog's.
DimensionSpec MakeSpec(Table table, std::vector<DimensionColumn> columns) {
  const catalog::TableDef& trusted = catalog::TrustedTable(table);
  DimensionSpec spec{table, std::move(columns), {}, "", trusted.schema};
  for (const std::string_view key : trusted.key) {
    if (!spec.key_name.empty()) spec.key_name += ',';
    spec.key_name += key;
    spec.key_columns.push_back(spec.schema->FieldIndex(key));
  }
  assert(spec.schema->num_fields() == static_cast<int>(spec.columns.size()));
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    [[maybe_unused]] const Field& field = spec.schema->field(static_cast<int>(i));
    assert(field.name == spec.columns[i].name && field.type == TypeOf(spec.columns[i].rule) &&
           field.nullable == !spec.columns[i].required);
  }
  return spec;
}

}  // namespace

const DimensionSpec& DimensionSpecFor(Table table) {
  static const DimensionSpec kUsers =
      MakeSpec(Table::kUsers, {
                                  {"user_id", ColumnRule::kString, true},
                                  {"signup_date", ColumnRule::kIsoDate, true},
                                  {"subscription_tier", ColumnRule::kSubscriptionTier, true},
                                  {"age_group", ColumnRule::kAgeGroup, false},
                                  {"gender", ColumnRule::kString, false},
                              });
  static const DimensionSpec kVideos =
      MakeSpec(Table::kVideos, {
                                   {"video_id", ColumnRule::kString, true},
                                   {"title", ColumnRule::kString, false},
                                   {"genre", ColumnRule::kGenre, true},
                                   {"duration_seconds", ColumnRule::kPositiveInt32, true},
                                   {"patent_id", ColumnRule::kString, false},
                               });
  static const DimensionSpec kDevices =
      MakeSpec(Table::kDevices, {
                                    {"device", ColumnRule::kString, true},
                                    {"os", ColumnRule::kString, false},
                                    {"model", ColumnRule::kString, false},
                                    {"os_version", ColumnRule::kString, false},
                                });
  switch (table) {
    case Table::kUsers:
      return kUsers;
    case Table::kVideos:
      return kVideos;
    default:
      assert(table == Table::kDevices && "events is not a CSV dimension");
      return kDevices;
  }
}

}  // namespace streampro::formats::csv
