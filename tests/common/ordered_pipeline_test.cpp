#include "common/ordered_pipeline.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace streampro {
namespace {

struct Result3 {
  int task;
  int worker;
};

TEST(OrderedPipelineTest, DeliversInTaskOrderWhateverTheThreads) {
  for (int threads : {1, 2, 4, 8}) {
    int next = 0;
    std::vector<int> delivered;
    const std::function<Result<bool>(int*)> produce = [&](int* task) -> Result<bool> {
      if (next == 200) return false;
      *task = next++;
      return true;
    };
    const std::function<Result<Result3>(int&&, int)> work = [&](int&& task,
                                                                int worker) -> Result<Result3> {
      EXPECT_GE(worker, 0);
      EXPECT_LT(worker, std::max(threads, 1));
      // Later tasks finish sooner, so out-of-order completion is exercised.
      std::this_thread::sleep_for(std::chrono::microseconds((200 - task) % 7 * 50));
      return Result3{task, worker};
    };
    const std::function<Status(Result3 &&)> deliver = [&](Result3&& r) {
      delivered.push_back(r.task);
      // Never more than max_in_flight produced but undelivered.
      EXPECT_LE(next - static_cast<int>(delivered.size()), 3);
      return Status::OK();
    };
    ASSERT_TRUE((RunOrderedPipeline<int, Result3>(threads, 3, produce, work, deliver)).ok());
    ASSERT_EQ(delivered.size(), 200u);
    for (int i = 0; i < 200; ++i) EXPECT_EQ(delivered[static_cast<size_t>(i)], i);
  }
}

TEST(OrderedPipelineTest, StopsAtTheFirstErrorInTaskOrder) {
  for (int threads : {1, 3}) {
    int next = 0;
    std::vector<int> delivered;
    const std::function<Result<bool>(int*)> produce = [&](int* task) -> Result<bool> {
      if (next == 50) return false;
      *task = next++;
      return true;
    };
    const std::function<Result<int>(int&&, int)> work = [](int&& task, int) -> Result<int> {
      if (task == 10 || task == 20) return Status::InvalidData(fmt::format("task {}", task));
      return task;
    };
    const std::function<Status(int&&)> deliver = [&](int&& r) {
      delivered.push_back(r);
      return Status::OK();
    };
    const Status status = RunOrderedPipeline<int, int>(threads, 4, produce, work, deliver);
    EXPECT_EQ(status.message(), "task 10");
    EXPECT_EQ(delivered.size(), 10u);
  }
}

TEST(OrderedPipelineTest, ProducerAndDeliverErrorsStopTheRun) {
  for (int threads : {1, 2}) {
    int next = 0;
    const std::function<Result<bool>(int*)> produce = [&](int* task) -> Result<bool> {
      if (next == 5) return Status::IOError("read failed");
      *task = next++;
      return true;
    };
    const std::function<Result<int>(int&&, int)> work = [](int&& task, int) -> Result<int> {
      return task;
    };
    const std::function<Status(int&&)> ok = [](int&&) { return Status::OK(); };
    EXPECT_EQ((RunOrderedPipeline<int, int>(threads, 2, produce, work, ok)).code(),
              StatusCode::kIOError);
    next = 0;
    const std::function<Status(int&&)> fail = [](int&& r) {
      return r == 2 ? Status::Internal("sink") : Status::OK();
    };
    EXPECT_EQ((RunOrderedPipeline<int, int>(threads, 2, produce, work, fail)).code(),
              StatusCode::kInternal);
  }
}

}  // namespace
}  // namespace streampro
