#include "lake/lake_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <simdjson.h>

#include "common/file.h"
#include "common/parse_int.h"
#include "lake/commit_protocol.h"
#include "lake/durable_fs.h"
#include "lake/layout.h"
#include "lake/manifest.h"
#include "lake/manifest_commit.h"

namespace streampro::lake {

namespace {

struct LockHolder {
  std::string run_id;
  std::string host;
  int64_t pid = 0;
  int64_t expires_unix = 0;
};

Result<LockHolder> ParseLockBody(const std::string& body, const std::string& uri) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  LockHolder holder;
  std::string_view run_id;
  std::string_view host;
  if (parser.parse(body).get(root) != simdjson::SUCCESS ||
      root["run_id"].get_string().get(run_id) != simdjson::SUCCESS ||
      root["host"].get_string().get(host) != simdjson::SUCCESS ||
      root["pid"].get_int64().get(holder.pid) != simdjson::SUCCESS ||
      root["expires_unix"].get_int64().get(holder.expires_unix) != simdjson::SUCCESS) {
    return Status::InvalidData(fmt::format(
        "{}: not a StreamPro lake lock; if no run is active, delete it and run again", uri));
  }
  holder.run_id = std::string(run_id);
  holder.host = std::string(host);
  return holder;
}

}  // namespace

struct LakeLock::State {
  std::shared_ptr<const Lake> lake;
  std::string run_id;
  std::string staging_dir;
  std::string scratch_dir;
  LakeRecovery recovery;
  int fd = -1;
  mutable std::atomic<int64_t> next_sequence{1};
  mutable std::mutex published_mutex;
  mutable std::vector<std::string> published;

  // S3 lake: the lock object and the thread renewing its lease.
  bool remote = false;
  std::string lock_uri;
  std::thread renewer;
  std::mutex renew_mutex;
  std::condition_variable renew_wake;
  bool stopping = false;

  ~State() {
    if (remote) {
      ReleaseRemote();
      return;
    }
    if (fd < 0) return;
    std::error_code ec;
    std::filesystem::remove_all(staging_dir, ec);
    ::close(fd);  // releases the flock
  }

  void ReleaseRemote() {
    if (renewer.joinable()) {
      {
        std::lock_guard guard(renew_mutex);
        stopping = true;
      }
      renew_wake.notify_all();
      renewer.join();
    }
    std::error_code ec;
    if (!scratch_dir.empty()) std::filesystem::remove_all(scratch_dir, ec);
    if (lock_uri.empty()) return;
    // Best effort: our staging prefix is empty after a clean run; delete the lock only if
    // it is still ours (an expired lease may have been taken over).
    (void)internal::RemoveObjectsUnder(*lake, staging_dir);
    Result<std::string> current = lake->Read(lock_uri);
    if (!current.ok()) return;
    if (Result<LockHolder> holder = ParseLockBody(*current, lock_uri);
        holder.ok() && holder->run_id == run_id) {
      (void)lake->Delete(lock_uri);
    }
  }
};

namespace {

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string LockBody(const std::string& run_id, int64_t expires) {
  return fmt::format("{{\"run_id\": {}, \"host\": {}, \"pid\": {}, \"expires_unix\": {}}}\n",
                     JsonString(run_id), JsonString(HostName()), ::getpid(), expires);
}

bool HolderIsGone(const LockHolder& holder) {
  if (holder.expires_unix < UnixNow()) return true;
  return holder.host == HostName() && ProcessIsGone(holder.pid);
}

// Takes the lock object of an S3 lake, or fails naming the live holder.
Status AcquireRemote(LakeLock::State* state) {
  const Lake& lake = *state->lake;
  const std::string lock_uri = lake.Uri(kLockFileName);
  ASSIGN_OR_RETURN(const std::string lock_key, lake.KeyOf(lock_uri));
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string body = LockBody(state->run_id, UnixNow() + kS3LeaseSeconds);
    ASSIGN_OR_RETURN(const bool created, lake.store().PutIfAbsent(lock_key, body));
    if (created) {
      // Two runs that both took over the same expired lock: only one body survives.
      ASSIGN_OR_RETURN(const std::string now_there, lake.Read(lock_uri));
      if (now_there == body) {
        state->lock_uri = lock_uri;  // from here on, released by ~State
        return Status::OK();
      }
      continue;
    }
    Result<std::string> existing = lake.Read(lock_uri);
    if (!existing.ok()) {
      if (existing.status().code() == StatusCode::kNotFound) continue;  // released meanwhile
      return existing.status();
    }
    ASSIGN_OR_RETURN(const LockHolder holder, ParseLockBody(*existing, lock_uri));
    if (!HolderIsGone(holder)) {
      return Status::IOError(fmt::format(
          "{}: another StreamPro run holds the lake lock (pid {} on {}, run {}, lease ends in "
          "{} s); wait for it to finish",
          lock_uri, holder.pid, holder.host, holder.run_id, holder.expires_unix - UnixNow()));
    }
    state->recovery.taken_over_lock = holder.run_id;
    RETURN_NOT_OK(lake.Delete(lock_uri));
  }
  return Status::IOError(fmt::format(
      "{}: could not take the lake lock (another run took it at the same time)", lock_uri));
}

