#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>

#include "formats/parquet/encoding.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/test_data.h"
#include "streampro/parquet.h"

namespace streampro::parquet {
namespace {

TEST(ParquetRleTest, RoundTripsEveryBitWidth) {
  std::mt19937_64 rng(7);
  for (int bw = 0; bw <= 32; ++bw) {
    const uint64_t limit = bw == 32 ? (uint64_t{1} << 32) : (uint64_t{1} << bw);
    std::vector<uint32_t> values;
    for (int i = 0; i < 3000; ++i) {
      // Mix runs (RLE) and noise (bit-packed), with run lengths around the 8 boundary.
      const auto v = static_cast<uint32_t>(rng() % limit);
      const int repeat = rng() % 3 == 0 ? static_cast<int>(rng() % 20) + 1 : 1;
      for (int r = 0; r < repeat; ++r) values.push_back(v);
    }
    std::string encoded;
    EncodeRleHybrid(values.data(), values.size(), bw, &encoded);
    RleDecoder decoder;
    ASSERT_TRUE(
        decoder.Init(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size(), bw).ok());
    std::vector<uint32_t> decoded(values.size());
    ASSERT_TRUE(decoder.Get(decoded.data(), decoded.size()).ok()) << bw;
    EXPECT_EQ(decoded, values) << "bit width " << bw;
  }
}

TEST(ParquetRleTest, DecodesSpecExample) {
  // parquet-format Encodings.md: values 0..7 bit-packed with width 3.
  const uint8_t data[] = {0x03, 0x88, 0xC6, 0xFA};
  RleDecoder decoder;
  ASSERT_TRUE(decoder.Init(data, sizeof(data), 3).ok());
  uint32_t out[8];
  ASSERT_TRUE(decoder.Get(out, 8).ok());
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(out[i], i);
  EXPECT_FALSE(decoder.Get(out, 1).ok());  // the stream is exhausted
  EXPECT_FALSE(decoder.Init(data, sizeof(data), 33).ok());
}

TEST(ParquetDeltaTest, DecodesSpecExamples) {
  // Encodings.md example 1: 1 2 3 4 5 -> constant delta, bit width 0.
  const uint8_t ex1[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00};
  int32_t out1[5];
  size_t consumed = 0;
  ASSERT_TRUE(DecodeDeltaBinaryPacked(ex1, sizeof(ex1), 5, out1, &consumed).ok());
  EXPECT_EQ(std::vector<int32_t>(out1, out1 + 5), (std::vector<int32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(consumed, sizeof(ex1));
  // Example 2: 7 5 3 1 2 3 4 5 -> min delta -2, relative deltas 0 0 0 3 3 3 3, width 2.
  std::vector<uint8_t> ex2 = {0x80, 0x01, 0x04, 0x08, 0x0E, 0x03,
                              0x02, 0x00, 0x00, 0x00, 0xC0, 0xFF};
  ex2.resize(ex2.size() + 6, 0);  // the miniblock is padded to 32 values
  int64_t out2[8];
  ASSERT_TRUE(DecodeDeltaBinaryPacked(ex2.data(), ex2.size(), 8, out2, &consumed).ok());
  EXPECT_EQ(std::vector<int64_t>(out2, out2 + 8), (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
  EXPECT_EQ(consumed, ex2.size());
  // A count that disagrees with the header, and a cut-off miniblock, are errors.
  EXPECT_FALSE(DecodeDeltaBinaryPacked(ex2.data(), ex2.size(), 7, out2, &consumed).ok());
  EXPECT_FALSE(DecodeDeltaBinaryPacked(ex2.data(), ex2.size() - 1, 8, out2, &consumed).ok());
}

// Test-side DELTA_BINARY_PACKED encoder: one block of 128 values, 4 miniblocks of 32.
void EncodeDeltaForTest(const std::vector<int32_t>& values, std::string* out) {
  auto uleb = [&](uint64_t v) {
    while (v >= 0x80) {
      out->push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out->push_back(static_cast<char>(v));
  };
  auto zigzag = [](int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  };
  ASSERT_LE(values.size(), 129u);
  uleb(128);
  uleb(4);
  uleb(values.size());
  uleb(zigzag(values.empty() ? 0 : values[0]));
  if (values.size() <= 1) return;
  std::vector<int64_t> deltas;
  for (size_t i = 1; i < values.size(); ++i) deltas.push_back(int64_t{values[i]} - values[i - 1]);
  const int64_t min_delta = *std::min_element(deltas.begin(), deltas.end());
  uleb(zigzag(min_delta));
  const size_t widths_at = out->size();
  out->append(4, '\0');
  for (size_t m = 0; m * 32 < deltas.size(); ++m) {
    uint64_t max = 0;
    for (size_t k = m * 32; k < std::min(deltas.size(), m * 32 + 32); ++k) {
      max = std::max<uint64_t>(max, static_cast<uint64_t>(deltas[k] - min_delta));
    }
    int bw = 0;
    while ((max >> bw) != 0) ++bw;
    (*out)[widths_at + m] = static_cast<char>(bw);
    std::vector<uint8_t> bytes(static_cast<size_t>(bw) * 4, 0);
    for (size_t k = 0; k < 32 && m * 32 + k < deltas.size(); ++k) {
      const auto v = static_cast<uint64_t>(deltas[m * 32 + k] - min_delta);
      for (int b = 0; b < bw; ++b) {
        if ((v >> b) & 1) bytes[(k * bw + b) / 8] |= static_cast<uint8_t>(1 << ((k * bw + b) % 8));
      }
    }
    out->append(bytes.begin(), bytes.end());
  }
}

TEST(ParquetDeltaTest, DecodesDeltaByteArray) {
  const std::vector<std::string> expected = {"abc", "abd",   "ab",   "xyz",
                                             "",    "xyzzy", "日本", "日本語"};
  std::vector<int32_t> prefixes, lengths;
  std::string suffixes;
  std::string previous;
  for (const auto& v : expected) {
    size_t p = 0;
    while (p < v.size() && p < previous.size() && v[p] == previous[p]) ++p;
    prefixes.push_back(static_cast<int32_t>(p));
    lengths.push_back(static_cast<int32_t>(v.size() - p));
    suffixes += v.substr(p);
    previous = v;
  }
  std::string data;
  EncodeDeltaForTest(prefixes, &data);
  EncodeDeltaForTest(lengths, &data);
  data += suffixes;
  ByteArrays out;
  ASSERT_TRUE(DecodeDeltaByteArrays(reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                                    expected.size(), &out)
                  .ok());
  ASSERT_EQ(out.values.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(out.values[i], expected[i]) << i;
  // A prefix longer than the previous value is rejected.
  std::string bad;
  EncodeDeltaForTest({5, 0}, &bad);
  EncodeDeltaForTest({1, 1}, &bad);
  bad += "ab";
  EXPECT_FALSE(
      DecodeDeltaByteArrays(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), 2, &out)
          .ok());
}

TEST(ParquetMetadataTest, TruncatedFootersFailCleanly) {
  format::FileMetaData meta;
  format::SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  format::SchemaElement leaf;
  leaf.name = "x";
  leaf.type = format::kInt64;
  leaf.repetition_type = format::kOptional;
  meta.schema = {root, leaf};
  meta.num_rows = 3;
  meta.created_by = "me";
  std::string bytes;
  format::Serialize(meta, &bytes);
  auto parsed =
      format::ParseFileMetaData(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->schema.size(), 2u);
  EXPECT_EQ(parsed->schema[1].name, "x");
  EXPECT_EQ(parsed->num_rows, 3);
  EXPECT_EQ(parsed->created_by, "me");
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(format::ParseFileMetaData(reinterpret_cast<const uint8_t*>(bytes.data()), n).ok());
  }
  // Deep nesting is refused, not recursed into.
  std::string deep(1, '\x1C');  // field 1, struct
  for (int i = 0; i < 200; ++i) deep += '\x1C';
  auto nested =
      format::ParseFileMetaData(reinterpret_cast<const uint8_t*>(deep.data()), deep.size());
  EXPECT_FALSE(nested.ok());
}

std::string WriteFile(const RecordBatch& batch, WriterOptions options = {}) {
  BufferOutputStream sink;
  auto writer = FileWriter::Open(&sink, batch.schema(), options);
  EXPECT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->WriteBatch(batch).ok());
  EXPECT_TRUE((*writer)->Close().ok());
  return sink.Release();
}

Result<std::unique_ptr<FileReader>> Open(std::string bytes) {
  return FileReader::Open(MakeBufferFile("t.parquet", std::move(bytes)));
}

TEST(ParquetReaderTest, ProjectsColumnsInRequestedOrder) {
  const auto schema = testing_data::AllTypesSchema();
  const RecordBatch batch = testing_data::MakeRandomBatch(schema, 2000, 5);
  auto reader = Open(WriteFile(batch));
  ASSERT_TRUE(reader.ok());
  auto part = (*reader)->ReadRowGroup(0, {12, 0, 9});
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  ASSERT_EQ(part->num_columns(), 3);
  EXPECT_EQ(part->schema()->field(0), schema->field(12));
  EXPECT_EQ(part->schema()->field(1), schema->field(0));
  EXPECT_TRUE(part->column(0).Equals(batch.column(12)));
  EXPECT_TRUE(part->column(1).Equals(batch.column(0)));
  EXPECT_TRUE(part->column(2).Equals(batch.column(9)));
  // Asking for what the file does not hold is the caller's error: Internal (exit 70).
  EXPECT_EQ((*reader)->ReadRowGroup(0, {99}).status().code(), StatusCode::kInternal);
  EXPECT_EQ((*reader)->ReadRowGroup(1, {0}).status().code(), StatusCode::kInternal);
}

TEST(ParquetReaderTest, StatisticsFollowTypeOrders) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"i", TypeId::kInt32, true},
      {"d", TypeId::kDouble, true},
      {"d0", TypeId::kDouble, false},
      {"s", TypeId::kString, true},
      {"b", TypeId::kBool, false},
      {"ts", TypeId::kTimestampMicros, true},
      {"nan", TypeId::kDouble, false},
  });
  RecordBatch batch(schema);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  batch.column(0).AppendInt32(-5);
  batch.column(0).AppendNull();
  batch.column(0).AppendInt32(3);
  batch.column(1).AppendDouble(nan);
  batch.column(1).AppendDouble(2.5);
  batch.column(1).AppendDouble(-1.0);
  batch.column(2).AppendDouble(0.0);
  batch.column(2).AppendDouble(0.0);
  batch.column(2).AppendDouble(-0.0);
  batch.column(3).AppendString("a");
  batch.column(3).AppendString("\xC3\xA9");  // é: above every ASCII byte when unsigned
  batch.column(3).AppendNull();
  batch.column(4).AppendBool(true);
  batch.column(4).AppendBool(true);
  batch.column(4).AppendBool(false);
  batch.column(5).AppendNull();
  batch.column(5).AppendNull();
  batch.column(5).AppendNull();
  for (int k = 0; k < 3; ++k) batch.column(6).AppendDouble(nan);
  auto reader = Open(WriteFile(batch));
  ASSERT_TRUE(reader.ok());
  const auto& cols = (*reader)->row_group(0).columns;
  EXPECT_EQ(cols[0].null_count, 1);
  EXPECT_EQ(std::get<int32_t>(cols[0].min), -5);
  EXPECT_EQ(std::get<int32_t>(cols[0].max), 3);
  EXPECT_EQ(std::get<double>(cols[1].min), -1.0);  // NaN left out
  EXPECT_EQ(std::get<double>(cols[1].max), 2.5);
  EXPECT_TRUE(std::signbit(std::get<double>(cols[2].min)));  // 0 minimum written as -0.0
  EXPECT_FALSE(std::signbit(std::get<double>(cols[2].max)));
  EXPECT_EQ(std::get<std::string>(cols[3].min), "a");
  EXPECT_EQ(std::get<std::string>(cols[3].max), "\xC3\xA9");
  EXPECT_EQ(std::get<bool>(cols[4].min), false);
  EXPECT_EQ(std::get<bool>(cols[4].max), true);
  EXPECT_EQ(cols[5].null_count, 3);
  EXPECT_FALSE(cols[5].has_min_max);
  EXPECT_FALSE(cols[6].has_min_max);  // only NaN: no bounds
  EXPECT_EQ(cols[6].null_count, 0);
}

TEST(ParquetReaderTest, EmptyFileHasSchemaAndNoRows) {
  const auto schema = testing_data::AllTypesSchema();
  RecordBatch empty(schema);
  auto reader = Open(WriteFile(empty));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(*(*reader)->schema(), *schema);
  EXPECT_EQ((*reader)->num_rows(), 0);
  auto all = (*reader)->ReadAll({0, 13});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->num_rows(), 0);
}

