#include "lake/partition_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <thread>

#include "common/file.h"
#include "lake/durable_fs.h"
#include "lake/layout.h"
#include "lake/object_publish.h"
#include "lake/sha256.h"
#include "storage/s3_store.h"
#include "streampro/object_store.h"
#include "streampro/parquet.h"

namespace streampro::lake {

namespace {

// -1: no crash point; else a CommitStep. Read once from the environment.
std::atomic<int> crash_point{-2};

int CrashPoint() {
  int point = crash_point.load();
  if (point != -2) return point;
  point = -1;
  if (const char* text = std::getenv("LAKE_TEST_CRASH_AFTER")) {
    const std::string_view name(text);
    if (name == "files_verified") point = static_cast<int>(CommitStep::kFilesVerified);
    if (name == "manifest_written") point = static_cast<int>(CommitStep::kManifestWritten);
    if (name == "moved_aside") point = static_cast<int>(CommitStep::kMovedAside);
    if (name == "published") point = static_cast<int>(CommitStep::kPublished);
  }
  int expected = -2;
  crash_point.compare_exchange_strong(expected, point);
  return crash_point.load();
}

void MaybeCrash(CommitStep step) {
  if (CrashPoint() == static_cast<int>(step)) ::_exit(kCrashExitCode);
}

void CrashIfMovedAside() {
  MaybeCrash(CommitStep::kMovedAside);
}

std::string UtcNowIso() {
  const auto now = std::chrono::system_clock::now();
  const int64_t micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:06}Z", stamp, micros % 1'000'000);
}

Status ValidateFileName(const std::string& name) {
  if (name.empty() || name.front() == '_' || name.front() == '.' ||
      name.find('/') != std::string::npos) {
    return Status::InvalidArgument(fmt::format(
        "invalid partition file name '{}' (plain name, not starting with '_' or '.')", name));
  }
  return Status::OK();
}

// Writes of at least this size hash on a second thread while write(2) runs.
constexpr size_t kParallelHashBytes = size_t{2} << 20;

}  // namespace

/// A staged object that hashes and counts what is written to it.
class PartitionWriter::HashingFile final : public OutputStream {
 public:
  HashingFile(std::string uri, std::unique_ptr<storage::ObjectWriter> sink, Sha256 hasher)
      : uri_(std::move(uri)), sink_(std::move(sink)), hasher_(std::move(hasher)) {}

  Status Write(std::string_view bytes) override {
    if (!sink_) return Status::Internal(fmt::format("{}: write after close", uri_));
    if (bytes.size() < kParallelHashBytes) {
      hasher_.Update(bytes);
      return sink_->Write(bytes);
    }
    std::thread hashing([this, bytes] { hasher_.Update(bytes); });
    const Status written = sink_->Write(bytes);
    hashing.join();
    return written;
  }
  int64_t position() const override { return bytes_written(); }

  /// Completes the object (local: fsync and close; S3: the upload); the entry's bytes and
  /// sha256.
  Result<FileEntry> Close(const std::string& name) {
    if (!sink_) return Status::Internal(fmt::format("{}: closed twice", uri_));
    const int64_t bytes = sink_->position();
    const std::unique_ptr<storage::ObjectWriter> sink = std::move(sink_);
    RETURN_NOT_OK(sink->Close());
    FileEntry entry;
    entry.name = name;
    entry.bytes = bytes;
    entry.sha256 = hasher_.FinishHex();
    closed_bytes_ = bytes;
    return entry;
  }

 private:
  int64_t bytes_written() const { return sink_ ? sink_->position() : closed_bytes_; }

  std::string uri_;
  std::unique_ptr<storage::ObjectWriter> sink_;
  Sha256 hasher_;
  int64_t closed_bytes_ = 0;
};

void SetCrashPointForTesting(std::optional<CommitStep> step) {
  crash_point = step ? static_cast<int>(*step) : -1;
}

void ForceRenameAsideForTesting(bool force) {
  internal::ForceRenameAsideForTesting(force);
}

PartitionWriter::PartitionWriter(const LakeLock& lock, std::string layer, std::string table,
                                 Date date, std::string staging_dir, std::string partition_dir)
    : lock_(lock),
      layer_(std::move(layer)),
      table_(std::move(table)),
      date_(date),
      staging_dir_(std::move(staging_dir)),
      partition_dir_(std::move(partition_dir)) {}

