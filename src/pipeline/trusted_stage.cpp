#include "pipeline/trusted_stage.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "common/file.h"
#include "formats/common/key_set.h"
#include "formats/common/reject_ledger.h"
#include "formats/csv/csv_reader.h"
#include "formats/csv/dimension_schema.h"
#include "formats/jsonl/duplicate_filter.h"
#include "formats/jsonl/event_reader.h"
#include "formats/jsonl/event_schema.h"
#include "pipeline/lineage.h"
#include "pipeline/parallel_for.h"
#include "pipeline/partition_io.h"
#include "pipeline/raw_ingest.h"
#include "pipeline/read_pacer.h"
#include "pipeline/spill.h"
#include "pipeline/user_buckets.h"

namespace streampro::pipeline {

namespace {

using formats::RejectLedger;

// How far to-raw's copy may read ahead of to-trusted's parse beside it: a few chunks of
// either, far less than the page cache's inactive list even on a small machine.
constexpr int64_t kPaceWindowBytes = int64_t{256} << 20;

// Rejects are written in row groups of this many rows as they arrive.
constexpr int64_t kRejectFlushRows = 1 << 16;

// The raw file of `table` for `date`, if the raw partition exists.
Result<std::optional<std::string>> RawFilePath(const lake::Lake& lake, Table table, Date date) {
  const catalog::TableDef& raw = catalog::RawTable(table);
  ASSIGN_OR_RETURN(const auto manifest, lake::ReadManifest(lake, raw, date));
  if (!manifest) return std::optional<std::string>();
  if (manifest->files.size() != 1) {
    return Status::InvalidData(fmt::format("{}: a raw partition holds exactly one file, found {}",
                                           lake.PartitionUri(raw, date), manifest->files.size()));
  }
  return std::optional<std::string>(lake::FileUri(lake, *manifest, manifest->files[0]));
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The ids of the newest trusted snapshot of `table` at or before `date`, or an empty set;
// one dated before `date` is added to `inputs` (pipeline/lineage.h).
Result<std::shared_ptr<const formats::KeySet>> EarlierSnapshotKeys(
    const lake::Lake& lake, Table table, Date date, std::vector<InputVersion>* inputs) {
  const catalog::TableDef& trusted = catalog::TrustedTable(table);
  PublishedPartitions published(lake);
  ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> newest,
                   published.NewestAtOrBefore(trusted, date));
  if (!newest) return formats::KeySet::FromColumn(Column(TypeId::kString));
  if (newest->date < date) inputs->push_back(InputOf(trusted, *newest));
  const std::string key(trusted.key.front());
  ASSIGN_OR_RETURN(const RecordBatch ids, ReadPartition(lake, trusted, newest->date, {key}));
  return formats::KeySet::FromColumn(ids.column(0));
}

// Kept events of one file, spread over user buckets (by the parser, EventRules::Route) as
// they arrive in file order. Each bucket keeps the pieces of the chunks it was handed;
// once the buckets hold `spill_bytes` together, every bucket's pieces are appended to its
// spill file as one frame, so memory stays bounded whatever the file size.
class EventBuckets {
 public:
  EventBuckets(uint32_t buckets, std::string scratch_dir, int64_t spill_bytes,
               parquet::Compression compression, int threads)
      : buckets_(buckets),
        scratch_dir_(std::move(scratch_dir)),
        spill_bytes_(spill_bytes),
        compression_(compression),
        threads_(threads),
        pending_(buckets) {}

  // Takes the chunk's rows of each bucket (`parts`: one batch per bucket).
  Status Add(std::vector<RecordBatch>&& parts) {
    if (parts.size() != buckets_) {
      return Status::Internal(
          fmt::format("events split into {} parts for {} buckets", parts.size(), buckets_));
    }
    for (uint32_t b = 0; b < buckets_; ++b) {
      if (parts[b].num_rows() == 0) continue;
      pending_bytes_ += parts[b].ByteSize();
      pending_[b].push_back(std::move(parts[b]));
    }
    if (pending_bytes_ >= spill_bytes_) return SpillAll();
    return Status::OK();
  }

