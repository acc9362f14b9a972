#pragma once

// Helpers of the end-to-end tests: run the real `streampro` binary, read what it wrote
// (report.json, the lake's file list, Parquet partitions) and compare doubles.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "streampro/status.h"

namespace streampro::e2e {

/// What one run of the binary did.
struct RunResult {
  int exit_code = -1;  ///< -1 when the process did not exit normally
  std::string out;
  std::string err;
};

/// Runs the streampro binary with `args` from the source tree (so `--env test` finds
/// config/test.env). The child gets this process's environment without any STREAMPRO_*
/// variable, then `env` on top, so a developer's shell cannot change the answers.
RunResult RunStreampro(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {});

/// Runs the program `argv[0]` (a path) as RunStreampro runs the binary: from the source
/// tree, without STREAMPRO_* variables, with `env` on top.
RunResult RunProgram(std::vector<std::string> argv,
                     const std::map<std::string, std::string>& env = {});

/// The binary running, its stderr (or, in a pseudo-terminal, all of its output) read as it
/// comes: for tests that act while it runs (a signal, a key typed at the terminal).
class LiveRun {
 public:
  /// Starts `streampro args` from the source tree with `env` as RunStreampro does. With
  /// `terminal`, the child runs in a new pseudo-terminal (250 columns) as its foreground
  /// process; else its stderr is a pipe and its stdout /dev/null.
  LiveRun(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
          bool terminal);
  /// Kills a child still running.
  ~LiveRun();
  LiveRun(const LiveRun&) = delete;
  LiveRun& operator=(const LiveRun&) = delete;

  bool started() const { return pid_ > 0 && fd_ >= 0; }
  /// Reads until the output holds `needle` (true), or it ends, or 300 s pass (false).
  bool WaitFor(const std::string& needle);
  void Signal(int signal_number);
  /// Pseudo-terminal only: what the user types (0x03 is Ctrl-C). False if not written.
  bool Type(const std::string& bytes);
  /// Reads the rest of the output and reaps the child: its exit code, or -1 when a signal
  /// ended it.
  int Wait();
  const std::string& output() const { return output_; }

 private:
  // False at the end of the output (EOF, or EIO once a pseudo-terminal's child is gone).
  bool ReadSome(int timeout_ms);

  int pid_ = -1;
  int fd_ = -1;
  bool reaped_ = false;
  std::string output_;
};

/// Runs streampro as RunStreampro does, sends it `signal_number` as soon as its stderr
/// holds `needle`, and returns how it ended (`err`: its stderr). A needle that never comes
/// is a test failure; the child is then killed.
RunResult SignalWhen(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env, const std::string& needle,
                     int signal_number);

/// `streampro pipeline --env test --landing LANDING --lake LAKE --ingestion-date DATE`.
RunResult RunPipeline(const std::string& landing, const std::string& lake, const std::string& date,
                      const std::map<std::string, std::string>& env = {});

/// The Python of scripts/install-engines' virtualenv (pyarrow, pyiceberg, ...); a test
/// failure and "" when there is none.
std::string EnginesPython();

/// The whole file, or "" when it cannot be read (the caller's expectations then fail).
std::string ReadFileOrEmpty(const std::string& path);

/// tests/golden/<name> in the source tree.
std::string GoldenDir(const std::string& name);

/// LAKE/reports/ingestion_date=DATE/<file>.
std::string ReportPath(const std::string& lake, const std::string& date,
                       const std::string& file = "report.json");

/// Every regular file under `root` (hidden ones included), as paths relative to `root`,
/// sorted. Empty when `root` does not exist.
std::vector<std::string> ListFiles(const std::string& root);

/// The files of ListFiles(root) whose path contains `fragment`.
std::vector<std::string> ListFiles(const std::string& root, const std::string& fragment);

/// One Parquet row: column name -> value as text, nullopt for null. Strings as stored,
/// integers in decimal, doubles in shortest round-trip form, booleans `true`/`false`,
/// dates `YYYY-MM-DD`, timestamps `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`.
using Row = std::map<std::string, std::optional<std::string>>;

/// All rows of the `part-*.parquet` files in `folder`, files in name order.
Result<std::vector<Row>> ReadPartition(const std::string& folder);

/// A parsed JSON document addressed by JSON pointers (RFC 6901, e.g. "/q1/new_users").
/// A getter whose pointer is missing or of another type records a test failure naming
/// the pointer and returns a value no expectation uses (INT64_MIN, NaN, "<missing ...>").
class JsonDocument {
 public:
  /// Parses `text`; ok() tells whether it was JSON.
  explicit JsonDocument(std::string text);
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& text() const { return text_; }

