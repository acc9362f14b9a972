#pragma once

#include <cstdint>
#include <string>

#include "generate/catalog.h"
#include "generate/sessions.h"
#include "generate/truth.h"

namespace streampro::generate {

/// Users per block. Fixed, so that the output never depends on the thread count.
inline constexpr int64_t kUsersPerBlock = 256;

/// The JSONL text of one block of users, with its planted records.
struct EventBlock {
  std::string bytes;
  KindCounts kinds;
  SimulationStats stats;
};

/// Simulates block `block_index` (users [index * kUsersPerBlock, ...)) and writes its
/// lines: clean events sorted by time, dirty and duplicate lines mixed in at random places.
/// Block 0 carries at least one record of every event kind when the dirty rate is not 0.
/// Pure function of (catalog, block_index); safe to call from many threads at once.
EventBlock RenderEventBlock(const Catalog& catalog, int64_t block_index);

/// Writes `timestamp_ms` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (24 bytes) at `out`.
void WriteCanonicalTimestamp(int64_t timestamp_ms, char* out);

}  // namespace streampro::generate
