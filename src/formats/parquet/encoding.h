#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "streampro/status.h"

/// Value and level encodings: the RLE/bit-packing hybrid (levels, dictionary indices,
/// booleans), bit packing, and the decoders for DELTA_BINARY_PACKED,
/// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT. Decoders read
/// untrusted bytes: they check every count and width and return InvalidData (without file
/// context, which the caller adds) instead of reading out of bounds.
namespace streampro::parquet {

/// Bits needed to store `max_value` (0 for 0).
inline int BitWidth(uint64_t max_value) {
  int w = 0;
  while (max_value != 0) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

/// Appends `n` values as an RLE/bit-packed hybrid run sequence with `bit_width` bits
/// (0..32), without any length prefix. Runs of 8 or more equal values become RLE runs.
void EncodeRleHybrid(const uint32_t* values, size_t n, int bit_width, std::string* out);
void EncodeRleHybrid(const uint8_t* values, size_t n, int bit_width, std::string* out);

/// Appends `n` booleans (0/1 bytes) bit-packed LSB first, as PLAIN BOOLEAN stores them.
void PackBooleans(const uint8_t* values, size_t n, std::string* out);

/// Decodes an RLE/bit-packed hybrid stream.
class RleDecoder {
 public:
  /// `bit_width` must be 0..32; checked here.
  Status Init(const uint8_t* data, size_t size, int bit_width);
  /// Decodes exactly `n` values or fails (a stream that ends early is an error).
  Status Get(uint32_t* out, size_t n);
  Status Get(uint8_t* out, size_t n);

 private:
  template <typename T>
  Status GetImpl(T* out, size_t n);
  Status NextRun();

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  int bit_width_ = 0;
  // Current run: either `rle_left` copies of rle_value, or `packed_left` packed values
  // starting at bit `packed_bit` of data_ + packed_start.
  size_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  size_t packed_left_ = 0;
  size_t packed_start_ = 0;
  size_t packed_index_ = 0;
};

/// Reads a ULEB128 varint at `*pos`, advancing it.
Status ReadUleb(const uint8_t* data, size_t size, size_t* pos, uint64_t* out);

/// DELTA_BINARY_PACKED: decodes exactly `count` values (the header must say `count`) into
/// `out`; `*consumed` gets the bytes used, so a following stream can start there.
Status DecodeDeltaBinaryPacked(const uint8_t* data, size_t size, size_t count, int32_t* out,
                               size_t* consumed);
Status DecodeDeltaBinaryPacked(const uint8_t* data, size_t size, size_t count, int64_t* out,
                               size_t* consumed);

/// BYTE_STREAM_SPLIT for 4- or 8-byte values: `size` must be count * width.
Status DecodeByteStreamSplit(const uint8_t* data, size_t size, size_t count, size_t width,
                             void* out);

/// Byte-array values as views into page or scratch memory that outlives their use.
struct ByteArrays {
  std::vector<std::string_view> values;
  std::string scratch;  ///< holds reconstructed DELTA_BYTE_ARRAY values
};

Status DecodePlainByteArrays(const uint8_t* data, size_t size, size_t count, ByteArrays* out);
Status DecodeDeltaLengthByteArrays(const uint8_t* data, size_t size, size_t count, ByteArrays* out);
Status DecodeDeltaByteArrays(const uint8_t* data, size_t size, size_t count, ByteArrays* out);

}  // namespace streampro::parquet
