#pragma once

// The table catalog: the one place that says what each table of the lake is — its layer,
// its folder name, the name engines know it by, its columns with stable field ids, its
// partitioning and its key. Stages, readers, writers, the engine DDL and the report ask
// here; nothing else spells a layer or table name.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "streampro/schema.h"

namespace streampro {

/// The four landing tables of SPEC §1.
enum class Table : uint8_t { kUsers, kVideos, kDevices, kEvents };
inline constexpr std::array<Table, 4> kAllTables = {Table::kUsers, Table::kVideos, Table::kDevices,
                                                    Table::kEvents};

constexpr std::string_view TableName(Table table) {
  switch (table) {
    case Table::kUsers:
      return "users";
    case Table::kVideos:
      return "videos";
    case Table::kDevices:
      return "devices";
    case Table::kEvents:
      return "events";
  }
  return "";
}

/// `csv` for the dimension tables, `jsonl` for events.
constexpr std::string_view TableExtension(Table table) {
  return table == Table::kEvents ? "jsonl" : "csv";
}

constexpr std::optional<Table> TableFromName(std::string_view name) {
  for (Table t : kAllTables) {
    if (TableName(t) == name) return t;
  }
  return std::nullopt;
}

}  // namespace streampro

namespace streampro::catalog {

/// The layers of SPEC §2, in data-flow order.
enum class Layer : uint8_t { kRaw, kTrusted, kEnriched, kReports };
inline constexpr std::array<Layer, 4> kAllLayers = {Layer::kRaw, Layer::kTrusted, Layer::kEnriched,
                                                    Layer::kReports};

/// `raw`, `trusted`, `enriched`, `reports`: the layer's default folder under the lake root.
std::string_view LayerName(Layer layer);
std::optional<Layer> LayerFromName(std::string_view name);

/// Every table of the lake.
enum class TableId : uint8_t {
  kRawUsers,
  kRawVideos,
  kRawDevices,
  kRawEvents,
  kTrustedUsers,
  kTrustedVideos,
  kTrustedDevices,
  kTrustedEvents,
  kTrustedRejects,
  kUserSessions,
  kUserJourney,
  kGenrePerformance,
  kDeviceAnalytics,
  kReport,
};

/// How a table's files hold its rows.
enum class FileFormat : uint8_t {
  kLandingCopy,  ///< raw: byte-identical copies of the landing CSV / JSONL files
  kParquet,      ///< trusted and enriched: Parquet, `part-NNNNN.parquet`
  kReport,       ///< reports: report.json and report.html
};

/// The partition column every table shares (SPEC §2 `ingestion_date=D` folders).
inline constexpr std::string_view kPartitionColumn = "ingestion_date";

/// One table of the lake.
struct TableDef {
  TableId id;
  Layer layer;
  /// The table's folder under its layer (`users`, `_rejects`, `user_sessions`); empty for
  /// the reports layer, whose partitions sit directly under it.
  std::string_view folder;
  /// The name query engines know it by, as the original system named its tables
  /// (`raw_events`, `trusted_users`, `trusted_rejects`, `user_sessions`, ...); empty for
  /// tables no engine reads.
  std::string_view sql_name;
  FileFormat format;
  /// The columns of its data files, without the partition column, which lives in the
  /// folder name. Raw tables: the landing file's columns (CSV header, JSON fields), all
  /// text. Null for the report.
  SchemaPtr schema;
  /// Stable field ids, one per schema field, then the partition column's; never reused
  /// or renumbered (Iceberg and Parquet `field_id`).
  std::vector<int32_t> field_ids;
  int32_t partition_field_id = 0;
  /// Columns whose values identify a row (first valid row wins, later ones are
  /// duplicate_key); empty when the table has no key.
  std::vector<std::string_view> key;
  /// The landing table it is built from (raw and trusted tables of a landing table).
  std::optional<Table> source;
  /// Bucketed by user: the part-NNNNN files of a partition are its user buckets
  /// (pipeline/user_buckets.h); the manifest records `buckets` and `bucket_hash`.
  bool bucketed_by_user = false;

  /// `{layer}.{folder}` (`reports` for the report), for messages.
  std::string_view label() const;
  /// The field id of `column` (a schema field or the partition column), or 0.
  int32_t FieldId(std::string_view column) const;
};

const TableDef& Get(TableId id);
/// Every table, in TableId order.
std::span<const TableDef> AllTables();
/// The table `folder` of `layer` (an empty folder for reports), or nullptr.
const TableDef* Find(Layer layer, std::string_view folder);

/// The raw and trusted tables of a landing table.
const TableDef& RawTable(Table table);
const TableDef& TrustedTable(Table table);

/// Shorthands for the schemas other code builds batches with.
const SchemaPtr& SchemaOf(TableId id);

/// How the engines spell a column type.
/// Trino: `varchar`, `integer`, `bigint`, `double`, `boolean`, `date`, `timestamp(p)`.
std::string TrinoType(TypeId type, int timestamp_precision);
/// Spark SQL: `STRING`, `INT`, `BIGINT`, `DOUBLE`, `BOOLEAN`, `DATE`, `TIMESTAMP`.
std::string_view SparkType(TypeId type);
/// Iceberg primitive types: `string`, `int`, `long`, `double`, `boolean`, `date`,
/// `timestamptz` (our timestamps are UTC instants).
std::string_view IcebergType(TypeId type);

}  // namespace streampro::catalog
