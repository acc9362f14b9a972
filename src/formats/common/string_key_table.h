#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace streampro::formats {

/// An insert-only set of byte strings: an open-addressing table of 16-byte slots over an
/// arena of 1 MiB blocks that never move. No allocation per key (only per block and when
/// the table doubles), exact (keys are compared byte for byte; the hash only picks the
/// slot). Used for unique keys, referential id sets and the event duplicate filter.
/// Not thread-safe for writers; concurrent Contains() on a table nobody modifies is safe.
class StringKeyTable {
 public:
  StringKeyTable();

  /// The hash Insert and Contains use; exposed so callers can hash ahead and Prefetch.
  static uint64_t Hash(std::string_view key);

  /// Adds `key` (whose Hash is `hash`); false when it was already present.
  bool Insert(std::string_view key, uint64_t hash);
  bool Insert(std::string_view key) { return Insert(key, Hash(key)); }
  bool Contains(std::string_view key, uint64_t hash) const;
  bool Contains(std::string_view key) const { return Contains(key, Hash(key)); }

  /// Makes room for `more` keys beyond size() so inserting them never rehashes.
  void Reserve(size_t more);
  /// Hints the CPU to load the slot of `hash` (valid until the table grows).
  void Prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]); }

  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint64_t location = 0;  // block index + 1 << 32 | offset in block; 0 = empty slot
  };
  static constexpr size_t kBlockBytes = size_t{1} << 20;

  std::string_view KeyAt(uint64_t location) const;
  uint64_t Store(std::string_view key);
  void Rehash(size_t slot_count);

  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_used_ = kBlockBytes;
  size_t size_ = 0;
};

}  // namespace streampro::formats
