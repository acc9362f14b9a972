#include "generate/sessions.h"

#include <algorithm>
#include <array>

namespace streampro::generate {

namespace {

constexpr uint64_t kSaltSessions = 11;
constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
// Room kept at the end of the window for a whole session (at most ~6 minutes long).
constexpr int64_t kSessionRoomMs = 15 * kMinuteMs;

struct SessionPlan {
  int64_t start_ms;
  uint32_t device;
  uint8_t app_version;
  uint8_t network;
  bool drop_off;
  int genre;
};

// Splits `total_halves` into `parts` positive pieces at random cut points.
void SplitHalves(Rng& rng, int32_t total_halves, int parts, std::vector<int32_t>* pieces) {
  pieces->clear();
  std::array<int32_t, 16> cuts{};
  int n = 0;
  while (n < parts - 1) {
    const int32_t c = static_cast<int32_t>(rng.Between(1, total_halves - 1));
    if (std::find(cuts.begin(), cuts.begin() + n, c) == cuts.begin() + n) cuts[n++] = c;
  }
  std::sort(cuts.begin(), cuts.begin() + n);
  int32_t previous = 0;
  for (int i = 0; i < n; ++i) {
    pieces->push_back(cuts[i] - previous);
    previous = cuts[i];
  }
  pieces->push_back(total_halves - previous);
}

class UserSimulator {
 public:
  UserSimulator(const Catalog& catalog, std::vector<Event>* events, SimulationStats* stats)
      : catalog_(catalog), events_(events), stats_(stats) {}

  void Run(const UserProfile& profile) {
    ++stats_->users;
    if (!profile.active) {
      ++stats_->never_active;
      return;
    }
    Rng rng =
        Rng::For(catalog_.options().seed, kSaltSessions, static_cast<uint64_t>(profile.index));
    const std::vector<int64_t> starts = SessionStarts(rng, profile);
    for (size_t k = 0; k < starts.size(); ++k) {
      const SessionPlan plan = PlanSession(rng, profile, static_cast<int>(k), starts[k]);
      const int64_t watch_seconds = EmitSession(rng, profile, plan, static_cast<uint16_t>(k + 1));
      Tally(profile, plan, k, watch_seconds, starts);
    }
  }

 private:
  std::vector<int64_t> SessionStarts(Rng& rng, const UserProfile& profile) const {
    const int64_t w0 = catalog_.window_start_micros() / 1000;
    const int64_t last = catalog_.window_end_micros() / 1000 - kSessionRoomMs;
    std::vector<int64_t> starts;
    const int64_t first = w0 + rng.Between(0, std::min<int64_t>(kDayMs, (last - w0) / 4));
    starts.push_back(first);
    if (profile.target_sessions < 2) return starts;
    // The second session decides 72-hour retention, so its gap is drawn on the chosen
    // side of 72 h with a clear margin: 1-70 h for returners, 73 h or more otherwise.
    const int64_t low = first + (profile.returns_within_3d ? kHourMs : 73 * kHourMs);
    const int64_t high = profile.returns_within_3d ? std::min(first + 70 * kHourMs, last) : last;
    if (high < low) return starts;
    starts.push_back(rng.Between(low, high));
    for (int k = 2; k < profile.target_sessions; ++k) {
      const int64_t previous = starts.back();
      const int64_t left = profile.target_sessions - k;
      const int64_t mean_gap = (last - previous) / (left + 1);
      const int64_t gap = std::max(20 * kMinuteMs, rng.Between(mean_gap / 2, mean_gap * 3 / 2));
      if (previous + gap > last) break;
      starts.push_back(previous + gap);
    }
    return starts;
  }

