#include "generate/event_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

namespace streampro::generate {

namespace {

constexpr uint64_t kSaltEventsBlock = 21;
constexpr int64_t kMsPerDay = 86'400'000;

// Field keys in the canonical order of a clean line.
enum FieldKey : uint8_t {
  kTimestamp,
  kAccountId,
  kUserId,
  kSessionId,
  kEventName,
  kVideoId,
  kValue,
  kDevice,
  kDeviceOs,
  kAppVersion,
  kNetworkType,
  kIp,
  kCountry,
  kNumFieldKeys,
};
constexpr std::string_view kFieldNames[] = {
    "timestamp", "account_id", "user_id",     "session_id",   "event_name", "video_id", "value",
    "device",    "device_os",  "app_version", "network_type", "ip",         "country"};
static_assert(std::size(kFieldNames) == kNumFieldKeys);

void Write2(int value, char* out) {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
}

// Writes `YYYY-MM-DD?HH:MM:SS` (19 bytes) for a UTC millisecond instant.
void WriteDateTime(int64_t ms, char separator, char* out) {
  const int64_t day = (ms >= 0 ? ms : ms - kMsPerDay + 1) / kMsPerDay;
  const int64_t ms_of_day = ms - day * kMsPerDay;
  WriteIsoDate(Date{static_cast<int32_t>(day)}, out);
  out[10] = separator;
  const int64_t seconds = ms_of_day / 1000;
  Write2(static_cast<int>(seconds / 3600), out + 11);
  out[13] = ':';
  Write2(static_cast<int>(seconds / 60 % 60), out + 14);
  out[16] = ':';
  Write2(static_cast<int>(seconds % 60), out + 17);
}

void Write3(int value, char* out) {
  out[0] = static_cast<char>('0' + value / 100);
  out[1] = static_cast<char>('0' + value / 10 % 10);
  out[2] = static_cast<char>('0' + value % 10);
}

// The ways a valid timestamp may be written (SPEC §1, §7).
enum class TimestampForm { kCanonical, kSpace, kNoZone, kOffset, kNanoseconds };

std::string FormatTimestamp(int64_t ms, TimestampForm form, int offset_minutes = 0) {
  char buf[48];
  const int millis = static_cast<int>(((ms % 1000) + 1000) % 1000);
  size_t n = 0;
  switch (form) {
    case TimestampForm::kCanonical:
      WriteCanonicalTimestamp(ms, buf);
      n = 24;
      break;
    case TimestampForm::kSpace:
      WriteDateTime(ms, ' ', buf);
      buf[19] = '.';
      Write3(millis, buf + 20);
      buf[23] = 'Z';
      n = 24;
      break;
    case TimestampForm::kNoZone:
      WriteDateTime(ms, 'T', buf);
      buf[19] = '.';
      Write3(millis, buf + 20);
      n = 23;
      break;
    case TimestampForm::kOffset: {
      WriteDateTime(ms + static_cast<int64_t>(offset_minutes) * 60'000, 'T', buf);
      buf[19] = '.';
      Write3(millis, buf + 20);
      const int magnitude = std::abs(offset_minutes);
      buf[23] = offset_minutes < 0 ? '-' : '+';
      Write2(magnitude / 60, buf + 24);
      buf[26] = ':';
      Write2(magnitude % 60, buf + 27);
      n = 29;
      break;
    }
    case TimestampForm::kNanoseconds:
      // Nine digits whose last three fall below a microsecond: truncation keeps the instant.
      WriteDateTime(ms, 'T', buf);
      buf[19] = '.';
      Write3(millis, buf + 20);
      std::memcpy(buf + 23, "000", 3);
      Write3(static_cast<int>((ms * 7 + 123) % 1000), buf + 26);
      buf[29] = 'Z';
      n = 30;
      break;
  }
  return std::string(buf, n);
}

constexpr int kOffsets[] = {120, -180, 330, -570, 840, 0, -60, 345};

// One line under construction: (key, raw JSON value) pairs that can be edited before
// they are joined. Values are kept in `storage` so views stay valid.
class JsonLine {
 public:
  void Set(FieldKey key, std::string raw) {
    values_[key] = std::move(raw);
    present_[key] = true;
  }
  void SetString(FieldKey key, std::string_view text) {
    std::string raw;
    raw.reserve(text.size() + 2);
    raw += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') raw += '\\';
      raw += c;
    }
    raw += '"';
    Set(key, std::move(raw));
  }
  void Remove(FieldKey key) { present_[key] = false; }
  bool Has(FieldKey key) const { return present_[key]; }
  void AddExtra(std::string_view key, std::string raw) {
    extras_.emplace_back(std::string(key), std::move(raw));
  }

  /// Joins the fields; `order` is a permutation of the canonical keys, or empty.
  void AppendTo(std::string* out, const std::vector<uint8_t>& order, bool trailing_comma) const {
    out->push_back('{');
    bool first = true;
    auto put = [&](std::string_view key, const std::string& raw) {
      if (!first) out->push_back(',');
      first = false;
      out->push_back('"');
      out->append(key);
      out->append("\":");
      out->append(raw);
    };
    for (size_t i = 0; i < kNumFieldKeys; ++i) {
      const size_t key = order.empty() ? i : order[i];
      if (present_[key]) put(kFieldNames[key], values_[key]);
    }
    for (const auto& [key, raw] : extras_) put(key, raw);
    if (trailing_comma) out->push_back(',');
    out->push_back('}');
  }

 private:
  std::array<std::string, kNumFieldKeys> values_;
  std::array<bool, kNumFieldKeys> present_{};
  std::vector<std::pair<std::string, std::string>> extras_;
};

std::string FormatValue(int32_t halves) {
  return halves % 2 == 0 ? fmt::format("{}", halves / 2) : fmt::format("{}.5", halves / 2);
}

class BlockRenderer {
 public:
  BlockRenderer(const Catalog& catalog, int64_t block_index)
      : catalog_(catalog),
        block_index_(block_index),
        rng_(Rng::For(catalog.options().seed, kSaltEventsBlock,
                      static_cast<uint64_t>(block_index))) {}