  // Every kept event of bucket `b` in file order; releases the bucket's memory. Different
  // buckets may be taken concurrently.
  Result<RecordBatch> Take(uint32_t b) {
    std::vector<RecordBatch> pending = std::move(pending_[b]);
    pending_[b].clear();
    RecordBatch out(formats::jsonl::EventsSchema());
    int64_t rows = spills_.empty() || !spills_[b] ? 0 : spills_[b]->rows();
    for (const RecordBatch& piece : pending) rows += piece.num_rows();
    out.Reserve(rows);
    if (!spills_.empty() && spills_[b]) {
      RETURN_NOT_OK(spills_[b]->ReadAllInto(&out));
      spills_[b].reset();
    }
    for (const RecordBatch& piece : pending) {
      for (int c = 0; c < out.num_columns(); ++c) out.column(c).AppendColumn(piece.column(c));
    }
    return out;
  }

  // What went to the spill files while the file was read (on disk, before compression).
  int64_t spilled_bytes() const { return spilled_bytes_; }
  int64_t spilled_raw_bytes() const { return spilled_raw_bytes_; }

 private:
  // Appends every bucket's pending pieces to its spill file, compressing the buckets on
  // `threads_` threads (each bucket has its own file).
  Status SpillAll() {
    if (spills_.empty()) {
      RETURN_NOT_OK(CreateDirectories(scratch_dir_));
      spills_.resize(buckets_);
    }
    const Status spilled = ParallelFor(buckets_, threads_, [&](size_t b) -> Status {
      if (pending_[b].empty()) return Status::OK();
      if (!spills_[b]) {
        ASSIGN_OR_RETURN(SpillFile spill,
                         SpillFile::Create(fmt::format("{}/bucket-{:05d}.spill", scratch_dir_, b),
                                           formats::jsonl::EventsSchema(), compression_));
        spills_[b] = std::make_unique<SpillFile>(std::move(spill));
      }
      RETURN_NOT_OK(spills_[b]->Append(pending_[b]));
      pending_[b].clear();
      return Status::OK();
    });
    RETURN_NOT_OK(spilled);
    pending_bytes_ = 0;
    spilled_bytes_ = 0;
    spilled_raw_bytes_ = 0;
    for (const auto& spill : spills_) {
      if (!spill) continue;
      spilled_bytes_ += spill->bytes();
      spilled_raw_bytes_ += spill->raw_bytes();
    }
    return Status::OK();
  }
  uint32_t buckets_;
  std::string scratch_dir_;
  int64_t spill_bytes_;
  parquet::Compression compression_;
  int threads_;
  int64_t pending_bytes_ = 0;
  int64_t spilled_bytes_ = 0;
  int64_t spilled_raw_bytes_ = 0;
  std::vector<std::vector<RecordBatch>> pending_;
  std::vector<std::unique_ptr<SpillFile>> spills_;
};

// Streams reject rows into the _rejects partition's single part file.
class RejectWriter {
 public:
  static Result<RejectWriter> Open(lake::PartitionWriter* partition,
                                   const parquet::WriterOptions& options) {
    const std::string name = PartFileName(0);
    ASSIGN_OR_RETURN(OutputStream * stream, partition->CreateFile(name));
    ASSIGN_OR_RETURN(auto writer,
                     parquet::FileWriter::Open(
                         stream, RejectLedger::LedgerSchema(),
                         WithFieldIds(options, partition->table(), *RejectLedger::LedgerSchema())));
    return RejectWriter(partition, name, std::move(writer));
  }

  Status Add(const RejectLedger& rejects) {
    pending_.AppendAll(rejects);
    if (pending_.num_rows() >= kRejectFlushRows) return Flush();
    return Status::OK();
  }

  Status Close() {
    RETURN_NOT_OK(Flush());
    RETURN_NOT_OK(writer_->Close());
    return partition_->CloseFile(name_, rows_);
  }

  int64_t rows() const { return rows_ + pending_.num_rows(); }

 private:
  RejectWriter(lake::PartitionWriter* partition, std::string name,
               std::unique_ptr<parquet::FileWriter> writer)
      : partition_(partition), name_(std::move(name)), writer_(std::move(writer)) {}

