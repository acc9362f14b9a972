#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/reject_reason.h"
#include "formats/csv/dimension_schema.h"
#include "streampro/batch.h"

namespace streampro::formats::csv {

/// Why a row was not converted, and the column (index into the spec) that caused it.
struct RowRejection {
  RejectReason reason;
  int column;
};

/// Validates one dimension row by SPEC §7 and appends its typed values to a batch.
/// Checks, first failure wins: every required column non-empty (missing_required, in
/// column order), then each column's rule in column order (invalid_date, invalid_enum,
/// invalid_value). Uniqueness of the key is the reader's job (it needs file order).
/// Reuses internal buffers; not thread-safe (one converter per worker).
class DimensionRowConverter {
 public:
  explicit DimensionRowConverter(const DimensionSpec& spec);

  /// `values[c]` is the unquoted text of spec column c (empty when the header lacks the
  /// column). Appends a row to `batch` (schema spec.schema) and returns nullopt, or
  /// returns the rejection and leaves `batch` unchanged.
  std::optional<RowRejection> Convert(std::span<const std::string_view> values, RecordBatch* batch);

 private:
  struct Staged {
    bool is_null = true;
    std::string_view text;
    int32_t int_value = 0;
  };

  const DimensionSpec& spec_;
  std::vector<Staged> staged_;
  std::string genre_;
};

/// Parses `[0-9]+` in 1..2147483647 (no sign, no spaces); nullopt otherwise.
std::optional<int32_t> ParsePositiveInt32(std::string_view text);

/// Free/Basic/Premium for a trimmed, case-insensitive match; nullopt otherwise.
std::optional<std::string_view> CanonicalTier(std::string_view text);

}  // namespace streampro::formats::csv
