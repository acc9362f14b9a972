#include "support/reference_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace streampro::testing {

namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  // Counts days by brute force from 1970 to keep this independent of the product code.
  static const int kMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  auto leap = [](int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; };
  int64_t days = 0;
  for (int64_t year = 1970; year < y; ++year) days += leap(year) ? 366 : 365;
  for (int64_t month = 1; month < m; ++month) days += kMonth[month - 1] + (month == 2 && leap(y));
  return days + d - 1;
}

bool RealDate(int y, int m, int d) {
  static const int kMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kMonth[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool ValidIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) || !AllDigits(s.substr(8, 2))) {
    return false;
  }
  return RealDate(std::stoi(std::string(s.substr(0, 4))), std::stoi(std::string(s.substr(5, 2))),
                  std::stoi(std::string(s.substr(8, 2))));
}

const std::set<std::string> kEventNames = {"session_start", "play",       "pause", "resume",
                                           "seek",          "watch_time", "like",  "heart",
                                           "session_end",   "error"};

struct TableRules {
  std::vector<std::string> key;
  std::vector<std::string> required;
};

TableRules RulesFor(std::string_view table) {
  if (table == "users") return {{"user_id"}, {"user_id", "signup_date", "subscription_tier"}};
  if (table == "videos") return {{"video_id"}, {"video_id", "genre", "duration_seconds"}};
  // SPEC §7: a devices row is identified by (device, os, model).
  return {{"device", "os", "model"}, {"device"}};
}

// Returns the reject reason of a dimension row, or "" when valid; canonicalises `row`.
std::string ValidateRow(std::string_view table, std::map<std::string, std::string>& row) {
  for (const auto& column : RulesFor(table).required) {
    if (Trim(row[column]).empty()) return "missing_required";
  }
  if (table == "users") {
    if (!ValidIsoDate(row["signup_date"])) return "invalid_date";
    const std::string tier = Lower(Trim(row["subscription_tier"]));
    if (tier == "free")
      row["subscription_tier"] = "Free";
    else if (tier == "basic")
      row["subscription_tier"] = "Basic";
    else if (tier == "premium")
      row["subscription_tier"] = "Premium";
    else
      return "invalid_enum";
    const std::string age = Trim(row["age_group"]);
    if (!age.empty() && age != "18-25" && age != "26-35" && age != "36-50" && age != "50+") {
      return "invalid_enum";
    }
  } else if (table == "videos") {
    std::string genre = Lower(Trim(row["genre"]));
    genre[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(genre[0])));
    row["genre"] = genre;
    const std::string& duration = row["duration_seconds"];
    if (!AllDigits(duration) || duration.size() > 10) return "invalid_value";
    const long long value = std::stoll(duration);
    if (value < 1 || value > 2147483647LL) return "invalid_value";
  }
  return "";
}

}  // namespace

std::optional<std::vector<std::string>> SplitCsvLine(std::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  size_t i = 0;
  while (true) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return std::nullopt;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      if (i < line.size() && line[i] != ',') return std::nullopt;
    } else {
      while (i < line.size() && line[i] != ',') field += line[i++];
    }
    fields.push_back(field);
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return fields;
}

std::vector<std::string> SplitLines(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < bytes.size()) {
    size_t end = bytes.find('\n', start);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view line = bytes.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    start = end + 1;
  }
  return lines;
}

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

DimensionResult ReadDimension(std::string_view table, std::string_view bytes) {
  DimensionResult result;
  const auto lines = SplitLines(bytes);
  size_t i = 0;
  while (i < lines.size() && IsBlank(lines[i])) ++i;
  if (i == lines.size()) return result;
  result.header = *SplitCsvLine(lines[i++]);
  const std::vector<std::string> key_columns = RulesFor(table).key;
  for (; i < lines.size(); ++i) {
    if (IsBlank(lines[i])) continue;
    ++result.counters.rows_in;
    const auto fields = SplitCsvLine(lines[i]);
    if (!fields || fields->size() != result.header.size()) {
      result.counters.Reject("malformed_record");
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < fields->size(); ++c) row[result.header[c]] = (*fields)[c];
    const std::string reason = ValidateRow(table, row);
    if (!reason.empty()) {
      result.counters.Reject(reason);
      continue;
    }
    // An empty field is null, so null equals null here.
    std::string key;
    for (size_t k = 0; k < key_columns.size(); ++k) {
      if (k > 0) key += kKeySeparator;
      key += row[key_columns[k]];
    }
    if (result.rows.count(key) > 0) {
      result.counters.Reject("duplicate_key");
      continue;
    }
    ++result.counters.rows_kept;
    result.rows[key] = row;
  }
  return result;
}

