#include "enrich/sessions.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <unordered_map>
#include <utility>

#include "formats/jsonl/event_schema.h"

namespace streampro::enrich::internal {

namespace {

namespace jsonl = formats::jsonl;

constexpr std::string_view kWatchTime = "watch_time";

Status CheckEventsSchema(const RecordBatch& events) {
  const Schema& expected = *EnrichEventsSchema();
  const Schema& actual = *events.schema();
  bool same = actual.num_fields() == expected.num_fields();
  for (int i = 0; same && i < expected.num_fields(); ++i) {
    same = actual.field(i).name == expected.field(i).name &&
           actual.field(i).type == expected.field(i).type;
  }
  if (!same) {
    return Status::InvalidArgument(
        fmt::format("enriched stage expects events with schema [{}], got [{}]", expected.ToString(),
                    actual.ToString()));
  }
  for (const int column :
       {static_cast<int>(jsonl::kTimestampColumn), static_cast<int>(jsonl::kUserIdColumn),
        static_cast<int>(jsonl::kEventNameColumn), static_cast<int>(jsonl::kSessionIdColumn),
        static_cast<int>(jsonl::kSourceLineColumn), kIngestionDateColumn}) {
    if (events.column(column).null_count() != 0) {
      return Status::InvalidData(
          fmt::format("events column {} holds nulls", expected.field(column).name));
    }
  }
  return Status::OK();
}

/// The sort key of one event row. Strings are replaced by dense ranks that order like the
/// strings (bytes), so that the sort compares integers only: `session` ranks
/// (user_id, session_id), `name` ranks event_name.
struct RowKey {
  uint32_t session;
  uint32_t name;
  int64_t timestamp;
  int64_t line;
  int32_t date;
  uint32_t row;

  /// SPEC §7 input order: ingestion date, then source line.
  bool InputBefore(const RowKey& other) const {
    if (date != other.date) return date < other.date;
    return line < other.line;
  }
  /// Session, then (timestamp, event_name, input order) within it.
  bool operator<(const RowKey& other) const {
    if (session != other.session) return session < other.session;
    if (timestamp != other.timestamp) return timestamp < other.timestamp;
    if (name != other.name) return name < other.name;
    return InputBefore(other);
  }
};

/// Gives each distinct key a dense id in first-seen order, then ranks the ids by key.
template <typename Key, typename Hash>
class DenseRanker {
 public:
  explicit DenseRanker(size_t expected) { ids_.reserve(expected); }

  uint32_t IdOf(const Key& key) {
    const auto [it, inserted] = ids_.try_emplace(key, static_cast<uint32_t>(keys_.size()));
    if (inserted) keys_.push_back(key);
    return it->second;
  }

  /// Sorts the distinct keys; afterwards RankOf(id) orders ids like their keys and
  /// KeyOfRank(rank) gives the key back.
  void Rank() {
    by_rank_.resize(keys_.size());
    std::iota(by_rank_.begin(), by_rank_.end(), uint32_t{0});
    std::sort(by_rank_.begin(), by_rank_.end(),
              [this](uint32_t a, uint32_t b) { return keys_[a] < keys_[b]; });
    rank_of_.resize(keys_.size());
    for (uint32_t rank = 0; rank < by_rank_.size(); ++rank) rank_of_[by_rank_[rank]] = rank;
  }
  uint32_t RankOf(uint32_t id) const { return rank_of_[id]; }
  const Key& KeyOfRank(uint32_t rank) const { return keys_[by_rank_[rank]]; }
  std::optional<uint32_t> FindRank(const Key& key) const {
    const auto it = ids_.find(key);
    if (it == ids_.end()) return std::nullopt;
    return rank_of_[it->second];
  }

 private:
  std::unordered_map<Key, uint32_t, Hash> ids_;
  std::vector<Key> keys_;
  std::vector<uint32_t> by_rank_;
  std::vector<uint32_t> rank_of_;
};

/// Sums the watch_time values of one session in input order, overall and per genre.
class WatchAccumulator {
 public:
  /// Takes the watch_time rows among `rows` (one session) in input order.
  void Collect(std::span<const RowKey> rows, std::optional<uint32_t> watch_time_rank,
               const Column& values) {
    watch_rows_.clear();
    if (!watch_time_rank) return;
    for (const RowKey& key : rows) {
      if (key.name == *watch_time_rank && values.IsValid(key.row)) watch_rows_.push_back(key);
    }
    const auto input_order = [](const RowKey& a, const RowKey& b) { return a.InputBefore(b); };
    if (!std::is_sorted(watch_rows_.begin(), watch_rows_.end(), input_order)) {
      std::sort(watch_rows_.begin(), watch_rows_.end(), input_order);
    }
  }

