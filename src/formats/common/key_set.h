#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "formats/common/string_key_table.h"
#include "streampro/column.h"

namespace streampro::formats {

/// A set of ids (user_id, video_id) for referential checks, looked up by string_view
/// without building a std::string. A read-only face of StringKeyTable: immutable once
/// filled, and then safe to read from many threads.
class KeySet {
 public:
  /// The non-null values of a string column, e.g. the key column of an accepted dimension.
  static std::shared_ptr<const KeySet> FromColumn(const Column& ids) {
    auto keys = std::make_shared<KeySet>();
    keys->Reserve(static_cast<size_t>(ids.length() - ids.null_count()));
    for (int64_t row = 0; row < ids.length(); ++row) {
      if (ids.IsValid(row)) keys->Insert(ids.string_value(row));
    }
    return keys;
  }

  void Insert(std::string_view key) { keys_.Insert(key); }
  bool Contains(std::string_view key) const { return keys_.Contains(key); }
  size_t size() const { return keys_.size(); }
  /// Room for `n` more ids without rehashing.
  void Reserve(size_t n) { keys_.Reserve(n); }

 private:
  StringKeyTable keys_;
};

}  // namespace streampro::formats
