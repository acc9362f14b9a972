#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "streampro/status.h"

namespace streampro {

/// Runs `work` over a sequence of tasks on `threads` workers and hands the results to
/// `deliver` in task order, on the calling thread. At most `max_in_flight` tasks are
/// produced but not yet delivered, which bounds memory.
///
/// - `produce(Task*)` runs on the calling thread; it returns false when there are no more
///   tasks, or an error that stops the run.
/// - `work(Task&&, int worker)` runs on worker `worker` (0..threads-1) so callers can keep
///   per-thread state (a parser) in a vector indexed by it. It must be thread-safe across
///   different workers.
/// - `deliver(Output&&)` sees outputs in the order their tasks were produced.
/// The first error (from any stage, in task order for work errors) is returned; nothing is
/// delivered after it. With threads <= 1 everything runs on the calling thread.
template <typename Task, typename Output>
Status RunOrderedPipeline(int threads, int max_in_flight,
                          const std::function<Result<bool>(Task*)>& produce,
                          const std::function<Result<Output>(Task&&, int)>& work,
                          const std::function<Status(Output&&)>& deliver) {
  if (threads <= 1) {
    while (true) {
      Task task;
      ASSIGN_OR_RETURN(bool more, produce(&task));
      if (!more) return Status::OK();
      ASSIGN_OR_RETURN(Output output, work(std::move(task), 0));
      RETURN_NOT_OK(deliver(std::move(output)));
    }
  }
  if (max_in_flight < 1) max_in_flight = 1;

  std::mutex mutex;
  std::condition_variable task_ready;
  std::condition_variable output_ready;
  std::deque<std::pair<int64_t, Task>> queue;
  std::map<int64_t, Result<Output>> done;
  bool stop = false;

  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(threads));
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      while (true) {
        std::pair<int64_t, Task> item;
        {
          std::unique_lock lock(mutex);
          task_ready.wait(lock, [&] { return stop || !queue.empty(); });
          if (stop) return;
          item = std::move(queue.front());
          queue.pop_front();
        }
        Result<Output> output = work(std::move(item.second), w);
        {
          std::lock_guard lock(mutex);
          done.emplace(item.first, std::move(output));
        }
        output_ready.notify_all();
      }
    });
  }

  Status status;
  int64_t produced = 0;
  int64_t delivered = 0;
  bool exhausted = false;
  while (status.ok()) {
    while (!exhausted && produced - delivered < max_in_flight) {
      Task task;
      Result<bool> more = produce(&task);
      if (!more.ok()) {
        status = more.status();
        break;
      }
      if (!*more) {
        exhausted = true;
        break;
      }
      {
        std::lock_guard lock(mutex);
        queue.emplace_back(produced++, std::move(task));
      }
      task_ready.notify_one();
    }
    if (!status.ok() || (exhausted && delivered == produced)) break;

    std::optional<Result<Output>> next;
    {
      std::unique_lock lock(mutex);
      output_ready.wait(lock, [&] { return done.count(delivered) > 0; });
      auto it = done.find(delivered);
      next.emplace(std::move(it->second));
      done.erase(it);
    }
    ++delivered;
    if (!next->ok()) {
      status = next->status();
      break;
    }
    status = deliver(std::move(*next).value());
  }

  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  task_ready.notify_all();
  for (std::thread& worker : workers) worker.join();
  return status;
}

}  // namespace streampro
