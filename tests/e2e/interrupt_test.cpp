// Live progress and Ctrl-C through the real binary, on 1M generated events (about 295 MB):
// the line redrawn in place in a pseudo-terminal, plain lines in a log, none with --quiet,
// and a run stopped mid-stage by Ctrl-C, SIGINT or SIGTERM: exit 130, the published lake as
// it was (or exactly the partitions the message names), nothing staged, the lock released.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "e2e/e2e_support.h"
#include "support/temp_dir.h"

namespace streampro::e2e {
namespace {

constexpr char kDate[] = "2025-09-09";
// Every file of the lake and its bytes, but the lock file (each run writes its pid there).
std::map<std::string, std::string> LakeBytes(const std::string& lake) {
  std::map<std::string, std::string> bytes;
  for (const std::string& file : ListFiles(lake)) {
    // The lock file and the run log (one new entry per run, checked below) aside.
    if (file != "_lock" && !file.starts_with("_runs/")) {
      bytes[file] = ReadFileOrEmpty(lake + "/" + file);
    }
  }
  return bytes;
}

std::vector<std::string> StagingEntries(const std::string& lake) {
  std::vector<std::string> entries;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(lake + "/_staging", ec)) {
    entries.push_back(entry.path().filename().string());
  }
  return entries;
}

class InterruptTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    landing_ = *dir_ / "landing";
    const RunResult generated =
        RunStreampro({"generate", "--out", landing_, "--events", "1000000", "--seed", "17"});
    ASSERT_EQ(generated.exit_code, 0) << generated.err;
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::vector<std::string> Pipeline(const std::string& lake,
                                           std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"pipeline", "--env",  "test", "--landing",
                                     landing_,   "--lake", lake,   "--ingestion-date",
                                     kDate};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // The raw files of kDate: what the trusted stage reads, "295.2 MB" for this data.
  static std::string RawBytesText() {
    int64_t bytes = 0;
    for (const char* table : {"users", "videos", "devices"}) {
      bytes += static_cast<int64_t>(
          std::filesystem::file_size(fmt::format("{}/{}_{}.csv", landing_, table, kDate)));
    }
    bytes += static_cast<int64_t>(
        std::filesystem::file_size(fmt::format("{}/events_{}.jsonl", landing_, kDate)));
    return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
  }

  static testing::TempDir* dir_;
  static std::string landing_;
};

testing::TempDir* InterruptTest::dir_ = nullptr;
std::string InterruptTest::landing_;

// Whether `out` holds a redraw of the trusted stage's line in the documented form:
// "\rto-trusted: reading raw files N [kMG]B of TOTAL (P%), R [kMG]B/s[, E[kM] events/s],
// (S s left|finishing)\033[K". Matched by hand: <regex> does not build with GCC 12 under
// ASan and -Werror (-Wmaybe-uninitialized inside libstdc++).
bool HasTrustedProgressLine(const std::string& out, const std::string& total) {
  const std::string prefix = "\rto-trusted: reading raw files ";
  for (size_t at = out.find(prefix); at != std::string::npos; at = out.find(prefix, at + 1)) {
    std::string_view rest = std::string_view(out).substr(at + prefix.size());
    const auto number = [&rest](bool with_dot) {
      size_t n = 0;
      while (n < rest.size() &&
             ((rest[n] >= '0' && rest[n] <= '9') || (with_dot && rest[n] == '.'))) {
        ++n;
      }
      rest.remove_prefix(n);
      return n > 0;
    };
    const auto literal = [&rest](std::string_view text) {
      if (!rest.starts_with(text)) return false;
      rest.remove_prefix(text.size());
      return true;
    };
    const auto unit = [&rest](std::string_view units) {
      if (!rest.empty() && units.find(rest.front()) != std::string_view::npos)
        rest.remove_prefix(1);
    };
    if (!number(true) || !literal(" ")) continue;
    unit("kMG");
    const std::string of_total = "B of " + total + " (";
    if (!literal(of_total) || !number(false) || !literal("%), ") || !number(true) ||
        !literal(" ")) {
      continue;
    }
    unit("kMG");
    if (!literal("B/s, ")) continue;
    const std::string_view before_events = rest;
    if (number(true)) {
      unit("kM");
      if (literal(" events/s")) {
        if (!literal(", ")) continue;
      } else {
        rest = before_events;
      }
    }
    const std::string_view before_tail = rest;
    const bool tail =
        (number(false) && literal(" s left")) || ((rest = before_tail), literal("finishing"));
    if (tail && literal("\033[K")) return true;
  }
  return false;
}

