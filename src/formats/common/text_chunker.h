#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "formats/common/csv_scan.h"
#include "streampro/io.h"
#include "streampro/status.h"

namespace streampro::formats {

/// Bytes after every chunk's data that a parser may read (simdjson needs 64); they hold
/// spaces and are not part of the chunk.
inline constexpr size_t kChunkPadding = 64;

/// A run of complete records cut from a text file. Owns its bytes.
struct TextChunk {
  /// Position of the chunk in the file, 0, 1, 2, ...
  int64_t index = 0;
  /// 1-based physical line number of the chunk's first byte.
  int64_t first_line = 1;
  /// Byte offset of the chunk in the file.
  int64_t file_offset = 0;
  /// data.size() == size + kChunkPadding; the padding bytes are spaces.
  std::string data;
  size_t size = 0;

  std::string_view text() const { return std::string_view(data.data(), size); }
};

/// How a record ends: at every newline (JSONL), or at a newline outside a quoted field
/// (CSV, RFC 4180: a quoted field may hold newlines; see CsvScanStep).
enum class RecordQuoting : uint8_t { kNone, kDoubleQuote };

/// Cuts a file into chunks of about `chunk_bytes` that end at record boundaries, reading
/// with RandomAccessFile::ReadAt so that at most one chunk plus one partial record is
/// held. Quote state is tracked from `start_offset`, which must be a record boundary.
/// A record longer than chunk_bytes makes a longer chunk. Not thread-safe: one thread
/// drives it and hands chunks to workers. `file` must outlive the chunker.
class TextChunker {
 public:
  TextChunker(const RandomAccessFile& file, int64_t start_offset, int64_t first_line,
              int64_t chunk_bytes, RecordQuoting quoting);

  /// Fills `out` with the next chunk; false (and `out` untouched) at the end of the file.
  Result<bool> Next(TextChunk* out);

 private:
  Status ReadMore(int64_t length);
  void ScanNewBytes();

  const RandomAccessFile& file_;
  int64_t next_offset_;
  int64_t next_line_;
  int64_t buffer_offset_;
  int64_t chunk_bytes_;
  RecordQuoting quoting_;
  int64_t next_index_ = 0;
  bool eof_ = false;

  std::string buffer_;
  size_t scanned_ = 0;
  CsvScanState csv_state_ = CsvScanState::kFieldStart;
  /// End (exclusive) of the last complete record in buffer_, 0 if none.
  size_t last_boundary_ = 0;
};

/// Byte length of a UTF-8 byte order mark at the start of `file` (3 or 0).
Result<int64_t> ByteOrderMarkLength(const RandomAccessFile& file);

}  // namespace streampro::formats
