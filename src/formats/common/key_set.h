#pragma once

#include <cstddef>
#include <string_view>

#include "formats/common/string_key_table.h"

namespace streampro::formats {

/// A set of ids (user_id, video_id) for referential checks, looked up by string_view
/// without building a std::string. A read-only face of StringKeyTable: immutable once
/// filled, and then safe to read from many threads.
class KeySet {
 public:
  void Insert(std::string_view key) { keys_.Insert(key); }
  bool Contains(std::string_view key) const { return keys_.Contains(key); }
  size_t size() const { return keys_.size(); }
  /// Room for `n` more ids without rehashing.
  void Reserve(size_t n) { keys_.Reserve(n); }

 private:
  StringKeyTable keys_;
};

}  // namespace streampro::formats
