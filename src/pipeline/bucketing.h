#pragma once

#include <bit>
#include <cstdint>
#include <string_view>

namespace streampro::pipeline {

/// Users are spread over a power-of-two number of buckets by a hash of user_id that is part
/// of the lake format (the trusted events part-NNNNN files of a partition are its buckets),
/// so it must never change: FNV-1a 64 over the bytes, then a final avalanche so that the
/// low bits used for the bucket depend on every byte.
inline uint64_t UserHash(std::string_view user_id) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : user_id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  return hash;
}

/// `buckets` must be a power of two.
inline uint32_t UserBucket(std::string_view user_id, uint32_t buckets) {
  return static_cast<uint32_t>(UserHash(user_id) & (buckets - 1));
}

/// The smallest power of two >= `n` (at least 1), capped at `max`.
inline uint32_t BucketCountFor(uint64_t n, uint32_t max = 4096) {
  if (n <= 1) return 1;
  const uint64_t pow2 = std::bit_ceil(n);
  return pow2 > max ? max : static_cast<uint32_t>(pow2);
}

}  // namespace streampro::pipeline
