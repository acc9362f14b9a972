#include "streampro/column.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "streampro/batch.h"

namespace streampro {
namespace {

TEST(ColumnTest, NullSlotsKeepRowsAligned) {
  Column col(TypeId::kString);
  col.AppendString("a");
  col.AppendNull();
  col.AppendString("");
  col.AppendString("xyz");
  ASSERT_EQ(col.length(), 4);
  EXPECT_EQ(col.null_count(), 1);
  EXPECT_TRUE(col.IsNull(1));
  EXPECT_FALSE(col.IsNull(2));
  EXPECT_EQ(col.string_value(0), "a");
  EXPECT_EQ(col.string_value(1), "");
  EXPECT_EQ(col.string_value(2), "");
  EXPECT_EQ(col.string_value(3), "xyz");
  EXPECT_EQ(col.string_offsets().size(), 5u);
  EXPECT_EQ(col.string_data(), "axyz");
}

TEST(ColumnTest, KeepRowsMovesTheKeptRowsDownInPlace) {
  Column strings(TypeId::kString);
  for (const char* value :
       std::initializer_list<const char*>{"a", nullptr, "bb", "", "ccc", nullptr, "dddd"}) {
    value == nullptr ? strings.AppendNull() : strings.AppendString(value);
  }
  const std::vector<uint8_t> keep = {0, 1, 1, 0, 1, 0, 1};
  strings.KeepRows(keep);
  ASSERT_EQ(strings.length(), 4);
  EXPECT_EQ(strings.null_count(), 1);
  EXPECT_TRUE(strings.IsNull(0));
  EXPECT_EQ(strings.string_value(1), "bb");
  EXPECT_EQ(strings.string_value(2), "ccc");
  EXPECT_EQ(strings.string_value(3), "dddd");
  EXPECT_EQ(strings.string_data(), "bbcccdddd");
  EXPECT_EQ(strings.string_offsets().size(), 5u);
  strings.AppendString("e");  // still appendable after
  EXPECT_EQ(strings.string_value(4), "e");

  Column doubles(TypeId::kDouble);
  for (int i = 0; i < 7; ++i) i == 3 ? doubles.AppendNull() : doubles.AppendDouble(i);
  doubles.KeepRows(std::vector<uint8_t>{1, 0, 0, 1, 1, 1, 0});
  ASSERT_EQ(doubles.length(), 4);
  EXPECT_EQ(doubles.null_count(), 1);
  EXPECT_TRUE(doubles.IsNull(1));
  EXPECT_EQ(doubles.double_values()[0], 0.0);
  EXPECT_EQ(doubles.double_values()[2], 4.0);
  EXPECT_EQ(doubles.double_values()[3], 5.0);
  doubles.KeepRows(std::vector<uint8_t>{0, 0, 0, 0});
  EXPECT_EQ(doubles.length(), 0);
  EXPECT_EQ(doubles.null_count(), 0);
}

TEST(ColumnTest, ClearKeepsTypeAndStartsOver) {
  Column col(TypeId::kTimestampMicros);
  col.AppendInt64(5);
  col.AppendNull();
  col.Clear();
  EXPECT_EQ(col.length(), 0);
  EXPECT_EQ(col.null_count(), 0);
  col.AppendInt64(7);
  EXPECT_EQ(col.int64_values()[0], 7);
  Column strings(TypeId::kString);
  strings.AppendString("abc");
  strings.Clear();
  strings.AppendString("d");
  EXPECT_EQ(strings.string_value(0), "d");
}

TEST(ColumnTest, EqualsIgnoresNullSlotsAndComparesDoublesBitwise) {
  Column a(TypeId::kDouble);
  Column b(TypeId::kDouble);
  a.AppendDouble(std::nan(""));
  b.AppendDouble(std::nan(""));
  EXPECT_TRUE(a.Equals(b));
  a.AppendDouble(0.0);
  b.AppendDouble(-0.0);
  EXPECT_FALSE(a.Equals(b));
  Column c(TypeId::kInt32);
  Column d(TypeId::kDate32);
  EXPECT_FALSE(c.Equals(d));
}

TEST(ColumnTest, AppendFromCopiesValuesAndNulls) {
  Column src(TypeId::kBool);
  src.AppendBool(true);
  src.AppendNull();
  Column dst(TypeId::kBool);
  dst.AppendFrom(src, 1);
  dst.AppendFrom(src, 0);
  EXPECT_TRUE(dst.IsNull(0));
  EXPECT_EQ(dst.bool_values()[1], 1);
}

TEST(RecordBatchTest, ValidateNamesTheBrokenColumn) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"id", TypeId::kString, false}, {"n", TypeId::kInt64, true}});
  EXPECT_EQ(schema->FieldIndex("n"), 1);
  EXPECT_EQ(schema->FieldIndex("missing"), -1);
  EXPECT_EQ(schema->ToString(), "id: string not null, n: int64");
  RecordBatch batch(schema);
  batch.column(0).AppendString("u1");
  batch.column(1).AppendInt64(1);
  EXPECT_TRUE(batch.Validate().ok());
  batch.column(0).AppendNull();
  Status st = batch.Validate();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'id'"), std::string::npos) << st.message();
  batch.column(1).AppendNull();
  st = batch.Validate();
  EXPECT_NE(st.message().find("not nullable"), std::string::npos) << st.message();
}

TEST(RecordBatchTest, AppendRowFromAndEquals) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"d", TypeId::kDate32, true}});
  RecordBatch a(schema);
  a.column(0).AppendInt32(20000);
  a.column(0).AppendNull();
  RecordBatch b(schema);
  b.AppendRowFrom(a, 0);
  b.AppendRowFrom(a, 1);
  EXPECT_TRUE(a.Equals(b));
  b.Clear();
  EXPECT_EQ(b.num_rows(), 0);
  EXPECT_FALSE(a.Equals(b));
}

}  // namespace
}  // namespace streampro
