// `streampro pipeline` and the stage commands `to-raw`, `to-trusted`, `to-enriched`,
// `report`.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "cli.h"
#include "iceberg/lake_tables.h"
#include "iceberg/table_catalog.h"
#include "lake/lake_lock.h"
#include "pipeline/enriched_stage.h"
#include "pipeline/landing.h"
#include "pipeline/raw_ingest.h"
#include "pipeline/report_stage.h"
#include "pipeline/stage_options.h"
#include "pipeline/trusted_stage.h"
#include "report/report.h"
#include "run_monitor.h"
#include "streampro/version.h"

namespace streampro::cli {

namespace {

struct JobArgs {
  CommonOptions common;
  std::string landing;
  std::string lake;
  std::string format = "text";
  bool quiet = false;
};

struct JobContext {
  Date date;
  std::string landing;
  std::string lake;
  StorageLocations storage;
  const CliEnvironment* environment = nullptr;
  std::string format;
  pipeline::StageOptions options;
  /// Progress lines go to stdout, or to stderr when stdout carries JSON or HTML.
  std::FILE* progress = stdout;
  /// Live progress and Ctrl-C (the action owns it); options.control points into it.
  RunMonitor* monitor = nullptr;
  /// STREAMPRO_PROGRESS_INTERVAL_MS; 0: the default for the kind of output.
  int64_t progress_interval_ms = 0;
  /// STREAMPRO_CATALOG: where the Iceberg tables are committed ("" for none).
  std::string iceberg_catalog;
};

Result<JobContext> ResolveJob(const CLI::App& command, const JobArgs& args,
                              const CliEnvironment& environment) {
  ASSIGN_OR_RETURN(const Config config, LoadConfig(command, args.common));
  JobContext context;
  context.date = *args.common.ingestion_date();
  context.environment = &environment;
  ASSIGN_OR_RETURN(StorageLocations locations, ResolveStorage(config, environment));
  context.landing = args.landing.empty() ? locations.landing : args.landing;
  context.lake = args.lake.empty() ? locations.lake : args.lake;
  context.format = args.format;
  if (context.format != "text") context.progress = stderr;
  ASSIGN_OR_RETURN(context.options, pipeline::StageOptions::FromConfig(config));
  ASSIGN_OR_RETURN(context.progress_interval_ms, config.GetInt("STREAMPRO_PROGRESS_INTERVAL_MS"));
  if (context.progress_interval_ms < 0) {
    return Status::InvalidArgument(fmt::format(
        "STREAMPRO_PROGRESS_INTERVAL_MS ({}): {} must be 0 (the default) or more",
        config.SourceOf("STREAMPRO_PROGRESS_INTERVAL_MS"), context.progress_interval_ms));
  }
  context.iceberg_catalog = config.GetOrDefault("STREAMPRO_CATALOG");
  if (!context.iceberg_catalog.empty()) {
    if (const Status valid = iceberg::ValidateCatalogUri(context.iceberg_catalog); !valid.ok()) {
      return Status(valid.code(),
                    fmt::format("STREAMPRO_CATALOG ({}): {}", config.SourceOf("STREAMPRO_CATALOG"),
                                valid.message()));
    }
  }
  context.storage = std::move(locations);
  return context;
}

// Times one stage; Done() prints `stage <name> <seconds>` on stderr for scripts and
// benchmarks (a failed stage prints only its error). With a monitor, the stage's live
// progress line lasts as long as the timer.
class StageTimer {
 public:
  explicit StageTimer(std::string name, RunMonitor* monitor = nullptr)
      : name_(std::move(name)), monitor_(monitor), start_(std::chrono::steady_clock::now()) {
    if (monitor_ != nullptr) monitor_->BeginStage(name_);
  }
  ~StageTimer() { EndProgress(); }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;

  // The stage's work is done: its progress line is cleared before it prints its summary.
  void EndProgress() const {
    if (monitor_ != nullptr) monitor_->EndStage();
  }
  Status Done() const {
    EndProgress();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    std::fprintf(stderr, "stage %s %.3f\n", name_.c_str(), elapsed.count());
    return Status::OK();
  }

