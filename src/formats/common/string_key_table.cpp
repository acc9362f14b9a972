#include "formats/common/string_key_table.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "common/hash.h"

namespace streampro::formats {

StringKeyTable::StringKeyTable() : slots_(64) {}

uint64_t StringKeyTable::Hash(std::string_view key) {
  // std::hash is murmur-based in libstdc++; the final mix spreads its low bits, which pick
  // the slot.
  return Fmix64(std::hash<std::string_view>{}(key));
}

void StringKeyTable::Rehash(size_t slot_count) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slot_count, Slot{});
  const size_t mask = slot_count - 1;
  for (const Slot& slot : old) {
    if (slot.location == 0) continue;
    size_t i = slot.hash & mask;
    while (slots_[i].location != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

void StringKeyTable::Reserve(size_t more) {
  size_t count = slots_.size();
  while ((size_ + more) * 2 > count) count *= 2;  // load factor at most 1/2
  if (count != slots_.size()) Rehash(count);
}

std::string_view StringKeyTable::KeyAt(uint64_t location) const {
  const char* at = blocks_[(location >> 32) - 1].get() + (location & 0xFFFFFFFFu);
  uint32_t length;
  std::memcpy(&length, at, sizeof(length));
  return std::string_view(at + sizeof(length), length);
}

uint64_t StringKeyTable::Store(std::string_view key) {
  const size_t need = key.size() + sizeof(uint32_t);
  if (block_used_ + need > kBlockBytes) {
    blocks_.push_back(std::make_unique<char[]>(std::max(kBlockBytes, need)));
    block_used_ = 0;
  }
  char* at = blocks_.back().get() + block_used_;
  const auto length = static_cast<uint32_t>(key.size());
  std::memcpy(at, &length, sizeof(length));
  if (!key.empty()) std::memcpy(at + sizeof(length), key.data(), key.size());
  const uint64_t location = (static_cast<uint64_t>(blocks_.size()) << 32) | block_used_;
  block_used_ += need;
  return location;
}

bool StringKeyTable::Contains(std::string_view key, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask; slots_[i].location != 0; i = (i + 1) & mask) {
    if (slots_[i].hash == hash && KeyAt(slots_[i].location) == key) return true;
  }
  return false;
}

bool StringKeyTable::Insert(std::string_view key, uint64_t hash) {
  Reserve(1);
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  for (; slots_[i].location != 0; i = (i + 1) & mask) {
    if (slots_[i].hash == hash && KeyAt(slots_[i].location) == key) return false;
  }
  slots_[i] = Slot{hash, Store(key)};
  ++size_;
  return true;
}

}  // namespace streampro::formats
