#pragma once

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace streampro {

/// `text` as a base-10 integer in [min, max]: exactly an optional '-' and one or more
/// digits, nothing else (no spaces, no '+', no trailing bytes). nullopt otherwise, also when
/// the number does not fit. Never throws (std::from_chars), unlike std::stoll and friends,
/// so bytes from outside (manifests, run ids, replies) can be parsed without a try.
inline std::optional<int64_t> ParseInt64(std::string_view text,
                                         int64_t min = std::numeric_limits<int64_t>::min(),
                                         int64_t max = std::numeric_limits<int64_t>::max()) {
  int64_t value = 0;
  const char* const end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace streampro
