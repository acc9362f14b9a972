#include "storage/s3/rgw_env.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "support/fixture_env.h"

namespace streampro::testing {
namespace {

constexpr std::string_view kRgwDir = STREAMPRO_RGW_DIR;
// S3's limit on bucket names.
constexpr size_t kMaxBucketName = 63;

// The gateway described by `{kRgwDir}/env`, or why there is none.
struct RgwEnv {
  RgwServer server;
  std::string error;
};

RgwEnv ReadRgwEnv() {
  const std::string path = fmt::format("{}/env", kRgwDir);
  const std::string how_to_start = fmt::format(
      "ctest starts the gateway for the tests that need it (fixture `rgw`); to run a test "
      "program by hand, start it first with `tests/storage/s3/rgw.sh start {0}` and stop it "
      "afterwards with `tests/storage/s3/rgw.sh stop {0}`",
      kRgwDir);
  if (!std::ifstream(path)) {
    return {
        {},
        fmt::format("{} not found: the S3 test gateway is not running. {}", path, how_to_start)};
  }
  const auto values = ReadFixtureEnv(path);
  RgwEnv env;
  env.server.endpoint = FixtureValue(values, "ENDPOINT");
  env.server.access_key = FixtureValue(values, "ACCESS_KEY");
  env.server.secret_key = FixtureValue(values, "SECRET_KEY");
  if (env.server.endpoint.empty() || env.server.access_key.empty() ||
      env.server.secret_key.empty()) {
    env = {{}, fmt::format("{} lacks ENDPOINT, ACCESS_KEY or SECRET_KEY. {}", path, how_to_start)};
  }
  return env;
}

const RgwEnv& CachedRgwEnv() {
  static const RgwEnv env = ReadRgwEnv();
  return env;
}

// `label` as the middle of a bucket name: lower-case letters, digits and single hyphens.
std::string BucketLabel(std::string_view label, size_t max_size) {
  std::string out;
  for (const char c : label) {
    if (out.size() == max_size) break;
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out.push_back(static_cast<char>(std::tolower(u)));
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? std::string("x") : out;
}

}  // namespace

const RgwServer& Rgw() {
  const RgwEnv& env = CachedRgwEnv();
  // Every test that asks fails, not only the first one.
  if (!env.error.empty()) ADD_FAILURE() << env.error;
  return env.server;
}

s3::S3Options RgwOptions() {
  const RgwServer& server = Rgw();
  s3::S3Options options;
  options.endpoint = server.endpoint;
  options.credentials.access_key_id = server.access_key;
  options.credentials.secret_access_key = server.secret_key;
  options.virtual_host = false;
  // Retries that prove themselves without slowing the suite down.
  options.base_backoff_ms = 50;
  options.max_backoff_ms = 1000;
  return options;
}

std::string NewBucket(std::string_view label) {
  static std::atomic<int> next{0};
  const std::string suffix = fmt::format("-{}-{}", ::getpid(), next++);
  const std::string name =
      fmt::format("t-{}{}", BucketLabel(label, kMaxBucketName - 2 - suffix.size()), suffix);
  if (!CachedRgwEnv().error.empty()) {
    ADD_FAILURE() << CachedRgwEnv().error;
    return name;
  }
  auto client = s3::S3Client::Make(RgwOptions());
  if (!client.ok()) {
    ADD_FAILURE() << "S3 client for the test gateway: " << client.status().ToString();
    return name;
  }
  const Status created = (*client)->CreateBucket(name);
  if (!created.ok()) ADD_FAILURE() << "creating bucket " << name << ": " << created.ToString();
  return name;
}

}  // namespace streampro::testing