TEST(ParquetReaderTest, RejectsNonParquetAndUnsupportedTypes) {
  auto garbage = Open("definitely not a parquet file");
  EXPECT_EQ(garbage.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(garbage.status().message().find("t.parquet"), std::string::npos);

  // A hand-made footer with a FLOAT column.
  format::FileMetaData meta;
  format::SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  format::SchemaElement leaf;
  leaf.name = "f";
  leaf.type = format::kFloat;
  leaf.repetition_type = format::kRequired;
  meta.schema = {root, leaf};
  std::string file = "PAR1";
  std::string footer;
  format::Serialize(meta, &footer);
  const auto n = static_cast<uint32_t>(footer.size());
  file += footer;
  file.append(reinterpret_cast<const char*>(&n), 4);
  file += "PAR1";
  auto unsupported = Open(file);
  EXPECT_EQ(unsupported.status().code(), StatusCode::kNotImplemented);
  EXPECT_NE(unsupported.status().message().find("t.parquet: column 'f'"), std::string::npos)
      << unsupported.status().message();
}

TEST(ParquetReaderTest, CorruptFilesFailWithoutCrashing) {
  const auto schema = testing_data::AllTypesSchema();
  const RecordBatch batch = testing_data::MakeRandomBatch(schema, 300, 9);
  WriterOptions v2;
  v2.data_page_v2 = true;
  v2.compression = Compression::kUncompressed;
  v2.page_target_bytes = 256;
  std::vector<int> all;
  for (int c = 0; c < schema->num_fields(); ++c) all.push_back(c);
  std::mt19937_64 rng(3);
  const std::vector<std::string> goods = {WriteFile(batch), WriteFile(batch, v2)};
  for (const std::string& good : goods) {
    for (int trial = 0; trial < 300; ++trial) {
      std::string bad = good;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
      if (trial % 10 == 0) bad.resize(rng() % bad.size());
      auto reader = Open(bad);
      if (!reader.ok()) continue;
      for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
        auto read = (*reader)->ReadRowGroup(g, all);
        if (read.ok()) {
          EXPECT_TRUE(read->Validate().ok());
        } else {
          const std::string m = read.status().message();
          EXPECT_EQ(m.rfind("t.parquet: ", 0), 0u) << m;
        }
      }
    }
  }
}

