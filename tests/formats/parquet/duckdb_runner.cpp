#include "formats/parquet/duckdb_runner.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/temp_dir.h"

namespace streampro::parquet::testing_duckdb {

std::vector<std::string> RunDuckDb(const std::string& sql) {
  const std::filesystem::path root = STREAMPRO_SOURCE_DIR;
  if (!std::filesystem::exists(root / "tools/duckdb/node_modules/@duckdb/node-api")) {
    ADD_FAILURE() << "DuckDB not installed: run scripts/bootstrap --test";
    return {};
  }
  testing::TempDir dir;
  const std::string sql_path = dir / "query.sql";
  const std::string err_path = dir / "stderr.txt";
  std::ofstream(sql_path) << sql;
  const std::string command = "node '" + (root / "tools/duckdb/run-sql.mjs").string() + "' '" +
                              sql_path + "' 2>'" + err_path + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot start node for DuckDB";
    return {};
  }
  std::string out;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status != 0) {
    std::ifstream err(err_path);
    std::stringstream text;
    text << err.rdbuf();
    ADD_FAILURE() << "DuckDB failed (status " << status << "): " << text.str() << "\nSQL:\n"
                  << sql.substr(0, 4000);
    return {};
  }
  std::vector<std::string> lines;
  std::istringstream stream(out);
  std::string line;
  constexpr std::string_view kPrefix = "{\"l\":\"";
  while (std::getline(stream, line)) {
    if (line == "{\"l\":null}") {
      lines.emplace_back("NULL");
    } else if (line.rfind(kPrefix, 0) == 0 && line.size() >= kPrefix.size() + 2 &&
               line.compare(line.size() - 2, 2, "\"}") == 0) {
      lines.push_back(line.substr(kPrefix.size(), line.size() - kPrefix.size() - 2));
    } else {
      ADD_FAILURE() << "unexpected DuckDB output line: " << line;
    }
  }
  return lines;
}

}  // namespace streampro::parquet::testing_duckdb
