#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "streampro/status.h"

/// Plain structs mirroring the parts of parquet.thrift we write and read, with their
/// compact-protocol (de)serialization. Unknown fields are skipped on read.
namespace streampro::parquet::format {

enum PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum ConvertedType : int32_t {
  kUtf8 = 0,
  kDateConverted = 6,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kInt8 = 15,
  kInt16 = 16,
  kInt32Converted = 17,
  kInt64Converted = 18,
};

enum Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum Codec : int32_t { kUncompressed = 0, kSnappy = 1, kGzip = 2, kZstd = 6 };

enum PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

/// The LogicalType union, reduced to what we map; `kOther` keeps the union's field id.
struct LogicalType {
  enum Kind { kNone, kString, kDate, kTimestamp, kInteger, kOther } kind = kNone;
  bool utc = false;
  int time_unit = 1;  ///< 0 millis, 1 micros, 2 nanos
  int bit_width = 0;
  bool is_signed = true;
  int other_id = 0;
};

struct Statistics {
  std::optional<std::string> max;  ///< deprecated signed-order max
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
};

struct SchemaElement {
  std::optional<int32_t> type;
  std::optional<int32_t> type_length;
  std::optional<int32_t> repetition_type;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<int32_t> converted_type;
  /// The column's stable id (Iceberg field id; pyarrow's `PARQUET:field_id`).
  std::optional<int32_t> field_id;
  LogicalType logical_type;
};

struct ColumnMetaData {
  int32_t type = 0;
  std::vector<int32_t> encodings;
  std::vector<std::string> path_in_schema;
  int32_t codec = 0;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int32_t> ordinal;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  /// Written as that many TypeDefinedOrder entries; on read, the count found.
  int32_t num_type_defined_orders = 0;
};

struct DataPageHeader {
  int32_t num_values = 0;
  int32_t encoding = 0;
  int32_t definition_level_encoding = kRle;
  int32_t repetition_level_encoding = kRle;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  int32_t encoding = kPlain;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t encoding = 0;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  int32_t type = 0;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;
};

void Serialize(const FileMetaData& metadata, std::string* out);
void Serialize(const PageHeader& header, std::string* out);

/// Parses a footer. Errors describe the problem without naming the file.
Result<FileMetaData> ParseFileMetaData(const uint8_t* data, size_t size);
/// Parses one page header at the start of `data`; `*consumed` gets its length.
Status ParsePageHeader(const uint8_t* data, size_t size, PageHeader* header, size_t* consumed);

}  // namespace streampro::parquet::format
