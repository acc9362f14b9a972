#pragma once

// One HTTP/1.1 exchange over libcurl, with the easy handles pooled so that connections are
// reused. No retries and no signing here: the S3 client adds both on top.

#include <curl/curl.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/s3/sigv4.h"
#include "streampro/status.h"

namespace streampro::s3::http {

/// The status line and headers of a response (names lower-cased, values trimmed), and the
/// body when no sink took it.
struct Response {
  long status = 0;
  HeaderList headers;
  std::string body;

  /// The first header named `lower_name`, or nullptr.
  const std::string* Header(std::string_view lower_name) const;
  /// Content-Length, or -1 when absent or malformed.
  int64_t ContentLength() const;
};

/// Receives the body of a 2xx response piece by piece, instead of Response::body. `head` holds
/// the status and every header. A non-OK Status aborts the transfer and becomes the result.
using BodySink = std::function<Status(const Response& head, std::string_view piece)>;

struct Request {
  std::string_view method;  ///< GET, HEAD, PUT, POST, DELETE
  std::string url;          ///< already encoded
  HeaderList headers;       ///< sent as given (Host included); curl adds no Expect
  /// Sent from memory for PUT and POST (not owned; must outlive the exchange).
  std::string_view body;
  BodySink sink;  ///< optional
};

/// How an exchange ended when no HTTP response came back whole.
struct Outcome {
  CURLcode curl_code = CURLE_OK;
  std::string curl_error;  ///< curl's message for curl_code (never holds a header value)
  Status sink_status;      ///< set when the sink stopped the transfer
  Response response;

  bool transport_ok() const { return curl_code == CURLE_OK; }
};

/// Transfer limits applied to every exchange.
struct Limits {
  int connect_timeout_ms = 5000;
  /// Abort when slower than `low_speed_bytes_per_second` for this long.
  int low_speed_timeout_s = 30;
  long low_speed_bytes_per_second = 1024;
};

/// True for the transport failures worth another attempt: connect failures, timeouts,
/// send/receive errors, an empty reply, a short body, a reset during the TLS handshake.
bool IsRetryableCurlCode(CURLcode code);

/// Easy handles kept for reuse (each keeps its own live connections). Thread-safe: every
/// exchange takes a handle off the free list and puts it back when done, so concurrent
/// exchanges each use their own handle.
class CurlPool {
 public:
  /// Initializes libcurl's global state once per process.
  CurlPool();
  ~CurlPool();
  CurlPool(const CurlPool&) = delete;
  CurlPool& operator=(const CurlPool&) = delete;

  /// Performs one exchange. The returned Outcome says whether the transport worked; its
  /// response carries whatever HTTP status came back (no status is an error here).
  Outcome Perform(const Request& request, const Limits& limits);

 private:
  CURL* Acquire();
  void Release(CURL* handle);

  std::mutex mutex_;
  std::vector<CURL*> free_;
};

}  // namespace streampro::s3::http
