#include "formats/parquet/statistics.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

namespace streampro::parquet {

namespace {

template <typename T>
std::string PlainBytes(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

template <typename T>
bool ReadPlain(const std::string& s, T* out) {
  if (s.size() != sizeof(T)) return false;
  std::memcpy(out, s.data(), sizeof(T));
  return true;
}

}  // namespace

void StatisticsAccumulator::Reset() {
  null_count_ = 0;
  has_ = false;
  min_string_.clear();
  max_string_.clear();
}

void StatisticsAccumulator::CountNulls(const Column& column, int64_t begin, int64_t end) {
  if (column.null_count() == 0) return;
  const auto validity = column.validity();
  int64_t nulls = 0;
  for (int64_t i = begin; i < end; ++i) nulls += validity[static_cast<size_t>(i)] == 0;
  null_count_ += nulls;
}

void StatisticsAccumulator::AddInt(int64_t v) {
  if (!has_) {
    min_int_ = max_int_ = v;
    has_ = true;
  }
  min_int_ = std::min(min_int_, v);
  max_int_ = std::max(max_int_, v);
}

void StatisticsAccumulator::AddDouble(double v) {
  if (std::isnan(v)) return;
  if (!has_) {
    min_double_ = max_double_ = v;
    has_ = true;
  }
  min_double_ = v < min_double_ ? v : min_double_;
  max_double_ = v > max_double_ ? v : max_double_;
}

void StatisticsAccumulator::AddString(std::string_view v) {
  if (!has_) {
    min_string_ = max_string_ = v;
    has_ = true;
    return;
  }
  if (v < std::string_view(min_string_)) min_string_ = v;
  if (v > std::string_view(max_string_)) max_string_ = v;
}

void StatisticsAccumulator::Update(const Column& column, int64_t begin, int64_t end) {
  const auto validity = column.validity();
  const bool all_valid = column.null_count() == 0;
  auto valid = [&](int64_t i) { return all_valid || validity[static_cast<size_t>(i)] != 0; };
  switch (StorageOf(type_)) {
    case StorageKind::kBool: {
      const auto v = column.bool_values();
      for (int64_t i = begin; i < end; ++i) {
        if (!valid(i)) {
          ++null_count_;
          continue;
        }
        const int64_t b = v[static_cast<size_t>(i)] != 0;
        if (!has_) {
          min_int_ = max_int_ = b;
          has_ = true;
        }
        min_int_ = std::min(min_int_, b);
        max_int_ = std::max(max_int_, b);
      }
      return;
    }
    case StorageKind::kInt32:
    case StorageKind::kInt64: {
      auto run = [&](auto values) {
        int64_t lo = has_ ? min_int_ : INT64_MAX;
        int64_t hi = has_ ? max_int_ : INT64_MIN;
        int64_t nulls = 0;
        for (int64_t i = begin; i < end; ++i) {
          if (!valid(i)) {
            ++nulls;
            continue;
          }
          const int64_t x = values[static_cast<size_t>(i)];
          lo = x < lo ? x : lo;
          hi = x > hi ? x : hi;
        }
        null_count_ += nulls;
        if (end - begin > nulls) {
          has_ = true;
          min_int_ = lo;
          max_int_ = hi;
        }
      };
      if (StorageOf(type_) == StorageKind::kInt32) {
        run(column.int32_values());
      } else {
        run(column.int64_values());
      }
      return;
    }
    case StorageKind::kDouble: {
      const auto v = column.double_values();
      for (int64_t i = begin; i < end; ++i) {
        if (!valid(i)) {
          ++null_count_;
          continue;
        }
        const double x = v[static_cast<size_t>(i)];
        if (std::isnan(x)) continue;
        if (!has_) {
          min_double_ = max_double_ = x;
          has_ = true;
        }
        min_double_ = x < min_double_ ? x : min_double_;
        max_double_ = x > max_double_ ? x : max_double_;
      }
      return;
    }
    case StorageKind::kString: {
      for (int64_t i = begin; i < end; ++i) {
        if (!valid(i)) {
          ++null_count_;
          continue;
        }
        const std::string_view s = column.string_value(i);
        if (!has_) {
          min_string_ = max_string_ = s;
          has_ = true;
          continue;
        }
        if (s < std::string_view(min_string_)) min_string_ = s;
        if (s > std::string_view(max_string_)) max_string_ = s;
      }
      return;
    }
  }
}

format::Statistics StatisticsAccumulator::ToThrift() const {
  format::Statistics s;
  s.null_count = null_count_;
  if (!has_) return s;
  switch (StorageOf(type_)) {
    case StorageKind::kBool:
      s.min_value = std::string(1, static_cast<char>(min_int_));
      s.max_value = std::string(1, static_cast<char>(max_int_));
      break;
    case StorageKind::kInt32:
      s.min_value = PlainBytes(static_cast<int32_t>(min_int_));
      s.max_value = PlainBytes(static_cast<int32_t>(max_int_));
      break;
    case StorageKind::kInt64:
      s.min_value = PlainBytes(min_int_);
      s.max_value = PlainBytes(max_int_);
      break;
    case StorageKind::kDouble:
      // -0.0 == 0.0 compares equal, so the sign of a zero bound is set explicitly.
      s.min_value = PlainBytes(min_double_ == 0 ? -0.0 : min_double_);
      s.max_value = PlainBytes(max_double_ == 0 ? 0.0 : max_double_);
      break;
    case StorageKind::kString:
      s.min_value = min_string_;
      s.max_value = max_string_;
      return s;  // legacy min/max used signed bytes; leave them out
  }
  s.min = s.min_value;
  s.max = s.max_value;
  return s;
}

ColumnStatistics DecodeStatistics(const format::Statistics& stats, int32_t physical_type,
                                  TypeId type, int timestamp_scale) {
  ColumnStatistics out;
  out.null_count = stats.null_count.value_or(-1);
  const std::string* lo = nullptr;
  const std::string* hi = nullptr;
  if (stats.min_value && stats.max_value) {
    lo = &*stats.min_value;
    hi = &*stats.max_value;
  } else if (stats.min && stats.max && physical_type != format::kByteArray) {
    lo = &*stats.min;
    hi = &*stats.max;
  }
  if (lo == nullptr) return out;
  auto scale = [&](int64_t v, int64_t* r) {
    if (timestamp_scale > 0) return !__builtin_mul_overflow(v, int64_t{timestamp_scale}, r);
    *r = timestamp_scale < 0 ? v / -timestamp_scale : v;
    return true;
  };
  switch (StorageOf(type)) {
    case StorageKind::kBool:
      if (lo->size() == 1 && hi->size() == 1) {
        out.min = (*lo)[0] != 0;
        out.max = (*hi)[0] != 0;
        out.has_min_max = true;
      }
      break;
    case StorageKind::kInt32: {
      int32_t a, b;
      if (ReadPlain(*lo, &a) && ReadPlain(*hi, &b)) {
        out.min = a;
        out.max = b;
        out.has_min_max = true;
      }
      break;
    }
    case StorageKind::kInt64: {
      int64_t a, b, sa, sb;
      if (ReadPlain(*lo, &a) && ReadPlain(*hi, &b) && scale(a, &sa) && scale(b, &sb)) {
        out.min = sa;
        out.max = sb;
        out.has_min_max = true;
      }
      break;
    }
    case StorageKind::kDouble: {
      double a, b;
      if (ReadPlain(*lo, &a) && ReadPlain(*hi, &b)) {
        out.min = a;
        out.max = b;
        out.has_min_max = true;
      }
      break;
    }
    case StorageKind::kString:
      out.min = *lo;
      out.max = *hi;
      out.has_min_max = true;
      break;
  }
  return out;
}

}  // namespace streampro::parquet
