#include "formats/parquet/column_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "common/hash.h"
#include "formats/parquet/compression.h"
#include "formats/parquet/encoding.h"

namespace streampro::parquet {

namespace {

constexpr int64_t kAppendSlice = 4096;  // rows between page-size checks
constexpr size_t kEarlyCheckValues = 65536;

inline uint64_t HashBytes(std::string_view s) {
  uint64_t h = kGoldenRatio64 ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ Fmix64(w)) * kGoldenRatio64;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  return Fmix64(h ^ tail ^ (tail << 7));
}

void PutU32(std::string* out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}

}  // namespace

int32_t PhysicalTypeOf(TypeId type) {
  switch (StorageOf(type)) {
    case StorageKind::kBool:
      return format::kBoolean;
    case StorageKind::kInt32:
      return format::kInt32;
    case StorageKind::kInt64:
      return format::kInt64;
    case StorageKind::kDouble:
      return format::kDouble;
    case StorageKind::kString:
      return format::kByteArray;
  }
  return format::kByteArray;
}

ColumnChunkWriter::ColumnChunkWriter(Field field, const WriterOptions& options, int32_t codec)
    : field_(std::move(field)),
      options_(options),
      codec_(codec),
      physical_type_(PhysicalTypeOf(field_.type)),
      nullable_(field_.nullable),
      stats_(field_.type) {
  ResetChunk();
}

void ColumnChunkWriter::ResetChunk() {
  dictionary_mode_ = options_.dictionary && physical_type_ != format::kBoolean;
  fell_back_ = false;
  dict_plain_.clear();
  dict_fixed_.clear();
  dict_strings_.clear();
  table_.assign(dictionary_mode_ ? 1024 : 0, Slot{0, 0, 0});
  pages_.clear();
  chunk_values_ = 0;
  pages_uncompressed_ = 0;
  used_plain_pages_ = used_dict_pages_ = false;
  stats_.Reset();
}

int64_t ColumnChunkWriter::PageBytes() const {
  const auto level_bytes = nullable_ ? page_values_ / 8 : 0;
  if (dictionary_mode_) {
    const int bw = BitWidth(dict_fixed_.size() + dict_strings_.size());
    return level_bytes + static_cast<int64_t>(indices_.size()) * bw / 8;
  }
  return level_bytes + static_cast<int64_t>(plain_.size());
}

int64_t ColumnChunkWriter::EstimatedBytes() const {
  return pages_uncompressed_ + PageBytes() + static_cast<int64_t>(dict_plain_.size());
}

void ColumnChunkWriter::GrowTable() {
  std::vector<Slot> table(table_.size() * 2, Slot{0, 0, 0});
  const size_t mask = table.size() - 1;
  for (const Slot& slot : table_) {
    if (slot.index == 0) continue;
    size_t pos = slot.hash & mask;
    while (table[pos].index != 0) pos = (pos + 1) & mask;
    table[pos] = slot;
  }
  table_.swap(table);
}

uint32_t ColumnChunkWriter::InsertFixed(uint64_t key, const void* value, size_t width) {
  const auto hash = static_cast<uint32_t>(Fmix64(key));
  const size_t mask = table_.size() - 1;
  size_t pos = hash & mask;
  while (table_[pos].index != 0) {
    if (table_[pos].key == key) return table_[pos].index - 1;
    pos = (pos + 1) & mask;
  }
  const auto index = static_cast<uint32_t>(dict_fixed_.size());
  dict_fixed_.push_back(key);
  dict_plain_.append(static_cast<const char*>(value), width);
  table_[pos] = Slot{key, index + 1, hash};
  if (dict_fixed_.size() * 2 > table_.size()) GrowTable();
  return index;
}

