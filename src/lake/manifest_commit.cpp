#include "lake/manifest_commit.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "lake/lake_lock.h"

namespace streampro::lake {

namespace internal {

namespace {

Status WriteIntent(const Lake& lake, const std::string& staging_uri,
                   const std::string& partition_key) {
  return lake.Write(storage::JoinUri(staging_uri, kIntentFileName),
                    fmt::format("{{\"partition\": {}}}\n", JsonString(partition_key)));
}

}  // namespace

Status RemoveObjectsUnder(const Lake& lake, const std::string& prefix_uri) {
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, lake.List(prefix_uri));
  for (const storage::ObjectInfo& object : objects) RETURN_NOT_OK(lake.Delete(object.key));
  return Status::OK();
}

Status SettlePartition(const Lake& lake, const std::string& partition_key,
                       const std::string& staging_key, bool* completed) {
  *completed = false;
  const std::string partition_uri = lake.Uri(partition_key);
  const std::string manifest_uri = storage::JoinUri(partition_uri, kManifestFileName);

  std::optional<PartitionManifest> manifest;
  ASSIGN_OR_RETURN(const std::optional<std::string> json, lake.ReadIfExists(manifest_uri));
  if (json) {
    ASSIGN_OR_RETURN(PartitionManifest parsed, PartitionManifest::FromJson(*json, manifest_uri));
    manifest = std::move(parsed);
  }

  // 1. Roll a committed-but-staged version forward into its SPEC keys.
  if (manifest) {
    bool staged = false;
    for (const FileEntry& file : manifest->files) {
      if (file.object && file.object->starts_with(staging_key + "/")) staged = true;
    }
    if (staged) {
      bool first = true;
      for (FileEntry& file : manifest->files) {
        if (!file.object) continue;
        const std::string target = storage::JoinUri(partition_uri, file.name);
        ASSIGN_OR_RETURN(const std::string source_key, lake.KeyOf(lake.Uri(*file.object)));
        ASSIGN_OR_RETURN(const std::string target_key, lake.KeyOf(target));
        RETURN_NOT_OK(lake.store().Copy(source_key, target_key, {}));
        ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> copied, lake.Head(target));
        if (!copied || copied->size != file.bytes) {
          return Status::IOError(fmt::format("{}: copy into place gave {} bytes, expected {}",
                                             target, copied ? copied->size : -1, file.bytes));
        }
        file.object.reset();
        if (first) lake.Notify(CommitStep::kMovedAside);
        first = false;
      }
      RETURN_NOT_OK(lake.Write(manifest_uri, manifest->ToJson()));
      *completed = true;
    }
  }

  // 2. Objects of the partition that the manifest does not name: a replaced version, or a
  // version that never committed.
  std::set<std::string> named;
  if (manifest) {
    named.insert(manifest_uri);
    for (const FileEntry& file : manifest->files) {
      if (!file.object) named.insert(storage::JoinUri(partition_uri, file.name));
    }
  }
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, lake.List(partition_uri));
  for (const storage::ObjectInfo& object : objects) {
    if (!named.contains(object.key)) RETURN_NOT_OK(lake.Delete(object.key));
  }

  // 3. The staged copies and the intent.
  return RemoveObjectsUnder(lake, lake.Uri(staging_key));
}

}  // namespace internal

namespace {

using internal::kIntentFileName;

class ManifestCommit final : public CommitProtocol {
 public:
  std::string_view name() const override { return "object-manifest"; }

  // Settles every intent under `{root}/_staging/` that belongs to another run (the caller
  // holds the lake lock, so those runs are dead), then deletes their staging objects.
  Status Recover(const Lake& lake, const std::string& own_run_id,
                 LakeRecovery* recovery) const override {
    const std::string staging_uri = lake.Uri(kStagingFolderName);
    ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, lake.List(staging_uri));
    // run id -> its intents' staging keys (relative to root)
    std::map<std::string, std::vector<std::string>> runs;
    const std::string prefix = staging_uri + "/";
    const std::string intent_suffix = fmt::format("/{}", kIntentFileName);
    for (const storage::ObjectInfo& object : objects) {
      std::string_view rest(object.key);
      if (!rest.starts_with(prefix)) continue;
      rest.remove_prefix(prefix.size());
      const size_t slash = rest.find('/');
      const std::string run(rest.substr(0, slash));
      if (run == own_run_id) continue;
      std::vector<std::string>& intents = runs[run];
      if (rest.ends_with(intent_suffix)) {
        rest.remove_suffix(intent_suffix.size());
        intents.push_back(fmt::format("{}/{}", kStagingFolderName, rest));
      }
    }
    for (const auto& [run, intents] : runs) {
      for (const std::string& staging_key : intents) {
        const std::string intent_uri = storage::JoinUri(lake.Uri(staging_key), kIntentFileName);
        ASSIGN_OR_RETURN(const std::string body, lake.Read(intent_uri));
        simdjson::dom::parser parser;
        simdjson::dom::element element;
        std::string_view partition_key;
        if (parser.parse(body).get(element) != simdjson::SUCCESS ||
            element["partition"].get_string().get(partition_key) != simdjson::SUCCESS ||
            partition_key.empty() || partition_key.find("..") != std::string_view::npos) {
          return Status::InvalidData(fmt::format("{}: not a publish intent", intent_uri));
        }
        bool completed = false;
        RETURN_NOT_OK(
            internal::SettlePartition(lake, std::string(partition_key), staging_key, &completed));
        if (completed) recovery->completed_partitions.push_back(std::string(partition_key));
      }
      RETURN_NOT_OK(internal::RemoveObjectsUnder(lake, storage::JoinUri(staging_uri, run)));
      recovery->removed_staging.push_back(run);
    }
    return Status::OK();
  }

