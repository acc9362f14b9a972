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
#include <thread>

#include "common/file.h"
#include "lake/durable_fs.h"
#include "lake/layout.h"
#include "lake/sha256.h"
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

/// A file in the staging folder that hashes and counts what is written to it.
class PartitionWriter::HashingFile final : public OutputStream {
 public:
  HashingFile(std::string path, int fd, Sha256 hasher)
      : path_(std::move(path)), fd_(fd), hasher_(std::move(hasher)) {}
  ~HashingFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Write(std::string_view bytes) override {
    if (fd_ < 0) return Status::Internal(fmt::format("{}: write after close", path_));
    if (bytes.size() < kParallelHashBytes) {
      hasher_.Update(bytes);
      return WriteAll(bytes);
    }
    std::thread hashing([this, bytes] { hasher_.Update(bytes); });
    const Status written = WriteAll(bytes);
    hashing.join();
    return written;
  }
  int64_t position() const override { return bytes_; }

  /// fsync and close; the entry's bytes and sha256.
  Result<FileEntry> Close(const std::string& name) {
    if (fd_ < 0) return Status::Internal(fmt::format("{}: closed twice", path_));
    const int fd = fd_;
    fd_ = -1;
    if (::fsync(fd) != 0) {
      const Status failure = internal::ErrnoStatus("fsync", path_);
      ::close(fd);
      return failure;
    }
    if (::close(fd) != 0) return internal::ErrnoStatus("close", path_);
    FileEntry entry;
    entry.name = name;
    entry.bytes = bytes_;
    entry.sha256 = hasher_.FinishHex();
    return entry;
  }

 private:
  Status WriteAll(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return internal::ErrnoStatus("write", path_);
      }
      bytes.remove_prefix(static_cast<size_t>(n));
      bytes_ += n;
    }
    return Status::OK();
  }

  std::string path_;
  int fd_ = -1;
  Sha256 hasher_;
  int64_t bytes_ = 0;
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
  files_.clear();  // closes open descriptors
  std::error_code ec;
  std::filesystem::remove_all(staging_dir_, ec);
}

Result<std::unique_ptr<PartitionWriter>> PartitionWriter::Begin(const LakeLock& lock,
                                                                std::string layer,
                                                                std::string table, Date date) {
  RETURN_NOT_OK(ValidateLocation(layer, table));
  const std::string label =
      fmt::format("{}.{}.{}", layer, table.empty() ? "_" : table, FormatIsoDate(date));
  std::string staging_dir = lock.NewStagingPath(label);
  RETURN_NOT_OK(CreateDirectories(staging_dir));
  std::string partition_dir = PartitionDir(lock.root(), layer, table, date);
  return std::unique_ptr<PartitionWriter>(
      new PartitionWriter(lock, std::move(layer), std::move(table), date, std::move(staging_dir),
                          std::move(partition_dir)));
}

Result<OutputStream*> PartitionWriter::CreateFile(const std::string& name) {
  RETURN_NOT_OK(ValidateFileName(name));
  const std::string path = fmt::format("{}/{}", staging_dir_, name);
  std::lock_guard guard(mutex_);
  if (committed_) return Status::Internal(fmt::format("{}: partition already committed", path));
  if (files_.contains(name)) {
    return Status::InvalidArgument(fmt::format("{}: file created twice", path));
  }
  ASSIGN_OR_RETURN(Sha256 hasher, Sha256::Make());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return internal::ErrnoStatus("create", path);
  StagedFile& file = files_[name];
  file.stream = std::make_unique<HashingFile>(path, fd, std::move(hasher));
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
    const std::string path = fmt::format("{}/{}", staging_dir_, name);
    if (!file.closed) {
      return Status::Internal(fmt::format("{}: created but never closed before Commit", path));
    }
    struct stat info;
    if (::stat(path.c_str(), &info) != 0) return internal::ErrnoStatus("stat", path);
    if (info.st_size != file.entry.bytes) {
      return Status::IOError(
          fmt::format("{}: {} bytes on disk, {} written", path, info.st_size, file.entry.bytes));
    }
    if (name.ends_with(".parquet")) {
      ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> input, OpenLocalFile(path));
      ASSIGN_OR_RETURN(const auto reader, parquet::FileReader::Open(
                                              std::shared_ptr<RandomAccessFile>(std::move(input))));
      if (!file.entry.rows) {
        file.entry.rows = reader->num_rows();
      } else if (*file.entry.rows != reader->num_rows()) {
        return Status::InvalidData(fmt::format("{}: footer says {} rows, the writer declared {}",
                                               path, reader->num_rows(), *file.entry.rows));
      }
    }
  }
  if (manifest_.counters) {
    const Status invariant = manifest_.counters->CheckInvariant();
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

Status DropPartition(const LakeLock& lock, std::string_view layer, std::string_view table,
                     Date date) {
  RETURN_NOT_OK(ValidateLocation(layer, table));
  const std::string partition_dir = PartitionDir(lock.root(), layer, table, date);
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
