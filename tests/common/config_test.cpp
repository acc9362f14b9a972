#include "common/config.h"

#include <gtest/gtest.h>

namespace streampro {
namespace {

TEST(ConfigTest, ParsesKeyValueLinesCommentsQuotesAndExport) {
  const auto config = Config::Parse(
      "# comment\n\nSTREAMPRO_LAKE_ROOT = /data/lake\r\nexport STREAMPRO_LANDING_DIR=\"in box\"\n"
      "MINIO_BUCKET='lake'\n",
      "test.env");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->Get("STREAMPRO_LAKE_ROOT"), "/data/lake");
  EXPECT_EQ(config->Get("STREAMPRO_LANDING_DIR"), "in box");
  EXPECT_EQ(config->Get("MINIO_BUCKET"), "lake");
  EXPECT_EQ(config->SourceOf("STREAMPRO_LANDING_DIR"), "test.env:4");
  EXPECT_EQ(config->GetOrDefault("STREAMPRO_THREADS"), "0");
  EXPECT_EQ(config->SourceOf("STREAMPRO_THREADS"), "default");
}

TEST(ConfigTest, ErrorsNameFileAndLine) {
  auto bad_line = Config::Parse("STREAMPRO_LAKE_ROOT=x\nnot a setting\n", "dev.env");
  ASSERT_FALSE(bad_line.ok());
  EXPECT_EQ(bad_line.status().message(), "dev.env:2: expected KEY=VALUE, got 'not a setting'");

  auto secret = Config::Parse("MINIO_SECRET_KEY wJalrXUtnFEMI\n", "dev.env");
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().message().find("wJalrXUtnFEMI"), std::string::npos);
  EXPECT_NE(secret.status().message().find("dev.env:1: expected KEY=VALUE"), std::string::npos);

  auto typo = Config::Parse("STREAMPRO_LAKE_ROTO=x\n", "dev.env");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().message(), "dev.env:1: unknown key 'STREAMPRO_LAKE_ROTO'");

  auto quote = Config::Parse("MINIO_BUCKET=\"lake\n", "dev.env");
  ASSERT_FALSE(quote.ok());
  EXPECT_NE(quote.status().message().find("dev.env:1: unterminated quote"), std::string::npos);

  auto key = Config::Parse("lower=1\n", "dev.env");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("dev.env:1:"), std::string::npos);
}

TEST(ConfigTest, EnvironmentOverridesTheFile) {
  auto config = Config::Parse("STREAMPRO_LAKE_ROOT=from-file\nSTREAMPRO_THREADS=2\n", "f.env");
  ASSERT_TRUE(config.ok());
  std::string a = "STREAMPRO_LAKE_ROOT=from-env", b = "HOME=/root", c = "AWS_REGION=eu-west-1";
  char* env[] = {a.data(), b.data(), c.data(), nullptr};
  ASSERT_TRUE(config->OverlayEnvironment(env).ok());
  EXPECT_EQ(config->Get("STREAMPRO_LAKE_ROOT"), "from-env");
  EXPECT_EQ(config->SourceOf("STREAMPRO_LAKE_ROOT"), "environment");
  EXPECT_EQ(config->Get("STREAMPRO_THREADS"), "2");
  EXPECT_EQ(config->Get("AWS_REGION"), "eu-west-1");
  EXPECT_FALSE(config->Get("HOME").has_value());
}

// LOCAL_DATA_PATH, the original system's name for the landing folder, is a known key: read
// from files and overlaid from the environment like STREAMPRO_LANDING_DIR.
TEST(ConfigTest, LocalDataPathIsReadFromFilesAndTheEnvironment) {
  auto config = Config::Parse("LOCAL_DATA_PATH=/from/file\n", "f.env");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->Get("LOCAL_DATA_PATH"), "/from/file");
  EXPECT_EQ(config->SourceOf("LOCAL_DATA_PATH"), "f.env:1");
  std::string a = "LOCAL_DATA_PATH=/from/env", b = "LOCAL_DATA_PATHS=/not/a/key";
  char* env[] = {a.data(), b.data(), nullptr};
  ASSERT_TRUE(config->OverlayEnvironment(env).ok());
  EXPECT_EQ(config->Get("LOCAL_DATA_PATH"), "/from/env");
  EXPECT_EQ(config->SourceOf("LOCAL_DATA_PATH"), "environment");
  EXPECT_FALSE(config->Get("LOCAL_DATA_PATHS").has_value());
}

TEST(ConfigTest, UnknownStreamProVariableInEnvironmentIsAnError) {
  Config config;
  std::string a = "STREAMPRO_LAKEROOT=x";
  char* env[] = {a.data(), nullptr};
  const Status st = config.OverlayEnvironment(env);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("STREAMPRO_LAKEROOT"), std::string::npos);
}

TEST(ConfigTest, IntegerValuesAreChecked) {
  auto config = Config::Parse("STREAMPRO_THREADS=four\n", "x.env");
  ASSERT_TRUE(config.ok());
  const auto threads = config->GetInt("STREAMPRO_THREADS");
  ASSERT_FALSE(threads.ok());
  EXPECT_EQ(threads.status().message(),
            "x.env:1: STREAMPRO_THREADS must be an integer, got 'four'");
}

TEST(ConfigTest, MissingFileIsNotFound) {
  const auto config = Config::LoadFile("/nonexistent/streampro.env");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kNotFound);
  EXPECT_NE(config.status().message().find("/nonexistent/streampro.env"), std::string::npos);
}

TEST(ConfigTest, ShippedConfigFilesParse) {
  for (const char* env : {"dev", "test", "prod"}) {
    const auto config =
        Config::LoadFile(std::string(STREAMPRO_SOURCE_DIR) + "/config/" + env + ".env");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_TRUE(config->Get("STREAMPRO_LAKE_ROOT").has_value()) << env;
    EXPECT_TRUE(config->GetInt("STREAMPRO_THREADS").ok()) << env;
  }
}

}  // namespace
}  // namespace streampro