uint32_t ColumnChunkWriter::InsertString(std::string_view value) {
  const auto hash = static_cast<uint32_t>(HashBytes(value));
  const size_t mask = table_.size() - 1;
  size_t pos = hash & mask;
  while (table_[pos].index != 0) {
    if (table_[pos].hash == hash) {
      const uint32_t index = table_[pos].index - 1;
      const auto [offset, length] = dict_strings_[index];
      if (length == value.size() &&
          std::memcmp(dict_plain_.data() + offset, value.data(), length) == 0) {
        return index;
      }
    }
    pos = (pos + 1) & mask;
  }
  const auto index = static_cast<uint32_t>(dict_strings_.size());
  PutU32(&dict_plain_, static_cast<uint32_t>(value.size()));
  dict_strings_.emplace_back(static_cast<uint32_t>(dict_plain_.size()),
                             static_cast<uint32_t>(value.size()));
  dict_plain_.append(value);
  table_[pos] = Slot{0, index + 1, hash};
  if (dict_strings_.size() * 2 > table_.size()) GrowTable();
  return index;
}

// Every dictionary entry occurs in the chunk, so the chunk's bounds over dictionary-
// encoded values are the dictionary's bounds: one pass over distinct values instead of
// one comparison per row.
void ColumnChunkWriter::AddDictionaryToStatistics() {
  switch (StorageOf(field_.type)) {
    case StorageKind::kInt32:
      for (uint64_t bits : dict_fixed_)
        stats_.AddInt(static_cast<int32_t>(static_cast<uint32_t>(bits)));
      break;
    case StorageKind::kInt64:
      for (uint64_t bits : dict_fixed_) stats_.AddInt(static_cast<int64_t>(bits));
      break;
    case StorageKind::kDouble:
      for (uint64_t bits : dict_fixed_) {
        double v;
        std::memcpy(&v, &bits, 8);
        stats_.AddDouble(v);
      }
      break;
    case StorageKind::kString:
      for (const auto& [offset, length] : dict_strings_) {
        stats_.AddString(std::string_view(dict_plain_).substr(offset, length));
      }
      break;
    case StorageKind::kBool:
      break;
  }
}

void ColumnChunkWriter::AppendDictionary(const Column& column, int64_t begin, int64_t end) {
  const auto validity = column.validity();
  const bool all_valid = column.null_count() == 0;
  auto valid = [&](int64_t i) { return all_valid || validity[static_cast<size_t>(i)] != 0; };
  switch (StorageOf(field_.type)) {
    case StorageKind::kInt32: {
      const auto v = column.int32_values();
      for (int64_t i = begin; i < end; ++i) {
        if (!valid(i)) continue;
        const int32_t x = v[static_cast<size_t>(i)];
        indices_.push_back(InsertFixed(static_cast<uint32_t>(x), &x, 4));
      }
      break;
    }
    case StorageKind::kInt64: {
      const auto v = column.int64_values();
      for (int64_t i = begin; i < end; ++i) {
        if (!valid(i)) continue;
        const int64_t x = v[static_cast<size_t>(i)];
        indices_.push_back(InsertFixed(static_cast<uint64_t>(x), &x, 8));
      }
      break;
    }
    case StorageKind::kDouble: {
      const auto v = column.double_values();
      for (int64_t i = begin; i < end; ++i) {
        if (!valid(i)) continue;
        const double x = v[static_cast<size_t>(i)];
        uint64_t bits;
        std::memcpy(&bits, &x, 8);
        indices_.push_back(InsertFixed(bits, &x, 8));
      }
      break;
    }
    case StorageKind::kString: {
      // A value equal to the one before it (a session's device, app, country... on
      // consecutive rows) takes the same index without hashing and probing.
      std::string_view previous;
      uint32_t previous_index = 0;
      bool has_previous = false;
      for (int64_t i = begin; i < end; ++i) {
        if (!valid(i)) continue;
        const std::string_view v = column.string_value(i);
        page_plain_bytes_ += static_cast<int64_t>(v.size()) + 4;
        if (!has_previous || v != previous) {
          previous_index = InsertString(v);
          previous = v;
          has_previous = true;
        }
        indices_.push_back(previous_index);
      }
      break;
    }
    case StorageKind::kBool:
      break;
  }
}

