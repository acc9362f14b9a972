#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "generate/options.h"
#include "generate/sessions.h"
#include "generate/truth.h"
#include "streampro/status.h"

namespace streampro::generate {

struct GeneratedFile {
  std::string name;
  int64_t bytes = 0;
};

struct GenerateSummary {
  std::vector<GeneratedFile> files;  ///< landing files, then truth.json
  int64_t users = 0;
  SimulationStats stats;  ///< clean data figures
  KindCounts kinds;       ///< planted records of every table
  double seconds = 0;
  int threads = 0;
};

/// Writes users_D.csv, videos_D.csv, devices_D.csv, events_D.jsonl and truth.json into
/// `options.out_dir`. The same options give byte-identical files whatever the thread count.
/// Each file appears complete or not at all: all are staged, then renamed in place.
/// Memory stays bounded (a few blocks of users in flight), so 100M events stream to disk.
Result<GenerateSummary> GenerateLanding(const GeneratorOptions& options);

/// The landing file name of `table` for date D, e.g. `events_2025-09-09.jsonl`.
std::string LandingFileName(Table table, Date date);

}  // namespace streampro::generate