 private:
  std::string name_;
  RunMonitor* monitor_;
  std::chrono::steady_clock::time_point start_;
};

// Lists the landing folder or prefix (before the lake is touched).
Result<pipeline::LandingInventory> ScanLanding(const JobContext& context) {
  ASSIGN_OR_RETURN(const storage::ObjectRef landing,
                   context.storage.stores->Resolve(context.landing));
  return pipeline::ScanLanding(landing, context.date);
}

Result<lake::LakeLock> AcquireLake(const JobContext& context) {
  ASSIGN_OR_RETURN(std::shared_ptr<const lake::Lake> lake,
                   OpenLake(context.storage, context.lake, *context.environment));
  ASSIGN_OR_RETURN(lake::LakeLock lock, lake::LakeLock::Acquire(std::move(lake)));
  for (const std::string& removed : lock.recovery().removed_staging) {
    fmt::print(context.progress, "Cleaned up after an interrupted run: removed {}\n", removed);
  }
  for (const std::string& restored : lock.recovery().restored_partitions) {
    fmt::print(context.progress, "Cleaned up after an interrupted run: restored {}\n", restored);
  }
  for (const std::string& completed : lock.recovery().completed_partitions) {
    fmt::print(context.progress, "Finished the publish of an interrupted run: {}\n", completed);
  }
  if (!lock.recovery().taken_over_lock.empty()) {
    fmt::print(context.progress, "Took over the lake lock of run {}, which is gone\n",
               lock.recovery().taken_over_lock);
  }
  for (const std::string& removed : lock.recovery().removed_scratch) {
    fmt::print(context.progress, "Removed the scratch folder of a run that is gone: {}\n", removed);
  }
  return lock;
}

// The one-line account of an interrupted run: where it stopped and exactly which
// partitions it had published before (everything staged is removed by then).
std::string InterruptionMessage(const std::string& reason, const JobContext& context,
                                const std::vector<std::string>& published) {
  const std::string stage = context.monitor != nullptr ? context.monitor->last_stage() : "";
  std::string message =
      stage.empty()
          ? fmt::format("{} for {}", reason, FormatIsoDate(context.date))
          : fmt::format("{} during {} for {}", reason, stage, FormatIsoDate(context.date));
  if (published.empty()) {
    message += ": nothing was published";
  } else {
    message += fmt::format(": published before the interruption: {}; nothing else was published",
                           fmt::join(published, ", "));
  }
  return message + "; staged files removed, lake lock released";
}

// Commits a snapshot of every trusted and enriched table whose published files changed.
Status CommitIceberg(const lake::LakeLock& lock, const JobContext& context) {
  StageTimer timer("iceberg", context.monitor);
  iceberg::LakeTablesOptions options;
  options.catalog_uri = context.iceberg_catalog;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  ASSIGN_OR_RETURN(const std::vector<iceberg::TableCommit> commits,
                   iceberg::CommitLakeTables(lock.lake(), options, now_ms));
  timer.EndProgress();
  size_t committed = 0;
  for (const auto& c : commits) committed += c.committed ? 1 : 0;
  fmt::print(context.progress, "Iceberg: {} of {} tables took a new snapshot in {}\n", committed,
             commits.size(), context.iceberg_catalog);
  return timer.Done();
}

// Runs `work` under the lake lock. An interrupted run's error says what it had published
// before it stopped; the lock is released when this returns.
Status RunLocked(const JobContext& context,
                 const std::function<Status(const lake::LakeLock&)>& work) {
  if (const Status before = context.options.control.CheckCancelled(); !before.ok()) {
    return Status::Cancelled(
        fmt::format("{} before the lake was touched: nothing was published", before.message()));
  }
  ASSIGN_OR_RETURN(const lake::LakeLock lock, AcquireLake(context));
  Status status = work(lock);
  // The Iceberg tables follow what is published, under the same lock; a run stopped
  // before this step is caught up by the next one.
  if (status.ok() && !context.iceberg_catalog.empty()) status = CommitIceberg(lock, context);
  if (status.code() != StatusCode::kCancelled) return status;
  return Status::Cancelled(InterruptionMessage(status.message(), context, lock.published()));
}

Status RunToRaw(const lake::LakeLock& lock, const JobContext& context,
                const pipeline::LandingInventory& inventory) {
  StageTimer timer("to-raw", context.monitor);
  fmt::print(context.progress, "Landing {} for ingestion date {}\n", context.landing,
             FormatIsoDate(context.date));
  for (const auto& skipped : inventory.skipped) {
    fmt::print(context.progress, "  skipped  {}: {}\n", skipped.name, skipped.reason);
  }
  ASSIGN_OR_RETURN(const std::vector<pipeline::RawFileResult> copied,
                   pipeline::IngestRaw(lock, inventory, context.date, context.options.control));
  timer.EndProgress();
  for (const Table table : kAllTables) {
    const auto it =
        std::find_if(copied.begin(), copied.end(), [&](const auto& f) { return f.table == table; });
    if (it == copied.end()) {
      fmt::print(context.progress, "  {:<8} no file for this date{}\n", TableName(table),
                 table == Table::kEvents ? ": this run has no new events"
                                         : ": the latest earlier snapshot stands");
      continue;
    }
    const auto landing = std::find_if(inventory.taken.begin(), inventory.taken.end(),
                                      [&](const auto& f) { return f.table == table; });
    fmt::print(
        context.progress, "  {:<8} {} ({} bytes, sha256 {}){}{}\n", TableName(table),
        it->landing_name, it->bytes, it->sha256.substr(0, 12),
        landing != inventory.taken.end() && landing->undated ? ", undated: taken as this date" : "",
        it->unchanged ? ", unchanged since the last run" : "");
  }
  return timer.Done();
}

Status RunToTrusted(const lake::LakeLock& lock, const JobContext& context) {
  StageTimer timer("to-trusted", context.monitor);
  ASSIGN_OR_RETURN(const pipeline::TrustedResult result,
                   pipeline::RawToTrusted(lock, context.date, context.options));
  timer.EndProgress();
  fmt::print(context.progress, "Trusted {}:\n", FormatIsoDate(context.date));
  if (result.tables.empty()) fmt::print(context.progress, "  no raw files for this date\n");
  for (const auto& table : result.tables) {
    const auto& c = table.counters;
    fmt::print(context.progress, "  {:<8} {} rows in: {} kept, {} rejected, {} duplicate\n",
               TableName(table.table), c.rows_in, c.rows_kept, c.rows_rejected, c.rows_duplicate);
  }
  fmt::print(context.progress, "  _rejects {} rows\n", result.rejects);
  return timer.Done();
}

Status RunToEnriched(const lake::LakeLock& lock, const JobContext& context) {
  StageTimer timer("to-enriched", context.monitor);
  ASSIGN_OR_RETURN(const pipeline::EnrichedResult result,
                   pipeline::TrustedToEnriched(lock, context.date, context.options));
  timer.EndProgress();
  fmt::print(
      context.progress,
      "Enriched {}: {} events from {} ingestion date(s) ({} duplicates across dates dropped), "
      "{} sessions, {} users\n",
      FormatIsoDate(context.date), result.events, result.event_dates, result.duplicates,
      result.sessions, result.users);
  return timer.Done();
}

Result<report::Report> RunReport(const lake::LakeLock& lock, const JobContext& context) {
  StageTimer timer("report", context.monitor);
  ASSIGN_OR_RETURN(report::Report built,
                   pipeline::PublishReport(lock, context.date, context.options));
  RETURN_NOT_OK(timer.Done());
  return built;
}

Status PrintReport(const report::Report& built, const std::string& format) {
  if (format == "json") {
    fmt::print("{}", report::RenderJson(built));
  } else if (format == "html") {
    fmt::print("{}", report::RenderHtml(built));
  } else {
    fmt::print("{}", report::RenderText(built));
  }
  return Status::OK();
}

// Registers one job subcommand; `run` gets the resolved context.
CLI::App* AddJob(CLI::App* app, Action* action, const CliEnvironment* environment,
                 const std::string& name, const std::string& help,
                 std::function<Status(const JobContext&)> run,
                 std::shared_ptr<JobArgs> args = std::make_shared<JobArgs>()) {
  CLI::App* command = app->add_subcommand(name, help);
  AddCommonOptions(command, &args->common, /*date_required=*/true);
  command
      ->add_option("--landing", args->landing,
                   "Landing folder (default: STREAMPRO_LANDING_DIR, or its alias LOCAL_DATA_PATH; "
                   "data/landing)")
      ->type_name("DIR");
  command->add_option("--lake", args->lake, "Lake root (default: STREAMPRO_LAKE_ROOT, lake)")
      ->type_name("DIR");
  command->add_flag("--quiet", args->quiet,
                    "No progress lines (a live line per stage on a terminal, else one every 10 s)");
  command->callback([command, args, action, run, environment] {
    *action = [command, args, run, environment]() -> Status {
      ASSIGN_OR_RETURN(JobContext context, ResolveJob(*command, *args, *environment));
      // From here on Ctrl-C (SIGINT) and SIGTERM stop the run cleanly (exit 130).
      ASSIGN_OR_RETURN(
          const std::unique_ptr<RunMonitor> monitor,
          RunMonitor::Start(DefaultMonitorOptions(args->quiet, context.progress_interval_ms)));
      context.monitor = monitor.get();
      context.options.control = monitor->control();
      return run(context);
    };
  });
  return command;
}

}  // namespace

void RegisterPipelineCommands(CLI::App* app, Action* action, const CliEnvironment* environment) {
  auto pipeline_args = std::make_shared<JobArgs>();
  AddJob(
      app, action, environment, "pipeline",
      "The main job: landing -> raw -> trusted -> enriched -> report for one ingestion date",
      [](const JobContext& context) -> Status {
        // The landing folder is checked before the lake is touched.
        ASSIGN_OR_RETURN(const pipeline::LandingInventory inventory, ScanLanding(context));
        return RunLocked(context, [&](const lake::LakeLock& lock) -> Status {
          StageTimer total("total");
          RETURN_NOT_OK(RunToRaw(lock, context, inventory));
          RETURN_NOT_OK(RunToTrusted(lock, context));
          RETURN_NOT_OK(RunToEnriched(lock, context));
          ASSIGN_OR_RETURN(const report::Report built, RunReport(lock, context));
          RETURN_NOT_OK(total.Done());
          fmt::print(context.progress,
                     "Report: {}/reports/ingestion_date={}/report.{{json,html}}\n\n", context.lake,
                     FormatIsoDate(context.date));
          return PrintReport(built, context.format);
        });
      },
      pipeline_args)
      ->add_option("--format", pipeline_args->format, "How to print the report at the end")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  AddJob(app, action, environment, "to-raw",
         "Landing -> raw: byte-identical, checksummed copies under raw/{table}/ingestion_date=D",
         [](const JobContext& context) -> Status {
           ASSIGN_OR_RETURN(const pipeline::LandingInventory inventory, ScanLanding(context));
           return RunLocked(context, [&](const lake::LakeLock& lock) {
             return RunToRaw(lock, context, inventory);
           });
         });
  AddJob(app, action, environment, "to-trusted",
         "Raw -> trusted: typed, validated, deduplicated Parquet plus the rejects table",
         [](const JobContext& context) -> Status {
           return RunLocked(
               context, [&](const lake::LakeLock& lock) { return RunToTrusted(lock, context); });
         });
  AddJob(app, action, environment, "to-enriched",
         "Trusted -> enriched: user_sessions, user_journey, genre_performance, device_analytics",
         [](const JobContext& context) -> Status {
           return RunLocked(
               context, [&](const lake::LakeLock& lock) { return RunToEnriched(lock, context); });
         });
  auto report_args = std::make_shared<JobArgs>();
  AddJob(
      app, action, environment, "report",
      "Answer Q1-Q3 from the enriched tables: prints text (or JSON / HTML) and publishes "
      "reports/ingestion_date=D/report.json and report.html",
      [](const JobContext& context) -> Status {
        return RunLocked(context, [&](const lake::LakeLock& lock) -> Status {
          ASSIGN_OR_RETURN(const report::Report built, RunReport(lock, context));
          return PrintReport(built, context.format);
        });
      },
      report_args)
      ->add_option("--format", report_args->format, "text (default), json or html")
      ->check(CLI::IsMember({"text", "json", "html"}))
      ->capture_default_str();
}

}  // namespace streampro::cli