  EventBlock Render() {
    EventBlock block;
    const int64_t first_user = block_index_ * kUsersPerBlock;
    const int64_t end_user = std::min(first_user + kUsersPerBlock, catalog_.plan().users);
    SimulateUsers(catalog_, first_user, end_user, &events_, &block.stats);
    profiles_.reserve(static_cast<size_t>(end_user - first_user));
    for (int64_t u = first_user; u < end_user; ++u) profiles_.push_back(catalog_.Profile(u));
    first_user_ = first_user;

    const uint32_t ppm = catalog_.plan().dirty_ppm;
    std::vector<Kind> kinds;
    for (Kind k : KindsOf(Table::kEvents)) {
      if (InfoOf(k).outcome != Outcome::kFileLevel) kinds.push_back(k);
    }
    const int64_t n = static_cast<int64_t>(events_.size());
    DistributeKinds(rng_, kinds, PlantedCount(n, ppm), block_index_ == 0 && ppm > 0, &block.kinds);
    variant_.assign(events_.size(), Variant{});
    crlf_.assign(events_.size(), false);
    if (n > 0) {
      PlantVariants(&block.kinds);
      PlantExtras(&block.kinds);
    } else {
      for (Kind k : kinds) block.kinds[k] = 0;
    }
    Assemble(&block.bytes);
    return block;
  }

 private:
  struct Variant {
    Kind kind = Kind::kCount;  // kCount: written canonically
    uint64_t seed = 0;
  };

  // Fills `line` with the canonical fields of `e`.
  void Canonical(const Event& e, JsonLine* line) const {
    const UserProfile& p = profiles_[e.user - first_user_];
    line->Set(kTimestamp, '"' + FormatTimestamp(e.timestamp_ms, TimestampForm::kCanonical) + '"');
    if (p.has_account) line->SetString(kAccountId, fmt::format("acct_{}", e.user + 1));
    line->SetString(kUserId, fmt::format("user_{}", e.user + 1));
    line->SetString(kSessionId,
                    fmt::format("user_{}_sess_{}_{}", e.user + 1, e.session, e.session_day));
    line->SetString(kEventName, kEventNames[static_cast<int>(e.name)]);
    if (e.video >= 0) line->SetString(kVideoId, catalog_.videos()[e.video].video_id);
    if (e.value_halves >= 0) line->Set(kValue, FormatValue(e.value_halves));
    const DeviceRow& device = catalog_.devices()[e.device];
    line->SetString(kDevice, device.device);
    line->SetString(kDeviceOs, device.os);
    line->SetString(kAppVersion, kAppVersions[e.app_version]);
    line->SetString(kNetworkType, kNetworkTypes[e.network]);
    static constexpr std::string_view kNets[] = {"192.0.2", "198.51.100", "203.0.113"};
    line->SetString(kIp, fmt::format("{}.{}", kNets[(p.ip_host >> 8) % 3], p.ip_host & 0xff));
    line->SetString(kCountry, kCountries[p.country]);
  }

