#include "iceberg/history.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "iceberg/location.h"
#include "iceberg/manifest.h"
#include "iceberg/table_commit.h"

namespace streampro::iceberg {

namespace {

// Adds to `reachable` the manifest list of `snapshot`, its manifests and their live files.
Status AddSnapshotFiles(const lake::Lake& lake, const Snapshot& snapshot,
                        std::set<std::string>* reachable) {
  reachable->insert(FromIcebergLocation(snapshot.manifest_list));
  ASSIGN_OR_RETURN(const std::string list_bytes,
                   lake.Read(FromIcebergLocation(snapshot.manifest_list)));
  ASSIGN_OR_RETURN(const std::vector<ManifestFile> manifests,
                   ReadManifestList(list_bytes, snapshot.manifest_list));
  for (const ManifestFile& m : manifests) reachable->insert(FromIcebergLocation(m.path));
  ASSIGN_OR_RETURN(const std::vector<ManifestEntry> live, LiveEntries(lake, snapshot));
  for (const ManifestEntry& e : live) reachable->insert(FromIcebergLocation(e.file.path));
  return Status::OK();
}

Result<TableMetadata> ReadMetadata(const lake::Lake& lake, const std::string& location) {
  ASSIGN_OR_RETURN(const std::string json, lake.Read(FromIcebergLocation(location)));
  return ParseTableMetadata(json, location);
}

Status DeleteAll(const lake::Lake& lake, const std::vector<RemovedFile>& files) {
  for (const RemovedFile& file : files) RETURN_NOT_OK(lake.Delete(file.uri));
  return Status::OK();
}

}  // namespace

Result<std::vector<RemovedFile>> UnreachableFiles(const lake::Lake& lake,
                                                  const catalog::TableDef& table,
                                                  const TableMetadata& metadata,
                                                  const std::string& metadata_location) {
  // Metadata names lake URIs as Iceberg locations (file:///... on a local lake).
  const std::string itself = FromIcebergLocation(metadata_location);
  std::set<std::string> reachable = {itself, CommitMarkerUri(lake, table)};
  for (const MetadataLogEntry& entry : metadata.metadata_log) {
    reachable.insert(FromIcebergLocation(entry.metadata_file));
  }
  for (const Snapshot& snapshot : metadata.snapshots) {
    RETURN_NOT_OK(AddSnapshotFiles(lake, snapshot, &reachable));
  }
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects,
                   lake.List(MetadataFolder(lake, table)));
  std::vector<RemovedFile> unreachable;
  bool listed_itself = false;
  for (const storage::ObjectInfo& object : objects) {
    listed_itself = listed_itself || object.key == itself;
    if (reachable.count(object.key) == 0) unreachable.push_back({object.key, object.size});
  }
  // The metadata names files by the lake URI of the run that wrote them; a lake given
  // another way since (a relative path, then an absolute one) lists other names, and
  // everything would look unreachable.
  if (!listed_itself) {
    return Status::InvalidData(fmt::format(
        "iceberg table {}: the catalog names {}, which the listing of {} does not hold (is the "
        "lake given by another path than when it was committed?); nothing was deleted",
        table.sql_name, metadata_location, MetadataFolder(lake, table)));
  }
  return unreachable;
}

Result<std::vector<RemovedFile>> RemoveOrphans(const lake::Lake& lake,
                                               const catalog::TableDef& table,
                                               const std::optional<std::string>& current) {
  const std::string marker = CommitMarkerUri(lake, table);
  ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> found, lake.Head(marker));
  if (!found) return std::vector<RemovedFile>();
  std::vector<RemovedFile> orphans;
  if (current) {
    ASSIGN_OR_RETURN(const TableMetadata metadata, ReadMetadata(lake, *current));
    ASSIGN_OR_RETURN(orphans, UnreachableFiles(lake, table, metadata, *current));
  } else {
    // The catalog never named a metadata file: everything under `_iceberg/` is the
    // stopped first commit's.
    ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects,
                     lake.List(MetadataFolder(lake, table)));
    for (const storage::ObjectInfo& object : objects) {
      if (object.key != marker) orphans.push_back({object.key, object.size});
    }
  }
  RETURN_NOT_OK(DeleteAll(lake, orphans));
  RETURN_NOT_OK(lake.Delete(marker));
  return orphans;
}

