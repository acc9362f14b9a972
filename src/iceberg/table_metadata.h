#pragma once

// Iceberg v2 table metadata (format/spec.md "Table Metadata", Appendix C) for a lake table:
// the schema and partition spec come from the catalog (src/catalog), so a metadata file
// records only what changes from commit to commit.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "streampro/status.h"

namespace streampro::iceberg {

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;
  /// `operation` first, then the other summary fields, in order.
  std::vector<std::pair<std::string, std::string>> summary;

  bool operator==(const Snapshot&) const = default;
};

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  int64_t snapshot_id = 0;
  bool operator==(const SnapshotLogEntry&) const = default;
};

struct MetadataLogEntry {
  int64_t timestamp_ms = 0;
  std::string metadata_file;
  bool operator==(const MetadataLogEntry&) const = default;
};

struct TableMetadata {
  std::string table_uuid;
  std::string location;
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  std::optional<int64_t> current_snapshot_id;
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;
  std::map<std::string, std::string> properties;

  /// The snapshot with this id, or nullptr.
  const Snapshot* FindSnapshot(int64_t id) const;
  const Snapshot* CurrentSnapshot() const;

  bool operator==(const TableMetadata&) const = default;
};

/// The metadata JSON (format-version 2) of `metadata` for `table`: schemas with field ids
/// and ingestion_date, the identity partition spec, an unsorted sort order, snapshots,
/// snapshot-log, metadata-log, current-snapshot-id and the `main` branch.
std::string ToJson(const TableMetadata& metadata, const catalog::TableDef& table);

/// Reads what ToJson writes (other writers' extra fields are ignored). InvalidData naming
/// `origin` for anything else, or a format-version other than 2.
Result<TableMetadata> ParseTableMetadata(std::string_view json, const std::string& origin);

/// A random (version 4) UUID, `8-4-4-4-12` lowercase hex.
std::string RandomUuid();
/// A random positive snapshot id.
int64_t RandomSnapshotId();

}  // namespace streampro::iceberg
