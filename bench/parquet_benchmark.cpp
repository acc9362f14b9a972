// Parquet writer and reader throughput on an events-like batch, in bytes of in-memory
// column data (RecordBatch::ByteSize) per second.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>

#include "streampro/batch.h"
#include "streampro/io.h"
#include "streampro/parquet.h"

namespace streampro {
namespace {

constexpr int64_t kRows = 1'000'000;

SchemaPtr EventsSchema() {
  return std::make_shared<const Schema>(std::vector<Field>{
      {"event_time", TypeId::kTimestampMicros, false},
      {"event_type", TypeId::kString, false},
      {"country", TypeId::kString, true},
      {"device", TypeId::kString, true},
      {"browser", TypeId::kString, true},
      {"page", TypeId::kString, true},
      {"campaign", TypeId::kString, true},
      {"user_id", TypeId::kInt64, false},
      {"session_id", TypeId::kInt64, false},
      {"amount", TypeId::kDouble, true},
  });
}

const RecordBatch& EventsBatch() {
  static const RecordBatch* batch = [] {
    auto* b = new RecordBatch(EventsSchema());
    std::mt19937_64 rng(42);
    const char* types[] = {"page_view", "click", "add_to_cart", "purchase", "signup", "logout"};
    const char* devices[] = {"desktop", "mobile", "tablet", "tv"};
    const char* browsers[] = {"chrome", "firefox", "safari", "edge", "opera"};
    std::vector<std::string> countries, pages, campaigns;
    for (int i = 0; i < 40; ++i) countries.push_back("country_" + std::to_string(i));
    for (int i = 0; i < 200; ++i) pages.push_back("/products/category/item-" + std::to_string(i));
    for (int i = 0; i < 25; ++i) campaigns.push_back("spring_sale_2026_" + std::to_string(i));
    b->Reserve(kRows);
    int64_t t = 1'767'225'600'000'000;  // 2026-01-01
    for (int64_t r = 0; r < kRows; ++r) {
      t += static_cast<int64_t>(rng() % 2000);
      b->column(0).AppendInt64(t);
      b->column(1).AppendString(types[rng() % 6]);
      b->column(2).AppendString(countries[rng() % countries.size()]);
      b->column(3).AppendString(devices[rng() % 4]);
      b->column(4).AppendString(browsers[rng() % 5]);
      b->column(5).AppendString(pages[rng() % pages.size()]);
      if (rng() % 4 == 0) {
        b->column(6).AppendNull();
      } else {
        b->column(6).AppendString(campaigns[rng() % campaigns.size()]);
      }
      b->column(7).AppendInt64(static_cast<int64_t>(rng() % 100'000));
      b->column(8).AppendInt64(r / 20);
      if (rng() % 3 == 0) {
        b->column(9).AppendNull();
      } else {
        b->column(9).AppendDouble(static_cast<double>(rng() % 100'000) / 100.0);
      }
    }
    return b;
  }();
  return *batch;
}

std::string WriteFile(parquet::Compression compression, benchmark::State* state) {
  BufferOutputStream sink;
  parquet::WriterOptions options;
  options.compression = compression;
  auto writer = parquet::FileWriter::Open(&sink, EventsBatch().schema(), options);
  if (!writer.ok() || !(*writer)->WriteBatch(EventsBatch()).ok() || !(*writer)->Close().ok()) {
    if (state != nullptr) state->SkipWithError("parquet write failed");
  }
  return sink.Release();
}

void BM_ParquetWrite(benchmark::State& state) {
  const auto compression = static_cast<parquet::Compression>(state.range(0));
  const RecordBatch& batch = EventsBatch();
  int64_t file_bytes = 0;
  for (auto _ : state) {
    const std::string file = WriteFile(compression, &state);
    file_bytes = static_cast<int64_t>(file.size());
    benchmark::DoNotOptimize(file.data());
  }
  state.SetBytesProcessed(state.iterations() * batch.ByteSize());
  state.counters["file_MB"] = static_cast<double>(file_bytes) / 1e6;
}

void BM_ParquetRead(benchmark::State& state) {
  const auto compression = static_cast<parquet::Compression>(state.range(0));
  const RecordBatch& batch = EventsBatch();
  std::shared_ptr<RandomAccessFile> file =
      MakeBufferFile("events.parquet", WriteFile(compression, &state));
  std::vector<int> columns;
  for (int c = 0; c < batch.num_columns(); ++c) columns.push_back(c);
  for (auto _ : state) {
    auto reader = parquet::FileReader::Open(file);
    if (!reader.ok()) {
      state.SkipWithError(reader.status().ToString().c_str());
      break;
    }
    auto all = (*reader)->ReadAll(columns);
    if (!all.ok() || all->num_rows() != batch.num_rows()) {
      state.SkipWithError("parquet read failed");
      break;
    }
    benchmark::DoNotOptimize(all->column(0).length());
  }
  state.SetBytesProcessed(state.iterations() * batch.ByteSize());
}

#define COMPRESSIONS                                               \
  ArgName("codec")                                                 \
      ->Arg(static_cast<int>(parquet::Compression::kSnappy))       \
      ->Arg(static_cast<int>(parquet::Compression::kZstd))         \
      ->Arg(static_cast<int>(parquet::Compression::kUncompressed)) \
      ->Unit(benchmark::kMillisecond)

BENCHMARK(BM_ParquetWrite)->COMPRESSIONS;
BENCHMARK(BM_ParquetRead)->COMPRESSIONS;

}  // namespace
}  // namespace streampro

BENCHMARK_MAIN();
