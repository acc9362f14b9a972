#pragma once

// The Q3 partial counts of one bucket (SPEC §5, §7). Internal to the enriched stage.

#include <span>

#include "enrich/enrich.h"
#include "enrich/sessions.h"
#include "streampro/batch.h"

namespace streampro::enrich::internal {

/// Adds every session to the Q3 counts of `partials`: the total, the drop-offs
/// (watch_seconds < 30) and the counts of its non-null segments (device_os, app_version,
/// and the pair when both are set). `events` is the batch the sessions were built from.
void AddSessionSegments(std::span<const Session> sessions, const RecordBatch& events,
                        Partials* partials);

}  // namespace streampro::enrich::internal
