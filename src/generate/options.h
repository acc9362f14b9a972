#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/date.h"
#include "streampro/status.h"

namespace streampro::generate {

/// What `streampro generate` makes. Defaults reproduce the shape of the original sample.
struct GeneratorOptions {
  std::string out_dir;
  /// The ingestion date D in the file names; the activity window ends with this day.
  Date date = *ParseIsoDate("2025-09-09");
  /// Users in users_D.csv. Unset: 100, or derived from `events` when that is set.
  std::optional<int64_t> users;
  int64_t videos = 20;
  int64_t devices = 5;
  /// Length of the activity window in days.
  int32_t days = 5;
  uint64_t seed = 42;
  /// Target event count; the generator lands within a few percent of it.
  std::optional<int64_t> events;
  /// Share of extra records (dirty or oddly formatted) relative to clean records, 0..0.5.
  double dirty_rate = 0.02;
  /// Worker threads; 0 = one per core. The output does not depend on it.
  int threads = 0;

  Status Validate() const;
};

/// The concrete sizes a run uses, derived from the options.
struct GeneratorPlan {
  int64_t users = 0;
  /// Mean sessions per active user before the window trims them.
  int64_t sessions_per_user = 0;
  /// Integer form of dirty_rate used for all counts, in parts per million.
  uint32_t dirty_ppm = 0;
};

Result<GeneratorPlan> MakePlan(const GeneratorOptions& options);

/// Mean events one active user produces with the default 10 sessions (measured on the
/// generator itself; used to turn --events into a user count).
inline constexpr int64_t kEventsPerUserAtTenSessions = 140;

}  // namespace streampro::generate
