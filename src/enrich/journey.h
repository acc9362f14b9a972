#pragma once

// User journeys (SPEC §4, §7) and the Q1/Q2 partial counts that follow from them.
// Internal to the enriched stage; EnrichBucket is the entry point.

#include <span>

#include "enrich/enrich.h"
#include "enrich/sessions.h"
#include "streampro/batch.h"
#include "streampro/status.h"

namespace streampro::enrich::internal {

/// 72 hours in microseconds: returned_within_3d holds when the second session starts at
/// most this long after the first (inclusive).
inline constexpr int64_t kReturnWindowMicros = int64_t{72} * 3600 * 1'000'000;

/// Appends one UserJourneySchema() row per row of `users` (trusted users schema, columns
/// found by name, any order), ordered by user_id, and adds the Q1 counts and the Q2
/// per-genre counts of those users to `partials`. `sessions` is BuildSessions' output for
/// the same bucket; sessions of users missing from `users` are skipped here.
Status AppendUserJourneys(std::span<const Session> sessions, const RecordBatch& users,
                          RecordBatch* out, Partials* partials);

}  // namespace streampro::enrich::internal
