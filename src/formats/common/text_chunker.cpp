#include "formats/common/text_chunker.h"

#include <algorithm>
#include <cstring>

namespace streampro::formats {

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
  RETURN_NOT_OK(file_.ReadAt(next_offset_, length, &read_buffer_));
  if (read_buffer_.empty()) {
    eof_ = true;
    return Status::OK();
  }
  next_offset_ += static_cast<int64_t>(read_buffer_.size());
  if (buffer_.empty()) {
    buffer_.swap(read_buffer_);
  } else {
    buffer_.append(read_buffer_);
  }
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
    CsvScanState state = csv_state_;
    for (size_t i = scanned_; i < size; ++i) {
      if (CsvScanStep(&state, data[i])) last_boundary_ = i + 1;
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
  next_line_ += std::count(buffer_.data(), buffer_.data() + cut, '\n');
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
