#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/parquet/metadata.h"
#include "formats/parquet/statistics.h"
#include "streampro/column.h"
#include "streampro/io.h"
#include "streampro/parquet.h"
#include "streampro/schema.h"

namespace streampro::parquet {

/// Parquet physical type that stores `type`.
int32_t PhysicalTypeOf(TypeId type);

/// Encodes one column of the current row group into pages held in memory: values are
/// dictionary-encoded (RLE_DICTIONARY) until the dictionary outgrows its limit, then the
/// chunk goes on with PLAIN pages; booleans are always PLAIN. Pages are compressed as they
/// fill. WriteChunk() sends dictionary page + data pages to the sink and resets for the
/// next row group.
class ColumnChunkWriter {
 public:
  ColumnChunkWriter(Field field, const WriterOptions& options, int32_t codec);

  /// Adds rows [begin, end) of `column` (type already checked by the caller).
  Status Append(const Column& column, int64_t begin, int64_t end);
  /// Encoded, uncompressed bytes the chunk holds so far, pages and dictionary included.
  int64_t EstimatedBytes() const;
  /// Closes the last page, writes the chunk at the sink's position and describes it.
  Status WriteChunk(OutputStream* sink, format::ColumnChunk* chunk);

 private:
  Status FlushPage();
  void AppendPlain(const Column& column, int64_t begin, int64_t end);
  void AppendDictionary(const Column& column, int64_t begin, int64_t end);
  int64_t PageBytes() const;
  uint32_t InsertFixed(uint64_t key, const void* value, size_t width);
  uint32_t InsertString(std::string_view value);
  void GrowTable();
  void AddDictionaryToStatistics();
  Status JudgeFirstPage(bool* fall_back_after_page);
  void ResetChunk();

  Field field_;
  WriterOptions options_;
  int32_t codec_;
  int32_t physical_type_;
  bool nullable_;

  // Current page.
  std::vector<uint8_t> def_levels_;
  int64_t page_values_ = 0;
  int64_t page_nulls_ = 0;
  std::string plain_;
  std::vector<uint32_t> indices_;
  int64_t page_plain_bytes_ = 0;  ///< PLAIN size of the page's strings (dictionary mode)

  // Dictionary of the current chunk: dict_plain_ is the dictionary page body, the table
  // maps values to indices (slot = index + 1, 0 empty).
  bool dictionary_mode_ = false;
  bool fell_back_ = false;
  std::string dict_plain_;
  std::vector<uint64_t> dict_fixed_;                         // value bits
  std::vector<std::pair<uint32_t, uint32_t>> dict_strings_;  // offset, length in dict_plain_
  struct Slot {
    uint64_t key;    ///< value bits (fixed-width types)
    uint32_t index;  ///< dictionary index + 1; 0 = empty
    uint32_t hash;
  };
  std::vector<Slot> table_;

  // Finished pages of the current chunk.
  std::string pages_;
  int64_t chunk_values_ = 0;
  int64_t pages_uncompressed_ = 0;
  bool used_plain_pages_ = false;
  bool used_dict_pages_ = false;
  StatisticsAccumulator stats_;

  // Scratch reused between pages.
  std::string levels_scratch_;
  std::string body_scratch_;
  std::string compressed_scratch_;
  std::string header_scratch_;
};

}  // namespace streampro::parquet
