#include "formats/common/chunking_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

namespace streampro::formats {

Status ChunkingOptions::Validate() const {
  if (threads < 0 || threads > 1024) {
    return Status::InvalidArgument(fmt::format("threads must be 0..1024, got {}", threads));
  }
  if (chunk_bytes < 1 || chunk_bytes > (int64_t{1} << 31)) {
    return Status::InvalidArgument(
        fmt::format("chunk_bytes must be 1..2147483648, got {}", chunk_bytes));
  }
  if (max_chunks_in_flight < 0) {
    return Status::InvalidArgument(
        fmt::format("max_chunks_in_flight must be >= 0, got {}", max_chunks_in_flight));
  }
  return Status::OK();
}

int ChunkingOptions::ResolvedThreads() const {
  if (threads > 0) return threads;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

int ChunkingOptions::ResolvedMaxInFlight() const {
  if (max_chunks_in_flight > 0) return max_chunks_in_flight;
  return 2 * ResolvedThreads();
}

}  // namespace streampro::formats
