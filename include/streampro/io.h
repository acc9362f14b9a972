#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "streampro/status.h"

namespace streampro {

/// Bytes that can be read at any offset: a local file, a buffer, an S3 object (ranged
/// GETs). Implementations are safe to call from several threads at once, so
/// parallel readers share one instance. name() is what error messages print.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;

  virtual const std::string& name() const = 0;
  virtual int64_t size() const = 0;
  /// Reads up to `length` bytes at `offset` into `out` (replacing its content); fewer only
  /// at the end of the file. An offset past the end is an error naming the file.
  virtual Status ReadAt(int64_t offset, int64_t length, std::string* out) const = 0;
  /// ReadAt into memory the caller owns (say, aligned for a direct write): reads up to
  /// `out.size()` bytes at `offset`; returns how many, fewer only at the end of the file.
  /// The default goes through ReadAt and copies; a local file reads straight into `out`.
  virtual Result<int64_t> ReadInto(int64_t offset, std::span<char> out) const;
};

/// A sequential sink for bytes: a file being written atomically, a buffer, an S3 upload.
/// Not thread-safe.
class OutputStream {
 public:
  virtual ~OutputStream() = default;

  virtual Status Write(std::string_view bytes) = 0;
  /// Bytes written so far.
  virtual int64_t position() const = 0;
};

/// Opens a local file for reading (pread). Errors name the path.
Result<std::unique_ptr<RandomAccessFile>> OpenLocalFile(const std::string& path);

/// Writes `source` to `sink` from its start, in reads of `chunk_bytes`, until its size() or
/// a read that returns nothing. Returns the bytes copied. The next chunk is read on a second
/// thread while the current one is written.
Result<int64_t> CopyAll(const RandomAccessFile& source, OutputStream* sink, int64_t chunk_bytes);

/// Reads from bytes held in memory; `name` is used in messages.
std::unique_ptr<RandomAccessFile> MakeBufferFile(std::string name, std::string bytes);

/// Collects written bytes in memory.
class BufferOutputStream final : public OutputStream {
 public:
  Status Write(std::string_view bytes) override {
    buffer_.append(bytes);
    return Status::OK();
  }
  int64_t position() const override { return static_cast<int64_t>(buffer_.size()); }
  const std::string& buffer() const { return buffer_; }
  std::string Release() { return std::move(buffer_); }

 private:
  std::string buffer_;
};

}  // namespace streampro
