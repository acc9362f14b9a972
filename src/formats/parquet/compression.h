#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "streampro/parquet.h"
#include "streampro/status.h"

/// Page compression with the codecs we support (UNCOMPRESSED, SNAPPY, ZSTD), keyed by
/// the Parquet CompressionCodec number.
namespace streampro::parquet {

/// The Parquet codec number of `compression`.
int32_t CodecOf(Compression compression);

/// Appends `input` compressed with `codec` to `out`. `codec` must be supported.
Status Compress(int32_t codec, int zstd_level, std::string_view input, std::string* out);

/// Decompresses `input` into `out`, which must end up exactly `uncompressed_size` bytes;
/// anything else (including a corrupt stream) is an error without file context.
Status Decompress(int32_t codec, std::string_view input, size_t uncompressed_size,
                  std::string* out);

/// Name for messages: "SNAPPY", "codec 4", ...
std::string CodecName(int32_t codec);

}  // namespace streampro::parquet
