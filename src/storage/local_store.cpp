#include "storage/local_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/file.h"

namespace streampro::storage {

namespace {

// ErrnoStatus, with a missing path as NotFound.
Status Errno(std::string_view what, const std::string& path) {
  const bool missing = errno == ENOENT;
  Status status = ErrnoStatus(what, path);
  return missing ? Status::NotFound(status.message()) : status;
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? std::string() : path.substr(0, slash);
}

// Direct (O_DIRECT) writes need buffer addresses, sizes and file offsets in multiples of
// the device's block size; 4 KiB covers every common one.
constexpr size_t kDirectAlignment = 4096;
// Bytes of a direct writer's staging buffer (one write(2) when full).
constexpr size_t kDirectBufferBytes = size_t{32} << 20;

bool IsAligned(const void* pointer, size_t size) {
  return reinterpret_cast<uintptr_t>(pointer) % kDirectAlignment == 0 &&
         size % kDirectAlignment == 0;
}

struct FreeDeleter {
  void operator()(char* pointer) const { std::free(pointer); }
};

// A local file being written. Buffered writers hand every Write to write(2). Direct writers
// (OpenBulkWrite) write around the page cache: filling fresh page-cache pages costs more
// than the disk write itself (on virtual machines the host backs each new page on first
// touch), and a raw copy is not read back soon. Aligned pieces go straight to write(2);
// the rest is gathered in an aligned staging buffer. The last partial block is written
// buffered. Where the file system refuses O_DIRECT, the writer turns it off and goes on.
class LocalWriter final : public ObjectWriter {
 public:
  LocalWriter(std::string path, int fd, bool direct)
      : path_(std::move(path)), fd_(fd), direct_(direct) {}
  ~LocalWriter() override {
    if (fd_ < 0) return;
    ::close(fd_);
    ::unlink(path_.c_str());
  }

  Status Write(std::string_view bytes) override {
    if (fd_ < 0) return Status::Internal(fmt::format("{}: write after close", path_));
    if (!direct_) return WriteOut(bytes);
    while (!bytes.empty()) {
      if (staged_ == 0 && IsAligned(bytes.data(), 0) && bytes.size() >= kDirectAlignment) {
        const size_t whole = bytes.size() - bytes.size() % kDirectAlignment;
        RETURN_NOT_OK(WriteOut(bytes.substr(0, whole)));
        bytes.remove_prefix(whole);
        continue;
      }
      if (!staging_) {
        staging_.reset(
            static_cast<char*>(std::aligned_alloc(kDirectAlignment, kDirectBufferBytes)));
        if (!staging_) return Status::IOError(fmt::format("{}: out of memory", path_));
      }
      const size_t take = std::min(bytes.size(), kDirectBufferBytes - staged_);
      std::memcpy(staging_.get() + staged_, bytes.data(), take);
      staged_ += take;
      bytes.remove_prefix(take);
      if (staged_ == kDirectBufferBytes) RETURN_NOT_OK(FlushStaged());
    }
    return Status::OK();
  }
  int64_t position() const override { return position_ + static_cast<int64_t>(staged_); }

  Status Close() override {
    if (fd_ < 0) return Status::Internal(fmt::format("{}: closed twice", path_));
    Status flushed = FlushStaged();
    const int fd = fd_;
    fd_ = -1;
    if (!flushed.ok() || ::fsync(fd) != 0) {
      const Status failure = flushed.ok() ? Errno("fsync", path_) : flushed;
      ::close(fd);
      ::unlink(path_.c_str());
      return failure;
    }
    if (::close(fd) != 0) return Errno("close", path_);
    return Status::OK();
  }

 private:
  // Writes the staging buffer: its whole blocks direct, a partial last block buffered.
  Status FlushStaged() {
    if (staged_ == 0) return Status::OK();
    const size_t whole = staged_ - staged_ % kDirectAlignment;
    RETURN_NOT_OK(WriteOut(std::string_view(staging_.get(), whole)));
    if (whole < staged_) {
      RETURN_NOT_OK(StopDirect());
      RETURN_NOT_OK(WriteOut(std::string_view(staging_.get() + whole, staged_ - whole)));
    }
    staged_ = 0;
    return Status::OK();
  }

  Status StopDirect() {
    if (!direct_) return Status::OK();
    direct_ = false;
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0) {
      return Errno("fcntl(O_DIRECT off)", path_);
    }
    return Status::OK();
  }

  Status WriteOut(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        // A file system (or a short write before) that refuses this direct write.
        if (errno == EINVAL && direct_) {
          RETURN_NOT_OK(StopDirect());
          continue;
        }
        return Errno("write", path_);
      }
      bytes.remove_prefix(static_cast<size_t>(n));
      position_ += n;
    }
    return Status::OK();
  }

  std::string path_;
  int fd_;
  bool direct_;
  int64_t position_ = 0;  // bytes handed to write(2)
  std::unique_ptr<char, FreeDeleter> staging_;
  size_t staged_ = 0;
};

