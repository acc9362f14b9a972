#include "lake/sha256.h"

#include <openssl/evp.h>

#include <cassert>
#include <cstdlib>
#include <span>

#include "common/hex.h"

namespace streampro::lake {

struct Sha256::Context {
  EVP_MD_CTX* ctx = nullptr;
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256(std::unique_ptr<Context> context) : context_(std::move(context)) {}
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

Result<Sha256> Sha256::Make() {
  auto context = std::make_unique<Context>();
  context->ctx = EVP_MD_CTX_new();
  if (context->ctx == nullptr || EVP_DigestInit_ex(context->ctx, EVP_sha256(), nullptr) != 1) {
    return Status::Internal("cannot initialise SHA-256 (OpenSSL)");
  }
  return Sha256(std::move(context));
}

void Sha256::Update(std::string_view bytes) {
  // EVP_DigestUpdate only fails on a context that was never initialised.
  [[maybe_unused]] const int ok = EVP_DigestUpdate(context_->ctx, bytes.data(), bytes.size());
  assert(ok == 1);
}

std::string Sha256::FinishHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->ctx, digest, &length);
  EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr);
  return LowerHex(std::span<const unsigned char>(digest, length));
}

std::string Sha256::HexOf(std::string_view bytes) {
  auto hasher = Make();
  if (!hasher.ok()) std::abort();
  hasher->Update(bytes);
  return hasher->FinishHex();
}

}  // namespace streampro::lake
