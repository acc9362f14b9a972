#include "formats/common/text_chunker.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>

namespace streampro::formats {

namespace {

/// std::count of '\n', eight bytes at a time: it runs on the producer thread over every
/// byte of the file, and GCC does not vectorise the byte loop at our optimisation level.
int64_t CountNewlines(const char* data, size_t size) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  int64_t count = 0;
  size_t i = 0;
  for (; i + sizeof(uint64_t) <= size; i += sizeof(uint64_t)) {
    uint64_t word;
    std::memcpy(&word, data + i, sizeof(word));
    const uint64_t x = word ^ (kOnes * static_cast<uint8_t>('\n'));
    // Exact zero-byte test (no false positives): 0x80 in each byte of x that is zero.
    const uint64_t newlines = ~(((x & kLow7) + kLow7) | x | kLow7);
    // One bit per newline byte; the multiply sums the bytes into the top byte (at most 8),
    // which stays cheap on CPUs the baseline target gives no popcount instruction for.
    count += static_cast<int64_t>(((newlines >> 7) * kOnes) >> 56);
  }
  for (; i < size; ++i) count += data[i] == '\n' ? 1 : 0;
  return count;
}

}  // namespace

TextChunker::TextChunker(const RandomAccessFile& file, int64_t start_offset, int64_t first_line,
                         int64_t chunk_bytes, RecordQuoting quoting)
    : file_(file),
      next_offset_(start_offset),
      next_line_(first_line),
      buffer_offset_(start_offset),
      chunk_bytes_(std::max<int64_t>(1, chunk_bytes)),
      quoting_(quoting) {}

Status TextChunker::ReadMore(int64_t length) {
  const int64_t remaining = file_.size() - next_offset_;
  if (remaining <= 0) {
    eof_ = true;
    return Status::OK();
  }
  length = std::min(length, remaining);
  // Read straight behind the bytes already buffered, into room that also holds the
  // padding Next() adds: the chunk's bytes are copied once, by the read itself.
  const size_t kept = buffer_.size();
  const auto wanted = static_cast<size_t>(length);
  if (buffer_.capacity() < kept + wanted + kChunkPadding) {
    buffer_.reserve(kept + wanted + kChunkPadding);
  }
  buffer_.resize(kept + wanted);
  ASSIGN_OR_RETURN(const int64_t got,
                   file_.ReadInto(next_offset_, std::span<char>(buffer_.data() + kept, wanted)));
  buffer_.resize(kept + static_cast<size_t>(got));
  if (got == 0) {
    eof_ = true;
    return Status::OK();
  }
  next_offset_ += got;
  if (next_offset_ >= file_.size()) eof_ = true;
  return Status::OK();
}

void TextChunker::ScanNewBytes() {
  const char* data = buffer_.data();
  const size_t size = buffer_.size();
  if (quoting_ == RecordQuoting::kNone) {
    // The last newline of the new bytes is the last boundary.
    for (size_t i = size; i > scanned_; --i) {
      if (data[i - 1] == '\n') {
        last_boundary_ = i;
        break;
      }
    }
  } else {
    // Same result as CsvScanStep on every byte, but this scan runs on the producer thread
    // ahead of all parsing, so it jumps between quotes with memchr. Outside quoted fields
    // only ',' and '\n' matter: every newline there ends a record, and the state after a
    // quote-free run depends only on the run's last byte. Inside a quoted field only '"'
    // matters.
    CsvScanState state = csv_state_;
    size_t i = scanned_;
    while (i < size) {
      if (state == CsvScanState::kFieldStart || state == CsvScanState::kUnquoted) {
        const void* quote = std::memchr(data + i, '"', size - i);
        const size_t stop =
            quote == nullptr ? size : static_cast<size_t>(static_cast<const char*>(quote) - data);
        if (stop > i) {
          const void* newline = memrchr(data + i, '\n', stop - i);
          if (newline != nullptr) {
            last_boundary_ = static_cast<size_t>(static_cast<const char*>(newline) - data) + 1;
          }
          const char last = data[stop - 1];
          state =
              (last == ',' || last == '\n') ? CsvScanState::kFieldStart : CsvScanState::kUnquoted;
        }
        if (stop == size) break;
        i = stop;
      } else if (state == CsvScanState::kQuoted) {
        const void* quote = std::memchr(data + i, '"', size - i);
        if (quote == nullptr) break;
        i = static_cast<size_t>(static_cast<const char*>(quote) - data);
      }
      if (CsvScanStep(&state, data[i])) last_boundary_ = i + 1;
      ++i;
    }
    csv_state_ = state;
  }
  scanned_ = size;
}

Result<bool> TextChunker::Next(TextChunk* out) {
  while (true) {
    ScanNewBytes();
    if (eof_) break;
    if (last_boundary_ > 0 && static_cast<int64_t>(buffer_.size()) >= chunk_bytes_) break;
    const int64_t want =
        std::max<int64_t>(chunk_bytes_ - static_cast<int64_t>(buffer_.size()), chunk_bytes_);
    RETURN_NOT_OK(ReadMore(want));
  }
  const size_t cut = eof_ ? buffer_.size() : last_boundary_;
  if (cut == 0) return false;

  out->index = next_index_++;
  out->first_line = next_line_;
  out->file_offset = buffer_offset_;
  out->size = cut;
  next_line_ += CountNewlines(buffer_.data(), cut);
  buffer_offset_ += static_cast<int64_t>(cut);
  // Hand the buffer over and keep only the partial record after the cut: one copy of a
  // short tail instead of a copy of the chunk.
  out->data.swap(buffer_);
  buffer_.assign(out->data, cut, std::string::npos);
  out->data.resize(cut);
  out->data.append(kChunkPadding, ' ');
  scanned_ = buffer_.size();
  last_boundary_ = 0;
  return true;
}

Result<int64_t> ByteOrderMarkLength(const RandomAccessFile& file) {
  if (file.size() < 3) return int64_t{0};
  std::string head;
  RETURN_NOT_OK(file.ReadAt(0, 3, &head));
  return head == "\xEF\xBB\xBF" ? int64_t{3} : int64_t{0};
}

}  // namespace streampro::formats
