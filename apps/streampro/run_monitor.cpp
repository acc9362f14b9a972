#include "run_monitor.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

namespace streampro::cli {

namespace {

// The write end of the active monitor's pipe, or -1. The one piece of process-wide state
// here: a signal handler cannot be handed a context, and this is all it needs.
std::atomic<int> interrupt_pipe{-1};
static_assert(std::atomic<int>::is_always_lock_free, "used from a signal handler");

// Async-signal-safe: one write(2) of the signal number; errno is preserved.
extern "C" void OnInterrupt(int signal_number) {
  const int saved_errno = errno;
  const int fd = interrupt_pipe.load(std::memory_order_relaxed);
  if (fd >= 0) {
    const auto byte = static_cast<unsigned char>(signal_number);
    [[maybe_unused]] const ssize_t written = ::write(fd, &byte, 1);
  }
  errno = saved_errno;
}

// A byte on the pipe that is not a signal: the reporter thread stops.
constexpr unsigned char kStopByte = 0;

std::string SignalName(int signal_number) {
  switch (signal_number) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return fmt::format("signal {}", signal_number);
  }
}

std::string FormatBytes(int64_t bytes) {
  const double value = static_cast<double>(bytes);
  if (bytes < 1'000) return fmt::format("{} B", bytes);
  if (bytes < 1'000'000) return fmt::format("{:.1f} kB", value / 1e3);
  if (bytes < 1'000'000'000) return fmt::format("{:.1f} MB", value / 1e6);
  return fmt::format("{:.2f} GB", value / 1e9);
}

std::string FormatCount(double count) {
  if (count < 1e3) return fmt::format("{:.0f}", count);
  if (count < 1e6) return fmt::format("{:.1f}k", count / 1e3);
  if (count < 1e9) return fmt::format("{:.2f}M", count / 1e6);
  return fmt::format("{:.2f}G", count / 1e9);
}

std::string FormatAmount(int64_t amount, ProgressUnit unit) {
  switch (unit) {
    case ProgressUnit::kBytes:
      return FormatBytes(amount);
    case ProgressUnit::kEvents:
      return FormatCount(static_cast<double>(amount));
    case ProgressUnit::kBuckets:
    case ProgressUnit::kTables:
      return fmt::format("{}", amount);
  }
  return fmt::format("{}", amount);
}

std::string_view UnitNoun(ProgressUnit unit) {
  switch (unit) {
    case ProgressUnit::kBytes:
      return "";
    case ProgressUnit::kEvents:
      return " events";
    case ProgressUnit::kBuckets:
      return " buckets";
    case ProgressUnit::kTables:
      return " tables";
  }
  return "";
}

std::string FormatDuration(double seconds) {
  const auto whole = static_cast<int64_t>(seconds + 0.5);
  if (whole < 60) return fmt::format("{} s", std::max<int64_t>(whole, 1));
  if (whole < 3600) return fmt::format("{} min {:02} s", whole / 60, whole % 60);
  return fmt::format("{} h {:02} min", whole / 3600, whole / 60 % 60);
}

// Columns of the terminal behind `file`, or 0 when unknown.
int TerminalWidth(std::FILE* file) {
  winsize size{};
  if (::ioctl(::fileno(file), TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

}  // namespace

MonitorOptions DefaultMonitorOptions(bool quiet, int64_t interval_ms) {
  MonitorOptions options;
  options.quiet = quiet;
  options.terminal = ::isatty(STDERR_FILENO) == 1;
  options.interval = std::chrono::milliseconds(options.terminal ? 250 : 10'000);
  if (interval_ms > 0) options.interval = std::chrono::milliseconds(interval_ms);
  return options;
}

std::string FormatProgress(const ProgressSnapshot& snapshot,
                           std::chrono::steady_clock::time_point now) {
  std::string line = fmt::format("{}: {}", snapshot.stage, snapshot.phase);
  const int64_t done = snapshot.total > 0 ? std::min(snapshot.done, snapshot.total)
                                          : std::max<int64_t>(0, snapshot.done);
  const std::string_view noun = UnitNoun(snapshot.unit);
  if (snapshot.total > 0) {
    line +=
        fmt::format(" {} of {}{} ({}%)", FormatAmount(done, snapshot.unit),
                    FormatAmount(snapshot.total, snapshot.unit), noun, done * 100 / snapshot.total);
  } else {
    line += fmt::format(" {}{}", FormatAmount(done, snapshot.unit), noun);
  }
  const double seconds = std::chrono::duration<double>(now - snapshot.started).count();
  if (seconds <= 0) return line;
  if (snapshot.unit == ProgressUnit::kBytes) {
    line += fmt::format(", {}/s",
                        FormatBytes(static_cast<int64_t>(static_cast<double>(done) / seconds)));
  }
  if (snapshot.events > 0) {
    line +=
        fmt::format(", {} events/s", FormatCount(static_cast<double>(snapshot.events) / seconds));
  }
  if (snapshot.total > 0 && done > 0) {
    if (done >= snapshot.total) {
      line += ", finishing";
    } else {
      const double left =
          seconds * static_cast<double>(snapshot.total - done) / static_cast<double>(done);
      line += fmt::format(", {} left", FormatDuration(left));
    }
  }
  return line;
}

class RunMonitor::Impl {
 public:
  Impl(MonitorOptions options, Progress* progress, CancellationToken* token)
      : options_(options), progress_(progress), token_(token) {}

  Status Start() {
    int expected = -1;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
      return Status::IOError(fmt::format("cannot create the interrupt pipe: {}", strerror(errno)));
    }
    read_fd_ = fds[0];
    write_fd_ = fds[1];
    if (!interrupt_pipe.compare_exchange_strong(expected, write_fd_)) {
      return Status::Internal("a second RunMonitor while one is active");
    }
    installed_ = true;
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    // SA_RESETHAND: a second Ctrl-C takes the default action and ends the process at once.
    action.sa_flags = SA_RESTART | SA_RESETHAND;
    ::sigaction(SIGINT, &action, &previous_int_);
    ::sigaction(SIGTERM, &action, &previous_term_);
    reporter_ = std::thread([this] { Run(); });
    return Status::OK();
  }

  ~Impl() {
    if (reporter_.joinable()) {
      // The pipe is non-blocking and nearly empty: the stop byte always fits.
      [[maybe_unused]] const ssize_t written = ::write(write_fd_, &kStopByte, 1);
      reporter_.join();
    }
    if (installed_) {
      ::sigaction(SIGINT, &previous_int_, nullptr);
      ::sigaction(SIGTERM, &previous_term_, nullptr);
      interrupt_pipe.store(-1);
    }
    ClearLine();
    if (read_fd_ >= 0) ::close(read_fd_);
    if (write_fd_ >= 0) ::close(write_fd_);
  }

  void BeginStage(const std::string& name) {
    std::lock_guard guard(mutex_);
    last_stage_ = name;
    progress_->StartStage(name);
  }

  void EndStage() {
    std::lock_guard guard(mutex_);
    progress_->EndStage();
    ClearLineLocked();
  }

  std::string last_stage() const {
    std::lock_guard guard(mutex_);
    return last_stage_;
  }

 private:
  void Run() {
    const int timeout_ms =
        static_cast<int>(std::clamp<int64_t>(options_.interval.count(), 1, 3'600'000));
    for (;;) {
      pollfd wait{read_fd_, POLLIN, 0};
      const int ready = ::poll(&wait, 1, timeout_ms);
      if (ready < 0 && errno != EINTR) return;
      if (ready <= 0) {
        Draw();
        continue;
      }
      unsigned char bytes[16];
      const ssize_t n = ::read(read_fd_, bytes, sizeof(bytes));
      for (ssize_t i = 0; i < n; ++i) {
        if (bytes[i] == kStopByte) return;
        Interrupted(bytes[i]);
      }
    }
  }

  void Interrupted(int signal_number) {
    const bool first = !token_->cancelled();
    token_->Cancel(fmt::format("interrupted by {}", SignalName(signal_number)));
    if (!first) return;
    std::lock_guard guard(mutex_);
    ClearLineLocked();
    const std::string notice = fmt::format(
        "streampro: {} received: stopping at the next safe point and removing staged files "
        "(press Ctrl-C again to stop at once)\n",
        SignalName(signal_number));
    std::fwrite(notice.data(), 1, notice.size(), options_.out);
    std::fflush(options_.out);
  }

  void Draw() {
    if (options_.quiet) return;
    std::lock_guard guard(mutex_);
    if (token_->cancelled()) return;
    const ProgressSnapshot snapshot = progress_->Snapshot();
    if (snapshot.stage.empty() || snapshot.phase.empty()) return;
    std::string line = FormatProgress(snapshot, std::chrono::steady_clock::now());
    if (options_.terminal) {
      const int width = TerminalWidth(options_.out);
      if (width > 1 && line.size() >= static_cast<size_t>(width)) line.resize(width - 1);
      line = "\r" + line + "\033[K";
      line_shown_ = true;
    } else {
      line = "progress: " + line + "\n";
    }
    std::fwrite(line.data(), 1, line.size(), options_.out);
    std::fflush(options_.out);
  }

  void ClearLine() {
    std::lock_guard guard(mutex_);
    ClearLineLocked();
  }

  void ClearLineLocked() {
    if (!line_shown_) return;
    std::fputs("\r\033[K", options_.out);
    std::fflush(options_.out);
    line_shown_ = false;
  }

  MonitorOptions options_;
  Progress* progress_;
  CancellationToken* token_;
  int read_fd_ = -1;
  int write_fd_ = -1;
  bool installed_ = false;
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
  std::thread reporter_;
  mutable std::mutex mutex_;  // guards the output and the fields below
  bool line_shown_ = false;
  std::string last_stage_;
};

Result<std::unique_ptr<RunMonitor>> RunMonitor::Start(MonitorOptions options) {
  std::unique_ptr<RunMonitor> monitor(new RunMonitor());
  monitor->impl_ = std::make_unique<Impl>(options, &monitor->progress_, &monitor->token_);
  RETURN_NOT_OK(monitor->impl_->Start());
  return monitor;
}

RunMonitor::~RunMonitor() = default;

void RunMonitor::BeginStage(const std::string& name) {
  impl_->BeginStage(name);
}

void RunMonitor::EndStage() {
  impl_->EndStage();
}

std::string RunMonitor::last_stage() const {
  return impl_->last_stage();
}

}  // namespace streampro::cli