void ColumnChunkWriter::AppendPlain(const Column& column, int64_t begin, int64_t end) {
  const auto validity = column.validity();
  const bool all_valid = column.null_count() == 0;
  auto append_fixed = [&](auto values) {
    using T = typename decltype(values)::value_type;
    if (all_valid) {
      plain_.append(reinterpret_cast<const char*>(values.data() + begin),
                    static_cast<size_t>(end - begin) * sizeof(T));
      return;
    }
    const size_t base = plain_.size();
    plain_.resize(base + static_cast<size_t>(end - begin) * sizeof(T));
    char* p = plain_.data() + base;
    for (int64_t i = begin; i < end; ++i) {
      if (validity[static_cast<size_t>(i)] == 0) continue;
      std::memcpy(p, &values[static_cast<size_t>(i)], sizeof(T));
      p += sizeof(T);
    }
    plain_.resize(static_cast<size_t>(p - plain_.data()));
  };
  switch (StorageOf(field_.type)) {
    case StorageKind::kBool:
      // Booleans are bit-packed per page at flush time; keep one byte per value here.
      for (int64_t i = begin; i < end; ++i) {
        if (all_valid || validity[static_cast<size_t>(i)] != 0) {
          plain_.push_back(static_cast<char>(column.bool_values()[static_cast<size_t>(i)]));
        }
      }
      break;
    case StorageKind::kInt32:
      append_fixed(column.int32_values());
      break;
    case StorageKind::kInt64:
      append_fixed(column.int64_values());
      break;
    case StorageKind::kDouble:
      append_fixed(column.double_values());
      break;
    case StorageKind::kString:
      for (int64_t i = begin; i < end; ++i) {
        if (!all_valid && validity[static_cast<size_t>(i)] == 0) continue;
        const auto s = column.string_value(i);
        PutU32(&plain_, static_cast<uint32_t>(s.size()));
        plain_.append(s);
      }
      break;
  }
}

Status ColumnChunkWriter::Append(const Column& column, int64_t begin, int64_t end) {
  for (int64_t start = begin; start < end; start += kAppendSlice) {
    const int64_t stop = std::min(end, start + kAppendSlice);
    if (nullable_) {
      const auto validity = column.validity();
      def_levels_.insert(def_levels_.end(), validity.begin() + start, validity.begin() + stop);
      if (column.null_count() > 0) {
        for (int64_t i = start; i < stop; ++i) page_nulls_ += validity[static_cast<size_t>(i)] == 0;
      }
    }
    page_values_ += stop - start;
    const bool was_dictionary = dictionary_mode_;
    if (dictionary_mode_) {
      AppendDictionary(column, start, stop);
      const size_t entries = dict_fixed_.size() + dict_strings_.size();
      if (!used_dict_pages_ && indices_.size() >= kEarlyCheckValues &&
          entries * 10 > indices_.size() * 9) {
        // Nearly all distinct so far: close the first page now so FlushPage() can judge the
        // dictionary before it grows to its limit.
        RETURN_NOT_OK(FlushPage());
      }
      if (static_cast<int64_t>(dict_plain_.size()) > options_.dictionary_limit_bytes) {
        // Too many distinct values: finish this page with the indices it has, then PLAIN.
        RETURN_NOT_OK(FlushPage());
        dictionary_mode_ = false;
        fell_back_ = true;
        table_.clear();
        table_.shrink_to_fit();
      }
    } else {
      AppendPlain(column, start, stop);
    }
    if (was_dictionary) {
      stats_.CountNulls(column, start, stop);  // bounds come from the dictionary
    } else {
      stats_.Update(column, start, stop);
    }
    if (PageBytes() >= options_.page_target_bytes) RETURN_NOT_OK(FlushPage());
  }
  return Status::OK();
}