// In a terminal: each stage's line is redrawn in place with amounts, a rate and the time
// left; Ctrl-C in the middle of to-trusted stops the run, and the message names the raw
// partitions this run had published before it.
TEST_F(InterruptTest, ProgressRedrawsInATerminalAndCtrlCStopsMidStage) {
  testing::TempDir lake;
  LiveRun run(Pipeline(lake.path()), {{"STREAMPRO_PROGRESS_INTERVAL_MS", "100"}},
              /*terminal=*/true);
  ASSERT_TRUE(run.started());
  // A redraw of the trusted stage's line: the previous one cleared to its end, then \r.
  ASSERT_TRUE(run.WaitFor("\033[K\rto-trusted: reading raw files ")) << run.output();
  ASSERT_TRUE(run.Type("\x03"));
  const int exit_code = run.Wait();
  const std::string& out = run.output();
  EXPECT_EQ(exit_code, 130) << out;

  EXPECT_TRUE(HasTrustedProgressLine(out, RawBytesText())) << out;
  EXPECT_NE(out.find("\r\033[Kstreampro: SIGINT received: stopping at the next safe point"),
            std::string::npos)
      << out;
  // to-raw copies beside to-trusted: the events copy was published before the Ctrl-C or
  // stopped with the run. The message names exactly the raw partitions in the lake.
  const size_t raw_files = ListFiles(lake.path(), "raw/").size();
  ASSERT_TRUE(raw_files == 6u || raw_files == 8u) << raw_files;  // the files and manifests
  std::string raw_partitions = fmt::format(
      "raw/users/ingestion_date={0}, raw/videos/ingestion_date={0}, "
      "raw/devices/ingestion_date={0}",
      kDate);
  if (raw_files == 8u) raw_partitions += fmt::format(", raw/events/ingestion_date={}", kDate);
  EXPECT_NE(out.find(fmt::format(
                "streampro: error: interrupted by SIGINT during to-trusted for {}: published "
                "before the interruption: {}; nothing else was published; staged files removed, "
                "lake lock released",
                kDate, raw_partitions)),
            std::string::npos)
      << out;

  EXPECT_TRUE(StagingEntries(lake.path()).empty());
  EXPECT_TRUE(ListFiles(lake.path(), "trusted/").empty());
  // The lock is free: the next run completes the lake.
  const RunResult next = RunStreampro(Pipeline(lake.path(), {"--quiet"}));
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(ListFiles(lake.path(), "raw/").size(), 8u);
}

