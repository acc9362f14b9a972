// Lineage on an in-memory lake: content versions, recorded inputs, and the stale dates
// LineageCheck derives, for partitions committed by hand with known inputs.

#include "pipeline/lineage.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lake/lake_lock.h"
#include "lake/partition_writer.h"
#include "support/lake_support.h"

namespace streampro::pipeline {
namespace {

using catalog::TableDef;
using catalog::TableId;
using Change = StaleInput::Change;

Date D(int day) {
  return *ParseIsoDate(fmt::format("2025-09-{:02}", day));
}

const TableDef& Events() {
  return catalog::TrustedTable(Table::kEvents);
}
const TableDef& Users() {
  return catalog::TrustedTable(Table::kUsers);
}

class LineageTest : public ::testing::Test {
 protected:
  LineageTest() : lock_(Lock()) {}

  static lake::LakeLock Lock() {
    auto lock = lake::LakeLock::Acquire(testing::MemoryLake("lineage", "lake"));
    if (!lock.ok()) std::abort();
    return std::move(lock).value();
  }

  // Commits a partition of `table` for `date` holding one file with `bytes` (a data.txt,
  // which the writer does not parse), recording `inputs` when given.
  void Commit(const TableDef& table, Date date, const std::string& bytes,
              const std::optional<std::vector<InputVersion>>& inputs = std::nullopt) {
    auto writer = lake::PartitionWriter::Begin(lock_, table, date);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    auto stream = (*writer)->CreateFile("data.txt");
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE((*stream)->Write(bytes).ok());
    ASSERT_TRUE((*writer)->CloseFile("data.txt", std::nullopt).ok());
    if (inputs) RecordInputs(*inputs, writer->get());
    const Status committed = (*writer)->Commit();
    ASSERT_TRUE(committed.ok()) << committed.ToString();
  }

  InputVersion Current(const TableDef& table, Date date) {
    PublishedPartitions published(lock_.lake());
    auto manifest = published.Manifest(table, date);
    EXPECT_TRUE(manifest.ok() && manifest->has_value());
    return InputOf(table, **manifest);
  }

  // What the enriched tables of `date` would record now.
  std::vector<InputVersion> EnrichedInputsNow(Date date) {
    PublishedPartitions published(lock_.lake());
    auto sources = FindEnrichedSources(published, date);
    EXPECT_TRUE(sources.ok());
    return sources->inputs;
  }

  // What trusted events of `date` would record now.
  std::vector<InputVersion> CheckInputsNow(Date date) {
    PublishedPartitions published(lock_.lake());
    auto inputs = TrustedCheckInputs(published, date);
    EXPECT_TRUE(inputs.ok());
    return inputs.ok() ? *inputs : std::vector<InputVersion>{};
  }

  DateLineage Check(Date date) {
    LineageCheck check(lock_.lake());
    auto lineage = check.Check(date);
    EXPECT_TRUE(lineage.ok()) << lineage.status().ToString();
    return lineage.ok() ? *lineage : DateLineage{};
  }

