#pragma once

// Just enough XML for S3's responses and request bodies: find elements by name, decode and
// escape character data. S3 documents are flat and predictable (no CDATA, no same-name
// nesting), so this is a scanner, not a general parser.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streampro/status.h"

namespace streampro::s3::xml {

/// The raw content (still escaped) of every element named `name` in `document`, in document
/// order; `<name/>` gives an empty view. Tags may carry attributes (`<a xmlns="...">`); an
/// element whose closing tag is missing ends the scan. Views point into `document`.
std::vector<std::string_view> Elements(std::string_view document, std::string_view name);

/// The raw content of the first element named `name`, or nullopt.
std::optional<std::string_view> FirstElement(std::string_view document, std::string_view name);

/// Decodes the five named entities and decimal / hex character references (as UTF-8).
/// A malformed or unknown reference is InvalidData.
Result<std::string> Unescape(std::string_view text);

/// The decoded text of the first element named `name`; empty when there is none.
Result<std::string> FirstText(std::string_view document, std::string_view name);

/// Escapes `&`, `<`, `>`, `"` and `'` for element content.
std::string Escape(std::string_view text);

}  // namespace streampro::s3::xml
