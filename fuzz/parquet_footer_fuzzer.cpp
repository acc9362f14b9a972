// Fast libFuzzer target for a Parquet footer: the input is the FileMetaData bytes
// (Thrift compact protocol). It is decoded by ParseFileMetaData and, wrapped as a file
// with no data (PAR1, footer, length, PAR1), opened by FileReader::Open, which maps the
// schema, checks the row groups and decodes the column statistics; no column chunk is
// read. Checks, any violation aborting:
//   - a decoded footer written back out decodes again, and writes out the same bytes;
//   - Open succeeds only for a footer that decodes, and then agrees with it on the
//     number of row groups, rows and columns;
//   - decoded statistics hold values of the column's own type.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "formats/parquet/metadata.h"
#include "streampro/io.h"
#include "streampro/parquet.h"

namespace {

namespace format = streampro::parquet::format;

void Check(bool condition) {
  if (!condition) std::abort();
}

// The StatValue alternative a column of `type` stores its bounds in.
size_t StatIndex(streampro::TypeId type) {
  using streampro::TypeId;
  switch (type) {
    case TypeId::kBool:
      return 1;
    case TypeId::kInt32:
    case TypeId::kDate32:
      return 2;
    case TypeId::kInt64:
    case TypeId::kTimestampMicros:
      return 3;
    case TypeId::kDouble:
      return 4;
    case TypeId::kString:
      return 5;
  }
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = format::ParseFileMetaData(data, size);
  if (parsed.ok()) {
    std::string written;
    format::Serialize(*parsed, &written);
    auto again =
        format::ParseFileMetaData(reinterpret_cast<const uint8_t*>(written.data()), written.size());
    Check(again.ok());
    std::string rewritten;
    format::Serialize(*again, &rewritten);
    Check(rewritten == written);
  }

  std::string file_bytes = "PAR1";
  file_bytes.append(reinterpret_cast<const char*>(data), size);
  const auto length = static_cast<uint32_t>(size);
  char length_bytes[4];
  std::memcpy(length_bytes, &length, 4);  // little-endian, as on every platform we build
  file_bytes.append(length_bytes, 4);
  file_bytes += "PAR1";
  streampro::parquet::ReaderOptions options;
  options.max_row_group_rows = 1 << 20;
  auto reader = streampro::parquet::FileReader::Open(
      streampro::MakeBufferFile("fuzz.parquet", file_bytes), options);
  if (!reader.ok()) {
    Check(reader.status().code() != streampro::StatusCode::kOk);
    Check(!reader.status().message().empty());
    return 0;
  }
  Check(parsed.ok());
  const streampro::parquet::FileReader& r = **reader;
  Check(static_cast<size_t>(r.num_row_groups()) == parsed->row_groups.size());
  Check(r.num_rows() == parsed->num_rows);
  Check(static_cast<size_t>(r.schema()->num_fields()) + 1 == parsed->schema.size());
  int64_t rows = 0;
  for (int g = 0; g < r.num_row_groups(); ++g) {
    const streampro::parquet::RowGroupInfo& group = r.row_group(g);
    Check(group.num_rows >= 0 && group.num_rows <= options.max_row_group_rows);
    Check(group.columns.size() == static_cast<size_t>(r.schema()->num_fields()));
    for (size_t c = 0; c < group.columns.size(); ++c) {
      const streampro::parquet::ColumnStatistics& stats = group.columns[c];
      if (!stats.has_min_max) continue;
      const size_t index = StatIndex(r.schema()->field(static_cast<int>(c)).type);
      Check(stats.min.index() == index && stats.max.index() == index);
    }
    rows += group.num_rows;
  }
  Check(rows == r.num_rows());
  return 0;
}
