// Throughput of the landing-data generator's hot path: simulating and writing one block
// of users' events as JSONL, in memory (no disk). Run: build/release/bench/generator_benchmark

#include <benchmark/benchmark.h>

#include "generate/catalog.h"
#include "generate/event_writer.h"

namespace streampro::generate {
namespace {

void BM_RenderEventBlock(benchmark::State& state) {
  GeneratorOptions options;
  options.out_dir = "unused";
  options.users = kUsersPerBlock * 8;
  options.dirty_rate = static_cast<double>(state.range(0)) / 1000.0;
  const GeneratorPlan plan = *MakePlan(options);
  const Catalog catalog = Catalog::Make(options, plan);
  int64_t bytes = 0, events = 0, block = 0;
  for (auto _ : state) {
    EventBlock b = RenderEventBlock(catalog, block++ % 8);
    bytes += static_cast<int64_t>(b.bytes.size());
    events += b.stats.events;
    benchmark::DoNotOptimize(b.bytes.data());
  }
  state.SetBytesProcessed(bytes);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
// Argument: dirty rate in thousandths (0 = clean, 20 = the default 2%).
BENCHMARK(BM_RenderEventBlock)->Arg(0)->Arg(20)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace streampro::generate

BENCHMARK_MAIN();
