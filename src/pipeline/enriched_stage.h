#pragma once

#include <cstdint>

#include "common/date.h"
#include "lake/lake_lock.h"
#include "lake/layout.h"
#include "lake/manifest.h"
#include "lake/partition_writer.h"
#include "pipeline/stage_options.h"
#include "streampro/status.h"

namespace streampro::pipeline {

struct EnrichedResult {
  int64_t events = 0;      ///< trusted events read (all dates <= D)
  int64_t duplicates = 0;  ///< dropped across dates
  int64_t sessions = 0;
  int64_t users = 0;  ///< rows of user_journey
  uint32_t buckets = 0;
  int event_dates = 0;  ///< trusted events partitions read
};

/// Trusted -> enriched for D (SPEC §4): user_sessions, user_journey, genre_performance and
/// device_analytics under enriched/{table}/ingestion_date=D, recomputed over every trusted
/// events partition dated <= D, with the newest users and videos snapshots <= D.
///
/// Works one user bucket at a time on `threads` threads: a bucket's events of every date
/// are read (the trusted part files are already split by the same user hash), exact
/// duplicates across dates dropped keeping the earliest ingestion date and line, and its
/// sessions and journeys written as one part file; the small per-bucket aggregates are
/// merged at the end into the genre and device tables.
Result<EnrichedResult> TrustedToEnriched(const lake::LakeLock& lock, Date date,
                                         const StageOptions& options);

}  // namespace streampro::pipeline
