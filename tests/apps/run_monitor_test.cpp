// The progress line's text (numbers worked out by hand), the reporter thread's output in
// each mode, and the signal plumbing: SIGINT cancels the token, the handlers are restored.

#include "run_monitor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

namespace streampro::cli {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

ProgressSnapshot Snapshot(std::string phase, ProgressUnit unit, int64_t total, int64_t done,
                          int64_t events, steady_clock::time_point started) {
  ProgressSnapshot snapshot;
  snapshot.stage = "to-trusted";
  snapshot.phase = std::move(phase);
  snapshot.unit = unit;
  snapshot.total = total;
  snapshot.done = done;
  snapshot.events = events;
  snapshot.started = started;
  return snapshot;
}

TEST(FormatProgressTest, BytesWithRatesAndTimeLeft) {
  const auto start = steady_clock::now();
  // 400 MB of 1 GB in 2 s: 200 MB/s, 40 %, 600 MB left at that rate = 3 s; 2M events in
  // 2 s = 1M events/s.
  EXPECT_EQ(FormatProgress(Snapshot("reading raw files", ProgressUnit::kBytes, 1'000'000'000,
                                    400'000'000, 2'000'000, start),
                           start + seconds(2)),
            "to-trusted: reading raw files 400.0 MB of 1.00 GB (40%), 200.0 MB/s, 1.00M events/s, "
            "3 s left");
  // Small amounts in B and kB; no events, no events rate.
  EXPECT_EQ(FormatProgress(Snapshot("copying", ProgressUnit::kBytes, 2'000, 500, 0, start),
                           start + seconds(1)),
            "to-trusted: copying 500 B of 2.0 kB (25%), 500 B/s, 3 s left");
}

TEST(FormatProgressTest, BucketsAndEvents) {
  const auto start = steady_clock::now();
  // 16 of 64 buckets in 8 s: 25 %, 48 buckets left at 2 per second = 24 s; 4M events / 8 s.
  EXPECT_EQ(
      FormatProgress(Snapshot("writing events", ProgressUnit::kBuckets, 64, 16, 4'000'000, start),
                     start + seconds(8)),
      "to-trusted: writing events 16 of 64 buckets (25%), 500.0k events/s, 24 s left");
  // 5.2M of 10M events in 4 s: 52 %, 1.3M events/s, 4.8M left / 1.3M = 3.69 s -> 4 s.
  EXPECT_EQ(FormatProgress(Snapshot("sessions", ProgressUnit::kEvents, 10'000'000, 5'200'000,
                                    5'200'000, start),
                           start + seconds(4)),
            "to-trusted: sessions 5.20M of 10.00M events (52%), 1.30M events/s, 4 s left");
}

TEST(FormatProgressTest, LongWaitsUnknownTotalsAndTheEnd) {
  const auto start = steady_clock::now();
  // 1 of 100 buckets in 10 s: 99 left at 0.1 per second = 990 s = 16 min 30 s.
  EXPECT_EQ(
      FormatProgress(Snapshot("b", ProgressUnit::kBuckets, 100, 1, 0, start), start + seconds(10)),
      "to-trusted: b 1 of 100 buckets (1%), 16 min 30 s left");
  // 1 of 1000 in 10 s: 9990 s = 2 h 46 min 30 s, shown to the minute.
  EXPECT_EQ(
      FormatProgress(Snapshot("b", ProgressUnit::kBuckets, 1000, 1, 0, start), start + seconds(10)),
      "to-trusted: b 1 of 1000 buckets (0%), 2 h 46 min left");
  EXPECT_EQ(FormatProgress(Snapshot("b", ProgressUnit::kEvents, 0, 1500, 1500, start),
                           start + seconds(1)),
            "to-trusted: b 1.5k events, 1.5k events/s");
  // Done (a few bytes more than the total are counted as the total): no time left.
  EXPECT_EQ(FormatProgress(Snapshot("b", ProgressUnit::kBytes, 3'000'000, 3'000'003, 0, start),
                           start + seconds(3)),
            "to-trusted: b 3.0 MB of 3.0 MB (100%), 1.0 MB/s, finishing");
  // No time has passed: no rates.
  EXPECT_EQ(FormatProgress(Snapshot("b", ProgressUnit::kBytes, 10, 0, 0, start), start),
            "to-trusted: b 0 B of 10 B (0%)");
}

// Runs a monitor writing to a temporary file through one stage with half of 100 bytes done,
// for about `wait`; returns what it wrote.
std::string ReporterOutput(bool terminal, bool quiet, milliseconds wait) {
  std::FILE* out = std::tmpfile();
  if (out == nullptr) return "<no tmpfile>";
  {
    MonitorOptions options;
    options.terminal = terminal;
    options.quiet = quiet;
    options.interval = milliseconds(20);
    options.out = out;
    auto monitor = RunMonitor::Start(options);
    if (!monitor.ok()) return monitor.status().ToString();
    (*monitor)->BeginStage("to-raw");
    (*monitor)->control().StartPhase("copying landing files", ProgressUnit::kBytes, 100);
    (*monitor)->control().Add(50);
    std::this_thread::sleep_for(wait);
    (*monitor)->EndStage();
  }
  std::string text;
  std::rewind(out);
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), out)) > 0) text.append(buffer, n);
  std::fclose(out);
  return text;
}

