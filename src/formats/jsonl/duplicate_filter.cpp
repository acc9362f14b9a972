#include "formats/jsonl/duplicate_filter.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "common/hash.h"

namespace streampro::formats::jsonl {

namespace {

void AppendFixed(std::string* out, uint64_t value, int bytes) {
  char buffer[8];
  for (int i = 0; i < bytes; ++i) buffer[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  out->append(buffer, static_cast<size_t>(bytes));
}

void AppendString(std::string* out, const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    out->push_back('\0');
    return;
  }
  const std::string_view text = column.string_value(row);
  out->push_back('\1');
  AppendFixed(out, text.size(), 4);
  out->append(text);
}

// The value's IEEE bits with -0.0 normalised to 0.0 (the same value).
uint64_t ValueBits(const Column& value, int64_t row) {
  double v = value.double_values()[static_cast<size_t>(row)];
  if (v == 0.0) v = 0.0;
  return std::bit_cast<uint64_t>(v);
}

constexpr uint64_t kNullHash = 0x6E756C6C6E756C6CULL;  // any constant: nulls hash alike

uint64_t HashString(const Column& column, int64_t row) {
  if (column.IsNull(row)) return kNullHash;
  return std::hash<std::string_view>{}(column.string_value(row));
}

Status CheckColumn(const Schema& schema, std::string_view name, TypeId type, int* index) {
  *index = schema.FieldIndex(name);
  if (*index < 0 || schema.field(*index).type != type) {
    return Status::Internal(
        fmt::format("duplicate filter needs column '{}' of type {}", name, TypeName(type)));
  }
  return Status::OK();
}

}  // namespace

Result<EventKey> EventKey::Make(const Schema& schema) {
  EventKey key;
  RETURN_NOT_OK(CheckColumn(schema, "user_id", TypeId::kString, &key.user_id_));
  RETURN_NOT_OK(CheckColumn(schema, "session_id", TypeId::kString, &key.session_id_));
  RETURN_NOT_OK(CheckColumn(schema, "timestamp", TypeId::kTimestampMicros, &key.timestamp_));
  RETURN_NOT_OK(CheckColumn(schema, "event_name", TypeId::kString, &key.event_name_));
  RETURN_NOT_OK(CheckColumn(schema, "video_id", TypeId::kString, &key.video_id_));
  RETURN_NOT_OK(CheckColumn(schema, "value", TypeId::kDouble, &key.value_));
  return key;
}

void EventKey::Encode(const RecordBatch& batch, int64_t row, std::string* key) const {
  AppendString(key, batch.column(user_id_), row);
  AppendString(key, batch.column(session_id_), row);
  const Column& timestamp = batch.column(timestamp_);
  if (timestamp.IsNull(row)) {
    key->push_back('\0');
  } else {
    key->push_back('\1');
    AppendFixed(key, static_cast<uint64_t>(timestamp.int64_values()[static_cast<size_t>(row)]), 8);
  }
  AppendString(key, batch.column(event_name_), row);
  AppendString(key, batch.column(video_id_), row);
  const Column& value = batch.column(value_);
  if (value.IsNull(row)) {
    key->push_back('\0');
  } else {
    key->push_back('\1');
    AppendFixed(key, ValueBits(value, row), 8);
  }
}

uint64_t EventKey::Hash(const RecordBatch& batch, int64_t row) const {
  uint64_t hash = HashString(batch.column(user_id_), row);
  hash = HashCombine(hash, HashString(batch.column(session_id_), row));
  const Column& timestamp = batch.column(timestamp_);
  hash = HashCombine(
      hash, timestamp.IsNull(row)
                ? kNullHash
                : static_cast<uint64_t>(timestamp.int64_values()[static_cast<size_t>(row)]));
  hash = HashCombine(hash, HashString(batch.column(event_name_), row));
  hash = HashCombine(hash, HashString(batch.column(video_id_), row));
  const Column& value = batch.column(value_);
  hash = HashCombine(hash, value.IsNull(row) ? kNullHash : ValueBits(value, row));
  return Fmix64(hash);
}

bool EventKey::Equal(const RecordBatch& batch, int64_t a, int64_t b) const {
  const auto same_string = [&](int c) {
    const Column& column = batch.column(c);
    const bool null = column.IsNull(a);
    if (null != column.IsNull(b)) return false;
    return null || column.string_value(a) == column.string_value(b);
  };
  const auto same_fixed = [&](int c, auto bits_of) {
    const Column& column = batch.column(c);
    const bool null = column.IsNull(a);
    if (null != column.IsNull(b)) return false;
    return null || bits_of(column, a) == bits_of(column, b);
  };
  const auto timestamp_of = [](const Column& column, int64_t row) {
    return column.int64_values()[static_cast<size_t>(row)];
  };
  return same_fixed(timestamp_, timestamp_of) && same_string(session_id_) &&
         same_string(user_id_) && same_string(event_name_) && same_string(video_id_) &&
         same_fixed(value_, ValueBits);
}

Result<int64_t> DropDuplicateRows(RecordBatch* batch) {
  ASSIGN_OR_RETURN(const EventKey key, EventKey::Make(*batch->schema()));
  const int64_t rows = batch->num_rows();
  if (rows < 2) return 0;
  if (rows >= int64_t{0xFFFFFFFF}) {
    return Status::Internal(fmt::format("DropDuplicateRows: {} rows in one batch", rows));
  }
  const auto num_rows = static_cast<size_t>(rows);
  std::vector<uint64_t> hashes(num_rows);
  for (size_t row = 0; row < num_rows; ++row) {
    hashes[row] = key.Hash(*batch, static_cast<int64_t>(row));
  }
  // Slots hold row + 1 (0 = empty); at most half full.
  const size_t mask = std::bit_ceil(2 * num_rows) - 1;
  std::vector<uint32_t> slots(mask + 1, 0);
  std::vector<uint8_t> keep(num_rows, 1);
  int64_t dropped = 0;
  constexpr size_t kPrefetchDistance = 8;
  for (size_t row = 0; row < num_rows; ++row) {
    if (row + kPrefetchDistance < num_rows) {
      __builtin_prefetch(&slots[hashes[row + kPrefetchDistance] & mask]);
    }
    const uint64_t hash = hashes[row];
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const uint32_t slot = slots[i];
      if (slot == 0) {
        slots[i] = static_cast<uint32_t>(row + 1);
        break;
      }
      const size_t earlier = slot - 1;
      if (hashes[earlier] == hash &&
          key.Equal(*batch, static_cast<int64_t>(earlier), static_cast<int64_t>(row))) {
        keep[row] = 0;
        ++dropped;
        break;
      }
    }
  }
  if (dropped > 0) batch->KeepRows(keep);
  return dropped;
}

