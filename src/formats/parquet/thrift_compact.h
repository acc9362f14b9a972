#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "streampro/status.h"

/// The Thrift compact protocol, just the parts Parquet metadata needs.
namespace streampro::parquet::thrift {

/// Compact protocol type nibbles.
enum class CType : uint8_t {
  kStop = 0,
  kTrue = 1,
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// Appends compact-protocol bytes to a string. Callers pair every Begin with an End.
class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  void BeginStruct();
  /// Writes the stop byte and restores the enclosing struct's field-id context.
  void EndStruct();

  void FieldI16(int16_t id, int16_t value);
  void FieldI32(int16_t id, int32_t value);
  void FieldI64(int16_t id, int64_t value);
  void FieldBool(int16_t id, bool value);
  void FieldBinary(int16_t id, std::string_view value);
  /// Field header of a struct field followed by BeginStruct(); close with EndStruct().
  void FieldStruct(int16_t id);
  /// Field header of a list field; the `size` elements follow.
  void FieldList(int16_t id, CType element, size_t size);

  void ElementI32(int32_t value) { Varint(ZigZag(value)); }
  void ElementBinary(std::string_view value);

 private:
  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }
  void FieldHeader(int16_t id, CType type);
  void Varint(uint64_t v);

  std::string* out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> stack_;
};

/// Reads compact-protocol bytes from an untrusted buffer. Every length is checked against
/// the bytes left and nesting is limited, so malformed input yields an error, never a
/// crash. Errors are plain descriptions; callers add the file and column.
class CompactReader {
 public:
  static constexpr int kMaxDepth = 32;

  CompactReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t position() const { return pos_; }

  Status BeginStruct();
  Status EndStruct();
  /// Next field of the current struct; `*type == kStop` at its end.
  Status ReadFieldHeader(CType* type, int16_t* id);

  Status ReadI32(CType type, int32_t* out);
  Status ReadI64(CType type, int64_t* out);
  Status ReadBool(CType type, bool* out);
  Status ReadBinary(CType type, std::string* out);
  /// Element type and count of a list or set; the count is at most the bytes left.
  Status ReadListHeader(CType type, CType* element, int32_t* size);
  Status ExpectStruct(CType type) const;

  /// Skips one value of `type` (nested values included).
  Status Skip(CType type);

 private:
  Status ReadVarint(uint64_t* out);
  Status ReadByte(uint8_t* out);
  Status SkipDepth(CType type, int depth);

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  int16_t last_id_ = 0;
  std::vector<int16_t> stack_;
};

}  // namespace streampro::parquet::thrift
