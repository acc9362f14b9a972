#include "storage/s3/fault_proxy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "storage/s3/rgw_env.h"

namespace streampro::testing {
namespace {

using Fault = FaultProxy::Fault;
using Clock = std::chrono::steady_clock;

// A blocking TCP client socket, closed on destruction.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

std::unique_ptr<Socket> Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  auto socket = std::make_unique<Socket>(fd);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    return nullptr;
  }
  return socket;
}

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Whether `fd` becomes readable (data, end of stream or an error) within `timeout_ms`.
bool Readable(int fd, int timeout_ms) {
  pollfd poll_fd{fd, POLLIN, 0};
  return ::poll(&poll_fd, 1, timeout_ms) == 1;
}

struct Received {
  std::string bytes;
  int error = 0;           // errno of the failed read, 0 after an orderly end of stream
  bool timed_out = false;  // neither within the time limit
};

// Everything the peer sends until it closes the connection (or fails it, or `timeout_ms`
// passes).
Received ReadUntilClosed(int fd, int timeout_ms = 5000) {
  Received received;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  char chunk[16384];
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0 || !Readable(fd, static_cast<int>(left))) {
      received.timed_out = true;
      return received;
    }
    const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n == 0) return received;
    if (n < 0) {
      received.error = errno;
      return received;
    }
    received.bytes.append(chunk, static_cast<size_t>(n));
  }
}

std::string Pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return bytes;
}

constexpr std::string_view kRequestHead = "GET /bucket/key HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// An upstream on 127.0.0.1 that sends every byte of each connection back and closes its side
// when the client closes its side.
class EchoServer {
 public:
  static std::unique_ptr<EchoServer> Start() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return nullptr;
    std::unique_ptr<EchoServer> server(new EchoServer(fd));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(fd, 16) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      return nullptr;
    }
    server->port_ = ntohs(address.sin_port);
    server->acceptor_ = std::thread([raw = server.get()] { raw->AcceptLoop(); });
    return server;
  }
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;
  /// Connections still open must be closed by their clients first (the proxy's destructor
  /// does that), or this waits for them.
  ~EchoServer() {
    ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
    if (acceptor_.joinable()) acceptor_.join();
    for (std::thread& echo : echoes_) echo.join();
    ::close(listener_);
  }

  int port() const { return port_; }
  int connections() const { return connections_; }

 private:
  explicit EchoServer(int listener) : listener_(listener) {}

  void AcceptLoop() {
    while (true) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;
      }
      ++connections_;
      echoes_.emplace_back([fd] {
        char chunk[16384];
        ssize_t n;
        while ((n = ::recv(fd, chunk, sizeof(chunk), 0)) > 0) {
          if (!SendAll(fd, std::string_view(chunk, static_cast<size_t>(n)))) break;
        }
        ::shutdown(fd, SHUT_WR);
        ::close(fd);
      });
    }
  }

  int listener_;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::list<std::thread> echoes_;  // touched by the accept thread, then by the destructor
};

// The status line, headers and body of one HTTP answer.
struct HttpAnswer {
  std::string status_line;
  std::string headers;
  std::string body;
};

HttpAnswer ParseAnswer(const std::string& bytes) {
  HttpAnswer answer;
  const size_t line_end = bytes.find("\r\n");
  const size_t head_end = bytes.find("\r\n\r\n");
  if (line_end == std::string::npos || head_end == std::string::npos) return answer;
  answer.status_line = bytes.substr(0, line_end);
  answer.headers = bytes.substr(line_end + 2, head_end - line_end - 2);
  answer.body = bytes.substr(head_end + 4);
  return answer;
}

// Sends one request head through `proxy` on a new connection and returns the answer.
Received Exchange(const FaultProxy& proxy, std::string_view request = kRequestHead) {
  auto client = Connect(proxy.port());
  if (client == nullptr || !SendAll(client->fd(), request)) {
    ADD_FAILURE() << "cannot send to the proxy on port " << proxy.port();
    return {};
  }
  return ReadUntilClosed(client->fd());
}

