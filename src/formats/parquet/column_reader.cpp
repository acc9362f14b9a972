#include "formats/parquet/column_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <vector>

#include "formats/parquet/compression.h"
#include "formats/parquet/encoding.h"

namespace streampro::parquet {

namespace {

// No legitimate page is this large; the bound keeps hostile headers from forcing huge
// allocations before decompression can fail.
constexpr int64_t kMaxPageBytes = int64_t{1} << 29;

Status Bad(std::string message) {
  return Status::InvalidData(std::move(message));
}

std::string EncodingName(int32_t e) {
  switch (e) {
    case format::kPlain:
      return "PLAIN";
    case format::kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case format::kRle:
      return "RLE";
    case format::kBitPacked:
      return "BIT_PACKED";
    case format::kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case format::kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case format::kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case format::kRleDictionary:
      return "RLE_DICTIONARY";
    case format::kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
    default:
      return fmt::format("encoding {}", e);
  }
}

Status Unsupported(int32_t encoding, const char* type) {
  return Status::NotImplemented(
      fmt::format("{} is not supported for {} values", EncodingName(encoding), type));
}

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnDescriptor& desc, const format::ColumnMetaData& meta, Column* out)
      : desc_(desc), meta_(meta), out_(out) {}

  Status Run(std::string_view chunk, int64_t num_rows);

 private:
  Status ReadDictionary(const format::PageHeader& h, std::string_view raw);
  Status ReadDataPage(const format::PageHeader& h, std::string_view raw, int64_t rows_left);
  Status DecodeLevels(const uint8_t* data, size_t size, size_t n, size_t* non_null);
  Status DecodeIndices(const uint8_t* data, size_t size, size_t count, size_t dict_size);
  Status DecodeAndAppend(int32_t encoding, const uint8_t* data, size_t size, size_t n,
                         size_t non_null);
  template <typename T>
  Status DecodeFixed(int32_t encoding, const uint8_t* data, size_t size, size_t count,
                     const std::vector<T>& dict, std::vector<T>* values);
  template <typename T, typename F>
  void Scatter(size_t n, const T* values, F&& append);

  const ColumnDescriptor& desc_;
  const format::ColumnMetaData& meta_;
  Column* out_;

  bool has_dictionary_ = false;
  std::string dict_buffer_;
  std::vector<int32_t> dict_i32_;
  std::vector<int64_t> dict_i64_;
  std::vector<double> dict_f64_;
  ByteArrays dict_strings_;

  std::string page_;
  std::vector<uint8_t> levels_;
  std::vector<uint32_t> indices_;
  std::vector<int32_t> i32_;
  std::vector<int64_t> i64_;
  std::vector<double> f64_;
  std::vector<uint8_t> bools_;
  ByteArrays strings_;
};

Status ChunkDecoder::Run(std::string_view chunk, int64_t num_rows) {
  const auto* data = reinterpret_cast<const uint8_t*>(chunk.data());
  const size_t size = chunk.size();
  size_t pos = 0;
  int64_t read = 0;
  out_->Reserve(std::min<int64_t>(num_rows, int64_t{1} << 20));
  while (pos < size && read < num_rows) {
    format::PageHeader h;
    size_t header_bytes = 0;
    RETURN_NOT_OK(format::ParsePageHeader(data + pos, size - pos, &h, &header_bytes));
    pos += header_bytes;
    if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0 ||
        h.uncompressed_page_size > kMaxPageBytes) {
      return Bad(fmt::format("page sizes {} / {} are invalid", h.compressed_page_size,
                             h.uncompressed_page_size));
    }
    if (static_cast<size_t>(h.compressed_page_size) > size - pos) {
      return Bad("page runs past the end of the column chunk");
    }
    const std::string_view raw(chunk.data() + pos, static_cast<size_t>(h.compressed_page_size));
    pos += static_cast<size_t>(h.compressed_page_size);
    switch (h.type) {
      case format::kDictionaryPage:
        if (has_dictionary_ || read > 0) return Bad("dictionary page is not the first page");
        RETURN_NOT_OK(ReadDictionary(h, raw));
        break;
      case format::kDataPage:
      case format::kDataPageV2: {
        const int64_t before = out_->length();
        RETURN_NOT_OK(ReadDataPage(h, raw, num_rows - read));
        read += out_->length() - before;
        break;
      }
      default:
        break;  // index pages and future page types carry no values we need
    }
  }
  if (read != num_rows) {
    return Bad(
        fmt::format("column chunk holds {} values but the row group has {} rows", read, num_rows));
  }
  return Status::OK();
}

