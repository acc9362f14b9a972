#pragma once

// How a lake publishes partitions: the seam between PartitionWriter (which stages files,
// hashes and verifies them) and the store's way of making a set of files visible at once.
// Today: rename of a staged folder on a local file system (rename_commit.cpp), and a commit
// manifest written with one PUT on object stores (manifest_commit.cpp). A table format with
// its own snapshots (Iceberg) is a third: it commits the files of several tables together,
// checking that each table is still at the version the run started from.

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "common/date.h"
#include "lake/lake.h"
#include "lake/manifest.h"
#include "streampro/status.h"

namespace streampro::lake {

class LakeLock;
struct LakeRecovery;

/// Where a writer puts the files of one partition before they are published.
struct StagedPartition {
  const catalog::TableDef* table = nullptr;
  Date date;
  /// The published location, `{table}/ingestion_date=D`.
  std::string partition_uri;
  /// The run's private location for this partition.
  std::string staging_uri;
  /// Files go straight under partition_uri (object stores, a partition never published:
  /// no manifest names them until the commit).
  bool in_place = false;
  /// The version this writer replaces (PartitionVersion; "" for none), as seen at Begin:
  /// the commit refuses to replace any other version.
  std::string base_version;

  /// Where the file `name` is written.
  std::string FileUri(std::string_view name) const;
};

/// One partition of a commit: where its files are and the manifest that names them.
struct PartitionCommit {
  const StagedPartition* staged = nullptr;
  const PartitionManifest* manifest = nullptr;
};

/// A way to publish. Implementations hold no per-run state (that is in the LakeLock) and
/// are thread-safe; writers of different partitions commit concurrently.
class CommitProtocol {
 public:
  virtual ~CommitProtocol() = default;

  /// `rename`, `object-manifest`, ...
  virtual std::string_view name() const = 0;

  /// Called by LakeLock::Acquire with the lock held, before the run writes: repairs and
  /// removes what runs that died left (they are dead: they would hold the lock).
  virtual Status Recover(const Lake& lake, const std::string& own_run_id,
                         LakeRecovery* recovery) const = 0;

  /// Prepares to write a partition of `table` for `date`; nothing visible changes.
  virtual Result<StagedPartition> Begin(const LakeLock& lock, const catalog::TableDef& table,
                                        Date date) const = 0;

  /// Publishes each partition in one step: readers see its previous version (or none)
  /// before, and exactly the files its manifest names after. A partition whose published
  /// version is no longer `base_version` is a conflict: InvalidData naming it, and that
  /// partition is not published. The partitions are published in order; an error stops
  /// before the next one.
  virtual Status Commit(const LakeLock& lock, std::span<const PartitionCommit> commits) const = 0;

  /// Removes what a writer that never committed left; best effort (the next run's Recover
  /// removes what this cannot).
  virtual void Abandon(const LakeLock& lock, const StagedPartition& staged) const = 0;

  /// Removes a committed partition in one step; a missing one is not an error.
  virtual Status Drop(const LakeLock& lock, const catalog::TableDef& table, Date date) const = 0;
};

/// One registered protocol: the first whose `supports` accepts a lake's root serves it.
struct CommitProtocolRegistration {
  std::string_view name;
  bool (*supports)(const storage::ObjectRef& root);
  std::unique_ptr<CommitProtocol> (*make)(const LakeOptions& options);
};

/// The registered protocols, in the order they are tried (commit_protocols.cpp).
std::span<const CommitProtocolRegistration> RegisteredCommitProtocols();

/// The protocol for a lake at `root`.
Result<std::unique_ptr<CommitProtocol>> MakeCommitProtocol(const storage::ObjectRef& root,
                                                           const LakeOptions& options);

/// A readable name for a run's staging path of `table`'s partition for `date`:
/// `{what}{layer}.{folder}.{date}` (`what` is "" or a prefix such as "dropped.").
std::string StagingLabel(std::string_view what, const catalog::TableDef& table, Date date);

/// A committed version's identity: its run and commit time (`{run_id}@{committed_at}`).
std::string PartitionVersion(const PartitionManifest& manifest);
/// The version of the published partition ("" when none), for Begin.
Result<std::string> PublishedVersion(const Lake& lake, const catalog::TableDef& table, Date date);
/// InvalidData when the published version of `commit`'s partition is no longer its base.
Status CheckNoConflict(const Lake& lake, const PartitionCommit& commit);

}  // namespace streampro::lake
