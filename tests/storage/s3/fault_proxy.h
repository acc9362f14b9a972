#pragma once

// A loopback TCP proxy in front of the test gateway that can answer new connections with
// a fault instead of forwarding them: how the tests prove the S3 client's retries.
//
// Faults go to new connections only: a request on a connection the client keeps alive is
// forwarded, so a test that wants the next request to fail needs a client whose pooled
// connections are gone (a fresh S3Client, or one whose last answer closed its connection, as
// every fault answer does). Each connection is served by its own thread.

#include <memory>
#include <string>

namespace streampro::testing {

class FaultProxy {
 public:
  enum class Fault {
    kHttp503,    ///< `503 Service Unavailable` with an S3 `SlowDown` error body, then close
    kHttp500,    ///< `500 Internal Server Error` with an `InternalError` body, then close
    kHttp429,    ///< `429 Too Many Requests` with a `TooManyRequests` body, then close
    kReset,      ///< read the request head, then close with RST (SO_LINGER 0)
    kStall,      ///< read the request head, then send nothing until the client gives up
                 ///< (closes) or the proxy is destroyed
    kLoseReply,  ///< forward the connection, but close it with RST as soon as the upstream
                 ///< starts to answer: the upstream did the work, the client never hears
  };
  // The HTTP faults answer with `Connection: close`, then read and drop what the client still
  // sends (a request body) for up to 2 s before closing, so that the answer is not lost to a
  // reset.

  /// Listens on 127.0.0.1 (an ephemeral port) and forwards every connection to
  /// `upstream_host:upstream_port`, byte for byte both ways (a shutdown for writing too),
  /// unless a fault is pending. nullptr, with a test failure saying why, when the upstream
  /// name does not resolve or the proxy cannot listen.
  static std::unique_ptr<FaultProxy> Start(const std::string& upstream_host, int upstream_port);
  /// Stops listening, closes every connection (stalled ones included) and joins every thread
  /// before it returns.
  ~FaultProxy();

  /// `http://127.0.0.1:PORT`.
  std::string endpoint() const;
  int port() const;

  /// The next `count` new connections get `fault` instead of being forwarded (one fault
  /// per connection, after reading its first request head). Replaces the faults still
  /// pending; a count of 0 cancels them. Connections are accepted in the background: one
  /// that connect() has returned for may still take a fault asked for after it.
  /// Thread-safe, like the counters below.
  void InjectFaults(Fault fault, int count);
  /// Connections accepted so far, and how many of them got a fault (counted when the
  /// connection is accepted).
  int connections() const;
  int faults_injected() const;

 private:
  struct Impl;
  explicit FaultProxy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace streampro::testing
