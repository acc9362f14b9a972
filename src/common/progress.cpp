#include "common/progress.h"

#include <utility>

namespace streampro {

void CancellationToken::Cancel(std::string reason) {
  std::lock_guard guard(mutex_);
  if (cancelled_.load(std::memory_order_relaxed)) return;
  reason_ = std::move(reason);
  cancelled_.store(true, std::memory_order_release);
}

Status CancellationToken::Check() const {
  if (!cancelled()) return Status::OK();
  std::lock_guard guard(mutex_);
  return Status::Cancelled(reason_);
}

void Progress::StartStage(std::string name) {
  std::lock_guard guard(mutex_);
  stage_ = std::move(name);
  phase_.clear();
  unit_ = ProgressUnit::kBytes;
  total_ = 0;
  started_ = std::chrono::steady_clock::now();
  done_.store(0, std::memory_order_relaxed);
  events_.store(0, std::memory_order_relaxed);
}

void Progress::EndStage() {
  std::lock_guard guard(mutex_);
  stage_.clear();
  phase_.clear();
}

void Progress::StartPhase(std::string phase, ProgressUnit unit, int64_t total) {
  std::lock_guard guard(mutex_);
  phase_ = std::move(phase);
  unit_ = unit;
  total_ = total;
  started_ = std::chrono::steady_clock::now();
  done_.store(0, std::memory_order_relaxed);
  events_.store(0, std::memory_order_relaxed);
}

ProgressSnapshot Progress::Snapshot() const {
  ProgressSnapshot snapshot;
  std::lock_guard guard(mutex_);
  snapshot.stage = stage_;
  snapshot.phase = phase_;
  snapshot.unit = unit_;
  snapshot.total = total_;
  snapshot.done = done_.load(std::memory_order_relaxed);
  snapshot.events = events_.load(std::memory_order_relaxed);
  snapshot.started = started_;
  return snapshot;
}

namespace {

class MonitoredFile final : public RandomAccessFile {
 public:
  MonitoredFile(std::shared_ptr<RandomAccessFile> file, RunControl control)
      : file_(std::move(file)), control_(control) {}

  const std::string& name() const override { return file_->name(); }
  int64_t size() const override { return file_->size(); }
  Status ReadAt(int64_t offset, int64_t length, std::string* out) const override {
    RETURN_NOT_OK(control_.CheckCancelled());
    RETURN_NOT_OK(file_->ReadAt(offset, length, out));
    Reached(offset + static_cast<int64_t>(out->size()));
    return Status::OK();
  }
  Result<int64_t> ReadInto(int64_t offset, std::span<char> out) const override {
    RETURN_NOT_OK(control_.CheckCancelled());
    ASSIGN_OR_RETURN(const int64_t length, file_->ReadInto(offset, out));
    Reached(offset + length);
    return length;
  }

 private:
  // Counts how far into the file reading has got, so a byte read twice (a header sniffed
  // before the chunks) counts once and the end of the file is exactly its size.
  void Reached(int64_t end) const {
    int64_t reached = reached_.load(std::memory_order_relaxed);
    while (end > reached && !reached_.compare_exchange_weak(reached, end)) {
    }
    if (end > reached) control_.Add(end - reached);
  }

  std::shared_ptr<RandomAccessFile> file_;
  RunControl control_;
  mutable std::atomic<int64_t> reached_{0};
};

}  // namespace

std::shared_ptr<RandomAccessFile> MonitorReads(std::shared_ptr<RandomAccessFile> file,
                                               RunControl control) {
  if (control.progress == nullptr && control.cancellation == nullptr) return file;
  return std::make_shared<MonitoredFile>(std::move(file), control);
}

}  // namespace streampro
