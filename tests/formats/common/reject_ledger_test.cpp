#include "formats/common/reject_ledger.h"

#include <gtest/gtest.h>

namespace streampro::formats {
namespace {

TEST(RejectLedgerTest, SchemaIsTheRejectsTable) {
  const Schema& schema = *RejectLedger::LedgerSchema();
  EXPECT_EQ(schema.ToString(), Schema({{"table", TypeId::kString, false},
                                       {"source_file", TypeId::kString, false},
                                       {"line_number", TypeId::kInt64, false},
                                       {"reason", TypeId::kString, false},
                                       {"field", TypeId::kString, true},
                                       {"raw_record", TypeId::kString, false}})
                                   .ToString());
}

TEST(RejectLedgerTest, AppendsRowsWithANullableField) {
  RejectLedger ledger;
  ledger.Append("events", "events_2025-09-09.jsonl", 7, RejectReason::kMalformedRecord,
                std::nullopt, "{\"a\":");
  ledger.Append("users", "users.csv", 3, RejectReason::kInvalidEnum, "age_group", "u1,x");
  ASSERT_EQ(ledger.num_rows(), 2);
  EXPECT_TRUE(ledger.batch().Validate().ok());
  EXPECT_EQ(ledger.table(0), "events");
  EXPECT_EQ(ledger.source_file(0), "events_2025-09-09.jsonl");
  EXPECT_EQ(ledger.line_number(0), 7);
  EXPECT_EQ(ledger.reason(0), "malformed_record");
  EXPECT_EQ(ledger.field(0), std::nullopt);
  EXPECT_EQ(ledger.raw_record(0), "{\"a\":");
  EXPECT_EQ(ledger.reason(1), "invalid_enum");
  EXPECT_EQ(ledger.field(1), "age_group");
  EXPECT_EQ(ledger.line_number(1), 3);
}

TEST(RejectLedgerTest, AppendAllAndRelease) {
  RejectLedger a;
  a.Append("t", "f", 1, RejectReason::kUnknownUser, "user_id", "x");
  RejectLedger b;
  b.Append("t", "f", 2, RejectReason::kUnknownVideo, "video_id", "y");
  b.Append("t", "f", 3, RejectReason::kDuplicateKey, "device", "z");
  a.AppendAll(b);
  ASSERT_EQ(a.num_rows(), 3);
  EXPECT_EQ(a.line_number(2), 3);
  RecordBatch batch = a.Release();
  EXPECT_EQ(batch.num_rows(), 3);
  EXPECT_EQ(a.num_rows(), 0);
  a.Append("t", "f", 4, RejectReason::kInvalidDate, "signup_date", "w");
  EXPECT_EQ(a.num_rows(), 1);
}

}  // namespace
}  // namespace streampro::formats
