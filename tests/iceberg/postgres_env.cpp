#include "iceberg/postgres_env.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include "e2e/e2e_support.h"
#include "support/fixture_env.h"

namespace streampro::testing {

const PostgresServer& Postgres() {
  static const PostgresServer server = [] {
    const auto env = ReadFixtureEnv(STREAMPRO_POSTGRES_DIR "/env");
    return PostgresServer{FixtureValue(env, "PORT"), FixtureValue(env, "URI"),
                          FixtureValue(env, "PSQL")};
  }();
  if (server.uri.empty()) {
    ADD_FAILURE() << STREAMPRO_POSTGRES_DIR
        "/env is missing: run the tests through ctest, which starts PostgreSQL "
        "(tests/iceberg/postgres.sh), after scripts/bootstrap --test";
  }
  return server;
}

void EmptyIcebergCatalog() {
  const std::string& uri = Postgres().uri;
  if (uri.empty()) return;
  Psql(uri.substr(uri.rfind('/') + 1),
       "DROP TABLE IF EXISTS iceberg_tables, iceberg_namespace_properties");
}

std::vector<std::string> Psql(const std::string& database, const std::string& sql) {
  const PostgresServer& server = Postgres();
  const e2e::RunResult run = e2e::RunProgram(
      {server.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-P", "null=NULL", "-h",
       "127.0.0.1", "-p", server.port, "-U", "streampro", "-d", database, "-c", sql});
  EXPECT_EQ(run.exit_code, 0) << sql << "\n" << run.err;
  std::vector<std::string> rows;
  std::istringstream lines(run.out);
  std::string line;
  while (std::getline(lines, line)) rows.push_back(line);
  return rows;
}

std::string NewPostgresDatabase() {
  static std::atomic<int> counter{0};
  const std::string name = fmt::format("test_{}_{}", ::getpid(), counter++);
  Psql("postgres", fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name));
  Psql("postgres", fmt::format("CREATE DATABASE {}", name));
  return name;
}

std::string PostgresUri(const std::string& database) {
  return fmt::format("postgresql://streampro@127.0.0.1:{}/{}", Postgres().port, database);
}

}  // namespace streampro::testing
