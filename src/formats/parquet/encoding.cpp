#include "formats/parquet/encoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace streampro::parquet {

namespace {

void PutUleb(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Packs values[0, count) into `groups` groups of 8, padding with zeros.
template <typename T>
void BitPack(const T* values, size_t count, size_t groups, int bit_width, std::string* out) {
  const size_t base = out->size();
  out->resize(base + groups * static_cast<size_t>(bit_width));
  auto* p = reinterpret_cast<uint8_t*>(out->data() + base);
  uint64_t buffer = 0;
  int bits = 0;
  const size_t padded = groups * 8;
  for (size_t k = 0; k < padded; ++k) {
    const uint64_t v = k < count ? static_cast<uint64_t>(values[k]) : 0;
    buffer |= v << bits;
    bits += bit_width;
    while (bits >= 8) {
      *p++ = static_cast<uint8_t>(buffer);
      buffer >>= 8;
      bits -= 8;
    }
  }
}

template <typename T>
void EncodeRleHybridImpl(const T* v, size_t n, int bit_width, std::string* out) {
  const size_t value_bytes = static_cast<size_t>(bit_width + 7) / 8;
  size_t literal_start = 0;
  auto flush_literals = [&](size_t end) {
    if (end == literal_start) return;
    const size_t count = end - literal_start;
    const size_t groups = (count + 7) / 8;
    PutUleb(out, (groups << 1) | 1);
    BitPack(v + literal_start, count, groups, bit_width, out);
    literal_start = end;
  };
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && v[j] == v[i]) ++j;
    size_t run = j - i;
    if (run >= 8) {
      // Literal runs between RLE runs must hold a multiple of 8 values, so the pending
      // literals borrow the first few values of this run.
      const size_t take = (8 - (i - literal_start) % 8) % 8;
      if (run - take < 8) {
        i = j;
        continue;
      }
      i += take;
      run -= take;
      flush_literals(i);
      PutUleb(out, static_cast<uint64_t>(run) << 1);
      uint32_t value = static_cast<uint32_t>(v[i]);
      for (size_t b = 0; b < value_bytes; ++b) {
        out->push_back(static_cast<char>(value & 0xFF));
        value >>= 8;
      }
      literal_start = j;
    }
    i = j;
  }
  flush_literals(n);
}

// Little-endian load of up to 8 bytes, never past `avail`.
inline uint64_t LoadLE(const uint8_t* p, size_t avail) {
  uint64_t v = 0;
  if (avail >= 8) {
    std::memcpy(&v, p, 8);
  } else {
    for (size_t i = 0; i < avail; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  }
  return v;
}

// Reads `bit_width` (0..64) bits at `bit_offset` of a region of `size` bytes whose bounds
// the caller has already checked to cover the value.
inline uint64_t GetBits(const uint8_t* base, size_t size, uint64_t bit_offset, int bit_width) {
  if (bit_width == 0) return 0;
  const size_t byte = static_cast<size_t>(bit_offset >> 3);
  const int shift = static_cast<int>(bit_offset & 7);
  uint64_t v = LoadLE(base + byte, size - byte) >> shift;
  if (shift + bit_width > 64 && byte + 8 < size) {
    v |= static_cast<uint64_t>(base[byte + 8]) << (64 - shift);
  }
  if (bit_width < 64) v &= (uint64_t{1} << bit_width) - 1;
  return v;
}

Status Invalid(std::string message) {
  return Status::InvalidData(std::move(message));
}

}  // namespace

void EncodeRleHybrid(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  EncodeRleHybridImpl(values, n, bit_width, out);
}

void EncodeRleHybrid(const uint8_t* values, size_t n, int bit_width, std::string* out) {
  EncodeRleHybridImpl(values, n, bit_width, out);
}

void PackBooleans(const uint8_t* values, size_t n, std::string* out) {
  const size_t base = out->size();
  out->resize(base + (n + 7) / 8, '\0');
  auto* p = reinterpret_cast<uint8_t*>(out->data() + base);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint8_t byte = 0;
    for (int b = 0; b < 8; ++b) byte |= static_cast<uint8_t>((values[i + b] & 1) << b);
    p[i / 8] = byte;
  }
  for (; i < n; ++i) p[i / 8] |= static_cast<uint8_t>((values[i] & 1) << (i % 8));
}

// ---- RLE decoding -----------------------------------------------------------------------

Status ReadUleb(const uint8_t* data, size_t size, size_t* pos, uint64_t* out) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= size) return Invalid("varint runs past the end of the page");
    const uint8_t byte = data[(*pos)++];
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *out = result;
      return Status::OK();
    }
  }
  return Invalid("varint is longer than 10 bytes");
}

Status RleDecoder::Init(const uint8_t* data, size_t size, int bit_width) {
  if (bit_width < 0 || bit_width > 32) {
    return Invalid(fmt::format("RLE bit width {} is outside 0..32", bit_width));
  }
  data_ = data;
  size_ = size;
  pos_ = 0;
  bit_width_ = bit_width;
  rle_left_ = packed_left_ = 0;
  return Status::OK();
}