Status ChunkDecoder::ReadDictionary(const format::PageHeader& h, std::string_view raw) {
  if (!h.dictionary_page_header) return Bad("dictionary page lacks its header");
  const auto& d = *h.dictionary_page_header;
  if (d.encoding != format::kPlain && d.encoding != format::kPlainDictionary) {
    return Unsupported(d.encoding, "dictionary");
  }
  if (d.num_values < 0) return Bad("dictionary page has a negative value count");
  RETURN_NOT_OK(
      Decompress(meta_.codec, raw, static_cast<size_t>(h.uncompressed_page_size), &dict_buffer_));
  const auto* data = reinterpret_cast<const uint8_t*>(dict_buffer_.data());
  const size_t size = dict_buffer_.size();
  const auto n = static_cast<size_t>(d.num_values);
  auto fixed = [&](auto* dict) -> Status {
    using T = typename std::remove_pointer_t<decltype(dict)>::value_type;
    if (n > size / sizeof(T)) return Bad("dictionary page is shorter than its values");
    dict->resize(n);
    if (n > 0) std::memcpy(dict->data(), data, n * sizeof(T));
    return Status::OK();
  };
  switch (desc_.physical_type) {
    case format::kInt32:
      RETURN_NOT_OK(fixed(&dict_i32_));
      break;
    case format::kInt64:
      RETURN_NOT_OK(fixed(&dict_i64_));
      break;
    case format::kDouble:
      RETURN_NOT_OK(fixed(&dict_f64_));
      break;
    case format::kByteArray:
      RETURN_NOT_OK(DecodePlainByteArrays(data, size, n, &dict_strings_));
      break;
    default:
      return Status::NotImplemented("dictionary pages are not supported for BOOLEAN");
  }
  has_dictionary_ = true;
  return Status::OK();
}

Status ChunkDecoder::DecodeLevels(const uint8_t* data, size_t size, size_t n, size_t* non_null) {
  RleDecoder decoder;
  RETURN_NOT_OK(decoder.Init(data, size, 1));
  levels_.resize(n);
  RETURN_NOT_OK(decoder.Get(levels_.data(), n));
  size_t count = 0;
  for (size_t i = 0; i < n; ++i) {
    if (levels_[i] > 1) return Bad("definition level is above the maximum of 1");
    count += levels_[i];
  }
  *non_null = count;
  return Status::OK();
}

Status ChunkDecoder::ReadDataPage(const format::PageHeader& h, std::string_view raw,
                                  int64_t rows_left) {
  const bool v2 = h.type == format::kDataPageV2;
  if (v2 ? !h.data_page_header_v2 : !h.data_page_header) {
    return Bad("data page lacks its header");
  }
  const int32_t num_values =
      v2 ? h.data_page_header_v2->num_values : h.data_page_header->num_values;
  const int32_t encoding = v2 ? h.data_page_header_v2->encoding : h.data_page_header->encoding;
  if (num_values < 0 || num_values > rows_left) {
    return Bad(
        fmt::format("data page holds {} values where at most {} remain", num_values, rows_left));
  }
  const auto n = static_cast<size_t>(num_values);
  const uint8_t* values = nullptr;
  size_t values_size = 0;
  size_t non_null = n;
  if (!v2) {
    RETURN_NOT_OK(
        Decompress(meta_.codec, raw, static_cast<size_t>(h.uncompressed_page_size), &page_));
    const auto* data = reinterpret_cast<const uint8_t*>(page_.data());
    size_t pos = 0;
    if (desc_.nullable) {
      if (h.data_page_header->definition_level_encoding != format::kRle) {
        return Unsupported(h.data_page_header->definition_level_encoding, "definition level");
      }
      if (page_.size() < 4) return Bad("definition levels are cut off");
      uint32_t length;
      std::memcpy(&length, data, 4);
      if (length > page_.size() - 4) return Bad("definition levels run past the page");
      RETURN_NOT_OK(DecodeLevels(data + 4, length, n, &non_null));
      pos = 4 + static_cast<size_t>(length);
    }
    values = data + pos;
    values_size = page_.size() - pos;
  } else {
    const auto& d = *h.data_page_header_v2;
    if (d.definition_levels_byte_length < 0 || d.repetition_levels_byte_length < 0 ||
        static_cast<int64_t>(d.definition_levels_byte_length) + d.repetition_levels_byte_length >
            static_cast<int64_t>(raw.size()) ||
        d.definition_levels_byte_length + d.repetition_levels_byte_length >
            h.uncompressed_page_size) {
      return Bad("data page v2 level lengths exceed the page");
    }
    const auto rep = static_cast<size_t>(d.repetition_levels_byte_length);
    const auto def = static_cast<size_t>(d.definition_levels_byte_length);
    const auto* data = reinterpret_cast<const uint8_t*>(raw.data());
    if (desc_.nullable) RETURN_NOT_OK(DecodeLevels(data + rep, def, n, &non_null));
    const std::string_view rest = raw.substr(rep + def);
    const auto rest_size = static_cast<size_t>(h.uncompressed_page_size) - rep - def;
    if (d.is_compressed) {
      RETURN_NOT_OK(Decompress(meta_.codec, rest, rest_size, &page_));
    } else {
      if (rest.size() != rest_size) return Bad("data page v2 size does not match its header");
      page_.assign(rest);
    }
    values = reinterpret_cast<const uint8_t*>(page_.data());
    values_size = page_.size();
  }
  return DecodeAndAppend(encoding, values, values_size, n, non_null);
}