  Status Flush() {
    if (pending_.num_rows() == 0) return Status::OK();
    RETURN_NOT_OK(writer_->WriteBatch(pending_.batch()));
    rows_ += pending_.num_rows();
    pending_.Clear();
    return Status::OK();
  }

  lake::PartitionWriter* partition_;
  std::string name_;
  std::unique_ptr<parquet::FileWriter> writer_;
  RejectLedger pending_;
  int64_t rows_ = 0;
};

// Which file a local path names, and its last change: any write, truncation, rename over
// it or change of its times gives another value (the change time cannot be set back).
struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t change_ns = 0;
  int64_t size = 0;
  bool operator==(const FileIdentity&) const = default;
};

Result<FileIdentity> IdentityOf(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return Status::IOError(fmt::format("{}: cannot stat: {}", path, std::strerror(errno)));
  }
  return FileIdentity{static_cast<uint64_t>(info.st_dev), static_cast<uint64_t>(info.st_ino),
                      int64_t{info.st_ctim.tv_sec} * 1'000'000'000 + info.st_ctim.tv_nsec,
                      static_cast<int64_t>(info.st_size)};
}

// A landing file read in place of its raw copy, and its identity when it was opened.
struct LandingRead {
  LandingFile file;
  std::string path;
  FileIdentity identity;
};

// A raw file of D, opened through MonitorReads; `landing` is set when the bytes are read
// from the landing file the raw file was copied from.
struct RawInput {
  Table table;
  std::string path;
  std::shared_ptr<RandomAccessFile> file;
  std::optional<LandingRead> landing;
};

// A file read under another name: the landing copy of a raw file keeps the raw file's
// name, which the rejects record.
class RenamedFile final : public RandomAccessFile {
 public:
  RenamedFile(std::unique_ptr<RandomAccessFile> file, std::string name)
      : file_(std::move(file)), name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  int64_t size() const override { return file_->size(); }
  Status ReadAt(int64_t offset, int64_t length, std::string* out) const override {
    return file_->ReadAt(offset, length, out);
  }
  Result<int64_t> ReadInto(int64_t offset, std::span<char> out) const override {
    return file_->ReadInto(offset, out);
  }

 private:
  std::unique_ptr<RandomAccessFile> file_;
  std::string name_;
};

// Whether the committed raw partition of `table` for `date` still holds `file` as it is
// now in the landing store (RawCopyMatches).
Result<bool> LandingStillMatches(const lake::Lake& lake, const LandingInventory& inventory,
                                 const LandingFile& file, Date date) {
  ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> manifest,
                   lake::ReadManifest(lake, catalog::RawTable(file.table), date));
  if (!manifest) return false;
  ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> info, inventory.store->Head(file.key));
  return info.has_value() && RawCopyMatches(*manifest, file, *info);
}

// The landing file of `table` in `inventory`, or null.
const LandingFile* TakenFile(const LandingInventory& inventory, Table table) {
  const auto file = std::find_if(inventory.taken.begin(), inventory.taken.end(),
                                 [&](const LandingFile& f) { return f.table == table; });
  return file == inventory.taken.end() ? nullptr : &*file;
}

// The local landing file of `table` that D's raw partition was copied from, if it still
// matches, opened under the raw file's name `raw_path`; else null. With `raw_beside`
// (to-raw of D is still copying it) the match is not checked here: the caller checks it
// once to-raw has committed. The file's identity must be the same before and after the
// open, so the open file is the one checked.
Result<std::unique_ptr<RandomAccessFile>> OpenLandingCopy(
    const lake::Lake& lake, const LandingInventory& inventory, Table table, Date date,
    const std::string& raw_path, bool raw_beside, std::optional<LandingRead>* used) {
  const LandingFile* file = TakenFile(inventory, table);
  if (file == nullptr) return std::unique_ptr<RandomAccessFile>();
  const std::optional<std::string> local = inventory.store->LocalPath(file->key);
  if (!local) return std::unique_ptr<RandomAccessFile>();
  ASSIGN_OR_RETURN(const FileIdentity before, IdentityOf(*local));
  if (!raw_beside) {
    ASSIGN_OR_RETURN(const bool matches, LandingStillMatches(lake, inventory, *file, date));
    if (!matches) return std::unique_ptr<RandomAccessFile>();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> opened, inventory.store->OpenRead(file->key));
  ASSIGN_OR_RETURN(const FileIdentity after, IdentityOf(*local));
  if (after != before) return std::unique_ptr<RandomAccessFile>();
  *used = LandingRead{*file, *local, after};
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<RenamedFile>(std::move(opened), raw_path));
}