Status RleDecoder::NextRun() {
  uint64_t header;
  RETURN_NOT_OK(ReadUleb(data_, size_, &pos_, &header));
  if (header & 1) {
    const uint64_t groups = header >> 1;
    const uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);
    if (groups > (uint64_t{1} << 31) || bytes > size_ - pos_) {
      return Invalid("bit-packed run is longer than the page");
    }
    packed_left_ = static_cast<size_t>(groups * 8);
    packed_start_ = pos_;
    packed_index_ = 0;
    pos_ += static_cast<size_t>(bytes);
  } else {
    const size_t value_bytes = static_cast<size_t>(bit_width_ + 7) / 8;
    if (value_bytes > size_ - pos_) return Invalid("RLE run value is cut off");
    uint32_t value = 0;
    for (size_t b = 0; b < value_bytes; ++b)
      value |= static_cast<uint32_t>(data_[pos_ + b]) << (8 * b);
    pos_ += value_bytes;
    rle_value_ = value;
    rle_left_ = static_cast<size_t>(std::min<uint64_t>(header >> 1, uint64_t{1} << 40));
  }
  return Status::OK();
}

template <typename T>
Status RleDecoder::GetImpl(T* out, size_t n) {
  while (n > 0) {
    if (rle_left_ > 0) {
      const size_t take = std::min(rle_left_, n);
      if (rle_value_ > std::numeric_limits<T>::max()) return Invalid("RLE value is too large");
      std::fill(out, out + take, static_cast<T>(rle_value_));
      out += take;
      n -= take;
      rle_left_ -= take;
    } else if (packed_left_ > 0) {
      const size_t take = std::min(packed_left_, n);
      const uint8_t* base = data_ + packed_start_;
      const size_t region = pos_ - packed_start_;
      uint64_t bit = static_cast<uint64_t>(packed_index_) * static_cast<uint64_t>(bit_width_);
      for (size_t k = 0; k < take; ++k) {
        const uint64_t v = GetBits(base, region, bit, bit_width_);
        if (v > std::numeric_limits<T>::max()) return Invalid("bit-packed value is too large");
        out[k] = static_cast<T>(v);
        bit += static_cast<uint64_t>(bit_width_);
      }
      out += take;
      n -= take;
      packed_left_ -= take;
      packed_index_ += take;
    } else {
      if (pos_ >= size_) return Invalid("RLE/bit-packed data ends before all values");
      RETURN_NOT_OK(NextRun());
    }
  }
  return Status::OK();
}

Status RleDecoder::Get(uint32_t* out, size_t n) {
  return GetImpl(out, n);
}
Status RleDecoder::Get(uint8_t* out, size_t n) {
  return GetImpl(out, n);
}

// ---- DELTA_BINARY_PACKED ----------------------------------------------------------------

namespace {

template <typename T>
Status DecodeDeltaImpl(const uint8_t* data, size_t size, size_t count, T* out, size_t* consumed) {
  size_t pos = 0;
  uint64_t block_size, miniblocks, total, first_raw;
  RETURN_NOT_OK(ReadUleb(data, size, &pos, &block_size));
  RETURN_NOT_OK(ReadUleb(data, size, &pos, &miniblocks));
  RETURN_NOT_OK(ReadUleb(data, size, &pos, &total));
  RETURN_NOT_OK(ReadUleb(data, size, &pos, &first_raw));
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20) || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Invalid(fmt::format("DELTA_BINARY_PACKED header is invalid (block {}, miniblocks {})",
                               block_size, miniblocks));
  }
  if (total != count) {
    return Invalid(
        fmt::format("DELTA_BINARY_PACKED holds {} values where {} are expected", total, count));
  }
  if (count == 0) {
    *consumed = pos;
    return Status::OK();
  }
  const size_t per_miniblock = static_cast<size_t>(block_size / miniblocks);
  uint64_t last = (first_raw >> 1) ^ (~(first_raw & 1) + 1);
  out[0] = static_cast<T>(last);
  size_t produced = 1;
  while (produced < count) {
    uint64_t min_raw;
    RETURN_NOT_OK(ReadUleb(data, size, &pos, &min_raw));
    const uint64_t min_delta = (min_raw >> 1) ^ (~(min_raw & 1) + 1);
    if (miniblocks > size - pos) return Invalid("DELTA_BINARY_PACKED block is cut off");
    const uint8_t* widths = data + pos;
    pos += static_cast<size_t>(miniblocks);
    for (size_t m = 0; m < miniblocks && produced < count; ++m) {
      const int bw = widths[m];
      if (bw > 64) return Invalid(fmt::format("DELTA_BINARY_PACKED bit width {} > 64", bw));
      const size_t bytes = per_miniblock * static_cast<size_t>(bw) / 8;
      if (bytes > size - pos) return Invalid("DELTA_BINARY_PACKED miniblock is cut off");
      const size_t take = std::min(per_miniblock, count - produced);
      const uint8_t* base = data + pos;
      for (size_t k = 0; k < take; ++k) {
        last += min_delta + GetBits(base, bytes, static_cast<uint64_t>(k) * bw, bw);
        out[produced++] = static_cast<T>(last);
      }
      pos += bytes;
    }
  }
  *consumed = pos;
  return Status::OK();
}

}  // namespace

