#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "formats/common/string_key_table.h"
#include "streampro/batch.h"
#include "streampro/status.h"

namespace streampro::formats::jsonl {

/// The duplicate key of an event (SPEC §3/§7): user_id, session_id, timestamp (the parsed
/// UTC instant), event_name, video_id and value; null equals null, -0.0 equals 0.0. The one
/// definition of event equality that DuplicateFilter and DropDuplicateRows share.
class EventKey {
 public:
  /// `schema` must hold the key columns with their EventsSchema() types; else Internal.
  static Result<EventKey> Make(const Schema& schema);

  /// Appends the unambiguous encoding of row `row`'s key to `key`: a presence byte, then a
  /// 4-byte length and the bytes of each string; the timestamp's 8 bytes; the value's 8
  /// bytes of IEEE bits with -0.0 normalised to 0.0. Equal keys, equal encodings.
  void Encode(const RecordBatch& batch, int64_t row, std::string* key) const;
  /// A hash of row `row`'s key: rows with equal keys have equal hashes.
  uint64_t Hash(const RecordBatch& batch, int64_t row) const;
  /// True when rows `a` and `b` of `batch` have equal keys.
  bool Equal(const RecordBatch& batch, int64_t a, int64_t b) const;

 private:
  EventKey() = default;

  int user_id_ = -1;
  int session_id_ = -1;
  int timestamp_ = -1;
  int event_name_ = -1;
  int video_id_ = -1;
  int value_ = -1;
};

/// Removes from `batch` every row whose key (EventKey) equals that of an earlier row of the
/// same batch and returns how many were removed; row order is kept, so the first
/// occurrence in batch order wins. For a whole user bucket in memory: rows are compared
/// with each other through a table of row numbers (4 bytes a slot, about 12 bytes a row
/// with the hashes), so no key is copied. Exact: the hash only picks the slot.
Result<int64_t> DropDuplicateRows(RecordBatch* batch);

/// The encoded duplicate keys of one batch (see DuplicateFilter::EncodeKeys).
struct DuplicateKeys {
  std::string bytes;
  std::vector<size_t> offsets;  ///< rows + 1 offsets into bytes
  std::vector<uint64_t> hashes;
};

/// Drops exact event duplicates (EventKey) across the batches it is fed. Feed it kept
/// batches in input order; the first occurrence wins, across all batches it has seen.
/// Run one per file, or one per user bucket (the key holds user_id, so buckets never
/// share a key), or keep one alive across dates.
///
/// Exact: it stores every key's encoding (EventKey::Encode), not a hash of it, in a
/// StringKeyTable, so there are no false duplicates.
/// Memory: about key bytes + 36 bytes per distinct kept event. Not thread-safe.

class DuplicateFilter {
 public:
  /// `schema` must hold the key columns (EventKey::Make).
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
  explicit DuplicateFilter(EventKey key) : key_(key) {}

  EventKey key_;
  StringKeyTable seen_;
  DuplicateKeys scratch_;
  std::vector<uint8_t> keep_;
};

}  // namespace streampro::formats::jsonl
