#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "formats/parquet/metadata.h"
#include "streampro/column.h"
#include "streampro/parquet.h"

namespace streampro::parquet {

/// Min/max/null count of one column chunk, in the order the spec's TypeDefinedOrder
/// gives each type: signed for INT32/INT64 (ints, dates, timestamps), false < true,
/// unsigned bytewise for strings, and IEEE order for doubles with NaN left out of
/// min/max and zeros widened (a 0 minimum is written -0.0, a 0 maximum +0.0) so readers
/// that prune with either sign stay correct.
class StatisticsAccumulator {
 public:
  explicit StatisticsAccumulator(TypeId type) : type_(type) {}

  /// Adds rows [begin, end) of `column`.
  void Update(const Column& column, int64_t begin, int64_t end);
  /// Counts the nulls of rows [begin, end) only; their values arrive through Add*.
  void CountNulls(const Column& column, int64_t begin, int64_t end);
  void AddInt(int64_t v);
  void AddDouble(double v);
  void AddString(std::string_view v);
  void Reset();
  /// Both min_value/max_value and, except for strings, the legacy min/max.
  format::Statistics ToThrift() const;

 private:
  TypeId type_;
  int64_t null_count_ = 0;
  bool has_ = false;
  int64_t min_int_ = 0, max_int_ = 0;
  double min_double_ = 0, max_double_ = 0;
  std::string min_string_, max_string_;
};

/// Decodes stored statistics for a column whose values read as `type` (timestamps in
/// another unit are scaled by `timestamp_scale`: +1000 multiplies, -1000 divides).
ColumnStatistics DecodeStatistics(const format::Statistics& stats, int32_t physical_type,
                                  TypeId type, int timestamp_scale);

}  // namespace streampro::parquet
