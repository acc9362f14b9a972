#include "e2e/duckdb_oracle.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "common/file.h"

namespace streampro::testing {

namespace {

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace

Result<std::string> RunDuckDbPipeline(const std::string& landing, const std::string& date,
                                      const std::string& out) {
  const std::filesystem::path root = STREAMPRO_SOURCE_DIR;
  if (!std::filesystem::exists(root / "tools/duckdb/node_modules/@duckdb/node-api")) {
    return Status::NotFound("DuckDB is not installed: run scripts/bootstrap --test");
  }
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", out, ec.message()));
  const std::string log_path = (std::filesystem::path(out) / "duckdb_pipeline.log").string();
  const std::string command =
      fmt::format("node {} --landing {} --date {} --out {} >{} 2>&1",
                  ShellQuote((root / "tools/duckdb/pipeline.mjs").string()), ShellQuote(landing),
                  ShellQuote(date), ShellQuote(out), ShellQuote(log_path));
  const int exit_status = std::system(command.c_str());
  if (exit_status != 0) {
    auto log = ReadFileToString(log_path);
    return Status::IOError(fmt::format("DuckDB pipeline failed (status {}) on {}: {}", exit_status,
                                       landing, log.ok() ? *log : std::string("no log")));
  }
  return ReadFileToString((std::filesystem::path(out) / "report.json").string());
}

}  // namespace streampro::testing
