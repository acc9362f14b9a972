#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>

#include "common/config.h"
#include "common/progress.h"
#include "streampro/parquet.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// Settings every stage shares (config keys in brackets).
struct StageOptions {
  /// Worker threads; 0 = one per core [STREAMPRO_THREADS].
  int threads = 0;
  /// Memory the trusted and enriched stages plan for; it sets how many user buckets a
  /// day's events are split into [STREAMPRO_MEMORY_BUDGET_MB].
  int64_t memory_budget_bytes = int64_t{512} << 20;
  /// Parquet compression of every table [STREAMPRO_COMPRESSION].
  parquet::Compression compression = parquet::Compression::kSnappy;
  /// Compression of the trusted stage's spill files [STREAMPRO_SPILL_COMPRESSION].
  parquet::Compression spill_compression = parquet::Compression::kSnappy;
  /// Q3 minimum support [STREAMPRO_MIN_SEGMENT_SESSIONS].
  int64_t min_segment_sessions = 30;
  /// Where the stage counts its work and learns that it should stop (not a setting: the
  /// application passes its progress reporter and Ctrl-C token; default: neither).
  RunControl control;

  /// Reads the keys above from `config` (defaults where unset); errors name the key.
  static Result<StageOptions> FromConfig(const Config& config);
  Status Validate() const;
  int ResolvedThreads() const {
    if (threads > 0) return threads;
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  parquet::WriterOptions ParquetOptions() const {
    parquet::WriterOptions options;
    options.compression = compression;
    return options;
  }
};

}  // namespace streampro::pipeline
