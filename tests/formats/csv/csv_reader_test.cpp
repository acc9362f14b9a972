#include "formats/csv/csv_reader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace streampro::formats::csv {
namespace {

CsvReadOptions Options(int threads = 1, int64_t chunk_bytes = 1 << 20) {
  CsvReadOptions options;
  options.chunking.threads = threads;
  options.chunking.chunk_bytes = chunk_bytes;
  return options;
}

Result<DimensionTable> TryRead(Table table, const std::string& text,
                               const CsvReadOptions& options = Options()) {
  auto file = MakeBufferFile(fmt::format("{}_2025-09-09.csv", TableName(table)), text);
  return ReadDimensionCsv(*file, table, options);
}

DimensionTable Read(Table table, const std::string& text,
                    const CsvReadOptions& options = Options()) {
  auto result = TryRead(table, text, options);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok()) return DimensionTable(table);
  EXPECT_TRUE(result->counters.CheckInvariant("test input").ok());
  EXPECT_TRUE(result->rows.Validate().ok()) << result->rows.Validate().ToString();
  EXPECT_EQ(result->rejects.num_rows(), result->counters.rows_rejected);
  return std::move(result).value();
}

/// "line:reason[:field]" of every reject.
std::vector<std::string> Rejects(const DimensionTable& t) {
  std::vector<std::string> out;
  for (int64_t row = 0; row < t.rejects.num_rows(); ++row) {
    std::string entry = fmt::format("{}:{}", t.rejects.line_number(row), t.rejects.reason(row));
    if (t.rejects.field(row)) entry += fmt::format(":{}", *t.rejects.field(row));
    out.push_back(entry);
  }
  return out;
}

