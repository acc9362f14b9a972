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
#include "formats/jsonl/duplicate_filter.h"
#include "formats/jsonl/event_schema.h"
#include "pipeline/lineage.h"
#include "pipeline/parallel_for.h"
#include "pipeline/partition_io.h"
#include "pipeline/user_buckets.h"

namespace streampro::pipeline {

namespace {

using catalog::TableId;

// One trusted events partition and its part files by bucket.
struct EventPartition {
  Date date;
  uint32_t buckets = 1;
  std::map<uint32_t, std::string> files;  // bucket -> path
  int64_t bytes = 0;
  int64_t rows = 0;
};

Result<std::vector<EventPartition>> ListEventPartitions(
    const lake::Lake& lake, const std::vector<lake::PartitionManifest>& manifests) {
  const catalog::TableDef& events = catalog::Get(TableId::kTrustedEvents);
  std::vector<EventPartition> out;
  for (const lake::PartitionManifest& manifest : manifests) {
    const Date d = manifest.date;
    EventPartition partition;
    partition.date = d;
    const std::string dir = lake.PartitionUri(events, d);
    ASSIGN_OR_RETURN(partition.buckets, BucketsOf(manifest, lake.ManifestUri(events, d)));
    for (const lake::FileEntry& file : manifest.files) {
      const std::optional<uint32_t> index = PartFileIndex(file.name);
      if (!index) continue;
      if (*index >= partition.buckets) {
        return Status::InvalidData(
            fmt::format("{}/{}: bucket {} is outside the partition's {} buckets", dir, file.name,
                        *index, partition.buckets));
      }
      partition.files[*index] = lake::FileUri(lake, manifest, file);
      partition.bytes += file.bytes;
      partition.rows += file.rows.value_or(0);
    }
    out.push_back(std::move(partition));
  }
  return out;
}

// Appends to `out` (EnrichEventsSchema) the rows of `part` (EventsSchema) whose user falls in
// bucket `bucket` of `splitter` (all of them when the part file is that bucket already),
// tagged with `date`.
void AppendBucketRows(const RecordBatch& part, Date date, uint32_t bucket, bool filter,
                      UserBucketSplitter* splitter, RecordBatch* out) {
  int64_t kept = part.num_rows();
  if (filter) {
    splitter->Assign(part.column(formats::jsonl::kUserIdColumn));
    const std::span<const int64_t> rows = splitter->RowsOf(bucket);
    kept = static_cast<int64_t>(rows.size());
    if (kept > 0) formats::AppendRowsAt(part, rows, out);
  } else {
    for (int c = 0; c < part.num_columns(); ++c) out->column(c).AppendColumn(part.column(c));
  }
  Column& dates = out->column(enrich::kIngestionDateColumn);
  for (int64_t i = 0; i < kept; ++i) dates.AppendInt32(date.days_since_epoch);
}

// The users of the newest snapshot <= D, or an empty users table.
Result<RecordBatch> LoadUsers(const lake::Lake& lake,
                              const std::optional<lake::PartitionManifest>& newest) {
  const catalog::TableDef& users = catalog::TrustedTable(Table::kUsers);
  if (!newest) return RecordBatch(users.schema);
  return ReadPartition(lake, users, newest->date);
}

Result<enrich::VideoGenres> LoadGenres(const lake::Lake& lake,
                                       const std::optional<lake::PartitionManifest>& newest) {
  const catalog::TableDef& videos_table = catalog::TrustedTable(Table::kVideos);
  if (!newest) return enrich::VideoGenres::FromVideos(RecordBatch(videos_table.schema));
  ASSIGN_OR_RETURN(const RecordBatch videos, ReadPartition(lake, videos_table, newest->date));
  return enrich::VideoGenres::FromVideos(videos);
}

}  // namespace

Result<EnrichedResult> TrustedToEnriched(const lake::LakeLock& lock, Date date,
                                         const StageOptions& options) {
  RETURN_NOT_OK(options.Validate());
  const lake::Lake& lake = lock.lake();
  const int threads = options.ResolvedThreads();
  const parquet::WriterOptions parquet_options = options.ParquetOptions();

  PublishedPartitions published(lake);
  ASSIGN_OR_RETURN(const EnrichedSources sources, FindEnrichedSources(published, date));
  ASSIGN_OR_RETURN(const std::vector<EventPartition> partitions,
                   ListEventPartitions(lake, sources.events));
  ASSIGN_OR_RETURN(const RecordBatch users, LoadUsers(lake, sources.users));
  ASSIGN_OR_RETURN(const enrich::VideoGenres genres, LoadGenres(lake, sources.videos));

  // Buckets: at least as many as any partition has (so each part file feeds one bucket
  // class), and enough that one bucket's events fit the budget (Snappy Parquet expands
  // about tenfold in memory).
  uint32_t buckets = 1;
  int64_t trusted_bytes = 0;
  int64_t trusted_rows = 0;
  for (const auto& p : partitions) {
    buckets = std::max(buckets, p.buckets);
    trusted_bytes += p.bytes;
    trusted_rows += p.rows;
  }
  const int64_t per_bucket =
      std::max<int64_t>(int64_t{8} << 20, options.memory_budget_bytes / (2 * threads));
  buckets = std::max(
      buckets,
      BucketCountFor(static_cast<uint64_t>((trusted_bytes * 10 + per_bucket - 1) / per_bucket)));

  // Users by bucket.
  std::vector<RecordBatch> users_by_bucket;
  for (uint32_t b = 0; b < buckets; ++b) users_by_bucket.emplace_back(users.schema());
  UserBucketSplitter(buckets).Split(users, /*user_column=*/0, users_by_bucket);

  ASSIGN_OR_RETURN(auto sessions_partition,
                   lake::PartitionWriter::Begin(lock, catalog::Get(TableId::kUserSessions), date));
  ASSIGN_OR_RETURN(auto journey_partition,
                   lake::PartitionWriter::Begin(lock, catalog::Get(TableId::kUserJourney), date));
  std::vector<enrich::Partials> partials(buckets);
  std::vector<int64_t> events_read(buckets, 0), duplicates(buckets, 0), sessions(buckets, 0),
      journeys(buckets, 0);
  // Every trusted event of every date <= D is read once, by the bucket of its user.
  options.control.StartPhase("sessions and journeys", ProgressUnit::kEvents, trusted_rows);
  const Status buckets_done = ParallelFor(buckets, threads, [&](size_t index) -> Status {
    RETURN_NOT_OK(options.control.CheckCancelled());
    const auto b = static_cast<uint32_t>(index);
    RecordBatch events(enrich::EnrichEventsSchema());
    UserBucketSplitter splitter(buckets);
    // Dates ascending, and within a part file the rows are in line order: the input order
    // of SPEC §7, which the duplicate filter needs to keep the earliest occurrence.
    for (const EventPartition& p : partitions) {
      const uint32_t source = b & (p.buckets - 1);
      const auto file = p.files.find(source);
      if (file == p.files.end()) continue;
      ASSIGN_OR_RETURN(const RecordBatch part, ReadParquetFile(lake, file->second));
      if (!(*part.schema() == *formats::jsonl::EventsSchema())) {
        return Status::InvalidData(
            fmt::format("{}: columns differ from the trusted events schema", file->second));
      }
      AppendBucketRows(part, p.date, b, p.buckets < buckets, &splitter, &events);
    }
    events_read[b] = events.num_rows();
    if (partitions.size() > 1) {
      ASSIGN_OR_RETURN(duplicates[b], formats::jsonl::DropDuplicateRows(&events));
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
    options.control.Add(events_read[b], events_read[b]);
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
  ASSIGN_OR_RETURN(auto genre_partition, lake::PartitionWriter::Begin(
                                             lock, catalog::Get(TableId::kGenrePerformance), date));
  RETURN_NOT_OK(WriteParquetFile(genre_partition.get(), PartFileName(0), tables.genre_performance,
                                 parquet_options));
  ASSIGN_OR_RETURN(auto device_partition, lake::PartitionWriter::Begin(
                                              lock, catalog::Get(TableId::kDeviceAnalytics), date));
  RETURN_NOT_OK(WriteParquetFile(device_partition.get(), PartFileName(0), tables.device_analytics,
                                 parquet_options));
  SetBucketProperties(buckets, sessions_partition.get());
  SetBucketProperties(buckets, journey_partition.get());
  genre_partition->set_property("min_segment_sessions", std::to_string(q3.min_sessions));
  device_partition->set_property("min_segment_sessions", std::to_string(q3.min_sessions));
  const std::vector<InputVersion> inputs = sources.inputs;
  // As in the trusted stage: cancelled before the first commit or not at all.
  RETURN_NOT_OK(options.control.CheckCancelled());
  for (auto* partition : {sessions_partition.get(), journey_partition.get(), genre_partition.get(),
                          device_partition.get()}) {
    RecordInputs(inputs, partition);
    RETURN_NOT_OK(partition->Commit());
  }
  return result;
}

}  // namespace streampro::pipeline
