#pragma once

// Live progress and Ctrl-C for one job run (docs/pipeline.md, "Progress and Ctrl-C").
//
// The stages count their work into a Progress and check a CancellationToken
// (common/progress.h); a RunMonitor owns both, reads the counters from one reporter thread
// and turns SIGINT and SIGTERM into a cancelled token:
//  - on a terminal (stderr is a tty): one line per stage, redrawn in place (\r, clear to
//    end of line) every interval (default 250 ms), cleared when the stage ends;
//  - otherwise: a plain `progress: ...` line every interval (default 10 s), so logs show
//    that the run is alive;
//  - quiet: no progress lines.
// The signal handler only writes the signal number to a pipe; the reporter thread reads it
// and cancels the token, and the stages stop at their next check. A second Ctrl-C ends the
// process at once (the handler is reset after the first); the next run cleans up.

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "common/progress.h"
#include "streampro/status.h"

namespace streampro::cli {

struct MonitorOptions {
  /// --quiet: no progress lines (Ctrl-C still works).
  bool quiet = false;
  /// Redraw one line in place instead of printing plain lines.
  bool terminal = false;
  /// Between two updates.
  std::chrono::milliseconds interval{10'000};
  /// Where progress lines go.
  std::FILE* out = stderr;
};

/// The defaults: terminal when stderr is a tty; 250 ms on a terminal, 10 s otherwise;
/// `interval_ms` > 0 (STREAMPRO_PROGRESS_INTERVAL_MS) overrides the interval.
MonitorOptions DefaultMonitorOptions(bool quiet, int64_t interval_ms);

/// One progress line for `snapshot` at `now`, without \r or newline:
/// `to-trusted: reading raw files 412.3 MB of 1.31 GB (31%), 205.1 MB/s, 1.10M events/s,
/// 4 s left`. Rates are averages since the phase began; sizes are decimal (1 MB = 10^6 B),
/// in B, kB, MB or GB as they grow.
std::string FormatProgress(const ProgressSnapshot& snapshot,
                           std::chrono::steady_clock::time_point now);

/// Progress reporting and Ctrl-C handling for the length of one job. At most one exists at
/// a time in a process (a signal handler cannot be told which one to reach).
class RunMonitor {
 public:
  /// Installs the SIGINT and SIGTERM handlers and starts the reporter thread. Internal
  /// error when another RunMonitor is active; IOError when the pipe cannot be made.
  static Result<std::unique_ptr<RunMonitor>> Start(MonitorOptions options);
  /// Clears a line still shown, stops the reporter thread, restores the previous handlers.
  ~RunMonitor();
  RunMonitor(const RunMonitor&) = delete;
  RunMonitor& operator=(const RunMonitor&) = delete;

  /// What the stages are given (StageOptions::control).
  RunControl control() { return RunControl{&progress_, &token_}; }
  const CancellationToken& token() const { return token_; }

  /// Stage `name` begins: its line starts once it reports a phase.
  void BeginStage(const std::string& name);
  /// The stage ended (or failed): its line is cleared, so what the stage prints next
  /// starts on a clean line. Idempotent.
  void EndStage();
  /// The stage begun last ("" before the first), for messages about an interruption.
  std::string last_stage() const;

  class Impl;

 private:
  RunMonitor() = default;

  Progress progress_;
  CancellationToken token_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace streampro::cli