Result<DuplicateFilter> DuplicateFilter::Make(const Schema& schema) {
  ASSIGN_OR_RETURN(const EventKey key, EventKey::Make(schema));
  return DuplicateFilter(key);
}

void DuplicateFilter::EncodeKeys(const RecordBatch& batch, DuplicateKeys* keys) const {
  const auto rows = static_cast<size_t>(batch.num_rows());
  keys->bytes.clear();
  keys->offsets.resize(rows + 1);
  keys->hashes.resize(rows);
  for (size_t row = 0; row < rows; ++row) {
    keys->offsets[row] = keys->bytes.size();
    key_.Encode(batch, static_cast<int64_t>(row), &keys->bytes);
  }
  keys->offsets[rows] = keys->bytes.size();
  const std::string_view bytes(keys->bytes);
  for (size_t row = 0; row < rows; ++row) {
    keys->hashes[row] = StringKeyTable::Hash(
        bytes.substr(keys->offsets[row], keys->offsets[row + 1] - keys->offsets[row]));
  }
}

Result<int64_t> DuplicateFilter::Filter(RecordBatch* batch) {
  EncodeKeys(*batch, &scratch_);
  return Filter(batch, scratch_);
}

Result<int64_t> DuplicateFilter::Filter(RecordBatch* batch, const DuplicateKeys& keys) {
  const int64_t rows = batch->num_rows();
  const auto num_rows = static_cast<size_t>(rows);
  if (keys.hashes.size() != num_rows || keys.offsets.size() != num_rows + 1) {
    return Status::Internal(fmt::format("duplicate keys for {} rows given with a batch of {} rows",
                                        keys.hashes.size(), num_rows));
  }
  const std::string_view bytes(keys.bytes);
  // Room for every key up front, so the table does not move while prefetching into it.
  seen_.Reserve(num_rows);
  keep_.assign(num_rows, 1);
  int64_t dropped = 0;
  constexpr size_t kPrefetchDistance = 8;
  for (size_t row = 0; row < num_rows; ++row) {
    // The table is far larger than the caches; fetch the slot of a later key meanwhile.
    if (row + kPrefetchDistance < num_rows) seen_.Prefetch(keys.hashes[row + kPrefetchDistance]);
    const std::string_view key =
        bytes.substr(keys.offsets[row], keys.offsets[row + 1] - keys.offsets[row]);
    if (!seen_.Insert(key, keys.hashes[row])) {
      keep_[row] = 0;
      ++dropped;
    }
  }
  if (dropped > 0) batch->KeepRows(keep_);
  return dropped;
}

}  // namespace streampro::formats::jsonl
