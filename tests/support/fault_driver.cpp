// The streampro commands with the test seams the shipped binary does not have, for crash
// and fault tests of whole runs. Same arguments as streampro; these variables pick faults:
//   FAULT_CRASH_AFTER=STEP       end the process with exit code 86 when a commit reaches
//                                STEP (files_verified, manifest_written, moved_aside,
//                                published, iceberg_linked, iceberg_manifest_written,
//                                iceberg_metadata_written, iceberg_committed), as a crash
//                                would
//   FAULT_FAIL_WRITE=N           the Nth store write fails
//   FAULT_CUT_SHORT_WRITE=N      the Nth store write lands cut short, reported as done
//   FAULT_LOSE_REPLY=N           the Nth store write lands, its reply is lost
//   FAULT_KEY_FILTER=TEXT        only writes whose key holds TEXT count

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli.h"
#include "storage/fault_injecting_store.h"

namespace {

constexpr int kCrashExitCode = 86;

std::optional<int64_t> CountFrom(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  return std::stoll(text);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace streampro;
  cli::CliEnvironment environment;
  if (const char* step_name = std::getenv("FAULT_CRASH_AFTER")) {
    const std::optional<lake::CommitStep> step = lake::CommitStepFromName(step_name);
    if (!step) {
      std::fprintf(stderr, "fault_driver: unknown FAULT_CRASH_AFTER '%s'\n", step_name);
      return 2;
    }
    environment.commit_observer = [step = *step](lake::CommitStep reached) {
      if (reached == step) ::_exit(kCrashExitCode);
    };
  }
  storage::FaultPlan plan;
  plan.fail_write = CountFrom("FAULT_FAIL_WRITE");
  plan.cut_short_write = CountFrom("FAULT_CUT_SHORT_WRITE");
  plan.lose_reply = CountFrom("FAULT_LOSE_REPLY");
  if (const char* filter = std::getenv("FAULT_KEY_FILTER")) plan.key_filter = filter;
  if (plan.fail_write || plan.cut_short_write || plan.lose_reply) {
    environment.store_wrapper = [plan](std::shared_ptr<storage::ObjectStore> store) {
      return std::shared_ptr<storage::ObjectStore>(
          std::make_shared<storage::FaultInjectingStore>(std::move(store), plan));
    };
  }
  return cli::RunCli(argc, argv, environment);
}
