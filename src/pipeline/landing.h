#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/date.h"
#include "streampro/object_store.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// A landing file a run for date D takes (SPEC §1).
struct LandingFile {
  Table table = Table::kUsers;
  std::string name;  ///< file name as found
  std::string path;  ///< its URI (for messages)
  std::string key;   ///< its key in LandingInventory::store
  int64_t bytes = 0;
  /// True for `users.csv` and the like: no date in the name, taken as dated D.
  bool undated = false;
  int64_t mtime_ns = 0;  ///< modification time (S3: Last-Modified)
  std::string etag;      ///< S3 only
};

/// One entry of a landing folder or prefix, before classification.
struct LandingEntry {
  std::string name;  ///< the last path component
  std::string path;  ///< path or `s3://` URI
  std::string key;   ///< the key in its store
  bool regular_file = true;
  int64_t bytes = 0;
  int64_t mtime_ns = 0;
  std::string etag;
};

/// A file in the landing folder that the run does not take, and why.
struct SkippedFile {
  std::string name;
  std::string reason;
};

struct LandingInventory {
  /// The store the landing files are in.
  std::shared_ptr<storage::ObjectStore> store;
  std::vector<LandingFile> taken;    ///< at most one per table, in table order
  std::vector<SkippedFile> skipped;  ///< sorted by name
};

/// Lists the landing folder or prefix `landing` (one ObjectStore::List, local or S3: its
/// objects directly under it, anything deeper shown once as a folder) and classifies every
/// entry for ingestion date `date`: `{table}_{D}.{csv|jsonl}` is taken; a known table file
/// without a date is taken as D unless a dated file for D exists; everything else is
/// skipped with a reason. A local folder that does not exist is NotFound.
Result<LandingInventory> ScanLanding(const storage::ObjectRef& landing, Date date);

/// The classification ScanLanding applies to the entries of a folder.
LandingInventory ClassifyLanding(const std::vector<LandingEntry>& entries, Date date);

}  // namespace streampro::pipeline