  Result<StagedPartition> Begin(const LakeLock& lock, const catalog::TableDef& table,
                                Date date) const override {
    const Lake& lake = lock.lake();
    StagedPartition staged;
    staged.table = &table;
    staged.date = date;
    staged.partition_uri = lake.PartitionUri(table, date);
    staged.staging_uri = lock.NewStagingPath(StagingLabel("", table, date));
    // A partition never published is written in place: no manifest names its objects until
    // the commit. One that exists is staged, so its published version stays readable.
    ASSIGN_OR_RETURN(const std::optional<PartitionManifest> published,
                     ReadManifest(lake, table, date));
    staged.base_version = published ? PartitionVersion(*published) : std::string();
    staged.in_place = !published.has_value();
    RETURN_NOT_OK(
        internal::WriteIntent(lake, staged.staging_uri, lake.RelativeKey(staged.partition_uri)));
    return staged;
  }

  Status Commit(const LakeLock& lock, std::span<const PartitionCommit> commits) const override {
    for (const PartitionCommit& commit : commits) RETURN_NOT_OK(CommitOne(lock, commit));
    return Status::OK();
  }

  void Abandon(const LakeLock& lock, const StagedPartition& staged) const override {
    // Objects written in place belong to no manifest; the next run settles them if this fails.
    const Lake& lake = lock.lake();
    bool completed = false;
    (void)internal::SettlePartition(lake, lake.RelativeKey(staged.partition_uri),
                                    lake.RelativeKey(staged.staging_uri), &completed);
  }

  Status Drop(const LakeLock& lock, const catalog::TableDef& table, Date date) const override {
    const Lake& lake = lock.lake();
    const std::string manifest = lake.ManifestUri(table, date);
    ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> exists, lake.Head(manifest));
    if (!exists) return Status::OK();
    const std::string staging = lock.NewStagingPath(StagingLabel("dropped.", table, date));
    const std::string partition_key = lake.RelativeKey(lake.PartitionUri(table, date));
    RETURN_NOT_OK(internal::WriteIntent(lake, staging, partition_key));
    RETURN_NOT_OK(lake.Delete(manifest));
    lake.Notify(CommitStep::kPublished);
    bool completed = false;
    return internal::SettlePartition(lake, partition_key, lake.RelativeKey(staging), &completed);
  }

 private:
  static Status CommitOne(const LakeLock& lock, const PartitionCommit& commit) {
    const Lake& lake = lock.lake();
    const StagedPartition& staged = *commit.staged;
    RETURN_NOT_OK(CheckNoConflict(lake, commit));
    // The manifest names where the bytes are now: in place, or this run's staged objects.
    PartitionManifest visible = *commit.manifest;
    if (!staged.in_place) {
      for (FileEntry& file : visible.files) {
        file.object = lake.RelativeKey(staged.FileUri(file.name));
      }
    }
    RETURN_NOT_OK(lake.Write(lake.ManifestUri(*staged.table, staged.date), visible.ToJson()));
    lake.Notify(CommitStep::kPublished);
    // Copy staged objects into place, rewrite the manifest, drop what the previous version
    // left. A failure here leaves a complete, readable partition that the next run finishes.
    bool completed = false;
    return internal::SettlePartition(lake, lake.RelativeKey(staged.partition_uri),
                                     lake.RelativeKey(staged.staging_uri), &completed);
  }
};

}  // namespace

bool ManifestCommitSupports(const storage::ObjectRef& /*root*/) {
  return true;
}

std::unique_ptr<CommitProtocol> MakeManifestCommit(const LakeOptions& /*options*/) {
  return std::make_unique<ManifestCommit>();
}

}  // namespace streampro::lake
