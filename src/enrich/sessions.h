#pragma once

// Sessions of one bucket of events (SPEC §4, §7): grouping, watch seconds, genre,
// attributes and numbering. Internal to the enriched stage; EnrichBucket is the entry point.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "common/hash.h"
#include "enrich/enrich.h"
#include "streampro/batch.h"
#include "streampro/status.h"

namespace streampro::enrich::internal {

/// One session. The string views point into the events batch (user_id, session_id) and
/// into VideoGenres or kUnknownGenre (genre): both must outlive the session.
struct Session {
  std::string_view user_id;
  std::string_view session_id;
  int64_t start = 0;  ///< microseconds since the epoch, UTC
  int64_t end = 0;
  int64_t event_count = 0;
  double watch_seconds = 0;
  std::string_view genre;
  /// Row of the session's earliest event (ties: event_name, then input order); its
  /// device_os, app_version, device, network_type and country are the session's.
  int64_t attribute_row = 0;
  int32_t number = 0;  ///< 1-based, per user, by (start, session_id)

  bool reached_30s() const { return watch_seconds >= 30; }
};

/// The sessions of `events` (EnrichEventsSchema(), any row order), ordered by user_id
/// (byte order) and then by session number. InvalidArgument when the schema differs.
Result<std::vector<Session>> BuildSessions(const RecordBatch& events, const VideoGenres& genres);

/// Appends one UserSessionsSchema() row per session, in the order given (sessions of a
/// user must be consecutive and numbered 1, 2, ...). `events` is the batch the sessions
/// were built from.
void AppendUserSessions(std::span<const Session> sessions, const RecordBatch& events,
                        RecordBatch* out);

/// A pair of string views (user and session, or os and version) as a hash-map key.
using ViewPair = std::pair<std::string_view, std::string_view>;
struct ViewPairHash {
  size_t operator()(const ViewPair& key) const {
    return HashCombine(std::hash<std::string_view>{}(key.first),
                       std::hash<std::string_view>{}(key.second));
  }
};

/// `diff_us` microseconds in hours, the one conversion every `hours_*` column uses.
inline double MicrosToHours(int64_t diff_us) {
  return static_cast<double>(diff_us) / 3.6e9;
}

/// `diff_us` microseconds in seconds.
inline double MicrosToSeconds(int64_t diff_us) {
  return static_cast<double>(diff_us) / 1e6;
}

}  // namespace streampro::enrich::internal
