#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace streampro {

/// A proleptic Gregorian calendar date, as Parquet DATE stores it: days since 1970-01-01.
struct Date {
  int32_t days_since_epoch = 0;

  friend bool operator==(Date, Date) = default;
  friend auto operator<=>(Date, Date) = default;
};

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kSecondsPerDay = 86'400;
inline constexpr int64_t kMicrosPerDay = kSecondsPerDay * kMicrosPerSecond;

/// Days since 1970-01-01 of a valid civil date (no range check on the fields).
int32_t DaysFromCivil(int year, unsigned month, unsigned day);

struct CivilFields {
  int year;
  unsigned month;
  unsigned day;
};
CivilFields CivilFromDays(int32_t days_since_epoch);

/// True when year-month-day names a real day (leap years included).
bool IsValidCivilDate(int year, unsigned month, unsigned day);

/// Parses exactly `YYYY-MM-DD` (four-digit year, real day); anything else is nullopt.
std::optional<Date> ParseIsoDate(std::string_view text);

/// `YYYY-MM-DD`.
std::string FormatIsoDate(Date date);

/// Writes `YYYY-MM-DD` (10 bytes) at `out`; years outside 0..9999 are clamped.
void WriteIsoDate(Date date, char* out);

}  // namespace streampro