// Whether the proxy has accepted `count` connections within 5 s.
bool WaitForConnections(const FaultProxy& proxy, int count) {
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (proxy.connections() < count) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

void ExpectErrorAnswer(const Received& received, std::string_view status_line,
                       std::string_view code) {
  EXPECT_FALSE(received.timed_out);
  EXPECT_EQ(received.error, 0) << std::strerror(received.error);
  const HttpAnswer answer = ParseAnswer(received.bytes);
  EXPECT_EQ(answer.status_line, status_line) << received.bytes;
  EXPECT_NE(answer.headers.find("Connection: close"), std::string::npos) << answer.headers;
  EXPECT_NE(answer.headers.find(fmt::format("Content-Length: {}", answer.body.size())),
            std::string::npos)
      << answer.headers;
  EXPECT_NE(answer.body.find(fmt::format("<Error><Code>{}</Code>", code)), std::string::npos)
      << answer.body;
}

TEST(FaultProxy, ForwardsBytesBothWaysUntilTheClientCloses) {
  auto echo = EchoServer::Start();
  ASSERT_NE(echo, nullptr);
  auto proxy = FaultProxy::Start("127.0.0.1", echo->port());
  ASSERT_NE(proxy, nullptr);
  EXPECT_EQ(proxy->endpoint(), fmt::format("http://127.0.0.1:{}", proxy->port()));

  auto client = Connect(proxy->port());
  ASSERT_NE(client, nullptr);
  // More than the proxy and the sockets buffer, so both directions have to keep moving.
  const std::string sent = Pattern(3 << 20);
  std::thread sender([&] {
    EXPECT_TRUE(SendAll(client->fd(), sent));
    ::shutdown(client->fd(), SHUT_WR);  // the end of stream travels through the proxy too
  });
  const Received received = ReadUntilClosed(client->fd(), 20000);
  sender.join();
  EXPECT_FALSE(received.timed_out);
  EXPECT_EQ(received.error, 0);
  EXPECT_TRUE(received.bytes == sent)
      << "got " << received.bytes.size() << " bytes of " << sent.size();
  EXPECT_EQ(proxy->connections(), 1);
  EXPECT_EQ(proxy->faults_injected(), 0);
  EXPECT_EQ(echo->connections(), 1);
}

TEST(FaultProxy, ForwardsHttpToTheGateway) {
  const std::string& endpoint = Rgw().endpoint;
  const size_t colon = endpoint.rfind(':');
  ASSERT_NE(colon, std::string::npos) << endpoint;
  const int gateway_port = std::stoi(endpoint.substr(colon + 1));
  auto proxy = FaultProxy::Start("127.0.0.1", gateway_port);
  ASSERT_NE(proxy, nullptr);

  // Anonymous ListBuckets: the gateway answers 200 with an empty list.
  const Received received = Exchange(
      *proxy, fmt::format("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                          proxy->port()));
  EXPECT_FALSE(received.timed_out);
  const HttpAnswer answer = ParseAnswer(received.bytes);
  EXPECT_EQ(answer.status_line, "HTTP/1.1 200 OK") << received.bytes;
  EXPECT_NE(answer.body.find("ListAllMyBucketsResult"), std::string::npos) << answer.body;
  EXPECT_EQ(proxy->connections(), 1);
  EXPECT_EQ(proxy->faults_injected(), 0);
}

TEST(FaultProxy, Http503IsASlowDownErrorThenClose) {
  auto echo = EchoServer::Start();
  ASSERT_NE(echo, nullptr);
  auto proxy = FaultProxy::Start("127.0.0.1", echo->port());
  ASSERT_NE(proxy, nullptr);
  proxy->InjectFaults(Fault::kHttp503, 1);
  ExpectErrorAnswer(Exchange(*proxy), "HTTP/1.1 503 Service Unavailable", "SlowDown");
  EXPECT_EQ(proxy->faults_injected(), 1);
  EXPECT_EQ(echo->connections(), 0);
}

TEST(FaultProxy, Http500IsAnInternalErrorThenClose) {
  auto echo = EchoServer::Start();
  ASSERT_NE(echo, nullptr);
  auto proxy = FaultProxy::Start("127.0.0.1", echo->port());
  ASSERT_NE(proxy, nullptr);
  proxy->InjectFaults(Fault::kHttp500, 1);
  ExpectErrorAnswer(Exchange(*proxy), "HTTP/1.1 500 Internal Server Error", "InternalError");
  EXPECT_EQ(echo->connections(), 0);
}

TEST(FaultProxy, Http429IsTooManyRequestsThenClose) {
  auto echo = EchoServer::Start();
  ASSERT_NE(echo, nullptr);
  auto proxy = FaultProxy::Start("127.0.0.1", echo->port());
  ASSERT_NE(proxy, nullptr);
  proxy->InjectFaults(Fault::kHttp429, 1);
  ExpectErrorAnswer(Exchange(*proxy), "HTTP/1.1 429 Too Many Requests", "TooManyRequests");
  EXPECT_EQ(echo->connections(), 0);
}

TEST(FaultProxy, ResetAbortsTheConnectionAfterTheRequestHead) {
  auto echo = EchoServer::Start();
  ASSERT_NE(echo, nullptr);
  auto proxy = FaultProxy::Start("127.0.0.1", echo->port());
  ASSERT_NE(proxy, nullptr);
  proxy->InjectFaults(Fault::kReset, 1);
  const Received received = Exchange(*proxy);
  EXPECT_FALSE(received.timed_out);
  EXPECT_EQ(received.error, ECONNRESET) << std::strerror(received.error);
  EXPECT_EQ(received.bytes, "");
  EXPECT_EQ(echo->connections(), 0);
}

TEST(FaultProxy, LoseReplyForwardsTheRequestThenResetsOnTheAnswer) {
  auto echo = EchoServer::Start();
  ASSERT_NE(echo, nullptr);
  auto proxy = FaultProxy::Start("127.0.0.1", echo->port());
  ASSERT_NE(proxy, nullptr);
  proxy->InjectFaults(Fault::kLoseReply, 1);
  // The echo answers with the request itself: the proxy resets instead of passing it on.
  const Received received = Exchange(*proxy);
  EXPECT_FALSE(received.timed_out);
  EXPECT_EQ(received.error, ECONNRESET) << std::strerror(received.error);
  EXPECT_EQ(received.bytes, "");
  EXPECT_EQ(proxy->faults_injected(), 1);
  EXPECT_EQ(echo->connections(), 1) << "the request reached the upstream";

  // The next connection is forwarded whole.
  auto client = Connect(proxy->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(SendAll(client->fd(), kRequestHead));
  ::shutdown(client->fd(), SHUT_WR);
  const Received next = ReadUntilClosed(client->fd(), 5000);
  EXPECT_EQ(next.error, 0);
  EXPECT_EQ(next.bytes, kRequestHead);
}

TEST(FaultProxy, StallSendsNothingUntilTheProxyIsDestroyed) {
  auto echo = EchoServer::Start();
  ASSERT_NE(echo, nullptr);
  auto proxy = FaultProxy::Start("127.0.0.1", echo->port());
  ASSERT_NE(proxy, nullptr);
  proxy->InjectFaults(Fault::kStall, 1);
  auto client = Connect(proxy->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(SendAll(client->fd(), kRequestHead));
  EXPECT_FALSE(Readable(client->fd(), 300));
  // The stalled connection keeps taking what the client sends.
  EXPECT_TRUE(SendAll(client->fd(), Pattern(1 << 20)));
  EXPECT_FALSE(Readable(client->fd(), 100));
  EXPECT_EQ(proxy->connections(), 1);
  EXPECT_EQ(proxy->faults_injected(), 1);

  const auto destroying = Clock::now();
  proxy.reset();
  EXPECT_LT(Clock::now() - destroying, std::chrono::seconds(1));
  const Received received = ReadUntilClosed(client->fd(), 1000);
  EXPECT_FALSE(received.timed_out);
  EXPECT_EQ(received.bytes, "");
  EXPECT_EQ(echo->connections(), 0);
}

TEST(FaultProxy, FaultWaitsForTheEndOfTheRequestHead) {
  auto echo = EchoServer::Start();
  ASSERT_NE(echo, nullptr);
  auto proxy = FaultProxy::Start("127.0.0.1", echo->port());
  ASSERT_NE(proxy, nullptr);
  proxy->InjectFaults(Fault::kHttp503, 1);
  auto client = Connect(proxy->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(SendAll(client->fd(), "PUT /bucket/key HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  EXPECT_FALSE(Readable(client->fd(), 200));
  ASSERT_TRUE(SendAll(client->fd(), "Content-Length: 0\r\n\r\n"));
  ExpectErrorAnswer(ReadUntilClosed(client->fd()), "HTTP/1.1 503 Service Unavailable", "SlowDown");
}

// The answer comes after the head while the client is still sending the body, as a server's
// early error does; the client must read the answer, not a reset.
TEST(FaultProxy, ErrorAnswerSurvivesABodyThatIsStillComing) {
  auto echo = EchoServer::Start();
  ASSERT_NE(echo, nullptr);
  auto proxy = FaultProxy::Start("127.0.0.1", echo->port());
  ASSERT_NE(proxy, nullptr);
  proxy->InjectFaults(Fault::kHttp500, 1);
  auto client = Connect(proxy->port());
  ASSERT_NE(client, nullptr);
  const std::string body = Pattern(8 << 20);
  ASSERT_TRUE(SendAll(
      client->fd(),
      fmt::format("PUT /bucket/key HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n",
                  body.size())));
  std::thread sender([&] { SendAll(client->fd(), body); });
  // Only the answer: the body goes on arriving after the proxy's end of stream.
  std::string bytes;
  char chunk[4096];
  while (bytes.find("</Error>") == std::string::npos && Readable(client->fd(), 5000)) {
    const ssize_t n = ::recv(client->fd(), chunk, sizeof(chunk), 0);
    if (n <= 0) {
      ADD_FAILURE() << "connection ended before the whole answer: "
                    << (n == 0 ? "end of stream" : std::strerror(errno));
      break;
    }
    bytes.append(chunk, static_cast<size_t>(n));
  }
  ::shutdown(client->fd(), SHUT_RDWR);  // ends the sender
  sender.join();
  EXPECT_EQ(ParseAnswer(bytes).status_line, "HTTP/1.1 500 Internal Server Error") << bytes;
}

TEST(FaultProxy, FaultsGoToTheNextNewConnectionsThenForwardingResumes) {
  auto echo = EchoServer::Start();
  ASSERT_NE(echo, nullptr);
  auto proxy = FaultProxy::Start("127.0.0.1", echo->port());
  ASSERT_NE(proxy, nullptr);

  // A connection opened before the faults were asked for is not affected by them.
  auto early = Connect(proxy->port());
  ASSERT_NE(early, nullptr);
  ASSERT_TRUE(SendAll(early->fd(), "ping"));
  ASSERT_TRUE(Readable(early->fd(), 5000));

  proxy->InjectFaults(Fault::kHttp503, 2);
  ExpectErrorAnswer(Exchange(*proxy), "HTTP/1.1 503 Service Unavailable", "SlowDown");
  ExpectErrorAnswer(Exchange(*proxy), "HTTP/1.1 503 Service Unavailable", "SlowDown");
  EXPECT_EQ(proxy->connections(), 3);
  EXPECT_EQ(proxy->faults_injected(), 2);

  ASSERT_TRUE(SendAll(early->fd(), kRequestHead));
  ::shutdown(early->fd(), SHUT_WR);
  EXPECT_EQ(ReadUntilClosed(early->fd()).bytes, fmt::format("ping{}", kRequestHead));

  auto later = Connect(proxy->port());
  ASSERT_NE(later, nullptr);
  ASSERT_TRUE(SendAll(later->fd(), kRequestHead));
  ::shutdown(later->fd(), SHUT_WR);
  EXPECT_EQ(ReadUntilClosed(later->fd()).bytes, kRequestHead);
  EXPECT_EQ(proxy->connections(), 4);
  EXPECT_EQ(proxy->faults_injected(), 2);
  EXPECT_EQ(echo->connections(), 2);

  // A count of 0 takes back what is still pending.
  proxy->InjectFaults(Fault::kReset, 5);
  proxy->InjectFaults(Fault::kReset, 0);
  auto last = Connect(proxy->port());
  ASSERT_NE(last, nullptr);
  ASSERT_TRUE(SendAll(last->fd(), kRequestHead));
  ::shutdown(last->fd(), SHUT_WR);
  EXPECT_EQ(ReadUntilClosed(last->fd()).bytes, kRequestHead);
  EXPECT_EQ(proxy->faults_injected(), 2);
}

TEST(FaultProxy, DestructorClosesEveryOpenConnection) {
  auto echo = EchoServer::Start();
  ASSERT_NE(echo, nullptr);
  auto proxy = FaultProxy::Start("127.0.0.1", echo->port());
  ASSERT_NE(proxy, nullptr);
  auto idle = Connect(proxy->port());
  ASSERT_NE(idle, nullptr);
  ASSERT_TRUE(SendAll(idle->fd(), "ping"));
  ASSERT_TRUE(Readable(idle->fd(), 5000));
  char pong[4];
  ASSERT_EQ(::recv(idle->fd(), pong, sizeof(pong), 0), 4);

  proxy->InjectFaults(Fault::kStall, 1);
  auto stalled = Connect(proxy->port());
  ASSERT_NE(stalled, nullptr);
  ASSERT_TRUE(SendAll(stalled->fd(), kRequestHead));
  // A connection that has not sent its head yet. The proxy accepts in the background: the
  // stall must have gone to its connection before the next fault replaces it.
  ASSERT_TRUE(WaitForConnections(*proxy, 2));
  proxy->InjectFaults(Fault::kHttp503, 1);
  auto silent = Connect(proxy->port());
  ASSERT_NE(silent, nullptr);
  ASSERT_TRUE(WaitForConnections(*proxy, 3));
  EXPECT_FALSE(Readable(stalled->fd(), 200));

  const auto destroying = Clock::now();
  proxy.reset();
  EXPECT_LT(Clock::now() - destroying, std::chrono::seconds(1));
  for (const Socket* client : {idle.get(), stalled.get(), silent.get()}) {
    const Received received = ReadUntilClosed(client->fd(), 1000);
    EXPECT_FALSE(received.timed_out);
    EXPECT_EQ(received.bytes, "");
  }
}

}  // namespace
}  // namespace streampro::testing