// Decides, before the first page of a chunk goes out, whether the dictionary pays. Like
// parquet-mr: if the page's indices plus the dictionary are no smaller than PLAIN, the
// column is too diverse for a dictionary. Strings keep this page dictionary-encoded and
// only later pages go PLAIN (`*fall_back_after_page`). Numbers are judged after
// compression too (nearly distinct but close values such as timestamps and counters
// compress well as PLAIN while their bit-packed indices do not), and a rejected
// dictionary is dropped at once: the page and every later one go out PLAIN, with no
// dictionary page.
Status ColumnChunkWriter::JudgeFirstPage(bool* fall_back_after_page) {
  const int bw = BitWidth(std::max<size_t>(dict_fixed_.size() + dict_strings_.size(), 1) - 1);
  std::string indices;
  indices.push_back(static_cast<char>(bw));
  EncodeRleHybrid(indices_.data(), indices_.size(), bw, &indices);
  if (physical_type_ == format::kByteArray) {
    *fall_back_after_page =
        static_cast<int64_t>(indices.size() + dict_plain_.size()) >= page_plain_bytes_;
    return Status::OK();
  }
  const size_t width = physical_type_ == format::kInt32 ? 4 : 8;
  std::string plain;
  plain.reserve(indices_.size() * width);
  for (const uint32_t index : indices_) {
    plain.append(dict_plain_.data() + size_t{index} * width, width);
  }
  bool reject = indices.size() + dict_plain_.size() >= plain.size();
  if (!reject && codec_ != format::kUncompressed) {
    std::string packed_plain, packed_dict;
    RETURN_NOT_OK(Compress(codec_, options_.zstd_level, plain, &packed_plain));
    RETURN_NOT_OK(Compress(codec_, options_.zstd_level, dict_plain_, &packed_dict));
    RETURN_NOT_OK(Compress(codec_, options_.zstd_level, indices, &packed_dict));
    reject = packed_dict.size() >= packed_plain.size();
  }
  if (!reject) return Status::OK();
  AddDictionaryToStatistics();  // every entry occurs in this page
  plain_ = std::move(plain);
  indices_.clear();
  dict_plain_.clear();
  dict_fixed_.clear();
  dict_strings_.clear();
  dictionary_mode_ = false;
  fell_back_ = true;
  table_.clear();
  table_.shrink_to_fit();
  return Status::OK();
}

Status ColumnChunkWriter::FlushPage() {
  if (page_values_ == 0) return Status::OK();
  if (page_values_ > std::numeric_limits<int32_t>::max()) {
    return Status::Internal("page holds more values than Parquet allows");
  }
  levels_scratch_.clear();
  if (nullable_) EncodeRleHybrid(def_levels_.data(), def_levels_.size(), 1, &levels_scratch_);

  body_scratch_.clear();
  int32_t encoding;
  bool fall_back_after_page = false;
  if (dictionary_mode_ && !used_dict_pages_ && dict_fixed_.size() + dict_strings_.size() > 0) {
    RETURN_NOT_OK(JudgeFirstPage(&fall_back_after_page));
  }
  // A page of only nulls before the first value has no dictionary to point into; it
  // goes out as an (empty) PLAIN page so that no chunk carries an empty dictionary.
  if (dictionary_mode_ && dict_fixed_.size() + dict_strings_.size() > 0) {
    encoding = format::kRleDictionary;
    const int bw = BitWidth(std::max<size_t>(dict_fixed_.size() + dict_strings_.size(), 1) - 1);
    body_scratch_.push_back(static_cast<char>(bw));
    EncodeRleHybrid(indices_.data(), indices_.size(), bw, &body_scratch_);
    used_dict_pages_ = true;
  } else {
    encoding = format::kPlain;
    if (physical_type_ == format::kBoolean) {
      PackBooleans(reinterpret_cast<const uint8_t*>(plain_.data()), plain_.size(), &body_scratch_);
    } else {
      body_scratch_.swap(plain_);
    }
    used_plain_pages_ = true;
  }

  format::PageHeader header;
  compressed_scratch_.clear();
  int64_t uncompressed;
  if (options_.data_page_v2) {
    // Levels stay uncompressed in v2 pages; only the values go through the codec.
    compressed_scratch_ = levels_scratch_;
    RETURN_NOT_OK(Compress(codec_, options_.zstd_level, body_scratch_, &compressed_scratch_));
    uncompressed = static_cast<int64_t>(levels_scratch_.size() + body_scratch_.size());
    header.type = format::kDataPageV2;
    format::DataPageHeaderV2 v2;
    v2.num_values = static_cast<int32_t>(page_values_);
    v2.num_nulls = static_cast<int32_t>(page_nulls_);
    v2.num_rows = static_cast<int32_t>(page_values_);
    v2.encoding = encoding;
    v2.definition_levels_byte_length = static_cast<int32_t>(levels_scratch_.size());
    v2.repetition_levels_byte_length = 0;
    v2.is_compressed = codec_ != format::kUncompressed;
    header.data_page_header_v2 = v2;
  } else {
    std::string page;
    if (nullable_) {
      PutU32(&page, static_cast<uint32_t>(levels_scratch_.size()));
      page.append(levels_scratch_);
    }
    page.append(body_scratch_);
    RETURN_NOT_OK(Compress(codec_, options_.zstd_level, page, &compressed_scratch_));
    uncompressed = static_cast<int64_t>(page.size());
    header.type = format::kDataPage;
    format::DataPageHeader v1;
    v1.num_values = static_cast<int32_t>(page_values_);
    v1.encoding = encoding;
    header.data_page_header = v1;
  }
  if (uncompressed > std::numeric_limits<int32_t>::max() ||
      compressed_scratch_.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument(
        fmt::format("column '{}': a page exceeds 2 GiB; lower page_target_bytes", field_.name));
  }
  header.uncompressed_page_size = static_cast<int32_t>(uncompressed);
  header.compressed_page_size = static_cast<int32_t>(compressed_scratch_.size());
  header_scratch_.clear();
  format::Serialize(header, &header_scratch_);
  pages_.append(header_scratch_);
  pages_.append(compressed_scratch_);
  pages_uncompressed_ += static_cast<int64_t>(header_scratch_.size()) + uncompressed;
  chunk_values_ += page_values_;

  if (fall_back_after_page) {
    dictionary_mode_ = false;
    fell_back_ = true;
    table_.clear();
    table_.shrink_to_fit();
  }

  page_plain_bytes_ = 0;
  def_levels_.clear();
  page_values_ = 0;
  page_nulls_ = 0;
  plain_.clear();
  indices_.clear();
  return Status::OK();
}

