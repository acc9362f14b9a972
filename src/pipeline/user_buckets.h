#pragma once

// Users spread over a power-of-two number of buckets: the trusted events of a date and the
// enriched per-user tables are written one part file per bucket, and every grouping by user
// (dedup, sessions, journeys) then runs bucket by bucket in bounded memory. The hash is part
// of the lake format: a partition's manifest records it (`bucket_hash`) with its bucket
// count (`buckets`), and readers check both.

#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/hash.h"
#include "lake/manifest.h"
#include "lake/partition_writer.h"
#include "streampro/batch.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// The name of UserHash in manifests; a partition written with another hash is refused.
inline constexpr std::string_view kUserBucketHash = "fnv1a64-fmix:user_id";
inline constexpr std::string_view kBucketsProperty = "buckets";
inline constexpr std::string_view kBucketHashProperty = "bucket_hash";

/// FNV-1a 64 over the bytes, then Fmix64 so that the low bits used for the bucket depend
/// on every byte. Part of the lake format: never change it.
inline uint64_t UserHash(std::string_view user_id) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : user_id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return Fmix64(hash);
}

/// `buckets` must be a power of two.
inline uint32_t UserBucket(std::string_view user_id, uint32_t buckets) {
  return static_cast<uint32_t>(UserHash(user_id) & (buckets - 1));
}

/// The smallest power of two >= `n` (at least 1), capped at `max`.
inline uint32_t BucketCountFor(uint64_t n, uint32_t max = 4096) {
  if (n <= 1) return 1;
  const uint64_t pow2 = std::bit_ceil(n);
  return pow2 > max ? max : static_cast<uint32_t>(pow2);
}

/// Splits the rows of batches over user buckets in one pass: a counting sort of the row
/// indices by bucket, then one gather per bucket. Rows keep their input order within a
/// bucket. Reuses its buffers from call to call; not thread-safe.
class UserBucketSplitter {
 public:
  /// `buckets` must be a power of two.
  explicit UserBucketSplitter(uint32_t buckets) : buckets_(buckets) {}

  uint32_t buckets() const { return buckets_; }

  /// Sorts the rows of `users` (a string column) by bucket; then RowsOf tells each
  /// bucket's rows.
  void Assign(const Column& users);
  /// The rows of bucket `b` of the last Assign, in input order.
  std::span<const int64_t> RowsOf(uint32_t b) const;

  /// Appends each row of `batch` to out[bucket of its `user_column` value]; `out` holds
  /// buckets() batches whose leading columns match `batch`'s.
  void Split(const RecordBatch& batch, int user_column, std::span<RecordBatch> out);

 private:
  uint32_t buckets_;
  std::vector<uint32_t> bucket_of_;
  std::vector<size_t> starts_;
  std::vector<size_t> fill_;
  std::vector<int64_t> order_;
};

/// The bucket count of a bucketed partition from its manifest (1 when it records none,
/// as a partition written unbucketed): InvalidData naming `where` unless it is a power of
/// two written with kUserBucketHash.
Result<uint32_t> BucketsOf(const lake::PartitionManifest& manifest, const std::string& where);

/// Records `buckets` and the hash in the manifest properties of a partition being written.
void SetBucketProperties(uint32_t buckets, lake::PartitionWriter* partition);

}  // namespace streampro::pipeline
