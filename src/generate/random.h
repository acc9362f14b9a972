#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace streampro::generate {

/// 128-bit unsigned arithmetic for exact multiply-shift (GCC and Clang extension).
__extension__ using Uint128 = unsigned __int128;

/// SplitMix64 step: turns any 64-bit value into a well-mixed one. Used to derive
/// independent seeds for each user and each block from the run's seed.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// xoshiro256** generator. All draws use integer arithmetic only, so a seed gives the
/// same stream on every platform and compiler (no <random> distributions, no libm).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : state_) {
      seed = Mix64(seed);
      word = seed;
    }
  }
  /// A stream for item `index` of the domain `salt`, independent of every other stream.
  static Rng For(uint64_t seed, uint64_t salt, uint64_t index) {
    return Rng(Mix64(seed ^ Mix64(salt * 0x2545f4914f6cdd1dULL + index)));
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  /// Uniform in [0, bound) by Lemire's multiply-shift; bound must be > 0.
  uint64_t Below(uint64_t bound) {
    return static_cast<uint64_t>((static_cast<Uint128>(Next()) * bound) >> 64);
  }
  /// Uniform in [low, high], inclusive.
  int64_t Between(int64_t low, int64_t high) {
    return low + static_cast<int64_t>(Below(static_cast<uint64_t>(high - low) + 1));
  }
  /// True with probability `per_million` / 1e6.
  bool Chance(uint32_t per_million) { return Below(1'000'000) < per_million; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

/// Draws up to `count` distinct elements of `candidates` at random (without replacement),
/// in draw order. Each draw moves the last candidate into the drawn one's place.
template <typename T>
std::vector<T> TakeRandom(Rng& rng, std::vector<T> candidates, int64_t count) {
  std::vector<T> taken;
  while (static_cast<int64_t>(taken.size()) < count && !candidates.empty()) {
    const size_t j = rng.Below(candidates.size());
    taken.push_back(std::move(candidates[j]));
    candidates[j] = std::move(candidates.back());
    candidates.pop_back();
  }
  return taken;
}

}  // namespace streampro::generate
