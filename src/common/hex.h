#pragma once

#include <span>
#include <string>

namespace streampro {

/// `bytes` as lower-case hex, two digits per byte (digests in manifests, SigV4, ETags).
inline std::string LowerHex(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * bytes.size());
  for (const unsigned char byte : bytes) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0x0F]);
  }
  return hex;
}

}  // namespace streampro
