#include "generate/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cctype>

namespace streampro::generate {

namespace {

// Salts that keep the random streams of different purposes independent.
constexpr uint64_t kSaltPlanted = 1;
constexpr uint64_t kSaltUser = 2;
constexpr uint64_t kSaltVideo = 3;
constexpr uint64_t kSaltUsersFile = 5;
constexpr uint64_t kSaltVideosFile = 6;
constexpr uint64_t kSaltDevicesFile = 7;

constexpr std::string_view kAllGenres[] = {"Action", "Animation", "Comedy",  "Documentary",
                                           "Drama",  "Horror",    "Romance", "Thriller"};
constexpr std::string_view kOsCycle[] = {"Android", "iOS", "Android", "iOS", "Web"};
constexpr std::string_view kTitleFirst[] = {"Silent", "Midnight", "Golden", "Broken", "Hidden",
                                            "Last",   "Electric", "Frozen", "Wild",   "Lost"};
constexpr std::string_view kTitleSecond[] = {"Harbor", "Signal",  "Garden", "Empire",  "River",
                                             "Orbit",  "Letters", "Summit", "Circuit", "Tide"};

struct OsModels {
  std::string_view os;
  std::string_view models[3];
  std::string_view versions[3];
};
constexpr OsModels kModels[] = {
    {"Android", {"Pixel 8", "Galaxy S23", "Moto G84"}, {"14", "13", "12.1"}},
    {"iOS", {"iPhone 15", "iPhone 13 mini", "iPad Air"}, {"17.5", "16.7.8", "17.4.1"}},
    {"Web", {"Chrome", "Firefox", "Safari"}, {"128.0", "130.0.1", "17.6"}},
};

const OsModels& ModelsFor(std::string_view os) {
  for (const auto& m : kModels) {
    if (m.os == os) return m;
  }
  return kModels[0];
}

// Quotes a CSV field when RFC 4180 requires it.
std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string JoinCsv(std::initializer_list<std::string_view> fields) {
  std::string line;
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) line += ',';
    line += CsvField(f);
    first = false;
  }
  return line;
}

// Collects the rows of one CSV file and the planted extra rows, then writes it.
class CsvFile {
 public:
  CsvFile(std::string header, std::vector<std::string> rows)
      : header_(std::move(header)),
        rows_(std::move(rows)),
        crlf_(rows_.size(), false),
        varied_(rows_.size(), false) {}

  int64_t num_rows() const { return static_cast<int64_t>(rows_.size()); }
  std::string& row(int64_t i) { return rows_[i]; }

  /// Picks up to `count` distinct rows not yet given a variant; returns them.
  std::vector<int64_t> PickRowsForVariant(Rng& rng, int64_t count) {
    std::vector<int64_t> free_rows;
    for (int64_t i = 0; i < num_rows(); ++i) {
      if (!varied_[i]) free_rows.push_back(i);
    }
    std::vector<int64_t> picked = TakeRandom(rng, std::move(free_rows), count);
    for (int64_t i : picked) varied_[i] = true;
    return picked;
  }

  /// Marks `count` distinct rows to end in CRLF; returns how many were marked.
  int64_t MarkCrlf(Rng& rng, int64_t count) {
    std::vector<int64_t> all(rows_.size());
    for (size_t i = 0; i < rows_.size(); ++i) all[i] = static_cast<int64_t>(i);
    const std::vector<int64_t> marked = TakeRandom(rng, std::move(all), count);
    for (int64_t i : marked) crlf_[i] = true;
    return static_cast<int64_t>(marked.size());
  }

  /// Adds a line somewhere in [first_position, num_rows()] (position p = before row p).
  void AddExtra(Rng& rng, int64_t first_position, std::string text) {
    const int64_t p = rng.Between(first_position, num_rows());
    extras_.push_back({p, std::move(text)});
  }

