#pragma once

// Live progress of a run, and the request to stop it. The stages count the work they have
// done into a Progress (relaxed atomic adds, once per chunk or batch, never per row) and
// check a CancellationToken between chunks; the application reads the counters a few
// times a second from its own thread and cancels the token when the user presses Ctrl-C
// (apps/streampro/run_monitor.h). Both are passed to the stages in a RunControl; neither
// is process-wide.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "streampro/io.h"
#include "streampro/status.h"

namespace streampro {

/// A request to stop a run. Set once, from any thread; the stages check it between chunks
/// and before they publish, never in the middle of a commit, so a stopped stage leaves only
/// staged files (which its partition writers remove) and the partitions it had already
/// published. Thread-safe.
class CancellationToken {
 public:
  /// Asks the run to stop; `reason` (say, "interrupted by SIGINT") becomes the message of
  /// Check()'s status. Later calls keep the first reason.
  void Cancel(std::string reason);
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  /// OK, or Status::Cancelled with the reason. Cheap while not cancelled (one load).
  Status Check() const;

 private:
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;
  std::string reason_;
};

/// What a phase counts.
enum class ProgressUnit : uint8_t {
  kBytes,    ///< bytes of input read or copied
  kEvents,   ///< events (rows) handled
  kBuckets,  ///< user buckets finished
  kTables,   ///< tables computed (the Trino engine's statements)
};

/// The state of the running stage at one instant, as a reporter sees it.
struct ProgressSnapshot {
  /// The stage running ("to-trusted"); empty between stages.
  std::string stage;
  /// What the stage is doing ("reading raw files"); empty before its first phase.
  std::string phase;
  ProgressUnit unit = ProgressUnit::kBytes;
  /// Units the phase will count in all; 0 when not known.
  int64_t total = 0;
  /// Units counted so far in this phase.
  int64_t done = 0;
  /// Events handled so far in this phase (for an events/s rate), whatever the unit.
  int64_t events = 0;
  /// When the phase (or, before the first phase, the stage) began.
  std::chrono::steady_clock::time_point started;
};

/// The counters of the running stage. The application starts and ends stages; a stage
/// starts its phases and adds to the counters from any of its threads. Snapshot() may be
/// called concurrently with all of these. A phase's counters are reset when it starts, so
/// phases must not overlap (the stages run them one after another).
class Progress {
 public:
  /// The application: stage `name` begins (and any previous one ended).
  void StartStage(std::string name);
  /// The application: no stage runs any more.
  void EndStage();

  /// The stage: a phase begins, counting `unit` up to `total` (0: not known).
  void StartPhase(std::string phase, ProgressUnit unit, int64_t total);
  /// Adds units done in the current phase. A relaxed atomic add: call it per chunk or batch.
  void Add(int64_t done) noexcept { done_.fetch_add(done, std::memory_order_relaxed); }
  /// Adds events handled in the current phase (relaxed, per chunk or batch).
  void AddEvents(int64_t events) noexcept { events_.fetch_add(events, std::memory_order_relaxed); }

  ProgressSnapshot Snapshot() const;

 private:
  mutable std::mutex mutex_;  // guards the strings and the phase description
  std::string stage_;
  std::string phase_;
  ProgressUnit unit_ = ProgressUnit::kBytes;
  int64_t total_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::atomic<int64_t> done_{0};
  std::atomic<int64_t> events_{0};
};

/// What a stage is given to report progress and to learn that it should stop. Either may
/// be null (no reporting; never cancelled); both must outlive the stage call.
struct RunControl {
  Progress* progress = nullptr;
  const CancellationToken* cancellation = nullptr;

  /// OK, or Cancelled when the run was asked to stop.
  Status CheckCancelled() const {
    return cancellation == nullptr ? Status::OK() : cancellation->Check();
  }
  void StartPhase(std::string phase, ProgressUnit unit, int64_t total) const {
    if (progress != nullptr) progress->StartPhase(std::move(phase), unit, total);
  }
  void Add(int64_t done, int64_t events = 0) const noexcept {
    if (progress == nullptr) return;
    progress->Add(done);
    if (events != 0) progress->AddEvents(events);
  }
};

/// `file`, with every ReadAt first checking `control`'s token (a read after the run was
/// cancelled fails with Cancelled) and then adding to its progress how much further into
/// the file reading has got (the text readers read front to back, so the count ends at
/// the file's size). Readers read in chunks of megabytes: a few atomics per chunk.
std::shared_ptr<RandomAccessFile> MonitorReads(std::shared_ptr<RandomAccessFile> file,
                                               RunControl control);

}  // namespace streampro
