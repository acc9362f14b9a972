#include "formats/csv/dimension_schema.h"

#include <cassert>
#include <memory>
#include <string>

namespace streampro::formats::csv {

namespace {

TypeId TypeOf(ColumnRule rule) {
  switch (rule) {
    case ColumnRule::kIsoDate:
      return TypeId::kDate32;
    case ColumnRule::kPositiveInt32:
      return TypeId::kInt32;
    default:
      return TypeId::kString;
  }
}

DimensionSpec MakeSpec(Table table, std::vector<DimensionColumn> columns,
                       std::vector<int> key_columns) {
  DimensionSpec spec{table, std::move(columns), std::move(key_columns), "", nullptr};
  for (const int column : spec.key_columns) {
    if (!spec.key_name.empty()) spec.key_name += ',';
    spec.key_name += spec.columns[static_cast<size_t>(column)].name;
  }
  std::vector<Field> fields;
  for (const DimensionColumn& column : spec.columns) {
    fields.push_back(Field{std::string(column.name), TypeOf(column.rule), !column.required});
  }
  spec.schema = std::make_shared<const Schema>(std::move(fields));
  return spec;
}

}  // namespace

const DimensionSpec& DimensionSpecFor(Table table) {
  static const DimensionSpec kUsers =
      MakeSpec(Table::kUsers,
               {
                   {"user_id", ColumnRule::kString, true},
                   {"signup_date", ColumnRule::kIsoDate, true},
                   {"subscription_tier", ColumnRule::kSubscriptionTier, true},
                   {"age_group", ColumnRule::kAgeGroup, false},
                   {"gender", ColumnRule::kString, false},
               },
               {0});
  static const DimensionSpec kVideos =
      MakeSpec(Table::kVideos,
               {
                   {"video_id", ColumnRule::kString, true},
                   {"title", ColumnRule::kString, false},
                   {"genre", ColumnRule::kGenre, true},
                   {"duration_seconds", ColumnRule::kPositiveInt32, true},
                   {"patent_id", ColumnRule::kString, false},
               },
               {0});
  static const DimensionSpec kDevices = MakeSpec(Table::kDevices,
                                                 {
                                                     {"device", ColumnRule::kString, true},
                                                     {"os", ColumnRule::kString, false},
                                                     {"model", ColumnRule::kString, false},
                                                     {"os_version", ColumnRule::kString, false},
                                                 },
                                                 {0, 1, 2});
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