std::optional<int64_t> ParseTimestamp(std::string_view s) {
  auto digits = [&](size_t pos, size_t n) -> std::optional<int> {
    if (pos + n > s.size() || !AllDigits(s.substr(pos, n))) return std::nullopt;
    return std::stoi(std::string(s.substr(pos, n)));
  };
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2),
             mi = digits(14, 2), se = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  if (!RealDate(*y, *mo, *d) || *h > 23 || *mi > 59 || *se > 59) return std::nullopt;
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t n = 0;
    while (pos + n < s.size() && s[pos + n] >= '0' && s[pos + n] <= '9') ++n;
    if (n < 1 || n > 9) return std::nullopt;
    std::string fraction(s.substr(pos, n));
    fraction.resize(6, '0');
    micros = std::stoll(fraction.substr(0, 6));
    pos += n;
  }
  int64_t offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
      if (pos + 6 != s.size() || s[pos + 3] != ':' || !oh || !om || *oh > 23 || *om > 59) {
        return std::nullopt;
      }
      offset_minutes = (s[pos] == '-' ? -1 : 1) * (*oh * 60 + *om);
      pos += 6;
    }
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t seconds =
      DaysFromCivil(*y, *mo, *d) * 86400 + *h * 3600 + *mi * 60 + *se - offset_minutes * 60;
  return seconds * 1'000'000 + micros;
}

