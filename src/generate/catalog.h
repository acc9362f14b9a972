#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "generate/options.h"
#include "generate/random.h"
#include "generate/truth.h"

namespace streampro::generate {

inline constexpr std::string_view kTierNames[] = {"Free", "Basic", "Premium"};
inline constexpr std::string_view kAgeGroups[] = {"18-25", "26-35", "36-50", "50+"};
inline constexpr std::string_view kGenders[] = {"female", "male", "non-binary"};
inline constexpr std::string_view kAppVersions[] = {"4.1.0", "4.2.0", "4.2.1", "4.3.0"};
inline constexpr std::string_view kNetworkTypes[] = {"wifi", "cellular", "ethernet"};
inline constexpr std::string_view kCountries[] = {"US", "BR", "GB", "DE", "IN", "MX", "FR", "JP"};

struct DeviceRow {
  std::string device;
  std::string os;
  std::string model;
  std::string os_version;
};

struct VideoRow {
  std::string video_id;
  std::string title;
  int genre = 0;  ///< index into Catalog::genres
  int32_t duration_seconds = 0;
  std::string patent_id;
};

/// Everything about one user that the users file and the event simulation share.
/// Derived from (seed, user index) alone, so any thread can rebuild it.
struct UserProfile {
  int64_t index = 0;  ///< 0-based; the id is user_{index + 1}
  bool active = true;
  Date signup_date;
  uint8_t tier = 0;
  int8_t age_group = -1;  ///< -1: empty
  int8_t gender = -1;     ///< -1: empty
  uint8_t country = 0;
  bool has_account = true;
  uint32_t primary_device = 0;
  uint32_t ip_host = 0;
  int first_genre = 0;
  bool returns_within_3d = false;
  int32_t target_sessions = 0;
};

/// The dimension data of one generated landing set, and the planted signals.
class Catalog {
 public:
  static Catalog Make(const GeneratorOptions& options, const GeneratorPlan& plan);

  UserProfile Profile(int64_t user_index) const;

  const GeneratorOptions& options() const { return options_; }
  const GeneratorPlan& plan() const { return plan_; }
  const std::vector<std::string>& genres() const { return genres_; }
  const std::vector<VideoRow>& videos() const { return videos_; }
  const std::vector<DeviceRow>& devices() const { return devices_; }
  /// Videos of each genre (indices into videos()).
  const std::vector<int32_t>& VideosOfGenre(int genre) const { return videos_by_genre_[genre]; }

  /// The genre whose new users come back within 72 hours far more often.
  int planted_genre() const { return planted_genre_; }
  /// The device_os x app_version pair whose sessions drop off far more often.
  const std::string& planted_os() const { return planted_os_; }
  int planted_version() const { return planted_version_; }

  /// First instant of the activity window (UTC micros) and the end, exclusive.
  int64_t window_start_micros() const { return window_start_; }
  int64_t window_end_micros() const { return window_end_; }

  /// Probabilities (per million) the simulation plants.
  static constexpr uint32_t kReturnPlantedPpm = 900'000;
  static constexpr uint32_t kReturnOtherPpm = 300'000;
  static constexpr uint32_t kDropOffPlantedPpm = 700'000;
  static constexpr uint32_t kDropOffOtherPpm = 250'000;

 private:
  GeneratorOptions options_;
  GeneratorPlan plan_;
  std::vector<std::string> genres_;
  std::vector<VideoRow> videos_;
  std::vector<std::vector<int32_t>> videos_by_genre_;
  std::vector<DeviceRow> devices_;
  int planted_genre_ = 0;
  std::string planted_os_;
  int planted_version_ = 0;
  int64_t window_start_ = 0;
  int64_t window_end_ = 0;
};

/// One rendered CSV landing file and what was planted in it.
struct RenderedTable {
  std::string bytes;
  int64_t clean_rows = 0;
  KindCounts kinds;
};

RenderedTable RenderUsers(const Catalog& catalog);
RenderedTable RenderVideos(const Catalog& catalog);
RenderedTable RenderDevices(const Catalog& catalog);

/// Splits `total` planted records over `kinds`: one of each first when `at_least_one`,
/// the rest uniformly at random.
void DistributeKinds(Rng& rng, const std::vector<Kind>& kinds, int64_t total, bool at_least_one,
                     KindCounts* counts);

/// round(clean_rows * ppm / 1e6) in integers.
int64_t PlantedCount(int64_t clean_rows, uint32_t ppm);

}  // namespace streampro::generate
