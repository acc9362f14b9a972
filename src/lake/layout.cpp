#include "lake/layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "streampro/object_store.h"

namespace streampro::lake {

Status ValidateLocation(std::string_view layer, std::string_view table) {
  const bool known_layer = layer == kRawLayer || layer == kTrustedLayer ||
                           layer == kEnrichedLayer || layer == kReportsLayer;
  if (!known_layer) {
    return Status::InvalidArgument(
        fmt::format("unknown lake layer '{}' (raw, trusted, enriched, reports)", layer));
  }
  if (layer == kReportsLayer) {
    if (!table.empty()) {
      return Status::InvalidArgument(
          fmt::format("the reports layer has no tables (got '{}')", table));
    }
    return Status::OK();
  }
  if (table.empty() || table == "." || table == ".." ||
      table.find_first_of("/\\") != std::string_view::npos) {
    return Status::InvalidArgument(
        fmt::format("invalid table name '{}' in layer {}", table, layer));
  }
  return Status::OK();
}

std::string PartitionFolderName(Date date) {
  return fmt::format("{}={}", kPartitionKey, FormatIsoDate(date));
}

std::optional<Date> ParsePartitionFolderName(std::string_view name) {
  if (name.size() != kPartitionKey.size() + 11 || !name.starts_with(kPartitionKey) ||
      name[kPartitionKey.size()] != '=') {
    return std::nullopt;
  }
  return ParseIsoDate(name.substr(kPartitionKey.size() + 1));
}

namespace {

struct LayerFolderMap {
  std::mutex mutex;
  LayerFolders folders;
};

LayerFolderMap& TheLayerFolders() {
  static LayerFolderMap* map = new LayerFolderMap();
  return *map;
}

}  // namespace

Status SetLayerFolders(const LayerFolders& folders) {
  for (const std::string* folder :
       {&folders.raw, &folders.trusted, &folders.enriched, &folders.reports}) {
    if (folder->empty() || folder->front() == '/' || folder->back() == '/' ||
        folder->find("..") != std::string::npos || folder->front() == '_') {
      return Status::InvalidArgument(fmt::format(
          "layer folder '{}' must be a relative key such as 'raw' or 'lake/raw' (no leading or "
          "trailing '/', no '..', not starting with '_')",
          *folder));
    }
  }
  LayerFolderMap& map = TheLayerFolders();
  std::lock_guard guard(map.mutex);
  map.folders = folders;
  return Status::OK();
}

std::string LayerFolder(std::string_view layer) {
  LayerFolderMap& map = TheLayerFolders();
  std::lock_guard guard(map.mutex);
  if (layer == kRawLayer) return map.folders.raw;
  if (layer == kTrustedLayer) return map.folders.trusted;
  if (layer == kEnrichedLayer) return map.folders.enriched;
  if (layer == kReportsLayer) return map.folders.reports;
  return std::string(layer);
}

std::string TableDir(const std::string& root, std::string_view layer, std::string_view table) {
  if (table.empty()) return fmt::format("{}/{}", root, LayerFolder(layer));
  return fmt::format("{}/{}/{}", root, LayerFolder(layer), table);
}

std::string PartitionDir(const std::string& root, std::string_view layer, std::string_view table,
                         Date date) {
  return fmt::format("{}/{}", TableDir(root, layer, table), PartitionFolderName(date));
}

std::string ReportsDir(const std::string& root, Date date) {
  return PartitionDir(root, kReportsLayer, "", date);
}

Result<std::vector<Date>> ListPartitions(const std::string& root, std::string_view layer,
                                         std::string_view table) {
  RETURN_NOT_OK(ValidateLocation(layer, table));
  const std::string dir = TableDir(root, layer, table);
  ASSIGN_OR_RETURN(const storage::ObjectRef ref, storage::Resolve(dir));
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, ref.store->List(ref.key));
  // One listing of the table: the partitions are the `ingestion_date=D/_manifest.json` keys.
  const std::string prefix = ref.key.empty() ? std::string() : ref.key + "/";
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

}  // namespace streampro::lake
