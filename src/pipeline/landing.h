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
  Table table;
  std::string name;  ///< file name as found
  std::string path;
  int64_t bytes = 0;
  /// True for `users.csv` and the like: no date in the name, taken as dated D.
  bool undated = false;
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
Result<LandingInventory> ScanLanding(const std::string& folder, Date date);

}  // namespace streampro::pipeline
