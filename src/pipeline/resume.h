#pragma once

// Resumable runs (`streampro backfill`, docs/operations.md): whether a published date must
// be built again.

#include <optional>
#include <string>

#include "common/date.h"
#include "pipeline/landing.h"
#include "pipeline/lineage.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// Why date D must be built again, or nullopt when it is published from the landing files
/// `inventory` holds now and is not stale:
///  - the report and every enriched table of D are published;
///  - every landing file taken for D is what the raw partition of its table holds: the same
///    name, size, modification time and ETag (as IngestRaw compares them), or else the same
///    name, size and SHA-256 (the landing file is then read once to hash it);
///  - D is not stale (pipeline/lineage.h).
/// A table with no landing file keeps its raw partition (as IngestRaw does): not a change.
Result<std::optional<std::string>> ReasonToBuild(LineageCheck& check,
                                                 const LandingInventory& inventory, Date date);

/// Whether D has anything to build from: a landing file taken for D, or a raw partition.
Result<bool> HasInputs(LineageCheck& check, const LandingInventory& inventory, Date date);

}  // namespace streampro::pipeline
