#pragma once

// Checks shared by the renderer tests: substrings and SVG coordinates.

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace streampro::report::testing {

inline bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

/// Occurrences of `part`, overlapping ones included.
inline size_t Count(const std::string& text, std::string_view part) {
  size_t count = 0;
  for (size_t pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) {
    ++count;
  }
  return count;
}

/// Every x, y, x1, x2, y1, y2, cx, cy, width and height attribute of `svg` holds a plain
/// finite number in [0, max].
inline void ExpectCoordinatesWithin(const std::string& svg,
                                    double max = std::numeric_limits<double>::infinity()) {
  for (std::string_view attribute : {" x=\"", " y=\"", " x1=\"", " x2=\"", " y1=\"", " y2=\"",
                                     " cx=\"", " cy=\"", " width=\"", " height=\""}) {
    for (size_t pos = svg.find(attribute); pos != std::string::npos;
         pos = svg.find(attribute, pos + 1)) {
      const size_t start = pos + attribute.size();
      const std::string value = svg.substr(start, svg.find('"', start) - start);
      char* end = nullptr;
      const double number = std::strtod(value.c_str(), &end);
      EXPECT_EQ(*end, '\0') << attribute << value;
      EXPECT_TRUE(std::isfinite(number)) << attribute << value;
      EXPECT_GE(number, 0) << attribute << value;
      EXPECT_LE(number, max) << attribute << value;
    }
  }
}

}  // namespace streampro::report::testing
