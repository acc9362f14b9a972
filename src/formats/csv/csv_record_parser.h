#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace streampro::formats::csv {

/// One CSV record found in a chunk.
struct CsvRecord {
  /// 1-based physical line where the record starts.
  int64_t line = 0;
  /// The record text without its line terminator; may hold newlines of quoted fields.
  std::string_view raw;
  /// Quoting breaks RFC 4180 (an unclosed quote, text after a closing quote, or a quote
  /// inside an unquoted field); `fields` is then empty.
  bool malformed = false;
};

/// Splits chunk text into RFC 4180 records and fields. A record ends at a newline outside
/// a quoted field (CsvScanStep, the rule TextChunker cuts by); `\r\n` and `\n` both end
/// a record.
/// Whitespace-only records are skipped and not returned, so they are never counted.
/// Field views point into the text or into the parser's own buffer (for fields with
/// doubled quotes) and stay valid until the next call of Next. Not thread-safe.
class CsvRecordParser {
 public:
  CsvRecordParser(std::string_view text, int64_t first_line);

  /// The next non-blank record and its unquoted fields; false at the end of the text.
  bool Next(CsvRecord* record, std::vector<std::string_view>* fields);

  /// Offset in the text just after the last record returned (and its terminator).
  size_t position() const { return pos_; }
  /// Line number of the next record's first line.
  int64_t next_line() const { return line_; }

 private:
  bool SplitFields(std::string_view raw, std::vector<std::string_view>* fields);
  /// SplitFields for a record known to hold no quote.
  bool SplitUnquoted(std::string_view raw, std::vector<std::string_view>* fields);

  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_;
  std::string unescaped_;
};

}  // namespace streampro::formats::csv
