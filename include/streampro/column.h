#pragma once

#include <cassert>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "streampro/schema.h"

namespace streampro {

/// A growable, typed column with validity: the unit every reader fills and every writer
/// drains. Values live in one contiguous vector per physical type (strings as int64
/// offsets + one byte buffer), so appending a row never allocates per row, and Clear()
/// keeps capacity for the next batch. A null slot still occupies a value (zero, or an
/// empty string) so that value i always belongs to row i.
///
/// The typed accessors assert that they match the column's physical storage
/// (see StorageOf). Not thread-safe; one writer at a time.
class Column {
 public:
  explicit Column(TypeId type = TypeId::kString);

  TypeId type() const { return type_; }
  int64_t length() const { return static_cast<int64_t>(validity_.size()); }
  int64_t null_count() const { return null_count_; }
  bool IsNull(int64_t row) const { return validity_[static_cast<size_t>(row)] == 0; }
  bool IsValid(int64_t row) const { return validity_[static_cast<size_t>(row)] != 0; }
  /// One byte per row, 1 = present.
  std::span<const uint8_t> validity() const { return validity_; }

  /// Room for `rows` more rows and, for strings, `string_bytes` more bytes.
  void Reserve(int64_t rows, int64_t string_bytes = 0);
  /// Drops all rows and keeps the memory.
  void Clear();
  /// Keeps the rows whose `keep` byte is non-zero (keep.size() == length()), in order,
  /// moved down in place: no allocation, one pass over the buffers.
  void KeepRows(std::span<const uint8_t> keep);

  void AppendNull();
  void AppendBool(bool value) {
    assert(storage_ == StorageKind::kBool);
    bools_.push_back(value ? 1 : 0);
    validity_.push_back(1);
  }
  /// For kInt32 and kDate32.
  void AppendInt32(int32_t value) {
    assert(storage_ == StorageKind::kInt32);
    int32s_.push_back(value);
    validity_.push_back(1);
  }
  /// For kInt64 and kTimestampMicros.
  void AppendInt64(int64_t value) {
    assert(storage_ == StorageKind::kInt64);
    int64s_.push_back(value);
    validity_.push_back(1);
  }
  void AppendDouble(double value) {
    assert(storage_ == StorageKind::kDouble);
    doubles_.push_back(value);
    validity_.push_back(1);
  }
  void AppendString(std::string_view value) {
    assert(storage_ == StorageKind::kString);
    chars_.append(value);
    offsets_.push_back(static_cast<int64_t>(chars_.size()));
    validity_.push_back(1);
  }
  /// Appends row `row` of `other`, which must have the same type.
  void AppendFrom(const Column& other, int64_t row);
  /// Appends every row of `other`, which must have the same type (bulk copies).
  void AppendColumn(const Column& other);

  /// The value buffer as raw bytes in this column's layout: one byte per bool, the
  /// fixed-width values, or for strings the length() + 1 int64 offsets (the characters
  /// are string_data()). With validity() and string_data() it describes the column
  /// completely; AppendRaw restores it. Used to spill batches to disk and back.
  std::string_view raw_values() const;
  /// Appends `rows` rows given in the layout of raw_values(): `validity` holds `rows`
  /// bytes, `values` the values (strings: rows + 1 offsets, any base) and `chars` the
  /// characters from the first offset to the last (strings only). InvalidData-free by contract: the
  /// caller passes buffers written by raw_values() of a column of the same type.
  void AppendRaw(int64_t rows, const uint8_t* validity, std::string_view values,
                 std::string_view chars);

  std::span<const uint8_t> bool_values() const {
    assert(storage_ == StorageKind::kBool);
    return bools_;
  }
  std::span<const int32_t> int32_values() const {
    assert(storage_ == StorageKind::kInt32);
    return int32s_;
  }
  std::span<const int64_t> int64_values() const {
    assert(storage_ == StorageKind::kInt64);
    return int64s_;
  }
  std::span<const double> double_values() const {
    assert(storage_ == StorageKind::kDouble);
    return doubles_;
  }
  /// length() + 1 offsets into string_data(); value i is [offsets[i], offsets[i+1]).
  std::span<const int64_t> string_offsets() const {
    assert(storage_ == StorageKind::kString);
    return offsets_;
  }
  std::string_view string_data() const { return chars_; }
  std::string_view string_value(int64_t row) const {
    assert(storage_ == StorageKind::kString);
    const auto begin = offsets_[static_cast<size_t>(row)];
    const auto end = offsets_[static_cast<size_t>(row) + 1];
    return std::string_view(chars_).substr(static_cast<size_t>(begin),
                                           static_cast<size_t>(end - begin));
  }

  /// Same type, same validity and the same value in every valid row (null slots are not
  /// compared). Doubles compare bit for bit, so NaN equals NaN and -0.0 differs from 0.0.
  bool Equals(const Column& other) const;

  /// Bytes held by values, offsets and validity (not capacity).
  int64_t ByteSize() const;

 private:
  TypeId type_;
  StorageKind storage_;
  int64_t null_count_ = 0;
  std::vector<uint8_t> validity_;
  std::vector<uint8_t> bools_;
  std::vector<int32_t> int32s_;
  std::vector<int64_t> int64s_;
  std::vector<double> doubles_;
  std::vector<int64_t> offsets_;
  std::string chars_;
};

}  // namespace streampro
