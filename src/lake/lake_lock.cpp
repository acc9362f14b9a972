#include "lake/lake_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <random>

#include "common/file.h"
#include "lake/durable_fs.h"
#include "lake/layout.h"

namespace streampro::lake {

struct LakeLock::State {
  std::string root;
  std::string run_id;
  std::string staging_dir;
  LakeRecovery recovery;
  int fd = -1;
  mutable std::atomic<int64_t> next_sequence{1};

  ~State() {
    if (fd < 0) return;
    std::error_code ec;
    std::filesystem::remove_all(staging_dir, ec);
    ::close(fd);  // releases the flock
  }
};

namespace {

std::string NewRunId() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &utc);
  std::random_device random;
  return fmt::format("{}-{}-{:08x}", stamp, ::getpid(), random());
}

// Repairs and removes the staging folders of runs that died. Only called with the lock
// held, so no folder under _staging belongs to a live run.
Status CleanStaging(const std::string& root, LakeRecovery* recovery) {
  const std::string staging = fmt::format("{}/{}", root, kStagingFolderName);
  std::error_code ec;
  std::filesystem::directory_iterator runs(staging, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return Status::OK();
    return Status::IOError(fmt::format("{}: cannot list: {}", staging, ec.message()));
  }
  std::vector<std::filesystem::path> leftovers;
  for (const auto& run : runs) leftovers.push_back(run.path());
  std::sort(leftovers.begin(), leftovers.end());
  for (const auto& run : leftovers) {
    if (std::filesystem::is_directory(run, ec)) {
      std::filesystem::directory_iterator entries(run, ec);
      if (!ec) {
        for (const auto& entry : entries) {
          if (entry.path().extension() != internal::kRecoveryMarkerSuffix) continue;
          std::string restored;
          RETURN_NOT_OK(internal::RecoverFromMarker(root, entry.path().string(), &restored));
          if (!restored.empty()) recovery->restored_partitions.push_back(restored);
        }
      }
    }
    RETURN_NOT_OK(internal::RemoveTree(run.string()));
    recovery->removed_staging.push_back(run.filename().string());
  }
  return internal::FsyncDirectory(staging);
}

}  // namespace

LakeLock::LakeLock(std::unique_ptr<State> state) : state_(std::move(state)) {}
LakeLock::LakeLock(LakeLock&&) noexcept = default;
LakeLock& LakeLock::operator=(LakeLock&&) noexcept = default;
LakeLock::~LakeLock() = default;

Result<LakeLock> LakeLock::Acquire(const std::string& root) {
  RETURN_NOT_OK(CreateDirectories(root));
  const std::string lock_path = fmt::format("{}/{}", root, kLockFileName);
  auto state = std::make_unique<State>();
  state->root = root;
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return internal::ErrnoStatus("open lock file", lock_path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int saved_errno = errno;
    std::string holder(256, '\0');
    const ssize_t n = ::pread(fd, holder.data(), holder.size(), 0);
    holder.resize(n > 0 ? static_cast<size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
    ::close(fd);
    if (saved_errno == EWOULDBLOCK) {
      return Status::IOError(
          fmt::format("{}: another StreamPro run holds the lake lock ({}); wait for it to finish",
                      lock_path, holder.empty() ? "holder unknown" : holder));
    }
    errno = saved_errno;
    return internal::ErrnoStatus("flock", lock_path);
  }
  state->fd = fd;
  state->run_id = NewRunId();
  state->staging_dir = fmt::format("{}/{}/{}", root, kStagingFolderName, state->run_id);
  // Who holds the lock, for the message a second run prints. Advisory text only.
  const std::string holder = fmt::format("pid {}, run {}\n", ::getpid(), state->run_id);
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, holder.data(), holder.size(), 0) != static_cast<ssize_t>(holder.size())) {
    return internal::ErrnoStatus("write", lock_path);
  }
  RETURN_NOT_OK(CleanStaging(root, &state->recovery));
  RETURN_NOT_OK(CreateDirectories(state->staging_dir));
  return LakeLock(std::move(state));
}

const std::string& LakeLock::root() const {
  return state_->root;
}
const std::string& LakeLock::run_id() const {
  return state_->run_id;
}
const std::string& LakeLock::staging_dir() const {
  return state_->staging_dir;
}
const LakeRecovery& LakeLock::recovery() const {
  return state_->recovery;
}

std::string LakeLock::NewStagingPath(std::string_view label) const {
  const int64_t sequence = state_->next_sequence.fetch_add(1);
  return fmt::format("{}/{:05}-{}", state_->staging_dir, sequence, label);
}

}  // namespace streampro::lake
