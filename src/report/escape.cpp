#include "report/escape.h"

#include <iterator>

#include <fmt/format.h>

namespace streampro::report {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsContinuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

// HTML5 reports these as parse errors when they appear in the input stream.
bool IsHtmlForbidden(char32_t cp) {
  if (cp < 0x20) return cp != '\t' && cp != '\n' && cp != '\r';
  if (cp >= 0x7F && cp <= 0x9F) return true;
  if (cp >= 0xFDD0 && cp <= 0xFDEF) return true;
  return (cp & 0xFFFE) == 0xFFFE;
}

}  // namespace

Utf8Char DecodeUtf8At(std::string_view text, size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) return {lead, 1, true};
  int length = 0;
  char32_t cp = 0;
  char32_t min_cp = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    cp = lead & 0x1F;
    min_cp = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    cp = lead & 0x0F;
    min_cp = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    cp = lead & 0x07;
    min_cp = 0x10000;
  } else {
    return {};
  }
  if (pos + static_cast<size_t>(length) > text.size()) return {};
  for (int i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[pos + static_cast<size_t>(i)]);
    if (!IsContinuation(byte)) return {};
    cp = (cp << 6) | (byte & 0x3F);
  }
  // Overlong forms, UTF-16 surrogates and values past the Unicode range are ill-formed.
  if (cp < min_cp || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return {};
  return {cp, length, true};
}

void AppendValidUtf8(std::string_view text, std::string& out) {
  for (size_t pos = 0; pos < text.size();) {
    const Utf8Char ch = DecodeUtf8At(text, pos);
    if (ch.valid) {
      out.append(text.substr(pos, static_cast<size_t>(ch.length)));
    } else {
      out.append(kReplacement);
    }
    pos += static_cast<size_t>(ch.length);
  }
}

void AppendJsonString(std::string_view text, std::string& out) {
  out.push_back('"');
  for (size_t pos = 0; pos < text.size();) {
    const Utf8Char ch = DecodeUtf8At(text, pos);
    if (!ch.valid) {
      out.append(kReplacement);
    } else if (ch.code_point == '"' || ch.code_point == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(ch.code_point));
    } else if (ch.code_point < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(ch.code_point));
    } else {
      out.append(text.substr(pos, static_cast<size_t>(ch.length)));
    }
    pos += static_cast<size_t>(ch.length);
  }
  out.push_back('"');
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const Utf8Char ch = DecodeUtf8At(text, pos);
    if (!ch.valid || IsHtmlForbidden(ch.code_point)) {
      out.append(kReplacement);
    } else {
      switch (ch.code_point) {
        case '&':
          out.append("&amp;");
          break;
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '"':
          out.append("&quot;");
          break;
        case '\'':
          out.append("&#39;");
          break;
        default:
          out.append(text.substr(pos, static_cast<size_t>(ch.length)));
      }
    }
    pos += static_cast<size_t>(ch.length);
  }
  return out;
}

std::string HtmlEscapeBreakable(std::string_view text) {
  std::string html;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    // Cut after a separator, or before a dot; the pieces split at ASCII bytes, so each is
    // escaped exactly as the whole would be.
    size_t cut = std::string_view::npos;
    if (text[i] == '/' || text[i] == '_' || text[i] == '=') {
      cut = i + 1;
    } else if (text[i] == '.') {
      cut = i;
    }
    if (cut == std::string_view::npos || cut == start || cut == text.size()) continue;
    html += HtmlEscape(text.substr(start, cut - start));
    html += "<wbr>";
    start = cut;
  }
  html += HtmlEscape(text.substr(start));
  return html;
}

}  // namespace streampro::report
