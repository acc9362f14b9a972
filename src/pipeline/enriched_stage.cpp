#include "pipeline/enriched_stage.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "enrich/enrich.h"
#include "formats/common/batch_select.h"
#include "formats/csv/dimension_schema.h"
#include "formats/jsonl/duplicate_filter.h"
#include "formats/jsonl/event_schema.h"
#include "pipeline/bucketing.h"
#include "pipeline/parallel_for.h"
#include "pipeline/partition_io.h"

namespace streampro::pipeline {

namespace {

constexpr std::string_view kTrusted = "trusted";
constexpr std::string_view kEnriched = "enriched";

// One trusted events partition and its part files by bucket.
struct EventPartition {
  Date date;
  uint32_t buckets = 1;
  std::map<uint32_t, std::string> files;  // bucket -> path
  int64_t bytes = 0;
};

Result<std::vector<EventPartition>> ListEventPartitions(const std::string& root, Date date) {
  ASSIGN_OR_RETURN(const std::vector<Date> dates, lake::ListPartitions(root, kTrusted, "events"));
  std::vector<EventPartition> out;
  for (const Date d : dates) {
    if (d > date) continue;
    ASSIGN_OR_RETURN(const auto manifest, lake::ReadManifest(root, kTrusted, "events", d));
    if (!manifest) continue;
    EventPartition partition;
    partition.date = d;
    const std::string dir = lake::PartitionDir(root, kTrusted, "events", d);
    ASSIGN_OR_RETURN(const std::optional<int64_t> buckets,
                     lake::IntProperty(root, *manifest, "buckets", 1, UINT32_MAX));
    if (buckets) partition.buckets = static_cast<uint32_t>(*buckets);
    if (partition.buckets == 0 || (partition.buckets & (partition.buckets - 1)) != 0) {
      return Status::InvalidData(fmt::format(
          "{}: manifest property buckets={} is not a power of two", dir, partition.buckets));
    }
    for (const lake::FileEntry& file : manifest->files) {
      const std::optional<uint32_t> index = PartFileIndex(file.name);
      if (!index) continue;
      if (*index >= partition.buckets) {
        return Status::InvalidData(
            fmt::format("{}/{}: bucket {} is outside the partition's {} buckets", dir, file.name,
                        *index, partition.buckets));
      }
      partition.files[*index] = lake::FileUri(root, *manifest, file);
      partition.bytes += file.bytes;
    }
    out.push_back(std::move(partition));
  }
  return out;
}

// Appends to `out` (EnrichEventsSchema) the rows of `part` (EventsSchema) whose user falls in
// bucket `bucket` of `buckets`, tagged with `date`.
void AppendBucketRows(const RecordBatch& part, Date date, uint32_t bucket, uint32_t buckets,
                      bool filter, RecordBatch* out) {
  const int64_t rows = part.num_rows();
  std::vector<uint8_t> keep(static_cast<size_t>(rows), 1);
  int64_t kept = rows;
  if (filter) {
    const Column& users = part.column(formats::jsonl::kUserIdColumn);
    kept = 0;
    for (int64_t row = 0; row < rows; ++row) {
      const bool in_bucket = UserBucket(users.string_value(row), buckets) == bucket;
      keep[static_cast<size_t>(row)] = in_bucket;
      kept += in_bucket;
    }
  }
  if (kept == 0) return;
  for (int c = 0; c < part.num_columns(); ++c) {
    if (kept == rows) {
      out->column(c).AppendColumn(part.column(c));
      continue;
    }
    Column& column = out->column(c);
    for (int64_t row = 0; row < rows; ++row) {
      if (keep[static_cast<size_t>(row)]) column.AppendFrom(part.column(c), row);
    }
  }
  Column& dates = out->column(enrich::kIngestionDateColumn);
  for (int64_t i = 0; i < kept; ++i) dates.AppendInt32(date.days_since_epoch);
}

// The users of the newest snapshot <= D, or an empty users table.
Result<RecordBatch> LoadUsers(const std::string& root, Date date) {
  ASSIGN_OR_RETURN(const std::optional<Date> newest,
                   NewestPartitionAtOrBefore(root, kTrusted, "users", date));
  if (!newest) return RecordBatch(formats::csv::DimensionSpecFor(Table::kUsers).schema);
  return ReadPartition(root, kTrusted, "users", *newest);
}

Result<enrich::VideoGenres> LoadGenres(const std::string& root, Date date) {
  ASSIGN_OR_RETURN(const std::optional<Date> newest,
                   NewestPartitionAtOrBefore(root, kTrusted, "videos", date));
  if (!newest) {
    return enrich::VideoGenres::FromVideos(
        RecordBatch(formats::csv::DimensionSpecFor(Table::kVideos).schema));
  }
  ASSIGN_OR_RETURN(const RecordBatch videos, ReadPartition(root, kTrusted, "videos", *newest));
  return enrich::VideoGenres::FromVideos(videos);
}

}  // namespace

Result<EnrichedResult> TrustedToEnriched(const lake::LakeLock& lock, Date date,
                                         const StageOptions& options) {
  RETURN_NOT_OK(options.Validate());
  const std::string& root = lock.root();
  const int threads = options.ResolvedThreads();
  const parquet::WriterOptions parquet_options = options.ParquetOptions();

  ASSIGN_OR_RETURN(const std::vector<EventPartition> partitions, ListEventPartitions(root, date));
  ASSIGN_OR_RETURN(const RecordBatch users, LoadUsers(root, date));
  ASSIGN_OR_RETURN(const enrich::VideoGenres genres, LoadGenres(root, date));

  // Buckets: at least as many as any partition has (so each part file feeds one bucket
  // class), and enough that one bucket's events fit the budget (Snappy Parquet expands
  // about tenfold in memory).
  uint32_t buckets = 1;
  int64_t trusted_bytes = 0;
  for (const auto& p : partitions) {
    buckets = std::max(buckets, p.buckets);
    trusted_bytes += p.bytes;
  }
  const int64_t per_bucket =
      std::max<int64_t>(int64_t{8} << 20, options.memory_budget_bytes / (2 * threads));
  buckets = std::max(
      buckets,
      BucketCountFor(static_cast<uint64_t>((trusted_bytes * 10 + per_bucket - 1) / per_bucket)));

  // Users by bucket.
  std::vector<RecordBatch> users_by_bucket;
  for (uint32_t b = 0; b < buckets; ++b) users_by_bucket.emplace_back(users.schema());
  {
    const Column& ids = users.column(0);
    std::vector<uint32_t> bucket_of(static_cast<size_t>(users.num_rows()));
    for (int64_t row = 0; row < users.num_rows(); ++row) {
      bucket_of[static_cast<size_t>(row)] = UserBucket(ids.string_value(row), buckets);
    }
    std::vector<uint8_t> keep(bucket_of.size());
    for (uint32_t b = 0; b < buckets; ++b) {
      for (size_t i = 0; i < keep.size(); ++i) keep[i] = bucket_of[i] == b;
      formats::AppendSelectedRows(users, keep, &users_by_bucket[b]);
    }
  }

  ASSIGN_OR_RETURN(
      auto sessions_partition,
      lake::PartitionWriter::Begin(lock, std::string(kEnriched), "user_sessions", date));
  ASSIGN_OR_RETURN(auto journey_partition, lake::PartitionWriter::Begin(
                                               lock, std::string(kEnriched), "user_journey", date));
  std::vector<enrich::Partials> partials(buckets);
  std::vector<int64_t> events_read(buckets, 0), duplicates(buckets, 0), sessions(buckets, 0),
      journeys(buckets, 0);
  const Status buckets_done = ParallelFor(buckets, threads, [&](size_t index) -> Status {
    const auto b = static_cast<uint32_t>(index);
    RecordBatch events(enrich::EnrichEventsSchema());
    // Dates ascending, and within a part file the rows are in line order: the input order
    // of SPEC §7, which the duplicate filter needs to keep the earliest occurrence.
    for (const EventPartition& p : partitions) {
      const uint32_t source = b & (p.buckets - 1);
      const auto file = p.files.find(source);
      if (file == p.files.end()) continue;
      ASSIGN_OR_RETURN(const RecordBatch part, ReadParquetFile(file->second));
      if (!(*part.schema() == *formats::jsonl::EventsSchema())) {
        return Status::InvalidData(
            fmt::format("{}: columns differ from the trusted events schema", file->second));
      }
      AppendBucketRows(part, p.date, b, buckets, p.buckets < buckets, &events);
    }
    events_read[b] = events.num_rows();
    if (partitions.size() > 1) {
      ASSIGN_OR_RETURN(auto filter, formats::jsonl::DuplicateFilter::Make(*events.schema()));
      ASSIGN_OR_RETURN(duplicates[b], filter.Filter(&events));
    }
    ASSIGN_OR_RETURN(enrich::BucketOutput output,
                     enrich::EnrichBucket(events, users_by_bucket[b], genres));
    sessions[b] = output.user_sessions.num_rows();
    journeys[b] = output.user_journey.num_rows();
    partials[b] = std::move(output.partials);
    const bool only = buckets == 1;
    if (output.user_sessions.num_rows() > 0 || only) {
      RETURN_NOT_OK(WriteParquetFile(sessions_partition.get(), PartFileName(b),
                                     output.user_sessions, parquet_options));
    }
    if (output.user_journey.num_rows() > 0 || only) {
      RETURN_NOT_OK(WriteParquetFile(journey_partition.get(), PartFileName(b), output.user_journey,
                                     parquet_options));
    }
    return Status::OK();
  });
  RETURN_NOT_OK(buckets_done);

  EnrichedResult result;
  result.buckets = buckets;
  result.event_dates = static_cast<int>(partitions.size());
  enrich::Partials merged;
  for (uint32_t b = 0; b < buckets; ++b) {
    merged.Merge(partials[b]);
    result.events += events_read[b];
    result.duplicates += duplicates[b];
    result.sessions += sessions[b];
    result.users += journeys[b];
  }
  // A table with no rows still gets one empty file, so its schema is readable.
  if (result.sessions == 0 && buckets > 1) {
    RETURN_NOT_OK(WriteParquetFile(sessions_partition.get(), PartFileName(0),
                                   RecordBatch(enrich::UserSessionsSchema()), parquet_options));
  }
  if (result.users == 0 && buckets > 1) {
    RETURN_NOT_OK(WriteParquetFile(journey_partition.get(), PartFileName(0),
                                   RecordBatch(enrich::UserJourneySchema()), parquet_options));
  }
  enrich::Q3Options q3;
  q3.min_sessions = options.min_segment_sessions;
  ASSIGN_OR_RETURN(const enrich::FinalTables tables, enrich::Finish(merged, q3));
  ASSIGN_OR_RETURN(auto genre_partition, lake::PartitionWriter::Begin(lock, std::string(kEnriched),
                                                                      "genre_performance", date));
  RETURN_NOT_OK(WriteParquetFile(genre_partition.get(), PartFileName(0), tables.genre_performance,
                                 parquet_options));
  ASSIGN_OR_RETURN(auto device_partition, lake::PartitionWriter::Begin(lock, std::string(kEnriched),
                                                                       "device_analytics", date));
  RETURN_NOT_OK(WriteParquetFile(device_partition.get(), PartFileName(0), tables.device_analytics,
                                 parquet_options));
  sessions_partition->set_property("buckets", std::to_string(buckets));
  journey_partition->set_property("buckets", std::to_string(buckets));
  genre_partition->set_property("min_segment_sessions", std::to_string(q3.min_sessions));
  device_partition->set_property("min_segment_sessions", std::to_string(q3.min_sessions));
  for (auto* partition : {sessions_partition.get(), journey_partition.get(), genre_partition.get(),
                          device_partition.get()}) {
    RETURN_NOT_OK(partition->Commit());
  }
  return result;
}

}  // namespace streampro::pipeline
