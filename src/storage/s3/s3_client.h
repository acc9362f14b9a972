#pragma once

// A small S3 client on libcurl + OpenSSL: the operations the lake needs, SigV4 signed,
// path-style or virtual-host addressing, with retries. Thread-safe: one client serves every
// thread of a run (each call takes a pooled curl handle, so connections are reused).
//
// Every request signs the SHA-256 of its payload (the server checks it), and PUT / UploadPart
// also send Content-MD5, so every write carries an integrity check. Each attempt is signed
// anew with the clock's time. Keys travel URI-encoded with '/' kept; ListObjectsV2 keys come
// back exactly (entities decoded), control characters included.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/s3/sigv4.h"
#include "streampro/io.h"
#include "streampro/status.h"

namespace streampro::s3 {

struct S3Options {
  /// `http://127.0.0.1:7480`, `https://s3.eu-west-1.amazonaws.com`, or `host:port` (then
  /// `secure` picks the scheme).
  std::string endpoint;
  bool secure = false;  ///< scheme for an endpoint given without one
  std::string region = "us-east-1";
  Credentials credentials;
  /// false: `{endpoint}/{bucket}/{key}` (MinIO, Ceph); true: `{bucket}.{host}/{key}` (AWS).
  bool virtual_host = false;

  /// Attempts per request (1 = no retry). Retried: connect/send/receive errors, timeouts,
  /// connection resets, HTTP 500, 502, 503, 504, 429, and S3 codes SlowDown, RequestTimeout,
  /// InternalError. Backoff: full jitter, min(max_backoff, base * 2^attempt).
  int max_attempts = 5;
  int base_backoff_ms = 100;
  int max_backoff_ms = 5000;
  int connect_timeout_ms = 5000;
  /// A transfer slower than 1 KiB/s for this long is aborted (and retried). CopyObject and
  /// CompleteMultipartUpload, where the server works before it answers, are only aborted
  /// after max(this, 600) seconds without a byte.
  int low_speed_timeout_s = 30;

  /// Multipart: objects larger than one part are uploaded in parts of this size (>= 5 MiB),
  /// `upload_parallelism` parts in flight per stream.
  int64_t part_size = int64_t{8} << 20;
  int upload_parallelism = 4;
};

struct ObjectMeta {
  std::string key;
  int64_t size = 0;
  std::string etag;              ///< as the server sent it, quotes removed
  int64_t last_modified_ns = 0;  ///< from Last-Modified / LastModified, ns since epoch
};

struct ListPage {
  std::vector<ObjectMeta> objects;           ///< in key order
  std::vector<std::string> common_prefixes;  ///< with a delimiter only
  std::optional<std::string> next_continuation_token;
};

struct PutOptions {
  /// `If-None-Match: *`: fail (PutObject returns false) when the key already exists.
  bool if_none_match = false;
  std::string content_type;
};

/// Every error Status names `s3://bucket/key`, the operation, the attempts made, and the last
/// HTTP status with the S3 error code and message, or the transport error and the endpoint
/// (e.g. "s3://lake/raw/x: PUT failed after 1 attempt: HTTP 403 SignatureDoesNotMatch",
/// "s3://lake/raw/x: GET failed after 5 attempts: Failed to connect to 127.0.0.1 port 7480
/// ... (curl error 7) at http://127.0.0.1:7480"), and never a secret. 404 / NoSuchKey /
/// NoSuchBucket give StatusCode::kNotFound; other failures kIOError; bad options
/// kInvalidArgument.
class S3Client {
 public:
  static Result<std::shared_ptr<S3Client>> Make(S3Options options);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  const S3Options& options() const;
  /// `s3://bucket/key` (for messages).
  static std::string Uri(std::string_view bucket, std::string_view key);

  /// NotFound when the bucket does not exist; IOError naming the problem for bad
  /// credentials or an unreachable endpoint.
  Status HeadBucket(const std::string& bucket);
  /// PUT /bucket (tests and set-up); an existing bucket owned by us is not an error.
  Status CreateBucket(const std::string& bucket);

  /// Single PUT with Content-MD5 and the signed payload SHA-256 (the server checks both).
  /// Returns false only when `options.if_none_match` and the key exists (HTTP 412). A retry
  /// after a lost answer to a PUT that did land also sees 412; then the object is read back
  /// (HEAD) and counts as created when its size and ETag (the MD5 of a plain PUT) are ours.
  Result<bool> PutObject(const std::string& bucket, const std::string& key, std::string_view body,
                         const PutOptions& options = {});