struct DimensionOutcome {
  Table table;
  std::string source_file;
  formats::csv::DimensionTable data;
};

// to-raw of D, running on another thread beside to-trusted (IngestRawBesideTrusted).
struct RawBeside {
  // Waits for to-raw to finish and returns its status.
  std::function<Status()> finish;
  // Set once to-raw has failed: to-trusted stops at its next chunk or bucket (its own
  // outcome no longer matters; to-raw's error is the run's).
  const std::atomic<bool>* failed = nullptr;
};

// RawToTrusted; with `beside`, to-raw of D runs on another thread and copies the taken
// landing files (all local) while this reads them. beside->finish() is called before
// anything is published.
Result<TrustedResult> ToTrusted(const lake::LakeLock& lock, Date date, const StageOptions& options,
                                const LandingInventory* landing, const RawBeside* beside) {
  RETURN_NOT_OK(options.Validate());
  const lake::Lake& lake = lock.lake();
  const int threads = options.ResolvedThreads();
  const parquet::WriterOptions parquet_options = options.ParquetOptions();
  const bool raw_beside = beside != nullptr;
  // Between chunks and buckets: the run cancelled, or to-raw beside this failed.
  const auto check_stop = [&]() -> Status {
    RETURN_NOT_OK(options.control.CheckCancelled());
    if (raw_beside && beside->failed->load(std::memory_order_relaxed)) {
      return Status::Cancelled("to-raw failed");
    }
    return Status::OK();
  };

  // The raw files of D, opened first so that progress knows the bytes to read; reads
  // count into it and stop once the run is cancelled.
  std::vector<RawInput> inputs;
  int64_t input_bytes = 0;
  for (const Table table : kAllTables) {
    std::optional<std::string> path;
    const LandingFile* taken = landing != nullptr ? TakenFile(*landing, table) : nullptr;
    if (raw_beside && taken != nullptr) {
      // Where to-raw is publishing it (checked against its manifest before the commit).
      path = RawFileUri(lake, *taken, date);
    } else {
      ASSIGN_OR_RETURN(path, RawFilePath(lake, table, date));
    }
    if (!path) continue;
    std::unique_ptr<RandomAccessFile> opened;
    std::optional<LandingRead> used;
    if (landing != nullptr) {
      ASSIGN_OR_RETURN(opened,
                       OpenLandingCopy(lake, *landing, table, date, *path, raw_beside, &used));
    }
    if (!opened && raw_beside && taken != nullptr) {
      return Status::IOError(fmt::format(
          "{}: the landing file changed while to-trusted opened it; nothing was published, run "
          "the pipeline again",
          taken->path));
    }
    if (!opened) {
      ASSIGN_OR_RETURN(opened, lake.OpenRead(*path));
    }
    input_bytes += opened->size();
    inputs.push_back(
        RawInput{table, *path, MonitorReads(std::move(opened), options.control), std::move(used)});
  }
  options.control.StartPhase("reading raw files", ProgressUnit::kBytes, input_bytes);
  const auto find_input = [&](Table table) -> const RawInput* {
    for (const auto& input : inputs) {
      if (input.table == table) return &input;
    }
    return nullptr;
  };

  // Dimensions of D: read them all before anything is staged, so a bad header fails the
  // run before it writes.
  std::vector<DimensionOutcome> dimensions;
  for (const Table table : {Table::kUsers, Table::kVideos, Table::kDevices}) {
    const RawInput* input = find_input(table);
    if (input == nullptr) continue;
    const std::string& path = input->path;
    const std::shared_ptr<RandomAccessFile>& file = input->file;
    formats::csv::CsvReadOptions csv_options;
    csv_options.chunking.threads = threads;
    ASSIGN_OR_RETURN(formats::csv::DimensionTable data,
                     formats::csv::ReadDimensionCsv(*file, table, csv_options));
    RETURN_NOT_OK(data.counters.CheckInvariant(path));
    dimensions.push_back(DimensionOutcome{table, BaseName(path), std::move(data)});
  }
  const auto find_dimension = [&](Table table) -> const DimensionOutcome* {
    for (const auto& d : dimensions) {
      if (d.table == table) return &d;
    }
    return nullptr;
  };

  TrustedResult result;
  std::vector<std::unique_ptr<lake::PartitionWriter>> partitions;
  ASSIGN_OR_RETURN(
      auto rejects_partition,
      lake::PartitionWriter::Begin(lock, catalog::Get(catalog::TableId::kTrustedRejects), date));
  ASSIGN_OR_RETURN(RejectWriter rejects,
                   RejectWriter::Open(rejects_partition.get(), parquet_options));

  for (const DimensionOutcome& d : dimensions) {
    ASSIGN_OR_RETURN(auto partition,
                     lake::PartitionWriter::Begin(lock, catalog::TrustedTable(d.table), date));
    RETURN_NOT_OK(WriteParquetFile(partition.get(), PartFileName(0), d.data.rows, parquet_options));
    partition->set_source_file(d.source_file);
    partition->set_counters(d.data.counters);
    RETURN_NOT_OK(rejects.Add(d.data.rejects));
    partitions.push_back(std::move(partition));
    result.tables.push_back(TrustedTableResult{d.table, d.source_file, d.data.counters});
  }

  // Events of D.
  if (const RawInput* events_input = find_input(Table::kEvents)) {
    const std::string& events_path = events_input->path;
    formats::jsonl::EventReadOptions read_options;
    read_options.chunking.threads = threads;
    read_options.drop_duplicates = false;
    std::vector<InputVersion> check_inputs;
    if (const auto* users = find_dimension(Table::kUsers)) {
      read_options.known_users = formats::KeySet::FromColumn(users->data.rows.column(0));
    } else {
      ASSIGN_OR_RETURN(read_options.known_users,
                       EarlierSnapshotKeys(lake, Table::kUsers, date, &check_inputs));
    }
    if (const auto* videos = find_dimension(Table::kVideos)) {
      read_options.known_videos = formats::KeySet::FromColumn(videos->data.rows.column(0));
    } else {
      ASSIGN_OR_RETURN(read_options.known_videos,
                       EarlierSnapshotKeys(lake, Table::kVideos, date, &check_inputs));
    }
    const std::shared_ptr<RandomAccessFile>& file = events_input->file;

    // A bucket in memory (columns plus duplicate keys) takes about as many bytes as its
    // JSON, and `threads` buckets are worked on at once; half the budget goes to them.
    const int64_t bucket_json_bytes =
        std::max<int64_t>(int64_t{8} << 20, options.memory_budget_bytes / (2 * threads));
    const uint32_t buckets = BucketCountFor(
        static_cast<uint64_t>((file->size() + bucket_json_bytes - 1) / bucket_json_bytes));
    EventBuckets event_buckets(
        buckets, lock.NewScratchPath(fmt::format("scratch.events.{}", FormatIsoDate(date))),
        options.memory_budget_bytes / 4, options.spill_compression, threads);
    read_options.route.parts = buckets;
    // Each chunk's rows are spread over every bucket: with many buckets the chunks grow,
    // so that a bucket's piece of a chunk keeps a few hundred rows (64 KiB of JSON each)
    // instead of a handful, each piece a batch of its own. The chunks in flight (and the
    // one being cut) hold a quarter of the memory budget at most.
    const int64_t in_flight = read_options.chunking.ResolvedMaxInFlight() + 1;
    read_options.chunking.chunk_bytes = std::max(
        read_options.chunking.chunk_bytes, std::min(int64_t{buckets} * (int64_t{64} << 10),
                                                    options.memory_budget_bytes / (4 * in_flight)));
    read_options.route.part_of = [buckets](std::string_view user_id) {
      return UserBucket(user_id, buckets);
    };
    ASSIGN_OR_RETURN(FileCounters counters,
                     formats::jsonl::ReadEvents(
                         *file, read_options, [&](formats::jsonl::EventChunk&& chunk) -> Status {
                           RETURN_NOT_OK(check_stop());
                           options.control.Add(0, chunk.counters.rows_in);
                           RETURN_NOT_OK(rejects.Add(chunk.rejects));
                           return event_buckets.Add(std::move(chunk.kept_parts));
                         }));

    // Each bucket: drop exact duplicates (first occurrence in file order wins), write it.
    ASSIGN_OR_RETURN(auto partition, lake::PartitionWriter::Begin(
                                         lock, catalog::TrustedTable(Table::kEvents), date));
    std::vector<int64_t> duplicates(buckets, 0);
    std::vector<int64_t> kept_rows(buckets, 0);
    options.control.StartPhase("deduplicating and writing events", ProgressUnit::kBuckets, buckets);
    // Buckets touch disjoint state, so they can be taken concurrently.
    const Status buckets_written = ParallelFor(buckets, threads, [&](size_t b) -> Status {
      RETURN_NOT_OK(check_stop());
      ASSIGN_OR_RETURN(RecordBatch events, event_buckets.Take(static_cast<uint32_t>(b)));
      ASSIGN_OR_RETURN(duplicates[b], formats::jsonl::DropDuplicateRows(&events));
      kept_rows[b] = events.num_rows();
      if (events.num_rows() > 0 || (b == 0 && buckets == 1)) {
        RETURN_NOT_OK(WriteParquetFile(partition.get(), PartFileName(static_cast<uint32_t>(b)),
                                       events, parquet_options));
      }
      options.control.Add(1, events.num_rows());
      return Status::OK();
    });
    RETURN_NOT_OK(buckets_written);
    int64_t total_duplicates = 0;
    int64_t total_kept = 0;
    for (uint32_t b = 0; b < buckets; ++b) {
      total_duplicates += duplicates[b];
      total_kept += kept_rows[b];
    }
    if (total_kept == 0 && buckets > 1) {
      // Keep the schema visible: an empty partition still has one (empty) file.
      RETURN_NOT_OK(WriteParquetFile(partition.get(), PartFileName(0),
                                     RecordBatch(formats::jsonl::EventsSchema()), parquet_options));
    }
    counters.rows_kept -= total_duplicates;
    counters.rows_duplicate += total_duplicates;
    if (counters.rows_kept != total_kept) {
      return Status::Internal(fmt::format("{}: kept {} events but wrote {}", events_path,
                                          counters.rows_kept, total_kept));
    }
    RETURN_NOT_OK(counters.CheckInvariant(events_path));
    partition->set_source_file(BaseName(events_path));
    partition->set_counters(counters);
    SetBucketProperties(buckets, partition.get());
    RecordInputs(check_inputs, partition.get());
    partitions.push_back(std::move(partition));
    result.tables.push_back(TrustedTableResult{Table::kEvents, BaseName(events_path), counters});
    result.event_buckets = buckets;
    result.spill_bytes = event_buckets.spilled_bytes();
    result.spill_raw_bytes = event_buckets.spilled_raw_bytes();
  }

  RETURN_NOT_OK(rejects.Close());
  result.rejects = rejects.rows();
  int64_t expected_rejects = 0;
  for (const auto& t : result.tables) expected_rejects += t.counters.rows_rejected;
  if (expected_rejects != result.rejects) {
    return Status::Internal(fmt::format("trusted {}: counters say {} rejects, the table holds {}",
                                        FormatIsoDate(date), expected_rejects, result.rejects));
  }
  partitions.push_back(std::move(rejects_partition));
  if (raw_beside) RETURN_NOT_OK(beside->finish());
  // Bytes read from a landing file are the raw copy's only if the file is still the one
  // that was copied, unchanged since it was opened.
  for (const RawInput& input : inputs) {
    if (!input.landing) continue;
    if (raw_beside) {
      ASSIGN_OR_RETURN(const std::optional<std::string> committed,
                       RawFilePath(lake, input.table, date));
      if (committed != input.path) {
        return Status::Internal(fmt::format("{}: to-raw published {} instead", input.path,
                                            committed.value_or("nothing")));
      }
    }
    ASSIGN_OR_RETURN(const bool matches,
                     LandingStillMatches(lake, *landing, input.landing->file, date));
    ASSIGN_OR_RETURN(const FileIdentity now, IdentityOf(input.landing->path));
    if (!matches || now != input.landing->identity) {
      return Status::IOError(fmt::format(
          "{}: the landing file changed while to-trusted read it in place of its raw copy {}; "
          "nothing was published, run the pipeline again",
          input.landing->file.path, input.path));
    }
  }
  // Every partition is staged and verified; publish each in one step. A cancellation is
  // honoured before the first commit, never between two: the date's trusted partitions
  // are published together or not at all.
  RETURN_NOT_OK(options.control.CheckCancelled());
  for (auto& partition : partitions) RETURN_NOT_OK(partition->Commit());
  return result;
}

}  // namespace

