// Runs the real `streampro` binary and checks what a person sees: help, one-line errors,
// exit codes.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "cli.h"
#include "common/file.h"
#include "support/temp_dir.h"

namespace streampro {
namespace {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `env` is a prefix of NAME=value assignments for the command.
RunResult RunStreampro(const std::string& args, const std::string& env = "") {
  testing::TempDir dir;
  const std::string command = env + " " + std::string(STREAMPRO_BINARY) + " " + args + " >" +
                              (dir / "out") + " 2>" + (dir / "err") + " </dev/null";
  const int status = std::system(command.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = testing::ReadOrDie(dir / "out");
  r.err = testing::ReadOrDie(dir / "err");
  return r;
}

// A usage error is exactly one line on stderr, starting with "streampro: error:".
void ExpectOneLineError(const RunResult& r, int exit_code, const std::string& fragment) {
  EXPECT_EQ(r.exit_code, exit_code) << r.err;
  EXPECT_EQ(r.err.rfind("streampro: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
}

TEST(CliTest, EverySubcommandHasHelpWithTheCommonOptions) {
  for (const char* command :
       {"generate", "pipeline", "to-raw", "to-trusted", "to-enriched", "report"}) {
    const RunResult r = RunStreampro(std::string(command) + " --help");
    EXPECT_EQ(r.exit_code, 0) << command;
    for (const char* option : {"--env", "--ingestion-date", "--config"}) {
      EXPECT_NE(r.out.find(option), std::string::npos) << command << " lacks " << option;
    }
  }
  const RunResult top = RunStreampro("--help");
  EXPECT_EQ(top.exit_code, 0);
  for (const char* command :
       {"generate", "pipeline", "to-raw", "to-trusted", "to-enriched", "report"}) {
    EXPECT_NE(top.out.find(command), std::string::npos) << command;
  }
}

TEST(CliTest, UnknownOptionIsAOneLineError) {
  ExpectOneLineError(RunStreampro("pipeline --ingestion-date 2025-09-09 --bogus"), 2, "--bogus");
  ExpectOneLineError(RunStreampro("frobnicate"), 2, "frobnicate");
}

TEST(CliTest, BadDatesAreOneLineErrors) {
  ExpectOneLineError(RunStreampro("pipeline --ingestion-date 2025-02-30"), 2, "2025-02-30");
  ExpectOneLineError(RunStreampro("to-raw --ingestion-date 09/09/2025"), 2, "09/09/2025");
  ExpectOneLineError(RunStreampro("generate --out /tmp/x --date 2025-9-9"), 2, "2025-9-9");
}

TEST(CliTest, MissingOrWrongValuesAreOneLineErrors) {
  ExpectOneLineError(RunStreampro("pipeline"), 2, "--ingestion-date");
  ExpectOneLineError(RunStreampro(""), 2, "no command given");
  ExpectOneLineError(RunStreampro("pipeline --ingestion-date 2025-09-09 --env staging"), 2,
                     "staging");
  ExpectOneLineError(RunStreampro("generate"), 2, "--out");
  testing::TempDir dir;
  ExpectOneLineError(RunStreampro("generate --out " + dir.path() + " --videos 2"), 2, "--videos");
}

// README.md: 0 success, 1 bad input or I/O, 2 bad usage or settings, 70 internal error.
TEST(CliTest, ExitCodeForEveryStatusCode) {
  EXPECT_EQ(cli::ExitCodeFor(Status::OK()), 0);
  EXPECT_EQ(cli::ExitCodeFor(Status::InvalidArgument("bad --threads")), 2);
  EXPECT_EQ(cli::ExitCodeFor(Status::NotFound("no such file")), 1);
  EXPECT_EQ(cli::ExitCodeFor(Status::IOError("disk full")), 1);
  EXPECT_EQ(cli::ExitCodeFor(Status::InvalidData("bad manifest")), 1);
  // A Parquet file using a feature the reader lacks is input we cannot read.
  EXPECT_EQ(cli::ExitCodeFor(Status::NotImplemented("dictionary pages")), 1);
  // A broken invariant is the program's fault, never bad usage.
  EXPECT_EQ(cli::ExitCodeFor(Status::Internal("counter invariant broken")), 70);
  // Ctrl-C or SIGTERM, stopped cleanly: 128 + SIGINT, as a shell reports a Ctrl-C.
  EXPECT_EQ(cli::ExitCodeFor(Status::Cancelled("interrupted by SIGINT")), 130);
}

TEST(CliTest, CorruptManifestIsBadInputNamingTheFile) {
  testing::TempDir lake;
  const std::string common = fmt::format("--ingestion-date 2025-09-09 --lake {}", lake.path());
  for (const char* stage : {"to-raw", "to-trusted"}) {
    const RunResult r = RunStreampro(fmt::format("{} {}", stage, common));
    ASSERT_EQ(r.exit_code, 0) << stage << ": " << r.err;
  }
  const std::string manifest = lake / "trusted/events/ingestion_date=2025-09-09/_manifest.json";
  std::string text = testing::ReadOrDie(manifest);
  const size_t at = text.find("\"buckets\": \"");
  ASSERT_NE(at, std::string::npos) << text;
  const size_t value = at + std::string("\"buckets\": \"").size();
  text.replace(value, text.find('"', value) - value, "12x");
  ASSERT_TRUE(WriteFileAtomically(manifest, text).ok());
  ExpectOneLineError(RunStreampro("to-enriched " + common), 1, "_manifest.json");
  const RunResult r = RunStreampro("to-enriched " + common);
  EXPECT_NE(r.err.find("buckets"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("12x"), std::string::npos) << r.err;
}

TEST(CliTest, ConfigProblemsNameTheFile) {
  ExpectOneLineError(
      RunStreampro("pipeline --ingestion-date 2025-09-09 --config /nonexistent/x.env"), 1,
      "/nonexistent/x.env");
  testing::TempDir dir;
  ASSERT_TRUE(
      WriteFileAtomically(dir / "bad.env", "STREAMPRO_LAKE_ROOT=x\nSTREAMPRO_NOPE=1\n").ok());
  ExpectOneLineError(
      RunStreampro("pipeline --ingestion-date 2025-09-09 --config " + (dir / "bad.env")), 2,
      "bad.env:2: unknown key 'STREAMPRO_NOPE'");
}

TEST(CliTest, PipelineRunsTheBundledSampleAndAnswers) {
  testing::TempDir lake;
  const RunResult r = RunStreampro(
      fmt::format("pipeline --env dev --ingestion-date 2025-09-09 --lake {}", lake.path()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"users_2025-09-09.csv", "videos_2025-09-09.csv",
                           "devices_2025-09-09.csv", "events_2025-09-09.jsonl"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  }
  EXPECT_NE(r.out.find("skipped  truth.json"), std::string::npos) << r.out;
  // The three answers (truth.json: 70 of 96 new users reached 30 s; Action is planted).
  EXPECT_NE(r.out.find("72.9% of 96 new users"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Action retains best"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Android x 4.3.0"), std::string::npos) << r.out;
  for (const char* stage :
       {"stage to-raw ", "stage to-trusted ", "stage to-enriched ", "stage report "}) {
    EXPECT_NE(r.err.find(stage), std::string::npos) << r.err;
  }

  const RunResult other_day =
      RunStreampro(fmt::format("pipeline --ingestion-date 2025-09-10 --lake {}", lake.path()));
  EXPECT_EQ(other_day.exit_code, 0) << other_day.err;
  EXPECT_NE(other_day.out.find("dated 2025-09-09, not 2025-09-10"), std::string::npos);
  EXPECT_NE(other_day.out.find("this run has no new events"), std::string::npos);
}

TEST(CliTest, LandingFolderFromOptionOrEnvironmentIsUsedAndAMissingOneNamed) {
  testing::TempDir lake;
  ExpectOneLineError(RunStreampro(fmt::format(
                         "pipeline --ingestion-date 2025-09-09 --landing /nonexistent/landing "
                         "--lake {}",
                         lake.path())),
                     1, "/nonexistent/landing");
  // prod's landing folder does not exist here; the lake is not touched before that is known.
  ExpectOneLineError(RunStreampro(fmt::format(
                         "pipeline --ingestion-date 2025-09-09 --env prod --lake {}", lake.path())),
                     1, "/srv/streampro/landing");
  const RunResult r = RunStreampro(
      fmt::format("to-raw --ingestion-date 2025-09-09 --env prod --landing data/landing --lake {}",
                  lake.path()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectOneLineError(
      RunStreampro("pipeline --ingestion-date 2025-09-09 --env prod --config config/dev.env "
                   "--landing /nonexistent/from-flag"),
      1, "/nonexistent/from-flag");
}

TEST(CliTest, StagesRunOneByOneAndSayWhatIsMissing) {
  testing::TempDir lake;
  const std::string common = fmt::format("--ingestion-date 2025-09-09 --lake {}", lake.path());
  ExpectOneLineError(RunStreampro("report " + common), 1, "to-enriched");
  for (const char* stage : {"to-raw", "to-trusted", "to-enriched"}) {
    const RunResult r = RunStreampro(fmt::format("{} {}", stage, common));
    EXPECT_EQ(r.exit_code, 0) << stage << ": " << r.err;
  }
  const RunResult json = RunStreampro("report --format json " + common);
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.front(), '{') << json.out;
  EXPECT_NE(json.out.find("\"new_users\": 96"), std::string::npos) << json.out;
  EXPECT_EQ(json.out, testing::ReadOrDie(lake / "reports/ingestion_date=2025-09-09/report.json"));
}

TEST(CliTest, GenerateWritesTheLandingSetAndSummarises) {
  testing::TempDir dir;
  const RunResult r =
      RunStreampro("generate --out " + dir.path() + " --users 50 --seed 3 --date 2025-01-31");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "events_2025-01-31.jsonl"));
  EXPECT_TRUE(std::filesystem::exists(dir / "truth.json"));
  EXPECT_NE(r.out.find("MB/s"), std::string::npos);
  EXPECT_NE(r.out.find("50 users"), std::string::npos) << r.out;
}

// --ingestion_date: how the original system's users type the option.
TEST(CliTest, IngestionDateAcceptsTheUnderscoreSpelling) {
  for (const char* command :
       {"pipeline", "to-raw", "to-trusted", "to-enriched", "report", "generate"}) {
    const RunResult help = RunStreampro(std::string(command) + " --help");
    EXPECT_NE(help.out.find("--ingestion_date"), std::string::npos) << command << help.out;
  }
  testing::TempDir lake;
  const RunResult r = RunStreampro(fmt::format(
      "to-raw --env dev --ingestion_date 2025-09-09 --lake {} --landing tests/golden/multi_date",
      lake.path()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Landing tests/golden/multi_date for ingestion date 2025-09-09"),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(std::filesystem::exists(
      lake / "raw/events/ingestion_date=2025-09-09/events_2025-09-09.jsonl"));
  ExpectOneLineError(RunStreampro("pipeline --ingestion_date 2025-02-30"), 2, "2025-02-30");
}

// LOCAL_DATA_PATH names the landing folder as STREAMPRO_LANDING_DIR does. When both are set,
// the environment wins over a settings file, and STREAMPRO_LANDING_DIR wins over
// LOCAL_DATA_PATH from the same place.
TEST(CliTest, LocalDataPathIsAnAliasOfTheLandingFolder) {
  const auto landing = [](const std::string& file, std::vector<std::string> variables) {
    auto config = Config::Parse(file, "f.env");
    if (!config.ok()) return config.status().ToString();
    std::vector<char*> env;
    for (std::string& variable : variables) env.push_back(variable.data());
    env.push_back(nullptr);
    if (!config->OverlayEnvironment(env.data()).ok()) return std::string("<overlay failed>");
    return cli::LandingDirSetting(*config);
  };
  EXPECT_EQ(landing("", {}), "data/landing");
  EXPECT_EQ(landing("LOCAL_DATA_PATH=/a\n", {}), "/a");
  EXPECT_EQ(landing("", {"LOCAL_DATA_PATH=/a"}), "/a");
  EXPECT_EQ(landing("LOCAL_DATA_PATH=/a\nSTREAMPRO_LANDING_DIR=/b\n", {}), "/b");
  EXPECT_EQ(landing("", {"LOCAL_DATA_PATH=/a", "STREAMPRO_LANDING_DIR=/b"}), "/b");
  EXPECT_EQ(landing("STREAMPRO_LANDING_DIR=/b\n", {"LOCAL_DATA_PATH=/a"}), "/a");
  EXPECT_EQ(landing("LOCAL_DATA_PATH=/a\n", {"STREAMPRO_LANDING_DIR=/b"}), "/b");
  EXPECT_EQ(landing("STREAMPRO_LANDING_DIR=/b\n", {"LOCAL_DATA_PATH="}), "/b");

  // Through the binary: config/dev.env sets STREAMPRO_LANDING_DIR=data/landing, the
  // environment's LOCAL_DATA_PATH wins over it.
  testing::TempDir lake;
  const std::string args =
      fmt::format("to-raw --env dev --ingestion-date 2025-09-10 --lake {}", lake.path());
  const RunResult alias = RunStreampro(args, "LOCAL_DATA_PATH=tests/golden/multi_date");
  EXPECT_EQ(alias.exit_code, 0) << alias.err;
  EXPECT_NE(alias.out.find("Landing tests/golden/multi_date for ingestion date 2025-09-10"),
            std::string::npos)
      << alias.out;
  EXPECT_TRUE(std::filesystem::exists(
      lake / "raw/events/ingestion_date=2025-09-10/events_2025-09-10.jsonl"));
  ExpectOneLineError(RunStreampro(args, "LOCAL_DATA_PATH=/nonexistent/local-data-path"), 1,
                     "/nonexistent/local-data-path");
  const RunResult both = RunStreampro(
      args, "LOCAL_DATA_PATH=/nonexistent/local-data-path STREAMPRO_LANDING_DIR=data/landing");
  EXPECT_EQ(both.exit_code, 0) << both.err;
  EXPECT_NE(both.out.find("Landing data/landing for"), std::string::npos) << both.out;
}

}  // namespace
}  // namespace streampro