std::vector<std::string> Keys(const DimensionTable& t) {
  std::vector<std::string> out;
  for (int64_t row = 0; row < t.rows.num_rows(); ++row) {
    out.emplace_back(t.rows.column(0).string_value(row));
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(CsvReaderTest, ReadsUsersWithTypedColumns) {
  const DimensionTable t = Read(Table::kUsers,
                                "user_id,signup_date,subscription_tier,age_group,gender\n"
                                "u1,2025-01-31,premium,18-25,F\n"
                                "u2,2024-02-29, Free ,,\n");
  EXPECT_EQ(Keys(t), (Strings{"u1", "u2"}));
  EXPECT_EQ(t.rows.column(1).int32_values()[0], 20119);  // 2025-01-31
  EXPECT_EQ(t.rows.column(2).string_value(0), "Premium");
  EXPECT_EQ(t.rows.column(2).string_value(1), "Free");
  EXPECT_EQ(t.rows.column(3).string_value(0), "18-25");
  EXPECT_TRUE(t.rows.column(3).IsNull(1));
  EXPECT_TRUE(t.rows.column(4).IsNull(1));
  EXPECT_EQ(t.counters.rows_in, 2);
  EXPECT_EQ(t.counters.rows_kept, 2);
}

TEST(CsvReaderTest, HeaderIsMatchedByNameInAnyOrderWithExtraColumnsIgnored) {
  const DimensionTable t = Read(Table::kVideos,
                                "extra, genre ,video_id,duration_seconds\n"
                                "x,comedy,v1,60\n"
                                "y, DRAMA ,v2,61\n");
  EXPECT_EQ(Keys(t), (Strings{"v1", "v2"}));
  EXPECT_EQ(t.rows.column(2).string_value(0), "Comedy");
  EXPECT_EQ(t.rows.column(2).string_value(1), "Drama");
  EXPECT_EQ(t.rows.column(3).int32_values()[1], 61);
  EXPECT_TRUE(t.rows.column(1).IsNull(0));  // title column absent: null
  EXPECT_TRUE(t.rows.column(4).IsNull(0));  // patent_id absent: null
}

TEST(CsvReaderTest, MissingRequiredColumnFailsTheTableWithAClearMessage) {
  auto result = TryRead(Table::kUsers, "user_id,subscription_tier,gender\nu1,Free,F\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidData);
  const std::string message = result.status().message();
  EXPECT_NE(message.find("users_2025-09-09.csv"), std::string::npos) << message;
  EXPECT_NE(message.find("line 1"), std::string::npos) << message;
  EXPECT_NE(message.find("signup_date"), std::string::npos) << message;

  result = TryRead(Table::kDevices, "\xEF\xBB\xBF\n\nos,model\n");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("line 3"), std::string::npos)
      << result.status().message();
  EXPECT_NE(result.status().message().find("device"), std::string::npos);
}

TEST(CsvReaderTest, OtherHeaderProblemsFailTheTable) {
  EXPECT_EQ(TryRead(Table::kDevices, "").status().code(), StatusCode::kInvalidData);
  EXPECT_EQ(TryRead(Table::kDevices, "\xEF\xBB\xBF \r\n\n").status().code(),
            StatusCode::kInvalidData);
  EXPECT_EQ(TryRead(Table::kDevices, "device,os,device\n").status().code(),
            StatusCode::kInvalidData);
  EXPECT_EQ(TryRead(Table::kDevices, "\"device,os\n").status().code(), StatusCode::kInvalidData);
  EXPECT_EQ(TryRead(Table::kEvents, "device\n").status().code(), StatusCode::kInternal);
}

TEST(CsvReaderTest, AHeaderOnlyFileIsAnEmptyTable) {
  const DimensionTable t = Read(Table::kDevices, "device,os,model,os_version");
  EXPECT_EQ(t.counters.rows_in, 0);
  EXPECT_EQ(t.rows.num_rows(), 0);
}

TEST(CsvReaderTest, BomCrlfAndBlankLines) {
  const DimensionTable t = Read(Table::kDevices,
                                "\xEF\xBB\xBF"
                                "device,os,model,os_version\r\n"
                                "d1,iOS,iPhone,14.6.1\r\n"
                                "  \r\n"
                                "\t\n"
                                "\n"
                                "d2,Android,Pixel,11\r\n"
                                "d3,x\r\n");
  EXPECT_EQ(Keys(t), (Strings{"d1", "d2"}));
  EXPECT_EQ(t.rows.column(3).string_value(0), "14.6.1");
  EXPECT_EQ(t.rows.column(3).string_value(1), "11");
  EXPECT_EQ(t.counters.rows_in, 3);
  EXPECT_EQ(Rejects(t), (Strings{"7:malformed_record"}));
  EXPECT_EQ(t.rejects.raw_record(0), "d3,x");
  EXPECT_EQ(t.rejects.table(0), "devices");
  EXPECT_EQ(t.rejects.source_file(0), "devices_2025-09-09.csv");
}

TEST(CsvReaderTest, QuotedNewlinesShiftTheLineNumbersOfLaterRecords) {
  const DimensionTable t = Read(Table::kVideos,
                                "video_id,title,genre,duration_seconds,patent_id\n"
                                "v1,\"A title, \"\"quoted\"\"\nover\r\nthree lines\",Drama,60,\n"
                                "v2,T,Drama,abc,\n"
                                "v3,\"ok\",Drama,1,\"P\"\n");
  EXPECT_EQ(Keys(t), (Strings{"v1", "v3"}));
  EXPECT_EQ(t.rows.column(1).string_value(0), "A title, \"quoted\"\nover\r\nthree lines");
  EXPECT_EQ(Rejects(t), (Strings{"5:invalid_value:duration_seconds"}));
  EXPECT_EQ(t.rejects.raw_record(0), "v2,T,Drama,abc,");
}

TEST(CsvReaderTest, WrongFieldCountAndBadQuotingAreMalformed) {
  const DimensionTable t = Read(Table::kDevices,
                                "device,os,model,os_version\n"
                                "d1,iOS,m\n"
                                "d2,iOS,m,1,extra\n"
                                "d3,iOS,m\"x,1\n"  // a stray quote does not open a field
                                "d4,iOS,\"m\"x,1\n"
                                "d5,iOS,\"Pixel, 7\",14\n");
  EXPECT_EQ(Keys(t), (Strings{"d5"}));
  EXPECT_EQ(Rejects(t), (Strings{"2:malformed_record", "3:malformed_record", "4:malformed_record",
                                 "5:malformed_record"}));
  EXPECT_EQ(t.counters.rejected(RejectReason::kMalformedRecord), 4);
}

TEST(CsvReaderTest, UsersRejectReasons) {
  const DimensionTable t = Read(Table::kUsers,
                                "user_id,signup_date,subscription_tier,age_group,gender\n"
                                ",2025-01-01,Free,,\n"
                                "u1,,Free,,\n"
                                "u1,2025-02-30,Free,,\n"
                                "u1,2025-01-01,Gold,,\n"
                                "u1,2025-01-01,Free,teen,\n"
                                "u1,2025-01-01,Free,,\n"
                                "u1,2025-01-02,Basic,,\n"
                                "u2,2025-01-01,,,\n");
  EXPECT_EQ(Keys(t), (Strings{"u1"}));
  EXPECT_EQ(Rejects(t), (Strings{"2:missing_required:user_id", "3:missing_required:signup_date",
                                 "4:invalid_date:signup_date", "5:invalid_enum:subscription_tier",
                                 "6:invalid_enum:age_group", "8:duplicate_key:user_id",
                                 "9:missing_required:subscription_tier"}));
  EXPECT_EQ(t.counters.rows_in, 8);
  EXPECT_EQ(t.counters.rows_kept, 1);
  EXPECT_EQ(t.counters.rows_rejected, 7);
  EXPECT_EQ(t.counters.rows_duplicate, 0);
  EXPECT_EQ(t.counters.rejected(RejectReason::kDuplicateKey), 1);
  EXPECT_EQ(t.rows.column(1).int32_values()[0], 20089);  // the first valid row: 2025-01-01
}

TEST(CsvReaderTest, OnlyValidRowsClaimAKey) {
  // An invalid row with key v1 does not make the later valid v1 a duplicate.
  const DimensionTable t = Read(Table::kVideos,
                                "video_id,genre,duration_seconds\n"
                                "v1,Drama,0\n"
                                "v1,Drama,10\n"
                                "v1,Comedy,20\n");
  EXPECT_EQ(Keys(t), (Strings{"v1"}));
  EXPECT_EQ(t.rows.column(3).int32_values()[0], 10);
  EXPECT_EQ(Rejects(t), (Strings{"2:invalid_value:duration_seconds", "4:duplicate_key:video_id"}));
  EXPECT_EQ(t.rejects.raw_record(1), "v1,Comedy,20");
}

TEST(CsvReaderTest, DevicesRules) {
  // SPEC §7: the key is (device, os, model), null equal to null; os_version is not in it.
  const DimensionTable t = Read(Table::kDevices,
                                "device,os,model,os_version\n"
                                " ,iOS,m,1\n"           // 2: device missing
                                "d1,,,\n"               // 3: kept, os and model null
                                "d1,iOS,m,2\n"          // 4: kept, another os and model
                                "d1,,,7\n"              // 5: repeats 3 (null = null)
                                "d1,iOS,m,3\n"          // 6: repeats 4 (os_version aside)
                                "d1,iOS,,\n"            // 7: kept, model null differs from m
                                "d1,\"iOS\",\"m\",4\n"  // 8: quoting aside, repeats 4
                                "d1,iOS ,m,\n"          // 9: kept, `iOS ` is not `iOS`
                                "d2,iOS,m,2\n");        // 10: kept, another device
  EXPECT_EQ(Keys(t), (Strings{"d1", "d1", "d1", "d1", "d2"}));
  EXPECT_TRUE(t.rows.column(1).IsNull(0));
  EXPECT_EQ(Rejects(t),
            (Strings{"2:missing_required:device", "5:duplicate_key:device,os,model",
                     "6:duplicate_key:device,os,model", "8:duplicate_key:device,os,model"}));
}

TEST(CsvReaderTest, DeviceTypesRepeatAcrossOsAndModel) {
  // The original system's file lists each device type once per os and model: all kept.
  const DimensionTable t = Read(Table::kDevices,
                                "device,os,model,os_version\n"
                                "mobile,iOS,iPhone 15,17.4\n"
                                "mobile,Android,Pixel 8,14\n"
                                "tablet,iOS,iPad Air,17.4\n"
                                "tablet,Android,Galaxy Tab S9,14\n"
                                "mobile,iOS,iPhone 13,16.7.8\n");
  EXPECT_EQ(t.counters.rows_kept, 5);
  EXPECT_EQ(t.counters.rows_rejected, 0);
}

TEST(CsvReaderTest, DevicesKeyDoesNotDependOnChunkSizeOrThreads) {
  std::string text = "device,os,model\n";
  for (int i = 0; i < 60; ++i) {
    text += fmt::format("{},{},{}\n", i % 2 == 0 ? "mobile" : "tablet", i % 3 == 0 ? "" : "iOS",
                        i % 5 == 0 ? "" : fmt::format("m{}", i % 7));
  }
  const DimensionTable reference = Read(Table::kDevices, text);
  // (type, os, model) takes 2 * 2 * 8 values at most; 60 rows repeat many of them.
  EXPECT_GT(reference.counters.rejected(RejectReason::kDuplicateKey), 0);
  EXPECT_EQ(reference.counters.rows_kept + reference.counters.rejected(RejectReason::kDuplicateKey),
            60);
  for (int64_t chunk_bytes : {1, 7, 64}) {
    for (int threads : {1, 3}) {
      CsvReadOptions options;
      options.chunking.chunk_bytes = chunk_bytes;
      options.chunking.threads = threads;
      const DimensionTable t = Read(Table::kDevices, text, options);
      EXPECT_EQ(Rejects(t), Rejects(reference)) << chunk_bytes << " " << threads;
      EXPECT_EQ(t.counters, reference.counters);
    }
  }
}

std::string MixedUsers() {
  std::string text = "\xEF\xBB\xBFgender,user_id,subscription_tier,signup_date,age_group\r\n";
  for (int i = 0; i < 40; ++i) {
    text +=
        fmt::format("\"F, \"\"{}\"\"\",u{},premium,2025-01-{:02},18-25\n", i, i % 30, i % 28 + 1);
    text += "\n  \r\n";
    text += fmt::format("\"multi\nline {}\",x{},Free,2025-02-30,\r\n", i, i);
    text += fmt::format("M,y{},Gold,2025-01-01,\n", i);
    text += fmt::format("M,z{},Free,2025-01-01\n", i);
    text += fmt::format("M,\"w{}\",basic,2025-01-01,50+\r\n", i);
  }
  return text + "M,last,Free,2025-01-01,";
}

TEST(CsvReaderTest, OutputDoesNotDependOnChunkSizeOrThreads) {
  const std::string text = MixedUsers();
  const DimensionTable reference = Read(Table::kUsers, text);
  EXPECT_EQ(reference.counters.rows_in, 40 * 5 + 1);
  EXPECT_EQ(reference.counters.rejected(RejectReason::kDuplicateKey), 10);
  for (int64_t chunk_bytes : {1, 7, 64, 1000}) {
    for (int threads : {1, 2, 3, 4}) {
      SCOPED_TRACE(fmt::format("chunk_bytes={} threads={}", chunk_bytes, threads));
      const DimensionTable t = Read(Table::kUsers, text, Options(threads, chunk_bytes));
      EXPECT_EQ(t.counters, reference.counters);
      EXPECT_TRUE(t.rows.Equals(reference.rows));
      EXPECT_TRUE(t.rejects.batch().Equals(reference.rejects.batch()));
    }
  }
}

}  // namespace
}  // namespace streampro::formats::csv
