// Throughput of the text readers: JSONL events -> columns (with every SPEC §7 check,
// referential checks and duplicate removal) and CSV dimension -> columns, from bytes in
// memory, so the numbers measure parsing, not the disk.
// Run: build/release/bench/text_reader_benchmark [--benchmark_filter=Jsonl]

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "common/file.h"
#include "formats/csv/csv_reader.h"
#include "formats/jsonl/event_reader.h"
#include "generate/generator.h"

namespace streampro::formats {
namespace {

/// One generated landing day (dirty rate 2%), loaded once and shared by the benchmarks.
struct Landing {
  std::string events;
  std::shared_ptr<const KeySet> users;
  std::shared_ptr<const KeySet> videos;
  std::string users_csv;
};

std::shared_ptr<const KeySet> LoadKeys(const std::string& path, Table table) {
  auto file = OpenLocalFile(path);
  if (!file.ok()) std::abort();
  auto dimension = csv::ReadDimensionCsv(**file, table);
  if (!dimension.ok()) std::abort();
  return KeySet::FromColumn(dimension->rows.column(0));
}

/// A users CSV of `rows` distinct, valid rows with some quoting, like the landing files.
std::string SyntheticUsersCsv(int rows) {
  std::string csv = "user_id,signup_date,subscription_tier,age_group,gender\n";
  static const char* kTiers[] = {"Free", "Basic", "premium"};
  static const char* kAges[] = {"18-25", "26-35", "36-50", "50+", ""};
  for (int i = 0; i < rows; ++i) {
    csv += fmt::format("user_{:07},2025-{:02}-{:02},{},{},{}\n", i, i % 12 + 1, i % 28 + 1,
                       kTiers[i % 3], kAges[i % 5], i % 7 == 0 ? "\"F, \"\"x\"\"\"" : "M");
  }
  return csv;
}

const Landing& GetLanding() {
  static const Landing* landing = [] {
    auto* out = new Landing;
    const std::string dir =
        (std::filesystem::temp_directory_path() / fmt::format("streampro-bench-{}", ::getpid()))
            .string();
    generate::GeneratorOptions options;
    options.out_dir = dir;
    options.events = 1'000'000;
    options.seed = 7;
    if (!generate::GenerateLanding(options).ok()) std::abort();
    out->events = *ReadFileToString(dir + "/events_2025-09-09.jsonl");
    out->users = LoadKeys(dir + "/users_2025-09-09.csv", Table::kUsers);
    out->videos = LoadKeys(dir + "/videos_2025-09-09.csv", Table::kVideos);
    out->users_csv = SyntheticUsersCsv(500'000);
    std::filesystem::remove_all(dir);
    return out;
  }();
  return *landing;
}

// Argument: threads (0 = all hardware threads).
void BM_JsonlEventsToColumns(benchmark::State& state) {
  const Landing& landing = GetLanding();
  auto file = MakeBufferFile("events.jsonl", landing.events);
  jsonl::EventReadOptions options;
  options.chunking.threads = static_cast<int>(state.range(0));
  options.known_users = landing.users;
  options.known_videos = landing.videos;
  int64_t events = 0;
  for (auto _ : state) {
    auto counters = jsonl::ReadEvents(*file, options, [](jsonl::EventChunk&& chunk) {
      benchmark::DoNotOptimize(chunk.kept.num_rows());
      return Status::OK();
    });
    if (!counters.ok()) state.SkipWithError(counters.status().ToString().c_str());
    events += counters.ok() ? counters->rows_in : 0;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(landing.events.size()));
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["threads"] = static_cast<double>(options.chunking.ResolvedThreads());
}
BENCHMARK(BM_JsonlEventsToColumns)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CsvUsersToColumns(benchmark::State& state) {
  const Landing& landing = GetLanding();
  auto file = MakeBufferFile("users.csv", landing.users_csv);
  csv::CsvReadOptions options;
  options.chunking.threads = static_cast<int>(state.range(0));
  int64_t rows = 0;
  for (auto _ : state) {
    auto table = csv::ReadDimensionCsv(*file, Table::kUsers, options);
    if (!table.ok()) state.SkipWithError(table.status().ToString().c_str());
    rows += table.ok() ? table->counters.rows_in : 0;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(landing.users_csv.size()));
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CsvUsersToColumns)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace streampro::formats

BENCHMARK_MAIN();
