// The SQL files of sql/trino as built into the binary, and their composition into
// statements (engines/trino/enriched_sql.h). Trino runs them in
// tests/engines/trino_enriched_sql_test.cpp.

#include "engines/trino/enriched_sql.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace streampro::engines::trino {
namespace {

constexpr EnrichedSql kAll[] = {EnrichedSql::kEvents,          EnrichedSql::kUserSessions,
                                EnrichedSql::kUserJourney,     EnrichedSql::kGenrePerformance,
                                EnrichedSql::kDeviceAnalytics, EnrichedSql::kReportInputs,
                                EnrichedSql::kNewestSnapshot};

std::string ReadRepositoryFile(std::string_view name) {
  std::ifstream in(std::string(STREAMPRO_SOURCE_DIR "/sql/trino/") + std::string(name),
                   std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// `sql` without its `--` comments (none of the files has `--` inside a literal).
std::string WithoutComments(const std::string& sql) {
  std::istringstream lines(sql);
  std::string line;
  std::string out;
  while (std::getline(lines, line)) out += line.substr(0, line.find("--")) + "\n";
  return out;
}

TEST(EnrichedSqlTest, BuiltInFilesAreTheRepositoryFiles) {
  for (const EnrichedSql file : kAll) {
    SCOPED_TRACE(SqlFileName(file));
    const std::string expected = ReadRepositoryFile(SqlFileName(file));
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(SqlFileText(file), expected);
  }
}

TEST(EnrichedSqlTest, ReplacesPlaceholdersInCodeNotInComments) {
  const auto sql = ReplacePlaceholders(
      "x.sql", "-- ${date} is D\nSELECT * FROM ${t} -- from ${t}\nWHERE d = DATE '${date}'\n",
      {{"date", "2025-09-10"}, {"t", "(SELECT 1)"}});
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  EXPECT_EQ(*sql,
            "-- ${date} is D\nSELECT * FROM (SELECT 1) -- from ${t}\nWHERE d = DATE "
            "'2025-09-10'\n");
  // A "--" inside a literal is text, not a comment.
  const auto literal = ReplacePlaceholders("x.sql", "SELECT '--', ${a}", {{"a", "1"}});
  ASSERT_TRUE(literal.ok());
  EXPECT_EQ(*literal, "SELECT '--', 1");
}

TEST(EnrichedSqlTest, PlaceholderErrorsNameFileAndLine) {
  const auto missing = ReplacePlaceholders("x.sql", "SELECT 1\nFROM ${nope}\n", {{"a", "1"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "x.sql:2: no value for the placeholder ${nope}");
  const auto open = ReplacePlaceholders("y.sql", "SELECT ${a", {{"a", "1"}});
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().message(), "y.sql:1: '${' without a closing '}'");
}

TEST(EnrichedSqlTest, ComposesEveryFileForADate) {
  const Date d = *ParseIsoDate("2025-09-10");
  for (const EnrichedInputs inputs : {EnrichedInputs::kComputed, EnrichedInputs::kTables}) {
    for (const EnrichedSql file : kAll) {
      SCOPED_TRACE(SqlFileName(file));
      if (file == EnrichedSql::kNewestSnapshot) continue;  // composed inside the others
      const auto sql = ComposeEnrichedSql(file, {d, 30, inputs});
      ASSERT_TRUE(sql.ok()) << sql.status().ToString();
      const std::string code = WithoutComments(*sql);
      EXPECT_EQ(code.find("${"), std::string::npos) << code;
      if (file != EnrichedSql::kGenrePerformance && file != EnrichedSql::kDeviceAnalytics) {
        EXPECT_NE(code.find("DATE '2025-09-10'"), std::string::npos) << code;
      }
    }
  }
  // Computed: only trusted tables are read; from tables: the partition D of the enriched.
  const auto computed = ComposeEnrichedSql(EnrichedSql::kGenrePerformance, {d});
  ASSERT_TRUE(computed.ok());
  EXPECT_EQ(computed->find("FROM user_"), std::string::npos);
  EXPECT_NE(computed->find("FROM trusted_events"), std::string::npos);
  // The newest snapshots <= D, by their tables' "$partitions".
  EXPECT_NE(
      computed->find("FROM \"trusted_users$partitions\"\n  WHERE \"partition\".ingestion_date "
                     "<= DATE '2025-09-10'"),
      std::string::npos)
      << *computed;
  EXPECT_NE(computed->find("FROM \"trusted_videos$partitions\""), std::string::npos);
  EXPECT_FALSE(ComposeEnrichedSql(EnrichedSql::kNewestSnapshot, {d}).ok());
  const auto from_tables =
      ComposeEnrichedSql(EnrichedSql::kGenrePerformance, {d, 30, EnrichedInputs::kTables});
  ASSERT_TRUE(from_tables.ok());
  EXPECT_NE(from_tables->find("FROM user_journey WHERE ingestion_date = DATE '2025-09-10'"),
            std::string::npos);
  EXPECT_EQ(from_tables->find("trusted_events"), std::string::npos);
  const auto segments =
      ComposeEnrichedSql(EnrichedSql::kDeviceAnalytics, {d, 7, EnrichedInputs::kTables});
  ASSERT_TRUE(segments.ok());
  EXPECT_NE(segments->find("sessions >= 7 AND"), std::string::npos);
}

// The Trino engine's staging tables: every row of the named table, no date filter (they
// hold D's rows only); a missing name is an error.
TEST(EnrichedSqlTest, NamedInputsReadTheNamedTables) {
  EnrichedSqlParams params;
  params.date = *ParseIsoDate("2025-09-10");
  params.inputs = EnrichedInputs::kNamed;
  params.user_sessions_table = "stage_sessions";
  params.user_journey_table = "stage_journey";
  const auto genres = ComposeEnrichedSql(EnrichedSql::kGenrePerformance, params);
  ASSERT_TRUE(genres.ok()) << genres.status().ToString();
  EXPECT_NE(genres->find("(SELECT * FROM stage_journey)"), std::string::npos) << *genres;
  EXPECT_EQ(genres->find("FROM user_journey"), std::string::npos);
  EXPECT_EQ(genres->find("trusted_events"), std::string::npos);
  const auto journey = ComposeEnrichedSql(EnrichedSql::kUserJourney, params);
  ASSERT_TRUE(journey.ok()) << journey.status().ToString();
  EXPECT_NE(journey->find("(SELECT * FROM stage_sessions)"), std::string::npos) << *journey;
  EXPECT_NE(journey->find("trusted_users"), std::string::npos);
  params.user_journey_table.clear();
  const auto missing = ComposeEnrichedSql(EnrichedSql::kGenrePerformance, params);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("${user_journey}"), std::string::npos)
      << missing.status().ToString();
}

TEST(EnrichedSqlTest, RefusesMinSessionsBelowOne) {
  const auto sql =
      ComposeEnrichedSql(EnrichedSql::kDeviceAnalytics, {*ParseIsoDate("2025-09-10"), 0});
  ASSERT_FALSE(sql.ok());
  EXPECT_NE(sql.status().message().find("at least 1, got 0"), std::string::npos);
}

}  // namespace
}  // namespace streampro::engines::trino
