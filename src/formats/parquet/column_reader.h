#pragma once

#include <cstdint>
#include <string>

#include "formats/parquet/metadata.h"
#include "streampro/column.h"
#include "streampro/io.h"
#include "streampro/schema.h"

namespace streampro::parquet {

/// How one leaf column of a file maps onto a StreamPro column.
struct ColumnDescriptor {
  std::string name;
  TypeId type = TypeId::kString;
  bool nullable = true;  ///< OPTIONAL in the file: one definition level per value
  int32_t physical_type = 0;
  /// INT64 timestamps in another unit: 1000 multiplies (millis), -1000 divides (nanos).
  int timestamp_scale = 0;
};

/// Decodes one column chunk of `num_rows` rows and appends its values to `out` (whose
/// type is desc.type). Handles dictionary pages, data pages v1 and v2, PLAIN,
/// PLAIN_DICTIONARY/RLE_DICTIONARY, RLE booleans, DELTA_BINARY_PACKED,
/// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT, and the codecs of
/// compression.h. Every failure is an error "FILE: column 'x', row group N: problem".
Status ReadColumnChunk(const RandomAccessFile& file, const ColumnDescriptor& desc,
                       const format::ColumnMetaData& meta, int64_t num_rows, int row_group,
                       Column* out);

}  // namespace streampro::parquet
