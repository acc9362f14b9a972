#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "formats/common/string_key_table.h"
#include "streampro/batch.h"
#include "streampro/status.h"

namespace streampro::formats::jsonl {

/// Drops exact event duplicates (SPEC §3/§7): same user_id, session_id, timestamp (the
/// parsed UTC instant), event_name, video_id and value, null equal to null. Feed it kept
/// batches in input order; the first occurrence wins, across all batches it has seen.
/// Run one per file, or one per user bucket (the key holds user_id, so buckets never
/// share a key), or keep one alive across dates.
///
/// Exact: it stores the full key, not a hash of it, so there are no false duplicates.
/// Each key is encoded unambiguously (a presence byte, then a 4-byte length and the bytes
/// of each string; the timestamp's 8 bytes; the value's 8 bytes of IEEE bits with -0.0
/// normalised to 0.0) and kept in a StringKeyTable.
/// Memory: about key bytes + 36 bytes per distinct kept event. Not thread-safe.
/// The encoded duplicate keys of one batch (see DuplicateFilter::EncodeKeys).
struct DuplicateKeys {
  std::string bytes;
  std::vector<size_t> offsets;  ///< rows + 1 offsets into bytes
  std::vector<uint64_t> hashes;
};

class DuplicateFilter {
 public:
  /// `schema` must hold the key columns (user_id, session_id, timestamp, event_name,
  /// video_id, value) with their EventsSchema() types; else InvalidArgument.
  static Result<DuplicateFilter> Make(const Schema& schema);

  /// Removes from `batch` every row whose key was seen before (in an earlier row or an
  /// earlier batch) and returns how many were removed. Row order is kept.
  Result<int64_t> Filter(RecordBatch* batch);

  /// Encodes and hashes the keys of `batch` (same schema as Make's). Touches no mutable
  /// state, so workers may call it concurrently with Filter to take that work off the
  /// ordered path.
  void EncodeKeys(const RecordBatch& batch, DuplicateKeys* keys) const;
  /// Filter with keys from EncodeKeys(*batch, ...); InvalidArgument if they do not match.
  Result<int64_t> Filter(RecordBatch* batch, const DuplicateKeys& keys);

  /// Distinct keys seen so far.
  int64_t size() const { return static_cast<int64_t>(seen_.size()); }

 private:
  DuplicateFilter() = default;

  void EncodeKey(const RecordBatch& batch, int64_t row, std::string* key) const;
  void Compact(RecordBatch* batch, int64_t kept_rows) const;

  int user_id_ = -1;
  int session_id_ = -1;
  int timestamp_ = -1;
  int event_name_ = -1;
  int video_id_ = -1;
  int value_ = -1;

  StringKeyTable seen_;
  DuplicateKeys scratch_;
  std::vector<uint8_t> keep_;
};

}  // namespace streampro::formats::jsonl