  SessionPlan PlanSession(Rng& rng, const UserProfile& profile, int k, int64_t start_ms) const {
    SessionPlan plan;
    plan.start_ms = start_ms;
    const auto num_devices = catalog_.devices().size();
    plan.device = rng.Chance(850'000) ? profile.primary_device
                                      : static_cast<uint32_t>(rng.Below(num_devices));
    const uint64_t version_draw = rng.Below(100);
    plan.app_version = version_draw < 20 ? 0 : version_draw < 50 ? 1 : version_draw < 75 ? 2 : 3;
    const uint64_t network_draw = rng.Below(100);
    plan.network = network_draw < 60 ? 0 : network_draw < 90 ? 1 : 2;
    const bool planted = catalog_.devices()[plan.device].os == catalog_.planted_os() &&
                         plan.app_version == catalog_.planted_version();
    plan.drop_off = rng.Chance(planted ? Catalog::kDropOffPlantedPpm : Catalog::kDropOffOtherPpm);
    plan.genre =
        k == 0 ? profile.first_genre : static_cast<int>(rng.Below(catalog_.genres().size()));
    return plan;
  }

  // Writes the session's events; returns its watch seconds.
  int64_t EmitSession(Rng& rng, const UserProfile& profile, const SessionPlan& plan,
                      uint16_t session) {
    Event base;
    base.user = static_cast<uint32_t>(profile.index);
    base.device = plan.device;
    base.session = session;
    base.session_day =
        static_cast<uint16_t>((plan.start_ms - catalog_.window_start_micros() / 1000) / kDayMs + 1);
    base.app_version = plan.app_version;
    base.network = plan.network;
    int64_t t = plan.start_ms;
    auto emit = [&](EventName name, int32_t video, int32_t value_halves) {
      Event e = base;
      e.timestamp_ms = t;
      e.name = name;
      e.video = video;
      e.value_halves = value_halves;
      events_->push_back(e);
      t += rng.Between(3000, 7000);
    };

    const auto& genre_videos = catalog_.VideosOfGenre(plan.genre);
    const int32_t primary = genre_videos[rng.Below(genre_videos.size())];
    const bool has_secondary = rng.Chance(300'000);
    const int32_t secondary = static_cast<int32_t>(rng.Below(catalog_.videos().size()));
    const int64_t total =
        plan.drop_off ? (rng.Chance(250'000) ? 0 : rng.Between(1, 29)) : rng.Between(30, 1500);
    // The secondary video always gets strictly less watch time, so the session's genre
    // (most watch seconds) is the primary video's genre.
    const int64_t secondary_watch =
        has_secondary && total >= 3 ? rng.Between(1, (total - 1) / 2) : 0;
    const int64_t watch[2] = {total - secondary_watch, secondary_watch};
    const int32_t videos[2] = {primary, secondary};

    emit(EventName::kSessionStart, -1, -1);
    for (int v = 0; v < (has_secondary ? 2 : 1); ++v) {
      const int32_t video = videos[v];
      emit(EventName::kPlay, video, -1);
      if (watch[v] > 0) {
        const int32_t halves = static_cast<int32_t>(watch[v] * 2);
        const int parts = static_cast<int>(std::min<int64_t>(halves, rng.Between(4, 10)));
        SplitHalves(rng, halves, parts, &pieces_);
        for (int32_t piece : pieces_) {
          emit(EventName::kWatchTime, video, piece);
          if (rng.Chance(120'000)) {
            emit(EventName::kPause, video, -1);
            if (rng.Chance(600'000)) emit(EventName::kResume, video, -1);
          }
          if (rng.Chance(50'000)) {
            const int32_t duration = catalog_.videos()[video].duration_seconds;
            emit(EventName::kSeek, video, static_cast<int32_t>(rng.Between(0, duration * 2)));
          }
        }
      }
      if (rng.Chance(120'000)) emit(EventName::kLike, video, -1);
      if (rng.Chance(80'000)) emit(EventName::kHeart, video, -1);
    }
    if (rng.Chance(20'000)) emit(EventName::kError, -1, -1);
    if (rng.Chance(950'000)) emit(EventName::kSessionEnd, -1, -1);
    return total;
  }

  void Tally(const UserProfile& profile, const SessionPlan& plan, size_t k, int64_t watch_seconds,
             const std::vector<int64_t>& starts) {
    ++stats_->sessions;
    const size_t os = OsIndex(catalog_.devices()[plan.device].os);
    ++stats_->sessions_by_segment[os][plan.app_version];
    if (watch_seconds < 30) ++stats_->drop_offs_by_segment[os][plan.app_version];
    if (k != 0) return;
    if (watch_seconds >= 30) ++stats_->first_session_reached_30s;
    ++stats_->new_users_by_genre[profile.first_genre];
    if (starts.size() >= 2 && starts[1] - starts[0] <= 72 * kHourMs) {
      ++stats_->returned_by_genre[profile.first_genre];
    }
  }

  const Catalog& catalog_;
  std::vector<Event>* events_;
  SimulationStats* stats_;
  std::vector<int32_t> pieces_;
};

}  // namespace

SimulationStats& SimulationStats::operator+=(const SimulationStats& other) {
  users += other.users;
  never_active += other.never_active;
  sessions += other.sessions;
  events += other.events;
  first_session_reached_30s += other.first_session_reached_30s;
  for (size_t g = 0; g < kMaxGenres; ++g) {
    new_users_by_genre[g] += other.new_users_by_genre[g];
    returned_by_genre[g] += other.returned_by_genre[g];
  }
  for (size_t o = 0; o < kNumOs; ++o) {
    for (size_t v = 0; v < kNumVersions; ++v) {
      sessions_by_segment[o][v] += other.sessions_by_segment[o][v];
      drop_offs_by_segment[o][v] += other.drop_offs_by_segment[o][v];
    }
  }
  return *this;
}

size_t OsIndex(std::string_view os) {
  for (size_t i = 0; i < kNumOs; ++i) {
    if (kOsNames[i] == os) return i;
  }
  return 0;
}

void SimulateUsers(const Catalog& catalog, int64_t first_user, int64_t end_user,
                   std::vector<Event>* events, SimulationStats* stats) {
  const size_t first_event = events->size();
  UserSimulator simulator(catalog, events, stats);
  for (int64_t u = first_user; u < end_user; ++u) simulator.Run(catalog.Profile(u));
  std::stable_sort(events->begin() + static_cast<std::ptrdiff_t>(first_event), events->end(),
                   [](const Event& a, const Event& b) { return a.timestamp_ms < b.timestamp_ms; });
  stats->events += static_cast<int64_t>(events->size() - first_event);
}

}  // namespace streampro::generate
