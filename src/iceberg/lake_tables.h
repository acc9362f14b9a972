#pragma once

// The lake's trusted and enriched tables as Iceberg tables: after a run has published its
// partitions, each table whose published files differ from its current snapshot gets one
// new snapshot (an append of a new date, an overwrite of a re-run one). The Hive-style
// partition manifests stay the lake's own record; this step derives the Iceberg tables
// from them, so it is idempotent and a run that stopped between the two is repaired by
// the next one.

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "iceberg/history.h"
#include "lake/lake.h"
#include "streampro/status.h"

namespace streampro::iceberg {

struct LakeTablesOptions {
  /// The catalog database (OpenTableCatalog), e.g. `sqlite:///srv/lake/catalog.db`.
  std::string catalog_uri;
  /// iceberg_tables.catalog_name: what engines call the catalog.
  std::string catalog_name = "streampro";
  /// The namespace the tables are created in; tables take their engine names
  /// (`trusted_users`, `user_sessions`, ...).
  std::string ns = "streampro";
  /// Commit attempts per table when other writers commit first.
  int max_attempts = 4;
};

struct TableCommit {
  const catalog::TableDef* table = nullptr;
  bool committed = false;  ///< false: the current snapshot already held the files
  std::string metadata_location;
  /// Files under `_iceberg/` a stopped earlier commit left, removed before this commit.
  std::vector<RemovedFile> orphans;
};

/// The trusted and enriched Parquet tables, in catalog order.
std::vector<const catalog::TableDef*> IcebergTables();

/// Commits every table of IcebergTables() that has a published partition; `now_ms`
/// stamps the new snapshots.
Result<std::vector<TableCommit>> CommitLakeTables(const lake::Lake& lake,
                                                  const LakeTablesOptions& options, int64_t now_ms);

/// Expires snapshots of every table of IcebergTables() the catalog has (history.h).
Result<std::vector<TableExpiry>> ExpireLakeTables(const lake::Lake& lake,
                                                  const LakeTablesOptions& options,
                                                  const ExpireOptions& expire, int64_t now_ms);

}  // namespace streampro::iceberg
