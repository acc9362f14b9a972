#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "streampro/batch.h"
#include "streampro/parquet.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// A scratch file of record batches with one schema: the trusted stage appends each user
/// bucket's kept events here while parsing and reads the bucket back whole afterwards, so
/// memory holds one bucket at a time instead of the whole file.
///
/// Format (private to one run; never published): one frame per appended batch, a
/// little-endian header `raw_bytes:int64 stored_bytes:int64`, then the batch's bytes,
/// compressed with the file's codec (stored as they are with kUncompressed). A batch's
/// bytes are `rows:int64`, then per column a flag byte (1: a validity bitmap of
/// ceil(rows / 8) bytes follows, bit i of byte i / 8 for row i; 0: no nulls, no bitmap),
/// then for fixed-width columns the raw values (rows times the width), for strings an
/// int64 byte count and one LEB128 length per row (0 for nulls), an int64 length and the
/// characters. Lengths and bitmaps instead of the in-memory int64 offsets and validity
/// bytes make a frame about 40 % smaller at the same CPU, which is less for the codec to
/// work through.
/// Compression trades CPU for scratch disk and page cache (docs/benchmarks.md has the
/// measurements behind the default, STREAMPRO_SPILL_COMPRESSION). The file is removed when
/// the SpillFile is destroyed. Not thread-safe.
class SpillFile {
 public:
  static Result<SpillFile> Create(std::string path, SchemaPtr schema,
                                  parquet::Compression compression);
  SpillFile(SpillFile&& other) noexcept;
  SpillFile& operator=(SpillFile&&) = delete;
  SpillFile(const SpillFile&) = delete;
  ~SpillFile();

  /// Appends `batch` (same schema).
  Status Append(const RecordBatch& batch);
  /// Appends the rows of `batches` (same schema), in order, as one frame.
  Status Append(std::span<const RecordBatch> batches);
  /// Appends every batch written so far to `out` (same schema), in order.
  Status ReadAllInto(RecordBatch* out) const;

  int64_t rows() const { return rows_; }
  /// Bytes in the file (compressed).
  int64_t bytes() const { return bytes_; }
  /// Bytes of the batches before compression.
  int64_t raw_bytes() const { return raw_bytes_; }
  const std::string& path() const { return path_; }

 private:
  // Appends the one batch `bytes` hold to `out`.
  Status AppendBatch(std::string_view bytes, RecordBatch* out) const;

  SpillFile(std::string path, SchemaPtr schema, parquet::Compression compression, int fd)
      : path_(std::move(path)), schema_(std::move(schema)), compression_(compression), fd_(fd) {}

  std::string path_;
  SchemaPtr schema_;
  parquet::Compression compression_;
  int fd_ = -1;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
  int64_t raw_bytes_ = 0;
};

}  // namespace streampro::pipeline