Result<std::unique_ptr<ObjectWriter>> OpenLocalWriter(const std::string& key, int flags,
                                                      bool direct) {
  const std::string parent = ParentOf(key);
  if (!parent.empty()) RETURN_NOT_OK(CreateDirectories(parent));
  int fd = direct ? ::open(key.c_str(), flags | O_DIRECT, 0644) : -1;
  if (fd < 0) {
    // No O_DIRECT here (tmpfs, some FUSE file systems): plain buffered writes.
    direct = false;
    fd = ::open(key.c_str(), flags, 0644);
  }
  if (fd < 0) return Errno("create", key);
  return std::unique_ptr<ObjectWriter>(new LocalWriter(key, fd, direct));
}

}  // namespace

std::string LocalStore::Uri(std::string_view key) const {
  return std::string(key);
}

Result<std::unique_ptr<RandomAccessFile>> LocalStore::OpenRead(const std::string& key) {
  return OpenLocalFile(key);
}

Result<std::unique_ptr<ObjectWriter>> LocalStore::OpenWrite(const std::string& key) {
  return OpenLocalWriter(key, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, false);
}

Result<std::unique_ptr<ObjectWriter>> LocalStore::OpenBulkWrite(const std::string& key) {
  return OpenLocalWriter(key, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, true);
}

Result<std::optional<ObjectInfo>> LocalStore::Head(const std::string& key) {
  struct stat info;
  if (::stat(key.c_str(), &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<ObjectInfo>();
    return Errno("stat", key);
  }
  if (!S_ISREG(info.st_mode)) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(ObjectInfo{key, info.st_size, MtimeNanos(info), ""});
}

Result<std::vector<ObjectInfo>> LocalStore::List(const std::string& prefix) {
  std::vector<ObjectInfo> out;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(prefix, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      return out;
    }
    return Status::IOError(fmt::format("{}: cannot list: {}", prefix, ec.message()));
  }
  for (const auto& entry : it) {
    if (!entry.is_regular_file(ec)) continue;
    const std::string path = entry.path().string();
    struct stat info;
    if (::stat(path.c_str(), &info) != 0) continue;  // removed meanwhile
    out.push_back(ObjectInfo{path, info.st_size, MtimeNanos(info), ""});
  }
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

Status LocalStore::Delete(const std::string& key) {
  if (::unlink(key.c_str()) != 0 && errno != ENOENT) return Errno("unlink", key);
  return Status::OK();
}

Status LocalStore::Copy(const std::string& source_key, const std::string& key,
                        std::string_view /*if_etag*/) {
  ASSIGN_OR_RETURN(const std::unique_ptr<RandomAccessFile> source, OpenRead(source_key));
  ASSIGN_OR_RETURN(const std::unique_ptr<ObjectWriter> sink, OpenWrite(key));
  ASSIGN_OR_RETURN(const int64_t copied, CopyAll(*source, sink.get(), int64_t{8} << 20));
  if (copied != source->size()) {
    return Status::IOError(
        fmt::format("{}: copied {} of {} bytes of {}", key, copied, source->size(), source_key));
  }
  return sink->Close();
}

Status LocalStore::Link(const std::string& source_key, const std::string& key) {
  const std::string parent = ParentOf(key);
  if (!parent.empty()) RETURN_NOT_OK(CreateDirectories(parent));
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (::link(source_key.c_str(), key.c_str()) == 0) return Status::OK();
    if (errno == EXDEV || errno == EPERM || errno == ENOTSUP || errno == EMLINK) {
      return Copy(source_key, key, {});  // no hard links here
    }
    if (errno != EEXIST) return Errno(fmt::format("link {} to", source_key), key);
    struct stat source, existing;
    if (::stat(source_key.c_str(), &source) != 0) return Errno("stat", source_key);
    if (::stat(key.c_str(), &existing) == 0 && existing.st_dev == source.st_dev &&
        existing.st_ino == source.st_ino) {
      return Status::OK();  // linked before
    }
    RETURN_NOT_OK(Delete(key));
  }
  return Status::IOError(fmt::format("{}: cannot link {} here", key, source_key));
}

Result<bool> LocalStore::PutIfAbsent(const std::string& key, std::string_view bytes) {
  const std::string parent = ParentOf(key);
  if (!parent.empty()) RETURN_NOT_OK(CreateDirectories(parent));
  const int fd = ::open(key.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    return Errno("create", key);
  }
  LocalWriter writer(key, fd, false);
  RETURN_NOT_OK(writer.Write(bytes));
  RETURN_NOT_OK(writer.Close());
  return true;
}

}  // namespace streampro::storage
