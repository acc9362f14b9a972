#include "formats/csv/csv_record_parser.h"

#include <cstring>

#include "formats/common/csv_scan.h"
#include "formats/common/text_lines.h"

namespace streampro::formats::csv {

CsvRecordParser::CsvRecordParser(std::string_view text, int64_t first_line)
    : text_(text), line_(first_line) {}

bool CsvRecordParser::Next(CsvRecord* record, std::vector<std::string_view>* fields) {
  while (pos_ < text_.size()) {
    const size_t start = pos_;
    const int64_t start_line = line_;
    CsvScanState state = CsvScanState::kFieldStart;
    size_t end = text_.size();
    size_t next = text_.size();
    for (size_t i = start; i < text_.size(); ++i) {
      const char c = text_[i];
      const bool record_ends = CsvScanStep(&state, c);
      if (c == '\n') ++line_;
      if (record_ends) {
        end = i;
        next = i + 1;
        break;
      }
    }
    pos_ = next;
    std::string_view record_text = text_.substr(start, end - start);
    // A record cut off by the end of the text (an unclosed quote) loses the file's final
    // line terminator like any other record.
    if (end == text_.size() && !record_text.empty() && record_text.back() == '\n') {
      record_text.remove_suffix(1);
    }
    const std::string_view raw = StripCarriageReturn(record_text);
    if (IsBlankLine(raw)) continue;
    record->line = start_line;
    record->raw = raw;
    record->malformed = !SplitFields(raw, fields);
    if (record->malformed) fields->clear();
    return true;
  }
  return false;
}

bool CsvRecordParser::SplitFields(std::string_view raw, std::vector<std::string_view>* fields) {
  fields->clear();
  unescaped_.clear();
  // Unescaped text is never longer than the record, so views into it stay valid.
  unescaped_.reserve(raw.size());
  const size_t n = raw.size();
  size_t i = 0;
  while (true) {
    if (i < n && raw[i] == '"') {
      ++i;
      const size_t content = i;
      bool escaped = false;
      size_t unescaped_begin = unescaped_.size();
      while (true) {
        const void* quote = std::memchr(raw.data() + i, '"', n - i);
        if (quote == nullptr) return false;  // unclosed quote
        const size_t q = static_cast<size_t>(static_cast<const char*>(quote) - raw.data());
        if (q + 1 < n && raw[q + 1] == '"') {
          if (!escaped) {
            escaped = true;
            unescaped_begin = unescaped_.size();
            unescaped_.append(raw.substr(content, q + 1 - content));
          } else {
            unescaped_.append(raw.substr(i, q + 1 - i));
          }
          i = q + 2;
          continue;
        }
        if (escaped) {
          unescaped_.append(raw.substr(i, q - i));
          fields->push_back(std::string_view(unescaped_).substr(unescaped_begin));
        } else {
          fields->push_back(raw.substr(content, q - content));
        }
        i = q + 1;
        break;
      }
      if (i < n && raw[i] != ',') return false;  // text after the closing quote
    } else {
      const void* comma = std::memchr(raw.data() + i, ',', n - i);
      const size_t e =
          comma == nullptr ? n : static_cast<size_t>(static_cast<const char*>(comma) - raw.data());
      const std::string_view field = raw.substr(i, e - i);
      if (field.find('"') != std::string_view::npos) return false;  // quote in unquoted field
      fields->push_back(field);
      i = e;
    }
    if (i >= n) return true;
    ++i;  // the comma; a trailing comma leaves one more (empty) field
  }
}

}  // namespace streampro::formats::csv
