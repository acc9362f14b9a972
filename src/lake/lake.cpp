#include "lake/lake.h"

#include <fmt/format.h>

#include <algorithm>

#include "lake/commit_protocol.h"

namespace streampro::lake {

std::string_view CommitStepName(CommitStep step) {
  switch (step) {
    case CommitStep::kFilesVerified:
      return "files_verified";
    case CommitStep::kManifestWritten:
      return "manifest_written";
    case CommitStep::kMovedAside:
      return "moved_aside";
    case CommitStep::kPublished:
      return "published";
    case CommitStep::kIcebergLinked:
      return "iceberg_linked";
    case CommitStep::kIcebergManifestWritten:
      return "iceberg_manifest_written";
    case CommitStep::kIcebergMetadataWritten:
      return "iceberg_metadata_written";
    case CommitStep::kIcebergCommitted:
      return "iceberg_committed";
  }
  return "";
}

std::optional<CommitStep> CommitStepFromName(std::string_view name) {
  for (const CommitStep step :
       {CommitStep::kFilesVerified, CommitStep::kManifestWritten, CommitStep::kMovedAside,
        CommitStep::kPublished, CommitStep::kIcebergLinked, CommitStep::kIcebergManifestWritten,
        CommitStep::kIcebergMetadataWritten, CommitStep::kIcebergCommitted}) {
    if (CommitStepName(step) == name) return step;
  }
  return std::nullopt;
}

Result<std::shared_ptr<const Lake>> Lake::Open(storage::ObjectRef root, LakeOptions options) {
  RETURN_NOT_OK(options.folders.Validate());
  while (root.key.size() > 1 && root.key.ends_with('/')) root.key.pop_back();
  ASSIGN_OR_RETURN(std::unique_ptr<CommitProtocol> protocol, MakeCommitProtocol(root, options));
  return std::shared_ptr<const Lake>(
      new Lake(std::move(root), std::move(options), std::move(protocol)));
}

Lake::Lake(storage::ObjectRef root, LakeOptions options, std::unique_ptr<CommitProtocol> protocol)
    : root_(std::move(root)),
      uri_(root_.uri()),
      options_(std::move(options)),
      protocol_(std::move(protocol)) {}

Lake::~Lake() = default;

std::string Lake::Uri(std::string_view relative_key) const {
  return storage::JoinUri(uri_, relative_key);
}

std::string Lake::TableUri(const catalog::TableDef& table) const {
  return Uri(storage::JoinUri(options_.folders.Of(table.layer), table.folder));
}

std::string Lake::PartitionUri(const catalog::TableDef& table, Date date) const {
  return storage::JoinUri(TableUri(table), PartitionFolderName(date));
}

std::string Lake::ManifestUri(const catalog::TableDef& table, Date date) const {
  return storage::JoinUri(PartitionUri(table, date), kManifestFileName);
}

std::string Lake::RelativeKey(std::string_view uri) const {
  if (!uri.starts_with(uri_)) return std::string();
  uri.remove_prefix(uri_.size());
  if (!uri.empty() && uri.front() != '/') return std::string();
  while (uri.starts_with('/')) uri.remove_prefix(1);
  return std::string(uri);
}

Result<std::string> Lake::KeyOf(std::string_view uri) const {
  if (uri == uri_) return root_.key;
  if (!uri.starts_with(uri_) || uri.size() <= uri_.size() || uri[uri_.size()] != '/') {
    return Status::Internal(fmt::format("{}: not under the lake {}", uri, uri_));
  }
  return storage::JoinUri(root_.key, RelativeKey(uri));
}

Result<std::unique_ptr<RandomAccessFile>> Lake::OpenRead(std::string_view uri) const {
  ASSIGN_OR_RETURN(const std::string key, KeyOf(uri));
  return root_.store->OpenRead(key);
}

Result<std::string> Lake::Read(std::string_view uri) const {
  ASSIGN_OR_RETURN(const std::string key, KeyOf(uri));
  return root_.store->ReadAll(key);
}

Result<std::optional<std::string>> Lake::ReadIfExists(std::string_view uri) const {
  Result<std::string> read = Read(uri);
  if (!read.ok()) {
    if (read.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
    return read.status();
  }
  return std::optional<std::string>(std::move(read).value());
}

Result<std::optional<storage::ObjectInfo>> Lake::Head(std::string_view uri) const {
  ASSIGN_OR_RETURN(const std::string key, KeyOf(uri));
  return root_.store->Head(key);
}

Status Lake::Write(std::string_view uri, std::string_view bytes) const {
  ASSIGN_OR_RETURN(const std::string key, KeyOf(uri));
  return root_.store->WriteAll(key, bytes);
}

Status Lake::Link(std::string_view from, std::string_view to) const {
  ASSIGN_OR_RETURN(const std::string from_key, KeyOf(from));
  ASSIGN_OR_RETURN(const std::string to_key, KeyOf(to));
  return root_.store->Link(from_key, to_key);
}

Status Lake::Delete(std::string_view uri) const {
  ASSIGN_OR_RETURN(const std::string key, KeyOf(uri));
  return root_.store->Delete(key);
}

Result<std::vector<storage::ObjectInfo>> Lake::List(std::string_view uri) const {
  ASSIGN_OR_RETURN(const std::string key, KeyOf(uri));
  ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> objects, root_.store->List(key));
  for (storage::ObjectInfo& object : objects) object.key = root_.store->Uri(object.key);
  return objects;
}

Result<std::vector<Date>> Lake::ListPartitions(const catalog::TableDef& table) const {
  const std::string dir = TableUri(table);
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, List(dir));
  // One listing of the table: the partitions are the `ingestion_date=D/_manifest.json` keys.
  const std::string prefix = dir + "/";
  const std::string suffix = fmt::format("/{}", kManifestFileName);
  std::vector<Date> dates;
  for (const storage::ObjectInfo& object : objects) {
    std::string_view key = object.key;
    if (!key.starts_with(prefix) || !key.ends_with(suffix)) continue;
    key.remove_prefix(prefix.size());
    key.remove_suffix(suffix.size());
    if (key.find('/') != std::string_view::npos) continue;
    if (const std::optional<Date> date = ParsePartitionFolderName(key)) dates.push_back(*date);
  }
  std::sort(dates.begin(), dates.end());
  return dates;
}

Result<std::optional<Date>> Lake::NewestPartitionAtOrBefore(const catalog::TableDef& table,
                                                            Date date) const {
  ASSIGN_OR_RETURN(const std::vector<Date> dates, ListPartitions(table));
  std::optional<Date> newest;
  for (const Date d : dates) {
    if (d <= date) newest = d;
  }
  return newest;
}

}  // namespace streampro::lake