// In a log: --quiet prints no progress, SIGINT during to-trusted of a re-run leaves the lake
// byte for byte, SIGTERM during to-enriched names the trusted partitions it replaced, and a
// run after them prints plain progress lines and succeeds.
TEST_F(InterruptTest, SignalsStopAReRunAndLeaveThePublishedLakeAsTheMessageSays) {
  testing::TempDir lake;
  const std::map<std::string, std::string> fast = {{"STREAMPRO_PROGRESS_INTERVAL_MS", "100"}};
  const RunResult quiet = RunStreampro(Pipeline(lake.path(), {"--quiet"}), fast);
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("progress:"), std::string::npos) << quiet.err;
  EXPECT_EQ(quiet.err.find('\r'), std::string::npos) << quiet.err;
  const std::map<std::string, std::string> before = LakeBytes(lake.path());
  const std::string report_before = ReadFileOrEmpty(ReportPath(lake.path(), kDate));
  ASSERT_FALSE(report_before.empty());

  const RunResult sigint =
      SignalWhen(Pipeline(lake.path()), fast, "\nprogress: to-trusted: reading raw files ", SIGINT);
  EXPECT_EQ(sigint.exit_code, 130) << sigint.err;
  EXPECT_NE(sigint.err.find(fmt::format(
                "\nstreampro: error: interrupted by SIGINT during to-trusted for {}: nothing was "
                "published; staged files removed, lake lock released\n",
                kDate)),
            std::string::npos)
      << sigint.err;
  EXPECT_TRUE(StagingEntries(lake.path()).empty());
  EXPECT_TRUE(LakeBytes(lake.path()) == before) << "the lake changed";

  const RunResult sigterm = SignalWhen(Pipeline(lake.path()), fast,
                                       "\nprogress: to-enriched: sessions and journeys ", SIGTERM);
  EXPECT_EQ(sigterm.exit_code, 130) << sigterm.err;
  EXPECT_NE(sigterm.err.find(fmt::format(
                "\nstreampro: error: interrupted by SIGTERM during to-enriched for {0}: "
                "published before the interruption: trusted/users/ingestion_date={0}, "
                "trusted/videos/ingestion_date={0}, trusted/devices/ingestion_date={0}, "
                "trusted/events/ingestion_date={0}, trusted/_rejects/ingestion_date={0}; "
                "nothing else was published; staged files removed, lake lock released\n",
                kDate)),
            std::string::npos)
      << sigterm.err;
  EXPECT_TRUE(StagingEntries(lake.path()).empty());
  // Raw (unchanged files), enriched and the report are as they were.
  const std::map<std::string, std::string> after = LakeBytes(lake.path());
  for (const auto& [file, bytes] : before) {
    if (file.starts_with("trusted/")) continue;
    const auto it = after.find(file);
    EXPECT_TRUE(it != after.end() && it->second == bytes) << file << " changed";
  }

  // The lock was released: the next run succeeds, with a plain progress line per interval.
  const RunResult next = RunStreampro(Pipeline(lake.path()), fast);
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(next.err.find("\nprogress: to-trusted: reading raw files "), std::string::npos)
      << next.err;
  EXPECT_EQ(next.err.find('\r'), std::string::npos) << next.err;
  EXPECT_TRUE(StagingEntries(lake.path()).empty());
  // The run log holds the two interrupted runs: exit 130, the date `interrupted`, and the
  // error line as printed.
  std::vector<std::string> interrupted_errors;
  for (const std::string& file : ListFiles(lake.path(), "_runs/")) {
    const JsonDocument entry(ReadFileOrEmpty(lake.path() + "/" + file));
    if (entry.Double("/exit_code") != 130) continue;
    EXPECT_EQ(entry.String("/outcome"), "failed") << entry.text();
    EXPECT_EQ(entry.String("/dates/0/outcome"), "interrupted") << entry.text();
    interrupted_errors.push_back(entry.String("/error"));
  }
  ASSERT_EQ(interrupted_errors.size(), 2u);
  for (const std::string& error : interrupted_errors) {
    EXPECT_TRUE(sigint.err.find(error) != std::string::npos ||
                sigterm.err.find(error) != std::string::npos)
        << error;
  }

  // Same landing files, same answers.
  const JsonDocument first(report_before);
  const std::unique_ptr<JsonDocument> last = ReadReport(lake.path(), kDate);
  for (const char* pointer : {"/tables", "/q1", "/q2", "/q3"}) {
    EXPECT_EQ(last->Minified(pointer), first.Minified(pointer)) << pointer;
  }
}

}  // namespace
}  // namespace streampro::e2e
