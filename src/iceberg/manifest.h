#pragma once

// Iceberg v2 manifests and manifest lists (format/spec.md "Manifests", "Manifest Lists"),
// as Avro container files with the spec's schemas and field ids. Tables here are the
// lake's Parquet tables: one identity partition on `ingestion_date` (partition field id
// 1000, spec id 0), data files only (no delete files).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/date.h"
#include "streampro/status.h"

namespace streampro::iceberg {

/// The partition field of every table: identity of the ingestion_date column.
inline constexpr int32_t kPartitionFieldId = 1000;
inline constexpr int32_t kPartitionSpecId = 0;
inline constexpr int32_t kSchemaId = 0;

/// One data file with its metrics, keyed by field id. Bounds are in Iceberg's binary
/// single-value serialization (Appendix D).
struct DataFile {
  std::string path;  ///< full URI
  Date partition;    ///< the ingestion_date value
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int32_t, int64_t> column_sizes;
  std::map<int32_t, int64_t> value_counts;
  std::map<int32_t, int64_t> null_value_counts;
  std::map<int32_t, std::string> lower_bounds;
  std::map<int32_t, std::string> upper_bounds;

  bool operator==(const DataFile&) const = default;
};

enum class EntryStatus : int32_t { kExisting = 0, kAdded = 1, kDeleted = 2 };

/// A manifest_entry. Added entries leave the sequence numbers to inheritance (nullopt);
/// existing and deleted ones carry them.
struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  int64_t snapshot_id = 0;
  std::optional<int64_t> sequence_number;
  std::optional<int64_t> file_sequence_number;
  DataFile file;

  bool operator==(const ManifestEntry&) const = default;
};

/// A manifest_file of a manifest list.
struct ManifestFile {
  std::string path;
  int64_t length = 0;
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files = 0;
  int32_t existing_files = 0;
  int32_t deleted_files = 0;
  int64_t added_rows = 0;
  int64_t existing_rows = 0;
  int64_t deleted_rows = 0;
  /// The partition summary: the least and greatest ingestion_date of its live files
  /// (nullopt when it has none).
  std::optional<Date> lower_date;
  std::optional<Date> upper_date;

  bool operator==(const ManifestFile&) const = default;
};

/// The Iceberg schema JSON of a lake table: its columns with their catalog field ids,
/// then `ingestion_date` (date, optional: it is not in the files) with the table's partition field
/// id.
std::string SchemaJson(const catalog::TableDef& table);
/// The partition spec's fields array: identity of ingestion_date as field 1000.
std::string PartitionFieldsJson(const catalog::TableDef& table);
/// The Iceberg name mapping (`schema.name-mapping.default`): column names to field ids,
/// for Parquet files written without field ids.
std::string NameMappingJson(const catalog::TableDef& table);

/// A manifest of `entries`, as the bytes of its Avro file.
Result<std::string> WriteManifest(const catalog::TableDef& table,
                                  const std::vector<ManifestEntry>& entries);
/// Reads a manifest WriteManifest (or another writer of the same schema) wrote; added
/// entries with no sequence number get `inherited_sequence_number`.
Result<std::vector<ManifestEntry>> ReadManifest(const std::string& bytes, const std::string& origin,
                                                int64_t inherited_sequence_number);

/// The counts and partition summary of a manifest of `entries`, to list it.
ManifestFile SummarizeManifest(const std::vector<ManifestEntry>& entries, std::string path,
                               int64_t length, int64_t snapshot_id, int64_t sequence_number);

/// A manifest list of `manifests` for a snapshot.
Result<std::string> WriteManifestList(const std::vector<ManifestFile>& manifests,
                                      int64_t snapshot_id, std::optional<int64_t> parent_id,
                                      int64_t sequence_number);
Result<std::vector<ManifestFile>> ReadManifestList(const std::string& bytes,
                                                   const std::string& origin);

/// Appendix D binary single values.
std::string SerializeInt32(int32_t value);
std::string SerializeInt64(int64_t value);
std::string SerializeDouble(double value);

}  // namespace streampro::iceberg
