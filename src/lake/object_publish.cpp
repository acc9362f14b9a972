#include "lake/object_publish.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "lake/layout.h"
#include "streampro/object_store.h"

namespace streampro::lake::internal {

std::string RelativeKey(const std::string& root, const std::string& uri) {
  if (!uri.starts_with(root)) return std::string();
  std::string_view rest(uri);
  rest.remove_prefix(root.size());
  while (rest.starts_with('/')) rest.remove_prefix(1);
  return std::string(rest);
}

Status WriteIntent(const std::string& staging_uri, const std::string& partition_key) {
  return storage::WriteObject(storage::JoinUri(staging_uri, kIntentFileName),
                              fmt::format("{{\"partition\": {}}}\n", JsonString(partition_key)));
}

Status RemoveObjectsUnder(const std::string& prefix_uri) {
  ASSIGN_OR_RETURN(const storage::ObjectRef ref, storage::Resolve(prefix_uri));
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, ref.store->List(ref.key));
  for (const storage::ObjectInfo& object : objects) RETURN_NOT_OK(ref.store->Delete(object.key));
  return Status::OK();
}

Status SettlePartition(const std::string& root, const std::string& partition_key,
                       const std::string& staging_key, bool* completed,
                       void (*after_first_copy)()) {
  *completed = false;
  const std::string partition_uri = storage::JoinUri(root, partition_key);
  const std::string manifest_uri = storage::JoinUri(partition_uri, kManifestFileName);
  ASSIGN_OR_RETURN(const storage::ObjectRef partition, storage::Resolve(partition_uri));

  std::optional<PartitionManifest> manifest;
  Result<std::string> json = storage::ReadObject(manifest_uri);
  if (json.ok()) {
    ASSIGN_OR_RETURN(PartitionManifest parsed, PartitionManifest::FromJson(*json, manifest_uri));
    manifest = std::move(parsed);
  } else if (json.status().code() != StatusCode::kNotFound) {
    return json.status();
  }

  // 1. Roll a committed-but-staged version forward into its SPEC keys.
  if (manifest) {
    bool staged = false;
    for (const FileEntry& file : manifest->files) {
      if (file.object && file.object->starts_with(staging_key + "/")) staged = true;
    }
    if (staged) {
      ASSIGN_OR_RETURN(const storage::ObjectRef lake, storage::Resolve(root));
      for (FileEntry& file : manifest->files) {
        if (!file.object) continue;
        const std::string target = storage::JoinUri(partition.key, file.name);
        RETURN_NOT_OK(partition.store->Copy(storage::JoinUri(lake.key, *file.object), target));
        ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> copied,
                         partition.store->Head(target));
        if (!copied || copied->size != file.bytes) {
          return Status::IOError(fmt::format("{}: copy into place gave {} bytes, expected {}",
                                             partition.store->Uri(target),
                                             copied ? copied->size : -1, file.bytes));
        }
        file.object.reset();
        if (after_first_copy != nullptr) {
          after_first_copy();
          after_first_copy = nullptr;
        }
      }
      RETURN_NOT_OK(storage::WriteObject(manifest_uri, manifest->ToJson()));
      *completed = true;
    }
  }

  // 2. Objects of the partition that the manifest does not name: a replaced version, or a
  // version that never committed.
  std::set<std::string> named;
  if (manifest) {
    named.insert(storage::JoinUri(partition.key, kManifestFileName));
    for (const FileEntry& file : manifest->files) {
      if (!file.object) named.insert(storage::JoinUri(partition.key, file.name));
    }
  }
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects,
                   partition.store->List(partition.key));
  for (const storage::ObjectInfo& object : objects) {
    if (!named.contains(object.key)) RETURN_NOT_OK(partition.store->Delete(object.key));
  }

  // 3. The staged copies and the intent.
  return RemoveObjectsUnder(storage::JoinUri(root, staging_key));
}

Status RecoverDeadRuns(const std::string& root, const std::string& own_run_id,
                       LakeRecovery* recovery) {
  const std::string staging_uri = storage::JoinUri(root, kStagingFolderName);
  ASSIGN_OR_RETURN(const storage::ObjectRef staging, storage::Resolve(staging_uri));
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects,
                   staging.store->List(staging.key));
  // run id -> its intents' staging keys (relative to root)
  std::map<std::string, std::vector<std::string>> runs;
  const std::string prefix = staging.key.empty() ? std::string() : staging.key + "/";
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
      const std::string intent_uri =
          storage::JoinUri(storage::JoinUri(root, staging_key), kIntentFileName);
      ASSIGN_OR_RETURN(const std::string body, storage::ReadObject(intent_uri));
      simdjson::dom::parser parser;
      simdjson::dom::element element;
      std::string_view partition_key;
      if (parser.parse(body).get(element) != simdjson::SUCCESS ||
          element["partition"].get_string().get(partition_key) != simdjson::SUCCESS ||
          partition_key.empty() || partition_key.find("..") != std::string_view::npos) {
        return Status::InvalidData(fmt::format("{}: not a publish intent", intent_uri));
      }
      bool completed = false;
      RETURN_NOT_OK(SettlePartition(root, std::string(partition_key), staging_key, &completed));
      if (completed) recovery->completed_partitions.push_back(std::string(partition_key));
    }
    RETURN_NOT_OK(RemoveObjectsUnder(storage::JoinUri(staging_uri, run)));
    recovery->removed_staging.push_back(run);
  }
  return Status::OK();
}

}  // namespace streampro::lake::internal