  lake::LakeLock lock_;
};

TEST_F(LineageTest, ContentVersionFollowsTheDataNotTheRun) {
  lake::PartitionManifest a;
  a.files = {{"part-00000.parquet", 10, std::string(64, 'a'), 3, std::nullopt}};
  a.run_id = "run-1";
  a.committed_at = "2025-09-09T00:00:00.000000Z";
  lake::PartitionManifest b = a;
  b.run_id = "run-2";
  b.committed_at = "2025-09-10T00:00:00.000000Z";
  b.properties["buckets"] = "1";
  EXPECT_EQ(ContentVersion(a), ContentVersion(b));
  EXPECT_EQ(ContentVersion(a).size(), 32u);

  b.files[0].sha256 = std::string(64, 'b');
  EXPECT_NE(ContentVersion(a), ContentVersion(b));
  b = a;
  b.counters = FileCounters{};
  EXPECT_NE(ContentVersion(a), ContentVersion(b)) << "counters are part of the data";
  lake::PartitionManifest c = b;
  c.counters->AddReject(RejectReason::kUnknownUser);
  ++c.counters->rows_in;
  EXPECT_NE(ContentVersion(b), ContentVersion(c));
  c = a;
  c.source_file = "events_2025-09-09.jsonl";
  EXPECT_NE(ContentVersion(a), ContentVersion(c));
}

TEST_F(LineageTest, RecordedInputsReadBackAndMalformedOnesAreNamed) {
  Commit(Users(), D(9), "u1\n");
  Commit(Events(), D(9), "e1\n");
  const std::vector<InputVersion> inputs = {Current(Events(), D(9)), Current(Users(), D(9))};
  Commit(catalog::Get(TableId::kUserSessions), D(9), "s1\n", inputs);
  Commit(catalog::Get(TableId::kUserJourney), D(9), "j1\n");  // records nothing

  PublishedPartitions published(lock_.lake());
  const auto sessions = published.Manifest(catalog::Get(TableId::kUserSessions), D(9));
  ASSERT_TRUE(sessions.ok() && sessions->has_value());
  EXPECT_EQ((*sessions)->properties.at("inputs"), "2");
  EXPECT_EQ((*sessions)->properties.at("input.trusted.events.2025-09-09"), inputs[0].version);
  EXPECT_EQ((*sessions)->properties.at("input.trusted.users.2025-09-09"), inputs[1].version);
  const auto recorded = RecordedInputs(**sessions, "m");
  ASSERT_TRUE(recorded.ok() && recorded->has_value());
  // Read back in property order: events before users.
  EXPECT_EQ(**recorded, inputs);

  const auto journey = published.Manifest(catalog::Get(TableId::kUserJourney), D(9));
  ASSERT_TRUE(journey.ok() && journey->has_value());
  const auto none = RecordedInputs(**journey, "m");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  lake::PartitionManifest bad = **sessions;
  bad.properties["input.trusted.nosuch.2025-09-09"] = "x";
  const auto unknown = RecordedInputs(bad, "the/manifest");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("the/manifest"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("input.trusted.nosuch.2025-09-09"), std::string::npos);
  bad = **sessions;
  bad.properties["inputs"] = "3";
  EXPECT_FALSE(RecordedInputs(bad, "m").ok());
}

TEST_F(LineageTest, EnrichedSourcesAreEveryEventsDateAndTheNewestSnapshots) {
  Commit(Users(), D(9), "u1\n");
  Commit(Users(), D(11), "u1\nu2\n");
  Commit(Events(), D(9), "e9\n");
  Commit(Events(), D(10), "e10\n");
  Commit(Events(), D(12), "e12\n");
  const std::vector<InputVersion> at_10 = EnrichedInputsNow(D(10));
  ASSERT_EQ(at_10.size(), 3u);  // events 9 and 10, users 9; no videos at all
  EXPECT_EQ(at_10[0], Current(Events(), D(9)));
  EXPECT_EQ(at_10[1], Current(Events(), D(10)));
  EXPECT_EQ(at_10[2], Current(Users(), D(9)));
  const std::vector<InputVersion> at_11 = EnrichedInputsNow(D(11));
  ASSERT_EQ(at_11.size(), 3u);  // events 9 and 10, users 11
  EXPECT_EQ(at_11[2], Current(Users(), D(11)));

  // Trusted events of D check against the newest snapshot before D, none when D has its own.
  PublishedPartitions published(lock_.lake());
  auto checks_10 = TrustedCheckInputs(published, D(10));
  ASSERT_TRUE(checks_10.ok());
  EXPECT_EQ(*checks_10, std::vector<InputVersion>{Current(Users(), D(9))});
  auto checks_11 = TrustedCheckInputs(published, D(11));
  ASSERT_TRUE(checks_11.ok());
  EXPECT_TRUE(checks_11->empty());
}

TEST_F(LineageTest, ADateIsStaleWhenWhatItReadChangedWentOrWasJoined) {
  Commit(Users(), D(9), "u1\n");
  Commit(Events(), D(9), "e9\n");
  Commit(Events(), D(10), "e10\n", CheckInputsNow(D(10)));
  for (const TableId id : {TableId::kUserSessions, TableId::kUserJourney,
                           TableId::kGenrePerformance, TableId::kDeviceAnalytics}) {
    Commit(catalog::Get(id), D(10), "x\n", EnrichedInputsNow(D(10)));
  }
  DateLineage lineage = Check(D(10));
  EXPECT_TRUE(lineage.tracked);
  EXPECT_FALSE(lineage.is_stale()) << lineage.Summary();
  EXPECT_FALSE(Check(D(9)).tracked) << "nothing of day 9 records inputs";

  // The same bytes published again: still current.
  Commit(Events(), D(9), "e9\n");
  EXPECT_FALSE(Check(D(10)).is_stale());

  // Other bytes: the enriched tables (one reason for the four) read a changed input.
  Commit(Events(), D(9), "e9 corrected\n");
  lineage = Check(D(10));
  ASSERT_EQ(lineage.stale.size(), 1u) << lineage.Summary();
  EXPECT_EQ(lineage.stale[0],
            (StaleInput{catalog::Layer::kEnriched, &Events(), D(9), Change::kChanged}));
  EXPECT_EQ(lineage.Summary(),
            "enriched tables read trusted.events 2025-09-09, which changed since");

  // Rebuilt with what is there now: current again.
  for (const TableId id : {TableId::kUserSessions, TableId::kUserJourney,
                           TableId::kGenrePerformance, TableId::kDeviceAnalytics}) {
    Commit(catalog::Get(id), D(10), "x\n", EnrichedInputsNow(D(10)));
  }
  EXPECT_FALSE(Check(D(10)).is_stale());

  // A users snapshot of day 10 appears: day 10's own events no longer check against day 9's
  // (trusted: users 9 would not be read now), and the enriched tables read users 10 now.
  Commit(Users(), D(10), "u1\nu2\n");
  lineage = Check(D(10));
  const std::vector<StaleInput> expected = {
      {catalog::Layer::kTrusted, &Users(), D(9), Change::kGone},
      {catalog::Layer::kEnriched, &Users(), D(10), Change::kAdded},
      {catalog::Layer::kEnriched, &Users(), D(9), Change::kGone},
  };
  EXPECT_EQ(lineage.stale, expected) << lineage.Summary();
  EXPECT_EQ(lineage.Summary(),
            "trusted events read trusted.users 2025-09-09, which would not be read now (and 2 "
            "more)");
}

TEST_F(LineageTest, AStaleEventsPartitionMakesTheDatesReadingItStale) {
  Commit(Users(), D(9), "u1\n");
  Commit(Events(), D(9), "e9\n");
  Commit(Events(), D(10), "e10\n", CheckInputsNow(D(10)));  // checked against users 9
  Commit(Users(), D(11), "u1\n");
  Commit(Events(), D(11), "e11\n", CheckInputsNow(D(11)));  // its own users
  Commit(catalog::Get(TableId::kUserSessions), D(11), "x\n", EnrichedInputsNow(D(11)));
  EXPECT_FALSE(Check(D(11)).is_stale());

  // Users of day 9 corrected: day 10's events were checked against the old ones.
  Commit(Users(), D(9), "u1\nu9\n");
  LineageCheck check(lock_.lake());
  auto trusted_10 = check.CheckTrusted(D(10));
  ASSERT_TRUE(trusted_10.ok());
  EXPECT_EQ(
      *trusted_10,
      (std::vector<StaleInput>{{catalog::Layer::kTrusted, &Users(), D(9), Change::kChanged}}));
  // Day 11 read day 10's events, which are stale themselves.
  const DateLineage lineage = Check(D(11));
  EXPECT_EQ(
      lineage.stale,
      (std::vector<StaleInput>{{catalog::Layer::kEnriched, &Events(), D(10), Change::kStaleInput}}))
      << lineage.Summary();

  auto later = check.DerivedDatesAfter(D(9));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(*later, (std::vector<Date>{D(10), D(11)}));
}

TEST_F(LineageTest, TheReportIsStaleWhenAnEnrichedTableItReadChanged) {
  Commit(Events(), D(9), "e9\n");
  for (const TableId id : kReportEnrichedTables) Commit(catalog::Get(id), D(9), "x\n");
  PublishedPartitions published(lock_.lake());
  auto inputs = ReportInputs(published, D(9));
  ASSERT_TRUE(inputs.ok());
  ASSERT_EQ(inputs->size(), 4u);  // three enriched tables, trusted events of day 9
  Commit(catalog::Get(TableId::kReport), D(9), "{}\n", *inputs);
  EXPECT_FALSE(Check(D(9)).is_stale());
  Commit(catalog::Get(TableId::kGenrePerformance), D(9), "y\n");
  const DateLineage lineage = Check(D(9));
  EXPECT_EQ(lineage.stale, (std::vector<StaleInput>{{catalog::Layer::kReports,
                                                     &catalog::Get(TableId::kGenrePerformance),
                                                     D(9), Change::kChanged}}));
}

// The history section of D's report reads every earlier report and earlier trusted
// counters: a rebuilt earlier report makes D's report stale, and so does an earlier date
// published after it.
TEST_F(LineageTest, TheReportIsStaleWhenAnEarlierReportItsHistoryReadChanged) {
  const TableDef& report = catalog::Get(TableId::kReport);
  Commit(Events(), D(9), "e9\n");
  Commit(report, D(9), "{\"q1\": 1}\n");
  Commit(Events(), D(10), "e10\n");
  for (const TableId id : kReportEnrichedTables) Commit(catalog::Get(id), D(10), "x\n");
  PublishedPartitions published(lock_.lake());
  auto inputs = ReportInputs(published, D(10));
  ASSERT_TRUE(inputs.ok());
  // Three enriched tables and trusted events of day 10; the report and trusted events of
  // day 9.
  ASSERT_EQ(inputs->size(), 6u);
  Commit(report, D(10), "{}\n", *inputs);
  EXPECT_FALSE(Check(D(10)).is_stale());

  Commit(report, D(9), "{\"q1\": 2}\n");
  EXPECT_EQ(Check(D(10)).stale,
            (std::vector<StaleInput>{{catalog::Layer::kReports, &report, D(9), Change::kChanged}}));
  Commit(report, D(9), "{\"q1\": 1}\n");
  EXPECT_FALSE(Check(D(10)).is_stale()) << "the same content again";

  Commit(catalog::TrustedTable(Table::kUsers), D(8), "u8\n");
  EXPECT_EQ(Check(D(10)).stale, (std::vector<StaleInput>{{catalog::Layer::kReports,
                                                          &catalog::TrustedTable(Table::kUsers),
                                                          D(8), Change::kAdded}}));
}

}  // namespace
}  // namespace streampro::pipeline
