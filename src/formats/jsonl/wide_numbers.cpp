#include "formats/jsonl/wide_numbers.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <system_error>

namespace streampro::formats::jsonl {

namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool IsNumberByte(char c) {
  return IsDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

bool IsJsonWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// True for a number simdjson 3 refuses although it is valid JSON.
bool IsWide(std::string_view token, double value) {
  if (!std::isfinite(value)) return true;
  size_t digits = 0;
  for (const char c : token) {
    if (c == '.' || c == 'e' || c == 'E') return false;  // not an integer
    if (IsDigit(c)) ++digits;
  }
  return digits >= 20;  // 19 digits always fit an int64, 20 may exceed a uint64
}

// True when the raw key token (quotes included) names "value", also when spelled with
// escapes such as "valu\u0065" (the same member to JSON).
bool IsValueKey(std::string_view token) {
  if (token == "\"value\"") return true;
  if (token.find('\\') == std::string_view::npos) return false;
  simdjson::dom::parser parser;
  std::string_view key;
  return parser.parse(token.data(), token.size()).get_string().get(key) == simdjson::SUCCESS &&
         key == "value";
}

}  // namespace

bool IsJsonNumber(std::string_view token) {
  size_t i = 0;
  const size_t n = token.size();
  if (i < n && token[i] == '-') ++i;
  if (i >= n || !IsDigit(token[i])) return false;
  if (token[i] == '0') {
    ++i;
  } else {
    while (i < n && IsDigit(token[i])) ++i;
  }
  if (i < n && token[i] == '.') {
    ++i;
    if (i >= n || !IsDigit(token[i])) return false;
    while (i < n && IsDigit(token[i])) ++i;
  }
  if (i < n && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < n && (token[i] == '+' || token[i] == '-')) ++i;
    if (i >= n || !IsDigit(token[i])) return false;
    while (i < n && IsDigit(token[i])) ++i;
  }
  return i == n;
}

double JsonNumberToDouble(std::string_view token) {
  double value = 0;
  const auto [ptr, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  (void)ptr;
  if (error != std::errc::result_out_of_range) return value;
  // Out of range: beyond the largest double or below the smallest. The decimal exponent
  // of the first significant digit tells which (the token holds a non-zero digit, or
  // from_chars would have given 0).
  const bool negative = !token.empty() && token.front() == '-';
  const size_t exponent_at = token.find_first_of("eE");
  const std::string_view mantissa = token.substr(0, exponent_at);
  const size_t point = mantissa.find('.');
  const std::string_view integer = mantissa.substr(0, point);
  int64_t position = 0;
  const size_t first = integer.find_first_not_of("-0");
  if (first != std::string_view::npos) {
    position = static_cast<int64_t>(integer.size() - 1 - first);
  } else if (point != std::string_view::npos) {
    const std::string_view fraction = mantissa.substr(point + 1);
    position = -static_cast<int64_t>(fraction.find_first_not_of('0') + 1);
  }
  int64_t exponent = 0;
  if (exponent_at != std::string_view::npos) {
    size_t i = exponent_at + 1;
    const bool exponent_negative = i < token.size() && token[i] == '-';
    if (i < token.size() && (token[i] == '-' || token[i] == '+')) ++i;
    for (; i < token.size(); ++i) {
      // Saturate: any exponent beyond a billion is as good as infinite here.
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (token[i] - '0');
    }
    if (exponent_negative) exponent = -exponent;
  }
  const double magnitude = position + exponent >= 0 ? std::numeric_limits<double>::infinity() : 0.0;
  return negative ? -magnitude : magnitude;
}

std::optional<NarrowedLine> NarrowWideNumbers(std::string_view line) {
  NarrowedLine out;
  out.text.reserve(line.size() + 16);
  bool rewrote = false;
  int depth = 0;
  // The raw text (quotes included) of the key of the top-level member being read.
  std::string_view member_key;
  size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (c == '"') {
      const size_t start = i++;
      while (i < line.size() && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
      if (i >= line.size()) return std::nullopt;  // unterminated: malformed anyway
      ++i;
      const std::string_view token = line.substr(start, i - start);
      out.text.append(token);
      if (depth == 1) {
        size_t next = i;
        while (next < line.size() && IsJsonWhitespace(line[next])) ++next;
        if (next < line.size() && line[next] == ':') member_key = token;
      }
      continue;
    }
    if (c == '-' || IsDigit(c)) {
      const size_t start = i;
      while (i < line.size() && IsNumberByte(line[i])) ++i;
      const std::string_view token = line.substr(start, i - start);
      const double value = IsJsonNumber(token) ? JsonNumberToDouble(token) : 0;
      if (!IsJsonNumber(token) || !IsWide(token, value)) {
        out.text.append(token);
        continue;
      }
      rewrote = true;
      if (depth == 1 && IsValueKey(member_key)) out.value = value;
      if (!std::isfinite(value)) {
        out.text.push_back('0');
      } else {
        char buffer[32];
        // Scientific: the plain shortest form of 1.8446744073709552e19 is again a 20-digit
        // integer that simdjson refuses.
        const auto [end, error] =
            std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
        (void)error;  // 32 bytes hold any double's shortest form
        out.text.append(buffer, end);
      }
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    out.text.push_back(c);
    ++i;
  }
  if (!rewrote) return std::nullopt;
  return out;
}

}  // namespace streampro::formats::jsonl
