#include "pipeline/read_pacer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "storage/forwarding_store.h"

namespace streampro::pipeline {

namespace {

enum Role : uint8_t { kLeader = 0, kFollower = 1 };

// Pages both readers have read are dropped in steps of at least this many bytes.
constexpr int64_t kDropStep = int64_t{32} << 20;
constexpr int64_t kPageBytes = 4096;

}  // namespace

struct ReadPacer::Shared {
  // One file both may read.
  struct Track {
    int64_t read_to[2] = {0, 0};  // how far each reader has read
    bool closed[2] = {false, false};
    int fd = -1;  // for posix_fadvise; -1 when not local or not opened
    int64_t dropped_to = 0;
  };

  explicit Shared(int64_t window_bytes) : window(window_bytes) {}
  ~Shared() {
    for (auto& [key, track] : tracks) {
      if (track.fd >= 0) ::close(track.fd);
    }
  }

  // The track of `key`, created with a descriptor of its local path at first use.
  Track& TrackOf(const std::string& key, const std::optional<std::string>& local) {
    auto [it, created] = tracks.try_emplace(key);
    if (created && local) it->second.fd = ::open(local->c_str(), O_RDONLY | O_CLOEXEC);
    return it->second;
  }

  // The leader, about to read up to `end`: waits while that is more than `window` ahead
  // of a follower that will read on.
  void WaitForRoom(Track& track, int64_t end) {
    std::unique_lock guard(mutex);
    moved.wait(guard, [&] {
      return released || track.closed[kFollower] || end <= track.read_to[kFollower] + window;
    });
  }

  void Advance(Track& track, Role role, int64_t end) {
    std::lock_guard guard(mutex);
    track.read_to[role] = std::max(track.read_to[role], end);
    DropBehind(track);
    moved.notify_all();
  }

  void Close(Track& track, Role role) {
    std::lock_guard guard(mutex);
    track.closed[role] = true;
    moved.notify_all();
  }

  void Release() {
    std::lock_guard guard(mutex);
    released = true;
    moved.notify_all();
  }

  // Drops the pages both readers have passed. A reader that never opened the file (the
  // copy of a file raw already holds) has read nothing: nothing is dropped then.
  void DropBehind(Track& track) const {
    if (track.fd < 0) return;
    const int64_t both = std::min(track.read_to[kLeader], track.read_to[kFollower]);
    const int64_t to = both / kPageBytes * kPageBytes;
    if (to - track.dropped_to < kDropStep) return;
    // Advice only: a failure leaves the pages cached, which is harmless.
    (void)::posix_fadvise(track.fd, track.dropped_to, to - track.dropped_to, POSIX_FADV_DONTNEED);
    track.dropped_to = to;
  }

  const int64_t window;
  std::mutex mutex;
  std::condition_variable moved;
  bool released = false;
  std::map<std::string, Track> tracks;  // by key; nodes never move
};

namespace {

// A file read as one of the two readers.
class PacedFile final : public RandomAccessFile {
 public:
  PacedFile(std::unique_ptr<RandomAccessFile> file, std::shared_ptr<ReadPacer::Shared> shared,
            ReadPacer::Shared::Track* track, Role role)
      : file_(std::move(file)), shared_(std::move(shared)), track_(track), role_(role) {}
  ~PacedFile() override { shared_->Close(*track_, role_); }
  PacedFile(const PacedFile&) = delete;
  PacedFile& operator=(const PacedFile&) = delete;

  const std::string& name() const override { return file_->name(); }
  int64_t size() const override { return file_->size(); }
  Status ReadAt(int64_t offset, int64_t length, std::string* out) const override {
    BeforeRead(offset, length);
    RETURN_NOT_OK(file_->ReadAt(offset, length, out));
    shared_->Advance(*track_, role_, offset + static_cast<int64_t>(out->size()));
    return Status::OK();
  }
  Result<int64_t> ReadInto(int64_t offset, std::span<char> out) const override {
    BeforeRead(offset, static_cast<int64_t>(out.size()));
    ASSIGN_OR_RETURN(const int64_t read, file_->ReadInto(offset, out));
    shared_->Advance(*track_, role_, offset + read);
    return read;
  }

 private:
  void BeforeRead(int64_t offset, int64_t length) const {
    if (role_ == kLeader) shared_->WaitForRoom(*track_, std::min(offset + length, size()));
  }

  std::unique_ptr<RandomAccessFile> file_;
  std::shared_ptr<ReadPacer::Shared> shared_;
  ReadPacer::Shared::Track* track_;
  Role role_;
};

// `base`, whose OpenRead gives PacedFiles of one role.
class PacedStore final : public storage::ForwardingStore {
 public:
  PacedStore(std::shared_ptr<ObjectStore> base, std::shared_ptr<ReadPacer::Shared> shared,
             Role role)
      : ForwardingStore(std::move(base)), shared_(std::move(shared)), role_(role) {}

  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& key) override {
    ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> opened, base_->OpenRead(key));
    ReadPacer::Shared::Track* track;
    {
      std::lock_guard guard(shared_->mutex);
      track = &shared_->TrackOf(key, base_->LocalPath(key));
    }
    return std::unique_ptr<RandomAccessFile>(
        std::make_unique<PacedFile>(std::move(opened), shared_, track, role_));
  }

 private:
  std::shared_ptr<ReadPacer::Shared> shared_;
  Role role_;
};

}  // namespace

ReadPacer::ReadPacer(int64_t window) : shared_(std::make_shared<Shared>(window)) {}

std::shared_ptr<storage::ObjectStore> ReadPacer::Leader(
    std::shared_ptr<storage::ObjectStore> store) const {
  return std::make_shared<PacedStore>(std::move(store), shared_, kLeader);
}

std::shared_ptr<storage::ObjectStore> ReadPacer::Follower(
    std::shared_ptr<storage::ObjectStore> store) const {
  return std::make_shared<PacedStore>(std::move(store), shared_, kFollower);
}

void ReadPacer::ReleaseLeader() const {
  shared_->Release();
}

}  // namespace streampro::pipeline
