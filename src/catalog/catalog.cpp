#include "catalog/catalog.h"

#include <fmt/format.h>

#include <cassert>
#include <memory>
#include <string>

namespace streampro::catalog {

namespace {

constexpr bool kNullable = true;
constexpr bool kRequired = false;

// Field ids are assigned once, in declaration order from 1; the partition column takes the
// next id. A column added later takes a new id at the end; ids are never reused.
TableDef MakeTable(TableId id, Layer layer, std::string_view folder, std::string_view sql_name,
                   FileFormat format, std::vector<Field> fields,
                   std::vector<std::string_view> key = {}, std::optional<Table> source = {},
                   bool bucketed_by_user = false) {
  TableDef table{id, layer, folder,         sql_name, format,          nullptr,
                 {}, 0,     std::move(key), source,   bucketed_by_user};
  if (!fields.empty()) {
    for (size_t i = 0; i < fields.size(); ++i)
      table.field_ids.push_back(static_cast<int32_t>(i + 1));
    table.partition_field_id = static_cast<int32_t>(fields.size() + 1);
    table.schema = std::make_shared<const Schema>(std::move(fields));
  }
  return table;
}

std::vector<TableDef> BuildCatalog() {
  std::vector<TableDef> tables;
  const auto raw = [&](TableId id, Table source, std::string_view sql_name) {
    tables.push_back(MakeTable(id, Layer::kRaw, TableName(source), sql_name,
                               FileFormat::kLandingCopy, {}, {}, source));
  };
  // The columns are filled in below, from the trusted tables.
  raw(TableId::kRawUsers, Table::kUsers, "raw_users");
  raw(TableId::kRawVideos, Table::kVideos, "raw_videos");
  raw(TableId::kRawDevices, Table::kDevices, "raw_devices");
  raw(TableId::kRawEvents, Table::kEvents, "raw_events");

  // SPEC §1 and §7: required columns are not null.
  tables.push_back(MakeTable(TableId::kTrustedUsers, Layer::kTrusted, "users", "trusted_users",
                             FileFormat::kParquet,
                             {
                                 {"user_id", TypeId::kString, kRequired},
                                 {"signup_date", TypeId::kDate32, kRequired},
                                 {"subscription_tier", TypeId::kString, kRequired},
                                 {"age_group", TypeId::kString, kNullable},
                                 {"gender", TypeId::kString, kNullable},
                             },
                             {"user_id"}, Table::kUsers));
  tables.push_back(MakeTable(TableId::kTrustedVideos, Layer::kTrusted, "videos", "trusted_videos",
                             FileFormat::kParquet,
                             {
                                 {"video_id", TypeId::kString, kRequired},
                                 {"title", TypeId::kString, kNullable},
                                 {"genre", TypeId::kString, kRequired},
                                 {"duration_seconds", TypeId::kInt32, kRequired},
                                 {"patent_id", TypeId::kString, kNullable},
                             },
                             {"video_id"}, Table::kVideos));
  tables.push_back(MakeTable(TableId::kTrustedDevices, Layer::kTrusted, "devices",
                             "trusted_devices", FileFormat::kParquet,
                             {
                                 {"device", TypeId::kString, kRequired},
                                 {"os", TypeId::kString, kNullable},
                                 {"model", TypeId::kString, kNullable},
                                 {"os_version", TypeId::kString, kNullable},
                             },
                             {"device", "os", "model"}, Table::kDevices));
  tables.push_back(MakeTable(TableId::kTrustedEvents, Layer::kTrusted, "events", "trusted_events",
                             FileFormat::kParquet,
                             {
                                 {"timestamp", TypeId::kTimestampMicros, kRequired},
                                 {"account_id", TypeId::kString, kNullable},
                                 {"video_id", TypeId::kString, kNullable},
                                 {"user_id", TypeId::kString, kRequired},
                                 {"event_name", TypeId::kString, kRequired},
                                 {"value", TypeId::kDouble, kNullable},
                                 {"device", TypeId::kString, kNullable},
                                 {"app_version", TypeId::kString, kNullable},
                                 {"device_os", TypeId::kString, kNullable},
                                 {"network_type", TypeId::kString, kNullable},
                                 {"ip", TypeId::kString, kNullable},
                                 {"country", TypeId::kString, kNullable},
                                 {"session_id", TypeId::kString, kRequired},
                                 {"source_line", TypeId::kInt64, kRequired},
                             },
                             {}, Table::kEvents, /*bucketed_by_user=*/true));
  tables.push_back(MakeTable(TableId::kTrustedRejects, Layer::kTrusted, "_rejects",
                             "trusted_rejects", FileFormat::kParquet,
                             {
                                 {"table", TypeId::kString, kRequired},
                                 {"source_file", TypeId::kString, kRequired},
                                 {"line_number", TypeId::kInt64, kRequired},
                                 {"reason", TypeId::kString, kRequired},
                                 {"field", TypeId::kString, kNullable},
                                 {"raw_record", TypeId::kString, kRequired},
                             }));

  // SPEC §4; column order is the file order.
  tables.push_back(MakeTable(TableId::kUserSessions, Layer::kEnriched, "user_sessions",
                             "user_sessions", FileFormat::kParquet,
                             {
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
                             },
                             {"user_id", "session_id"}, {}, /*bucketed_by_user=*/true));
  tables.push_back(MakeTable(TableId::kUserJourney, Layer::kEnriched, "user_journey",
                             "user_journey", FileFormat::kParquet,
                             {
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
                             },
                             {"user_id"}, {}, /*bucketed_by_user=*/true));
  tables.push_back(MakeTable(TableId::kGenrePerformance, Layer::kEnriched, "genre_performance",
                             "genre_performance", FileFormat::kParquet,
                             {
                                 {"genre", TypeId::kString, kRequired},
                                 {"new_users", TypeId::kInt64, kRequired},
                                 {"returned_within_3d", TypeId::kInt64, kRequired},
                                 {"retention_rate", TypeId::kDouble, kRequired},
                                 {"ci_low", TypeId::kDouble, kRequired},
                                 {"ci_high", TypeId::kDouble, kRequired},
                                 {"avg_first_session_watch_seconds", TypeId::kDouble, kRequired},
                                 {"rank", TypeId::kInt32, kNullable},
                             },
                             {"genre"}));
  tables.push_back(MakeTable(TableId::kDeviceAnalytics, Layer::kEnriched, "device_analytics",
                             "device_analytics", FileFormat::kParquet,
                             {
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
                             },
                             {"dimension", "segment"}));
  tables.push_back(MakeTable(TableId::kReport, Layer::kReports, "", "", FileFormat::kReport, {}));

  // A raw table's columns are its landing file's: the trusted table's columns as text,
  // without `source_line` (the line number StreamPro adds to each event).
  for (const Table source : kAllTables) {
    TableDef& raw_table =
        tables[static_cast<size_t>(TableId::kRawUsers) + static_cast<size_t>(source)];
    const TableDef& trusted =
        tables[static_cast<size_t>(TableId::kTrustedUsers) + static_cast<size_t>(source)];
    std::vector<Field> fields;
    for (const Field& field : trusted.schema->fields()) {
      if (field.name != "source_line") fields.push_back({field.name, TypeId::kString, kNullable});
    }
    raw_table = MakeTable(raw_table.id, raw_table.layer, raw_table.folder, raw_table.sql_name,
                          raw_table.format, std::move(fields), {}, source);
  }
  for (size_t i = 0; i < tables.size(); ++i) {
    assert(static_cast<size_t>(tables[i].id) == i && "catalog entries follow TableId order");
  }
  return tables;
}

const std::vector<TableDef>& Tables() {
  static const std::vector<TableDef>* const kTables = new std::vector<TableDef>(BuildCatalog());
  return *kTables;
}

}  // namespace

std::string_view LayerName(Layer layer) {
  switch (layer) {
    case Layer::kRaw:
      return "raw";
    case Layer::kTrusted:
      return "trusted";
    case Layer::kEnriched:
      return "enriched";
    case Layer::kReports:
      return "reports";
  }
  return "";
}

std::optional<Layer> LayerFromName(std::string_view name) {
  for (const Layer layer : kAllLayers) {
    if (LayerName(layer) == name) return layer;
  }
  return std::nullopt;
}

std::string_view TableDef::label() const {
  static const std::vector<std::string>* const kLabels = [] {
    auto* labels = new std::vector<std::string>();
    for (const TableDef& table : Tables()) {
      labels->push_back(table.folder.empty()
                            ? std::string(LayerName(table.layer))
                            : fmt::format("{}.{}", LayerName(table.layer), table.folder));
    }
    return labels;
  }();
  return (*kLabels)[static_cast<size_t>(id)];
}

int32_t TableDef::FieldId(std::string_view column) const {
  if (column == kPartitionColumn) return partition_field_id;
  if (!schema) return 0;
  const int index = schema->FieldIndex(column);
  return index < 0 ? 0 : field_ids[static_cast<size_t>(index)];
}

const TableDef& Get(TableId id) {
  return Tables()[static_cast<size_t>(id)];
}

std::span<const TableDef> AllTables() {
  return Tables();
}

const TableDef* Find(Layer layer, std::string_view folder) {
  for (const TableDef& table : Tables()) {
    if (table.layer == layer && table.folder == folder) return &table;
  }
  return nullptr;
}

const TableDef& RawTable(Table table) {
  return Get(static_cast<TableId>(static_cast<int>(TableId::kRawUsers) + static_cast<int>(table)));
}

const TableDef& TrustedTable(Table table) {
  return Get(
      static_cast<TableId>(static_cast<int>(TableId::kTrustedUsers) + static_cast<int>(table)));
}

const SchemaPtr& SchemaOf(TableId id) {
  return Get(id).schema;
}

std::string TrinoType(TypeId type, int timestamp_precision) {
  switch (type) {
    case TypeId::kBool:
      return "boolean";
    case TypeId::kInt32:
      return "integer";
    case TypeId::kInt64:
      return "bigint";
    case TypeId::kDouble:
      return "double";
    case TypeId::kDate32:
      return "date";
    case TypeId::kTimestampMicros:
      // The Hive connector has no `timestamp with time zone` columns; a plain timestamp
      // reads our UTC instants as UTC wall-clock time (see docs/publish.md).
      return fmt::format("timestamp({})", timestamp_precision);
    case TypeId::kString:
      return "varchar";
  }
  return "varchar";
}

std::string_view SparkType(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return "BOOLEAN";
    case TypeId::kInt32:
      return "INT";
    case TypeId::kInt64:
      return "BIGINT";
    case TypeId::kDouble:
      return "DOUBLE";
    case TypeId::kDate32:
      return "DATE";
    case TypeId::kTimestampMicros:
      return "TIMESTAMP";
    case TypeId::kString:
      return "STRING";
  }
  return "STRING";
}

std::string_view IcebergType(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return "boolean";
    case TypeId::kInt32:
      return "int";
    case TypeId::kInt64:
      return "long";
    case TypeId::kDouble:
      return "double";
    case TypeId::kDate32:
      return "date";
    case TypeId::kTimestampMicros:
      return "timestamptz";
    case TypeId::kString:
      return "string";
  }
  return "string";
}

}  // namespace streampro::catalog
