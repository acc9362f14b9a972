#pragma once

// The `KEY=VALUE` files the test fixtures' scripts write ({build}/rgw/env, postgres/env,
// trino/env) for the tests to find their servers.

#include <fstream>
#include <map>
#include <string>

namespace streampro::testing {

/// Every `KEY=VALUE` line of the file at `path` (the first `=` splits; other lines are
/// skipped); empty when the file cannot be read.
inline std::map<std::string, std::string> ReadFixtureEnv(const std::string& path) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) values.emplace(line.substr(0, eq), line.substr(eq + 1));
  }
  return values;
}

/// The value of `key` in `env`, or "".
inline std::string FixtureValue(const std::map<std::string, std::string>& env,
                                const std::string& key) {
  const auto found = env.find(key);
  return found == env.end() ? std::string() : found->second;
}

}  // namespace streampro::testing
