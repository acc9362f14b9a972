#pragma once

#include <cstddef>
#include <string_view>

#include "formats/common/string_key_table.h"

namespace streampro::formats {

/// A set of ids (user_id, video_id) for referential checks, looked up by string_view
/// without building a std::string. Fill it first; once filled it is safe to read from
/// many threads at once (share it as std::shared_ptr<const KeySet>).
class KeySet {
 public:
  void Insert(std::string_view key) { keys_.Insert(key); }
  bool Contains(std::string_view key) const { return keys_.Contains(key); }
  size_t size() const { return keys_.size(); }
  void Reserve(size_t n) { keys_.Reserve(n); }

 private:
  StringKeyTable keys_;
};

}  // namespace streampro::formats
