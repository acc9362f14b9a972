#include "pipeline/spill.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "formats/parquet/compression.h"

namespace streampro::pipeline {

namespace {

// zstd level 1: the fastest of the regular levels; spill lives for one stage.
constexpr int kSpillZstdLevel = 1;
constexpr int64_t kFrameHeaderBytes = 2 * sizeof(int64_t);

void PutInt64(std::string* out, int64_t value) {
  char bytes[sizeof(value)];
  std::memcpy(bytes, &value, sizeof(value));
  out->append(bytes, sizeof(bytes));
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(
          fmt::format("{}: cannot write spill data: {}", path, std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return Status::OK();
}

// The flag byte before a column: whether a validity bitmap follows.
constexpr char kNoNulls = 0;
constexpr char kHasNulls = 1;

size_t FixedWidth(StorageKind storage) {
  switch (storage) {
    case StorageKind::kBool:
      return 1;
    case StorageKind::kInt32:
      return sizeof(int32_t);
    case StorageKind::kInt64:
    case StorageKind::kDouble:
      return sizeof(int64_t);
    case StorageKind::kString:
      break;
  }
  return 0;
}

void PutVarint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// Reads one LEB128 value at `*at`; false when the bytes end inside it or it is too long.
bool ReadVarint(std::string_view bytes, size_t* at, uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && *at < bytes.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(bytes[(*at)++]);
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

// The bytes of one frame holding the rows of `batches` in order (the format in spill.h).
void EncodeBatches(std::span<const RecordBatch> batches, const Schema& schema, std::string* out) {
  int64_t total_rows = 0;
  int64_t total_bytes = 0;
  for (const RecordBatch& batch : batches) {
    total_rows += batch.num_rows();
    total_bytes += batch.ByteSize();
  }
  const auto rows = static_cast<size_t>(total_rows);
  out->reserve(out->size() + static_cast<size_t>(total_bytes));
  PutInt64(out, total_rows);
  for (int c = 0; c < schema.num_fields(); ++c) {
    int64_t nulls = 0;
    for (const RecordBatch& batch : batches) nulls += batch.column(c).null_count();
    if (nulls == 0) {
      out->push_back(kNoNulls);
    } else {
      out->push_back(kHasNulls);
      const size_t start = out->size();
      out->resize(start + (rows + 7) / 8, '\0');
      char* bits = out->data() + start;
      size_t row = 0;
      for (const RecordBatch& batch : batches) {
        for (const uint8_t valid : batch.column(c).validity()) {
          bits[row / 8] = static_cast<char>(bits[row / 8] | ((valid != 0 ? 1 : 0) << (row % 8)));
          ++row;
        }
      }
    }
    if (StorageOf(schema.field(c).type) == StorageKind::kString) {
      // Lengths instead of offsets: one byte a row for strings under 128 bytes. The
      // characters the offsets cover only (a column may start mid-buffer after Clear).
      const size_t size_at = out->size();
      PutInt64(out, 0);  // the lengths' byte count, set below
      int64_t chars_size = 0;
      for (const RecordBatch& batch : batches) {
        const auto offsets = batch.column(c).string_offsets();
        for (size_t i = 0; i + 1 < offsets.size(); ++i) {
          PutVarint(out, static_cast<uint64_t>(offsets[i + 1] - offsets[i]));
        }
        chars_size += offsets.back() - offsets.front();
      }
      const auto lengths_size = static_cast<int64_t>(out->size() - size_at - sizeof(int64_t));
      std::memcpy(out->data() + size_at, &lengths_size, sizeof(lengths_size));
      PutInt64(out, chars_size);
      for (const RecordBatch& batch : batches) {
        const Column& column = batch.column(c);
        const auto offsets = column.string_offsets();
        out->append(
            column.string_data().substr(static_cast<size_t>(offsets.front()),
                                        static_cast<size_t>(offsets.back() - offsets.front())));
      }
    } else {
      for (const RecordBatch& batch : batches) out->append(batch.column(c).raw_values());
    }
  }
}

// Reads the little-endian fields back from a spill file held in memory.
class SpillCursor {
 public:
  SpillCursor(std::string_view bytes, const std::string& path) : bytes_(bytes), path_(path) {}
  bool done() const { return bytes_.empty(); }
  Result<int64_t> Int64() {
    ASSIGN_OR_RETURN(const std::string_view raw, Take(sizeof(int64_t)));
    int64_t value = 0;
    std::memcpy(&value, raw.data(), sizeof(value));
    return value;
  }
  Result<std::string_view> Take(size_t n) {
    if (n > bytes_.size()) {
      return Status::Internal(fmt::format("{}: spill file is truncated", path_));
    }
    const std::string_view out = bytes_.substr(0, n);
    bytes_.remove_prefix(n);
    return out;
  }

 private:
  std::string_view bytes_;
  const std::string& path_;
};

}  // namespace

Result<SpillFile> SpillFile::Create(std::string path, SchemaPtr schema,
                                    parquet::Compression compression) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::IOError(
        fmt::format("{}: cannot create spill file: {}", path, std::strerror(errno)));
  }
  return SpillFile(std::move(path), std::move(schema), compression, fd);
}

SpillFile::SpillFile(SpillFile&& other) noexcept
    : path_(std::move(other.path_)),
      schema_(std::move(other.schema_)),
      compression_(other.compression_),
      fd_(other.fd_),
      rows_(other.rows_),
      bytes_(other.bytes_),
      raw_bytes_(other.raw_bytes_) {
  other.fd_ = -1;
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
}

Status SpillFile::Append(const RecordBatch& batch) {
  return Append(std::span<const RecordBatch>(&batch, 1));
}

Status SpillFile::Append(std::span<const RecordBatch> batches) {
  int64_t rows = 0;
  for (const RecordBatch& batch : batches) rows += batch.num_rows();
  if (rows == 0) return Status::OK();
  // Local buffers: a SpillFile per bucket keeps no memory between appends.
  std::string bytes_of_batch;
  std::string frame;
  EncodeBatches(batches, *schema_, &bytes_of_batch);
  frame.clear();
  PutInt64(&frame, static_cast<int64_t>(bytes_of_batch.size()));
  PutInt64(&frame, 0);  // the stored size, set below
  if (compression_ == parquet::Compression::kUncompressed) {
    frame.append(bytes_of_batch);
  } else {
    RETURN_NOT_OK(
        parquet::Compress(parquet::CodecOf(compression_), kSpillZstdLevel, bytes_of_batch, &frame));
  }
  const int64_t stored = static_cast<int64_t>(frame.size()) - kFrameHeaderBytes;
  std::memcpy(frame.data() + sizeof(int64_t), &stored, sizeof(stored));
  RETURN_NOT_OK(WriteAll(fd_, frame, path_));
  rows_ += rows;
  bytes_ += static_cast<int64_t>(frame.size());
  raw_bytes_ += static_cast<int64_t>(bytes_of_batch.size());
  return Status::OK();
}

Status SpillFile::ReadAllInto(RecordBatch* out) const {
  std::string bytes(static_cast<size_t>(bytes_), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pread(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::IOError(fmt::format("{}: cannot read spill data: {}", path_,
                                         n < 0 ? std::strerror(errno) : "unexpected end"));
    }
    done += static_cast<size_t>(n);
  }
  out->Reserve(rows_);
  SpillCursor frames(bytes, path_);
  std::string decompressed;
  while (!frames.done()) {
    ASSIGN_OR_RETURN(const int64_t raw_size, frames.Int64());
    ASSIGN_OR_RETURN(const int64_t stored_size, frames.Int64());
    if (raw_size < 0 || stored_size < 0) {
      return Status::Internal(fmt::format("{}: spill frame sizes are corrupt", path_));
    }
    ASSIGN_OR_RETURN(std::string_view batch, frames.Take(static_cast<size_t>(stored_size)));
    if (compression_ != parquet::Compression::kUncompressed) {
      const Status unpacked = parquet::Decompress(parquet::CodecOf(compression_), batch,
                                                  static_cast<size_t>(raw_size), &decompressed);
      if (!unpacked.ok()) {
        return Status::Internal(fmt::format("{}: {}", path_, unpacked.message()));
      }
      batch = decompressed;
    }
    RETURN_NOT_OK(AppendBatch(batch, out));
  }
  return Status::OK();
}

Status SpillFile::AppendBatch(std::string_view bytes, RecordBatch* out) const {
  SpillCursor cursor(bytes, path_);
  ASSIGN_OR_RETURN(const int64_t rows, cursor.Int64());
  // Every row takes at least one byte of a frame (a length, a value or a bitmap bit of
  // each column), so a larger count is corrupt before anything is sized by it.
  if (rows < 0 || static_cast<uint64_t>(rows) > bytes.size()) {
    return Status::Internal(fmt::format("{}: a spill frame is corrupt", path_));
  }
  const auto n = static_cast<size_t>(rows);
  std::vector<uint8_t> validity;
  std::vector<int64_t> offsets;
  for (int c = 0; c < out->num_columns(); ++c) {
    Column& column = out->column(c);
    ASSIGN_OR_RETURN(const std::string_view flags, cursor.Take(1));
    if (flags[0] == kHasNulls) {
      ASSIGN_OR_RETURN(const std::string_view bits, cursor.Take((n + 7) / 8));
      validity.resize(n);
      for (size_t i = 0; i < n; ++i) validity[i] = (bits[i / 8] >> (i % 8)) & 1;
    } else {
      validity.assign(n, 1);
    }
    if (StorageOf(column.type()) == StorageKind::kString) {
      ASSIGN_OR_RETURN(const int64_t lengths_size, cursor.Int64());
      ASSIGN_OR_RETURN(const std::string_view lengths,
                       cursor.Take(static_cast<size_t>(std::max<int64_t>(lengths_size, 0))));
      // The characters' count follows the lengths; no length may run past it.
      ASSIGN_OR_RETURN(const int64_t chars_size, cursor.Int64());
      if (chars_size < 0) {
        return Status::Internal(fmt::format("{}: a spill frame's strings are corrupt", path_));
      }
      offsets.resize(n + 1);
      offsets[0] = 0;
      size_t at = 0;
      for (size_t i = 0; i < n; ++i) {
        uint64_t length = 0;
        if (!ReadVarint(lengths, &at, &length) ||
            length > static_cast<uint64_t>(chars_size - offsets[i])) {
          return Status::Internal(
              fmt::format("{}: a spill frame's string lengths are corrupt", path_));
        }
        offsets[i + 1] = offsets[i] + static_cast<int64_t>(length);
      }
      if (at != lengths.size() || chars_size != offsets[n]) {
        return Status::Internal(fmt::format("{}: a spill frame's strings are corrupt", path_));
      }
      ASSIGN_OR_RETURN(const std::string_view chars, cursor.Take(static_cast<size_t>(chars_size)));
      column.AppendRaw(rows, validity.data(),
                       std::string_view(reinterpret_cast<const char*>(offsets.data()),
                                        offsets.size() * sizeof(int64_t)),
                       chars);
    } else {
      ASSIGN_OR_RETURN(const std::string_view values,
                       cursor.Take(n * FixedWidth(StorageOf(column.type()))));
      column.AppendRaw(rows, validity.data(), values, {});
    }
  }
  if (!cursor.done()) {
    return Status::Internal(fmt::format("{}: a spill frame holds more than its batch", path_));
  }
  return Status::OK();
}

}  // namespace streampro::pipeline
