#pragma once

#include <cstdint>

#include "streampro/status.h"

namespace streampro::formats {

/// How a text reader cuts and schedules its input; shared by the CSV and JSONL readers.
struct ChunkingOptions {
  /// Worker threads; 0 = one per hardware thread. 1 parses on the calling thread.
  int threads = 0;
  /// Target bytes per chunk (read with one ReadAt); chunks end at record boundaries.
  int64_t chunk_bytes = int64_t{4} << 20;
  /// Chunks read but not yet delivered; bounds memory to about this many chunks.
  /// 0 = 2 per thread.
  int max_chunks_in_flight = 0;

  Status Validate() const;
  /// threads with 0 resolved to the hardware concurrency (at least 1).
  int ResolvedThreads() const;
  int ResolvedMaxInFlight() const;
};

}  // namespace streampro::formats