  // Event i as its line in the file (canonical, or with its kept variant).
  void RenderClean(size_t i, std::string* out) const {
    const Event& e = events_[i];
    JsonLine line;
    Canonical(e, &line);
    std::vector<uint8_t> order;
    const Variant& v = variant_[i];
    Rng rng(v.seed);
    switch (v.kind) {
      case Kind::kEventsShuffledFieldOrder:
        for (uint8_t k = 0; k < kNumFieldKeys; ++k) order.push_back(k);
        for (size_t k = order.size() - 1; k > 0; --k) std::swap(order[k], order[rng.Below(k + 1)]);
        if (order[0] == kTimestamp) std::swap(order[0], order[kNumFieldKeys - 1]);
        break;
      case Kind::kEventsExtraFields:
        line.AddExtra("experiment", fmt::format("\"exp_{}\"", rng.Below(10)));
        line.AddExtra("sdk", "{\"name\":\"streamkit\",\"build\":[4,2,1],\"debug\":false}");
        line.AddExtra("latency_ms", fmt::format("{}.5", rng.Below(400)));
        line.AddExtra("note", "\"caf\\u00e9 \\\"late\\\" \\\\ ok\"");
        break;
      case Kind::kEventsExplicitNullOptional:
        // Chosen among events without a value; video and account become null when absent.
        line.Set(kValue, "null");
        if (!line.Has(kVideoId)) line.Set(kVideoId, "null");
        if (!line.Has(kAccountId)) line.Set(kAccountId, "null");
        break;
      case Kind::kEventsTimestampSpaceSeparator:
        line.Set(kTimestamp, '"' + FormatTimestamp(e.timestamp_ms, TimestampForm::kSpace) + '"');
        break;
      case Kind::kEventsTimestampWithoutZone:
        line.Set(kTimestamp, '"' + FormatTimestamp(e.timestamp_ms, TimestampForm::kNoZone) + '"');
        break;
      case Kind::kEventsTimestampWithOffset:
        line.Set(kTimestamp, '"' +
                                 FormatTimestamp(e.timestamp_ms, TimestampForm::kOffset,
                                                 kOffsets[rng.Below(std::size(kOffsets))]) +
                                 '"');
        break;
      case Kind::kEventsTimestampNanoseconds:
        line.Set(kTimestamp,
                 '"' + FormatTimestamp(e.timestamp_ms, TimestampForm::kNanoseconds) + '"');
        break;
      default:
        break;
    }
    line.AppendTo(out, order, false);
  }

  // Picks up to `count` distinct events (matching `eligible`) without a variant yet.
  template <typename Predicate>
  std::vector<size_t> PickEvents(int64_t count, Predicate eligible) {
    std::vector<size_t> candidates;
    for (size_t i = 0; i < events_.size(); ++i) {
      if (variant_[i].kind == Kind::kCount && eligible(events_[i])) candidates.push_back(i);
    }
    return TakeRandom(rng_, std::move(candidates), count);
  }

