#include "formats/jsonl/duplicate_filter.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "formats/common/batch_select.h"
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
  RecordBatch batch(std::make_shared<Schema>(schema));
  EXPECT_EQ(DropDuplicateRows(&batch).status().code(), StatusCode::kInternal);
}

TEST(DropDuplicateRowsTest, KeepsTheFirstOccurrenceByTheSameRules) {
  RecordBatch batch =
      Batch({Row{}, Row{.device = "other"}, Row{.timestamp = 1001}, Row{}, Row{.user = "u2"},
             Row{.session = "s2"}, Row{.name = "pause"}, Row{.video = ""}, Row{.video = ""},
             Row{.video = "v1"}, Row{.value = 0.0}, Row{.value = -0.0}, Row{.value = 1.0},
             Row{.user = "ab", .session = "c"}, Row{.user = "a", .session = "bc"},
             Row{.timestamp = 1001, .value = 1.0}});
  EXPECT_EQ(*DropDuplicateRows(&batch), 4);
  EXPECT_EQ(Lines(batch), (std::vector<int64_t>{1, 3, 5, 6, 7, 8, 10, 11, 13, 14, 15, 16}));
  EXPECT_TRUE(batch.Validate().ok());
  RecordBatch one = Batch({Row{}});
  EXPECT_EQ(*DropDuplicateRows(&one), 0);
  EXPECT_EQ(one.num_rows(), 1);
}

TEST(DropDuplicateRowsTest, AgreesWithTheFilterOnManyCollidingRows) {
  // Small value domains, so many rows repeat an earlier key; the video and value are
  // null, empty or -0.0 sometimes.
  RecordBatch batch(EventsSchema());
  uint64_t state = 12345;
  const auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  for (int i = 0; i < 20000; ++i) {
    Row row;
    row.user = fmt::format("u{}", next(30));
    row.session = fmt::format("s{}", next(4));  // s3 stands for the empty session below
    if (row.session == "s3") row.session.clear();
    row.timestamp = static_cast<int64_t>(next(6));
    row.name.assign(next(2) == 0 ? "play" : "pause");
    const uint64_t video = next(4);
    if (video > 0) row.video.emplace(video == 1 ? 0 : 1, 'v');
    const uint64_t value = next(4);
    if (value > 0) row.value = value == 1 ? -0.0 : static_cast<double>(value);
    row.device = fmt::format("d{}", i);
    const RecordBatch single = Batch({row});
    batch.AppendRowFrom(single, 0);
  }
  RecordBatch by_filter(EventsSchema());
  AppendSelectedRows(batch, std::vector<uint8_t>(20000, 1), &by_filter);
  auto filter = DuplicateFilter::Make(*EventsSchema());
  ASSERT_TRUE(filter.ok());
  const int64_t filtered = *filter->Filter(&by_filter);
  const int64_t dropped = *DropDuplicateRows(&batch);
  EXPECT_GT(dropped, 5000);
  EXPECT_EQ(dropped, filtered);
  EXPECT_EQ(Lines(batch), Lines(by_filter));
  EXPECT_EQ(batch.column(kDeviceColumn).string_value(0), "d0");
}

}  // namespace
}  // namespace streampro::formats::jsonl