PartitionWriter::~PartitionWriter() {
  if (committed_) return;
  files_.clear();  // closes open descriptors, aborts open uploads
  if (!lock_.remote()) {
    std::error_code ec;
    std::filesystem::remove_all(staging_dir_, ec);
    return;
  }
  // Objects written in place belong to no manifest; the next run settles them if this fails.
  bool completed = false;
  (void)internal::SettlePartition(lock_.root(), internal::RelativeKey(lock_.root(), partition_dir_),
                                  internal::RelativeKey(lock_.root(), staging_dir_), &completed);
}

Result<std::unique_ptr<PartitionWriter>> PartitionWriter::Begin(const LakeLock& lock,
                                                                std::string layer,
                                                                std::string table, Date date) {
  RETURN_NOT_OK(ValidateLocation(layer, table));
  const std::string label =
      fmt::format("{}.{}.{}", layer, table.empty() ? "_" : table, FormatIsoDate(date));
  std::string staging_dir = lock.NewStagingPath(label);
  std::string partition_dir = PartitionDir(lock.root(), layer, table, date);
  bool in_place = false;
  if (lock.remote()) {
    // A partition never published is written in place: no manifest names its objects until
    // Commit. One that exists is staged, so its published version stays readable.
    ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> manifest,
                     storage::HeadObject(storage::JoinUri(partition_dir, kManifestFileName)));
    in_place = !manifest.has_value();
    RETURN_NOT_OK(
        internal::WriteIntent(staging_dir, internal::RelativeKey(lock.root(), partition_dir)));
  } else {
    RETURN_NOT_OK(CreateDirectories(staging_dir));
  }
  auto writer = std::unique_ptr<PartitionWriter>(
      new PartitionWriter(lock, std::move(layer), std::move(table), date, std::move(staging_dir),
                          std::move(partition_dir)));
  writer->in_place_ = in_place;
  return writer;
}

std::string PartitionWriter::ObjectUri(const std::string& name) const {
  return fmt::format("{}/{}", in_place_ ? partition_dir_ : staging_dir_, name);
}

Result<OutputStream*> PartitionWriter::CreateFile(const std::string& name) {
  RETURN_NOT_OK(ValidateFileName(name));
  const std::string uri = ObjectUri(name);
  std::lock_guard guard(mutex_);
  if (committed_) return Status::Internal(fmt::format("{}: partition already committed", uri));
  if (files_.contains(name)) {
    return Status::InvalidArgument(fmt::format("{}: file created twice", uri));
  }
  ASSIGN_OR_RETURN(Sha256 hasher, Sha256::Make());
  ASSIGN_OR_RETURN(const storage::ObjectRef ref, storage::Resolve(uri));
  ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectWriter> sink, ref.store->OpenWrite(ref.key));
  StagedFile& file = files_[name];
  file.stream = std::make_unique<HashingFile>(uri, std::move(sink), std::move(hasher));
  return static_cast<OutputStream*>(file.stream.get());
}

Status PartitionWriter::CloseFile(const std::string& name, std::optional<int64_t> rows) {
  HashingFile* stream = nullptr;
  {
    std::lock_guard guard(mutex_);
    auto it = files_.find(name);
    if (it == files_.end()) {
      return Status::Internal(
          fmt::format("{}/{}: closing a file never created", staging_dir_, name));
    }
    if (it->second.closed) {
      return Status::Internal(fmt::format("{}/{}: closed twice", staging_dir_, name));
    }
    stream = it->second.stream.get();
  }
  // The stream belongs to the calling thread; fsync outside the lock.
  ASSIGN_OR_RETURN(FileEntry entry, stream->Close(name));
  entry.rows = rows;
  std::lock_guard guard(mutex_);
  StagedFile& file = files_[name];
  file.closed = true;
  file.entry = std::move(entry);
  return Status::OK();
}

