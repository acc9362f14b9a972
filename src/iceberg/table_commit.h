#pragma once

// One Iceberg commit of a lake table: from the files the table should hold now (what the
// lake's published partition manifests name) and the table's current metadata, the next
// metadata file — a new snapshot whose manifest lists every live file (unchanged files as
// EXISTING, new ones ADDED, dropped ones DELETED) — or nothing when the current snapshot
// already holds exactly those files. Files go to `{table}/_iceberg/`, each name unique.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/date.h"
#include "iceberg/manifest.h"
#include "iceberg/table_metadata.h"
#include "lake/lake.h"
#include "streampro/status.h"

namespace streampro::iceberg {

/// A data file the table should hold.
struct WantedFile {
  std::string uri;
  int64_t bytes = 0;
  int64_t rows = 0;
  Date date;
  /// The published version of its partition (the run that wrote it): a re-run that
  /// writes a file of the same name and size is still a new file.
  std::string version;
  /// The run that published it (the partition manifest's run id): names the file's
  /// immutable path (DataFileUri).
  std::string run_id;
};

/// The table property that records each date's partition version the current snapshot
/// holds: `YYYY-MM-DD=version` entries joined by `;`.
inline constexpr std::string_view kPartitionVersionsProperty = "streampro.partition-versions";

/// Every Parquet file of every published partition of `table`, from the partitions'
/// manifests (src/lake/manifest.h), by date then name.
Result<std::vector<WantedFile>> PublishedFiles(const lake::Lake& lake,
                                               const catalog::TableDef& table);

/// The folder of a table's Iceberg metadata, under the table folder. Not Iceberg's usual
/// `metadata/`: a name starting with `_` is hidden to the engines that read the Hive-style
/// layout (Spark's partition discovery refuses a `metadata` folder beside the
/// `ingestion_date=D` ones), and `_` names are the lake's own. The table property
/// `write.metadata.path` points other Iceberg writers at it.
inline constexpr std::string_view kMetadataFolderName = "_iceberg";

/// `{table}/_iceberg`.
std::string MetadataFolder(const lake::Lake& lake, const catalog::TableDef& table);

/// Written into `_iceberg/` before a commit writes anything there, removed once the
/// catalog names the new metadata (or nothing was committed): while it is there, files
/// under `_iceberg/` may be orphans of a stopped commit (RemoveOrphans, history.h).
inline constexpr std::string_view kCommitMarkerName = "commit-in-progress";

/// `{table}/_iceberg/commit-in-progress`.
std::string CommitMarkerUri(const lake::Lake& lake, const catalog::TableDef& table);

/// Where a snapshot finds the bytes of a published file: a path of its own per partition
/// version, `{table}/_iceberg/data/ingestion_date=D/{run_id}/{name}`, made by
/// lake::Lake::Link (a hard link on a local lake), so a re-run of D, which replaces the
/// Hive-style partition folder and reuses its file names, leaves older snapshots readable.
std::string DataFileUri(const lake::Lake& lake, const catalog::TableDef& table,
                        const WantedFile& file);

/// Writes the manifest, manifest list and metadata file of the next snapshot of `table`
/// after `current` (the metadata_location the catalog holds; nullopt for a new table) so
/// that it holds exactly `wanted`; returns the new metadata file's URI, or nullopt when
/// the current snapshot holds those files already. Metrics of files not in the current
/// snapshot come from their Parquet footers. `now_ms` stamps the snapshot.
Result<std::optional<std::string>> WriteNextMetadata(const lake::Lake& lake,
                                                     const catalog::TableDef& table,
                                                     const std::optional<std::string>& current,
                                                     const std::vector<WantedFile>& wanted,
                                                     int64_t now_ms);

/// Writes `metadata` as the metadata file after `current` (`NNNNN-{uuid}.metadata.json`,
/// NNNNN one more than current's) in `_iceberg/`, durable before it returns; its Iceberg
/// location (iceberg/location.h).
Result<std::string> WriteMetadataFile(const lake::Lake& lake, const catalog::TableDef& table,
                                      const TableMetadata& metadata,
                                      const std::optional<std::string>& current);

/// The live files (status ADDED or EXISTING) of a snapshot, read from its manifest list.
Result<std::vector<ManifestEntry>> LiveEntries(const lake::Lake& lake, const Snapshot& snapshot);

}  // namespace streampro::iceberg
