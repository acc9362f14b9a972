#include "formats/jsonl/duplicate_filter.h"

#include "formats/common/batch_select.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <string_view>

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

Status CheckColumn(const Schema& schema, std::string_view name, TypeId type, int* index) {
  *index = schema.FieldIndex(name);
  if (*index < 0 || schema.field(*index).type != type) {
    return Status::Internal(
        fmt::format("duplicate filter needs column '{}' of type {}", name, TypeName(type)));
  }
  return Status::OK();
}

}  // namespace

Result<DuplicateFilter> DuplicateFilter::Make(const Schema& schema) {
  DuplicateFilter filter;
  RETURN_NOT_OK(CheckColumn(schema, "user_id", TypeId::kString, &filter.user_id_));
  RETURN_NOT_OK(CheckColumn(schema, "session_id", TypeId::kString, &filter.session_id_));
  RETURN_NOT_OK(CheckColumn(schema, "timestamp", TypeId::kTimestampMicros, &filter.timestamp_));
  RETURN_NOT_OK(CheckColumn(schema, "event_name", TypeId::kString, &filter.event_name_));
  RETURN_NOT_OK(CheckColumn(schema, "video_id", TypeId::kString, &filter.video_id_));
  RETURN_NOT_OK(CheckColumn(schema, "value", TypeId::kDouble, &filter.value_));
  return filter;
}

void DuplicateFilter::Compact(RecordBatch* batch, int64_t kept_rows) const {
  RecordBatch out(batch->schema());
  out.Reserve(kept_rows);
  AppendSelectedRows(*batch, keep_, &out);
  *batch = std::move(out);
}

void DuplicateFilter::EncodeKey(const RecordBatch& batch, int64_t row, std::string* key) const {
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
    double v = value.double_values()[static_cast<size_t>(row)];
    if (v == 0.0) v = 0.0;  // -0.0 and 0.0 are the same value
    key->push_back('\1');
    AppendFixed(key, std::bit_cast<uint64_t>(v), 8);
  }
}

void DuplicateFilter::EncodeKeys(const RecordBatch& batch, DuplicateKeys* keys) const {
  const auto rows = static_cast<size_t>(batch.num_rows());
  keys->bytes.clear();
  keys->offsets.resize(rows + 1);
  keys->hashes.resize(rows);
  for (size_t row = 0; row < rows; ++row) {
    keys->offsets[row] = keys->bytes.size();
    EncodeKey(batch, static_cast<int64_t>(row), &keys->bytes);
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
  if (dropped > 0) Compact(batch, rows - dropped);
  return dropped;
}

}  // namespace streampro::formats::jsonl
