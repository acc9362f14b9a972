#include "formats/csv/csv_record_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace streampro::formats::csv {
namespace {

struct Parsed {
  int64_t line;
  std::string raw;
  bool malformed;
  std::vector<std::string> fields;
};

std::vector<Parsed> ParseAll(std::string_view text, int64_t first_line = 1) {
  CsvRecordParser parser(text, first_line);
  CsvRecord record;
  std::vector<std::string_view> fields;
  std::vector<Parsed> out;
  while (parser.Next(&record, &fields)) {
    out.push_back(Parsed{record.line, std::string(record.raw), record.malformed,
                         std::vector<std::string>(fields.begin(), fields.end())});
  }
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvRecordParserTest, SplitsPlainFieldsAndKeepsEmptyOnes) {
  const auto records = ParseAll("a,b,c\n,x,\n,,\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(records[1].fields, (Fields{"", "x", ""}));
  EXPECT_EQ(records[2].fields, (Fields{"", "", ""}));
  EXPECT_EQ(records[2].line, 3);
}

TEST(CsvRecordParserTest, QuotedFieldsHoldCommasQuotesAndNewlines) {
  const std::string text =
      "1,\"Smith, J\",\"say \"\"hi\"\"\"\r\n"
      "2,\"two\nlines\r\nhere\",\"\"\n"
      "3,\"\"\"\",x\n";
  const auto records = ParseAll(text);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (Fields{"1", "Smith, J", "say \"hi\""}));
  EXPECT_EQ(records[0].raw, "1,\"Smith, J\",\"say \"\"hi\"\"\"");
  EXPECT_EQ(records[1].fields, (Fields{"2", "two\nlines\r\nhere", ""}));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[1].raw, "2,\"two\nlines\r\nhere\",\"\"");
  EXPECT_EQ(records[2].line, 5);  // the record above spans lines 2-4
  EXPECT_EQ(records[2].fields, (Fields{"3", "\"", "x"}));
}

TEST(CsvRecordParserTest, SkipsWhitespaceOnlyLinesButCountsTheirLines) {
  const auto records = ParseAll("\n  \n\t\r\na\r\n \r\nb", 10);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 13);
  EXPECT_EQ(records[0].fields, (Fields{"a"}));
  EXPECT_EQ(records[1].line, 15);
  EXPECT_EQ(records[1].fields, (Fields{"b"}));
}

TEST(CsvRecordParserTest, BrokenQuotingIsMalformed) {
  for (const char* text :
       {"a,\"unclosed\n", "a,\"closed\"x,b\n", "a,b\"c,d\n", "\"a\"\"\n", "a,\"b\" ,c\n"}) {
    const auto records = ParseAll(text);
    ASSERT_EQ(records.size(), 1u) << text;
    EXPECT_TRUE(records[0].malformed) << text;
    EXPECT_TRUE(records[0].fields.empty()) << text;
  }
}

TEST(CsvRecordParserTest, AnUnclosedQuoteRunsToTheEndOfTheText) {
  const auto records = ParseAll("a,b\nc,\"d\ne,f\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_FALSE(records[0].malformed);
  EXPECT_TRUE(records[1].malformed);
  EXPECT_EQ(records[1].raw, "c,\"d\ne,f");
}

TEST(CsvRecordParserTest, AStrayQuoteOnlySpoilsItsOwnRecord) {
  const auto records = ParseAll("a,b\"c,d\ne,f\n\"g\"x,h\ni,j\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_TRUE(records[0].malformed);
  EXPECT_EQ(records[1].fields, (Fields{"e", "f"}));
  EXPECT_TRUE(records[2].malformed);
  EXPECT_EQ(records[2].line, 3);
  EXPECT_EQ(records[3].fields, (Fields{"i", "j"}));
  EXPECT_EQ(records[3].line, 4);
}

TEST(CsvRecordParserTest, ReportsPositionAfterEachRecord) {
  CsvRecordParser parser("h1,h2\r\nx,y\n", 1);
  CsvRecord record;
  std::vector<std::string_view> fields;
  ASSERT_TRUE(parser.Next(&record, &fields));
  EXPECT_EQ(parser.position(), 7u);
  EXPECT_EQ(parser.next_line(), 2);
}

}  // namespace
}  // namespace streampro::formats::csv
