#pragma once

// Where bytes live: a local folder or an S3 bucket, behind one interface, so every stage
// runs unchanged on either. Objects are named by URI: a local path (`lake/raw/x`) or
// `s3://bucket/key`. Resolve() picks the store; the free functions below are shorthands.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streampro/io.h"
#include "streampro/status.h"

namespace streampro::storage {

struct ObjectInfo {
  std::string key;  ///< the key in its store (a local path, or the key within the bucket)
  int64_t size = 0;
  int64_t mtime_ns = 0;  ///< modification time (S3: Last-Modified; 1 ms from a listing, 1 s
                         ///< from Head)
  std::string etag;      ///< S3 only: changes with the content
};

/// A write in progress. The object appears under its key, complete, only when Close()
/// returns OK (local: written, fsynced, closed; S3: PUT or multipart completed). Destroyed
/// without a successful Close: nothing new is visible under the key (S3), or the partial
/// file is removed (local). Not thread-safe.
class ObjectWriter : public OutputStream {
 public:
  virtual Status Close() = 0;
};

/// One store. Keys are `/`-separated. Thread-safe: one instance serves every thread.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  /// True for S3 (no rename, no fsync, no flock: the lake uses the commit-manifest protocol).
  virtual bool is_remote() const = 0;
  /// The URI of `key`, for messages and for Resolve: the path itself, or `s3://bucket/key`.
  virtual std::string Uri(std::string_view key) const = 0;

  /// Reads with pread (local) or ranged GETs pinned to the object's ETag (S3).
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& key) = 0;
  /// The whole object. By default through OpenRead; S3 sends one streamed GET instead of a
  /// HEAD and a ranged GET.
  virtual Result<std::string> ReadAll(const std::string& key);
  /// Local: creates parent folders; replaces an existing file when closed.
  virtual Result<std::unique_ptr<ObjectWriter>> OpenWrite(const std::string& key) = 0;
  /// nullopt when absent.
  virtual Result<std::optional<ObjectInfo>> Head(const std::string& key) = 0;
  /// Every object whose key starts with `prefix` + "/" (recursively), sorted by key. A
  /// prefix with nothing under it gives an empty list.
  virtual Result<std::vector<ObjectInfo>> List(const std::string& prefix) = 0;
  /// A missing key is not an error.
  virtual Status Delete(const std::string& key) = 0;
  /// Copies `source_key` of this store to `key`, server-side where the store can (S3
  /// CopyObject); with `if_etag`, fails when the source changed (S3 only).
  virtual Status Copy(const std::string& source_key, const std::string& key,
                      std::string_view if_etag = {}) = 0;
  /// Writes `bytes` as `key` only if no object has that key; false when one does.
  virtual Result<bool> PutIfAbsent(const std::string& key, std::string_view bytes) = 0;
};

/// A store and a key in it.
struct ObjectRef {
  std::shared_ptr<ObjectStore> store;
  std::string key;

  std::string uri() const { return store->Uri(key); }
};

/// True for `s3://...`.
bool IsS3Uri(std::string_view uri);

/// The store of `uri` and the key in it. `s3://bucket/key` needs SetS3Options first; the
/// first use of a bucket checks it exists and that the credentials work (a one-key
/// listing), so a wrong setting fails before anything is written.
Result<ObjectRef> Resolve(std::string_view uri);

/// `base/child` (no doubled slash).
std::string JoinUri(std::string_view base, std::string_view child);

/// Shorthands over Resolve.
Result<std::unique_ptr<RandomAccessFile>> OpenForRead(std::string_view uri);
Result<std::string> ReadObject(std::string_view uri);
Result<std::optional<ObjectInfo>> HeadObject(std::string_view uri);
Status WriteObject(std::string_view uri, std::string_view bytes);

}  // namespace streampro::storage
