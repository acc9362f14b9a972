#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/table.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// A landing file a run for date D takes (SPEC §1).
struct LandingFile {
  Table table = Table::kUsers;
  std::string name;  ///< file name as found
  std::string path;
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
  std::vector<LandingFile> taken;    ///< at most one per table, in table order
  std::vector<SkippedFile> skipped;  ///< sorted by name
};

/// Lists `folder` and classifies every entry for ingestion date `date`:
/// `{table}_{D}.{csv|jsonl}` is taken; a known table file without a date is taken as D
/// unless a dated file for D exists; everything else is skipped with a reason.
/// A local folder only; lake::ScanLandingAt also takes an `s3://` prefix.
Result<LandingInventory> ScanLanding(const std::string& folder, Date date);

/// The classification ScanLanding applies to the entries of a folder.
LandingInventory ClassifyLanding(const std::vector<LandingEntry>& entries, Date date);

}  // namespace streampro::pipeline