Status ChunkDecoder::DecodeIndices(const uint8_t* data, size_t size, size_t count,
                                   size_t dict_size) {
  if (!has_dictionary_) return Bad("dictionary-encoded page without a dictionary page");
  indices_.resize(count);
  if (count == 0) return Status::OK();
  if (size < 1) return Bad("dictionary index bit width is missing");
  RleDecoder decoder;
  RETURN_NOT_OK(decoder.Init(data + 1, size - 1, data[0]));
  RETURN_NOT_OK(decoder.Get(indices_.data(), count));
  for (size_t i = 0; i < count; ++i) {
    if (indices_[i] >= dict_size) {
      return Bad(fmt::format("dictionary index {} is outside the dictionary of {} values",
                             indices_[i], dict_size));
    }
  }
  return Status::OK();
}

template <typename T>
Status ChunkDecoder::DecodeFixed(int32_t encoding, const uint8_t* data, size_t size, size_t count,
                                 const std::vector<T>& dict, std::vector<T>* values) {
  values->resize(count);
  switch (encoding) {
    case format::kPlain:
      if (count > size / sizeof(T)) return Bad("PLAIN values run past the page");
      if (count > 0) std::memcpy(values->data(), data, count * sizeof(T));
      return Status::OK();
    case format::kPlainDictionary:
    case format::kRleDictionary:
      RETURN_NOT_OK(DecodeIndices(data, size, count, dict.size()));
      for (size_t i = 0; i < count; ++i) (*values)[i] = dict[indices_[i]];
      return Status::OK();
    case format::kDeltaBinaryPacked:
      if constexpr (std::is_integral_v<T>) {
        size_t consumed;
        return DecodeDeltaBinaryPacked(data, size, count, values->data(), &consumed);
      }
      break;
    case format::kByteStreamSplit:
      return DecodeByteStreamSplit(data, size, count, sizeof(T), values->data());
    default:
      break;
  }
  return Unsupported(encoding, std::is_integral_v<T> ? "integer" : "DOUBLE");
}

template <typename T, typename F>
void ChunkDecoder::Scatter(size_t n, const T* values, F&& append) {
  if (!desc_.nullable) {
    for (size_t i = 0; i < n; ++i) append(values[i]);
    return;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    if (levels_[i] != 0) {
      append(values[k++]);
    } else {
      out_->AppendNull();
    }
  }
}

