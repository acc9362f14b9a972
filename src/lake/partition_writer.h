#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/date.h"
#include "formats/common/file_counters.h"
#include "lake/lake_lock.h"
#include "lake/manifest.h"
#include "streampro/io.h"
#include "streampro/object_store.h"
#include "streampro/status.h"

namespace streampro::lake {

/// Stages one partition in the run's private staging folder and publishes it in one step
/// (docs/publish.md). Readers of the lake see the previous version of the partition (or
/// none) until Commit, and the complete new version after it; never a mix.
/// One writer per partition at a time; writers of different partitions may run in
/// parallel under the same LakeLock, which must outlive them.
class PartitionWriter {
 public:
  /// Creates the staging folder. `table` is empty for the reports layer.
  static Result<std::unique_ptr<PartitionWriter>> Begin(const LakeLock& lock, std::string layer,
                                                        std::string table, Date date);
  /// Without Commit: the staging folder is removed; the published state is untouched.
  ~PartitionWriter();
  PartitionWriter(const PartitionWriter&) = delete;
  PartitionWriter& operator=(const PartitionWriter&) = delete;

  /// A new file in the staging folder; the stream hashes (SHA-256) and counts the bytes as
  /// they are written. `name` is a plain file name not starting with '_' or '.' (those are
  /// the lake's own). Safe to call from several threads; each stream is used by one
  /// thread at a time. The pointer stays valid until Commit or destruction.
  Result<OutputStream*> CreateFile(const std::string& name);
  /// Flushes, fsyncs and closes the file; records its size, SHA-256 and the declared row
  /// count (nullopt: not a table file, e.g. a raw copy or a report). Thread-safe.
  Status CloseFile(const std::string& name, std::optional<int64_t> rows);

  /// S3 lake and S3 source in the same service: copies `source_uri` server-side as the
  /// file `name` (failing if its ETag is no longer `source.etag`), reads it back once for
  /// the SHA-256, and records it as closed. Returns false, doing nothing, when a
  /// server-side copy is not possible (a local side, or over 5 GiB); then the caller
  /// streams the bytes through CreateFile. Thread-safe.
  Result<bool> CopyFileFrom(const std::string& name, const std::string& source_uri,
                            const storage::ObjectInfo& source);

  void set_source_file(std::string name);
  void set_counters(const formats::FileCounters& counters);
  void set_property(std::string key, std::string value);

  /// Verifies the staged files (all closed; size on disk equals bytes written; each
  /// *.parquet footer's num_rows equals the declared rows, or supplies them when none
  /// were declared; the counters' invariant), writes _manifest.json, fsyncs, and makes the
  /// partition visible in one step, replacing any previous version; then removes the
  /// previous version. On error before the publish step nothing visible changed.
  /// Not thread-safe against CreateFile/CloseFile; call once, after all files are closed.
  Status Commit();

  /// The manifest Commit wrote (valid after a successful Commit).
  const PartitionManifest& manifest() const { return manifest_; }
  /// The published folder, `{root}/{layer}/{table}/ingestion_date=D`.
  const std::string& partition_dir() const { return partition_dir_; }
  /// The private folder the files are written to before Commit.
  const std::string& staging_dir() const { return staging_dir_; }

  class HashingFile;

 private:
  PartitionWriter(const LakeLock& lock, std::string layer, std::string table, Date date,
                  std::string staging_dir, std::string partition_dir);

  Status VerifyStagedFiles();
  Status CommitToObjectStore();
  /// Where the object of `name` is written: the staging folder, or (S3, a partition not
  /// yet published) the partition itself.
  std::string ObjectUri(const std::string& name) const;

  const LakeLock& lock_;
  std::string layer_;
  std::string table_;
  Date date_;
  std::string staging_dir_;
  std::string partition_dir_;

  std::mutex mutex_;
  struct StagedFile {
    std::unique_ptr<HashingFile> stream;
    bool closed = false;
    FileEntry entry;
  };
  std::map<std::string, StagedFile> files_;
  PartitionManifest manifest_;
  bool committed_ = false;
  bool in_place_ = false;
};

/// Removes a committed partition in one step (rename into the run's staging folder, then
/// delete). A partition that does not exist is not an error.
Status DropPartition(const LakeLock& lock, std::string_view layer, std::string_view table,
                     Date date);

/// The points of Commit a test can stop the process at (docs/publish.md, crash table).
enum class CommitStep : uint8_t {
  kFilesVerified,    ///< files checked; no manifest yet
  kManifestWritten,  ///< manifest written and fsynced in staging; nothing published
  kMovedAside,       ///< rename-aside fallback only: old version aside, new not yet in place
  kPublished,        ///< new version visible; old version still in staging
};

/// Test seam: when Commit (or DropPartition, at kPublished) reaches `step`, the process
/// ends at once with _exit(kCrashExitCode), as a crash would; nullopt disables it. The
/// environment variable LAKE_TEST_CRASH_AFTER (files_verified, manifest_written,
/// moved_aside, published) sets it for a whole process, for end-to-end tests.
void SetCrashPointForTesting(std::optional<CommitStep> step);
inline constexpr int kCrashExitCode = 86;

/// Test seam: replacing a partition uses the rename-aside fallback as if the file system
/// refused RENAME_EXCHANGE.
void ForceRenameAsideForTesting(bool force);

}  // namespace streampro::lake
