#pragma once

// What the report of D says about the dates before it: the history section of report.json
// and report.html (docs/report.md).

#include <vector>

#include "common/date.h"
#include "lake/lake.h"
#include "report/report.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// The counters of D's landing files as the trusted manifests of D record them, one entry
/// per landing table (users, videos, devices, events); a table without a trusted partition
/// for D has no file and zero counts.
Result<std::vector<report::TableCounts>> TrustedTableCounts(const lake::Lake& lake, Date date);

/// The history of `current` (the report of D being built): one point for every date before
/// D that has a trusted partition or a published report, ascending, each with the answers
/// its own report.json states and the counters of its trusted manifests; then D's own
/// point. An earlier report.json that does not parse, or names another date, is InvalidData
/// naming the file. Reads up to `threads` dates at a time.
Result<std::vector<report::HistoryPoint>> ReadReportHistory(const lake::Lake& lake,
                                                            const report::Report& current,
                                                            int threads);

}  // namespace streampro::pipeline