  /// The session's watch seconds, and its genre by watch seconds (nullopt when no genre
  /// has more than 0 seconds).
  std::pair<double, std::optional<std::string_view>> Sum(const Column& values,
                                                         const Column& video_ids,
                                                         const VideoGenres& genres) {
    genre_sums_.clear();
    double total = 0;
    const std::span<const double> value = values.double_values();
    for (const RowKey& key : watch_rows_) {
      const double seconds = value[key.row];
      total += seconds;
      if (video_ids.IsNull(key.row)) continue;
      const std::optional<std::string_view> genre = genres.GenreOf(video_ids.string_value(key.row));
      if (!genre) continue;
      auto it = std::find_if(genre_sums_.begin(), genre_sums_.end(),
                             [&](const auto& entry) { return entry.first == *genre; });
      if (it == genre_sums_.end()) {
        genre_sums_.emplace_back(*genre, seconds);
      } else {
        it->second += seconds;
      }
    }
    std::optional<std::string_view> best;
    double best_sum = 0;
    for (const auto& [genre, sum] : genre_sums_) {
      if (!(sum > 0)) continue;
      if (!best || sum > best_sum || (sum == best_sum && genre < *best)) {
        best = genre;
        best_sum = sum;
      }
    }
    return {total, best};
  }

 private:
  std::vector<RowKey> watch_rows_;
  std::vector<std::pair<std::string_view, double>> genre_sums_;
};

/// Numbers the sessions of each user 1, 2, ... by (start, session_id); `sessions` holds
/// each user's sessions consecutively and is reordered within each user.
void NumberSessions(std::vector<Session>* sessions) {
  auto begin = sessions->begin();
  while (begin != sessions->end()) {
    auto end = std::find_if(begin, sessions->end(),
                            [&](const Session& s) { return s.user_id != begin->user_id; });
    std::sort(begin, end, [](const Session& a, const Session& b) {
      if (a.start != b.start) return a.start < b.start;
      return a.session_id < b.session_id;
    });
    int32_t number = 1;
    for (auto it = begin; it != end; ++it) it->number = number++;
    begin = end;
  }
}

}  // namespace

Result<std::vector<Session>> BuildSessions(const RecordBatch& events, const VideoGenres& genres) {
  RETURN_NOT_OK(CheckEventsSchema(events));
  const int64_t num_rows = events.num_rows();
  if (num_rows > int64_t{UINT32_MAX}) {
    return Status::InvalidArgument("an events bucket is limited to 2^32 - 1 rows");
  }
  const size_t rows = static_cast<size_t>(num_rows);
  const Column& user_ids = events.column(jsonl::kUserIdColumn);
  const Column& session_ids = events.column(jsonl::kSessionIdColumn);
  const Column& event_names = events.column(jsonl::kEventNameColumn);
  const std::span<const int64_t> timestamps = events.column(jsonl::kTimestampColumn).int64_values();
  const std::span<const int64_t> lines = events.column(jsonl::kSourceLineColumn).int64_values();
  const std::span<const int32_t> dates = events.column(kIngestionDateColumn).int32_values();

  // One hash lookup per row turns the strings into ids; ranking the few distinct keys
  // then lets one integer sort order the rows by (user_id, session_id, timestamp,
  // event_name, ingestion_date, source_line).
  DenseRanker<ViewPair, ViewPairHash> session_ranker(rows / 4 + 1);
  DenseRanker<std::string_view, std::hash<std::string_view>> name_ranker(16);
  std::vector<RowKey> keys(rows);
  // Events of a session tend to sit on neighbouring lines: reuse the previous row's ids
  // when its strings are the same, and skip the hash lookups.
  ViewPair previous_id;
  uint32_t previous_session = 0;
  std::string_view previous_name;
  uint32_t previous_name_id = 0;
  for (size_t row = 0; row < rows; ++row) {
    const auto r = static_cast<int64_t>(row);
    const ViewPair id{user_ids.string_value(r), session_ids.string_value(r)};
    if (row == 0 || id != previous_id) {
      previous_session = session_ranker.IdOf(id);
      previous_id = id;
    }
    const std::string_view name = event_names.string_value(r);
    if (row == 0 || name != previous_name) {
      previous_name_id = name_ranker.IdOf(name);
      previous_name = name;
    }
    keys[row] = RowKey{previous_session, previous_name_id, timestamps[row],
                       lines[row],       dates[row],       static_cast<uint32_t>(row)};
  }
  session_ranker.Rank();
  name_ranker.Rank();
  for (RowKey& key : keys) {
    key.session = session_ranker.RankOf(key.session);
    key.name = name_ranker.RankOf(key.name);
  }
  std::sort(keys.begin(), keys.end());
  const std::optional<uint32_t> watch_time_rank = name_ranker.FindRank(kWatchTime);

  const Column& values = events.column(jsonl::kValueColumn);
  const Column& video_ids = events.column(jsonl::kVideoIdColumn);
  std::vector<Session> sessions;
  WatchAccumulator watch;
  size_t begin = 0;
  while (begin < rows) {
    size_t end = begin + 1;
    while (end < rows && keys[end].session == keys[begin].session) ++end;
    const std::span<const RowKey> own(keys.data() + begin, end - begin);

    Session session;
    const ViewPair& id = session_ranker.KeyOfRank(own.front().session);
    session.user_id = id.first;
    session.session_id = id.second;
    session.start = own.front().timestamp;
    session.end = own.back().timestamp;
    session.event_count = static_cast<int64_t>(own.size());
    session.attribute_row = own.front().row;

    watch.Collect(own, watch_time_rank, values);
    const auto [watch_seconds, top_genre] = watch.Sum(values, video_ids, genres);
    session.watch_seconds = watch_seconds;
    if (top_genre) {
      session.genre = *top_genre;
    } else {
      // Rows are in (timestamp, event_name, input order): the first known video wins.
      session.genre = kUnknownGenre;
      for (const RowKey& key : own) {
        if (video_ids.IsNull(key.row)) continue;
        if (auto genre = genres.GenreOf(video_ids.string_value(key.row))) {
          session.genre = *genre;
          break;
        }
      }
    }
    sessions.push_back(session);
    begin = end;
  }
  NumberSessions(&sessions);
  return sessions;
}

void AppendUserSessions(std::span<const Session> sessions, const RecordBatch& events,
                        RecordBatch* out) {
  enum : int {
    kUserId,
    kSessionId,
    kSessionNumber,
    kSessionStart,
    kSessionEnd,
    kDurationSeconds,
    kEventCount,
    kWatchSeconds,
    kGenre,
    kDeviceOs,
    kAppVersion,
    kDevice,
    kNetworkType,
    kCountry,
    kReached30s,
    kHoursSincePrevious,
  };
  out->Reserve(out->num_rows() + static_cast<int64_t>(sessions.size()));
  for (size_t i = 0; i < sessions.size(); ++i) {
    const Session& session = sessions[i];
    out->column(kUserId).AppendString(session.user_id);
    out->column(kSessionId).AppendString(session.session_id);
    out->column(kSessionNumber).AppendInt32(session.number);
    out->column(kSessionStart).AppendInt64(session.start);
    out->column(kSessionEnd).AppendInt64(session.end);
    out->column(kDurationSeconds).AppendDouble(MicrosToSeconds(session.end - session.start));
    out->column(kEventCount).AppendInt64(session.event_count);
    out->column(kWatchSeconds).AppendDouble(session.watch_seconds);
    out->column(kGenre).AppendString(session.genre);
    const int64_t row = session.attribute_row;
    out->column(kDeviceOs).AppendFrom(events.column(jsonl::kDeviceOsColumn), row);
    out->column(kAppVersion).AppendFrom(events.column(jsonl::kAppVersionColumn), row);
    out->column(kDevice).AppendFrom(events.column(jsonl::kDeviceColumn), row);
    out->column(kNetworkType).AppendFrom(events.column(jsonl::kNetworkTypeColumn), row);
    out->column(kCountry).AppendFrom(events.column(jsonl::kCountryColumn), row);
    out->column(kReached30s).AppendBool(session.reached_30s());
    if (session.number == 1) {
      out->column(kHoursSincePrevious).AppendNull();
    } else {
      out->column(kHoursSincePrevious)
          .AppendDouble(MicrosToHours(session.start - sessions[i - 1].start));
    }
  }
}

}  // namespace streampro::enrich::internal
