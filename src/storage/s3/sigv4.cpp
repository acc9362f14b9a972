#include "storage/s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "common/hex.h"

namespace streampro::s3 {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kScopeTerminator = "aws4_request";
constexpr char kHexUpper[] = "0123456789ABCDEF";

using Digest = std::array<unsigned char, 32>;

// OpenSSL's one-shot digest and HMAC fail only when memory runs out; the signer has no error
// channel (a request that cannot be signed cannot be sent), so that is a fatal invariant break.
[[noreturn]] void CryptoFailure() {
  std::abort();
}

Digest Sha256(std::string_view bytes) {
  Digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    CryptoFailure();
  }
  return digest;
}

Digest HmacSha256(std::string_view key, std::string_view message) {
  Digest digest{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
           &length) == nullptr ||
      length != digest.size()) {
    CryptoFailure();
  }
  return digest;
}

std::string_view AsView(const Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// SigV4's Trimall: no leading or trailing white space, inner runs become one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (IsAsciiSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// Headers the signer owns: a caller's copy is dropped so that the request carries exactly one,
// the value that was signed.
bool IsSignerOwned(std::string_view lower_name) {
  return lower_name == "authorization" || lower_name == "x-amz-date" ||
         lower_name == "x-amz-content-sha256" || lower_name == "x-amz-security-token";
}

struct CanonicalHeaders {
  std::string block;           // "name:value\n" per distinct name, sorted by name
  std::string signed_headers;  // "name1;name2"
};

// Lower-cases and trims every header, sorts by name (stable, so repeated names keep their
// order) and joins the values of a repeated name with ',' as SigV4 specifies.
CanonicalHeaders Canonicalize(const HeaderList& headers) {
  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    entries.emplace_back(AsciiLower(TrimAll(name)), TrimAll(value));
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  CanonicalHeaders canonical;
  for (size_t i = 0; i < entries.size();) {
    const std::string& name = entries[i].first;
    canonical.block += name;
    canonical.block += ':';
    canonical.block += entries[i].second;
    size_t next = i + 1;
    for (; next < entries.size() && entries[next].first == name; ++next) {
      canonical.block += ',';
      canonical.block += entries[next].second;
    }
    canonical.block += '\n';
    if (!canonical.signed_headers.empty()) canonical.signed_headers += ';';
    canonical.signed_headers += name;
    i = next;
  }
  return canonical;
}

}  // namespace

std::string UriEncode(std::string_view text, bool encode_slash) {
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 0x0F]);
    }
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  return LowerHex(Sha256(bytes));
}

std::string CanonicalQueryString(const QueryList& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, true), UriEncode(value, true));
  }
  // Encoded names and values are ASCII, so std::string's ordering is the byte order SigV4
  // asks for.
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string AmzDate(int64_t unix_seconds) {
  using std::chrono::days;
  using std::chrono::floor;
  using std::chrono::seconds;
  const std::chrono::sys_seconds time{seconds{unix_seconds}};
  const auto day = floor<days>(time);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{time - day};
  return fmt::format("{:04d}{:02d}{:02d}T{:02d}{:02d}{:02d}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

SignedRequest SignV4(const SigningRequest& request, const Credentials& credentials,
                     std::string_view region, std::string_view service, int64_t unix_seconds) {
  const std::string amz_date = AmzDate(unix_seconds);
  const std::string_view date_stamp = std::string_view(amz_date).substr(0, 8);

  SignedRequest signed_request;
  HeaderList& headers = signed_request.headers;
  headers.reserve(request.headers.size() + 4);
  for (const auto& header : request.headers) {
    if (!IsSignerOwned(AsciiLower(TrimAll(header.first)))) headers.push_back(header);
  }
  headers.emplace_back("x-amz-date", amz_date);
  headers.emplace_back("x-amz-content-sha256", request.payload_sha256);
  if (!credentials.session_token.empty()) {
    headers.emplace_back("x-amz-security-token", credentials.session_token);
  }

  const CanonicalHeaders canonical_headers = Canonicalize(headers);
  const std::string_view uri =
      request.canonical_uri.empty() ? std::string_view("/") : request.canonical_uri;
  signed_request.canonical_request = fmt::format(
      "{}\n{}\n{}\n{}\n{}\n{}", request.method, uri, CanonicalQueryString(request.query),
      canonical_headers.block, canonical_headers.signed_headers, request.payload_sha256);

  const std::string scope =
      fmt::format("{}/{}/{}/{}", date_stamp, region, service, kScopeTerminator);
  signed_request.string_to_sign = fmt::format("{}\n{}\n{}\n{}", kAlgorithm, amz_date, scope,
                                              Sha256Hex(signed_request.canonical_request));

  const std::string secret_key = fmt::format("AWS4{}", credentials.secret_access_key);
  const Digest date_key = HmacSha256(secret_key, date_stamp);
  const Digest region_key = HmacSha256(AsView(date_key), region);
  const Digest service_key = HmacSha256(AsView(region_key), service);
  const Digest signing_key = HmacSha256(AsView(service_key), kScopeTerminator);
  signed_request.signature =
      LowerHex(HmacSha256(AsView(signing_key), signed_request.string_to_sign));

  headers.emplace_back("Authorization",
                       fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}",
                                   kAlgorithm, credentials.access_key_id, scope,
                                   canonical_headers.signed_headers, signed_request.signature));
  return signed_request;
}

}  // namespace streampro::s3
