#include "common/timestamp.h"

#include <fmt/format.h>

#include <chrono>

#include "common/date.h"

namespace streampro {

namespace {

inline bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Reads `count` digits at `pos`; false if any is not a digit.
inline bool ReadDigits(std::string_view text, size_t pos, size_t count, int* out) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!IsDigit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

std::optional<int64_t> ParseIsoTimestamp(std::string_view text) {
  if (text.size() < 19) return std::nullopt;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(text, 0, 4, &year) || text[4] != '-' || !ReadDigits(text, 5, 2, &month) ||
      text[7] != '-' || !ReadDigits(text, 8, 2, &day) || (text[10] != 'T' && text[10] != ' ') ||
      !ReadDigits(text, 11, 2, &hour) || text[13] != ':' || !ReadDigits(text, 14, 2, &minute) ||
      text[16] != ':' || !ReadDigits(text, 17, 2, &second)) {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  if (!IsValidCivilDate(year, static_cast<unsigned>(month), static_cast<unsigned>(day))) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && IsDigit(text[pos])) {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits < 1 || digits > 9) return std::nullopt;
    for (size_t d = digits; d < 6; ++d) micros *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    const char sign = text[pos];
    if (sign == 'Z') {
      ++pos;
    } else if (sign == '+' || sign == '-') {
      int offset_hours, offset_minutes;
      if (text.size() - pos != 6 || !ReadDigits(text, pos + 1, 2, &offset_hours) ||
          text[pos + 3] != ':' || !ReadDigits(text, pos + 4, 2, &offset_minutes) ||
          offset_hours > 23 || offset_minutes > 59) {
        return std::nullopt;
      }
      offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (sign == '-' ? -1 : 1);
      pos += 6;
    } else {
      return std::nullopt;
    }
  }
  if (pos != text.size()) return std::nullopt;
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds =
      days * kSecondsPerDay + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * kMicrosPerSecond + micros;
}

std::string FormatIsoTimestamp(int64_t micros) {
  const int64_t days = (micros >= 0 ? micros : micros - kMicrosPerDay + 1) / kMicrosPerDay;
  const int64_t in_day = micros - days * kMicrosPerDay;
  const int64_t seconds = in_day / kMicrosPerSecond;
  return fmt::format("{}T{:02}:{:02}:{:02}.{:06}Z", FormatIsoDate(Date{static_cast<int32_t>(days)}),
                     seconds / 3600, seconds / 60 % 60, seconds % 60, in_day % kMicrosPerSecond);
}

int64_t UtcNowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace streampro