// Page layout of each column chunk: (page type, encoding) in file order.
std::vector<std::vector<std::pair<int32_t, int32_t>>> PageLayout(const std::string& file) {
  uint32_t footer_length;
  std::memcpy(&footer_length, file.data() + file.size() - 8, 4);
  auto meta = format::ParseFileMetaData(
      reinterpret_cast<const uint8_t*>(file.data() + file.size() - 8 - footer_length),
      footer_length);
  EXPECT_TRUE(meta.ok());
  std::vector<std::vector<std::pair<int32_t, int32_t>>> chunks;
  for (const auto& group : meta->row_groups) {
    for (const auto& chunk : group.columns) {
      const auto& m = *chunk.meta_data;
      int64_t pos = m.dictionary_page_offset ? *m.dictionary_page_offset : m.data_page_offset;
      const int64_t end = pos + m.total_compressed_size;
      std::vector<std::pair<int32_t, int32_t>> pages;
      while (pos < end) {
        format::PageHeader h;
        size_t n = 0;
        EXPECT_TRUE(format::ParsePageHeader(reinterpret_cast<const uint8_t*>(file.data() + pos),
                                            static_cast<size_t>(end - pos), &h, &n)
                        .ok());
        int32_t encoding = h.data_page_header      ? h.data_page_header->encoding
                           : h.data_page_header_v2 ? h.data_page_header_v2->encoding
                                                   : h.dictionary_page_header->encoding;
        pages.emplace_back(h.type, encoding);
        pos += static_cast<int64_t>(n) + h.compressed_page_size;
      }
      EXPECT_EQ(pos, end);
      chunks.push_back(std::move(pages));
    }
  }
  return chunks;
}

