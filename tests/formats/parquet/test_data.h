#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>

#include "streampro/batch.h"
#include "streampro/schema.h"

/// Deterministic test batches covering every type, nullable and required.
namespace streampro::parquet::testing_data {

inline SchemaPtr AllTypesSchema() {
  return std::make_shared<const Schema>(std::vector<Field>{
      {"b", TypeId::kBool, true},
      {"b_req", TypeId::kBool, false},
      {"i32", TypeId::kInt32, true},
      {"i32_req", TypeId::kInt32, false},
      {"i64", TypeId::kInt64, true},
      {"i64_req", TypeId::kInt64, false},
      {"d", TypeId::kDouble, true},
      {"d_req", TypeId::kDouble, false},
      {"dt", TypeId::kDate32, true},
      {"ts", TypeId::kTimestampMicros, true},
      {"ts_req", TypeId::kTimestampMicros, false},
      {"s_low", TypeId::kString, true},
      {"s_high", TypeId::kString, true},
      {"s_req", TypeId::kString, false},
      {"s_sparse", TypeId::kString, true},  ///< null for the first 1500 rows
      {"i64_null", TypeId::kInt64, true},   ///< always null
  });
}

/// `rows` rows from `seed`; nullable columns get ~10% nulls. With `finite_doubles` NaN and
/// infinities are left out (for engines that order or print them differently).
inline RecordBatch MakeRandomBatch(const SchemaPtr& schema, int64_t rows, uint64_t seed,
                                   bool finite_doubles = false) {
  std::mt19937_64 rng(seed);
  auto u = [&](uint64_t n) { return n == 0 ? 0 : rng() % n; };
  static const char* kWords[] = {"",       "alpha",   "beta",     "gamma",       "Zürich",
                                 "日本語", "emoji 🎉", "a\"quote", "back\\slash", "tab\tnew\nline"};
  RecordBatch batch(schema);
  batch.Reserve(rows);
  for (int c = 0; c < schema->num_fields(); ++c) {
    const Field& f = schema->field(c);
    Column& col = batch.column(c);
    for (int64_t r = 0; r < rows; ++r) {
      if ((f.nullable && u(10) == 0) || f.name == "i64_null" ||
          (f.name == "s_sparse" && r < 1500)) {
        col.AppendNull();
        continue;
      }
      switch (f.type) {
        case TypeId::kBool:
          col.AppendBool(u(2) == 1);
          break;
        case TypeId::kInt32: {
          const auto pick = u(8);
          col.AppendInt32(pick == 0   ? std::numeric_limits<int32_t>::min()
                          : pick == 1 ? std::numeric_limits<int32_t>::max()
                          : pick < 5  ? static_cast<int32_t>(u(100)) - 50
                                      : static_cast<int32_t>(rng()));
          break;
        }
        case TypeId::kInt64: {
          const auto pick = u(8);
          col.AppendInt64(pick == 0   ? std::numeric_limits<int64_t>::min()
                          : pick == 1 ? std::numeric_limits<int64_t>::max()
                          : pick < 5  ? static_cast<int64_t>(u(1000)) - 500
                                      : static_cast<int64_t>(rng()));
          break;
        }
        case TypeId::kDouble: {
          const auto pick = u(finite_doubles ? 9 : 12);
          double v;
          switch (pick) {
            case 0:
              v = -0.0;
              break;
            case 1:
              v = 0.0;
              break;
            case 2:
              v = std::numeric_limits<double>::denorm_min();
              break;
            case 3:
              v = std::numeric_limits<double>::max();
              break;
            case 4:
              v = -std::numeric_limits<double>::max();
              break;
            case 5:
              v = 1e-300 * static_cast<double>(u(1000));
              break;
            case 6:
              v = static_cast<double>(u(10)) / 4;
              break;
            case 9:
              v = std::numeric_limits<double>::quiet_NaN();
              break;
            case 10:
              v = std::numeric_limits<double>::infinity();
              break;
            case 11:
              v = -std::numeric_limits<double>::infinity();
              break;
            default:
              v = std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(u(200)) - 100) *
                  (u(2) ? 1 : -1);
          }
          col.AppendDouble(v);
          break;
        }
        case TypeId::kDate32:
          // 1000-01-01 .. 9999-12-31 in days since 1970.
          col.AppendInt32(static_cast<int32_t>(u(3287182)) - 354285);
          break;
        case TypeId::kTimestampMicros:
          // 1900 .. 2200 with microseconds.
          col.AppendInt64(static_cast<int64_t>(u(9467280000000000ULL)) - 2208988800000000LL);
          break;
        case TypeId::kString:
          if (f.name == "s_low" || f.name == "s_sparse") {
            col.AppendString(kWords[u(10)]);
          } else {
            std::string s = fmt::format("v{}{}", rng() % 1000000007, kWords[u(10)]);
            col.AppendString(s);
          }
          break;
      }
    }
  }
  return batch;
}

}  // namespace streampro::parquet::testing_data
