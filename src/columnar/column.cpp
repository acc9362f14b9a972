#include "streampro/column.h"

#include <cstring>

namespace streampro {

Column::Column(TypeId type) : type_(type), storage_(StorageOf(type)) {
  if (storage_ == StorageKind::kString) offsets_.push_back(0);
}

void Column::Reserve(int64_t rows, int64_t string_bytes) {
  const auto n = validity_.size() + static_cast<size_t>(rows);
  validity_.reserve(n);
  switch (storage_) {
    case StorageKind::kBool:
      bools_.reserve(n);
      break;
    case StorageKind::kInt32:
      int32s_.reserve(n);
      break;
    case StorageKind::kInt64:
      int64s_.reserve(n);
      break;
    case StorageKind::kDouble:
      doubles_.reserve(n);
      break;
    case StorageKind::kString:
      offsets_.reserve(n + 1);
      chars_.reserve(chars_.size() + static_cast<size_t>(string_bytes));
      break;
  }
}

void Column::Clear() {
  null_count_ = 0;
  validity_.clear();
  bools_.clear();
  int32s_.clear();
  int64s_.clear();
  doubles_.clear();
  offsets_.clear();
  chars_.clear();
  if (storage_ == StorageKind::kString) offsets_.push_back(0);
}

void Column::AppendNull() {
  switch (storage_) {
    case StorageKind::kBool:
      bools_.push_back(0);
      break;
    case StorageKind::kInt32:
      int32s_.push_back(0);
      break;
    case StorageKind::kInt64:
      int64s_.push_back(0);
      break;
    case StorageKind::kDouble:
      doubles_.push_back(0.0);
      break;
    case StorageKind::kString:
      offsets_.push_back(static_cast<int64_t>(chars_.size()));
      break;
  }
  validity_.push_back(0);
  ++null_count_;
}

void Column::AppendFrom(const Column& other, int64_t row) {
  assert(other.type_ == type_);
  if (other.IsNull(row)) {
    AppendNull();
    return;
  }
  const auto i = static_cast<size_t>(row);
  switch (storage_) {
    case StorageKind::kBool:
      AppendBool(other.bools_[i] != 0);
      break;
    case StorageKind::kInt32:
      AppendInt32(other.int32s_[i]);
      break;
    case StorageKind::kInt64:
      AppendInt64(other.int64s_[i]);
      break;
    case StorageKind::kDouble:
      AppendDouble(other.doubles_[i]);
      break;
    case StorageKind::kString:
      AppendString(other.string_value(row));
      break;
  }
}

bool Column::Equals(const Column& other) const {
  if (type_ != other.type_ || validity_ != other.validity_) return false;
  for (int64_t row = 0; row < length(); ++row) {
    if (IsNull(row)) continue;
    const auto i = static_cast<size_t>(row);
    switch (storage_) {
      case StorageKind::kBool:
        if (bools_[i] != other.bools_[i]) return false;
        break;
      case StorageKind::kInt32:
        if (int32s_[i] != other.int32s_[i]) return false;
        break;
      case StorageKind::kInt64:
        if (int64s_[i] != other.int64s_[i]) return false;
        break;
      case StorageKind::kDouble:
        if (std::memcmp(&doubles_[i], &other.doubles_[i], sizeof(double)) != 0) return false;
        break;
      case StorageKind::kString:
        if (string_value(row) != other.string_value(row)) return false;
        break;
    }
  }
  return true;
}

int64_t Column::ByteSize() const {
  const size_t bytes = validity_.size() + bools_.size() + int32s_.size() * sizeof(int32_t) +
                       int64s_.size() * sizeof(int64_t) + doubles_.size() * sizeof(double) +
                       offsets_.size() * sizeof(int64_t) + chars_.size();
  return static_cast<int64_t>(bytes);
}

}  // namespace streampro
