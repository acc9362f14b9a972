#pragma once

// The lake as one object: the store it lives in, its root, its layout and the commit
// protocol that publishes into it. Built once by the application (or a test) and passed
// down to every stage; nothing about the lake is process-wide.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "common/date.h"
#include "lake/layout.h"
#include "streampro/object_store.h"
#include "streampro/status.h"

namespace streampro::lake {

class CommitProtocol;

/// The points of a commit (docs/publish.md, crash table) a CommitObserver is told about.
enum class CommitStep : uint8_t {
  kFilesVerified,    ///< files checked; no manifest yet
  kManifestWritten,  ///< rename protocol: manifest written and fsynced in staging
  kMovedAside,       ///< rename-aside fallback: old version aside, new not yet in place;
                     ///< object stores: the first staged object copied into place
  kPublished,        ///< new version visible; old version not yet removed
  // The Iceberg commit of a table (src/iceberg/table_commit.h, docs/iceberg.md):
  kIcebergLinked,           ///< new data files linked under `_iceberg/data/`
  kIcebergManifestWritten,  ///< manifest and manifest list written
  kIcebergMetadataWritten,  ///< metadata JSON written; the catalog not yet updated
  kIcebergCommitted,        ///< the catalog names the new metadata
};
/// `files_verified`, `manifest_written`, `moved_aside`, `published`, `iceberg_linked`,
/// `iceberg_manifest_written`, `iceberg_metadata_written`, `iceberg_committed`.
std::string_view CommitStepName(CommitStep step);
std::optional<CommitStep> CommitStepFromName(std::string_view name);

/// Called at each step of every commit and drop, on the committing thread. Tests use it to
/// stop a process at a named point, as a crash would.
using CommitObserver = std::function<void(CommitStep step)>;

struct LakeOptions {
  /// Where each layer's folder is under the root.
  LayerFolders folders;
  /// Told about every commit step; empty for none.
  CommitObserver observer;
  /// Rename protocol: replace partitions with the rename-aside fallback, as if the file
  /// system refused RENAME_EXCHANGE (to test that path on file systems that have it).
  bool force_rename_aside = false;
};

/// A lake: a root (store + key) with its layout and commit protocol. Immutable after Open;
/// thread-safe. URIs below are the store's (`lake/trusted/...`, `s3://bucket/...`).
class Lake {
 public:
  /// The lake at `root`. The commit protocol is the first registered one that supports the
  /// store (lake/commit_protocol.h). InvalidArgument for bad layer folders.
  static Result<std::shared_ptr<const Lake>> Open(storage::ObjectRef root,
                                                  LakeOptions options = {});
  ~Lake();

  /// The root URI, without a trailing slash.
  const std::string& uri() const { return uri_; }
  storage::ObjectStore& store() const { return *root_.store; }
  const LakeOptions& options() const { return options_; }
  const CommitProtocol& protocol() const { return *protocol_; }
  /// The root's local path when the store's keys are paths (the rename protocol and the
  /// flock lock need one), else nullopt.
  std::optional<std::string> local_root() const { return root_.store->LocalPath(root_.key); }

  /// `{root}/{relative_key}`.
  std::string Uri(std::string_view relative_key) const;
  /// `{root}/{layer folder}/{table folder}` (`{root}/{reports folder}` for the report).
  std::string TableUri(const catalog::TableDef& table) const;
  /// `{table}/ingestion_date=D`.
  std::string PartitionUri(const catalog::TableDef& table, Date date) const;
  /// `{partition}/_manifest.json`.
  std::string ManifestUri(const catalog::TableDef& table, Date date) const;

  /// The key in store() of a URI under the root; Internal for one outside the lake.
  Result<std::string> KeyOf(std::string_view uri) const;
  /// The part of `uri` after the root and its slash ("" when `uri` is not under the root).
  std::string RelativeKey(std::string_view uri) const;

  /// Reads and writes of URIs under the root, through store().
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(std::string_view uri) const;
  Result<std::string> Read(std::string_view uri) const;
  /// NotFound is nullopt.
  Result<std::optional<std::string>> ReadIfExists(std::string_view uri) const;
  Result<std::optional<storage::ObjectInfo>> Head(std::string_view uri) const;
  Status Write(std::string_view uri, std::string_view bytes) const;
  /// `to` as an immutable second name of the bytes of `from` (ObjectStore::Link: a hard
  /// link on a local lake, a server-side copy on S3).
  Status Link(std::string_view from, std::string_view to) const;
  Status Delete(std::string_view uri) const;
  /// Every object under `uri` + "/", as URIs, sorted.
  Result<std::vector<storage::ObjectInfo>> List(std::string_view uri) const;

  /// Committed partitions of `table` (those with a manifest), ascending by date.
  Result<std::vector<Date>> ListPartitions(const catalog::TableDef& table) const;
  /// The newest committed partition of `table` dated at or before `date`.
  Result<std::optional<Date>> NewestPartitionAtOrBefore(const catalog::TableDef& table,
                                                        Date date) const;

  /// Tells the observer, if any, that a commit reached `step`.
  void Notify(CommitStep step) const {
    if (options_.observer) options_.observer(step);
  }

 private:
  Lake(storage::ObjectRef root, LakeOptions options, std::unique_ptr<CommitProtocol> protocol);

  storage::ObjectRef root_;
  std::string uri_;
  LakeOptions options_;
  std::unique_ptr<CommitProtocol> protocol_;
};

}  // namespace streampro::lake
