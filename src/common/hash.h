#pragma once

// The 64-bit hash building blocks every hash table and the user bucketing share.

#include <cstdint>

namespace streampro {

/// The golden-ratio constant, 2^64 / phi.
inline constexpr uint64_t kGoldenRatio64 = 0x9E3779B97F4A7C15ULL;

/// A final avalanche (xor-shift 33, multiply, xor-shift 33; MurmurHash3's fmix64 steps):
/// every output bit depends on every input bit, so the low bits can pick a slot or bucket.
constexpr uint64_t Fmix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDULL;
  x ^= x >> 33;
  return x;
}

/// Combines the hash `value` into `seed` (the boost::hash_combine formula).
constexpr uint64_t HashCombine(uint64_t seed, uint64_t value) {
  return seed ^ (value + kGoldenRatio64 + (seed << 6) + (seed >> 2));
}

}  // namespace streampro
