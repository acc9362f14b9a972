#include "report/answers.h"

#include <cmath>

#include <fmt/format.h>

namespace streampro::report {

std::string FormatPercent(double percent) {
  if (!std::isfinite(percent)) return "n/a";
  return fmt::format("{:.1f}%", percent);
}

std::string FormatPercentRange(double low, double high) {
  if (!std::isfinite(low) || !std::isfinite(high)) return "n/a";
  return fmt::format("{:.1f}-{:.1f}%", low, high);
}

std::string FormatRate(double rate) {
  return FormatPercent(rate * 100);
}

std::string CountNoun(int64_t count, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", count, count == 1 ? singular : plural);
}

std::string Q1Answer(const Q1& q1) {
  const std::string never_active = CountNoun(q1.never_active, "user", "users") + " never active";
  if (q1.new_users == 0 || !q1.pct) {
    return fmt::format("No new users: no user's first session is in the lake; {}", never_active);
  }
  std::string interval;
  if (q1.ci_low && q1.ci_high) {
    interval = fmt::format(" (95% CI {})", FormatPercentRange(*q1.ci_low, *q1.ci_high));
  }
  return fmt::format("{} of {} reached 30 s of watch time in their first session{}; {}",
                     FormatPercent(*q1.pct), CountNoun(q1.new_users, "new user", "new users"),
                     interval, never_active);
}

const GenreRow* BestGenre(const Q2& q2) {
  if (!q2.best_genre) return nullptr;
  for (const GenreRow& row : q2.genres) {
    if (row.rank && row.genre == *q2.best_genre) return &row;
  }
  return nullptr;
}

const GenreRow* RunnerUpGenre(const Q2& q2) {
  const GenreRow* best = BestGenre(q2);
  if (best == nullptr) return nullptr;
  const GenreRow* runner_up = nullptr;
  for (const GenreRow& row : q2.genres) {
    if (!row.rank || &row == best || *row.rank < *best->rank) continue;
    if (runner_up == nullptr || *row.rank < *runner_up->rank) runner_up = &row;
  }
  return runner_up;
}

namespace {

std::string GenreRetention(const GenreRow& row) {
  return fmt::format("{} (95% CI {})", FormatRate(row.retention_rate),
                     FormatPercentRange(row.ci_low * 100, row.ci_high * 100));
}

}  // namespace

std::string Q2Answer(const Q2& q2) {
  const GenreRow* best = BestGenre(q2);
  if (best == nullptr) {
    if (q2.genres.empty()) return "No genre to rank: there are no new users";
    return "No genre can be named best: no new user's first session has a known genre";
  }
  std::string answer = fmt::format("{} retains best: {} of {} returned within 3 days", best->genre,
                                   FormatRate(best->retention_rate),
                                   CountNoun(best->new_users, "new user", "new users"));
  answer +=
      fmt::format(" (95% CI {})", FormatPercentRange(best->ci_low * 100, best->ci_high * 100));
  const GenreRow* runner_up = RunnerUpGenre(q2);
  if (runner_up == nullptr || !q2.best_overlaps_runner_up) {
    answer += "; there is no runner-up to compare with";
  } else if (*q2.best_overlaps_runner_up) {
    answer += fmt::format("; not clearly ahead: its interval overlaps that of the runner-up {}, {}",
                          runner_up->genre, GenreRetention(*runner_up));
  } else {
    answer += fmt::format("; clearly ahead of the runner-up {}, {}", runner_up->genre,
                          GenreRetention(*runner_up));
  }
  return answer;
}

std::string Q3Answer(const Q3& q3) {
  const std::string tested = CountNoun(q3.segments_tested, "segment", "segments");
  if (q3.abnormal.empty()) {
    return fmt::format("No segment has an abnormal drop-off rate ({} tested, min {} sessions)",
                       tested, q3.min_sessions);
  }
  return fmt::format("{} {} an abnormal drop-off rate ({} tested, min {} sessions), worst first:",
                     CountNoun(static_cast<int64_t>(q3.abnormal.size()), "segment", "segments"),
                     q3.abnormal.size() == 1 ? "has" : "have", tested, q3.min_sessions);
}

std::string SegmentAnswer(const SegmentRow& row) {
  const std::string rest = row.rest_rate ? FormatRate(*row.rest_rate) : std::string("n/a");
  const std::string lift = row.lift && std::isfinite(*row.lift)
                               ? fmt::format("lift {:.2f}", *row.lift)
                               : std::string("lift n/a (no drop-off elsewhere)");
  const std::string q = row.q_value && std::isfinite(*row.q_value)
                            ? fmt::format("q {:.2g}", *row.q_value)
                            : std::string("q n/a");
  return fmt::format("{} {}: {} drop-off vs {} in other sessions, {}, {} ({} of {})", row.dimension,
                     row.segment, FormatRate(row.drop_off_rate), rest, lift, q, row.drop_offs,
                     CountNoun(row.sessions, "session", "sessions"));
}

std::optional<double> OverallDropOffRate(const Q3& q3) {
  if (q3.sessions <= 0) return std::nullopt;
  return static_cast<double>(q3.drop_offs) / static_cast<double>(q3.sessions);
}

}  // namespace streampro::report
