#include "lake/durable_fs.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/file.h"

namespace streampro::lake::internal {

namespace {

std::string ParentOf(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

bool Exists(const std::string& path) {
  struct stat info;
  return ::lstat(path.c_str(), &info) == 0;
}

}  // namespace

Status FsyncDirectory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open folder", path);
  const int rc = ::fsync(fd);
  const int saved_errno = errno;
  ::close(fd);
  errno = saved_errno;
  if (rc != 0) return ErrnoStatus("fsync folder", path);
  return Status::OK();
}

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return Status::IOError(fmt::format("{}: cannot remove: {}", path, ec.message()));
  return Status::OK();
}

Result<PublishResult> PublishFolder(const std::string& root, const std::string& staged,
                                    const std::string& target, const std::string& aside,
                                    const std::string& marker_path, bool allow_exchange,
                                    const std::function<void()>& before_second_rename) {
  PublishResult result;
  if (!Exists(target)) {
    if (::rename(staged.c_str(), target.c_str()) != 0) return ErrnoStatus("rename", target);
    result.method = PublishMethod::kRename;
    return result;
  }
  if (allow_exchange) {
    if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
      result.method = PublishMethod::kExchange;
      result.previous_version = staged;
      return result;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
      return ErrnoStatus("renameat2(RENAME_EXCHANGE)", target);
    }
  }
  // The file system cannot swap folders: move the old version aside, then the new one in.
  // The marker lets the next run put the old version back if we die in between.
  const std::string prefix = root + "/";
  if (!target.starts_with(prefix) || !aside.starts_with(prefix)) {
    return Status::Internal(fmt::format("{}: publish outside the lake {}", target, root));
  }
  RETURN_NOT_OK(WriteFileAtomically(
      marker_path,
      fmt::format("{}\n{}\n", target.substr(prefix.size()), aside.substr(prefix.size()))));
  RETURN_NOT_OK(FsyncDirectory(ParentOf(marker_path)));
  if (::rename(target.c_str(), aside.c_str()) != 0) return ErrnoStatus("rename aside", target);
  if (before_second_rename) before_second_rename();
  if (::rename(staged.c_str(), target.c_str()) != 0) {
    const Status failure = ErrnoStatus("rename", target);
    // Put the old version back so the partition does not go missing.
    if (::rename(aside.c_str(), target.c_str()) == 0) ::unlink(marker_path.c_str());
    return failure;
  }
  RETURN_NOT_OK(FsyncDirectory(ParentOf(target)));
  ::unlink(marker_path.c_str());
  result.method = PublishMethod::kRenameAside;
  result.previous_version = aside;
  return result;
}

Status RecoverFromMarker(const std::string& root, const std::string& marker_path,
                         std::string* restored) {
  ASSIGN_OR_RETURN(const std::string text, ReadFileToString(marker_path));
  const size_t first_end = text.find('\n');
  const size_t second_end =
      first_end == std::string::npos ? std::string::npos : text.find('\n', first_end + 1);
  if (second_end == std::string::npos) {
    // A marker cut short was written before anything moved: nothing to repair.
    return Status::OK();
  }
  const std::string target = fmt::format("{}/{}", root, text.substr(0, first_end));
  const std::string aside =
      fmt::format("{}/{}", root, text.substr(first_end + 1, second_end - first_end - 1));
  if (Exists(target) || !Exists(aside)) return Status::OK();
  if (::rename(aside.c_str(), target.c_str()) != 0) return ErrnoStatus("restore", target);
  RETURN_NOT_OK(FsyncDirectory(ParentOf(target)));
  *restored = target;
  return Status::OK();
}

}  // namespace streampro::lake::internal
