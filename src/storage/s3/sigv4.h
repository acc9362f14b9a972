#pragma once

// AWS Signature Version 4 for S3 requests (header-based authorization).
// Reference: "Signature Version 4 signing process" and "Authenticating Requests
// (AWS Signature Version 4)" in the Amazon S3 API reference.
//
// Every function here is pure (no state, no I/O) and safe to call from any thread. Hashing is
// OpenSSL's libcrypto; an allocation failure inside it aborts (a request that cannot be signed
// cannot be sent, and there is no error to return).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace streampro::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  ///< empty unless temporary credentials (sent as x-amz-security-token)
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;

/// RFC 3986 percent-encoding as SigV4 specifies it: A-Z a-z 0-9 '-' '.' '_' '~' are kept,
/// every other byte becomes %XX (upper-case hex); '/' is kept when `encode_slash` is false
/// (object key paths) and encoded when true (query names and values).
std::string UriEncode(std::string_view text, bool encode_slash);

/// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

/// The payload hash of a request with no body (SHA-256 of "").
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

/// `key1=value1&key2=value2` with names and values UriEncode'd (slash encoded), sorted by
/// encoded name then value; a name without value gives `name=`. The same string is both the
/// canonical query and the query sent on the wire.
std::string CanonicalQueryString(const QueryList& query);

/// One request to sign.
struct SigningRequest {
  std::string method;  ///< "GET", "PUT", ...
  /// The path as sent, already encoded once (UriEncode(key, false)): "/bucket/a%20b.txt".
  /// Signed as is (S3 paths are not normalized); empty signs as "/".
  std::string canonical_uri;
  QueryList query;  ///< decoded names and values, any order
  /// Must include "host"; names in any case; all are signed. A header the signer sets
  /// (x-amz-date, x-amz-content-sha256, x-amz-security-token, Authorization; any case) is
  /// dropped here and replaced by the signed value, so re-signing a retried request is safe.
  HeaderList headers;
  std::string payload_sha256;  ///< hex SHA-256 of the body, or kUnsignedPayload
};

struct SignedRequest {
  /// Every header to send: the request's headers (in their order and spelling, less those the
  /// signer owns) plus x-amz-date, x-amz-content-sha256, x-amz-security-token (when the
  /// credentials have a session token) and Authorization
  /// ("AWS4-HMAC-SHA256 Credential=<key>/<scope>, SignedHeaders=<names>, Signature=<hex>").
  /// A header with an empty value is signed as "name:" and must be sent with an empty value.
  HeaderList headers;
  /// For tests and debugging. Holds no secret key, but does hold the session token when the
  /// credentials have one: do not log it for temporary credentials.
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  ///< 64 lower-case hex digits
};

/// Signs `request` for `region` and `service` ("s3") at `unix_seconds` (UTC), per SigV4:
/// canonical request (method, uri, canonical query, lower-cased trimmed sorted headers with
/// inner runs of ASCII white space collapsed to one space and the values of a repeated name
/// joined by ',', signed header list, payload hash) -> string to sign
/// ("AWS4-HMAC-SHA256", amz date, scope, hex SHA-256 of the canonical request) -> signing key
/// (HMAC chain over date, region, service, "aws4_request") -> signature.
SignedRequest SignV4(const SigningRequest& request, const Credentials& credentials,
                     std::string_view region, std::string_view service, int64_t unix_seconds);

/// `YYYYMMDDTHHMMSSZ` for `unix_seconds`.
std::string AmzDate(int64_t unix_seconds);

}  // namespace streampro::s3
