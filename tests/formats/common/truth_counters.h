#pragma once

// Test-only helpers: the counters truth.json promises, and running the generator binary.

#include <fmt/format.h>
#include <simdjson.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "common/file_counters.h"
#include "support/temp_dir.h"

namespace streampro::testing {

/// `expected.tables.<table>` of a truth.json as FileCounters; aborts the test on a bad file.
inline FileCounters ExpectedCounters(const std::string& truth_path, std::string_view table) {
  simdjson::dom::parser parser;
  simdjson::padded_string json = simdjson::padded_string::load(truth_path).value();
  simdjson::dom::element t = parser.parse(json)["expected"]["tables"][table].value();
  FileCounters c;
  c.rows_in = t["rows_in"].get_int64().value();
  c.rows_kept = t["rows_kept"].get_int64().value();
  c.rows_rejected = t["rows_rejected"].get_int64().value();
  c.rows_duplicate = t["rows_duplicate"].get_int64().value();
  const simdjson::dom::object reasons = t["rejected_by_reason"].get_object().value();
  for (auto [name, count] : reasons) {
    const auto reason = RejectReasonFromName(name);
    if (!reason) std::abort();
    c.rejected_by_reason[static_cast<size_t>(*reason)] = count.get_int64().value();
  }
  return c;
}

/// Runs `streampro generate --out DIR <args>`; true on success.
inline bool RunGenerator(const std::string& out_dir, const std::string& args) {
  const std::string command = fmt::format("{} generate --out {} {} >{}/generate.log 2>&1",
                                          STREAMPRO_BINARY, out_dir, args, out_dir);
  return std::system(command.c_str()) == 0;
}

/// Counters as "rows_in=.. kept=.. rejected=.. duplicate=.. {reason: n}" for messages.
inline std::string Describe(const FileCounters& c) {
  std::string out = fmt::format("rows_in={} kept={} rejected={} duplicate={}", c.rows_in,
                                c.rows_kept, c.rows_rejected, c.rows_duplicate);
  for (const auto& [name, count] : c.RejectedByReasonMap())
    out += fmt::format(" {}={}", name, count);
  return out;
}

}  // namespace streampro::testing
