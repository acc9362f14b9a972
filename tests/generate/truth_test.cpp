#include "generate/truth.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "common/file.h"

namespace streampro::generate {
namespace {

TEST(TruthTest, EveryKindHasAUniqueNameWithinItsTableAndAReasonWhenRejected) {
  for (Table table : kAllTables) {
    std::set<std::string_view> names;
    for (Kind kind : KindsOf(table)) {
      const KindInfo& info = InfoOf(kind);
      EXPECT_TRUE(names.insert(info.name).second) << info.name;
      EXPECT_EQ(info.outcome == Outcome::kRejected, !info.reason.empty()) << info.name;
      EXPECT_FALSE(info.description.empty()) << info.name;
    }
  }
}

TEST(TruthTest, RejectReasonsAreThoseOfTheSpec) {
  const std::set<std::string_view> spec_reasons = {
      "malformed_record", "missing_required",   "invalid_timestamp", "invalid_date",
      "invalid_value",    "unknown_event_name", "unknown_user",      "unknown_video",
      "invalid_enum",     "duplicate_key"};
  for (size_t i = 0; i < kNumKinds; ++i) {
    const KindInfo& info = InfoOf(static_cast<Kind>(i));
    if (info.outcome == Outcome::kRejected) {
      EXPECT_TRUE(spec_reasons.count(info.reason)) << info.name;
    }
  }
}

TEST(TruthTest, CountersAddUpPerSpecInvariant) {
  KindCounts kinds;
  kinds[Kind::kEventsBlankLine] = 4;  // not a record
  kinds[Kind::kEventsCrlfLine] = 3;   // kept, same rows
  kinds[Kind::kEventsBom] = 1;        // file level
  kinds[Kind::kEventsMalformedTruncated] = 2;
  kinds[Kind::kEventsMalformedNotObject] = 1;
  kinds[Kind::kEventsUnknownUser] = 5;
  kinds[Kind::kEventsEmptyUserId] = 1;
  kinds[Kind::kEventsExactDuplicate] = 7;
  kinds[Kind::kUsersInvalidTier] = 9;  // other table: ignored
  const ExpectedCounters c = ExpectCounters(Table::kEvents, 100, kinds);
  EXPECT_EQ(c.rows_kept, 100);
  EXPECT_EQ(c.rows_rejected, 9);
  EXPECT_EQ(c.rows_duplicate, 7);
  EXPECT_EQ(c.rows_in, 116);
  using Reasons = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(c.rejected_by_reason, (Reasons{{"malformed_record", 3}, {"unknown_user", 6}}));
}

}  // namespace
}  // namespace streampro::generate

namespace streampro::generate {
namespace {

TEST(TruthTest, GeneratorDocsNameEveryKind) {
  const auto docs = ReadFileToString(std::string(STREAMPRO_SOURCE_DIR) + "/docs/generator.md");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  for (size_t i = 0; i < kNumKinds; ++i) {
    const KindInfo& info = InfoOf(static_cast<Kind>(i));
    EXPECT_NE(docs->find(fmt::format("`{}`", info.name)), std::string::npos)
        << "docs/generator.md does not describe " << TableName(info.table) << "." << info.name;
  }
}

}  // namespace
}  // namespace streampro::generate