TEST(RunMonitorTest, PlainLinesWhenNotATerminal) {
  const std::string text = ReporterOutput(/*terminal=*/false, /*quiet=*/false, milliseconds(300));
  EXPECT_EQ(text.rfind("progress: to-raw: copying landing files ", 0), 0u) << text;
  EXPECT_NE(text.find("\nprogress: to-raw: copying landing files 50 B of 100 B (50%), "),
            std::string::npos)
      << text;
  EXPECT_GE(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_EQ(text.find('\033'), std::string::npos) << text;
}

TEST(RunMonitorTest, OneLineRedrawnInPlaceOnATerminalAndClearedAtTheEnd) {
  const std::string text = ReporterOutput(/*terminal=*/true, /*quiet=*/false, milliseconds(300));
  EXPECT_EQ(text.rfind("\rto-raw: copying landing files ", 0), 0u) << text;
  EXPECT_NE(text.find("\033[K\rto-raw: copying landing files 50 B of 100 B (50%), "),
            std::string::npos)
      << "redrawn: " << text;
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  EXPECT_TRUE(text.ends_with("\033[K\r\033[K")) << text;
}

TEST(RunMonitorTest, QuietPrintsNothing) {
  EXPECT_EQ(ReporterOutput(/*terminal=*/true, /*quiet=*/true, milliseconds(200)), "");
  EXPECT_EQ(ReporterOutput(/*terminal=*/false, /*quiet=*/true, milliseconds(200)), "");
}

TEST(RunMonitorTest, SigintCancelsTheTokenAndTheHandlersAreRestored) {
  struct sigaction before_int {};
  struct sigaction before_term {};
  ASSERT_EQ(::sigaction(SIGINT, nullptr, &before_int), 0);
  ASSERT_EQ(::sigaction(SIGTERM, nullptr, &before_term), 0);
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    MonitorOptions options;
    options.out = out;
    options.interval = milliseconds(50);
    auto monitor = RunMonitor::Start(options);
    ASSERT_TRUE(monitor.ok()) << monitor.status().ToString();
    // Only one monitor at a time: a signal handler can reach only one.
    auto second = RunMonitor::Start(options);
    EXPECT_EQ(second.status().code(), StatusCode::kInternal);

    EXPECT_TRUE((*monitor)->control().CheckCancelled().ok());
    ASSERT_EQ(std::raise(SIGINT), 0);
    const auto deadline = steady_clock::now() + seconds(10);
    while (!(*monitor)->token().cancelled() && steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    const Status status = (*monitor)->control().CheckCancelled();
    EXPECT_EQ(status.code(), StatusCode::kCancelled);
    EXPECT_EQ(status.message(), "interrupted by SIGINT");
  }
  struct sigaction after_int {};
  struct sigaction after_term {};
  ASSERT_EQ(::sigaction(SIGINT, nullptr, &after_int), 0);
  ASSERT_EQ(::sigaction(SIGTERM, nullptr, &after_term), 0);
  EXPECT_EQ(after_int.sa_handler, before_int.sa_handler);
  EXPECT_EQ(after_term.sa_handler, before_term.sa_handler);

  std::string text(512, '\0');
  std::rewind(out);
  text.resize(std::fread(text.data(), 1, text.size(), out));
  std::fclose(out);
  EXPECT_EQ(text.rfind("streampro: SIGINT received: stopping at the next safe point", 0), 0u)
      << text;

  // A new monitor may start once the first is gone.
  MonitorOptions options;
  options.quiet = true;
  EXPECT_TRUE(RunMonitor::Start(options).ok());
}

}  // namespace
}  // namespace streampro::cli