Status ChunkDecoder::DecodeAndAppend(int32_t encoding, const uint8_t* data, size_t size, size_t n,
                                     size_t non_null) {
  Column* out = out_;
  switch (desc_.physical_type) {
    case format::kBoolean: {
      bools_.resize(non_null);
      if (encoding == format::kPlain) {
        if (non_null > size * 8) return Bad("PLAIN booleans run past the page");
        for (size_t i = 0; i < non_null; ++i) bools_[i] = (data[i / 8] >> (i % 8)) & 1;
      } else if (encoding == format::kRle) {
        if (size < 4) return Bad("RLE boolean length is cut off");
        uint32_t length;
        std::memcpy(&length, data, 4);
        if (length > size - 4) return Bad("RLE booleans run past the page");
        RleDecoder decoder;
        RETURN_NOT_OK(decoder.Init(data + 4, length, 1));
        RETURN_NOT_OK(decoder.Get(bools_.data(), non_null));
      } else {
        return Unsupported(encoding, "BOOLEAN");
      }
      Scatter(n, bools_.data(), [out](uint8_t b) { out->AppendBool(b != 0); });
      return Status::OK();
    }
    case format::kInt32:
      RETURN_NOT_OK(DecodeFixed(encoding, data, size, non_null, dict_i32_, &i32_));
      Scatter(n, i32_.data(), [out](int32_t v) { out->AppendInt32(v); });
      return Status::OK();
    case format::kInt64:
      RETURN_NOT_OK(DecodeFixed(encoding, data, size, non_null, dict_i64_, &i64_));
      if (desc_.timestamp_scale > 0) {
        for (auto& v : i64_) {
          if (__builtin_mul_overflow(v, int64_t{desc_.timestamp_scale}, &v)) {
            return Bad("millisecond timestamp overflows microseconds");
          }
        }
      } else if (desc_.timestamp_scale < 0) {
        const int64_t d = -desc_.timestamp_scale;
        for (auto& v : i64_) v = v / d - ((v % d) < 0 ? 1 : 0);  // floor
      }
      Scatter(n, i64_.data(), [out](int64_t v) { out->AppendInt64(v); });
      return Status::OK();
    case format::kDouble:
      RETURN_NOT_OK(DecodeFixed(encoding, data, size, non_null, dict_f64_, &f64_));
      Scatter(n, f64_.data(), [out](double v) { out->AppendDouble(v); });
      return Status::OK();
    case format::kByteArray: {
      const std::string_view* views = nullptr;
      switch (encoding) {
        case format::kPlain:
          RETURN_NOT_OK(DecodePlainByteArrays(data, size, non_null, &strings_));
          views = strings_.values.data();
          break;
        case format::kPlainDictionary:
        case format::kRleDictionary:
          RETURN_NOT_OK(DecodeIndices(data, size, non_null, dict_strings_.values.size()));
          strings_.values.resize(non_null);
          for (size_t i = 0; i < non_null; ++i) {
            strings_.values[i] = dict_strings_.values[indices_[i]];
          }
          views = strings_.values.data();
          break;
        case format::kDeltaLengthByteArray:
          RETURN_NOT_OK(DecodeDeltaLengthByteArrays(data, size, non_null, &strings_));
          views = strings_.values.data();
          break;
        case format::kDeltaByteArray:
          RETURN_NOT_OK(DecodeDeltaByteArrays(data, size, non_null, &strings_));
          views = strings_.values.data();
          break;
        default:
          return Unsupported(encoding, "BYTE_ARRAY");
      }
      Scatter(n, views, [out](std::string_view s) { out->AppendString(s); });
      return Status::OK();
    }
    default:
      return Status::NotImplemented("physical type is not supported");
  }
}

}  // namespace

Status ReadColumnChunk(const RandomAccessFile& file, const ColumnDescriptor& desc,
                       const format::ColumnMetaData& meta, int64_t num_rows, int row_group,
                       Column* out) {
  auto context = [&](const Status& st) {
    return Status(st.code(), fmt::format("{}: column '{}', row group {}: {}", file.name(),
                                         desc.name, row_group, st.message()));
  };
  if (meta.codec != format::kUncompressed && meta.codec != format::kSnappy &&
      meta.codec != format::kZstd) {
    return context(Status::NotImplemented(
        fmt::format("compression {} is not supported", CodecName(meta.codec))));
  }
  int64_t start = meta.data_page_offset;
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
      *meta.dictionary_page_offset < start) {
    start = *meta.dictionary_page_offset;
  }
  const int64_t length = meta.total_compressed_size;
  if (start < 4 || length <= 0 || start > file.size() || length > file.size() - start) {
    return context(Bad(fmt::format("column chunk [{}, +{}) lies outside the file of {} bytes",
                                   start, length, file.size())));
  }
  std::string chunk;
  Status st = file.ReadAt(start, length, &chunk);
  if (!st.ok()) return context(st);
  if (static_cast<int64_t>(chunk.size()) != length) {
    return context(Bad("column chunk is cut off"));
  }
  ChunkDecoder decoder(desc, meta, out);
  st = decoder.Run(chunk, num_rows);
  return st.ok() ? st : context(st);
}

}  // namespace streampro::parquet
