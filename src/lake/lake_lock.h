#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lake/lake.h"
#include "streampro/status.h"

namespace streampro::lake {

/// What LakeLock::Acquire found and cleaned up from runs that died.
struct LakeRecovery {
  /// Staging folders of earlier runs that were removed (`_staging/{run_id}`).
  std::vector<std::string> removed_staging;
  /// Partitions put back from a rename-aside publish that a crash cut in two.
  std::vector<std::string> restored_partitions;
  /// S3 lake: partitions whose publish a dead run had committed but not finished (its
  /// manifest still pointed at staged objects), now finished.
  std::vector<std::string> completed_partitions;
  /// S3 lake: the run id of a dead or expired holder whose lock was taken over.
  std::string taken_over_lock;
  /// S3 lake: local scratch folders (`$TMPDIR/streampro-{run_id}`) of runs on this host
  /// whose process is gone, now removed.
  std::vector<std::string> removed_scratch;
};

/// A new run id, `YYYYMMDDTHHMMSSZ-{pid}-{random hex}`: sorts by start time, unique per run
/// (LakeLock::run_id()).
std::string NewRunId();

/// Who holds, or last held, the lake lock, read without taking it.
struct LockHolderInfo {
  std::string run_id;
  int64_t pid = 0;
  std::string host;          ///< object-store lake only
  int64_t expires_unix = 0;  ///< object-store lake only: when the lease ends
  /// A run holds the lock now. Local lake: the holder's process lives and its staging
  /// folder exists (the lock file keeps the last holder's name after it ends). Object
  /// store: the lease runs, and the holder's process lives if it is on this host.
  bool live = false;
};

/// The lock's holder; nullopt when no run has taken the lock (or, on an object store, none
/// holds it now). Changes nothing.
Result<std::optional<LockHolderInfo>> ReadLockHolder(const Lake& lake);

/// A run's folder under `{root}/_staging/`: what an interrupted run left, which the next
/// LakeLock::Acquire cleans up (or the work of the live holder).
struct StagedRun {
  std::string run_id;
  /// What it staged, from the entries' names (`trusted.events.2025-09-09`,
  /// `previous.raw.users.2025-09-09`, ...): distinct, sorted.
  std::vector<std::string> labels;
  int64_t files = 0;
  int64_t bytes = 0;
};

/// Every run folder under `{root}/_staging/` that holds files, by run id. Changes nothing.
Result<std::vector<StagedRun>> ListStagedRuns(const Lake& lake);

/// Lease of an S3 lake lock; renewed every quarter of it while the run lives.
inline constexpr int kS3LeaseSeconds = 60;

/// One writer per lake per run. A second concurrent Acquire, from this or another process,
/// fails with a message naming the lock and its holder. On acquiring, it repairs and
/// removes what runs that died left under `{root}/_staging/` (safe: their owners are gone,
/// or they would hold the lock), then creates this run's staging folder.
/// The lake's commit protocol does the repair (CommitProtocol::Recover).
///  - Local lake: an exclusive flock(2) on `{root}/_lock`, held until the lock is
///    destroyed (the kernel drops it when the process dies, however it dies).
///  - Object-store lake (`s3://bucket/prefix`, `mem://...`): the object `{root}/_lock`, created
///  with
///    `If-None-Match: *` and holding the run, host, pid and a lease that a background
///    thread renews every kS3LeaseSeconds / 4. A lock whose lease ran out, or whose holder
///    was a process of this host that is gone, is taken over (docs/publish.md). Scratch
///    folders that killed S3 runs of this host left in `$TMPDIR` are removed too.
/// Movable; the accessors are safe to call from several threads.
class LakeLock {
 public:
  static Result<LakeLock> Acquire(std::shared_ptr<const Lake> lake);

  LakeLock(LakeLock&&) noexcept;
  LakeLock& operator=(LakeLock&&) noexcept;
  LakeLock(const LakeLock&) = delete;
  LakeLock& operator=(const LakeLock&) = delete;
  /// Removes this run's staging folder, then releases the lock.
  ~LakeLock();

  const Lake& lake() const;
  /// `YYYYMMDDTHHMMSSZ-{pid}-{random hex}`: sorts by start time, unique per run.
  const std::string& run_id() const;
  /// `{root}/_staging/{run_id}`.
  const std::string& staging_dir() const;
  /// True when the lake is in an object store (locked by a lock object, not flock).
  bool remote() const;
  /// A local folder for this run's temporary files (spills): the staging folder of a
  /// local lake, `$TMPDIR/streampro-{run_id}` for an S3 lake. Created by Acquire, removed
  /// with the lock.
  const std::string& scratch_dir() const;
  const LakeRecovery& recovery() const;

  /// A path under staging_dir() that no other call returns (the folder is not created);
  /// `label` makes it readable, e.g. "trusted.events.2025-09-09". Thread-safe.
  std::string NewStagingPath(std::string_view label) const;
  /// Like NewStagingPath, under scratch_dir() (always local).
  std::string NewScratchPath(std::string_view label) const;

  /// Partitions this run has published so far, as keys under the root
  /// (`trusted/events/ingestion_date=D`), in commit order: what an interrupted run tells
  /// the user it left behind. Thread-safe.
  std::vector<std::string> published() const;
  /// Called by PartitionWriter after each successful commit. Thread-safe.
  void RecordPublished(std::string relative_key) const;

  struct State;

 private:
  explicit LakeLock(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace streampro::lake
