#include "engines/trino_support.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>

#include "iceberg/postgres_env.h"
#include "support/fixture_env.h"

namespace streampro::testing {

const std::string& TrinoServer() {
  static const std::string server =
      FixtureValue(ReadFixtureEnv(STREAMPRO_TRINO_DIR "/env"), "SERVER");
  if (server.empty()) {
    ADD_FAILURE() << STREAMPRO_TRINO_DIR
        "/env is missing: run the tests through ctest, which "
        "starts Trino (tests/engines/trino.sh), after scripts/install-engines";
  }
  return server;
}

std::map<std::string, std::string> TrinoEngineEnv() {
  const std::string& server = TrinoServer();
  const size_t colon = server.rfind(':');
  return {{"STREAMPRO_CATALOG", Postgres().uri},
          {"TRINO_HOST", server.substr(0, colon)},
          {"TRINO_PORT", colon == std::string::npos ? "" : server.substr(colon + 1)}};
}

std::unique_ptr<engines::trino::Client> MakeClient(const std::string& schema,
                                                   const std::string& catalog) {
  engines::trino::ClientOptions options;
  options.server = TrinoServer();
  options.catalog = catalog;
  options.schema = schema;
  options.statement_timeout = std::chrono::minutes(3);
  auto client = engines::trino::Client::Make(options);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(client).value() : nullptr;
}

std::vector<std::vector<engines::trino::Value>> Query(engines::trino::Client& client,
                                                      const std::string& sql) {
  auto result = client.Execute(sql);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? result->rows : std::vector<std::vector<engines::trino::Value>>{};
}

std::string Cell(const engines::trino::Value& value) {
  return value.value_or("null");
}

double CellDouble(const engines::trino::Value& value) {
  return value ? std::stod(*value) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace streampro::testing
