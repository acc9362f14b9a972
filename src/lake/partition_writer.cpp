#include "lake/partition_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>

#include "common/file.h"
#include "common/timestamp.h"
#include "lake/sha256.h"
#include "streampro/object_store.h"
#include "streampro/parquet.h"

namespace streampro::lake {

namespace {

Status ValidateFileName(const std::string& name) {
  if (name.empty() || name.front() == '_' || name.front() == '.' ||
      name.find('/') != std::string::npos) {
    return Status::Internal(fmt::format(
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

PartitionWriter::PartitionWriter(const LakeLock& lock, StagedPartition staged)
    : lock_(lock), staged_(std::move(staged)) {}

PartitionWriter::~PartitionWriter() {
  if (committed_) return;
  files_.clear();  // closes open descriptors, aborts open uploads
  lock_.lake().protocol().Abandon(lock_, staged_);
}

Result<std::unique_ptr<PartitionWriter>> PartitionWriter::Begin(const LakeLock& lock,
                                                                const catalog::TableDef& table,
                                                                Date date) {
  ASSIGN_OR_RETURN(StagedPartition staged, lock.lake().protocol().Begin(lock, table, date));
  return std::unique_ptr<PartitionWriter>(new PartitionWriter(lock, std::move(staged)));
}

Result<OutputStream*> PartitionWriter::CreateFile(const std::string& name) {
  return OpenStagedFile(name, false);
}

Result<OutputStream*> PartitionWriter::CreateBulkFile(const std::string& name) {
  return OpenStagedFile(name, true);
}

Result<OutputStream*> PartitionWriter::OpenStagedFile(const std::string& name, bool bulk) {
  RETURN_NOT_OK(ValidateFileName(name));
  const std::string uri = staged_.FileUri(name);
  std::lock_guard guard(mutex_);
  if (committed_) return Status::Internal(fmt::format("{}: partition already committed", uri));
  if (files_.contains(name)) {
    return Status::Internal(fmt::format("{}: file created twice", uri));
  }
  ASSIGN_OR_RETURN(Sha256 hasher, Sha256::Make());
  ASSIGN_OR_RETURN(const std::string key, lock_.lake().KeyOf(uri));
  storage::ObjectStore& store = lock_.lake().store();
  ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectWriter> sink,
                   bulk ? store.OpenBulkWrite(key) : store.OpenWrite(key));
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
          fmt::format("{}: closing a file never created", staged_.FileUri(name)));
    }
    if (it->second.closed) {
      return Status::Internal(fmt::format("{}: closed twice", staged_.FileUri(name)));
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

Result<bool> PartitionWriter::CopyFileFrom(const std::string& name,
                                           const storage::ObjectRef& source,
                                           const storage::ObjectInfo& info) {
  RETURN_NOT_OK(ValidateFileName(name));
  constexpr int64_t kMaxCopyObjectBytes = int64_t{5} << 30;
  if (info.size > kMaxCopyObjectBytes) return false;
  const std::string uri = staged_.FileUri(name);
  {
    std::lock_guard guard(mutex_);
    if (files_.contains(name)) {
      return Status::Internal(fmt::format("{}: file created twice", uri));
    }
  }
  const Lake& lake = lock_.lake();
  ASSIGN_OR_RETURN(const std::string key, lake.KeyOf(uri));
  ASSIGN_OR_RETURN(const bool copied,
                   lake.store().CopyFromStore(*source.store, source.key, key, info.etag));
  if (!copied) return false;

  // Read the copy back once: the SHA-256 is the raw layer's checksum, and the read proves
  // the copy complete. The next range is fetched while the current one is hashed.
  ASSIGN_OR_RETURN(Sha256 hasher, Sha256::Make());
  ASSIGN_OR_RETURN(const std::shared_ptr<RandomAccessFile> copy, lake.store().OpenRead(key));
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
  if (copy->size() != info.size) {
    return Status::IOError(fmt::format("{}: server-side copy of {} gave {} bytes, expected {}", uri,
                                       source.uri(), copy->size(), info.size));
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

void PartitionWriter::set_counters(const FileCounters& counters) {
  std::lock_guard guard(mutex_);
  manifest_.counters = counters;
}

void PartitionWriter::set_property(std::string key, std::string value) {
  std::lock_guard guard(mutex_);
  manifest_.properties[std::move(key)] = std::move(value);
}

Status PartitionWriter::VerifyStagedFiles() {
  for (auto& [name, file] : files_) {
    const std::string uri = staged_.FileUri(name);
    if (!file.closed) {
      return Status::Internal(fmt::format("{}: created but never closed before Commit", uri));
    }
    ASSIGN_OR_RETURN(const std::optional<storage::ObjectInfo> info, lock_.lake().Head(uri));
    if (!info) return Status::IOError(fmt::format("{}: written but not found", uri));
    if (info->size != file.entry.bytes) {
      return Status::IOError(
          fmt::format("{}: {} bytes stored, {} written", uri, info->size, file.entry.bytes));
    }
    if (name.ends_with(".parquet")) {
      ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> input, lock_.lake().OpenRead(uri));
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
          fmt::format("{} {} ({}): {}", staged_.table->label(), FormatIsoDate(staged_.date),
                      manifest_.source_file.value_or("no source file"), invariant.message()));
    }
  }
  return Status::OK();
}

Status PartitionWriter::Commit() {
  std::lock_guard guard(mutex_);
  if (committed_) {
    return Status::Internal(fmt::format("{}: committed twice", staged_.partition_uri));
  }
  RETURN_NOT_OK(VerifyStagedFiles());
  const Lake& lake = lock_.lake();
  lake.Notify(CommitStep::kFilesVerified);

  manifest_.layer = std::string(catalog::LayerName(staged_.table->layer));
  manifest_.table = std::string(staged_.table->folder);
  manifest_.date = staged_.date;
  manifest_.run_id = lock_.run_id();
  manifest_.committed_at = FormatIsoTimestamp(UtcNowMicros());
  manifest_.files.clear();
  for (const auto& [name, file] : files_) manifest_.files.push_back(file.entry);
  files_.clear();
  const PartitionCommit commit{&staged_, &manifest_};
  const Status published = lake.protocol().Commit(lock_, std::span(&commit, 1));
  // A failed commit leaves the partition at its previous version or (object stores, a
  // failure after the commit point) at the new one; Abandon settles either.
  committed_ = published.ok();
  if (committed_) lock_.RecordPublished(lake.RelativeKey(staged_.partition_uri));
  return published;
}

Status DropPartition(const LakeLock& lock, const catalog::TableDef& table, Date date) {
  return lock.lake().protocol().Drop(lock, table, date);
}

}  // namespace streampro::lake