  /// nullopt when the key does not exist (a HEAD answer cannot tell a missing bucket apart).
  Result<std::optional<ObjectMeta>> HeadObject(const std::string& bucket, const std::string& key);

  /// Bytes [offset, offset + length) (fewer at the end of the object) into `out`; with
  /// `if_match` non-empty, fails when the object's ETag changed.
  Status GetRange(const std::string& bucket, const std::string& key, int64_t offset, int64_t length,
                  std::string* out, std::string_view if_match = {});

  /// The whole object, streamed to `sink` in pieces as it arrives. A retry after a broken
  /// transfer resumes at the first byte not yet delivered (Range + If-Match on the ETag), so
  /// `sink` sees every byte exactly once.
  Status GetObjectStream(const std::string& bucket, const std::string& key,
                         const std::function<Status(std::string_view)>& sink,
                         std::string_view if_match = {});

  /// One page of ListObjectsV2 (`list-type=2`, keys as raw XML text, no encoding-type).
  /// `max_keys` counts objects and common prefixes together.
  Result<ListPage> ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                 const std::string& delimiter,
                                 const std::optional<std::string>& continuation_token,
                                 int max_keys = 1000);
  /// Every object under `prefix` (all pages), in key order.
  Result<std::vector<ObjectMeta>> ListAll(const std::string& bucket, const std::string& prefix);

  /// Deleting a missing key is not an error.
  Status DeleteObject(const std::string& bucket, const std::string& key);

  /// Server-side copy (objects up to 5 GiB). With `if_match`, fails when the source's ETag
  /// differs (x-amz-copy-source-if-match, plus x-amz-copy-if-match, the name Ceph RADOS
  /// Gateway reads). A 200 answer with an `<Error>` body is a failure.
  Status CopyObject(const std::string& source_bucket, const std::string& source_key,
                    const std::string& bucket, const std::string& key,
                    std::string_view if_match = {});

  /// Returns the upload id.
  Result<std::string> CreateMultipartUpload(const std::string& bucket, const std::string& key);
  /// Returns the part's ETag (quotes removed). Sends Content-MD5.
  Result<std::string> UploadPart(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id, int part_number,
                                 std::string_view body);
  /// `part_etags[i]` is part i + 1's. A 200 answer with an `<Error>` body is a failure
  /// (retried when its code is InternalError, SlowDown or RequestTimeout). A retry that
  /// finds the upload gone (`NoSuchUpload`: an earlier attempt completed it and its answer
  /// was lost) succeeds when the object's ETag is the one these parts make.
  Status CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id,
                                 const std::vector<std::string>& part_etags);
  /// An upload that no longer exists is not an error.
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id);

  /// Requests sent, attempts retried (for tests and the benchmark).
  int64_t requests_sent() const;
  int64_t requests_retried() const;

 private:
  struct Impl;
  explicit S3Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// An object read with ranged GETs; size and ETag from one HEAD at open, every read pinned
/// to that ETag (If-Match), so a concurrent overwrite is an error, not a mix. Thread-safe.
/// ReadAt at an offset past the end is an error naming the object; at the end, empty.
/// NotFound when the object does not exist.
Result<std::unique_ptr<RandomAccessFile>> OpenObject(std::shared_ptr<S3Client> client,
                                                     std::string bucket, std::string key);

/// A write stream for one object: buffers up to options().part_size; Close() sends a single
/// PUT when everything fits in one part (at most part_size bytes), otherwise a multipart
/// upload whose parts go up `upload_parallelism` at a time on background threads while the
/// caller keeps writing (memory: at most (parallelism + 1) parts; Write blocks while every
/// upload slot is busy). Write after a part failed returns that failure. Destroyed without
/// Close (or after a failed Close): the multipart upload is aborted (best effort) and nothing
/// appears under the key. Not thread-safe (one writer); keeps the client alive.
class ObjectUploadStream final : public OutputStream {
 public:
  static Result<std::unique_ptr<ObjectUploadStream>> Open(std::shared_ptr<S3Client> client,
                                                          std::string bucket, std::string key);
  ~ObjectUploadStream() override;

  Status Write(std::string_view bytes) override;
  int64_t position() const override;
  /// Completes the upload; the object is visible under its key when this returns OK.
  Status Close();
  /// Parts the upload used (0 for a single PUT).
  int parts() const;

 private:
  struct Impl;
  explicit ObjectUploadStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace streampro::s3
