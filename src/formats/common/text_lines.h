#pragma once

#include <string_view>

namespace streampro::formats {

/// True when `line` holds only spaces, tabs and carriage returns (or nothing): SPEC §1
/// says such a line is not a record, in CSV and in JSONL.
inline bool IsBlankLine(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

/// `line` without one trailing carriage return (the CR of a CRLF terminator).
inline std::string_view StripCarriageReturn(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

/// `text` without leading and trailing spaces and tabs (the SPEC's "trimmed").
inline std::string_view TrimSpaces(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  return text.substr(begin, end - begin);
}

}  // namespace streampro::formats