Result<bool> PartitionWriter::CopyFileFrom(const std::string& name, const std::string& source_uri,
                                           const storage::ObjectInfo& source) {
  RETURN_NOT_OK(ValidateFileName(name));
  constexpr int64_t kMaxCopyObjectBytes = int64_t{5} << 30;
  if (!lock_.remote() || !storage::IsS3Uri(source_uri) || source.size > kMaxCopyObjectBytes) {
    return false;
  }
  const std::string uri = ObjectUri(name);
  {
    std::lock_guard guard(mutex_);
    if (files_.contains(name)) {
      return Status::InvalidArgument(fmt::format("{}: file created twice", uri));
    }
  }
  ASSIGN_OR_RETURN(const storage::ObjectRef from, storage::Resolve(source_uri));
  ASSIGN_OR_RETURN(const storage::ObjectRef to, storage::Resolve(uri));
  ASSIGN_OR_RETURN(const bool copied, storage::TryServerSideCopy(from, to, source.etag));
  if (!copied) return false;

  // Read the copy back once: the SHA-256 is the raw layer's checksum, and the read proves
  // the copy complete. The next range is fetched while the current one is hashed.
  ASSIGN_OR_RETURN(Sha256 hasher, Sha256::Make());
  ASSIGN_OR_RETURN(const std::shared_ptr<RandomAccessFile> copy, to.store->OpenRead(to.key));
  constexpr int64_t kChunk = int64_t{8} << 20;
  const auto fetch = [&copy](int64_t offset) {
    std::string bytes;
    Status status = copy->ReadAt(offset, kChunk, &bytes);
    return std::make_pair(std::move(status), std::move(bytes));
  };
  std::future<std::pair<Status, std::string>> next;
  if (copy->size() > 0) next = std::async(std::launch::async, fetch, int64_t{0});
  for (int64_t offset = 0; offset < copy->size(); offset += kChunk) {
    auto [status, bytes] = next.get();
    RETURN_NOT_OK(status);
    if (offset + kChunk < copy->size()) {
      next = std::async(std::launch::async, fetch, offset + kChunk);
    }
    hasher.Update(bytes);
  }
  if (copy->size() != source.size) {
    return Status::IOError(fmt::format("{}: server-side copy of {} gave {} bytes, expected {}", uri,
                                       source_uri, copy->size(), source.size));
  }
  std::lock_guard guard(mutex_);
  StagedFile& file = files_[name];
  file.closed = true;
  file.entry.name = name;
  file.entry.bytes = copy->size();
  file.entry.sha256 = hasher.FinishHex();
  return true;
}

void PartitionWriter::set_source_file(std::string name) {
  std::lock_guard guard(mutex_);
  manifest_.source_file = std::move(name);
}

void PartitionWriter::set_counters(const formats::FileCounters& counters) {
  std::lock_guard guard(mutex_);
  manifest_.counters = counters;
}

void PartitionWriter::set_property(std::string key, std::string value) {
  std::lock_guard guard(mutex_);
  manifest_.properties[std::move(key)] = std::move(value);
}

Status PartitionWriter::VerifyStagedFiles() {
  for (auto& [name, file] : files_) {
    const std::string uri = ObjectUri(name);
    if (!file.closed) {
      return Status::Internal(fmt::format("{}: created but never closed before Commit", uri));
    }
    ASSIGN_OR_RETURN(const storage::ObjectRef ref, storage::Resolve(uri));
    ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> info, ref.store->Head(ref.key));
    if (!info) return Status::IOError(fmt::format("{}: written but not found", uri));
    if (info->size != file.entry.bytes) {
      return Status::IOError(
          fmt::format("{}: {} bytes stored, {} written", uri, info->size, file.entry.bytes));
    }
    if (name.ends_with(".parquet")) {
      ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> input, ref.store->OpenRead(ref.key));
      ASSIGN_OR_RETURN(const auto reader, parquet::FileReader::Open(
                                              std::shared_ptr<RandomAccessFile>(std::move(input))));
      if (!file.entry.rows) {
        file.entry.rows = reader->num_rows();
      } else if (*file.entry.rows != reader->num_rows()) {
        return Status::InvalidData(fmt::format("{}: footer says {} rows, the writer declared {}",
                                               uri, reader->num_rows(), *file.entry.rows));
      }
    }
  }
  if (manifest_.counters) {
    const Status invariant =
        manifest_.counters->CheckInvariant(manifest_.source_file.value_or("(no source file)"));
    if (!invariant.ok()) {
      return Status::Internal(
          fmt::format("{}/{} {}: {}", layer_, table_, FormatIsoDate(date_), invariant.message()));
    }
  }
  return Status::OK();
}

