#include "common/file_counters.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace streampro::formats {
namespace {

TEST(RejectReasonTest, NamesAreTheSpecNamesAndRoundTrip) {
  const std::set<std::string> spec = {"malformed_record", "missing_required", "invalid_timestamp",
                                      "invalid_date",     "invalid_value",    "unknown_event_name",
                                      "unknown_user",     "unknown_video",    "invalid_enum",
                                      "duplicate_key"};
  std::set<std::string> names;
  for (RejectReason reason : kAllRejectReasons) {
    names.emplace(RejectReasonName(reason));
    EXPECT_EQ(RejectReasonFromName(RejectReasonName(reason)), reason);
  }
  EXPECT_EQ(names, spec);
  EXPECT_EQ(RejectReasonFromName("Malformed_record"), std::nullopt);
}

TEST(FileCountersTest, InvariantHoldsWhenRowsAddUp) {
  FileCounters c;
  EXPECT_TRUE(c.CheckInvariant("events_2025-09-09.jsonl").ok());
  c.rows_in = 5;
  c.rows_kept = 2;
  c.rows_duplicate = 1;
  c.AddReject(RejectReason::kUnknownUser);
  c.AddReject(RejectReason::kUnknownUser);
  EXPECT_TRUE(c.CheckInvariant("events_2025-09-09.jsonl").ok());
  EXPECT_EQ(c.rejected(RejectReason::kUnknownUser), 2);
  EXPECT_EQ(c.RejectedByReasonMap(), (std::map<std::string, int64_t>{{"unknown_user", 2}}));
}

TEST(FileCountersTest, InvariantFailsWhenRowsDoNotAddUp) {
  FileCounters c;
  c.rows_in = 3;
  c.rows_kept = 2;
  const Status status = c.CheckInvariant("lake/raw/events/events_2025-09-09.jsonl");
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(status.message().rfind("lake/raw/events/events_2025-09-09.jsonl: ", 0), 0u)
      << status.message();
  EXPECT_NE(status.message().find("rows_in 3"), std::string::npos) << status.message();

  FileCounters by_reason;
  by_reason.rows_in = 1;
  by_reason.rows_rejected = 1;  // but no reason counted
  const Status reasons = by_reason.CheckInvariant("devices_2025-09-09.csv");
  EXPECT_EQ(reasons.code(), StatusCode::kInternal);
  EXPECT_EQ(reasons.message().rfind("devices_2025-09-09.csv: ", 0), 0u) << reasons.message();
}

TEST(FileCountersTest, AddSumsEveryField) {
  FileCounters a;
  a.rows_in = 2;
  a.rows_kept = 1;
  a.AddReject(RejectReason::kMalformedRecord);
  FileCounters b;
  b.rows_in = 3;
  b.rows_duplicate = 1;
  b.AddReject(RejectReason::kMalformedRecord);
  b.AddReject(RejectReason::kDuplicateKey);
  a.Add(b);
  EXPECT_EQ(a.rows_in, 5);
  EXPECT_EQ(a.rows_kept, 1);
  EXPECT_EQ(a.rows_rejected, 3);
  EXPECT_EQ(a.rows_duplicate, 1);
  EXPECT_EQ(a.rejected(RejectReason::kMalformedRecord), 2);
  EXPECT_EQ(a.rejected(RejectReason::kDuplicateKey), 1);
  EXPECT_TRUE(a.CheckInvariant("users_2025-09-09.csv").ok());
}

}  // namespace
}  // namespace streampro::formats
