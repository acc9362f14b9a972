#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "streampro/batch.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// A scratch file of record batches with one schema: the trusted stage appends each user
/// bucket's kept events here while parsing and reads the bucket back whole afterwards, so
/// memory holds one bucket at a time instead of the whole file.
///
/// Format (private to one run; never published): per batch a little-endian header
/// `rows:int64`, then per column the validity bytes, an int64 length and the raw value
/// buffer (Column::raw_values), and for strings an int64 length and the characters. No
/// compression: the file lives for seconds in the page cache, and compressing would cost
/// more CPU than the writes. The file is removed when the SpillFile is destroyed.
/// Not thread-safe.
class SpillFile {
 public:
  static Result<SpillFile> Create(std::string path, SchemaPtr schema);
  SpillFile(SpillFile&& other) noexcept;
  SpillFile& operator=(SpillFile&&) = delete;
  SpillFile(const SpillFile&) = delete;
  ~SpillFile();

  /// Appends `batch` (same schema).
  Status Append(const RecordBatch& batch);
  /// Appends every batch written so far to `out` (same schema), in order.
  Status ReadAllInto(RecordBatch* out) const;

  int64_t rows() const { return rows_; }
  int64_t bytes() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  SpillFile(std::string path, SchemaPtr schema, int fd)
      : path_(std::move(path)), schema_(std::move(schema)), fd_(fd) {}

  std::string path_;
  SchemaPtr schema_;
  int fd_ = -1;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
  std::string buffer_;
};

}  // namespace streampro::pipeline
