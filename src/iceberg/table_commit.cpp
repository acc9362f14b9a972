#include "iceberg/table_commit.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "iceberg/data_file.h"
#include "iceberg/location.h"
#include "lake/durable_fs.h"
#include "lake/manifest.h"

namespace streampro::iceberg {

namespace {

// The version number of a metadata file named `NNNNN-uuid.metadata.json`, or 0.
int64_t MetadataVersion(std::string_view uri) {
  const size_t slash = uri.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? uri : uri.substr(slash + 1);
  int64_t version = 0;
  size_t i = 0;
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9'; ++i) {
    version = version * 10 + (name[i] - '0');
  }
  return i > 0 && i < name.size() && name[i] == '-' ? version : 0;
}

// A file is the same file when its path, size and partition version are.
std::string Key(const std::string& uri, int64_t bytes, std::string_view version) {
  return fmt::format("{}\n{}\n{}", uri, bytes, version);
}

// kPartitionVersionsProperty as days -> version.
std::map<int32_t, std::string> ParseVersions(const std::map<std::string, std::string>& properties) {
  std::map<int32_t, std::string> versions;
  const auto found = properties.find(std::string(kPartitionVersionsProperty));
  if (found == properties.end()) return versions;
  std::string_view rest = found->second;
  while (!rest.empty()) {
    const size_t end = std::min(rest.find(';'), rest.size());
    const std::string_view item = rest.substr(0, end);
    const size_t eq = item.find('=');
    if (eq != std::string_view::npos) {
      if (const auto date = ParseIsoDate(item.substr(0, eq))) {
        versions[date->days_since_epoch] = std::string(item.substr(eq + 1));
      }
    }
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  return versions;
}

}  // namespace

std::string MetadataFolder(const lake::Lake& lake, const catalog::TableDef& table) {
  return lake.TableUri(table) + "/" + std::string(kMetadataFolderName);
}

std::string CommitMarkerUri(const lake::Lake& lake, const catalog::TableDef& table) {
  return MetadataFolder(lake, table) + "/" + std::string(kCommitMarkerName);
}

std::string DataFileUri(const lake::Lake& lake, const catalog::TableDef& table,
                        const WantedFile& file) {
  const size_t slash = file.uri.rfind('/');
  const std::string_view name =
      std::string_view(file.uri).substr(slash == std::string::npos ? 0 : slash + 1);
  return fmt::format("{}/data/{}/{}/{}", MetadataFolder(lake, table),
                     lake::PartitionFolderName(file.date), file.run_id, name);
}

Result<std::vector<WantedFile>> PublishedFiles(const lake::Lake& lake,
                                               const catalog::TableDef& table) {
  std::vector<WantedFile> files;
  ASSIGN_OR_RETURN(const std::vector<Date> dates, lake.ListPartitions(table));
  for (const Date date : dates) {
    ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> manifest,
                     lake::ReadManifest(lake, table, date));
    if (!manifest) continue;  // dropped since it was listed
    for (const lake::FileEntry& entry : manifest->files) {
      if (!entry.name.ends_with(".parquet")) continue;
      files.push_back({lake::FileUri(lake, *manifest, entry), entry.bytes, entry.rows.value_or(0),
                       date, manifest->run_id + "@" + manifest->committed_at, manifest->run_id});
    }
  }
  return files;
}

Result<std::vector<ManifestEntry>> LiveEntries(const lake::Lake& lake, const Snapshot& snapshot) {
  ASSIGN_OR_RETURN(const std::string list_bytes,
                   lake.Read(FromIcebergLocation(snapshot.manifest_list)));
  ASSIGN_OR_RETURN(const std::vector<ManifestFile> manifests,
                   ReadManifestList(list_bytes, snapshot.manifest_list));
  std::vector<ManifestEntry> live;
  for (const ManifestFile& m : manifests) {
    ASSIGN_OR_RETURN(const std::string bytes, lake.Read(FromIcebergLocation(m.path)));
    ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries,
                     ReadManifest(bytes, m.path, m.sequence_number));
    for (ManifestEntry& e : entries) {
      if (e.status == EntryStatus::kAdded && e.snapshot_id == 0)
        e.snapshot_id = m.added_snapshot_id;
      if (e.status != EntryStatus::kDeleted) live.push_back(std::move(e));
    }
  }
  return live;
}

