#pragma once

// Escaping of strings that come from the data (genres, segments, file names are user
// input) for the JSON and HTML renderings.

#include <string>
#include <string_view>

namespace streampro::report {

/// One decoded UTF-8 sequence. An ill-formed sequence has `valid` false and length 1, so
/// that a scan resumes at the next byte.
struct Utf8Char {
  char32_t code_point = 0;
  int length = 1;
  bool valid = false;
};

/// Decodes the sequence starting at `text[pos]` (pos < text.size()).
Utf8Char DecodeUtf8At(std::string_view text, size_t pos);

/// Appends `text` to `out` with every ill-formed UTF-8 sequence (stray continuation
/// bytes, truncated or overlong sequences, surrogates, code points above U+10FFFF)
/// replaced by U+FFFD, so that the output is always valid UTF-8.
void AppendValidUtf8(std::string_view text, std::string& out);

/// Appends `text` as a quoted RFC 8259 JSON string: `"` and `\` are backslash-escaped,
/// control characters below U+0020 are written as \u00XX, valid UTF-8 passes through and
/// ill-formed UTF-8 becomes U+FFFD.
void AppendJsonString(std::string_view text, std::string& out);

/// `text` escaped for HTML text and double- or single-quoted attribute values: & < > " '
/// become character references, control characters other than tab, LF and CR (which
/// HTML5 forbids in the input stream) and ill-formed UTF-8 become U+FFFD.
std::string HtmlEscape(std::string_view text);

/// HtmlEscape(text) with a line-break opportunity (`<wbr>`) after each `/`, `_` and `=` and
/// before each `.` that does not start the text, so that a file name or path wraps at its
/// separators rather than inside a word.
std::string HtmlEscapeBreakable(std::string_view text);

}  // namespace streampro::report
