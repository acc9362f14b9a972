#include "formats/parquet/compression.h"

#include <fmt/format.h>
#include <snappy.h>
#include <zstd.h>

#include "formats/parquet/metadata.h"

namespace streampro::parquet {

std::string CodecName(int32_t codec) {
  switch (codec) {
    case format::kUncompressed:
      return "UNCOMPRESSED";
    case format::kSnappy:
      return "SNAPPY";
    case format::kGzip:
      return "GZIP";
    case format::kZstd:
      return "ZSTD";
    default:
      return fmt::format("codec {}", codec);
  }
}

int32_t CodecOf(Compression c) {
  switch (c) {
    case Compression::kUncompressed:
      return format::kUncompressed;
    case Compression::kSnappy:
      return format::kSnappy;
    case Compression::kZstd:
      return format::kZstd;
  }
  return format::kUncompressed;
}

Status Compress(int32_t codec, int zstd_level, std::string_view input, std::string* out) {
  const size_t base = out->size();
  switch (codec) {
    case format::kUncompressed:
      out->append(input);
      return Status::OK();
    case format::kSnappy: {
      out->resize(base + snappy::MaxCompressedLength(input.size()));
      size_t n = 0;
      snappy::RawCompress(input.data(), input.size(), out->data() + base, &n);
      out->resize(base + n);
      return Status::OK();
    }
    case format::kZstd: {
      out->resize(base + ZSTD_compressBound(input.size()));
      const size_t n = ZSTD_compress(out->data() + base, out->size() - base, input.data(),
                                     input.size(), zstd_level);
      if (ZSTD_isError(n)) {
        out->resize(base);
        return Status::Internal(fmt::format("zstd compression failed: {}", ZSTD_getErrorName(n)));
      }
      out->resize(base + n);
      return Status::OK();
    }
    default:
      return Status::NotImplemented(
          fmt::format("compression {} is not supported", CodecName(codec)));
  }
}

Status Decompress(int32_t codec, std::string_view input, size_t uncompressed_size,
                  std::string* out) {
  switch (codec) {
    case format::kUncompressed:
      if (input.size() != uncompressed_size) {
        return Status::InvalidData("uncompressed page size does not match its header");
      }
      out->assign(input);
      return Status::OK();
    case format::kSnappy: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(input.data(), input.size(), &n) ||
          n != uncompressed_size) {
        return Status::InvalidData("snappy page length does not match its header");
      }
      out->resize(n);
      if (!snappy::RawUncompress(input.data(), input.size(), out->data())) {
        return Status::InvalidData("snappy page is corrupt");
      }
      return Status::OK();
    }
    case format::kZstd: {
      out->resize(uncompressed_size);
      const size_t n = ZSTD_decompress(out->data(), uncompressed_size, input.data(), input.size());
      if (ZSTD_isError(n)) {
        return Status::InvalidData(fmt::format("zstd page is corrupt: {}", ZSTD_getErrorName(n)));
      }
      if (n != uncompressed_size) {
        return Status::InvalidData("zstd page length does not match its header");
      }
      return Status::OK();
    }
    default:
      return Status::NotImplemented(
          fmt::format("compression {} is not supported", CodecName(codec)));
  }
}

}  // namespace streampro::parquet
