#include "storage/s3/fault_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace streampro::testing {
namespace {

// A request head longer than this is answered without waiting for its end.
constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kChunkBytes = 64 * 1024;
constexpr int kUpstreamConnectTimeoutMs = 5000;
// After an error answer the proxy reads (and drops) what the client still sends, so that
// closing does not turn into a reset that could destroy the answer in flight; this long at
// most.
constexpr int kDrainTimeoutMs = 2000;

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

bool WouldBlock(int error) {
  return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

// Makes the close of `fd` send RST instead of FIN.
void Abort(int fd) {
  const linger abort_on_close{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
}

void SetNoDelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

std::string ErrorAnswer(int status, std::string_view reason, std::string_view code,
                        std::string_view message) {
  const std::string body = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Error><Code>{}</Code><Message>{}</Message><RequestId>fault-proxy</RequestId></Error>",
      code, message);
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n{}",
      status, reason, body.size(), body);
}

// One direction of a forwarded connection: bytes read from `from` wait in `buffer` until `to`
// has taken them all; only then is `from` read again.
struct Flow {
  Flow(int from_fd, int to_fd) : from(from_fd), to(to_fd) {}

  int from;
  int to;
  std::string buffer;
  size_t sent = 0;
  bool eof = false;       // `from` has no more bytes
  bool finished = false;  // and `to` was told so (shutdown for writing)

  bool wants_read() const { return !eof && sent == buffer.size(); }
  bool wants_write() const { return sent < buffer.size(); }

  // false on a connection error.
  bool Read() {
    buffer.resize(kChunkBytes);
    const ssize_t n = ::recv(from, buffer.data(), buffer.size(), 0);
    buffer.resize(n > 0 ? static_cast<size_t>(n) : 0);
    sent = 0;
    if (n == 0) eof = true;
    return n >= 0 || WouldBlock(errno);
  }
  bool Write() {
    const ssize_t n = ::send(to, buffer.data() + sent, buffer.size() - sent, MSG_NOSIGNAL);
    if (n > 0) sent += static_cast<size_t>(n);
    return n >= 0 || WouldBlock(errno);
  }
  void FinishIfDrained() {
    if (eof && !wants_write() && !finished) {
      ::shutdown(to, SHUT_WR);
      finished = true;
    }
  }
};

}  // namespace

// An accept thread hands each connection to a thread of its own, which forwards it or plays
// its fault; every wait also watches the stop pipe, so the destructor can end them all.
struct FaultProxy::Impl {
  // How a wait ended.
  enum class Wake { kReady, kTimeout, kStopped };

  // Set by Start before any thread runs, then read-only.
  sockaddr_storage upstream_address{};
  socklen_t upstream_address_size = 0;
  Fd listener;
  int port = 0;
  // The destructor writes one byte and never reads it, so the read end stays readable and
  // wakes every poll that includes it.
  Fd stop_read;
  Fd stop_write;

  std::mutex mutex;
  Fault pending_fault = Fault::kHttp503;  // guarded by mutex
  int pending_count = 0;                  // guarded by mutex
  std::atomic<int> connections{0};
  std::atomic<int> faults{0};

  struct Worker {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  // Touched by the accept thread only, and by Stop() once that thread has ended.
  std::list<Worker> workers;
  std::thread acceptor;

  ~Impl() { Stop(); }

  void Stop() {
    if (stop_write.valid()) {
      const char byte = 1;
      [[maybe_unused]] const ssize_t n = ::write(stop_write.get(), &byte, 1);
      stop_write.Reset();
    }
    if (acceptor.joinable()) acceptor.join();
    for (Worker& worker : workers) {
      if (worker.thread.joinable()) worker.thread.join();
    }
    workers.clear();
  }

  // Waits until `fd` has one of `events`, the timeout passes (-1: none) or the proxy stops.
  Wake WaitFor(int fd, short events, int timeout_ms) {
    pollfd fds[2] = {{stop_read.get(), POLLIN, 0}, {fd, events, 0}};
    int n;
    do {
      n = ::poll(fds, 2, timeout_ms);
    } while (n < 0 && errno == EINTR);
    if (n < 0 || fds[0].revents != 0) return Wake::kStopped;
    return n == 0 ? Wake::kTimeout : Wake::kReady;
  }

