#include "storage/s3/xml.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>

namespace streampro::s3::xml {

namespace {

// Where the element named `name` opens at or after `from`: the index just past its start
// tag, and whether the tag closed itself. npos when there is none.
struct OpenTag {
  size_t content_begin = std::string_view::npos;
  bool self_closing = false;
};

OpenTag FindOpenTag(std::string_view document, std::string_view name, size_t from) {
  while (from < document.size()) {
    const size_t lt = document.find('<', from);
    if (lt == std::string_view::npos) break;
    const size_t after_name = lt + 1 + name.size();
    if (document.compare(lt + 1, name.size(), name) == 0 && after_name < document.size()) {
      const char next = document[after_name];
      if (next == '>' || next == '/' || next == ' ' || next == '\t' || next == '\r' ||
          next == '\n') {
        const size_t gt = document.find('>', after_name);
        if (gt == std::string_view::npos) break;
        return {gt + 1, gt > lt && document[gt - 1] == '/'};
      }
    }
    from = lt + 1;
  }
  return {};
}

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// Appends the character that `reference` (the text between '&' and ';') stands for.
bool DecodeReference(std::string_view reference, std::string* out) {
  if (reference == "amp") {
    out->push_back('&');
  } else if (reference == "lt") {
    out->push_back('<');
  } else if (reference == "gt") {
    out->push_back('>');
  } else if (reference == "quot") {
    out->push_back('"');
  } else if (reference == "apos") {
    out->push_back('\'');
  } else if (reference.size() >= 2 && reference[0] == '#') {
    std::string_view digits = reference.substr(1);
    int base = 10;
    if (digits[0] == 'x' || digits[0] == 'X') {
      digits.remove_prefix(1);
      base = 16;
    }
    uint32_t code_point = 0;
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), code_point, base);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        code_point == 0 || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    AppendUtf8(code_point, out);
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::vector<std::string_view> Elements(std::string_view document, std::string_view name) {
  std::vector<std::string_view> elements;
  const std::string closing = fmt::format("</{}>", name);
  size_t from = 0;
  while (true) {
    const OpenTag open = FindOpenTag(document, name, from);
    if (open.content_begin == std::string_view::npos) break;
    if (open.self_closing) {
      elements.emplace_back(document.substr(open.content_begin, 0));
      from = open.content_begin;
      continue;
    }
    const size_t end = document.find(closing, open.content_begin);
    if (end == std::string_view::npos) break;
    elements.push_back(document.substr(open.content_begin, end - open.content_begin));
    from = end + closing.size();
  }
  return elements;
}

std::optional<std::string_view> FirstElement(std::string_view document, std::string_view name) {
  const OpenTag open = FindOpenTag(document, name, 0);
  if (open.content_begin == std::string_view::npos) return std::nullopt;
  if (open.self_closing) return document.substr(open.content_begin, 0);
  const std::string closing = fmt::format("</{}>", name);
  const size_t end = document.find(closing, open.content_begin);
  if (end == std::string_view::npos) return std::nullopt;
  return document.substr(open.content_begin, end - open.content_begin);
}

Result<std::string> Unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, amp - pos));
    const size_t semicolon = text.find(';', amp + 1);
    // Entity names and character references are short; a far ';' means a bare '&'.
    if (semicolon == std::string_view::npos || semicolon - amp > 12 ||
        !DecodeReference(text.substr(amp + 1, semicolon - amp - 1), &out)) {
      const size_t shown_end = std::min(text.size(), amp + 12);
      return Status::InvalidData(fmt::format("malformed XML character reference at '{}'",
                                             text.substr(amp, shown_end - amp)));
    }
    pos = semicolon + 1;
  }
  return out;
}

Result<std::string> FirstText(std::string_view document, std::string_view name) {
  const std::optional<std::string_view> element = FirstElement(document, name);
  if (!element) return std::string();
  return Unescape(*element);
}

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace streampro::s3::xml
