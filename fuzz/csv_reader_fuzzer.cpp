// libFuzzer target for the CSV dimension reader. The first byte picks the table, the
// chunk size and the thread count; the rest is the file. Every input must give a result
// (or a header error) whose counters add up, whose batches are valid, and which does not
// depend on how the file was chunked. Any violation aborts.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "formats/csv/csv_reader.h"

namespace {

using streampro::Table;
namespace csv = streampro::formats::csv;

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[0];
  static constexpr Table kTables[] = {Table::kUsers, Table::kVideos, Table::kDevices};
  const Table table = kTables[(control & 0x3) % 3];
  static constexpr int64_t kChunkBytes[] = {1, 3, 7, 16, 64, 256, 4096, 1 << 20};
  const int64_t chunk_bytes = kChunkBytes[(control >> 2) & 0x7];
  const int threads = (control & 0x20) != 0 ? 2 : 1;
  auto file = streampro::MakeBufferFile(
      "fuzz.csv", std::string(reinterpret_cast<const char*>(data + 1), size - 1));

  csv::CsvReadOptions small;
  small.chunking.chunk_bytes = chunk_bytes;
  small.chunking.threads = threads;
  auto result = csv::ReadDimensionCsv(*file, table, small);

  csv::CsvReadOptions whole;
  whole.chunking.chunk_bytes = 1 << 24;
  whole.chunking.threads = 1;
  auto reference = csv::ReadDimensionCsv(*file, table, whole);

  Check(result.ok() == reference.ok());
  if (!result.ok()) {
    Check(result.status().code() == streampro::StatusCode::kInvalidData);
    Check(result.status().message() == reference.status().message());
    return 0;
  }
  Check(result->counters.CheckInvariant("fuzz input").ok());
  Check(result->counters.rows_duplicate == 0);
  Check(result->rows.num_rows() == result->counters.rows_kept);
  Check(result->rejects.num_rows() == result->counters.rows_rejected);
  Check(result->rows.Validate().ok());
  Check(result->rejects.batch().Validate().ok());
  Check(result->counters == reference->counters);
  Check(result->rows.Equals(reference->rows));
  Check(result->rejects.batch().Equals(reference->rejects.batch()));
  return 0;
}
