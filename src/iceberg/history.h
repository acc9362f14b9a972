#pragma once

// The history of a lake table's Iceberg snapshots: which files under `{table}/_iceberg/`
// the catalog's current metadata still reaches, the removal of the others (orphans of a
// stopped commit, or what expired snapshots alone used), and snapshot expiry
// (`streampro expire`). Everything here runs under the lake lock: no other writer adds
// files under `_iceberg/` meanwhile.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "iceberg/table_catalog.h"
#include "iceberg/table_metadata.h"
#include "lake/lake.h"
#include "streampro/status.h"

namespace streampro::iceberg {

/// How many earlier metadata files an expiry keeps in the metadata-log (and on disk).
inline constexpr size_t kMetadataLogKept = 10;

/// A file under `_iceberg/` that was (or, in a dry run, would be) deleted.
struct RemovedFile {
  std::string uri;
  int64_t bytes = 0;
};

/// Every file under `{table}/_iceberg/` that `metadata` (the file at `metadata_location`)
/// does not reach: not itself, not in its metadata-log, not a manifest list of one of its
/// snapshots, a manifest those list, or a live data file of those manifests. The commit
/// marker is not listed. Files outside `_iceberg/` (the Hive-style partitions, which
/// snapshots committed before immutable data paths name) are never listed.
Result<std::vector<RemovedFile>> UnreachableFiles(const lake::Lake& lake,
                                                  const catalog::TableDef& table,
                                                  const TableMetadata& metadata,
                                                  const std::string& metadata_location);

/// After a commit of `table` that stopped (its commit marker is there): deletes every file
/// under `_iceberg/` that the catalog's current metadata (`current`; nullopt when the
/// catalog has no such table) does not reach, then the marker. Returns what it deleted;
/// nothing when there is no marker.
Result<std::vector<RemovedFile>> RemoveOrphans(const lake::Lake& lake,
                                               const catalog::TableDef& table,
                                               const std::optional<std::string>& current);

struct ExpireOptions {
  /// Keep the newest N snapshots (the current one is always kept).
  std::optional<int64_t> keep_snapshots;
  /// Expire snapshots committed before this time (ms since the epoch).
  std::optional<int64_t> older_than_ms;
  /// List what would go; change nothing.
  bool dry_run = false;
  int max_attempts = 4;
};

/// The ids of the snapshots of `metadata` that expire: never the current one; with both
/// rules, a snapshot expires when it is older than the cutoff AND not among the newest N
/// (Iceberg's expire_snapshots semantics); with one rule, when that rule says so.
std::vector<int64_t> ExpiredSnapshots(const TableMetadata& metadata, const ExpireOptions& options);

struct TableExpiry {
  const catalog::TableDef* table = nullptr;
  std::vector<int64_t> expired_snapshots;
  int64_t kept_snapshots = 0;
  /// Deleted files (in a dry run, those that would be).
  std::vector<RemovedFile> removed;
  int64_t removed_bytes() const;
};

/// Expires the snapshots of `table` (catalog table `ident`): commits metadata without them
/// (the catalog's optimistic swap), keeping the newest kMetadataLogKept metadata-log
/// entries, then deletes every file under `_iceberg/` the new metadata does not reach.
/// Nothing changes when no snapshot expires (orphans aside: they are deleted too).
Result<TableExpiry> ExpireTable(const lake::Lake& lake, TableCatalog& catalog,
                                const TableIdent& ident, const catalog::TableDef& table,
                                const ExpireOptions& options, int64_t now_ms);

}  // namespace streampro::iceberg
