#include "pipeline/spill.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace streampro::pipeline {

namespace {

void PutInt64(std::string* out, int64_t value) {
  char bytes[sizeof(value)];
  std::memcpy(bytes, &value, sizeof(value));
  out->append(bytes, sizeof(bytes));
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(
          fmt::format("{}: cannot write spill data: {}", path, std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return Status::OK();
}

// Reads the little-endian fields back from a spill file held in memory.
class SpillCursor {
 public:
  SpillCursor(std::string_view bytes, const std::string& path) : bytes_(bytes), path_(path) {}
  bool done() const { return bytes_.empty(); }
  Result<int64_t> Int64() {
    ASSIGN_OR_RETURN(const std::string_view raw, Take(sizeof(int64_t)));
    int64_t value = 0;
    std::memcpy(&value, raw.data(), sizeof(value));
    return value;
  }
  Result<std::string_view> Take(size_t n) {
    if (n > bytes_.size()) {
      return Status::Internal(fmt::format("{}: spill file is truncated", path_));
    }
    const std::string_view out = bytes_.substr(0, n);
    bytes_.remove_prefix(n);
    return out;
  }

 private:
  std::string_view bytes_;
  const std::string& path_;
};

}  // namespace

Result<SpillFile> SpillFile::Create(std::string path, SchemaPtr schema) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::IOError(
        fmt::format("{}: cannot create spill file: {}", path, std::strerror(errno)));
  }
  return SpillFile(std::move(path), std::move(schema), fd);
}

SpillFile::SpillFile(SpillFile&& other) noexcept
    : path_(std::move(other.path_)),
      schema_(std::move(other.schema_)),
      fd_(other.fd_),
      rows_(other.rows_),
      bytes_(other.bytes_) {
  other.fd_ = -1;
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
}

Status SpillFile::Append(const RecordBatch& batch) {
  if (batch.num_rows() == 0) return Status::OK();
  buffer_.clear();
  PutInt64(&buffer_, batch.num_rows());
  RETURN_NOT_OK(WriteAll(fd_, buffer_, path_));
  int64_t written = static_cast<int64_t>(buffer_.size());
  for (int c = 0; c < batch.num_columns(); ++c) {
    const Column& column = batch.column(c);
    const auto validity = column.validity();
    const std::string_view values = column.raw_values();
    buffer_.clear();
    PutInt64(&buffer_, static_cast<int64_t>(values.size()));
    RETURN_NOT_OK(WriteAll(
        fd_, std::string_view(reinterpret_cast<const char*>(validity.data()), validity.size()),
        path_));
    RETURN_NOT_OK(WriteAll(fd_, buffer_, path_));
    RETURN_NOT_OK(WriteAll(fd_, values, path_));
    written += static_cast<int64_t>(validity.size() + buffer_.size() + values.size());
    if (StorageOf(column.type()) == StorageKind::kString) {
      // Only the characters the offsets cover (a column may start mid-buffer after Clear).
      const auto offsets = column.string_offsets();
      const std::string_view chars =
          column.string_data().substr(static_cast<size_t>(offsets.front()),
                                      static_cast<size_t>(offsets.back() - offsets.front()));
      buffer_.clear();
      PutInt64(&buffer_, static_cast<int64_t>(chars.size()));
      RETURN_NOT_OK(WriteAll(fd_, buffer_, path_));
      RETURN_NOT_OK(WriteAll(fd_, chars, path_));
      written += static_cast<int64_t>(buffer_.size() + chars.size());
    }
  }
  rows_ += batch.num_rows();
  bytes_ += written;
  return Status::OK();
}

Status SpillFile::ReadAllInto(RecordBatch* out) const {
  std::string bytes(static_cast<size_t>(bytes_), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pread(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::IOError(fmt::format("{}: cannot read spill data: {}", path_,
                                         n < 0 ? std::strerror(errno) : "unexpected end"));
    }
    done += static_cast<size_t>(n);
  }
  out->Reserve(rows_);
  SpillCursor cursor(bytes, path_);
  while (!cursor.done()) {
    ASSIGN_OR_RETURN(const int64_t rows, cursor.Int64());
    for (int c = 0; c < out->num_columns(); ++c) {
      Column& column = out->column(c);
      ASSIGN_OR_RETURN(const std::string_view validity, cursor.Take(static_cast<size_t>(rows)));
      ASSIGN_OR_RETURN(const int64_t values_size, cursor.Int64());
      ASSIGN_OR_RETURN(const std::string_view values,
                       cursor.Take(static_cast<size_t>(values_size)));
      std::string_view chars;
      if (StorageOf(column.type()) == StorageKind::kString) {
        ASSIGN_OR_RETURN(const int64_t chars_size, cursor.Int64());
        ASSIGN_OR_RETURN(chars, cursor.Take(static_cast<size_t>(chars_size)));
      }
      column.AppendRaw(rows, reinterpret_cast<const uint8_t*>(validity.data()), values, chars);
    }
  }
  return Status::OK();
}

}  // namespace streampro::pipeline
