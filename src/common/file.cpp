#include "common/file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace streampro {

namespace {
std::string TemporaryPrefix(const std::filesystem::path& target) {
  return fmt::format(".{}.", target.filename().string());
}
}  // namespace

int64_t MtimeNanos(const struct stat& info) {
  return static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
}

Status ErrnoStatus(std::string_view what, const std::string& path) {
  return Status::IOError(fmt::format("{}: {} failed: {}", path, what, std::strerror(errno)));
}

Result<AtomicFileWriter> AtomicFileWriter::Open(const std::string& path) {
  const std::filesystem::path target(path);
  const std::string temp_path =
      (target.parent_path() / fmt::format("{}{}.tmp", TemporaryPrefix(target), getpid())).string();
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("create", temp_path);
  return AtomicFileWriter(path, temp_path, fd);
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : path_(std::move(other.path_)),
      temp_path_(std::move(other.temp_path_)),
      fd_(other.fd_),
      bytes_written_(other.bytes_written_) {
  other.fd_ = -1;
  other.temp_path_.clear();
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

Status AtomicFileWriter::Append(std::string_view bytes) {
  if (fd_ < 0) return Status::Internal(fmt::format("{}: append after commit", path_));
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", temp_path_);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    bytes_written_ += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status AtomicFileWriter::Commit() {
  if (fd_ < 0) return Status::Internal(fmt::format("{}: committed twice", path_));
  if (::fsync(fd_) != 0) return ErrnoStatus("fsync", temp_path_);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return ErrnoStatus("close", temp_path_);
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) return ErrnoStatus("rename", path_);
  temp_path_.clear();
  return Status::OK();
}

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

bool ProcessIsGone(int64_t pid) {
  if (pid <= 0 || pid > std::numeric_limits<pid_t>::max()) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

Status RemoveStaleTemporaryFiles(const std::string& path) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder =
      target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  const std::string prefix = TemporaryPrefix(target);
  std::error_code ec;
  std::filesystem::directory_iterator it(folder, ec);
  if (ec) return Status::OK();  // no folder yet: nothing to clean
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(".tmp")) continue;
    const std::string pid_text = name.substr(prefix.size(), name.size() - prefix.size() - 4);
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos ||
        pid_text.size() > 9) {
      continue;
    }
    if (!ProcessIsGone(std::stol(pid_text))) continue;  // alive, or not ours to judge
    if (!std::filesystem::remove(entry.path(), ec) && ec) {
      return Status::IOError(fmt::format("{}: cannot remove stale temporary file: {}",
                                         entry.path().string(), ec.message()));
    }
  }
  return Status::OK();
}

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  ASSIGN_OR_RETURN(AtomicFileWriter writer, AtomicFileWriter::Open(path));
  RETURN_NOT_OK(writer.Append(bytes));
  return writer.Commit();
}

Result<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return Status::IOError(fmt::format("{}: read failed", path));
  return out.str();
}

Status CreateDirectories(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::IOError(fmt::format("{}: cannot create folder: {}", path, ec.message()));
  return Status::OK();
}

}  // namespace streampro
