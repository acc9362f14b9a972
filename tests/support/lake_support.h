#pragma once

// Test helpers to reach a store or a lake without the application's settings.

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lake/lake.h"
#include "lake/lake_lock.h"
#include "lake/manifest.h"
#include "storage/local_store.h"
#include "storage/memory_store.h"

namespace streampro::testing {

/// `path` on the local file system.
inline storage::ObjectRef LocalRef(const std::string& path) {
  return storage::ObjectRef{std::make_shared<storage::LocalStore>(), path};
}

/// The lake at a local folder.
inline std::shared_ptr<const lake::Lake> LocalLake(const std::string& path,
                                                   lake::LakeOptions options = {}) {
  auto lake = lake::Lake::Open(LocalRef(path), std::move(options));
  if (!lake.ok()) std::abort();
  return *lake;
}

/// A lake in a fresh in-memory store, `mem://{name}/{prefix}`.
inline std::shared_ptr<const lake::Lake> MemoryLake(const std::string& name,
                                                    const std::string& prefix,
                                                    lake::LakeOptions options = {}) {
  auto lake = lake::Lake::Open(
      storage::ObjectRef{std::make_shared<storage::MemoryStore>(name), prefix}, std::move(options));
  if (!lake.ok()) std::abort();
  return *lake;
}

/// Acquires the lock of a local lake; aborts the test program on failure (use the
/// Result-returning LakeLock::Acquire to test failures).
inline lake::LakeLock LockLocalLake(const std::string& path, lake::LakeOptions options = {}) {
  auto lock = lake::LakeLock::Acquire(LocalLake(path, std::move(options)));
  if (!lock.ok()) std::abort();
  return std::move(lock).value();
}

// Tests name tables by layer and folder, as the lake's paths spell them.
inline constexpr std::string_view kRawLayer = "raw";
inline constexpr std::string_view kTrustedLayer = "trusted";
inline constexpr std::string_view kEnrichedLayer = "enriched";
inline constexpr std::string_view kReportsLayer = "reports";
inline constexpr std::string_view kRejectsTable = "_rejects";
inline constexpr std::string_view kUserSessionsTable = "user_sessions";

/// The catalog table `folder` of `layer` ("" for the report); aborts when there is none.
inline const catalog::TableDef& TableOf(std::string_view layer, std::string_view folder) {
  const std::optional<catalog::Layer> parsed = catalog::LayerFromName(layer);
  const catalog::TableDef* table = parsed ? catalog::Find(*parsed, folder) : nullptr;
  if (table == nullptr) std::abort();
  return *table;
}

inline std::string PartitionDir(const lake::Lake& lake, std::string_view layer,
                                std::string_view table, Date date) {
  return lake.PartitionUri(TableOf(layer, table), date);
}
inline std::string PartitionDir(const std::string& local_root, std::string_view layer,
                                std::string_view table, Date date) {
  return PartitionDir(*LocalLake(local_root), layer, table, date);
}
inline Result<std::optional<lake::PartitionManifest>> ReadManifest(const lake::Lake& lake,
                                                                   std::string_view layer,
                                                                   std::string_view table,
                                                                   Date date) {
  return lake::ReadManifest(lake, TableOf(layer, table), date);
}
inline Result<std::optional<lake::PartitionManifest>> ReadManifest(const std::string& local_root,
                                                                   std::string_view layer,
                                                                   std::string_view table,
                                                                   Date date) {
  return ReadManifest(*LocalLake(local_root), layer, table, date);
}
inline Result<std::vector<Date>> ListPartitions(const std::string& local_root,
                                                std::string_view layer, std::string_view table) {
  return LocalLake(local_root)->ListPartitions(TableOf(layer, table));
}

}  // namespace streampro::testing
