#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/date.h"
#include "common/file_counters.h"
#include "lake/commit_protocol.h"
#include "lake/lake_lock.h"
#include "lake/manifest.h"
#include "streampro/io.h"
#include "streampro/object_store.h"
#include "streampro/status.h"

namespace streampro::lake {

/// Stages one partition and publishes it in one step through the lake's commit protocol
/// (docs/publish.md). Readers of the lake see the previous version of the partition (or
/// none) until Commit, and the complete new version after it; never a mix.
/// One writer per partition at a time; writers of different partitions may run in
/// parallel under the same LakeLock, which must outlive them.
class PartitionWriter {
 public:
  /// Starts a partition of `table` (a catalog table) for `date`.
  static Result<std::unique_ptr<PartitionWriter>> Begin(const LakeLock& lock,
                                                        const catalog::TableDef& table, Date date);
  /// Without Commit: what was staged is removed; the published state is untouched.
  ~PartitionWriter();
  PartitionWriter(const PartitionWriter&) = delete;
  PartitionWriter& operator=(const PartitionWriter&) = delete;

  /// A new file in the staging folder; the stream hashes (SHA-256) and counts the bytes as
  /// they are written. `name` is a plain file name not starting with '_' or '.' (those are
  /// the lake's own). Safe to call from several threads; each stream is used by one
  /// thread at a time. The pointer stays valid until Commit or destruction.
  Result<OutputStream*> CreateFile(const std::string& name);
  /// CreateFile for a file written front to back in large pieces and not read back soon (a
  /// raw copy): the store may write it around its cache (ObjectStore::OpenBulkWrite).
  Result<OutputStream*> CreateBulkFile(const std::string& name);
  /// Flushes, fsyncs and closes the file; records its size, SHA-256 and the declared row
  /// count (nullopt: not a table file, e.g. a raw copy or a report). Thread-safe.
  Status CloseFile(const std::string& name, std::optional<int64_t> rows);

  /// Lake and source in the same object service: copies `source` server-side as the file
  /// `name` (failing if its ETag is no longer `info.etag`), reads it back once for the
  /// SHA-256, and records it as closed. Returns false, doing nothing, when the stores
  /// cannot copy between them (say, a local side, or over 5 GiB); then the caller streams
  /// the bytes through CreateFile. Thread-safe.
  Result<bool> CopyFileFrom(const std::string& name, const storage::ObjectRef& source,
                            const storage::ObjectInfo& info);

  void set_source_file(std::string name);
  void set_counters(const FileCounters& counters);
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
  const std::string& partition_dir() const { return staged_.partition_uri; }
  /// The catalog table this partition belongs to.
  const catalog::TableDef& table() const { return *staged_.table; }
  /// The private folder the files are written to before Commit.
  const std::string& staging_dir() const { return staged_.staging_uri; }

  class HashingFile;

 private:
  PartitionWriter(const LakeLock& lock, StagedPartition staged);

  Status VerifyStagedFiles();

  const LakeLock& lock_;
  Result<OutputStream*> OpenStagedFile(const std::string& name, bool bulk);

  StagedPartition staged_;

  std::mutex mutex_;
  struct StagedFile {
    std::unique_ptr<HashingFile> stream;
    bool closed = false;
    FileEntry entry;
  };
  std::map<std::string, StagedFile> files_;
  PartitionManifest manifest_;
  bool committed_ = false;
};

/// Removes a committed partition in one step. A partition that does not exist is not an
/// error.
Status DropPartition(const LakeLock& lock, const catalog::TableDef& table, Date date);

}  // namespace streampro::lake
