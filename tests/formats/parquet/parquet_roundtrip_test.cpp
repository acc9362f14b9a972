#include <fmt/format.h>
#include <gtest/gtest.h>

#include <ostream>

#include <type_traits>
#include <variant>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "formats/parquet/test_data.h"
#include "streampro/parquet.h"
#include "streampro/version.h"

namespace streampro::parquet {
namespace {

using testing_data::AllTypesSchema;
using testing_data::MakeRandomBatch;

std::string WriteToBuffer(const std::vector<const RecordBatch*>& batches,
                          const WriterOptions& options) {
  BufferOutputStream sink;
  auto writer = FileWriter::Open(&sink, batches.front()->schema(), options);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  for (const auto* b : batches) {
    auto st = (*writer)->WriteBatch(*b);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  auto st = (*writer)->Close();
  EXPECT_TRUE(st.ok()) << st.ToString();
  return sink.Release();
}

std::unique_ptr<FileReader> OpenBuffer(std::string bytes) {
  auto reader = FileReader::Open(
      std::shared_ptr<RandomAccessFile>(MakeBufferFile("mem.parquet", std::move(bytes))));
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return reader.ok() ? std::move(reader).value() : nullptr;
}

std::vector<int> AllColumns(const Schema& s) {
  std::vector<int> v;
  for (int i = 0; i < s.num_fields(); ++i) v.push_back(i);
  return v;
}

// Test-side bounds of a column under the Parquet type orders (NaN ignored).
void ExpectStatistics(const ColumnStatistics& st, const Column& col, const std::string& what) {
  EXPECT_EQ(st.null_count, col.null_count()) << what;
  auto check = [&](auto values, auto convert) {
    using T = decltype(convert(values[0]));
    bool any = false;
    T lo{}, hi{};
    for (int64_t r = 0; r < col.length(); ++r) {
      if (col.IsNull(r)) continue;
      const T v = convert(values[static_cast<size_t>(r)]);
      if constexpr (std::is_same_v<T, double>) {
        if (std::isnan(v)) continue;
      }
      if (!any || v < lo) lo = v;
      if (!any || hi < v) hi = v;
      any = true;
    }
    ASSERT_EQ(st.has_min_max, any) << what;
    if (!any) return;
    ASSERT_TRUE(std::holds_alternative<T>(st.min)) << what;
    EXPECT_EQ(std::get<T>(st.min), lo) << what;
    EXPECT_EQ(std::get<T>(st.max), hi) << what;
    if constexpr (std::is_same_v<T, double>) {
      if (lo == 0) {
        EXPECT_TRUE(std::signbit(std::get<double>(st.min))) << what;
      }
      if (hi == 0) {
        EXPECT_FALSE(std::signbit(std::get<double>(st.max))) << what;
      }
    }
  };
  switch (col.type()) {
    case TypeId::kBool:
      check(col.bool_values(), [](uint8_t v) { return v != 0; });
      break;
    case TypeId::kInt32:
    case TypeId::kDate32:
      check(col.int32_values(), [](int32_t v) { return v; });
      break;
    case TypeId::kInt64:
    case TypeId::kTimestampMicros:
      check(col.int64_values(), [](int64_t v) { return v; });
      break;
    case TypeId::kDouble:
      check(col.double_values(), [](double v) { return v; });
      break;
    case TypeId::kString: {
      std::vector<std::string> values;
      for (int64_t r = 0; r < col.length(); ++r) values.emplace_back(col.string_value(r));
      // std::string compares chars as unsigned bytes, the order Parquet wants for UTF-8.
      check(values, [](const std::string& v) { return v; });
      break;
    }
  }
}

struct Config {
  const char* name;
  Compression compression;
  bool dictionary;
  bool v2;
  int64_t page;
  int64_t dict_limit;
  int64_t row_group;
};

// Keeps ctest's listing readable: the configuration's name instead of its bytes.
void PrintTo(const Config& config, std::ostream* os) {
  *os << config.name;
}

class RoundTripTest : public ::testing::TestWithParam<Config> {};

TEST_P(RoundTripTest, ValuesSchemaAndStatisticsSurvive) {
  const Config c = GetParam();
  WriterOptions o;
  o.compression = c.compression;
  o.dictionary = c.dictionary;
  o.data_page_v2 = c.v2;
  o.page_target_bytes = c.page;
  o.dictionary_limit_bytes = c.dict_limit;
  o.row_group_target_bytes = c.row_group;
  auto schema = AllTypesSchema();
  RecordBatch a = MakeRandomBatch(schema, 5000, 11);
  RecordBatch b = MakeRandomBatch(schema, 3000, 12);
  auto reader = OpenBuffer(WriteToBuffer({&a, &b}, o));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(*reader->schema(), *schema);
  EXPECT_EQ(reader->num_rows(), 8000);
  EXPECT_EQ(reader->created_by(), kCreatedBy);
  auto all = reader->ReadAll(AllColumns(*schema));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  RecordBatch expected(schema);
  for (int64_t r = 0; r < a.num_rows(); ++r) expected.AppendRowFrom(a, r);
  for (int64_t r = 0; r < b.num_rows(); ++r) expected.AppendRowFrom(b, r);
  EXPECT_TRUE(all->Equals(expected));
  for (int c2 = 0; c2 < schema->num_fields(); ++c2) {
    EXPECT_TRUE(all->column(c2).Equals(expected.column(c2))) << schema->field(c2).name;
  }
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    auto group = reader->ReadRowGroup(g, AllColumns(*schema));
    ASSERT_TRUE(group.ok()) << group.status().ToString();
    EXPECT_EQ(group->num_rows(), reader->row_group(g).num_rows);
    for (int c2 = 0; c2 < schema->num_fields(); ++c2) {
      ExpectStatistics(reader->row_group(g).columns[static_cast<size_t>(c2)], group->column(c2),
                       fmt::format("row group {} column {}", g, schema->field(c2).name));
    }
  }
}

TEST(ParquetRowGroupRowsTest, RowGroupsAreCutByRowCount) {
  auto schema = AllTypesSchema();
  RecordBatch a = MakeRandomBatch(schema, 2500, 21);
  RecordBatch b = MakeRandomBatch(schema, 1700, 22);
  RecordBatch expected(schema);
  for (int64_t r = 0; r < a.num_rows(); ++r) expected.AppendRowFrom(a, r);
  for (int64_t r = 0; r < b.num_rows(); ++r) expected.AppendRowFrom(b, r);
  for (int64_t limit : {int64_t{1}, int64_t{999}, int64_t{1000}, int64_t{4200}}) {
    WriterOptions o;
    o.max_row_group_rows = limit;
    auto reader = OpenBuffer(WriteToBuffer({&a, &b}, o));
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(reader->num_row_groups(), (4200 + limit - 1) / limit) << limit;
    for (int g = 0; g < reader->num_row_groups(); ++g) {
      const int64_t want = std::min<int64_t>(limit, 4200 - g * limit);
      EXPECT_EQ(reader->row_group(g).num_rows, want) << "limit " << limit << " group " << g;
    }
    auto all = reader->ReadAll(AllColumns(*schema));
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_TRUE(all->Equals(expected)) << limit;
  }
  // The default cuts by rows long before the 128 MiB byte target.
  WriterOptions defaults;
  EXPECT_EQ(defaults.max_row_group_rows, int64_t{1} << 17);
}

INSTANTIATE_TEST_SUITE_P(
    Parquet, RoundTripTest,
    ::testing::Values(
        Config{"snappy_dict_v1", Compression::kSnappy, true, false, 1 << 20, 1 << 20, 128 << 20},
        Config{"zstd_dict_v2_pages", Compression::kZstd, true, true, 4096, 1 << 20, 128 << 20},
        Config{"none_plain_v1_groups", Compression::kUncompressed, false, false, 4096, 1 << 20,
               64 << 10},
        Config{"snappy_fallback_v1", Compression::kSnappy, true, false, 2048, 2048, 100 << 10},
        Config{"zstd_plain_v2_groups", Compression::kZstd, false, true, 1 << 20, 1 << 20,
               32 << 10}),
    [](const ::testing::TestParamInfo<Config>& param) { return std::string(param.param.name); });

}  // namespace
}  // namespace streampro::parquet
