#include "formats/csv/dimension_converter.h"

#include <array>

#include "common/date.h"
#include "formats/common/text_lines.h"

namespace streampro::formats::csv {

namespace {

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
char AsciiUpper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

bool IsAgeGroup(std::string_view text) {
  return text == "18-25" || text == "26-35" || text == "36-50" || text == "50+";
}

}  // namespace

std::optional<int32_t> ParsePositiveInt32(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > 2147483647) return std::nullopt;  // also stops overflow of long inputs
  }
  if (value < 1) return std::nullopt;
  return static_cast<int32_t>(value);
}

std::optional<std::string_view> CanonicalTier(std::string_view text) {
  static constexpr std::array<std::string_view, 3> kTiers = {"Free", "Basic", "Premium"};
  // Clean files spell the tier canonically; skip trimming and case folding for them.
  for (std::string_view tier : kTiers) {
    if (text == tier) return tier;
  }
  const std::string_view trimmed = TrimSpaces(text);
  for (std::string_view tier : kTiers) {
    if (EqualsIgnoreAsciiCase(trimmed, tier)) return tier;
  }
  return std::nullopt;
}

DimensionRowConverter::DimensionRowConverter(const DimensionSpec& spec)
    : spec_(spec), staged_(spec.columns.size()) {}

std::optional<RowRejection> DimensionRowConverter::Convert(std::span<const std::string_view> values,
                                                           RecordBatch* batch) {
  const int num_columns = static_cast<int>(spec_.columns.size());
  for (int c = 0; c < num_columns; ++c) {
    if (spec_.columns[static_cast<size_t>(c)].required &&
        TrimSpaces(values[static_cast<size_t>(c)]).empty()) {
      return RowRejection{RejectReason::kMissingRequired, c};
    }
  }
  for (int c = 0; c < num_columns; ++c) {
    const std::string_view text = values[static_cast<size_t>(c)];
    Staged& staged = staged_[static_cast<size_t>(c)];
    staged = Staged{};
    switch (spec_.columns[static_cast<size_t>(c)].rule) {
      case ColumnRule::kString:
        staged.is_null = text.empty();
        staged.text = text;
        break;
      case ColumnRule::kIsoDate: {
        if (text.empty()) break;
        const std::optional<Date> date = ParseIsoDate(text);
        if (!date) return RowRejection{RejectReason::kInvalidDate, c};
        staged.is_null = false;
        staged.int_value = date->days_since_epoch;
        break;
      }
      case ColumnRule::kSubscriptionTier: {
        if (text.empty()) break;
        const auto tier = CanonicalTier(text);
        if (!tier) return RowRejection{RejectReason::kInvalidEnum, c};
        staged.is_null = false;
        staged.text = *tier;
        break;
      }
      case ColumnRule::kAgeGroup: {
        const std::string_view trimmed = TrimSpaces(text);
        if (trimmed.empty()) break;
        if (!IsAgeGroup(trimmed)) return RowRejection{RejectReason::kInvalidEnum, c};
        staged.is_null = false;
        staged.text = trimmed;
        break;
      }
      case ColumnRule::kGenre: {
        const std::string_view trimmed = TrimSpaces(text);
        if (trimmed.empty()) break;
        genre_.assign(trimmed);
        genre_[0] = AsciiUpper(genre_[0]);
        for (size_t i = 1; i < genre_.size(); ++i) genre_[i] = AsciiLower(genre_[i]);
        staged.is_null = false;
        staged.text = genre_;
        break;
      }
      case ColumnRule::kPositiveInt32: {
        if (text.empty()) break;
        const std::optional<int32_t> value = ParsePositiveInt32(text);
        if (!value) return RowRejection{RejectReason::kInvalidValue, c};
        staged.is_null = false;
        staged.int_value = *value;
        break;
      }
    }
  }
  for (int c = 0; c < num_columns; ++c) {
    const Staged& staged = staged_[static_cast<size_t>(c)];
    Column& column = batch->column(c);
    if (staged.is_null) {
      column.AppendNull();
    } else if (column.type() == TypeId::kString) {
      column.AppendString(staged.text);
    } else {
      column.AppendInt32(staged.int_value);
    }
  }
  return std::nullopt;
}

}  // namespace streampro::formats::csv
