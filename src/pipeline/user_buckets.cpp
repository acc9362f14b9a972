#include "pipeline/user_buckets.h"

#include <fmt/format.h>

#include <charconv>

#include "formats/common/batch_select.h"

namespace streampro::pipeline {

void UserBucketSplitter::Assign(const Column& users) {
  const auto rows = static_cast<size_t>(users.length());
  bucket_of_.resize(rows);
  starts_.assign(buckets_ + 1, 0);
  for (size_t row = 0; row < rows; ++row) {
    bucket_of_[row] = UserBucket(users.string_value(static_cast<int64_t>(row)), buckets_);
    ++starts_[bucket_of_[row] + 1];
  }
  for (uint32_t b = 0; b < buckets_; ++b) starts_[b + 1] += starts_[b];
  order_.resize(rows);
  fill_ = starts_;
  for (size_t row = 0; row < rows; ++row) {
    order_[fill_[bucket_of_[row]]++] = static_cast<int64_t>(row);
  }
}

std::span<const int64_t> UserBucketSplitter::RowsOf(uint32_t b) const {
  return std::span<const int64_t>(order_.data() + starts_[b], starts_[b + 1] - starts_[b]);
}

void UserBucketSplitter::Split(const RecordBatch& batch, int user_column,
                               std::span<RecordBatch> out) {
  if (buckets_ == 1) {
    for (int c = 0; c < batch.num_columns(); ++c) out[0].column(c).AppendColumn(batch.column(c));
    return;
  }
  Assign(batch.column(user_column));
  for (uint32_t b = 0; b < buckets_; ++b) {
    const std::span<const int64_t> rows = RowsOf(b);
    if (!rows.empty()) formats::AppendRowsAt(batch, rows, &out[b]);
  }
}

Result<uint32_t> BucketsOf(const lake::PartitionManifest& manifest, const std::string& where) {
  const auto buckets = manifest.properties.find(std::string(kBucketsProperty));
  if (buckets == manifest.properties.end()) return uint32_t{1};
  const std::string& text = buckets->second;
  uint32_t count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end != text.data() + text.size() || count == 0 ||
      (count & (count - 1)) != 0) {
    return Status::InvalidData(
        fmt::format("{}: manifest property buckets={} is not a power of two", where, text));
  }
  const auto hash = manifest.properties.find(std::string(kBucketHashProperty));
  if (count > 1 && (hash == manifest.properties.end() || hash->second != kUserBucketHash)) {
    return Status::InvalidData(fmt::format(
        "{}: its {} buckets were made with bucket_hash '{}', this StreamPro reads '{}'", where,
        count, hash == manifest.properties.end() ? "(none)" : hash->second, kUserBucketHash));
  }
  return count;
}

void SetBucketProperties(uint32_t buckets, lake::PartitionWriter* partition) {
  partition->set_property(std::string(kBucketsProperty), std::to_string(buckets));
  partition->set_property(std::string(kBucketHashProperty), std::string(kUserBucketHash));
}

}  // namespace streampro::pipeline