std::vector<int64_t> ExpiredSnapshots(const TableMetadata& metadata, const ExpireOptions& options) {
  if (!options.keep_snapshots && !options.older_than_ms) return {};
  // Newest first by commit time (then by sequence number).
  std::vector<const Snapshot*> newest_first;
  for (const Snapshot& s : metadata.snapshots) newest_first.push_back(&s);
  std::stable_sort(newest_first.begin(), newest_first.end(),
                   [](const Snapshot* a, const Snapshot* b) {
                     if (a->timestamp_ms != b->timestamp_ms)
                       return a->timestamp_ms > b->timestamp_ms;
                     return a->sequence_number > b->sequence_number;
                   });
  std::vector<int64_t> expired;
  for (size_t rank = 0; rank < newest_first.size(); ++rank) {
    const Snapshot& s = *newest_first[rank];
    if (metadata.current_snapshot_id == s.snapshot_id) continue;
    const bool beyond_newest =
        !options.keep_snapshots || static_cast<int64_t>(rank) >= *options.keep_snapshots;
    const bool old = !options.older_than_ms || s.timestamp_ms < *options.older_than_ms;
    if (beyond_newest && old) expired.push_back(s.snapshot_id);
  }
  std::sort(expired.begin(), expired.end());
  return expired;
}

int64_t TableExpiry::removed_bytes() const {
  int64_t bytes = 0;
  for (const RemovedFile& f : removed) bytes += f.bytes;
  return bytes;
}

Result<TableExpiry> ExpireTable(const lake::Lake& lake, TableCatalog& catalog,
                                const TableIdent& ident, const catalog::TableDef& table,
                                const ExpireOptions& options, int64_t now_ms) {
  TableExpiry expiry;
  expiry.table = &table;
  // The metadata without the expired snapshots, from the current one.
  const auto without_expired = [&](const TableMetadata& current, const std::string& location) {
    TableMetadata next = current;
    const std::vector<int64_t> expired = ExpiredSnapshots(current, options);
    const auto gone = [&](int64_t id) {
      return std::binary_search(expired.begin(), expired.end(), id);
    };
    std::erase_if(next.snapshots, [&](const Snapshot& s) { return gone(s.snapshot_id); });
    std::erase_if(next.snapshot_log,
                  [&](const SnapshotLogEntry& e) { return gone(e.snapshot_id); });
    next.metadata_log.push_back({current.last_updated_ms, location});
    if (next.metadata_log.size() > kMetadataLogKept) {
      next.metadata_log.erase(next.metadata_log.begin(),
                              next.metadata_log.end() - static_cast<ptrdiff_t>(kMetadataLogKept));
    }
    next.last_updated_ms = now_ms;
    return std::make_pair(next, expired);
  };

  ASSIGN_OR_RETURN(const std::optional<std::string> location, catalog.LoadMetadataLocation(ident));
  if (!location) return expiry;
  ASSIGN_OR_RETURN(const TableMetadata current, ReadMetadata(lake, *location));
  if (options.dry_run) {
    auto [next, expired] = without_expired(current, *location);
    expiry.expired_snapshots = expired;
    expiry.kept_snapshots = static_cast<int64_t>(next.snapshots.size());
    if (expired.empty()) next = current;
    // The new metadata file would reach what `next` names; the current one goes to its log.
    ASSIGN_OR_RETURN(expiry.removed, UnreachableFiles(lake, table, next, *location));
    return expiry;
  }

  const std::string marker = CommitMarkerUri(lake, table);
  RETURN_NOT_OK(lake.Write(marker, "an Iceberg commit is under way\n"));
  ASSIGN_OR_RETURN(
      const CommitOutcome outcome,
      CommitTable(
          catalog, ident,
          [&](const std::optional<std::string>& at) -> Result<std::optional<std::string>> {
            if (!at) return std::optional<std::string>();
            ASSIGN_OR_RETURN(const TableMetadata now, ReadMetadata(lake, *at));
            auto [next, expired] = without_expired(now, *at);
            expiry.expired_snapshots = expired;
            expiry.kept_snapshots = static_cast<int64_t>(now.snapshots.size());
            if (expired.empty()) return std::optional<std::string>();
            expiry.kept_snapshots = static_cast<int64_t>(next.snapshots.size());
            ASSIGN_OR_RETURN(const std::string uri, WriteMetadataFile(lake, table, next, at));
            return std::optional<std::string>(uri);
          },
          options.max_attempts));
  if (outcome.committed) lake.Notify(lake::CommitStep::kIcebergCommitted);
  const std::string kept_location = outcome.metadata_location.value_or(*location);
  ASSIGN_OR_RETURN(const TableMetadata kept, ReadMetadata(lake, kept_location));
  ASSIGN_OR_RETURN(expiry.removed, UnreachableFiles(lake, table, kept, kept_location));
  RETURN_NOT_OK(DeleteAll(lake, expiry.removed));
  RETURN_NOT_OK(lake.Delete(marker));
  return expiry;
}

}  // namespace streampro::iceberg
