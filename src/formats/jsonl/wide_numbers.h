#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace streampro::formats::jsonl {

/// A line whose wide numbers were rewritten so that simdjson can parse it.
struct NarrowedLine {
  /// The line with each wide number replaced (not padded: parse it with a copy).
  std::string text;
  /// What the top-level `"value"` member held when that member was a rewritten number:
  /// ±infinity beyond the double range, else the double nearest to it.
  std::optional<double> value;
};

/// RFC 8259 allows numbers of any size, but simdjson 3 refuses two kinds with
/// NUMBER_ERROR: magnitudes beyond the double range (`1e999`, `-1e999`,
/// `1.8e308`) and integers beyond 64 bits (`123456789012345678901234567890`). SPEC §7 says
/// such a line is valid JSON. This rewrites, outside strings, every number token that is
/// valid JSON and either overflows a double or is an integer of 20 digits or more:
/// overflows become `0` (their value, ±infinity, goes to `value` when the member is the
/// top-level `"value"`), long integers become the shortest text of their nearest double.
/// Every other byte is kept, so the rewritten line is valid JSON exactly when the line
/// is, and each member keeps its JSON type (a number stays a number).
///
/// Returns nullopt when nothing needed rewriting (the line's error lies elsewhere).
/// Meant for the rare lines simdjson rejected; it allocates.
std::optional<NarrowedLine> NarrowWideNumbers(std::string_view line);

/// `token` (which must match the JSON number grammar) as a double: correctly rounded,
/// ±infinity beyond the double range, ±0 below it.
double JsonNumberToDouble(std::string_view token);

/// True when `token` is exactly a JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
bool IsJsonNumber(std::string_view token);

}  // namespace streampro::formats::jsonl