Result<TrustedResult> RawToTrusted(const lake::LakeLock& lock, Date date,
                                   const StageOptions& options, const LandingInventory* landing) {
  return ToTrusted(lock, date, options, landing, nullptr);
}

namespace {

// Releases the pacer's leader (the copy) and joins its thread: on Join(), or when it goes
// out of scope.
class CopierJoin {
 public:
  CopierJoin(const ReadPacer& pacer, std::thread& thread) : pacer_(pacer), thread_(thread) {}
  ~CopierJoin() { Join(); }
  CopierJoin(const CopierJoin&) = delete;
  CopierJoin& operator=(const CopierJoin&) = delete;
  void Join() {
    pacer_.ReleaseLeader();
    if (thread_.joinable()) thread_.join();
  }

 private:
  const ReadPacer& pacer_;
  std::thread& thread_;
};

}  // namespace

bool CanIngestRawBesideTrusted(const lake::LakeLock& lock, const LandingInventory& inventory) {
  return !lock.remote() &&
         std::all_of(inventory.taken.begin(), inventory.taken.end(), [&](const LandingFile& file) {
           return inventory.store->LocalPath(file.key).has_value();
         });
}

RawAndTrustedResult IngestRawBesideTrusted(const lake::LakeLock& lock,
                                           const LandingInventory& inventory, Date date,
                                           const StageOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  RawAndTrustedResult result;
  if (!CanIngestRawBesideTrusted(lock, inventory)) {
    result.raw = Status::InvalidArgument(
        "to-raw beside to-trusted needs a local lake and local landing files");
    result.trusted = result.raw.status();
    return result;
  }
  // The copy reads each file at most kPaceWindowBytes ahead of the parse, so the parse
  // finds the copy's pages in the page cache (read_pacer.h).
  const ReadPacer pacer(kPaceWindowBytes);
  LandingInventory copied = inventory;
  copied.store = pacer.Leader(inventory.store);
  LandingInventory parsed = inventory;
  parsed.store = pacer.Follower(inventory.store);
  // to-raw reports no progress of its own (the display follows to-trusted's reads of the
  // same files) and stops when the run is cancelled.
  const RunControl raw_control{nullptr, options.control.cancellation};
  std::atomic<bool> raw_failed{false};
  std::thread copier([&] {
    try {
      result.raw = IngestRaw(lock, copied, date, raw_control);
    } catch (const std::exception& e) {
      // As the application does for the other stages: a bug or memory exhaustion.
      result.raw = Status::Internal(fmt::format("internal error in to-raw: {}", e.what()));
    }
    result.raw_seconds = std::chrono::steady_clock::now() - start;
    if (!result.raw.ok()) raw_failed.store(true, std::memory_order_relaxed);
  });
  // Joined on every way out, an exception's included; the copy is released first, so it
  // never waits for a parse that has stopped.
  CopierJoin join(pacer, copier);
  const RawBeside beside{[&] {
                           join.Join();
                           return result.raw.status();
                         },
                         &raw_failed};
  result.trusted = ToTrusted(lock, date, options, &parsed, &beside);
  join.Join();
  // to-raw's error comes first, as when the stages run one after the other.
  if (!result.raw.ok()) result.trusted = result.raw.status();
  return result;
}

}  // namespace streampro::pipeline
