#include "streampro/column.h"

#include <cstring>
#include <type_traits>

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

void Column::KeepRows(std::span<const uint8_t> keep) {
  assert(keep.size() == validity_.size());
  const size_t rows = validity_.size();
  size_t out = 0;
  const auto keep_values = [&](auto& values) {
    out = 0;
    for (size_t i = 0; i < rows; ++i) {
      if (keep[i] != 0) values[out++] = values[i];
    }
    values.resize(out);
  };
  switch (storage_) {
    case StorageKind::kBool:
      keep_values(bools_);
      break;
    case StorageKind::kInt32:
      keep_values(int32s_);
      break;
    case StorageKind::kInt64:
      keep_values(int64s_);
      break;
    case StorageKind::kDouble:
      keep_values(doubles_);
      break;
    case StorageKind::kString: {
      // Row i's characters are [offsets_[i], offsets_[i + 1]); the kept ones move down to
      // `end`. offsets_[out + 1] is written only after offsets_[i + 1] (out <= i) is read.
      int64_t end = offsets_[0];
      int64_t begin = offsets_[0];
      out = 0;
      for (size_t i = 0; i < rows; ++i) {
        const int64_t next = offsets_[i + 1];
        if (keep[i] != 0) {
          const auto length = static_cast<size_t>(next - begin);
          if (end != begin && length > 0) {
            std::memmove(chars_.data() + end, chars_.data() + begin, length);
          }
          end += static_cast<int64_t>(length);
          offsets_[++out] = end;
        }
        begin = next;
      }
      offsets_.resize(out + 1);
      chars_.resize(static_cast<size_t>(end));
      break;
    }
  }
  out = 0;
  null_count_ = 0;
  for (size_t i = 0; i < rows; ++i) {
    if (keep[i] == 0) continue;
    validity_[out] = validity_[i];
    null_count_ += validity_[out] == 0;
    ++out;
  }
  validity_.resize(out);
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

void Column::AppendColumn(const Column& other) {
  assert(other.type_ == type_);
  std::string_view chars;
  if (storage_ == StorageKind::kString) {
    chars = std::string_view(other.chars_)
                .substr(static_cast<size_t>(other.offsets_.front()),
                        static_cast<size_t>(other.offsets_.back() - other.offsets_.front()));
  }
  AppendRaw(other.length(), other.validity_.data(), other.raw_values(), chars);
}

std::string_view Column::raw_values() const {
  const auto bytes = [](const auto& values) {
    return std::string_view(reinterpret_cast<const char*>(values.data()),
                            values.size() * sizeof(values[0]));
  };
  switch (storage_) {
    case StorageKind::kBool:
      return bytes(bools_);
    case StorageKind::kInt32:
      return bytes(int32s_);
    case StorageKind::kInt64:
      return bytes(int64s_);
    case StorageKind::kDouble:
      return bytes(doubles_);
    case StorageKind::kString:
      return bytes(offsets_);
  }
  return {};
}

void Column::AppendRaw(int64_t rows, const uint8_t* validity, std::string_view values,
                       std::string_view chars) {
  const auto n = static_cast<size_t>(rows);
  const size_t before = validity_.size();
  validity_.insert(validity_.end(), validity, validity + n);
  for (size_t i = before; i < validity_.size(); ++i) null_count_ += validity_[i] == 0;
  const auto append = [&](auto& out) {
    using T = typename std::decay_t<decltype(out)>::value_type;
    assert(values.size() == n * sizeof(T));
    const size_t old_size = out.size();
    out.resize(old_size + n);
    if (n > 0) std::memcpy(out.data() + old_size, values.data(), n * sizeof(T));
  };
  switch (storage_) {
    case StorageKind::kBool:
      append(bools_);
      break;
    case StorageKind::kInt32:
      append(int32s_);
      break;
    case StorageKind::kInt64:
      append(int64s_);
      break;
    case StorageKind::kDouble:
      append(doubles_);
      break;
    case StorageKind::kString: {
      assert(values.size() == (n + 1) * sizeof(int64_t));
      const auto* offsets = reinterpret_cast<const unsigned char*>(values.data());
      int64_t first = 0;
      std::memcpy(&first, offsets, sizeof(first));
      const auto base = static_cast<int64_t>(chars_.size()) - first;
      const size_t old_size = offsets_.size();
      offsets_.resize(old_size + n);
      for (size_t i = 0; i < n; ++i) {
        int64_t offset = 0;
        std::memcpy(&offset, offsets + (i + 1) * sizeof(int64_t), sizeof(offset));
        offsets_[old_size + i] = offset + base;
      }
      assert(n == 0 || static_cast<int64_t>(chars.size()) == offsets_.back() - base - first);
      chars_.append(chars);
      break;
    }
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
