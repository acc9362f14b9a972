#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "streampro/batch.h"
#include "streampro/io.h"
#include "streampro/schema.h"
#include "streampro/status.h"

/// Parquet files: a streaming writer and a column-projecting reader for the StreamPro
/// types (flat schemas only).
///
/// Writer: PLAIN and RLE_DICTIONARY values (a chunk's dictionary falls back to PLAIN pages
/// when it outgrows dictionary_limit_bytes, or when its first page shows it does not pay),
/// RLE definition levels for nullable columns, UNCOMPRESSED/SNAPPY/ZSTD, data pages v1 or
/// v2, chunk statistics in TypeDefinedOrder (declared in column_orders): signed ints,
/// dates and timestamps, false < true, unsigned bytewise strings, doubles with NaN left
/// out of min/max (a column of only NaN has no bounds), a zero minimum written as -0.0 and
/// a zero maximum as +0.0; infinities are kept. Logical types: STRING (+UTF8), DATE,
/// TIMESTAMP(UTC, MICROS) (+TIMESTAMP_MICROS); ints, doubles and booleans unannotated.
///
/// Reader: the above plus PLAIN_DICTIONARY, RLE booleans, DELTA_BINARY_PACKED,
/// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT (what DuckDB writes
/// with PARQUET_VERSION V2); TIMESTAMP in MILLIS/NANOS converts to micros. Other types,
/// nesting, GZIP/LZ4/BROTLI are NotImplemented naming the file and column; corrupt input
/// is InvalidData "FILE: column 'x', row group N: problem".
namespace streampro::parquet {

enum class Compression : uint8_t { kUncompressed, kSnappy, kZstd };

/// Writer settings. Sizes are of encoded, uncompressed bytes.
struct WriterOptions {
  Compression compression = Compression::kSnappy;
  int zstd_level = 3;
  /// A row group is closed once its column chunks hold about this many bytes.
  int64_t row_group_target_bytes = int64_t{128} << 20;
  /// A row group is closed once it holds this many rows (whichever limit comes first).
  /// Readers such as DuckDB, Trino and Spark split work by row group, so smaller groups
  /// read in parallel and with less memory; 1 << 17 is close to DuckDB's own 122,880.
  /// Must be positive.
  int64_t max_row_group_rows = int64_t{1} << 17;
  /// A data page is closed once it holds about this many bytes.
  int64_t page_target_bytes = int64_t{1} << 20;
  /// A column chunk whose dictionary grows beyond this falls back to PLAIN pages.
  int64_t dictionary_limit_bytes = int64_t{1} << 20;
  /// RLE_DICTIONARY for every non-boolean column (until the limit), else PLAIN only.
  bool dictionary = true;
  /// DATA_PAGE_V2 pages instead of DATA_PAGE (v1).
  bool data_page_v2 = false;
  /// The schema fields' ids (SchemaElement.field_id, which Iceberg and pyarrow's
  /// `PARQUET:field_id` read): empty for none, else one per field, each positive.
  std::vector<int32_t> field_ids;

  /// InvalidArgument naming the bad setting.
  Status Validate() const;
};

/// Writes one Parquet file to `sink` batch by batch. Memory stays bounded by about one
/// row group: values are encoded (and pages compressed) as batches arrive, and each row
/// group goes to the sink when it reaches its target. Not thread-safe.
class FileWriter {
 public:
  /// Writes the leading magic. `sink` must outlive the writer.
  static Result<std::unique_ptr<FileWriter>> Open(OutputStream* sink, SchemaPtr schema,
                                                  WriterOptions options = {});
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  /// `batch` must have the writer's schema and pass Validate().
  Status WriteBatch(const RecordBatch& batch);
  /// Flushes the last row group and writes the footer. Writes nothing more afterwards.
  Status Close();
  int64_t num_rows() const;

  struct Impl;

 private:
  explicit FileWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// A typed statistics bound: the type matches the column's storage (int32_t for kInt32
/// and kDate32, int64_t for kInt64 and kTimestampMicros, std::string for kString).
using StatValue = std::variant<std::monostate, bool, int32_t, int64_t, double, std::string>;

/// Statistics of one column chunk as stored in the file.
struct ColumnStatistics {
  int64_t null_count = -1;  ///< -1 when the file does not say
  bool has_min_max = false;
  StatValue min;
  StatValue max;
};

struct RowGroupInfo {
  int64_t num_rows = 0;
  int64_t total_byte_size = 0;
  std::vector<ColumnStatistics> columns;  ///< one per schema field
  /// Each column chunk's total_compressed_size: its bytes in the file.
  std::vector<int64_t> column_bytes;
};

/// Reader limits that protect against hostile files.
struct ReaderOptions {
  /// Row groups claiming more rows are rejected, which bounds the memory one read needs.
  int64_t max_row_group_rows = int64_t{1} << 28;
};

/// Reads Parquet files with flat schemas of the StreamPro types. Thread-safe after Open:
/// row groups can be read concurrently.
class FileReader {
 public:
  /// Reads and checks the footer. Unsupported types are NotImplemented, corrupt
  /// metadata InvalidData, both naming the file (and column).
  static Result<std::unique_ptr<FileReader>> Open(std::shared_ptr<RandomAccessFile> file,
                                                  ReaderOptions options = {});
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  const SchemaPtr& schema() const;
  int64_t num_rows() const;
  int num_row_groups() const;
  /// `i` in [0, num_row_groups()).
  const RowGroupInfo& row_group(int i) const;
  const std::string& created_by() const;
  /// The schema fields' field ids (SchemaElement.field_id), 0 where the file has none.
  const std::vector<int32_t>& field_ids() const;

  /// Reads the listed columns (indices into schema()) of row group `i`; the batch's
  /// schema is those fields in that order.
  Result<RecordBatch> ReadRowGroup(int i, const std::vector<int>& columns) const;
  /// All row groups concatenated.
  Result<RecordBatch> ReadAll(const std::vector<int>& columns) const;

  struct Impl;

 private:
  explicit FileReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace streampro::parquet
