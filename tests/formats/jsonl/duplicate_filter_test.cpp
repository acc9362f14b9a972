#include "formats/jsonl/duplicate_filter.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "formats/jsonl/event_schema.h"

namespace streampro::formats::jsonl {
namespace {

struct Row {
  std::string user = "u1";
  std::string session = "s1";
  int64_t timestamp = 1000;
  std::string name = "play";
  std::optional<std::string> video = std::nullopt;
  std::optional<double> value = std::nullopt;
  std::string device = "d";
};

RecordBatch Batch(std::initializer_list<Row> rows) {
  RecordBatch batch(EventsSchema());
  int64_t line = 1;
  for (const Row& row : rows) {
    for (int c = 0; c < kNumEventColumns; ++c) {
      Column& column = batch.column(c);
      switch (c) {
        case kTimestampColumn:
          column.AppendInt64(row.timestamp);
          break;
        case kUserIdColumn:
          column.AppendString(row.user);
          break;
        case kSessionIdColumn:
          column.AppendString(row.session);
          break;
        case kEventNameColumn:
          column.AppendString(row.name);
          break;
        case kVideoIdColumn:
          row.video ? column.AppendString(*row.video) : column.AppendNull();
          break;
        case kValueColumn:
          row.value ? column.AppendDouble(*row.value) : column.AppendNull();
          break;
        case kDeviceColumn:
          column.AppendString(row.device);
          break;
        case kSourceLineColumn:
          column.AppendInt64(line++);
          break;
        default:
          column.AppendNull();
      }
    }
  }
  return batch;
}

std::vector<int64_t> Lines(const RecordBatch& batch) {
  const auto lines = batch.column(kSourceLineColumn).int64_values();
  return {lines.begin(), lines.end()};
}

TEST(DuplicateFilterTest, KeepsFirstOccurrenceAcrossBatches) {
  auto filter = DuplicateFilter::Make(*EventsSchema());
  ASSERT_TRUE(filter.ok());
  RecordBatch first = Batch({Row{}, Row{.device = "other"}, Row{.timestamp = 1001}});
  EXPECT_EQ(*filter->Filter(&first), 1);
  EXPECT_EQ(Lines(first), (std::vector<int64_t>{1, 3}));
  RecordBatch second = Batch({Row{.timestamp = 1001}, Row{.timestamp = 1002}});
  EXPECT_EQ(*filter->Filter(&second), 1);
  EXPECT_EQ(Lines(second), (std::vector<int64_t>{2}));
  EXPECT_EQ(filter->size(), 3);
  EXPECT_TRUE(second.Validate().ok());
}

TEST(DuplicateFilterTest, EveryKeyFieldMatters) {
  auto filter = DuplicateFilter::Make(*EventsSchema());
  ASSERT_TRUE(filter.ok());
  RecordBatch batch = Batch({Row{}, Row{.user = "u2"}, Row{.session = "s2"}, Row{.timestamp = 1},
                             Row{.name = "pause"}, Row{.video = "v1"}, Row{.value = 1.0},
                             Row{.video = ""}, Row{.value = 0.0}});
  EXPECT_EQ(*filter->Filter(&batch), 0);
}

TEST(DuplicateFilterTest, NullEqualsNullAndNullDiffersFromEmptyOrZero) {
  auto filter = DuplicateFilter::Make(*EventsSchema());
  ASSERT_TRUE(filter.ok());
  RecordBatch batch = Batch(
      {Row{}, Row{}, Row{.video = ""}, Row{.video = ""}, Row{.value = 0.0}, Row{.value = -0.0}});
  EXPECT_EQ(*filter->Filter(&batch), 3);
  EXPECT_EQ(Lines(batch), (std::vector<int64_t>{1, 3, 5}));
}

TEST(DuplicateFilterTest, EncodingIsUnambiguous) {
  // Field contents that would collide under naive concatenation.
  auto filter = DuplicateFilter::Make(*EventsSchema());
  ASSERT_TRUE(filter.ok());
  RecordBatch batch = Batch({Row{.user = "ab", .session = "c"}, Row{.user = "a", .session = "bc"},
                             Row{.user = std::string("a\0\1", 3), .session = "x"},
                             Row{.user = "a", .session = std::string("\0\1x", 3)}});
  EXPECT_EQ(*filter->Filter(&batch), 0);
}

TEST(DuplicateFilterTest, ManyKeysGrowTheTable) {
  auto filter = DuplicateFilter::Make(*EventsSchema());
  ASSERT_TRUE(filter.ok());
  for (int round = 0; round < 2; ++round) {
    RecordBatch batch(EventsSchema());
    for (int i = 0; i < 5000; ++i) {
      RecordBatch one = Batch({Row{.user = fmt::format("user{}", i % 2500), .timestamp = i}});
      batch.AppendRowFrom(one, 0);
    }
    EXPECT_EQ(*filter->Filter(&batch), round == 0 ? 0 : 5000);
  }
  EXPECT_EQ(filter->size(), 5000);
}

TEST(DuplicateFilterTest, KeysEncodedElsewhereGiveTheSameResult) {
  auto filter = DuplicateFilter::Make(*EventsSchema());
  ASSERT_TRUE(filter.ok());
  RecordBatch batch = Batch({Row{}, Row{.value = 2.0}, Row{}, Row{.value = 2.0}});
  DuplicateKeys keys;
  filter->EncodeKeys(batch, &keys);
  EXPECT_EQ(*filter->Filter(&batch, keys), 2);
  EXPECT_EQ(Lines(batch), (std::vector<int64_t>{1, 2}));
  // Keys of another batch are refused: a programming error, not bad usage.
  RecordBatch other = Batch({Row{}});
  EXPECT_EQ(filter->Filter(&other, keys).status().code(), StatusCode::kInternal);
}

TEST(DuplicateFilterTest, NeedsTheKeyColumns) {
  const Schema schema({Field{"user_id", TypeId::kString, false}});
  EXPECT_EQ(DuplicateFilter::Make(schema).status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace streampro::formats::jsonl
