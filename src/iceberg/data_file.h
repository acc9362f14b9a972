#pragma once

// An Iceberg data_file from a Parquet file's footer: record count, per-column sizes, value
// and null counts and lower/upper bounds, keyed by the catalog's field ids. Only the
// footer is read, never a data page.

#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "common/date.h"
#include "iceberg/manifest.h"
#include "streampro/io.h"
#include "streampro/parquet.h"
#include "streampro/status.h"

namespace streampro::iceberg {

/// String bounds longer than this are cut: the lower bound to a prefix (still <= every
/// value), the upper bound left out (Iceberg allows a missing bound).
inline constexpr size_t kMaxStringBound = 64;

/// The data_file of a Parquet file of `table` whose footer `reader` read; `path` is its
/// URI and `size` its length in bytes. InvalidData naming `path` when its columns are not
/// the table's, or carry other field ids than the catalog's.
Result<DataFile> DescribeParquetFile(const parquet::FileReader& reader,
                                     const catalog::TableDef& table, const std::string& path,
                                     int64_t size, Date partition);

/// Opens `file` (the footer only) and describes it.
Result<DataFile> DescribeParquetFile(std::shared_ptr<RandomAccessFile> file,
                                     const catalog::TableDef& table, const std::string& path,
                                     int64_t size, Date partition);

}  // namespace streampro::iceberg
