#include "formats/csv/csv_record_parser.h"

#include <cstdint>
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
    size_t end = text_.size();
    size_t next = text_.size();
    // Most records hold no quote; such a record ends at its first newline, which memchr
    // finds far faster than the byte-by-byte scanner below (which stays the reference for
    // quoted records).
    const char* base = text_.data();
    const void* newline = std::memchr(base + start, '\n', text_.size() - start);
    const size_t newline_at = newline == nullptr
                                  ? text_.size()
                                  : static_cast<size_t>(static_cast<const char*>(newline) - base);
    const bool quoted = std::memchr(base + start, '"', newline_at - start) != nullptr;
    if (!quoted) {
      if (newline != nullptr) {
        end = newline_at;
        next = newline_at + 1;
        ++line_;
      }
    } else {
      CsvScanState state = CsvScanState::kFieldStart;
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
    record->malformed = quoted ? !SplitFields(raw, fields) : !SplitUnquoted(raw, fields);
    if (record->malformed) fields->clear();
    return true;
  }
  return false;
}

bool CsvRecordParser::SplitUnquoted(std::string_view raw, std::vector<std::string_view>* fields) {
  // The record holds no quote, so every comma separates fields and nothing is malformed.
  fields->clear();
  const char* data = raw.data();
  const size_t n = raw.size();
  size_t begin = 0;
  size_t i = 0;
  // Eight bytes at a time: fields are short, so a memchr call per field costs more than
  // it saves, and a byte loop is the slowest part of parsing.
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  for (; i + sizeof(uint64_t) <= n; i += sizeof(uint64_t)) {
    uint64_t word;
    std::memcpy(&word, data + i, sizeof(word));
    const uint64_t x = word ^ (kOnes * static_cast<uint8_t>(','));
    // Exact zero-byte test (no false positives): 0x80 in each byte of x that is zero.
    uint64_t commas = ~(((x & kLow7) + kLow7) | x | kLow7);
    while (commas != 0) {
      // Little-endian: the lowest set bit is the first comma.
      const size_t at = i + static_cast<size_t>(__builtin_ctzll(commas)) / 8;
      fields->push_back(raw.substr(begin, at - begin));
      begin = at + 1;
      commas &= commas - 1;
    }
  }
  for (; i < n; ++i) {
    if (data[i] == ',') {
      fields->push_back(raw.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  fields->push_back(raw.substr(begin));
  return true;
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