  std::string Write(bool bom) {
    std::stable_sort(extras_.begin(), extras_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    if (bom) out += "\xEF\xBB\xBF";
    out += header_;
    out += '\n';
    size_t e = 0;
    for (int64_t i = 0; i <= num_rows(); ++i) {
      for (; e < extras_.size() && extras_[e].first == i; ++e) {
        out += extras_[e].second;
        out += '\n';
      }
      if (i == num_rows()) break;
      out += rows_[i];
      out += crlf_[i] ? "\r\n" : "\n";
    }
    return out;
  }

 private:
  std::string header_;
  std::vector<std::string> rows_;
  std::vector<bool> crlf_;
  std::vector<bool> varied_;
  std::vector<std::pair<int64_t, std::string>> extras_;
};

constexpr std::string_view kBlankLines[] = {"", " ", "\t", "   \t "};

// The kinds every CSV table has, by table.
struct SharedCsvKinds {
  Kind bom, blank_line, crlf_line;
};
SharedCsvKinds SharedKindsOf(Table table) {
  switch (table) {
    case Table::kUsers:
      return {Kind::kUsersBom, Kind::kUsersBlankLine, Kind::kUsersCrlfLine};
    case Table::kVideos:
      return {Kind::kVideosBom, Kind::kVideosBlankLine, Kind::kVideosCrlfLine};
    default:
      return {Kind::kDevicesBom, Kind::kDevicesBlankLine, Kind::kDevicesCrlfLine};
  }
}

// One CSV landing file being planted: decides how many records of each of the table's
// kinds to plant, plants the kinds all tables share (blank lines, CRLF, BOM), and leaves
// the table's own kinds to the caller through file(), rng() and kinds().
class PlantedCsvTable {
 public:
  PlantedCsvTable(const Catalog& catalog, Table table, uint64_t salt, std::string header,
                  std::vector<std::string> rows)
      : shared_(SharedKindsOf(table)),
        ppm_(catalog.plan().dirty_ppm),
        rng_(Rng::For(catalog.options().seed, salt, 0)),
        file_(std::move(header), std::move(rows)) {
    out_.clean_rows = file_.num_rows();
    std::vector<Kind> kinds;
    for (Kind k : KindsOf(table)) {
      if (InfoOf(k).outcome != Outcome::kFileLevel) kinds.push_back(k);
    }
    DistributeKinds(rng_, kinds, PlantedCount(file_.num_rows(), ppm_), ppm_ > 0, &out_.kinds);
    for (int64_t i = 0; i < out_.kinds[shared_.blank_line]; ++i) {
      file_.AddExtra(rng_, 0, std::string(kBlankLines[rng_.Below(std::size(kBlankLines))]));
    }
    out_.kinds[shared_.crlf_line] = file_.MarkCrlf(rng_, out_.kinds[shared_.crlf_line]);
  }

  CsvFile& file() { return file_; }
  Rng& rng() { return rng_; }
  KindCounts& kinds() { return out_.kinds; }

  /// Picks rows for the kept variant `kind` and records how many could be given it.
  std::vector<int64_t> PickRows(Kind kind) {
    auto rows = file_.PickRowsForVariant(rng_, out_.kinds[kind]);
    out_.kinds[kind] = static_cast<int64_t>(rows.size());
    return rows;
  }

  RenderedTable Finish() {
    out_.kinds[shared_.bom] = ppm_ > 0 ? 1 : 0;
    out_.bytes = file_.Write(ppm_ > 0);
    return std::move(out_);
  }

 private:
  SharedCsvKinds shared_;
  uint32_t ppm_;
  Rng rng_;
  CsvFile file_;
  RenderedTable out_;
};

std::string UserRow(std::string_view user_id, std::string_view signup, std::string_view tier,
                    std::string_view age, std::string_view gender) {
  return JoinCsv({user_id, signup, tier, age, gender});
}

}  // namespace