Status ColumnChunkWriter::WriteChunk(OutputStream* sink, format::ColumnChunk* chunk) {
  RETURN_NOT_OK(FlushPage());
  const int64_t start = sink->position();
  int64_t compressed_total = static_cast<int64_t>(pages_.size());
  int64_t uncompressed_total = pages_uncompressed_;
  format::ColumnMetaData meta;
  const bool has_dictionary = used_dict_pages_;
  if (has_dictionary) {
    format::PageHeader header;
    header.type = format::kDictionaryPage;
    format::DictionaryPageHeader dict;
    dict.num_values = static_cast<int32_t>(dict_fixed_.size() + dict_strings_.size());
    dict.encoding = format::kPlain;
    header.dictionary_page_header = dict;
    compressed_scratch_.clear();
    RETURN_NOT_OK(Compress(codec_, options_.zstd_level, dict_plain_, &compressed_scratch_));
    header.uncompressed_page_size = static_cast<int32_t>(dict_plain_.size());
    header.compressed_page_size = static_cast<int32_t>(compressed_scratch_.size());
    header_scratch_.clear();
    format::Serialize(header, &header_scratch_);
    RETURN_NOT_OK(sink->Write(header_scratch_));
    RETURN_NOT_OK(sink->Write(compressed_scratch_));
    const auto dict_bytes =
        static_cast<int64_t>(header_scratch_.size() + compressed_scratch_.size());
    compressed_total += dict_bytes;
    uncompressed_total += static_cast<int64_t>(header_scratch_.size() + dict_plain_.size());
    meta.dictionary_page_offset = start;
    meta.data_page_offset = start + dict_bytes;
  } else {
    meta.data_page_offset = start;
  }
  RETURN_NOT_OK(sink->Write(pages_));

  meta.type = physical_type_;
  if (has_dictionary) meta.encodings.push_back(format::kPlain);  // the dictionary page
  meta.encodings.push_back(format::kRle);                        // levels
  if (has_dictionary) meta.encodings.push_back(format::kRleDictionary);
  if (used_plain_pages_ && !has_dictionary) meta.encodings.push_back(format::kPlain);
  meta.path_in_schema = {field_.name};
  meta.codec = codec_;
  meta.num_values = chunk_values_;
  meta.total_uncompressed_size = uncompressed_total;
  meta.total_compressed_size = compressed_total;
  AddDictionaryToStatistics();
  meta.statistics = stats_.ToThrift();
  chunk->file_offset = start;
  chunk->meta_data = std::move(meta);
  ResetChunk();
  return Status::OK();
}

}  // namespace streampro::parquet
