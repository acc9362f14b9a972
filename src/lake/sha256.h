#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "streampro/status.h"

namespace streampro::lake {

/// Incremental SHA-256 (OpenSSL EVP; uses the CPU's SHA extensions where present).
/// Not thread-safe; one hasher per stream.
class Sha256 {
 public:
  static Result<Sha256> Make();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  ~Sha256();

  void Update(std::string_view bytes);
  /// The digest as 64 lower-case hex digits. The hasher is reset and can be reused.
  std::string FinishHex();

  /// SHA-256 of `bytes` as lower-case hex.
  static std::string HexOf(std::string_view bytes);

 private:
  struct Context;
  explicit Sha256(std::unique_ptr<Context> context);
  std::unique_ptr<Context> context_;
};

}  // namespace streampro::lake
