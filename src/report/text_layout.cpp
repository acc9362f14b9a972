#include "report/text_layout.h"

#include <algorithm>
#include <utility>

#include "report/escape.h"

namespace streampro::report {

namespace {

// Byte length of the first `columns` code points of `text`.
size_t PrefixBytes(std::string_view text, size_t columns) {
  size_t pos = 0;
  for (size_t taken = 0; taken < columns && pos < text.size(); ++taken) {
    pos += static_cast<size_t>(DecodeUtf8At(text, pos).length);
  }
  return pos;
}

}  // namespace

std::string TerminalSafe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const Utf8Char ch = DecodeUtf8At(text, pos);
    const bool control = ch.code_point < 0x20 || (ch.code_point >= 0x7F && ch.code_point <= 0x9F);
    if (!ch.valid || control) {
      out.push_back('?');
    } else {
      out.append(text.substr(pos, static_cast<size_t>(ch.length)));
    }
    pos += static_cast<size_t>(ch.length);
  }
  return out;
}

size_t DisplayWidth(std::string_view text) {
  size_t columns = 0;
  for (size_t pos = 0; pos < text.size(); ++columns) {
    pos += static_cast<size_t>(DecodeUtf8At(text, pos).length);
  }
  return columns;
}

std::string FitLeft(std::string_view text, size_t width) {
  const size_t columns = DisplayWidth(text);
  if (columns <= width) {
    std::string out(text);
    out.append(width - columns, ' ');
    return out;
  }
  if (width <= 3) return std::string(width, '.');
  std::string out(text.substr(0, PrefixBytes(text, width - 3)));
  out.append("...");
  return out;
}

std::string PadLeft(std::string_view text, size_t width) {
  const size_t columns = DisplayWidth(text);
  std::string out;
  if (columns < width) out.append(width - columns, ' ');
  out.append(text);
  return out;
}

std::vector<std::string> WrapText(std::string_view text, size_t width,
                                  std::string_view first_prefix, std::string_view next_prefix) {
  std::vector<std::string> lines;
  std::string line(first_prefix);
  size_t line_columns = DisplayWidth(first_prefix);
  size_t prefix_columns = line_columns;
  bool line_has_word = false;

  auto start_next_line = [&] {
    lines.push_back(std::move(line));
    line = std::string(next_prefix);
    line_columns = prefix_columns = DisplayWidth(next_prefix);
    line_has_word = false;
  };

  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = std::min(text.find(' ', pos), text.size());
    std::string_view word = text.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    size_t word_columns = DisplayWidth(word);
    const size_t needed = word_columns + (line_has_word ? 1 : 0);
    if (line_has_word && line_columns + needed > width) start_next_line();
    // A word wider than a whole line is cut into line-sized pieces.
    const size_t room = width > prefix_columns ? width - prefix_columns : 1;
    while (word_columns > room) {
      if (line_has_word) start_next_line();
      const size_t bytes = PrefixBytes(word, room);
      line.append(word.substr(0, bytes));
      line_has_word = true;
      word.remove_prefix(bytes);
      word_columns -= room;
      start_next_line();
    }
    if (word.empty()) continue;
    if (line_has_word) {
      line.push_back(' ');
      ++line_columns;
    }
    line.append(word);
    line_columns += word_columns;
    line_has_word = true;
  }
  if (line_has_word || lines.empty()) lines.push_back(std::move(line));
  return lines;
}

}  // namespace streampro::report
