// libFuzzer entry point for the Parquet reader: opens the input as a file and reads every
// row group and column. Any status is fine; crashes, sanitizer reports and huge
// allocations are not.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "streampro/io.h"
#include "streampro/parquet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace streampro;
  std::shared_ptr<RandomAccessFile> file =
      MakeBufferFile("fuzz.parquet", std::string(reinterpret_cast<const char*>(data), size));
  parquet::ReaderOptions options;
  options.max_row_group_rows = 1 << 20;  // keeps decoded batches small under the sanitizers
  auto reader = parquet::FileReader::Open(file, options);
  if (!reader.ok()) return 0;
  std::vector<int> columns;
  for (int c = 0; c < (*reader)->schema()->num_fields(); ++c) columns.push_back(c);
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto batch = (*reader)->ReadRowGroup(g, columns);
    if (batch.ok()) (void)batch->Validate();
  }
  return 0;
}
