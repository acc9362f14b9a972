#pragma once

// Fitting text into terminal columns. Widths count Unicode code points (one column each;
// East Asian wide characters are not special-cased).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace streampro::report {

/// `text` safe to print on a terminal: control characters (C0 including ESC and newlines,
/// DEL, C1) and ill-formed UTF-8 become `?`, so data cannot move the cursor or set colours.
std::string TerminalSafe(std::string_view text);

/// Number of columns `text` takes (code points; an ill-formed byte counts as one).
size_t DisplayWidth(std::string_view text);

/// Exactly `width` columns: `text` padded with spaces on the right, or cut and ended with
/// `...` when it is wider. Never splits a UTF-8 sequence.
std::string FitLeft(std::string_view text, size_t width);

/// `text` padded with spaces on the left to `width` columns (left as is when wider).
std::string PadLeft(std::string_view text, size_t width);

/// Greedy word wrap at spaces: the first line starts with `first_prefix`, the next ones
/// with `next_prefix`; no line is wider than `width` (a word wider than a line is cut).
std::vector<std::string> WrapText(std::string_view text, size_t width,
                                  std::string_view first_prefix, std::string_view next_prefix);

}  // namespace streampro::report