Status PartitionWriter::Commit() {
  std::lock_guard guard(mutex_);
  if (committed_) return Status::Internal(fmt::format("{}: committed twice", partition_dir_));
  RETURN_NOT_OK(VerifyStagedFiles());
  MaybeCrash(CommitStep::kFilesVerified);

  manifest_.layer = layer_;
  manifest_.table = table_;
  manifest_.date = date_;
  manifest_.run_id = lock_.run_id();
  manifest_.committed_at = UtcNowIso();
  manifest_.files.clear();
  for (const auto& [name, file] : files_) manifest_.files.push_back(file.entry);
  if (lock_.remote()) return CommitToObjectStore();

  RETURN_NOT_OK(WriteFileAtomically(fmt::format("{}/{}", staging_dir_, kManifestFileName),
                                    manifest_.ToJson()));
  RETURN_NOT_OK(internal::FsyncDirectory(staging_dir_));
  MaybeCrash(CommitStep::kManifestWritten);

  const std::string table_dir = TableDir(lock_.root(), layer_, table_);
  RETURN_NOT_OK(CreateDirectories(table_dir));
  const std::string aside = lock_.NewStagingPath(fmt::format(
      "previous.{}.{}.{}", layer_, table_.empty() ? "_" : table_, FormatIsoDate(date_)));
  ASSIGN_OR_RETURN(const internal::PublishResult published,
                   internal::PublishFolder(lock_.root(), staging_dir_, partition_dir_, aside,
                                           aside + std::string(internal::kRecoveryMarkerSuffix),
                                           &CrashIfMovedAside));
  committed_ = true;
  // Make the new entry durable, and the folders above it when they were just created.
  RETURN_NOT_OK(internal::FsyncDirectory(table_dir));
  if (!table_.empty()) {
    RETURN_NOT_OK(internal::FsyncDirectory(fmt::format("{}/{}", lock_.root(), layer_)));
  }
  RETURN_NOT_OK(internal::FsyncDirectory(lock_.root()));
  MaybeCrash(CommitStep::kPublished);
  files_.clear();
  if (!published.previous_version.empty()) {
    // The new version is live; an old one that cannot be removed now is removed by the
    // next run's LakeLock::Acquire, so this is not an error.
    (void)internal::RemoveTree(published.previous_version);
  }
  return Status::OK();
}

Status PartitionWriter::CommitToObjectStore() {
  // The manifest names where the bytes are now: in place, or this run's staged objects.
  PartitionManifest visible = manifest_;
  if (!in_place_) {
    for (FileEntry& file : visible.files) {
      file.object = internal::RelativeKey(lock_.root(), ObjectUri(file.name));
    }
  }
  RETURN_NOT_OK(storage::WriteObject(fmt::format("{}/{}", partition_dir_, kManifestFileName),
                                     visible.ToJson()));
  committed_ = true;
  files_.clear();
  MaybeCrash(CommitStep::kPublished);
  // Copy staged objects into place, rewrite the manifest, drop what the previous version
  // left. A failure here leaves a complete, readable partition that the next run finishes.
  bool completed = false;
  return internal::SettlePartition(
      lock_.root(), internal::RelativeKey(lock_.root(), partition_dir_),
      internal::RelativeKey(lock_.root(), staging_dir_), &completed, &CrashIfMovedAside);
}

Status DropPartition(const LakeLock& lock, std::string_view layer, std::string_view table,
                     Date date) {
  RETURN_NOT_OK(ValidateLocation(layer, table));
  const std::string partition_dir = PartitionDir(lock.root(), layer, table, date);
  if (lock.remote()) {
    const std::string manifest = fmt::format("{}/{}", partition_dir, kManifestFileName);
    ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> exists,
                     storage::HeadObject(manifest));
    if (!exists) return Status::OK();
    const std::string staging = lock.NewStagingPath(
        fmt::format("dropped.{}.{}.{}", layer, table.empty() ? "_" : table, FormatIsoDate(date)));
    const std::string partition_key = internal::RelativeKey(lock.root(), partition_dir);
    RETURN_NOT_OK(internal::WriteIntent(staging, partition_key));
    ASSIGN_OR_RETURN(const storage::ObjectRef ref, storage::Resolve(manifest));
    RETURN_NOT_OK(ref.store->Delete(ref.key));
    MaybeCrash(CommitStep::kPublished);
    bool completed = false;
    return internal::SettlePartition(lock.root(), partition_key,
                                     internal::RelativeKey(lock.root(), staging), &completed);
  }
  struct stat info;
  if (::lstat(partition_dir.c_str(), &info) != 0) {
    if (errno == ENOENT) return Status::OK();
    return internal::ErrnoStatus("stat", partition_dir);
  }
  const std::string dropped = lock.NewStagingPath(
      fmt::format("dropped.{}.{}.{}", layer, table.empty() ? "_" : table, FormatIsoDate(date)));
  if (::rename(partition_dir.c_str(), dropped.c_str()) != 0) {
    return internal::ErrnoStatus("rename", partition_dir);
  }
  RETURN_NOT_OK(internal::FsyncDirectory(TableDir(lock.root(), layer, table)));
  MaybeCrash(CommitStep::kPublished);
  return internal::RemoveTree(dropped);
}

}  // namespace streampro::lake
