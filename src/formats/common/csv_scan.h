#pragma once

#include <cstdint>

namespace streampro::formats {

/// Where an RFC 4180 scanner stands inside a record. The chunker and the CSV record
/// parser share it so that both find the same record ends.
enum class CsvScanState : uint8_t {
  kFieldStart,     ///< at the first byte of a field
  kUnquoted,       ///< inside a field that did not start with a quote
  kQuoted,         ///< inside a quoted field
  kQuoteInQuoted,  ///< just after a quote inside a quoted field (closing, or half of "")
};

/// Advances the scanner by one byte. Returns true when `c` is a newline that ends the
/// record (the state is then kFieldStart). Only a quote at the start of a field opens a
/// quoted field; a stray quote elsewhere is ordinary text here (the record parser calls
/// it malformed), so one bad quote cannot swallow the rest of the file.
inline bool CsvScanStep(CsvScanState* state, char c) {
  switch (*state) {
    case CsvScanState::kFieldStart:
      if (c == '"') {
        *state = CsvScanState::kQuoted;
      } else if (c == '\n') {
        return true;
      } else if (c != ',') {
        *state = CsvScanState::kUnquoted;
      }
      return false;
    case CsvScanState::kUnquoted:
      if (c == ',') {
        *state = CsvScanState::kFieldStart;
      } else if (c == '\n') {
        *state = CsvScanState::kFieldStart;
        return true;
      }
      return false;
    case CsvScanState::kQuoted:
      if (c == '"') *state = CsvScanState::kQuoteInQuoted;
      return false;
    case CsvScanState::kQuoteInQuoted:
      if (c == '"') {
        *state = CsvScanState::kQuoted;
      } else if (c == ',') {
        *state = CsvScanState::kFieldStart;
      } else if (c == '\n') {
        *state = CsvScanState::kFieldStart;
        return true;
      } else {
        *state = CsvScanState::kUnquoted;
      }
      return false;
  }
  return false;
}

}  // namespace streampro::formats