Status DecodeDeltaBinaryPacked(const uint8_t* data, size_t size, size_t count, int32_t* out,
                               size_t* consumed) {
  return DecodeDeltaImpl(data, size, count, out, consumed);
}

Status DecodeDeltaBinaryPacked(const uint8_t* data, size_t size, size_t count, int64_t* out,
                               size_t* consumed) {
  return DecodeDeltaImpl(data, size, count, out, consumed);
}

Status DecodeByteStreamSplit(const uint8_t* data, size_t size, size_t count, size_t width,
                             void* out) {
  if (count > size / width || count * width != size) {
    return Invalid(fmt::format("BYTE_STREAM_SPLIT data has {} bytes for {} values", size, count));
  }
  auto* dst = static_cast<uint8_t*>(out);
  for (size_t k = 0; k < width; ++k) {
    const uint8_t* stream = data + k * count;
    for (size_t i = 0; i < count; ++i) dst[i * width + k] = stream[i];
  }
  return Status::OK();
}

// ---- byte arrays ------------------------------------------------------------------------

Status DecodePlainByteArrays(const uint8_t* data, size_t size, size_t count, ByteArrays* out) {
  if (count > size / 4) return Invalid("PLAIN byte arrays need more bytes than the page has");
  out->values.resize(count);
  size_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    if (size - pos < 4) return Invalid("PLAIN byte array length is cut off");
    uint32_t len;
    std::memcpy(&len, data + pos, 4);
    pos += 4;
    if (len > size - pos) return Invalid("PLAIN byte array runs past the page");
    out->values[i] = std::string_view(reinterpret_cast<const char*>(data + pos), len);
    pos += len;
  }
  return Status::OK();
}

namespace {
Status DecodeDlba(const uint8_t* data, size_t size, size_t count, ByteArrays* out,
                  std::vector<int32_t>* lengths) {
  lengths->resize(count);
  size_t pos = 0;
  RETURN_NOT_OK(DecodeDeltaBinaryPacked(data, size, count, lengths->data(), &pos));
  out->values.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const int32_t len = (*lengths)[i];
    if (len < 0 || static_cast<size_t>(len) > size - pos) {
      return Invalid("DELTA_LENGTH_BYTE_ARRAY value runs past the page");
    }
    out->values[i] =
        std::string_view(reinterpret_cast<const char*>(data + pos), static_cast<size_t>(len));
    pos += static_cast<size_t>(len);
  }
  return Status::OK();
}
}  // namespace

Status DecodeDeltaLengthByteArrays(const uint8_t* data, size_t size, size_t count,
                                   ByteArrays* out) {
  std::vector<int32_t> lengths;
  return DecodeDlba(data, size, count, out, &lengths);
}

Status DecodeDeltaByteArrays(const uint8_t* data, size_t size, size_t count, ByteArrays* out) {
  std::vector<int32_t> prefixes(count);
  size_t pos = 0;
  RETURN_NOT_OK(DecodeDeltaBinaryPacked(data, size, count, prefixes.data(), &pos));
  ByteArrays suffixes;
  std::vector<int32_t> lengths;
  RETURN_NOT_OK(DecodeDlba(data + pos, size - pos, count, &suffixes, &lengths));
  // Sizes first, so scratch never reallocates under the views.
  constexpr uint64_t kMaxExpanded = uint64_t{1} << 29;
  uint64_t total = 0;
  uint64_t previous = 0;
  for (size_t i = 0; i < count; ++i) {
    if (prefixes[i] < 0 || static_cast<uint64_t>(prefixes[i]) > previous) {
      return Invalid("DELTA_BYTE_ARRAY prefix is longer than the previous value");
    }
    previous = static_cast<uint64_t>(prefixes[i]) + suffixes.values[i].size();
    total += previous;
    if (total > kMaxExpanded) return Invalid("DELTA_BYTE_ARRAY values expand beyond 512 MiB");
  }
  out->scratch.clear();
  out->scratch.reserve(static_cast<size_t>(total));
  out->values.resize(count);
  std::string_view prev;
  for (size_t i = 0; i < count; ++i) {
    const size_t start = out->scratch.size();
    out->scratch.append(prev.substr(0, static_cast<size_t>(prefixes[i])));
    out->scratch.append(suffixes.values[i]);
    out->values[i] = std::string_view(out->scratch).substr(start);
    prev = out->values[i];
  }
  return Status::OK();
}

}  // namespace streampro::parquet
