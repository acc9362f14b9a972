#include "storage/local_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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

class LocalWriter final : public ObjectWriter {
 public:
  LocalWriter(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~LocalWriter() override {
    if (fd_ < 0) return;
    ::close(fd_);
    ::unlink(path_.c_str());
  }

  Status Write(std::string_view bytes) override {
    if (fd_ < 0) return Status::Internal(fmt::format("{}: write after close", path_));
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("write", path_);
      }
      bytes.remove_prefix(static_cast<size_t>(n));
      position_ += n;
    }
    return Status::OK();
  }
  int64_t position() const override { return position_; }

  Status Close() override {
    if (fd_ < 0) return Status::Internal(fmt::format("{}: closed twice", path_));
    const int fd = fd_;
    fd_ = -1;
    if (::fsync(fd) != 0) {
      const Status failure = Errno("fsync", path_);
      ::close(fd);
      ::unlink(path_.c_str());
      return failure;
    }
    if (::close(fd) != 0) return Errno("close", path_);
    return Status::OK();
  }

 private:
  std::string path_;
  int fd_;
  int64_t position_ = 0;
};

}  // namespace

std::string LocalStore::Uri(std::string_view key) const {
  return std::string(key);
}

Result<std::unique_ptr<RandomAccessFile>> LocalStore::OpenRead(const std::string& key) {
  return OpenLocalFile(key);
}

Result<std::unique_ptr<ObjectWriter>> LocalStore::OpenWrite(const std::string& key) {
  const std::string parent = ParentOf(key);
  if (!parent.empty()) RETURN_NOT_OK(CreateDirectories(parent));
  const int fd = ::open(key.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", key);
  return std::unique_ptr<ObjectWriter>(new LocalWriter(key, fd));
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

Result<bool> LocalStore::PutIfAbsent(const std::string& key, std::string_view bytes) {
  const std::string parent = ParentOf(key);
  if (!parent.empty()) RETURN_NOT_OK(CreateDirectories(parent));
  const int fd = ::open(key.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    return Errno("create", key);
  }
  LocalWriter writer(key, fd);
  RETURN_NOT_OK(writer.Write(bytes));
  RETURN_NOT_OK(writer.Close());
  return true;
}

}  // namespace streampro::storage