void RenewLease(LakeLock::State* state) {
  std::unique_lock guard(state->renew_mutex);
  while (!state->renew_wake.wait_for(guard, std::chrono::seconds(kS3LeaseSeconds / 4),
                                     [&] { return state->stopping; })) {
    guard.unlock();
    (void)state->lake->Write(state->lock_uri, LockBody(state->run_id, UnixNow() + kS3LeaseSeconds));
    guard.lock();
  }
}

// The pid inside a run id (`{stamp}-{pid}-{random}`), or 0 when `run_id` is not one.
int64_t PidOfRunId(std::string_view run_id) {
  const size_t first = run_id.find('-');
  const size_t last = run_id.rfind('-');
  if (first != 16 || last == first || run_id.size() - last - 1 != 8) return 0;
  const std::string_view digits = run_id.substr(first + 1, last - first - 1);
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return 0;
  }
  return ParseInt64(digits).value_or(0);
}

// Removes the local scratch folders (`{tmp}/streampro-{run_id}`) of S3 runs on this host
// whose process is gone: a run that was killed cannot remove its own, and one may hold
// spilled columns. Best effort; a folder of a live process or of another user is kept.
void RemoveDeadScratchFolders(const std::string& tmp, LakeRecovery* recovery) {
  std::error_code ec;
  std::filesystem::directory_iterator entries(tmp, ec);
  if (ec) return;
  constexpr std::string_view kPrefix = "streampro-";
  for (const auto& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kPrefix)) continue;
    const int64_t pid = PidOfRunId(std::string_view(name).substr(kPrefix.size()));
    if (pid <= 0 || !entry.is_directory(ec)) continue;
    if (!ProcessIsGone(pid)) continue;  // alive, or not ours to judge
    if (std::filesystem::remove_all(entry.path(), ec) != static_cast<std::uintmax_t>(-1) && !ec) {
      recovery->removed_scratch.push_back(entry.path().string());
    }
  }
}

Status AcquireS3(LakeLock::State* state) {
  state->remote = true;
  state->staging_dir = state->lake->Uri(fmt::format("{}/{}", kStagingFolderName, state->run_id));
  const char* tmp_env = std::getenv("TMPDIR");
  const std::string tmp = tmp_env != nullptr && *tmp_env ? tmp_env : "/tmp";
  state->scratch_dir = fmt::format("{}/streampro-{}", tmp, state->run_id);
  RETURN_NOT_OK(AcquireRemote(state));
  state->renewer = std::thread(RenewLease, state);
  RETURN_NOT_OK(state->lake->protocol().Recover(*state->lake, state->run_id, &state->recovery));
  RemoveDeadScratchFolders(tmp, &state->recovery);
  return CreateDirectories(state->scratch_dir);
}

}  // namespace

LakeLock::LakeLock(std::unique_ptr<State> state) : state_(std::move(state)) {}
LakeLock::LakeLock(LakeLock&&) noexcept = default;
LakeLock& LakeLock::operator=(LakeLock&&) noexcept = default;
LakeLock::~LakeLock() = default;

Result<LakeLock> LakeLock::Acquire(std::shared_ptr<const Lake> lake) {
  auto state = std::make_unique<State>();
  state->lake = std::move(lake);
  state->run_id = NewRunId();
  const std::optional<std::string> local_root = state->lake->local_root();
  if (!local_root) {
    RETURN_NOT_OK(AcquireS3(state.get()));
    return LakeLock(std::move(state));
  }
  const std::string& root = *local_root;
  RETURN_NOT_OK(CreateDirectories(root));
  const std::string lock_path = fmt::format("{}/{}", root, kLockFileName);
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
  state->staging_dir = fmt::format("{}/{}/{}", root, kStagingFolderName, state->run_id);
  // Who holds the lock, for the message a second run prints. Advisory text only.
  const std::string holder = fmt::format("pid {}, run {}\n", ::getpid(), state->run_id);
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, holder.data(), holder.size(), 0) != static_cast<ssize_t>(holder.size())) {
    return internal::ErrnoStatus("write", lock_path);
  }
  RETURN_NOT_OK(state->lake->protocol().Recover(*state->lake, state->run_id, &state->recovery));
  RETURN_NOT_OK(CreateDirectories(state->staging_dir));
  state->scratch_dir = state->staging_dir;
  return LakeLock(std::move(state));
}

