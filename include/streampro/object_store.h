#pragma once

// Where bytes live: a local folder, an S3 bucket or memory, behind one interface, so every
// stage runs unchanged on any of them. Objects are named by URI: a local path
// (`lake/raw/x`), `s3://bucket/key` or `mem://name/key`. A StoreRegistry (an object the
// application builds from its settings and hands down; there is no process-wide one) maps a
// URI to its store and key.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
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

  /// The local file-system path of `key` when the store's keys are paths (rename, fsync
  /// and flock work on them); nullopt for object stores.
  virtual std::optional<std::string> LocalPath(const std::string& key) const {
    (void)key;
    return std::nullopt;
  }
  /// The URI of `key`, for messages and for Resolve: the path itself, or `s3://bucket/key`.
  virtual std::string Uri(std::string_view key) const = 0;

  /// Reads with pread (local) or ranged GETs pinned to the object's ETag (S3).
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& key) = 0;
  /// The whole object. By default through OpenRead; S3 sends one streamed GET instead of a
  /// HEAD and a ranged GET.
  virtual Result<std::string> ReadAll(const std::string& key);
  /// Local: creates parent folders; replaces an existing file when closed.
  virtual Result<std::unique_ptr<ObjectWriter>> OpenWrite(const std::string& key) = 0;
  /// OpenWrite for an object written once, front to back in large pieces, that nothing
  /// reads back soon (a raw copy). The local store writes it around the page cache
  /// (O_DIRECT) where the file system allows; other stores, by default, as OpenWrite.
  virtual Result<std::unique_ptr<ObjectWriter>> OpenBulkWrite(const std::string& key) {
    return OpenWrite(key);
  }
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
  /// Makes `key` a second name of the bytes of `source_key` that later writes of
  /// `source_key` do not change: the local store makes a hard link (link(2); a copy where
  /// the file system has no hard links), so no byte is copied. By default a Copy: on S3 a
  /// server-side CopyObject, so the bytes are stored twice until one of the names is
  /// deleted. An existing `key` that is already the same file is kept; any other existing
  /// `key` is replaced.
  virtual Status Link(const std::string& source_key, const std::string& key) {
    return Copy(source_key, key);
  }
  /// Writes `bytes` as `key` only if no object has that key; false when one does.
  virtual Result<bool> PutIfAbsent(const std::string& key, std::string_view bytes) = 0;
  /// Copies `source_key` of `source` (another store, or this one) to `key` inside the
  /// service, without the bytes passing through this process, failing if the source's ETag
  /// is no longer `if_etag` (when given). False, doing nothing, when the two stores cannot
  /// copy between them (the default). S3 copies objects of up to 5 GiB this way.
  virtual Result<bool> CopyFromStore(const ObjectStore& source, const std::string& source_key,
                                     const std::string& key, std::string_view if_etag) {
    (void)source, (void)source_key, (void)key, (void)if_etag;
    return false;
  }

  /// Writes the whole object `key` in one go (OpenWrite, Write, Close).
  Status WriteAll(const std::string& key, std::string_view bytes);
};

/// A store and a key in it.
struct ObjectRef {
  std::shared_ptr<ObjectStore> store;
  std::string key;

  std::string uri() const { return store->Uri(key); }
};

/// `base/child` (no doubled slash).
std::string JoinUri(std::string_view base, std::string_view child);

/// The stores a process uses, by URI scheme. Local paths (no `scheme://`) resolve to the
/// local file system; each other scheme is registered with a factory that makes the store
/// of one authority (an S3 bucket, a memory store's name), built on first use and kept.
/// Built by the application from its settings (or by a test) and passed down; thread-safe.
/// A new kind of store is its own file plus one Register call.
class StoreRegistry {
 public:
  using Factory = std::function<Result<std::shared_ptr<ObjectStore>>(std::string_view authority)>;

  StoreRegistry();
  /// Replaces any earlier factory of `scheme` (and forgets stores it made).
  void Register(std::string scheme, Factory factory);
  /// Wraps every store this registry makes from now on (fault injection in tests).
  void SetWrapper(std::function<std::shared_ptr<ObjectStore>(std::shared_ptr<ObjectStore>)> wrap);

  /// The store of `uri` and the key in it. An unknown scheme is InvalidArgument naming the
  /// registered ones; a factory's error (say, a missing bucket) is returned as is.
  Result<ObjectRef> Resolve(std::string_view uri);

 private:
  std::mutex mutex_;
  std::map<std::string, Factory, std::less<>> factories_;
  std::map<std::string, std::shared_ptr<ObjectStore>, std::less<>> stores_;
  std::function<std::shared_ptr<ObjectStore>(std::shared_ptr<ObjectStore>)> wrap_;
};

}  // namespace streampro::storage
