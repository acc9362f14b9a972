#pragma once

// What the commands that write the lake share: the resolved settings of a run, the
// pipeline's work for one date (command_pipeline.cpp), the run log a run leaves
// (job_log.cpp), and the date loop of `backfill` and `--cascade` (command_backfill.cpp).

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "lake/lake_lock.h"
#include "pipeline/landing.h"
#include "pipeline/lineage.h"
#include "pipeline/run_log.h"
#include "pipeline/stage_options.h"
#include "pipeline/trino_engine.h"
#include "report/report.h"
#include "run_monitor.h"

namespace streampro::cli {

/// The options of a job command as parsed.
struct JobArgs {
  CommonOptions common;
  std::string landing;
  std::string lake;
  std::string format = "text";
  /// --cascade: rebuild the stale dates after the run's dates.
  bool cascade = false;
  /// --quiet: no progress lines.
  bool quiet = false;
  /// --engine (to-enriched, report, pipeline, backfill); empty: STREAMPRO_ENGINE.
  std::string engine;
  /// The command has --engine (AddEngineOption); the others ignore STREAMPRO_ENGINE.
  bool has_engine = false;
};

class JobLog;

/// A job command's settings, resolved.
struct JobContext {
  /// The ingestion date (--ingestion-date); a command over several dates sets it per date.
  Date date;
  std::string landing;
  std::string lake;
  StorageLocations storage;
  const CliEnvironment* environment = nullptr;
  std::string format;
  pipeline::StageOptions options;
  /// Progress lines go to stdout, or to stderr when stdout carries JSON or HTML.
  std::FILE* progress = stdout;
  /// --cascade.
  bool cascade = false;
  /// What the run did, for the run log; null for none.
  JobLog* log = nullptr;
  /// Live progress and Ctrl-C (the action owns it); options.control points into it.
  RunMonitor* monitor = nullptr;
  /// STREAMPRO_PROGRESS_INTERVAL_MS; 0: the default for the kind of output.
  int64_t progress_interval_ms = 0;
  /// STREAMPRO_CATALOG: where the Iceberg tables are committed ("" for none).
  std::string iceberg_catalog;
  /// --engine trino: the Trino that computes the enriched stage and the report's inputs;
  /// nullopt for the embedded engine.
  std::optional<pipeline::TrinoEngineOptions> trino;

  /// The run log's entry of the date being run; null without a log.
  pipeline::DateRun* LoggedDate() const;
};

/// The settings, storage and options of a job (the date stays unset without
/// --ingestion-date).
Result<JobContext> ResolveJob(const CLI::App& command, const JobArgs& args,
                              const CliEnvironment& environment);

/// Adds --landing and --lake.
void AddLocationOptions(CLI::App* command, JobArgs* args);

/// Adds --quiet.
void AddQuietOption(CLI::App* command, JobArgs* args);

/// Adds --engine embedded|trino.
void AddEngineOption(CLI::App* command, JobArgs* args);

/// Starts live progress and the Ctrl-C/SIGTERM handling of a run and points `context` at
/// them; the caller keeps the monitor for as long as the run lasts.
Result<std::unique_ptr<RunMonitor>> StartMonitor(bool quiet, JobContext* context);

/// Lists the landing folder or prefix for context.date.
Result<pipeline::LandingInventory> ScanLanding(const JobContext& context);

/// Opens the lake and takes its lock, printing what it cleaned up after interrupted runs.
Result<lake::LakeLock> AcquireLake(const JobContext& context);

/// Runs `work` under the lake lock (taken with AcquireLake). An interrupted run's error says
/// where it stopped and what it had published before; the lock is released when this
/// returns.
Status RunLocked(const JobContext& context,
                 const std::function<Status(const lake::LakeLock&)>& work);

/// Commits an Iceberg snapshot of every trusted and enriched table whose published files
/// changed (RunLocked does after its work when STREAMPRO_CATALOG is set), first removing
/// what an interrupted earlier commit left (said on stderr).
Status CommitIceberg(const lake::LakeLock& lock, const JobContext& context);

/// Milliseconds since the epoch, now.
int64_t NowMillis();

/// What `pipeline` does for context.date under `lock`: to-raw, to-trusted (warning when the
/// enriched tables are about to read a stale date), to-enriched and report, with their
/// progress lines; counts and timings go to context.log.
Result<report::Report> RunPipelineDate(const lake::LakeLock& lock, const JobContext& context,
                                       const pipeline::LandingInventory& inventory);

/// After a run rewrote `after`: with `cascade`, rebuilds every later date that is stale now,
/// in date order, as `pipeline` would (stopping at the first that fails); without, prints
/// one warning line naming the later dates that are stale. Implemented in
/// command_backfill.cpp.
Status FollowLaterDates(const lake::LakeLock& lock, const JobContext& context, Date after,
                        bool cascade);

/// Collects the run log record (pipeline/run_log.h) of one command run and writes it when
/// the run ends (job_log.cpp).
class JobLog {
 public:
  JobLog(std::string command, const JobContext& context);

  /// The run holds the lake lock: its run id names the record.
  void Locked(const lake::LakeLock& lock);
  /// Starts the entry of `date`; what follows fills it in.
  pipeline::DateRun& BeginDate(Date date);
  /// The entry begun last; null before any.
  pipeline::DateRun* current();
  const std::vector<pipeline::DateRun>& dates() const { return record_.dates; }
  void AddStage(std::string stage, double seconds);

  /// Completes the record with the run's outcome (entries without one become `built`, or
  /// `failed` when the run failed) and writes it to the lake. A run that never held the lock
  /// is logged only when the lake already has a run log (a mistyped --lake is not
  /// created). Best effort: a record that cannot be written is a warning on stderr.
  /// Returns `status` unchanged.
  Status Finish(Status status);

 private:
  const JobContext& context_;
  pipeline::RunRecord record_;
  bool locked_ = false;
  int64_t started_micros_ = 0;
};

/// A date's run log outcome after its run ended with `status`: `built`, `interrupted`
/// (Ctrl-C, SIGTERM) or `failed`.
std::string DateOutcome(const Status& status);

/// `2025-09-10, 2025-09-11` (the first five, then how many more).
std::string DateList(const std::vector<Date>& dates);

/// Prints `streampro: warning: <message>` on one line to stderr.
void PrintWarning(const std::string& message);

}  // namespace streampro::cli