  void AcceptLoop() {
    while (WaitFor(listener.get(), POLLIN, -1) == Wake::kReady) {
      Fd client(::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!client.valid()) {
        // Out of descriptors: give the open connections a moment to end.
        if (errno == EMFILE || errno == ENFILE) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        continue;
      }
      SetNoDelay(client.get());
      std::optional<Fault> fault;
      {
        std::lock_guard lock(mutex);
        if (pending_count > 0) {
          fault = pending_fault;
          --pending_count;
        }
      }
      ++connections;
      if (fault) ++faults;
      JoinFinishedWorkers();
      Worker& worker = workers.emplace_back();
      worker.thread = std::thread([this, &worker, fault, socket = std::move(client)]() mutable {
        if (fault && *fault != Fault::kLoseReply) {
          Inject(std::move(socket), *fault);
        } else {
          Forward(std::move(socket), fault.has_value());
        }
        worker.done = true;
      });
    }
  }

  void JoinFinishedWorkers() {
    for (auto it = workers.begin(); it != workers.end();) {
      if (it->done) {
        it->thread.join();
        it = workers.erase(it);
      } else {
        ++it;
      }
    }
  }

  // A connection to the upstream, or an invalid Fd.
  Fd ConnectUpstream() {
    Fd upstream(
        ::socket(upstream_address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!upstream.valid()) return {};
    if (::connect(upstream.get(), reinterpret_cast<const sockaddr*>(&upstream_address),
                  upstream_address_size) != 0) {
      if (errno != EINPROGRESS) return {};
      if (WaitFor(upstream.get(), POLLOUT, kUpstreamConnectTimeoutMs) != Wake::kReady) return {};
      int error = 0;
      socklen_t size = sizeof(error);
      if (::getsockopt(upstream.get(), SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) {
        return {};
      }
    }
    SetNoDelay(upstream.get());
    return upstream;
  }

  // Copies bytes both ways until both sides have closed, either side fails, or the proxy
  // stops. A side that closes for writing is passed on as a shutdown for writing. With
  // `lose_reply`, the first bytes of the upstream's answer reset the client instead.
  void Forward(Fd client, bool lose_reply) {
    Fd upstream = ConnectUpstream();
    if (!upstream.valid()) return;  // the client sees its connection closed
    Flow up(client.get(), upstream.get());
    Flow down(upstream.get(), client.get());
    while (!(up.finished && down.finished)) {
      const auto client_events =
          static_cast<short>((up.wants_read() ? POLLIN : 0) | (down.wants_write() ? POLLOUT : 0));
      const auto upstream_events =
          static_cast<short>((down.wants_read() ? POLLIN : 0) | (up.wants_write() ? POLLOUT : 0));
      // A socket with nothing to do stays out of the poll (a hang-up on it would wake it
      // again and again); an unfinished flow always waits for something, so one side is in.
      pollfd fds[3] = {{stop_read.get(), POLLIN, 0},
                       {client_events != 0 ? client.get() : -1, client_events, 0},
                       {upstream_events != 0 ? upstream.get() : -1, upstream_events, 0}};
      if (::poll(fds, 3, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[0].revents != 0) return;
      if (((fds[1].revents | fds[2].revents) & (POLLERR | POLLNVAL)) != 0) return;
      // A hang-up shows as a read of 0 bytes or a failed write.
      constexpr short kReadable = POLLIN | POLLHUP;
      if ((fds[1].revents & kReadable) != 0 && up.wants_read() && !up.Read()) return;
      if ((fds[2].revents & kReadable) != 0 && down.wants_read() && !down.Read()) return;
      if (lose_reply && !down.buffer.empty()) {
        Abort(client.get());
        return;
      }
      if (up.wants_write() && !up.Write()) return;
      if (down.wants_write() && !down.Write()) return;
      up.FinishIfDrained();
      down.FinishIfDrained();
    }
  }

  // Reads up to the end of the first request head. false when the client closed, failed or
  // the proxy stops first.
  bool ReadRequestHead(int fd) {
    std::string head;
    char chunk[4096];
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxHeadBytes) {
      if (WaitFor(fd, POLLIN, -1) != Wake::kReady) return false;
      const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n == 0) return false;
      if (n < 0) {
        if (WouldBlock(errno)) continue;
        return false;
      }
      head.append(chunk, static_cast<size_t>(n));
    }
    return true;
  }

  // Reads and drops what the client sends until it closes, fails, `timeout_ms` passes (-1:
  // none) or the proxy stops.
  void Discard(int fd, int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    char chunk[4096];
    while (true) {
      int wait_ms = -1;
      if (timeout_ms >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return;
        wait_ms = static_cast<int>(left.count());
      }
      if (WaitFor(fd, POLLIN, wait_ms) != Wake::kReady) return;
      const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n == 0 || (n < 0 && !WouldBlock(errno))) return;
    }
  }

