#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "streampro/status.h"

namespace streampro::pipeline {

/// Runs `work(i)` for i in [0, count) on up to `threads` threads (work items are taken in
/// index order). Stops handing out items after the first error and returns it (the error
/// of the lowest index among those that failed).
inline Status ParallelFor(size_t count, int threads, const std::function<Status(size_t)>& work) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  size_t error_index = count;
  Status error = Status::OK();
  const auto run = [&] {
    while (!failed.load(std::memory_order_relaxed)) {
      const size_t i = next.fetch_add(1);
      if (i >= count) return;
      Status status = work(i);
      if (!status.ok()) {
        std::lock_guard<std::mutex> guard(mutex);
        if (i < error_index) {
          error_index = i;
          error = std::move(status);
        }
        failed.store(true);
      }
    }
  };
  const size_t workers = std::min<size_t>(count, static_cast<size_t>(std::max(threads, 1)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(run);
  run();
  for (auto& thread : pool) thread.join();
  return error;
}

}  // namespace streampro::pipeline