  void PlantVariants(KindCounts* kinds) {
    constexpr Kind kVariantKinds[] = {
        Kind::kEventsShuffledFieldOrder,   Kind::kEventsExtraFields,
        Kind::kEventsExplicitNullOptional, Kind::kEventsTimestampSpaceSeparator,
        Kind::kEventsTimestampWithoutZone, Kind::kEventsTimestampWithOffset,
        Kind::kEventsTimestampNanoseconds};
    for (Kind kind : kVariantKinds) {
      const bool needs_no_value = kind == Kind::kEventsExplicitNullOptional;
      const auto picked = PickEvents(
          (*kinds)[kind], [&](const Event& e) { return !needs_no_value || e.value_halves < 0; });
      (*kinds)[kind] = static_cast<int64_t>(picked.size());
      for (size_t i : picked) variant_[i] = Variant{kind, rng_.Next()};
    }
    // CRLF is independent of the other variants: any event may end in CRLF.
    std::vector<size_t> all(events_.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    const auto marked = TakeRandom(rng_, std::move(all), (*kinds)[Kind::kEventsCrlfLine]);
    for (size_t i : marked) crlf_[i] = true;
    (*kinds)[Kind::kEventsCrlfLine] = static_cast<int64_t>(marked.size());
  }

  // A random clean event matching `eligible`; the block must hold one (checked by caller).
  template <typename Predicate>
  std::optional<size_t> RandomEvent(Predicate eligible) {
    for (int attempt = 0; attempt < 64; ++attempt) {
      const size_t i = rng_.Below(events_.size());
      if (eligible(events_[i])) return i;
    }
    for (size_t i = 0; i < events_.size(); ++i) {
      if (eligible(events_[i])) return i;
    }
    return std::nullopt;
  }

  // Builds the extra line of `kind` from a clean event; nullopt if the block has no
  // event the kind can be made from.
  std::optional<std::string> MakeExtra(Kind kind, int64_t serial) {
    const bool watch_only = kind == Kind::kEventsWatchTimeWithoutValue ||
                            kind == Kind::kEventsValueString ||
                            kind == Kind::kEventsValueNegative ||
                            kind == Kind::kEventsValueTooLarge || kind == Kind::kEventsValueBoolean;
    const bool video_only = kind == Kind::kEventsUnknownVideo;
    const auto source = RandomEvent([&](const Event& e) {
      if (watch_only) return e.name == EventName::kWatchTime;
      if (video_only) return e.video >= 0;
      return true;
    });
    if (!source) return std::nullopt;
    const Event& e = events_[*source];
    std::string out;
    if (kind == Kind::kEventsExactDuplicate) {
      RenderClean(*source, &out);
      return out;
    }
    JsonLine line;
    Canonical(e, &line);
    bool trailing_comma = false;
    const std::string real = FormatTimestamp(e.timestamp_ms, TimestampForm::kCanonical);
    const std::string date = real.substr(0, 10);
    const std::string time = real.substr(11, 8);
    const size_t rotate = static_cast<size_t>(serial);
    switch (kind) {
      case Kind::kEventsDuplicateOtherOffset:
        line.Set(kTimestamp, '"' +
                                 FormatTimestamp(e.timestamp_ms, TimestampForm::kOffset,
                                                 kOffsets[rotate % std::size(kOffsets)]) +
                                 '"');
        break;
      case Kind::kEventsMalformedTruncated: {
        line.AppendTo(&out, {}, false);
        out.resize(static_cast<size_t>(rng_.Between(1, static_cast<int64_t>(out.size()) - 2)));
        return out;
      }
      case Kind::kEventsMalformedTrailingComma:
        trailing_comma = true;
        break;
      case Kind::kEventsMalformedNonFinite: {
        constexpr std::string_view kNonFinite[] = {"NaN", "Infinity", "-Infinity"};
        line.Set(kValue, std::string(kNonFinite[rotate % 3]));
        break;
      }
      case Kind::kEventsMalformedNotObject: {
        std::string object;
        line.AppendTo(&object, {}, false);
        const std::string forms[] = {"[" + object + "]",
                                     fmt::format("\"user_{} played\"", e.user + 1), "42", "null",
                                     "true"};
        return forms[rotate % std::size(forms)];
      }
      case Kind::kEventsMissingTimestamp:
        line.Remove(kTimestamp);
        break;
      case Kind::kEventsNullUserId:
        line.Set(kUserId, "null");
        break;
      case Kind::kEventsMissingEventName:
        line.Remove(kEventName);
        break;
      case Kind::kEventsMissingSessionId:
        line.Remove(kSessionId);
        break;
      case Kind::kEventsTimestampBadFormat: {
        const std::string forms[] = {
            date.substr(0, 4) + "/" + date.substr(5, 2) + "/" + date.substr(8, 2) + " " + time,
            date.substr(8, 2) + "/" + date.substr(5, 2) + "/" + date.substr(0, 4) + " " + time,
            date + "t" + time + "z",
            " " + date + "T" + time + "Z",
            date + "T" + time.substr(0, 5),
            date + "T" + time + ".Z",
            date + "T" + time + ".1234567890Z",
            date + "T" + time + "+0200",
            date,
        };
        line.SetString(kTimestamp, forms[rotate % std::size(forms)]);
        break;
      }
      case Kind::kEventsTimestampImpossible: {
        const std::string forms[] = {
            date.substr(0, 5) + "02-30T" + time + "Z",
            date + "T24:00:00Z",
            date + "T" + time.substr(0, 3) + "60:00Z",
            date + "T" + time.substr(0, 6) + "60Z",
            date + "T" + time + "+24:00",
            date.substr(0, 5) + "09-31T" + time + "Z",
            date + "T" + time + "+05:60",
            date.substr(0, 5) + "13-01T" + time + "Z",
        };
        line.SetString(kTimestamp, forms[rotate % std::size(forms)]);
        break;
      }
      case Kind::kEventsTimestampEmpty:
        line.Set(kTimestamp, "\"\"");
        break;
      case Kind::kEventsTimestampNumber:
        line.Set(kTimestamp, fmt::format("{}", e.timestamp_ms / 1000));
        break;
      case Kind::kEventsUnknownEventName: {
        constexpr std::string_view kNames[] = {"Play", "buffering", "session-start", "WATCH_TIME",
                                               "ad_impression"};
        line.SetString(kEventName, kNames[rotate % std::size(kNames)]);
        break;
      }
      case Kind::kEventsEmptyEventName:
        line.Set(kEventName, "\"\"");
        break;
      case Kind::kEventsWatchTimeWithoutValue:
        if (rotate % 2 == 0) {
          line.Remove(kValue);
        } else {
          line.Set(kValue, "null");
        }
        break;
      case Kind::kEventsValueString:
        line.Set(kValue, fmt::format("\"{}\"", FormatValue(e.value_halves)));
        break;
      case Kind::kEventsValueNegative:
        line.Set(kValue, fmt::format("-{}", FormatValue(e.value_halves)));
        break;
      case Kind::kEventsValueTooLarge:
        line.Set(kValue, rotate % 2 == 0 ? "86400.5" : "1e6");
        break;
      case Kind::kEventsValueBoolean:
        line.Set(kValue, rotate % 2 == 0 ? "true" : "false");
        break;
      case Kind::kEventsUnknownUser:
        line.SetString(kUserId, fmt::format("ghost_{}", e.user + 1));
        break;
      case Kind::kEventsEmptyUserId:
        line.Set(kUserId, "\"\"");
        break;
      case Kind::kEventsUnknownVideo:
        line.SetString(kVideoId, fmt::format("video_missing_{}", rotate % 97));
        break;
      default:
        assert(false && "not an extra-line kind");
        break;
    }
    line.AppendTo(&out, {}, trailing_comma);
    return out;
  }

  void PlantExtras(KindCounts* kinds) {
    constexpr std::string_view kBlank[] = {"", " ", "\t \t", "\r"};
    for (Kind kind : KindsOf(Table::kEvents)) {
      const Outcome outcome = InfoOf(kind).outcome;
      if (outcome == Outcome::kNotARecord) {
        for (int64_t j = 0; j < (*kinds)[kind]; ++j) {
          AddExtra(std::string(kBlank[rng_.Below(std::size(kBlank))]));
        }
        continue;
      }
      if (outcome != Outcome::kRejected && outcome != Outcome::kDuplicate) continue;
      int64_t made = 0;
      for (int64_t j = 0; j < (*kinds)[kind]; ++j) {
        std::optional<std::string> text = MakeExtra(kind, j);
        if (!text) break;
        AddExtra(std::move(*text));
        ++made;
      }
      (*kinds)[kind] = made;
    }
  }

  void AddExtra(std::string text) {
    const auto position = static_cast<int64_t>(rng_.Below(events_.size() + 1));
    extras_.push_back({position, std::move(text)});
  }

  void Assemble(std::string* out) {
    std::stable_sort(extras_.begin(), extras_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    out->reserve(events_.size() * 300 + extras_.size() * 300);
    size_t e = 0;
    for (size_t i = 0; i <= events_.size(); ++i) {
      for (; e < extras_.size() && extras_[e].first == static_cast<int64_t>(i); ++e) {
        out->append(extras_[e].second);
        out->push_back('\n');
      }
      if (i == events_.size()) break;
      RenderClean(i, out);
      out->append(crlf_[i] ? "\r\n" : "\n");
    }
  }

  const Catalog& catalog_;
  int64_t block_index_;
  Rng rng_;
  int64_t first_user_ = 0;
  std::vector<Event> events_;
  std::vector<UserProfile> profiles_;
  std::vector<Variant> variant_;
  std::vector<bool> crlf_;
  std::vector<std::pair<int64_t, std::string>> extras_;
};

}  // namespace

void WriteCanonicalTimestamp(int64_t timestamp_ms, char* out) {
  WriteDateTime(timestamp_ms, 'T', out);
  out[19] = '.';
  Write3(static_cast<int>(((timestamp_ms % 1000) + 1000) % 1000), out + 20);
  out[23] = 'Z';
}

EventBlock RenderEventBlock(const Catalog& catalog, int64_t block_index) {
  return BlockRenderer(catalog, block_index).Render();
}

}  // namespace streampro::generate