TEST(ParquetWriterTest, DictionaryFallsBackToPlainWithinTheChunk) {
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{"low", TypeId::kString, true}, {"high", TypeId::kString, false}});
  RecordBatch batch(schema);
  for (int i = 0; i < 20000; ++i) {
    batch.column(0).AppendString(i % 7 == 0 ? "seven" : "other");
    batch.column(1).AppendString(fmt::format("distinct value number {}", i));
  }
  WriterOptions o;
  o.page_target_bytes = 4096;
  o.dictionary_limit_bytes = 16 << 10;
  const std::string file = WriteFile(batch, o);
  const auto chunks = PageLayout(file);
  ASSERT_EQ(chunks.size(), 2u);
  // low: dictionary page, then several dictionary-encoded pages.
  EXPECT_EQ(chunks[0].front(),
            std::make_pair(int32_t{format::kDictionaryPage}, int32_t{format::kPlain}));
  EXPECT_GT(chunks[0].size(), 2u);
  for (size_t p = 1; p < chunks[0].size(); ++p)
    EXPECT_EQ(chunks[0][p].second, format::kRleDictionary);
  // high: dictionary page, dictionary-encoded pages until the limit, then PLAIN pages.
  const auto& high = chunks[1];
  ASSERT_GT(high.size(), 3u);
  EXPECT_EQ(high.front().first, format::kDictionaryPage);
  EXPECT_EQ(high[1].second, format::kRleDictionary);
  EXPECT_EQ(high.back().second, format::kPlain);
  size_t switches = 0;
  for (size_t p = 2; p < high.size(); ++p) switches += high[p].second != high[p - 1].second;
  EXPECT_EQ(switches, 1u);
  auto reader = Open(file);
  ASSERT_TRUE(reader.ok());
  auto all = (*reader)->ReadAll({0, 1});
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->Equals(batch));
}