Result<std::optional<std::string>> WriteNextMetadata(const lake::Lake& lake,
                                                     const catalog::TableDef& table,
                                                     const std::optional<std::string>& current,
                                                     const std::vector<WantedFile>& wanted,
                                                     int64_t now_ms) {
  TableMetadata metadata;
  std::vector<ManifestEntry> live;
  if (current) {
    ASSIGN_OR_RETURN(const std::string json, lake.Read(FromIcebergLocation(*current)));
    ASSIGN_OR_RETURN(metadata, ParseTableMetadata(json, *current));
    if (const Snapshot* snapshot = metadata.CurrentSnapshot()) {
      ASSIGN_OR_RETURN(live, LiveEntries(lake, *snapshot));
    }
  } else {
    metadata.table_uuid = RandomUuid();
    metadata.location = ToIcebergLocation(lake.TableUri(table));
  }

  // Which files stay, which are new, which go.
  const std::map<int32_t, std::string> versions = ParseVersions(metadata.properties);
  const auto live_key = [&](const ManifestEntry& e) {
    const auto v = versions.find(e.file.partition.days_since_epoch);
    return Key(e.file.path, e.file.file_size_in_bytes, v == versions.end() ? "" : v->second);
  };
  std::map<std::string, const ManifestEntry*> live_by_key;
  for (const ManifestEntry& e : live) live_by_key[live_key(e)] = &e;
  // A wanted file is in the current snapshot under its immutable path, or, when that
  // snapshot was committed before immutable paths, under its Hive-style path.
  // Hive-style paths were written as plain paths first, then as file:// locations.
  const auto find_live = [&](const WantedFile& w) {
    auto found =
        live_by_key.find(Key(ToIcebergLocation(DataFileUri(lake, table, w)), w.bytes, w.version));
    if (found == live_by_key.end()) {
      found = live_by_key.find(Key(ToIcebergLocation(w.uri), w.bytes, w.version));
    }
    if (found == live_by_key.end()) found = live_by_key.find(Key(w.uri, w.bytes, w.version));
    return found;
  };
  std::set<std::string> kept_keys;
  std::map<int32_t, std::string> wanted_versions;
  for (const WantedFile& w : wanted) {
    const auto found = find_live(w);
    if (found != live_by_key.end()) kept_keys.insert(found->first);
    wanted_versions[w.date.days_since_epoch] = w.version;
  }
  const bool unchanged = current && metadata.CurrentSnapshot() != nullptr &&
                         kept_keys.size() == wanted.size() &&
                         kept_keys.size() == live_by_key.size();
  if (unchanged) return std::optional<std::string>();

  // Until the catalog names the new metadata, what follows is unreachable; the marker
  // makes the next run remove it if this one stops (RemoveOrphans).
  RETURN_NOT_OK(lake.Write(CommitMarkerUri(lake, table), "an Iceberg commit is under way\n"));
  if (lake.local_root()) {
    RETURN_NOT_OK(lake::internal::FsyncDirectory(MetadataFolder(lake, table)));
  }

  const std::optional<int64_t> parent = metadata.current_snapshot_id;
  const int64_t snapshot_id = RandomSnapshotId();
  const int64_t sequence_number = metadata.last_sequence_number + 1;
  std::vector<ManifestEntry> entries;
  int64_t added_files = 0, added_rows = 0, deleted_files = 0, deleted_rows = 0, total_rows = 0;
  std::set<int32_t> changed_dates;
  std::set<std::string> link_folders;
  for (const WantedFile& w : wanted) {
    const auto found = find_live(w);
    if (found != live_by_key.end()) {
      ManifestEntry e = *found->second;
      e.status = EntryStatus::kExisting;
      entries.push_back(std::move(e));
    } else {
      // The snapshot names the file's immutable path; the footer is read through it.
      const std::string path = DataFileUri(lake, table, w);
      RETURN_NOT_OK(lake.Link(w.uri, path));
      if (lake.local_root()) {
        // The run's folder, its date folder and `data` may all be new.
        std::string folder = path.substr(0, path.rfind('/'));
        for (int level = 0; level < 3; ++level) {
          link_folders.insert(folder);
          folder.resize(folder.rfind('/'));
        }
      }
      ASSIGN_OR_RETURN(auto file, lake.OpenRead(path));
      ManifestEntry e;
      e.status = EntryStatus::kAdded;
      e.snapshot_id = snapshot_id;
      ASSIGN_OR_RETURN(
          e.file, DescribeParquetFile(std::shared_ptr<RandomAccessFile>(std::move(file)), table,
                                      ToIcebergLocation(path), w.bytes, w.date));
      ++added_files;
      added_rows += e.file.record_count;
      changed_dates.insert(w.date.days_since_epoch);
      entries.push_back(std::move(e));
    }
    total_rows += entries.back().file.record_count;
  }
  // New links must be durable before any metadata names them.
  for (const std::string& link_folder : link_folders) {
    RETURN_NOT_OK(lake::internal::FsyncDirectory(link_folder));
  }
  lake.Notify(lake::CommitStep::kIcebergLinked);
  for (const ManifestEntry& e : live) {
    if (kept_keys.count(live_key(e)) > 0) continue;
    ManifestEntry gone = e;
    gone.status = EntryStatus::kDeleted;
    gone.snapshot_id = snapshot_id;
    ++deleted_files;
    deleted_rows += e.file.record_count;
    changed_dates.insert(e.file.partition.days_since_epoch);
    entries.push_back(std::move(gone));
  }

  const std::string folder = MetadataFolder(lake, table);
  const std::string commit_uuid = RandomUuid();
  const std::string manifest_uri = fmt::format("{}/{}-m0.avro", folder, commit_uuid);
  ASSIGN_OR_RETURN(const std::string manifest_bytes, WriteManifest(table, entries));
  RETURN_NOT_OK(lake.Write(manifest_uri, manifest_bytes));
  const ManifestFile manifest =
      SummarizeManifest(entries, ToIcebergLocation(manifest_uri),
                        static_cast<int64_t>(manifest_bytes.size()), snapshot_id, sequence_number);
  const std::string list_uri =
      fmt::format("{}/snap-{}-1-{}.avro", folder, snapshot_id, commit_uuid);
  ASSIGN_OR_RETURN(const std::string list_bytes,
                   WriteManifestList({manifest}, snapshot_id, parent, sequence_number));
  RETURN_NOT_OK(lake.Write(list_uri, list_bytes));
  lake.Notify(lake::CommitStep::kIcebergManifestWritten);

  Snapshot snapshot;
  snapshot.snapshot_id = snapshot_id;
  snapshot.parent_snapshot_id = parent;
  snapshot.sequence_number = sequence_number;
  snapshot.timestamp_ms = now_ms;
  snapshot.manifest_list = ToIcebergLocation(list_uri);
  snapshot.summary = {
      {"operation", deleted_files > 0 ? "overwrite" : "append"},
      {"added-data-files", std::to_string(added_files)},
      {"deleted-data-files", std::to_string(deleted_files)},
      {"added-records", std::to_string(added_rows)},
      {"deleted-records", std::to_string(deleted_rows)},
      {"changed-partition-count", std::to_string(changed_dates.size())},
      {"total-records", std::to_string(total_rows)},
      {"total-data-files", std::to_string(wanted.size())},
      {"total-delete-files", "0"},
      {"total-position-deletes", "0"},
      {"total-equality-deletes", "0"},
  };
  if (current) metadata.metadata_log.push_back({metadata.last_updated_ms, *current});
  metadata.snapshots.push_back(std::move(snapshot));
  metadata.current_snapshot_id = snapshot_id;
  metadata.last_sequence_number = sequence_number;
  metadata.last_updated_ms = now_ms;
  metadata.snapshot_log.push_back({now_ms, snapshot_id});
  metadata.properties["schema.name-mapping.default"] = NameMappingJson(table);
  metadata.properties["write.format.default"] = "parquet";
  metadata.properties["write.metadata.path"] = ToIcebergLocation(folder);
  std::string version_list;
  for (const auto& [days, version] : wanted_versions) {
    if (!version_list.empty()) version_list += ';';
    version_list += FormatIsoDate(Date{days}) + "=" + version;
  }
  metadata.properties[std::string(kPartitionVersionsProperty)] = version_list;

  ASSIGN_OR_RETURN(const std::string metadata_uri,
                   WriteMetadataFile(lake, table, metadata, current));
  return std::optional<std::string>(metadata_uri);
}

Result<std::string> WriteMetadataFile(const lake::Lake& lake, const catalog::TableDef& table,
                                      const TableMetadata& metadata,
                                      const std::optional<std::string>& current) {
  const std::string folder = MetadataFolder(lake, table);
  const int64_t version = current ? MetadataVersion(*current) + 1 : 0;
  const std::string metadata_uri =
      fmt::format("{}/{:05d}-{}.metadata.json", folder, version, RandomUuid());
  RETURN_NOT_OK(lake.Write(metadata_uri, ToJson(metadata, table)));
  // Each file was fsynced as it was closed; on a file system the folder's entries must be
  // durable too before the catalog names the new metadata file.
  if (lake.local_root()) RETURN_NOT_OK(lake::internal::FsyncDirectory(folder));
  lake.Notify(lake::CommitStep::kIcebergMetadataWritten);
  return ToIcebergLocation(metadata_uri);
}

}  // namespace streampro::iceberg
