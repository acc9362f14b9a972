#include "streampro/io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <future>

namespace streampro {

namespace {

Status CheckRange(const std::string& name, int64_t size, int64_t offset, int64_t length) {
  if (offset < 0 || length < 0 || offset > size) {
    return Status::IOError(
        fmt::format("{}: read of {} bytes at offset {} is outside the file ({} bytes)", name,
                    length, offset, size));
  }
  return Status::OK();
}

class LocalFile final : public RandomAccessFile {
 public:
  LocalFile(std::string path, int fd, int64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~LocalFile() override { ::close(fd_); }
  LocalFile(const LocalFile&) = delete;
  LocalFile& operator=(const LocalFile&) = delete;

  const std::string& name() const override { return path_; }
  int64_t size() const override { return size_; }

  Status ReadAt(int64_t offset, int64_t length, std::string* out) const override {
    RETURN_NOT_OK(CheckRange(path_, size_, offset, length));
    out->resize(static_cast<size_t>(std::min(length, size_ - offset)));
    ASSIGN_OR_RETURN(const int64_t done, Pread(offset, std::span<char>(*out)));
    out->resize(static_cast<size_t>(done));
    return Status::OK();
  }
  Result<int64_t> ReadInto(int64_t offset, std::span<char> out) const override {
    const auto length = static_cast<int64_t>(out.size());
    RETURN_NOT_OK(CheckRange(path_, size_, offset, length));
    return Pread(offset, out.first(static_cast<size_t>(std::min(length, size_ - offset))));
  }

 private:
  // Fills `out` from `offset`; fewer bytes when the file shrank underneath us.
  Result<int64_t> Pread(int64_t offset, std::span<char> out) const {
    size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done,
                                static_cast<off_t>(offset) + static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return Status::IOError(fmt::format("{}: read failed: {}", path_, std::strerror(errno)));
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return static_cast<int64_t>(done);
  }

  std::string path_;
  int fd_;
  int64_t size_;
};

class BufferFile final : public RandomAccessFile {
 public:
  BufferFile(std::string name, std::string bytes)
      : name_(std::move(name)), bytes_(std::move(bytes)) {}

  const std::string& name() const override { return name_; }
  int64_t size() const override { return static_cast<int64_t>(bytes_.size()); }

  Status ReadAt(int64_t offset, int64_t length, std::string* out) const override {
    RETURN_NOT_OK(CheckRange(name_, size(), offset, length));
    out->assign(bytes_, static_cast<size_t>(offset), static_cast<size_t>(length));
    return Status::OK();
  }

 private:
  std::string name_;
  std::string bytes_;
};

}  // namespace

Result<std::unique_ptr<RandomAccessFile>> OpenLocalFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    const std::string message = fmt::format("{}: cannot open: {}", path, std::strerror(err));
    return err == ENOENT ? Status::NotFound(message) : Status::IOError(message);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IOError(fmt::format("{}: not a regular file", path));
  }
  return std::unique_ptr<RandomAccessFile>(
      new LocalFile(path, fd, static_cast<int64_t>(st.st_size)));
}

Result<int64_t> RandomAccessFile::ReadInto(int64_t offset, std::span<char> out) const {
  std::string bytes;
  RETURN_NOT_OK(ReadAt(offset, static_cast<int64_t>(out.size()), &bytes));
  std::memcpy(out.data(), bytes.data(), std::min(bytes.size(), out.size()));
  return static_cast<int64_t>(std::min(bytes.size(), out.size()));
}

Result<int64_t> CopyAll(const RandomAccessFile& source, OutputStream* sink, int64_t chunk_bytes) {
  // Two buffers, reused, at 4 KiB boundaries (a direct writer takes them without copying):
  // the next chunk is read on a second thread while this one is written. (The future is
  // declared after the buffers, so it is waited for before they go.)
  constexpr size_t kAlignment = 4096;
  const size_t chunk = static_cast<size_t>(std::max<int64_t>(chunk_bytes, 1));
  const size_t capacity = (chunk + kAlignment - 1) / kAlignment * kAlignment;
  struct Free {
    void operator()(char* pointer) const { std::free(pointer); }
  };
  std::unique_ptr<char, Free> buffers[2];
  for (auto& buffer : buffers) {
    buffer.reset(static_cast<char*>(std::aligned_alloc(kAlignment, capacity)));
    if (!buffer) return Status::IOError(fmt::format("{}: out of memory to copy", source.name()));
  }
  const auto read = [&source, chunk](int64_t offset, char* into) {
    return source.ReadInto(offset, std::span<char>(into, chunk));
  };
  std::future<Result<int64_t>> next;
  if (source.size() > 0) next = std::async(std::launch::async, read, int64_t{0}, buffers[0].get());
  int64_t copied = 0;
  for (size_t current = 0; next.valid(); current ^= 1) {
    ASSIGN_OR_RETURN(const int64_t length, next.get());
    if (length == 0) break;
    const int64_t end = copied + length;
    if (end < source.size()) {
      next = std::async(std::launch::async, read, end, buffers[current ^ 1].get());
    }
    RETURN_NOT_OK(
        sink->Write(std::string_view(buffers[current].get(), static_cast<size_t>(length))));
    copied = end;
  }
  return copied;
}

std::unique_ptr<RandomAccessFile> MakeBufferFile(std::string name, std::string bytes) {
  return std::make_unique<BufferFile>(std::move(name), std::move(bytes));
}

}  // namespace streampro