TEST(ParquetWriterTest, CompressibleDistinctNumbersSkipTheDictionary) {
  // Nearly distinct, close timestamps: the dictionary wins before compression (17-bit
  // indices against 8-byte values) but loses after it, so no dictionary page is written.
  // Few distinct numbers keep theirs.
  auto schema =
      std::make_shared<const Schema>(std::vector<Field>{{"ts", TypeId::kTimestampMicros, true},
                                                        {"few", TypeId::kInt64, false},
                                                        {"line", TypeId::kInt64, false}});
  RecordBatch batch(schema);
  for (int64_t i = 0; i < 100000; ++i) {
    if (i % 1000 == 999) {
      batch.column(0).AppendNull();
    } else {
      batch.column(0).AppendInt64(int64_t{1757376000000000} + i * 863 + (i % 7));
    }
    batch.column(1).AppendInt64(i % 5);
    batch.column(2).AppendInt64(i + 1);
  }
  for (Compression c : {Compression::kSnappy, Compression::kZstd}) {
    WriterOptions o;
    o.compression = c;
    const std::string file = WriteFile(batch, o);
    const auto chunks = PageLayout(file);
    ASSERT_EQ(chunks.size(), 3u);
    for (size_t k : {size_t{0}, size_t{2}}) {
      for (const auto& [type, encoding] : chunks[k]) {
        EXPECT_NE(type, format::kDictionaryPage) << k;
        EXPECT_EQ(encoding, format::kPlain) << k;
      }
    }
    EXPECT_EQ(chunks[1].front().first, format::kDictionaryPage);
    auto reader = Open(file);
    ASSERT_TRUE(reader.ok());
    auto all = (*reader)->ReadAll({0, 1, 2});
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_TRUE(all->Equals(batch));
    const auto& stats = (*reader)->row_group(0).columns;
    EXPECT_EQ(stats[0].null_count, 100);
    EXPECT_EQ(std::get<int64_t>(stats[0].min), int64_t{1757376000000000});
    EXPECT_EQ(std::get<int64_t>(stats[0].max), int64_t{1757376000000000} + 99998 * 863 + 99998 % 7);
    EXPECT_EQ(std::get<int64_t>(stats[2].min), 1);
    EXPECT_EQ(std::get<int64_t>(stats[2].max), 100000);
  }
}

