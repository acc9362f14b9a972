#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "streampro/status.h"

namespace streampro::lake {

/// What LakeLock::Acquire found and cleaned up from runs that died.
struct LakeRecovery {
  /// Staging folders of earlier runs that were removed (`_staging/{run_id}`).
  std::vector<std::string> removed_staging;
  /// Partitions put back from a rename-aside publish that a crash cut in two.
  std::vector<std::string> restored_partitions;
};

/// One writer per lake per run: an exclusive flock(2) on `{root}/_lock`, held until the
/// lock is destroyed (the kernel drops it when the process dies, however it dies). A
/// second concurrent Acquire, from this or another process, fails with a message naming
/// the lock file and its holder. On acquiring, it repairs and removes what runs that died
/// left under `{root}/_staging/` (safe: their owners are gone, or they would hold the
/// lock), then creates this run's staging folder `{root}/_staging/{run_id}`.
/// Movable; the accessors are safe to call from several threads.
class LakeLock {
 public:
  static Result<LakeLock> Acquire(const std::string& root);

  LakeLock(LakeLock&&) noexcept;
  LakeLock& operator=(LakeLock&&) noexcept;
  LakeLock(const LakeLock&) = delete;
  LakeLock& operator=(const LakeLock&) = delete;
  /// Removes this run's staging folder, then releases the lock.
  ~LakeLock();

  const std::string& root() const;
  /// `YYYYMMDDTHHMMSSZ-{pid}-{random hex}`: sorts by start time, unique per run.
  const std::string& run_id() const;
  /// `{root}/_staging/{run_id}`.
  const std::string& staging_dir() const;
  const LakeRecovery& recovery() const;

  /// A path under staging_dir() that no other call returns (the folder is not created);
  /// `label` makes it readable, e.g. "trusted.events.2025-09-09". Thread-safe.
  std::string NewStagingPath(std::string_view label) const;

 private:
  struct State;
  explicit LakeLock(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace streampro::lake