int64_t PlantedCount(int64_t clean_rows, uint32_t ppm) {
  return static_cast<int64_t>((static_cast<Uint128>(clean_rows) * ppm + 500'000) / 1'000'000);
}

void DistributeKinds(Rng& rng, const std::vector<Kind>& kinds, int64_t total, bool at_least_one,
                     KindCounts* counts) {
  if (kinds.empty()) return;
  int64_t remaining = total;
  if (at_least_one) {
    for (Kind k : kinds) (*counts)[k] += 1;
    remaining -= static_cast<int64_t>(kinds.size());
  }
  for (; remaining > 0; --remaining) (*counts)[kinds[rng.Below(kinds.size())]] += 1;
}

Catalog Catalog::Make(const GeneratorOptions& options, const GeneratorPlan& plan) {
  Catalog c;
  c.options_ = options;
  c.plan_ = plan;

  const int64_t num_genres = std::clamp<int64_t>(options.videos / 4, 4, std::size(kAllGenres));
  for (int64_t g = 0; g < num_genres; ++g) c.genres_.emplace_back(kAllGenres[g]);
  c.videos_by_genre_.resize(num_genres);

  for (int64_t v = 0; v < options.videos; ++v) {
    Rng rng = Rng::For(options.seed, kSaltVideo, static_cast<uint64_t>(v));
    VideoRow row;
    row.video_id = fmt::format("video_{}", v + 1);
    row.genre = static_cast<int>(v % num_genres);
    // Separate statements: the order of draws inside one call's arguments is unspecified
    // in C++ and differs between compilers, which would break byte-identical output.
    const std::string_view first_word = kTitleFirst[rng.Below(std::size(kTitleFirst))];
    const std::string_view second_word = kTitleSecond[rng.Below(std::size(kTitleSecond))];
    row.title = fmt::format("The {} {}", first_word, second_word);
    if (v >= num_genres * 2) row.title += fmt::format(" {}", v / num_genres);
    row.duration_seconds = static_cast<int32_t>(rng.Between(60, 7200));
    if (rng.Chance(700'000)) row.patent_id = fmt::format("US{:08d}", rng.Between(0, 99'999'999));
    c.videos_by_genre_[row.genre].push_back(static_cast<int32_t>(v));
    c.videos_.push_back(std::move(row));
  }

  for (int64_t d = 0; d < options.devices; ++d) {
    const std::string_view os = kOsCycle[d % std::size(kOsCycle)];
    const OsModels& models = ModelsFor(os);
    const size_t variant = static_cast<size_t>(d / 2 + d / std::size(kOsCycle)) % 3;
    c.devices_.push_back(DeviceRow{fmt::format("device_{}", d + 1), std::string(os),
                                   std::string(models.models[variant]),
                                   std::string(models.versions[(variant + d) % 3])});
  }

  Rng planted = Rng::For(options.seed, kSaltPlanted, 0);
  c.planted_genre_ = static_cast<int>(planted.Below(c.genres_.size()));
  // Only Android and iOS hold two devices each in every catalog, so the planted pair
  // always gathers enough sessions to be tested.
  c.planted_os_ = planted.Below(2) == 0 ? "Android" : "iOS";
  c.planted_version_ = static_cast<int>(planted.Below(std::size(kAppVersions)));

  const int32_t start_day = options.date.days_since_epoch - (options.days - 1);
  c.window_start_ = static_cast<int64_t>(start_day) * kMicrosPerDay;
  c.window_end_ = static_cast<int64_t>(options.date.days_since_epoch + 1) * kMicrosPerDay;
  return c;
}

UserProfile Catalog::Profile(int64_t user_index) const {
  Rng rng = Rng::For(options_.seed, kSaltUser, static_cast<uint64_t>(user_index));
  UserProfile p;
  p.index = user_index;
  // Exactly one user in 25 never plays anything: the report counts them as never_active.
  p.active = user_index % 25 != 24;
  const uint64_t tier_draw = rng.Below(100);
  p.tier = tier_draw < 50 ? 0 : tier_draw < 80 ? 1 : 2;
  p.age_group = rng.Below(100) < 5 ? -1 : static_cast<int8_t>(rng.Below(std::size(kAgeGroups)));
  p.gender = rng.Below(100) < 10 ? -1 : static_cast<int8_t>(rng.Below(std::size(kGenders)));
  p.country = static_cast<uint8_t>(rng.Below(std::size(kCountries)));
  p.has_account = rng.Below(100) >= 12;
  p.primary_device = static_cast<uint32_t>(rng.Below(devices_.size()));
  p.ip_host = static_cast<uint32_t>(rng.Below(1u << 16));
  p.first_genre = static_cast<int>(rng.Below(genres_.size()));
  p.returns_within_3d =
      rng.Chance(p.first_genre == planted_genre_ ? kReturnPlantedPpm : kReturnOtherPpm);
  const int64_t mean = plan_.sessions_per_user;
  p.target_sessions =
      static_cast<int32_t>(rng.Between(std::max<int64_t>(1, mean * 7 / 10), mean * 14 / 10));
  const int32_t window_start_day = static_cast<int32_t>(window_start_ / kMicrosPerDay);
  p.signup_date = Date{window_start_day - static_cast<int32_t>(rng.Between(0, 400))};
  return p;
}

RenderedTable RenderUsers(const Catalog& catalog) {
  const int64_t n = catalog.plan().users;
  std::vector<UserProfile> profiles;
  profiles.reserve(n);
  for (int64_t u = 0; u < n; ++u) profiles.push_back(catalog.Profile(u));
  auto row_of = [&](int64_t i, std::string_view tier, std::string_view gender) {
    const UserProfile& p = profiles[i];
    return UserRow(fmt::format("user_{}", i + 1), FormatIsoDate(p.signup_date), tier,
                   p.age_group < 0 ? "" : kAgeGroups[p.age_group], gender);
  };
  auto gender_of = [&](int64_t i) -> std::string_view {
    return profiles[i].gender < 0 ? "" : kGenders[profiles[i].gender];
  };
  std::vector<std::string> rows;
  rows.reserve(n);
  for (int64_t u = 0; u < n; ++u)
    rows.push_back(row_of(u, kTierNames[profiles[u].tier], gender_of(u)));
  PlantedCsvTable table(catalog, Table::kUsers, kSaltUsersFile,
                        "user_id,signup_date,subscription_tier,age_group,gender", std::move(rows));
  CsvFile& file = table.file();
  Rng& rng = table.rng();
  KindCounts& k = table.kinds();

  // Spellings of each tier (same index as kTierNames) that canonicalise back to it.
  constexpr std::string_view kTierVariants[3][2] = {
      {" Free ", "FREE"}, {"basic", "BASIC "}, {"premium", "pReMiUm"}};
  for (int64_t i : table.PickRows(Kind::kUsersTierCaseVariant)) {
    file.row(i) = row_of(i, kTierVariants[profiles[i].tier][rng.Below(2)], gender_of(i));
  }
  for (int64_t i : table.PickRows(Kind::kUsersQuotedField)) {
    file.row(i) = row_of(i, kTierNames[profiles[i].tier], "prefer not to say, \"thanks\"");
  }

  // Extra rows use ids past the last clean user: no event ever refers to them.
  int64_t next_id = n + 1;
  auto fresh_id = [&] { return fmt::format("user_{}", next_id++); };
  const std::string signup = FormatIsoDate(profiles.empty() ? Date{} : profiles[0].signup_date);
  for (int64_t j = 0; j < k[Kind::kUsersDuplicateKey]; ++j) {
    const int64_t i = static_cast<int64_t>(rng.Below(n));
    file.AddExtra(rng, i + 1,
                  UserRow(fmt::format("user_{}", i + 1), "2020-01-01",
                          kTierNames[(profiles[i].tier + 1) % 3], "26-35", "female"));
  }
  constexpr std::string_view kBadTiers[] = {"Gold", "Platinum", "Trial", "Premium+", "Fre"};
  for (int64_t j = 0; j < k[Kind::kUsersInvalidTier]; ++j) {
    file.AddExtra(
        rng, 0, UserRow(fresh_id(), signup, kBadTiers[j % std::size(kBadTiers)], "18-25", "male"));
  }
  constexpr std::string_view kBadAges[] = {"17-24", "65+", "adult", "18 - 25", "50 +"};
  for (int64_t j = 0; j < k[Kind::kUsersInvalidAgeGroup]; ++j) {
    file.AddExtra(rng, 0,
                  UserRow(fresh_id(), signup, "Free", kBadAges[j % std::size(kBadAges)], "female"));
  }
  constexpr std::string_view kBadDates[] = {"2025-02-30", "2025/01/15", "15-01-2025",
                                            "2025-13-01", "20250115",   "2025-1-5"};
  for (int64_t j = 0; j < k[Kind::kUsersInvalidSignupDate]; ++j) {
    file.AddExtra(rng, 0,
                  UserRow(fresh_id(), kBadDates[j % std::size(kBadDates)], "Basic", "36-50", ""));
  }
  for (int64_t j = 0; j < k[Kind::kUsersMissingSignupDate]; ++j) {
    file.AddExtra(rng, 0, UserRow(fresh_id(), "", "Premium", "50+", "male"));
  }
  for (int64_t j = 0; j < k[Kind::kUsersMissingUserId]; ++j) {
    file.AddExtra(rng, 0, UserRow("", signup, "Free", "26-35", "female"));
  }
  for (int64_t j = 0; j < k[Kind::kUsersWrongFieldCount]; ++j) {
    const std::string id = fresh_id();
    file.AddExtra(rng, 0,
                  j % 2 == 0 ? JoinCsv({id, signup, "Free"})
                             : JoinCsv({id, signup, "Free", "18-25", "male", "extra"}));
  }
  return table.Finish();
}

RenderedTable RenderVideos(const Catalog& catalog) {
  const auto& videos = catalog.videos();
  const auto& genres = catalog.genres();
  auto row_of = [&](const VideoRow& v, std::string_view title, std::string_view genre) {
    return JoinCsv({v.video_id, title, genre, fmt::format("{}", v.duration_seconds), v.patent_id});
  };
  std::vector<std::string> rows;
  for (const VideoRow& v : videos) rows.push_back(row_of(v, v.title, genres[v.genre]));
  PlantedCsvTable table(catalog, Table::kVideos, kSaltVideosFile,
                        "video_id,title,genre,duration_seconds,patent_id", std::move(rows));
  CsvFile& file = table.file();
  Rng& rng = table.rng();
  KindCounts& k = table.kinds();
  const int64_t n = static_cast<int64_t>(videos.size());

  const auto genre_rows = table.PickRows(Kind::kVideosGenreCaseVariant);
  for (size_t j = 0; j < genre_rows.size(); ++j) {
    const VideoRow& v = videos[genre_rows[j]];
    std::string genre = genres[v.genre];
    switch (j % 3) {
      case 0:
        for (char& ch : genre) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        break;
      case 1:
        for (char& ch : genre) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        genre = " " + genre + " ";
        break;
      default:
        genre = "  " + genre;
        break;
    }
    file.row(genre_rows[j]) = row_of(v, v.title, genre);
  }
  for (int64_t i : table.PickRows(Kind::kVideosQuotedTitle)) {
    const VideoRow& v = videos[i];
    file.row(i) = row_of(v, fmt::format("{}, \"Director's Cut\"", v.title), genres[v.genre]);
  }

  int64_t next_id = n + 1;
  auto fresh_id = [&] { return fmt::format("video_{}", next_id++); };
  for (int64_t j = 0; j < k[Kind::kVideosDuplicateKey]; ++j) {
    const int64_t i = static_cast<int64_t>(rng.Below(n));
    const VideoRow& v = videos[i];
    file.AddExtra(
        rng, i + 1,
        JoinCsv({v.video_id, "Re-upload", genres[(v.genre + 1) % genres.size()], "300", ""}));
  }
  constexpr std::string_view kBadDurations[] = {"abc", "0", "-5", "12.5", "2147483648", "1e3"};
  for (int64_t j = 0; j < k[Kind::kVideosInvalidDuration]; ++j) {
    file.AddExtra(rng, 0,
                  JoinCsv({fresh_id(), "Broken Upload", genres[0],
                           kBadDurations[j % std::size(kBadDurations)], ""}));
  }
  for (int64_t j = 0; j < k[Kind::kVideosMissingGenre]; ++j) {
    file.AddExtra(rng, 0, JoinCsv({fresh_id(), "Untagged Clip", "", "120", ""}));
  }
  for (int64_t j = 0; j < k[Kind::kVideosWrongFieldCount]; ++j) {
    const std::string id = fresh_id();
    file.AddExtra(rng, 0,
                  j % 2 == 0 ? JoinCsv({id, "Short Row", genres[0]})
                             : JoinCsv({id, "Long", "Row", genres[0], "60", ""}));
  }
  return table.Finish();
}

RenderedTable RenderDevices(const Catalog& catalog) {
  const auto& devices = catalog.devices();
  std::vector<std::string> rows;
  for (const DeviceRow& d : devices) {
    rows.push_back(JoinCsv({d.device, d.os, d.model, d.os_version}));
  }
  PlantedCsvTable table(catalog, Table::kDevices, kSaltDevicesFile, "device,os,model,os_version",
                        std::move(rows));
  CsvFile& file = table.file();
  Rng& rng = table.rng();
  KindCounts& k = table.kinds();
  const int64_t n = static_cast<int64_t>(devices.size());

  std::vector<std::string> models(devices.size());
  for (size_t i = 0; i < devices.size(); ++i) models[i] = devices[i].model;
  for (int64_t i : table.PickRows(Kind::kDevicesQuotedField)) {
    const DeviceRow& d = devices[i];
    models[i] = d.model + ", 5G";
    file.row(i) = JoinCsv({d.device, d.os, models[i], d.os_version});
  }
  // A devices row is identified by (device, os, model) (SPEC §7): the duplicate repeats
  // all three of a row above it; only os_version differs, which does not count.
  for (int64_t j = 0; j < k[Kind::kDevicesDuplicateKey]; ++j) {
    const int64_t i = static_cast<int64_t>(rng.Below(n));
    file.AddExtra(rng, i + 1, JoinCsv({devices[i].device, devices[i].os, models[i], "11"}));
  }
  for (int64_t j = 0; j < k[Kind::kDevicesMissingDevice]; ++j) {
    file.AddExtra(rng, 0, JoinCsv({"", "iOS", "iPhone 12", "15.0"}));
  }
  int64_t next_id = n + 1;
  for (int64_t j = 0; j < k[Kind::kDevicesWrongFieldCount]; ++j) {
    const std::string id = fmt::format("device_{}", next_id++);
    file.AddExtra(
        rng, 0,
        j % 2 == 0 ? JoinCsv({id, "Android"}) : JoinCsv({id, "Android", "Pixel 6", "13", "extra"}));
  }
  return table.Finish();
}

}  // namespace streampro::generate
