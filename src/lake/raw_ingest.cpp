#include "lake/raw_ingest.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "lake/durable_fs.h"
#include "lake/layout.h"
#include "lake/manifest.h"
#include "lake/partition_writer.h"

namespace streampro::lake {

namespace {

int64_t MtimeNanos(const struct stat& info) {
  return static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
}

/// An open landing file; closes on destruction.
class LandingSource {
 public:
  static Result<std::unique_ptr<LandingSource>> Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return internal::ErrnoStatus("open", path);
    auto source = std::unique_ptr<LandingSource>(new LandingSource(path, fd));
    if (::fstat(fd, &source->info_) != 0) return internal::ErrnoStatus("stat", path);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return source;
  }
  ~LandingSource() { ::close(fd_); }

  const struct stat& info() const { return info_; }

  /// Copies the whole file to `sink`; fails when the file changes meanwhile.
  Status CopyTo(OutputStream* sink) {
    std::unique_ptr<char[]> buffer(new char[kRawCopyBufferBytes]);
    int64_t copied = 0;
    while (true) {
      const ssize_t n = ::read(fd_, buffer.get(), kRawCopyBufferBytes);
      if (n < 0) {
        if (errno == EINTR) continue;
        return internal::ErrnoStatus("read", path_);
      }
      if (n == 0) break;
      RETURN_NOT_OK(sink->Write(std::string_view(buffer.get(), static_cast<size_t>(n))));
      copied += n;
    }
    struct stat after;
    if (::fstat(fd_, &after) != 0) return internal::ErrnoStatus("stat", path_);
    if (copied != info_.st_size || after.st_size != info_.st_size ||
        MtimeNanos(after) != MtimeNanos(info_)) {
      return Status::IOError(fmt::format(
          "{}: the landing file changed while it was copied to raw ({} bytes before, {} "
          "copied, {} now); run again once it is complete",
          path_, info_.st_size, copied, after.st_size));
    }
    return Status::OK();
  }

 private:
  LandingSource(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
  struct stat info_ {};
};

bool AlreadyIngested(const std::optional<PartitionManifest>& manifest,
                     const pipeline::LandingFile& file, const struct stat& info) {
  if (!manifest || manifest->files.size() != 1) return false;
  const FileEntry& entry = manifest->files.front();
  const auto property = [&](std::string_view key) -> std::string {
    auto it = manifest->properties.find(std::string(key));
    return it == manifest->properties.end() ? std::string() : it->second;
  };
  return entry.name == file.name && entry.bytes == info.st_size &&
         property(kLandingBytesProperty) == std::to_string(info.st_size) &&
         property(kLandingMtimeProperty) == std::to_string(MtimeNanos(info));
}

Result<RawFileResult> IngestOne(const LakeLock& lock, const pipeline::LandingFile& file,
                                Date date) {
  const std::string_view table = TableName(file.table);
  RawFileResult result;
  result.table = file.table;
  result.landing_name = file.name;
  result.raw_path =
      fmt::format("{}/{}", PartitionDir(lock.root(), kRawLayer, table, date), file.name);

  ASSIGN_OR_RETURN(const std::unique_ptr<LandingSource> source, LandingSource::Open(file.path));
  ASSIGN_OR_RETURN(const std::optional<PartitionManifest> committed,
                   ReadManifest(lock.root(), kRawLayer, table, date));
  if (AlreadyIngested(committed, file, source->info())) {
    result.bytes = committed->files.front().bytes;
    result.sha256 = committed->files.front().sha256;
    result.unchanged = true;
    return result;
  }

  ASSIGN_OR_RETURN(const std::unique_ptr<PartitionWriter> writer,
                   PartitionWriter::Begin(lock, std::string(kRawLayer), std::string(table), date));
  ASSIGN_OR_RETURN(OutputStream * sink, writer->CreateFile(file.name));
  RETURN_NOT_OK(source->CopyTo(sink));
  RETURN_NOT_OK(writer->CloseFile(file.name, std::nullopt));
  writer->set_source_file(file.name);
  writer->set_property(std::string(kLandingBytesProperty), std::to_string(source->info().st_size));
  writer->set_property(std::string(kLandingMtimeProperty),
                       std::to_string(MtimeNanos(source->info())));
  if (file.undated) writer->set_property(std::string(kLandingUndatedProperty), "true");
  RETURN_NOT_OK(writer->Commit());
  const FileEntry& entry = writer->manifest().files.front();
  result.bytes = entry.bytes;
  result.sha256 = entry.sha256;
  return result;
}

}  // namespace

Result<std::vector<RawFileResult>> IngestRaw(const LakeLock& lock,
                                             const pipeline::LandingInventory& inventory,
                                             Date date) {
  std::vector<RawFileResult> results;
  for (const pipeline::LandingFile& file : inventory.taken) {
    ASSIGN_OR_RETURN(RawFileResult result, IngestOne(lock, file, date));
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace streampro::lake