TEST(ParquetReaderTest, ReadsTheFuzzSeedFiles) {
  // Ours and DuckDB's files, several encodings and codecs: all must read cleanly.
  const std::filesystem::path dir =
      std::filesystem::path(STREAMPRO_SOURCE_DIR) / "fuzz/corpus/parquet";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    auto file = OpenLocalFile(entry.path().string());
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    auto reader = FileReader::Open(std::move(file).value());
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    std::vector<int> all;
    for (int c = 0; c < (*reader)->schema()->num_fields(); ++c) all.push_back(c);
    auto batch = (*reader)->ReadAll(all);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    EXPECT_EQ(batch->num_rows(), (*reader)->num_rows());
    EXPECT_GT(batch->num_rows(), 0);
    EXPECT_TRUE(batch->Validate().ok());
    ++files;
  }
  EXPECT_GE(files, 5);
}

TEST(ParquetWriterTest, RejectsBadOptionsAndMismatchedBatches) {
  WriterOptions o;
  o.page_target_bytes = 0;
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  for (int64_t rows : {int64_t{0}, int64_t{-1}}) {
    WriterOptions bad_rows;
    bad_rows.max_row_group_rows = rows;
    EXPECT_EQ(bad_rows.Validate().code(), StatusCode::kInvalidArgument) << rows;
    BufferOutputStream rows_sink;
    EXPECT_FALSE(FileWriter::Open(&rows_sink, testing_data::AllTypesSchema(), bad_rows).ok());
  }
  BufferOutputStream sink;
  EXPECT_FALSE(FileWriter::Open(&sink, testing_data::AllTypesSchema(), o).ok());
  auto writer = FileWriter::Open(&sink, testing_data::AllTypesSchema());
  ASSERT_TRUE(writer.ok());
  auto other = std::make_shared<const Schema>(std::vector<Field>{{"x", TypeId::kInt32, true}});
  RecordBatch wrong(other);
  wrong.column(0).AppendInt32(1);
  EXPECT_EQ((*writer)->WriteBatch(wrong).code(), StatusCode::kInternal);
}

TEST(ParquetWriterTest, CutsRowGroupsBySize) {
  const auto schema = testing_data::AllTypesSchema();
  const RecordBatch batch = testing_data::MakeRandomBatch(schema, 20000, 21);
  WriterOptions o;
  o.row_group_target_bytes = 256 << 10;
  auto reader = Open(WriteFile(batch, o));
  ASSERT_TRUE(reader.ok());
  EXPECT_GE((*reader)->num_row_groups(), 3);
  int64_t rows = 0;
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
    rows += (*reader)->row_group(g).num_rows;
    // Uncompressed bytes stay near the target (one slice of overshoot at most).
    EXPECT_LT((*reader)->row_group(g).total_byte_size, 2 * o.row_group_target_bytes);
  }
  EXPECT_EQ(rows, 20000);
}

}  // namespace
}  // namespace streampro::parquet
