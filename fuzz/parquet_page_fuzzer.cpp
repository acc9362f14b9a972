// Fast libFuzzer target for Parquet pages: one column chunk (page headers, levels and
// values in any encoding and codec) decoded by ReadColumnChunk, without a footer.
// Input: byte 0 picks the column (low nibble: one of the nine type mappings the reader
// supports; bit 4: OPTIONAL; bits 5-6: codec none/Snappy/ZSTD/none), bytes 1-2 the row
// count (little-endian), the rest is the chunk. Checks, any violation aborting:
//   - a decoded chunk appends exactly the row count to the column, after the rows it
//     already held, with no null in a REQUIRED column and 0/1 booleans;
//   - a failure names the file, column and row group (the reader's error contract).

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "formats/parquet/column_reader.h"
#include "formats/parquet/metadata.h"
#include "streampro/batch.h"
#include "streampro/io.h"

namespace {

namespace parquet = streampro::parquet;
namespace format = streampro::parquet::format;
using streampro::TypeId;

void Check(bool condition) {
  if (!condition) std::abort();
}

struct Mapping {
  TypeId type;
  int32_t physical_type;
  int timestamp_scale;
};

// Every physical type -> StreamPro type pair FileReader maps a leaf onto.
constexpr Mapping kMappings[] = {
    {TypeId::kBool, format::kBoolean, 0},
    {TypeId::kInt32, format::kInt32, 0},
    {TypeId::kDate32, format::kInt32, 0},
    {TypeId::kInt64, format::kInt64, 0},
    {TypeId::kTimestampMicros, format::kInt64, 0},
    {TypeId::kTimestampMicros, format::kInt64, 1000},
    {TypeId::kTimestampMicros, format::kInt64, -1000},
    {TypeId::kDouble, format::kDouble, 0},
    {TypeId::kString, format::kByteArray, 0},
};
constexpr int32_t kCodecs[] = {format::kUncompressed, format::kSnappy, format::kZstd,
                               format::kUncompressed};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const Mapping& mapping = kMappings[(data[0] & 0xF) % std::size(kMappings)];
  parquet::ColumnDescriptor desc;
  // Not operator=(const char*): GCC 12 under ASan raises a false -Wrestrict alarm on it.
  desc.name = std::string("c");
  desc.type = mapping.type;
  desc.physical_type = mapping.physical_type;
  desc.timestamp_scale = mapping.timestamp_scale;
  desc.nullable = (data[0] & 0x10) != 0;
  const int64_t num_rows = data[1] | (data[2] << 8);

  // The chunk starts after the leading magic, as in a file.
  std::string bytes = "PAR1";
  bytes.append(reinterpret_cast<const char*>(data + 3), size - 3);
  const auto file = streampro::MakeBufferFile("fuzz.parquet", std::move(bytes));
  format::ColumnMetaData meta;
  meta.type = mapping.physical_type;
  meta.codec = kCodecs[(data[0] >> 5) & 0x3];
  meta.num_values = num_rows;
  meta.data_page_offset = 4;
  meta.total_compressed_size = static_cast<int64_t>(size - 3);
  meta.total_uncompressed_size = meta.total_compressed_size;

  // One row already in the column: decoding must append after it.
  streampro::RecordBatch batch(std::make_shared<const streampro::Schema>(
      std::vector<streampro::Field>{{"c", mapping.type, true}}));
  streampro::Column& column = batch.column(0);
  column.AppendNull();
  const streampro::Status status =
      parquet::ReadColumnChunk(*file, desc, meta, num_rows, 0, &column);
  if (!status.ok()) {
    Check(status.message().starts_with("fuzz.parquet: column 'c', row group 0: "));
    return 0;
  }
  Check(column.length() == num_rows + 1);
  Check(!column.IsValid(0));
  if (!desc.nullable) Check(column.null_count() == 1);
  if (mapping.type == TypeId::kBool) {
    for (uint8_t value : column.bool_values()) Check(value <= 1);
  }
  Check(batch.Validate().ok());
  return 0;
}
