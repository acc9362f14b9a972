#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "generate/catalog.h"

namespace streampro::generate {

enum class EventName : uint8_t {
  kSessionStart,
  kPlay,
  kPause,
  kResume,
  kSeek,
  kWatchTime,
  kLike,
  kHeart,
  kSessionEnd,
  kError,
};
inline constexpr std::string_view kEventNames[] = {"session_start", "play",       "pause", "resume",
                                                   "seek",          "watch_time", "like",  "heart",
                                                   "session_end",   "error"};

/// One clean event, 32 bytes. Strings are rebuilt from ids when the line is written.
struct Event {
  int64_t timestamp_ms = 0;   ///< UTC milliseconds since the epoch
  uint32_t user = 0;          ///< 0-based user index
  uint32_t device = 0;        ///< index into Catalog::devices()
  int32_t video = -1;         ///< index into Catalog::videos(), -1 when absent
  int32_t value_halves = -1;  ///< value in half seconds, -1 when absent
  uint16_t session = 0;       ///< 1-based session number of the user, by start time
  uint16_t session_day = 0;   ///< 1-based day of the window the session starts on
  EventName name = EventName::kSessionStart;
  uint8_t app_version = 0;  ///< index into kAppVersions
  uint8_t network = 0;      ///< index into kNetworkTypes
};

inline constexpr std::string_view kOsNames[] = {"Android", "iOS", "Web"};
inline constexpr size_t kNumOs = std::size(kOsNames);
inline constexpr size_t kNumVersions = std::size(kAppVersions);
inline constexpr size_t kMaxGenres = 8;

/// What the clean data must yield under SPEC §4-5, tallied while it is simulated.
/// Dirty lines are always extra lines and kept variants keep the same instant, so these
/// are exactly the figures a correct pipeline computes for this landing set.
struct SimulationStats {
  int64_t users = 0;
  int64_t never_active = 0;
  int64_t sessions = 0;
  int64_t events = 0;
  int64_t first_session_reached_30s = 0;
  std::array<int64_t, kMaxGenres> new_users_by_genre{};
  std::array<int64_t, kMaxGenres> returned_by_genre{};
  /// [os][app_version]
  std::array<std::array<int64_t, kNumVersions>, kNumOs> sessions_by_segment{};
  std::array<std::array<int64_t, kNumVersions>, kNumOs> drop_offs_by_segment{};

  SimulationStats& operator+=(const SimulationStats& other);
};

/// Index of `os` in kOsNames.
size_t OsIndex(std::string_view os);

/// Simulates users [first_user, end_user): appends their events, sorted by timestamp
/// (ties keep user order), and adds their figures to `stats`.
void SimulateUsers(const Catalog& catalog, int64_t first_user, int64_t end_user,
                   std::vector<Event>* events, SimulationStats* stats);

}  // namespace streampro::generate
