#include "pipeline/resume.h"

#include <fmt/format.h>

#include "lake/sha256.h"
#include "pipeline/raw_ingest.h"

namespace streampro::pipeline {

namespace {

Result<std::string> Sha256Of(storage::ObjectStore& store, const std::string& key) {
  ASSIGN_OR_RETURN(const std::unique_ptr<RandomAccessFile> file, store.OpenRead(key));
  ASSIGN_OR_RETURN(lake::Sha256 hasher, lake::Sha256::Make());
  std::string chunk;
  for (int64_t offset = 0; offset < file->size();) {
    RETURN_NOT_OK(file->ReadAt(offset, static_cast<int64_t>(kRawCopyBufferBytes), &chunk));
    if (chunk.empty()) break;
    hasher.Update(chunk);
    offset += static_cast<int64_t>(chunk.size());
  }
  return hasher.FinishHex();
}

// Why the raw partition of `file`'s table for `date` does not hold `file` as it is now, or
// "" when it does.
Result<std::string> LandingChange(PublishedPartitions& published, storage::ObjectStore& store,
                                  const LandingFile& file, Date date) {
  ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> raw,
                   published.Manifest(catalog::RawTable(file.table), date));
  if (!raw) return fmt::format("{} is not in raw yet", file.name);
  ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> info, store.Head(file.key));
  if (!info) return Status::NotFound(fmt::format("{}: the landing file is gone", file.path));
  if (RawCopyMatches(*raw, file, *info)) return std::string();
  if (raw->files.size() != 1 || raw->files.front().name != file.name ||
      raw->files.front().bytes != info->size) {
    return fmt::format("{} differs from the raw copy", file.name);
  }
  ASSIGN_OR_RETURN(const std::string sha256, Sha256Of(store, file.key));
  if (sha256 != raw->files.front().sha256) return fmt::format("{} changed", file.name);
  return std::string();
}

}  // namespace

Result<std::optional<std::string>> ReasonToBuild(LineageCheck& check,
                                                 const LandingInventory& inventory, Date date) {
  PublishedPartitions& published = check.published();
  std::string missing;
  int missing_tables = 0;
  int derived_tables = 0;
  for (const catalog::TableDef& table : catalog::AllTables()) {
    if (table.layer != catalog::Layer::kEnriched && table.layer != catalog::Layer::kReports) {
      continue;
    }
    ++derived_tables;
    ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> manifest,
                     published.Manifest(table, date));
    if (manifest) continue;
    ++missing_tables;
    missing += fmt::format("{}{}", missing.empty() ? "" : ", ", table.label());
  }
  if (missing_tables == derived_tables) return std::optional<std::string>("not published yet");
  if (missing_tables > 0) {
    return std::optional<std::string>(fmt::format("not published: {}", missing));
  }
  for (const LandingFile& file : inventory.taken) {
    ASSIGN_OR_RETURN(const std::string change,
                     LandingChange(published, *inventory.store, file, date));
    if (!change.empty()) return std::optional<std::string>(fmt::format("landing: {}", change));
  }
  ASSIGN_OR_RETURN(const DateLineage lineage, check.Check(date));
  if (lineage.is_stale()) {
    return std::optional<std::string>(fmt::format("stale: {}", lineage.Summary()));
  }
  return std::optional<std::string>();
}

Result<bool> HasInputs(LineageCheck& check, const LandingInventory& inventory, Date date) {
  if (!inventory.taken.empty()) return true;
  for (const Table table : kAllTables) {
    ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> raw,
                     check.published().Manifest(catalog::RawTable(table), date));
    if (raw) return true;
  }
  return false;
}

}  // namespace streampro::pipeline