EventsResult ReadEvents(std::string_view bytes, const std::set<std::string>& users,
                        const std::set<std::string>& videos) {
  EventsResult result;
  simdjson::dom::parser parser;
  std::set<std::tuple<std::string, std::string, int64_t, std::string, std::string, std::string>>
      seen;
  const auto lines = SplitLines(bytes);
  for (size_t n = 0; n < lines.size(); ++n) {
    const std::string& line = lines[n];
    if (IsBlank(line)) continue;
    Counters& c = result.counters;
    ++c.rows_in;
    simdjson::dom::element doc;
    if (parser.parse(simdjson::padded_string(line)).get(doc) != simdjson::SUCCESS ||
        !doc.is_object()) {
      c.Reject("malformed_record");
      continue;
    }
    const simdjson::dom::object obj = doc.get_object().value();
    auto field = [&](const char* name) -> std::optional<simdjson::dom::element> {
      simdjson::dom::element e;
      if (obj[name].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
      return e;
    };
    auto text = [&](const char* name) -> std::optional<std::string> {
      const auto e = field(name);
      if (!e || !e->is_string()) return std::nullopt;
      return std::string(e->get_string().value());
    };
    const auto ts = field("timestamp"), user = field("user_id"), name = field("event_name"),
               session = field("session_id");
    if (!ts || !user || !name || !session) {
      c.Reject("missing_required");
      continue;
    }
    const std::optional<int64_t> micros =
        ts->is_string() ? ParseTimestamp(ts->get_string().value()) : std::nullopt;
    if (!micros) {
      c.Reject("invalid_timestamp");
      continue;
    }
    const auto event_name = text("event_name");
    if (!event_name || kEventNames.count(*event_name) == 0) {
      c.Reject("unknown_event_name");
      continue;
    }
    const auto value = field("value");
    std::optional<double> numeric;
    if (value && value->is_number()) numeric = value->get_double().value();
    if (*event_name == "watch_time") {
      if (!value) {
        c.Reject("missing_required");
        continue;
      }
      if (!numeric || !std::isfinite(*numeric) || *numeric < 0 || *numeric > 86400) {
        c.Reject("invalid_value");
        continue;
      }
    }
    const auto user_id = text("user_id");
    if (!user_id || users.count(*user_id) == 0) {
      c.Reject("unknown_user");
      continue;
    }
    const auto video = field("video_id");
    const auto video_id = text("video_id");
    if (video && (!video_id || videos.count(*video_id) == 0)) {
      c.Reject("unknown_video");
      continue;
    }
    const std::string session_id = text("session_id").value_or("");
    const auto key =
        std::make_tuple(*user_id, session_id, *micros, *event_name, video_id.value_or("\x01null"),
                        numeric ? std::to_string(*numeric) : "\x01null");
    if (!seen.insert(key).second) {
      ++c.rows_duplicate;
      continue;
    }
    ++c.rows_kept;
    result.kept.push_back(KeptEvent{static_cast<int64_t>(n + 1), *micros, *user_id, session_id,
                                    *event_name, video_id, numeric, text("device_os"),
                                    text("app_version"), text("device")});
  }
  return result;
}

std::vector<SessionFacts> BuildSessions(const std::vector<KeptEvent>& events,
                                        const std::map<std::string, std::string>& genre_of_video) {
  std::map<std::pair<std::string, std::string>, std::vector<const KeptEvent*>> by_session;
  for (const KeptEvent& e : events) by_session[{e.user_id, e.session_id}].push_back(&e);
  std::vector<SessionFacts> sessions;
  for (auto& [key, list] : by_session) {
    // Earliest first; ties by event_name, then input order (list is in input order).
    std::stable_sort(list.begin(), list.end(), [](const KeptEvent* a, const KeptEvent* b) {
      return std::tie(a->micros, a->event_name) < std::tie(b->micros, b->event_name);
    });
    SessionFacts s;
    s.user_id = key.first;
    s.session_id = key.second;
    s.start = list.front()->micros;
    s.device_os = list.front()->device_os.value_or("");
    s.app_version = list.front()->app_version.value_or("");
    std::map<std::string, double> watch_by_genre;
    for (const KeptEvent* e : list) {
      if (e->event_name != "watch_time") continue;
      s.watch_seconds += *e->value;
      if (e->video_id && *e->value > 0)
        watch_by_genre[genre_of_video.at(*e->video_id)] += *e->value;
    }
    s.genre = "Unknown";
    double best = 0;
    for (const auto& [genre, seconds] : watch_by_genre) {
      if (seconds > best) {
        best = seconds;
        s.genre = genre;
      }
    }
    if (watch_by_genre.empty()) {
      for (const KeptEvent* e : list) {
        if (e->video_id) {
          s.genre = genre_of_video.at(*e->video_id);
          break;
        }
      }
    }
    sessions.push_back(s);
  }
  return sessions;
}

Metrics ComputeMetrics(const std::vector<SessionFacts>& sessions,
                       const std::set<std::string>& users) {
  Metrics m;
  std::map<std::string, std::vector<const SessionFacts*>> by_user;
  for (const SessionFacts& s : sessions) {
    by_user[s.user_id].push_back(&s);
    if (!s.device_os.empty() && !s.app_version.empty()) {
      auto& seg = m.segments[{s.device_os, s.app_version}];
      ++seg.first;
      if (s.watch_seconds < 30) ++seg.second;
    }
  }
  for (auto& [user, list] : by_user) {
    if (users.count(user) == 0) continue;
    std::sort(list.begin(), list.end(), [](const SessionFacts* a, const SessionFacts* b) {
      return std::tie(a->start, a->session_id) < std::tie(b->start, b->session_id);
    });
    ++m.new_users;
    if (list[0]->watch_seconds >= 30) ++m.reached_30s;
    GenreRetention& g = m.by_genre[list[0]->genre];
    ++g.new_users;
    if (list.size() >= 2 && list[1]->start - list[0]->start <= 72LL * 3600 * 1'000'000) {
      ++g.returned_within_3d;
    }
  }
  return m;
}

}  // namespace streampro::testing
