#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace streampro {

/// Logical column types. Each maps to one physical storage in Column:
/// kBool -> uint8 values, kInt32/kDate32 -> int32, kInt64/kTimestampMicros -> int64,
/// kDouble -> double, kString -> offsets + one byte buffer (UTF-8).
enum class TypeId : uint8_t {
  kBool,
  kInt32,
  kInt64,
  kDouble,
  kDate32,           ///< days since 1970-01-01
  kTimestampMicros,  ///< microseconds since 1970-01-01T00:00:00Z (UTC)
  kString,
};

/// "bool", "int32", ..., "timestamp[us, UTC]", "string".
std::string_view TypeName(TypeId type);

/// Physical storage classes shared by several logical types.
enum class StorageKind : uint8_t { kBool, kInt32, kInt64, kDouble, kString };
constexpr StorageKind StorageOf(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return StorageKind::kBool;
    case TypeId::kInt32:
    case TypeId::kDate32:
      return StorageKind::kInt32;
    case TypeId::kInt64:
    case TypeId::kTimestampMicros:
      return StorageKind::kInt64;
    case TypeId::kDouble:
      return StorageKind::kDouble;
    case TypeId::kString:
      return StorageKind::kString;
  }
  return StorageKind::kString;
}

/// One named, typed column of a schema.
struct Field {
  std::string name;
  TypeId type = TypeId::kString;
  bool nullable = true;

  bool operator==(const Field&) const = default;
};

/// An ordered list of fields with unique names. Immutable once built; share it through
/// std::shared_ptr<const Schema> between batches, readers and writers.
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  int num_fields() const { return static_cast<int>(fields_.size()); }
  const Field& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  const std::vector<Field>& fields() const { return fields_; }

  /// Index of the field called `name`, or -1.
  int FieldIndex(std::string_view name) const;

  /// "user_id: string not null, value: double" (for messages and tests).
  std::string ToString() const;

  bool operator==(const Schema&) const = default;

 private:
  std::vector<Field> fields_;
};

using SchemaPtr = std::shared_ptr<const Schema>;

}  // namespace streampro
