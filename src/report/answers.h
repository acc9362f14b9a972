#pragma once

// The three answers of SPEC §5 as plain sentences, shared by the terminal text and the
// HTML page so both say the same thing. Strings from the data are included as they are;
// each renderer makes them safe for its output (TerminalSafe, HtmlEscape).

#include <optional>
#include <string>

#include "report/report.h"

namespace streampro::report {

/// `71.4%` (one decimal) for a percentage 0-100; `n/a` when not finite.
std::string FormatPercent(double percent);
/// `61.6-79.4%` for an interval in percent.
std::string FormatPercentRange(double low, double high);
/// A proportion 0-1 shown as a percentage: FormatPercent(rate * 100).
std::string FormatRate(double rate);
/// `1 new user`, `96 new users`.
std::string CountNoun(int64_t count, std::string_view singular, std::string_view plural);

/// Q1, e.g. `71.4% of 96 new users reached 30 s of watch time in their first session
/// (95% CI 61.6-79.4%); 4 users never active`.
std::string Q1Answer(const Q1& q1);

/// The best ranked genre (`rank` set, named by best_genre), if any.
const GenreRow* BestGenre(const Q2& q2);
/// The ranked genre with the smallest rank after the best one, if any.
const GenreRow* RunnerUpGenre(const Q2& q2);

/// Q2: the best genre with its retention and interval and whether it is clearly ahead of
/// the runner-up; or why no genre can be named.
std::string Q2Answer(const Q2& q2);

/// Q3 headline: `No segment has an abnormal drop-off rate (N segments tested, min M
/// sessions)`, or how many are abnormal.
std::string Q3Answer(const Q3& q3);

/// One segment: `device_os iOS: 62.5% drop-off vs 30.1% in other sessions, lift 2.08,
/// q 3.1e-05 (75 of 120 sessions)`.
std::string SegmentAnswer(const SegmentRow& row);

/// Overall drop-off rate of all sessions; nullopt when there are none.
std::optional<double> OverallDropOffRate(const Q3& q3);

}  // namespace streampro::report