  // false when the client failed or the proxy stopped first.
  bool SendAll(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(static_cast<size_t>(n));
      } else if (n < 0 && !WouldBlock(errno)) {
        return false;
      } else if (WaitFor(fd, POLLOUT, -1) != Wake::kReady) {
        return false;
      }
    }
    return true;
  }

  void Inject(Fd client, Fault fault) {
    if (!ReadRequestHead(client.get())) return;
    std::string answer;
    switch (fault) {
      case Fault::kHttp503:
        answer =
            ErrorAnswer(503, "Service Unavailable", "SlowDown", "Please reduce your request rate.");
        break;
      case Fault::kHttp500:
        answer = ErrorAnswer(500, "Internal Server Error", "InternalError",
                             "We encountered an internal error. Please try again.");
        break;
      case Fault::kHttp429:
        answer = ErrorAnswer(429, "Too Many Requests", "TooManyRequests",
                             "Please reduce your request rate.");
        break;
      case Fault::kReset:
        Abort(client.get());
        return;
      case Fault::kStall:
        Discard(client.get(), -1);
        return;
      case Fault::kLoseReply:  // played by Forward
        return;
    }
    if (!SendAll(client.get(), answer)) return;
    ::shutdown(client.get(), SHUT_WR);
    Discard(client.get(), kDrainTimeoutMs);
  }
};

std::unique_ptr<FaultProxy> FaultProxy::Start(const std::string& upstream_host, int upstream_port) {
  auto impl = std::make_unique<Impl>();

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int resolved =
      ::getaddrinfo(upstream_host.c_str(), std::to_string(upstream_port).c_str(), &hints, &found);
  if (resolved != 0 || found == nullptr) {
    ADD_FAILURE() << "FaultProxy: cannot resolve " << upstream_host << ": "
                  << ::gai_strerror(resolved);
    return nullptr;
  }
  std::memcpy(&impl->upstream_address, found->ai_addr, found->ai_addrlen);
  impl->upstream_address_size = found->ai_addrlen;
  ::freeaddrinfo(found);

  int stop_pipe[2];
  if (::pipe2(stop_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "FaultProxy: pipe: " << std::strerror(errno);
    return nullptr;
  }
  impl->stop_read = Fd(stop_pipe[0]);
  impl->stop_write = Fd(stop_pipe[1]);

  impl->listener = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t address_size = sizeof(address);
  if (!impl->listener.valid() ||
      ::bind(impl->listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) !=
          0 ||
      ::listen(impl->listener.get(), SOMAXCONN) != 0 ||
      ::getsockname(impl->listener.get(), reinterpret_cast<sockaddr*>(&address), &address_size) !=
          0) {
    ADD_FAILURE() << "FaultProxy: cannot listen on 127.0.0.1: " << std::strerror(errno);
    return nullptr;
  }
  impl->port = ntohs(address.sin_port);

  Impl* running = impl.get();
  running->acceptor = std::thread([running] { running->AcceptLoop(); });
  return std::unique_ptr<FaultProxy>(new FaultProxy(std::move(impl)));
}

FaultProxy::FaultProxy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FaultProxy::~FaultProxy() = default;

std::string FaultProxy::endpoint() const {
  return fmt::format("http://127.0.0.1:{}", impl_->port);
}

int FaultProxy::port() const {
  return impl_->port;
}

void FaultProxy::InjectFaults(Fault fault, int count) {
  std::lock_guard lock(impl_->mutex);
  impl_->pending_fault = fault;
  impl_->pending_count = count > 0 ? count : 0;
}

int FaultProxy::connections() const {
  return impl_->connections.load();
}

int FaultProxy::faults_injected() const {
  return impl_->faults.load();
}

}  // namespace streampro::testing
