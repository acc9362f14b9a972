#include "enrich/journey.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "common/date.h"

namespace streampro::enrich::internal {

namespace {

enum : int {
  kUserId,
  kSignupDate,
  kSubscriptionTier,
  kAgeGroup,
  kGender,
  kFirstSessionId,
  kFirstSessionStart,
  kFirstSessionWatchSeconds,
  kFirstSessionReached30s,
  kFirstSessionGenre,
  kSecondSessionStart,
  kHoursToSecondSession,
  kReturnedWithin3d,
  kTotalSessions,
  kTotalWatchSeconds,
  kActiveDays,
  kLastSeen,
};

/// The users columns the journey copies; optional ones may be absent (-1, read as null).
struct UserColumns {
  int user_id = -1;
  int signup_date = -1;
  int subscription_tier = -1;
  int age_group = -1;
  int gender = -1;
};

Result<UserColumns> FindUserColumns(const RecordBatch& users) {
  const Schema& schema = *users.schema();
  UserColumns columns{schema.FieldIndex("user_id"), schema.FieldIndex("signup_date"),
                      schema.FieldIndex("subscription_tier"), schema.FieldIndex("age_group"),
                      schema.FieldIndex("gender")};
  const auto has_type = [&](int column, TypeId type) {
    return column >= 0 && schema.field(column).type == type;
  };
  if (!has_type(columns.user_id, TypeId::kString) ||
      !has_type(columns.signup_date, TypeId::kDate32) ||
      !has_type(columns.subscription_tier, TypeId::kString) ||
      (columns.age_group >= 0 && !has_type(columns.age_group, TypeId::kString)) ||
      (columns.gender >= 0 && !has_type(columns.gender, TypeId::kString))) {
    return Status::InvalidArgument(fmt::format(
        "users batch needs user_id string, signup_date date32, subscription_tier string "
        "(age_group, gender optional strings), got: {}",
        schema.ToString()));
  }
  return columns;
}

void AppendOptional(const RecordBatch& users, int column, int64_t row, Column* out) {
  if (column < 0) {
    out->AppendNull();
  } else {
    out->AppendFrom(users.column(column), row);
  }
}

int32_t UtcDay(int64_t micros) {
  int64_t day = micros / kMicrosPerDay;
  if (micros % kMicrosPerDay < 0) --day;
  return static_cast<int32_t>(day);
}

/// Q2 counts per first-session genre for this bucket; few genres, so a linear scan.
class GenreTally {
 public:
  void Add(std::string_view genre, bool returned, double watch_seconds) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const auto& entry) { return entry.first == genre; });
    if (it == entries_.end()) {
      entries_.emplace_back(genre, GenreCounts{});
      it = std::prev(entries_.end());
    }
    it->second.new_users += 1;
    it->second.returned_within_3d += returned ? 1 : 0;
    it->second.first_session_watch_seconds_sum += watch_seconds;
  }

  void MergeInto(Partials* partials) const {
    Partials bucket;
    for (const auto& [genre, counts] : entries_) bucket.genres.emplace(std::string(genre), counts);
    partials->Merge(bucket);
  }

 private:
  std::vector<std::pair<std::string_view, GenreCounts>> entries_;
};

}  // namespace

Status AppendUserJourneys(std::span<const Session> sessions, const RecordBatch& users,
                          RecordBatch* out, Partials* partials) {
  ASSIGN_OR_RETURN(const UserColumns columns, FindUserColumns(users));
  const Column& user_ids = users.column(columns.user_id);
  std::vector<uint32_t> order(static_cast<size_t>(users.num_rows()));
  std::iota(order.begin(), order.end(), uint32_t{0});
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return user_ids.string_value(a) < user_ids.string_value(b);
  });

  out->Reserve(out->num_rows() + users.num_rows());
  GenreTally genres;
  std::vector<int32_t> days;
  size_t next = 0;  // first session whose user_id is >= the current user's
  for (const uint32_t row : order) {
    const std::string_view user_id = user_ids.string_value(row);
    while (next < sessions.size() && sessions[next].user_id < user_id) ++next;
    size_t end = next;
    while (end < sessions.size() && sessions[end].user_id == user_id) ++end;
    const std::span<const Session> own = sessions.subspan(next, end - next);

    out->column(kUserId).AppendString(user_id);
    out->column(kSignupDate).AppendFrom(users.column(columns.signup_date), row);
    out->column(kSubscriptionTier).AppendFrom(users.column(columns.subscription_tier), row);
    AppendOptional(users, columns.age_group, row, &out->column(kAgeGroup));
    AppendOptional(users, columns.gender, row, &out->column(kGender));

    if (own.empty()) {
      for (const int column :
           {kFirstSessionId, kFirstSessionStart, kFirstSessionWatchSeconds, kFirstSessionReached30s,
            kFirstSessionGenre, kSecondSessionStart, kHoursToSecondSession, kReturnedWithin3d}) {
        out->column(column).AppendNull();
      }
      out->column(kTotalSessions).AppendInt64(0);
      out->column(kTotalWatchSeconds).AppendDouble(0);
      out->column(kActiveDays).AppendInt32(0);
      out->column(kLastSeen).AppendNull();
      partials->never_active += 1;
      continue;
    }

    const Session& first = own.front();
    out->column(kFirstSessionId).AppendString(first.session_id);
    out->column(kFirstSessionStart).AppendInt64(first.start);
    out->column(kFirstSessionWatchSeconds).AppendDouble(first.watch_seconds);
    out->column(kFirstSessionReached30s).AppendBool(first.reached_30s());
    out->column(kFirstSessionGenre).AppendString(first.genre);
    bool returned = false;
    if (own.size() >= 2) {
      const int64_t gap = own[1].start - first.start;
      returned = gap <= kReturnWindowMicros;
      out->column(kSecondSessionStart).AppendInt64(own[1].start);
      out->column(kHoursToSecondSession).AppendDouble(MicrosToHours(gap));
    } else {
      out->column(kSecondSessionStart).AppendNull();
      out->column(kHoursToSecondSession).AppendNull();
    }
    out->column(kReturnedWithin3d).AppendBool(returned);

    double total_watch = 0;
    int64_t last_seen = first.end;
    days.clear();
    for (const Session& session : own) {
      total_watch += session.watch_seconds;
      last_seen = std::max(last_seen, session.end);
      days.push_back(UtcDay(session.start));
    }
    std::sort(days.begin(), days.end());
    const auto active_days = std::unique(days.begin(), days.end()) - days.begin();
    out->column(kTotalSessions).AppendInt64(static_cast<int64_t>(own.size()));
    out->column(kTotalWatchSeconds).AppendDouble(total_watch);
    out->column(kActiveDays).AppendInt32(static_cast<int32_t>(active_days));
    out->column(kLastSeen).AppendInt64(last_seen);

    partials->new_users += 1;
    partials->reached_30s += first.reached_30s() ? 1 : 0;
    genres.Add(first.genre, returned, first.watch_seconds);
  }
  genres.MergeInto(partials);
  return Status::OK();
}

}  // namespace streampro::enrich::internal