const Lake& LakeLock::lake() const {
  return *state_->lake;
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

bool LakeLock::remote() const {
  return state_->remote;
}
const std::string& LakeLock::scratch_dir() const {
  return state_->scratch_dir;
}

std::string LakeLock::NewStagingPath(std::string_view label) const {
  const int64_t sequence = state_->next_sequence.fetch_add(1);
  return fmt::format("{}/{:05}-{}", state_->staging_dir, sequence, label);
}

std::string LakeLock::NewScratchPath(std::string_view label) const {
  const int64_t sequence = state_->next_sequence.fetch_add(1);
  return fmt::format("{}/{:05}-{}", state_->scratch_dir, sequence, label);
}

std::vector<std::string> LakeLock::published() const {
  std::lock_guard guard(state_->published_mutex);
  return state_->published;
}

void LakeLock::RecordPublished(std::string relative_key) const {
  std::lock_guard guard(state_->published_mutex);
  state_->published.push_back(std::move(relative_key));
}

std::string NewRunId() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &utc);
  std::random_device random;
  return fmt::format("{}-{}-{:08x}", stamp, ::getpid(), random());
}

Result<std::optional<LockHolderInfo>> ReadLockHolder(const Lake& lake) {
  const std::string lock_uri = lake.Uri(kLockFileName);
  ASSIGN_OR_RETURN(const std::optional<std::string> body, lake.ReadIfExists(lock_uri));
  if (!body) return std::optional<LockHolderInfo>();
  LockHolderInfo info;
  if (!lake.local_root()) {
    ASSIGN_OR_RETURN(const LockHolder holder, ParseLockBody(*body, lock_uri));
    info.run_id = holder.run_id;
    info.pid = holder.pid;
    info.host = holder.host;
    info.expires_unix = holder.expires_unix;
    info.live = !HolderIsGone(holder);
    return std::optional<LockHolderInfo>(std::move(info));
  }
  // The local lock file holds `pid N, run R` (advisory text, kept after the run ends).
  const size_t run = body->find(", run ");
  if (!body->starts_with("pid ") || run == std::string::npos) {
    return std::optional<LockHolderInfo>();
  }
  info.pid = ParseInt64(std::string_view(*body).substr(4, run - 4)).value_or(0);
  info.run_id = body->substr(run + 6);
  while (!info.run_id.empty() && (info.run_id.back() == '\n' || info.run_id.back() == ' ')) {
    info.run_id.pop_back();
  }
  std::error_code ec;
  const std::string staging =
      fmt::format("{}/{}/{}", *lake.local_root(), kStagingFolderName, info.run_id);
  info.live = info.pid > 0 && !ProcessIsGone(info.pid) && !info.run_id.empty() &&
              std::filesystem::is_directory(staging, ec);
  return std::optional<LockHolderInfo>(std::move(info));
}

Result<std::vector<StagedRun>> ListStagedRuns(const Lake& lake) {
  const std::string staging_uri = lake.Uri(kStagingFolderName);
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, lake.List(staging_uri));
  std::map<std::string, StagedRun> runs;
  std::map<std::string, std::set<std::string>> labels;
  const std::string prefix = staging_uri + "/";
  for (const storage::ObjectInfo& object : objects) {
    std::string_view rest(object.key);
    if (!rest.starts_with(prefix)) continue;
    rest.remove_prefix(prefix.size());
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) continue;
    const std::string run_id(rest.substr(0, slash));
    StagedRun& run = runs[run_id];
    run.run_id = run_id;
    ++run.files;
    run.bytes += object.size;
    // `{NNNNN}-{label}/...` or `{NNNNN}-{label}.recover`.
    std::string_view entry = rest.substr(slash + 1);
    entry = entry.substr(0, entry.find('/'));
    if (entry.ends_with(".recover")) entry.remove_suffix(std::string_view(".recover").size());
    const size_t dash = entry.find('-');
    if (dash != std::string_view::npos &&
        entry.substr(0, dash).find_first_not_of("0123456789") == std::string_view::npos) {
      entry.remove_prefix(dash + 1);
    }
    if (!entry.empty()) labels[run_id].insert(std::string(entry));
  }
  std::vector<StagedRun> out;
  for (auto& [run_id, run] : runs) {
    run.labels.assign(labels[run_id].begin(), labels[run_id].end());
    out.push_back(std::move(run));
  }
  return out;
}

}  // namespace streampro::lake