  bool Has(const std::string& pointer) const;
  bool IsNull(const std::string& pointer) const;
  int64_t Int(const std::string& pointer) const;
  /// Integers are accepted too (a writer may print 50.0 as 50).
  double Double(const std::string& pointer) const;
  std::string String(const std::string& pointer) const;
  bool Bool(const std::string& pointer) const;
  /// Number of elements of an array or members of an object.
  size_t Size(const std::string& pointer) const;
  /// Member names of an object, in document order.
  std::vector<std::string> Keys(const std::string& pointer) const;
  /// The value re-serialised without whitespace (for comparing whole subtrees).
  std::string Minified(const std::string& pointer) const;

  /// Index of the first element of the array at `array_pointer` for which every
  /// (relative pointer, string) pair matches, e.g. {{"/genre", "Drama"}}; -1 if none.
  int IndexWhere(const std::string& array_pointer,
                 const std::vector<std::pair<std::string, std::string>>& match) const;

 private:
  std::optional<simdjson::dom::element> Find(const std::string& pointer) const;

  std::string text_;
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
  std::string error_;
};

/// Reads and parses LAKE/reports/ingestion_date=DATE/report.json (an empty document
/// that is not ok() when the file is missing).
std::unique_ptr<JsonDocument> ReadReport(const std::string& lake, const std::string& date);

/// |actual - expected| <= 1e-12 * |expected|, with an absolute floor of 1e-13 so that
/// an expected 0 accepts rounding noise such as 5.6e-17.
::testing::AssertionResult IsClose(double actual, double expected);

// ---------------------------------------------------------------------------------------
// Expectations on report.json and the enriched tables
// ---------------------------------------------------------------------------------------

/// tables.<t> counters of SPEC §6.
struct TableCounts {
  int64_t rows_in = 0;
  int64_t rows_kept = 0;
  int64_t rows_rejected = 0;
  int64_t rows_duplicate = 0;
};
void ExpectTableCounts(const JsonDocument& report, const std::string& table,
                       const TableCounts& expected);

/// q1 of SPEC §6; pct and the interval in percent (0-100).
struct Q1 {
  int64_t new_users = 0;
  int64_t reached_30s = 0;
  int64_t never_active = 0;
  double pct = 0;
  double ci_low = 0;
  double ci_high = 0;
};
/// `base` is where the object is (a history entry's is "/history/N/q1").
void ExpectQ1(const JsonDocument& report, const Q1& expected, const std::string& base = "/q1");

/// One q2.genres element; rate and interval as proportions (0-1).
struct Genre {
  std::string name;
  std::optional<int64_t> rank;  ///< nullopt: Unknown, never ranked
  int64_t new_users = 0;
  int64_t returned_within_3d = 0;
  double retention_rate = 0;
  double ci_low = 0;
  double ci_high = 0;
  double avg_first_session_watch_seconds = 0;
};
/// The genre object at `base` (e.g. "/q2/genres/0", "/history/1/best_genre").
void ExpectGenre(const JsonDocument& report, const std::string& base, const Genre& genre);
/// q2.genres holds exactly `expected`, in that order (rank order, Unknown last).
void ExpectGenres(const JsonDocument& report, const std::vector<Genre>& expected);

/// `column` of every row of LAKE/enriched/<table>/ingestion_date=DATE, keyed by the
/// values of `key_columns` joined with '/'; null reads "null". A partition without part
/// files, an unreadable one, or a missing column is a test failure.
using ColumnByKey = std::map<std::string, std::string>;
ColumnByKey EnrichedColumn(const std::string& lake, const std::string& table,
                           const std::string& date, const std::vector<std::string>& key_columns,
                           const std::string& column);
/// values[key], or "<no row KEY>".
std::string Lookup(const ColumnByKey& values, const std::string& key);
/// values[key] as a double; NaN (close to nothing) when absent or null.
double LookupDouble(const ColumnByKey& values, const std::string& key);

}  // namespace streampro::e2e
