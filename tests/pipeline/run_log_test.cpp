// The run log: one JSON line per run, read back field for field (simdjson reads the line
// independently of RunRecord::FromJson), ordered by run id, on an in-memory lake.

#include "pipeline/run_log.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <string>

#include "support/lake_support.h"

namespace streampro::pipeline {
namespace {

RunRecord SampleRecord(const std::string& run_id) {
  RunRecord record;
  record.run_id = run_id;
  record.command = "backfill";
  record.succeeded = false;
  record.exit_code = 1;
  record.error = "backfill stopped at 2025-09-11: users_2025-09-11.csv: \"quoted\"\tand tab";
  record.started_at = "2025-09-12T06:00:00.000001Z";
  record.seconds = 12.5;
  record.lake = "s3://bucket/lake";
  record.landing = "/srv/landing";
  record.host = "etl-1";
  record.pid = 4242;
  record.version = "0.1.0";
  DateRun built;
  built.date = *ParseIsoDate("2025-09-10");
  built.outcome = "built";
  built.note = "stale: enriched tables read trusted.events 2025-09-09, which changed since";
  built.stages = {{"to-raw", 0.25}, {"to-trusted", 1.5}, {"to-enriched", 2.0}, {"report", 0.5}};
  FileCounters events;
  events.rows_in = 10;
  events.rows_kept = 7;
  events.rows_duplicate = 1;
  events.AddReject(RejectReason::kUnknownUser);
  events.AddReject(RejectReason::kInvalidTimestamp);
  FileCounters users;
  users.rows_in = 3;
  users.rows_kept = 3;
  built.tables = {{"users", users}, {"events", events}};
  built.q1_pct = 66.66666666666667;
  built.abnormal_segments = 2;
  built.seconds = 4.25;
  DateRun failed;
  failed.date = *ParseIsoDate("2025-09-11");
  failed.outcome = "failed";
  failed.stages = {{"to-raw", 0.125}};
  record.dates = {built, failed};
  return record;
}

TEST(RunLogTest, ARecordIsOneJsonLineWithEveryField) {
  const RunRecord record = SampleRecord("20250912T060000Z-4242-0000abcd");
  const std::string line = record.ToJsonLine();
  ASSERT_TRUE(line.ends_with("\n"));
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;

  simdjson::dom::parser parser;
  simdjson::dom::element json;
  ASSERT_EQ(parser.parse(line).get(json), simdjson::SUCCESS) << line;
  EXPECT_EQ(std::string_view(json["run_id"]), "20250912T060000Z-4242-0000abcd");
  EXPECT_EQ(std::string_view(json["command"]), "backfill");
  EXPECT_EQ(std::string_view(json["outcome"]), "failed");
  EXPECT_EQ(int64_t(json["exit_code"]), 1);
  EXPECT_EQ(std::string_view(json["error"]),
            "backfill stopped at 2025-09-11: users_2025-09-11.csv: \"quoted\"\tand tab");
  EXPECT_EQ(double(json["seconds"]), 12.5);
  EXPECT_EQ(int64_t(json["pid"]), 4242);
  const auto first = json["dates"].at(0);
  EXPECT_EQ(std::string_view(first["date"]), "2025-09-10");
  EXPECT_EQ(double(first["stages"]["to-trusted"]), 1.5);
  EXPECT_EQ(int64_t(first["tables"]["events"]["rows_rejected"]), 2);
  EXPECT_EQ(int64_t(first["tables"]["events"]["rejected_by_reason"]["unknown_user"]), 1);
  EXPECT_EQ(double(first["q1_pct"]), 66.66666666666667);
  EXPECT_EQ(int64_t(first["abnormal_segments"]), 2);
  const auto second = json["dates"].at(1);
  EXPECT_TRUE(second["q1_pct"].is_null());
  EXPECT_TRUE(second["abnormal_segments"].is_null());

  const auto parsed = RunRecord::FromJson(line, "x");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, record);
  EXPECT_EQ(parsed->dates[0].Totals().rows_in, 13);
}

TEST(RunLogTest, BadRecordsAreNamed) {
  EXPECT_FALSE(RunRecord::FromJson("not json", "o").ok());
  std::string line = SampleRecord("r").ToJsonLine();
  line.replace(line.find("\"failed\""), 8, "\"maybe\"");
  const auto parsed = RunRecord::FromJson(line, "_runs/r.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("_runs/r.json"), std::string::npos);
  EXPECT_NE(parsed.status().message().find("maybe"), std::string::npos);
}

TEST(RunLogTest, RecordsAreObjectsReadBackOldestFirst) {
  const auto lake = testing::MemoryLake("run-log", "lake");
  auto has = HasRunLog(*lake);
  ASSERT_TRUE(has.ok());
  EXPECT_FALSE(*has);
  for (const char* id : {"20250912T060000Z-1-00000002", "20250911T060000Z-1-00000001",
                         "20250913T060000Z-1-00000003"}) {
    ASSERT_TRUE(WriteRunRecord(*lake, SampleRecord(id)).ok());
  }
  EXPECT_EQ(RunRecordUri(*lake, "abc"), lake->uri() + "/_runs/abc.json");
  auto ids = ListRunIds(*lake);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids,
            (std::vector<std::string>{"20250911T060000Z-1-00000001", "20250912T060000Z-1-00000002",
                                      "20250913T060000Z-1-00000003"}));
  auto newest = ReadRunLog(*lake, 2);
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_EQ((*newest)[0].run_id, "20250912T060000Z-1-00000002");
  EXPECT_EQ((*newest)[1], SampleRecord("20250913T060000Z-1-00000003"));
  auto all = ReadRunLog(*lake, 0);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  has = HasRunLog(*lake);
  ASSERT_TRUE(has.ok());
  EXPECT_TRUE(*has);

  ASSERT_TRUE(lake->Write(RunRecordUri(*lake, "20250914T000000Z-1-00000004"), "{}").ok());
  auto broken = ReadRunLog(*lake, 1);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("20250914T000000Z-1-00000004.json"), std::string::npos);
}

}  // namespace
}  // namespace streampro::pipeline
