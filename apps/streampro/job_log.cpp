// The run log a job leaves (job.h, pipeline/run_log.h).

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "common/file.h"
#include "common/timestamp.h"
#include "job.h"
#include "streampro/version.h"

namespace streampro::cli {

std::string DateList(const std::vector<Date>& dates) {
  constexpr size_t kShown = 5;
  std::string out;
  for (size_t i = 0; i < dates.size() && i < kShown; ++i) {
    out += fmt::format("{}{}", i == 0 ? "" : ", ", FormatIsoDate(dates[i]));
  }
  if (dates.size() > kShown) out += fmt::format(" and {} more", dates.size() - kShown);
  return out;
}

void PrintWarning(const std::string& message) {
  std::string line = message;
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  std::fprintf(stderr, "streampro: warning: %s\n", line.c_str());
}

pipeline::DateRun* JobContext::LoggedDate() const {
  return log != nullptr ? log->current() : nullptr;
}

JobLog::JobLog(std::string command, const JobContext& context)
    : context_(context), started_micros_(UtcNowMicros()) {
  record_.command = std::move(command);
  record_.started_at = FormatIsoTimestamp(started_micros_);
  record_.lake = context.lake;
  record_.landing = context.landing;
  record_.host = HostName();
  record_.pid = ::getpid();
  record_.version = std::string(kVersion);
}

void JobLog::Locked(const lake::LakeLock& lock) {
  record_.run_id = lock.run_id();
  locked_ = true;
}

pipeline::DateRun& JobLog::BeginDate(Date date) {
  record_.dates.emplace_back();
  record_.dates.back().date = date;
  return record_.dates.back();
}

pipeline::DateRun* JobLog::current() {
  return record_.dates.empty() ? nullptr : &record_.dates.back();
}

void JobLog::AddStage(std::string stage, double seconds) {
  if (pipeline::DateRun* date = current()) date->stages.push_back({std::move(stage), seconds});
}

std::string DateOutcome(const Status& status) {
  if (status.ok()) return "built";
  return status.code() == StatusCode::kCancelled ? "interrupted" : "failed";
}

Status JobLog::Finish(Status status) {
  record_.succeeded = status.ok();
  record_.exit_code = ExitCodeFor(status);
  record_.error = status.ok() ? std::string() : status.message();
  record_.seconds = static_cast<double>(UtcNowMicros() - started_micros_) / 1e6;
  for (pipeline::DateRun& date : record_.dates) {
    if (date.outcome.empty()) date.outcome = DateOutcome(status);
    if (date.seconds == 0) {
      for (const pipeline::StageTime& stage : date.stages) date.seconds += stage.seconds;
    }
  }
  Result<std::shared_ptr<const lake::Lake>> lake =
      OpenLake(context_.storage, context_.lake, *context_.environment);
  if (!locked_) {
    // Failed before it held the lock: logged into an existing run log only; anything that
    // stops us from telling is the failure already reported.
    if (!lake.ok()) return status;
    const Result<bool> has_log = pipeline::HasRunLog(**lake);
    if (!has_log.ok() || !*has_log) return status;
    record_.run_id = lake::NewRunId();
  }
  const Status written = lake.ok() ? pipeline::WriteRunRecord(**lake, record_) : lake.status();
  if (!written.ok()) {
    PrintWarning(fmt::format("the run log entry was not written: {}", written.message()));
  }
  return status;
}

}  // namespace streampro::cli
