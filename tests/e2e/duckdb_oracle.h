#pragma once

// The DuckDB SQL pipeline (tools/duckdb/pipeline.mjs over bench/duckdb/*.sql) as an
// independent oracle: the same SPEC run by another engine over the same landing files.

#include <string>

#include "streampro/status.h"

namespace streampro::testing {

/// Runs `node tools/duckdb/pipeline.mjs --landing <landing> --date <date> --out <out>`
/// (min_sessions 30) and returns the text of the report.json it writes (SPEC §6 keys plus
/// `q3.tested`, per-genre `avg_first_session_watch_seconds` and `rank`). `out` is created
/// if needed; the lake layers land under it. Fails with NotFound when DuckDB is not
/// installed (scripts/bootstrap --test) and IOError, carrying the runner's log, when the
/// run fails. Blocks until node exits; not thread-safe with respect to `out`.
Result<std::string> RunDuckDbPipeline(const std::string& landing, const std::string& date,
                                      const std::string& out);

}  // namespace streampro::testing
