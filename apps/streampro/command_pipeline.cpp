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
#include "iceberg/table_commit.h"
#include "job.h"
#include "lake/lake_lock.h"
#include "pipeline/enriched_stage.h"
#include "pipeline/landing.h"
#include "pipeline/lineage.h"
#include "pipeline/raw_ingest.h"
#include "pipeline/report_stage.h"
#include "pipeline/stage_options.h"
#include "pipeline/trusted_stage.h"
#include "report/report.h"
#include "run_monitor.h"
#include "streampro/version.h"

namespace streampro::cli {

Result<JobContext> ResolveJob(const CLI::App& command, const JobArgs& args,
                              const CliEnvironment& environment) {
  ASSIGN_OR_RETURN(const Config config, LoadConfig(command, args.common));
  JobContext context;
  context.date = args.common.ingestion_date().value_or(Date{});
  context.environment = &environment;
  ASSIGN_OR_RETURN(StorageLocations locations, ResolveStorage(config, environment));
  context.landing = args.landing.empty() ? locations.landing : args.landing;
  context.lake = args.lake.empty() ? locations.lake : args.lake;
  context.format = args.format;
  context.cascade = args.cascade;
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
  const std::string engine = !args.has_engine      ? "embedded"
                             : args.engine.empty() ? config.GetOrDefault("STREAMPRO_ENGINE")
                                                   : args.engine;
  const std::string engine_source =
      args.engine.empty() ? config.SourceOf("STREAMPRO_ENGINE") : "--engine";
  if (engine == "trino") {
    if (context.iceberg_catalog.empty()) {
      return Status::InvalidArgument(fmt::format(
          "{}: the trino engine reads the lake's Iceberg tables: set STREAMPRO_CATALOG to the "
          "JDBC catalog database that Trino's Iceberg catalog uses (docs/engines.md)",
          engine_source));
    }
    ASSIGN_OR_RETURN(const int64_t timeout, config.GetInt("TRINO_STATEMENT_TIMEOUT_S"));
    if (timeout < 1) {
      return Status::InvalidArgument(
          fmt::format("TRINO_STATEMENT_TIMEOUT_S ({}): must be at least 1, got {}",
                      config.SourceOf("TRINO_STATEMENT_TIMEOUT_S"), timeout));
    }
    pipeline::TrinoEngineOptions trino;
    ASSIGN_OR_RETURN(trino.client, TrinoClientOptions(config, "", timeout));
    trino.catalog = config.GetOrDefault("TRINO_CATALOG");
    if (trino.catalog.empty()) {
      return Status::InvalidArgument(
          fmt::format("TRINO_CATALOG ({}): must not be empty", config.SourceOf("TRINO_CATALOG")));
    }
    trino.schema = iceberg::LakeTablesOptions{}.ns;
    context.trino = std::move(trino);
  } else if (engine != "embedded") {
    return Status::InvalidArgument(
        fmt::format("{}: unknown engine '{}' (embedded or trino)", engine_source, engine));
  }
  context.storage = std::move(locations);
  return context;
}

namespace {

// Prints `stage <name> <seconds>` on stderr and adds the stage to the run log.
void ReportStage(const std::string& name, double seconds, JobLog* log) {
  std::fprintf(stderr, "stage %s %.3f\n", name.c_str(), seconds);
  if (log != nullptr) log->AddStage(name, seconds);
}

// Times one stage; Done() prints `stage <name> <seconds>` on stderr for scripts and
// benchmarks (a failed stage prints only its error) and adds it to the run log. With a
// monitor, the stage's live progress line lasts as long as the timer.
class StageTimer {
 public:
  StageTimer(std::string name, RunMonitor* monitor, JobLog* log)
      : name_(std::move(name)),
        monitor_(monitor),
        log_(log),
        start_(std::chrono::steady_clock::now()) {
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
    ReportStage(name_, Seconds(), log_);
    return Status::OK();
  }
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::string name_;
  RunMonitor* monitor_;
  JobLog* log_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

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
  if (context.log != nullptr) context.log->Locked(lock);
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

namespace {

// The one-line account of an interrupted run: where it stopped and exactly which
// partitions it had published before (everything staged is removed by then).
std::string InterruptionMessage(const std::string& reason, const JobContext& context,
                                const std::vector<std::string>& published) {
  const std::string stage = context.monitor != nullptr ? context.monitor->last_stage() : "";
  // A command over several dates was at the date its run log entry names.
  const pipeline::DateRun* logged = context.LoggedDate();
  const std::string date = FormatIsoDate(logged != nullptr ? logged->date : context.date);
  std::string message;
  if (logged != nullptr && logged->outcome == "built") {
    // Between two dates of a backfill: the last one was complete.
    message = fmt::format("{} after {} was built", reason, date);
  } else {
    message = stage.empty() ? fmt::format("{} for {}", reason, date)
                            : fmt::format("{} during {} for {}", reason, stage, date);
  }
  if (published.empty()) {
    message += ": nothing was published";
  } else {
    message += fmt::format(": published before the interruption: {}; nothing else was published",
                           fmt::join(published, ", "));
  }
  return message + "; staged files removed, lake lock released";
}

}  // namespace

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status CommitIceberg(const lake::LakeLock& lock, const JobContext& context) {
  StageTimer timer("iceberg", context.monitor, context.log);
  iceberg::LakeTablesOptions options;
  options.catalog_uri = context.iceberg_catalog;
  ASSIGN_OR_RETURN(const std::vector<iceberg::TableCommit> commits,
                   iceberg::CommitLakeTables(lock.lake(), options, NowMillis()));
  timer.EndProgress();
  size_t committed = 0;
  for (const auto& c : commits) {
    committed += c.committed ? 1 : 0;
    if (c.orphans.empty()) continue;
    int64_t bytes = 0;
    for (const auto& orphan : c.orphans) bytes += orphan.bytes;
    fmt::print(stderr,
               "Cleaned up after an interrupted Iceberg commit of {}: removed {} unreferenced "
               "files ({} bytes) under {}\n",
               c.table->sql_name, c.orphans.size(), bytes,
               iceberg::MetadataFolder(lock.lake(), *c.table));
  }
  fmt::print(context.progress, "Iceberg: {} of {} tables took a new snapshot in {}\n", committed,
             commits.size(), iceberg::CatalogForDisplay(context.iceberg_catalog));
  return timer.Done();
}

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

namespace {

void PrintLandingHeader(const JobContext& context, const pipeline::LandingInventory& inventory) {
  fmt::print(context.progress, "Landing {} for ingestion date {}\n", context.landing,
             FormatIsoDate(context.date));
  for (const auto& skipped : inventory.skipped) {
    fmt::print(context.progress, "  skipped  {}: {}\n", skipped.name, skipped.reason);
  }
}

void PrintRawSummary(const JobContext& context, const pipeline::LandingInventory& inventory,
                     const std::vector<pipeline::RawFileResult>& copied) {
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
}

Status RunToRaw(const lake::LakeLock& lock, const JobContext& context,
                const pipeline::LandingInventory& inventory) {
  StageTimer timer("to-raw", context.monitor, context.log);
  PrintLandingHeader(context, inventory);
  ASSIGN_OR_RETURN(const std::vector<pipeline::RawFileResult> copied,
                   pipeline::IngestRaw(lock, inventory, context.date, context.options.control));
  timer.EndProgress();
  PrintRawSummary(context, inventory, copied);
  return timer.Done();
}

void PrintTrustedSummary(const JobContext& context, const pipeline::TrustedResult& result) {
  fmt::print(context.progress, "Trusted {}:\n", FormatIsoDate(context.date));
  if (result.tables.empty()) fmt::print(context.progress, "  no raw files for this date\n");
  for (const auto& table : result.tables) {
    const auto& c = table.counters;
    fmt::print(context.progress, "  {:<8} {} rows in: {} kept, {} rejected, {} duplicate\n",
               TableName(table.table), c.rows_in, c.rows_kept, c.rows_rejected, c.rows_duplicate);
  }
  fmt::print(context.progress, "  _rejects {} rows\n", result.rejects);
  if (result.spill_bytes > 0) {
    fmt::print(context.progress,
               "  events spilled to scratch files: {} bytes ({} before compression)\n",
               result.spill_bytes, result.spill_raw_bytes);
    // For scripts and benchmarks, like the `stage` lines.
    std::fprintf(stderr, "spill to-trusted %lld\n", static_cast<long long>(result.spill_bytes));
  }
  if (pipeline::DateRun* logged = context.LoggedDate()) {
    for (const auto& table : result.tables) {
      logged->tables.emplace_back(std::string(TableName(table.table)), table.counters);
    }
  }
}

// `landing`: the inventory to-raw just copied in this run (pipeline), or null.
Status RunToTrusted(const lake::LakeLock& lock, const JobContext& context,
                    const pipeline::LandingInventory* landing = nullptr) {
  StageTimer timer("to-trusted", context.monitor, context.log);
  ASSIGN_OR_RETURN(const pipeline::TrustedResult result,
                   pipeline::RawToTrusted(lock, context.date, context.options, landing));
  timer.EndProgress();
  PrintTrustedSummary(context, result);
  return timer.Done();
}

// The pipeline's to-raw and to-trusted: at once when the lake and the landing files are
// local (pipeline::IngestRawBesideTrusted), else one after the other. Both print what
// they print when run alone, in the same order; run at once, the progress line follows
// to-trusted, and the `stage to-raw` line gives the time until to-raw had published,
// counted from the start of both.
Status RunToRawAndTrusted(const lake::LakeLock& lock, const JobContext& context,
                          const pipeline::LandingInventory& inventory) {
  if (!pipeline::CanIngestRawBesideTrusted(lock, inventory)) {
    RETURN_NOT_OK(RunToRaw(lock, context, inventory));
    return RunToTrusted(lock, context, &inventory);
  }
  StageTimer timer("to-trusted", context.monitor, context.log);
  PrintLandingHeader(context, inventory);
  const pipeline::RawAndTrustedResult result =
      pipeline::IngestRawBesideTrusted(lock, inventory, context.date, context.options);
  timer.EndProgress();
  RETURN_NOT_OK(result.raw.status());
  PrintRawSummary(context, inventory, *result.raw);
  ReportStage("to-raw", result.raw_seconds.count(), context.log);
  RETURN_NOT_OK(result.trusted.status());
  PrintTrustedSummary(context, *result.trusted);
  return timer.Done();
}

// One warning line when the enriched tables of D are about to read trusted events of an
// earlier date that are stale (checked against a users or videos snapshot that changed).
Status WarnOfStaleTrustedInputs(const lake::LakeLock& lock, const JobContext& context) {
  pipeline::LineageCheck check(lock.lake());
  ASSIGN_OR_RETURN(const std::vector<Date> dates,
                   check.published().Dates(catalog::TrustedTable(Table::kEvents)));
  std::vector<Date> stale;
  std::string reason;
  for (const Date date : dates) {
    if (date >= context.date) break;
    ASSIGN_OR_RETURN(const std::vector<pipeline::StaleInput> found, check.CheckTrusted(date));
    if (found.empty()) continue;
    stale.push_back(date);
    if (reason.empty()) reason = found.front().Describe();
  }
  if (!stale.empty()) {
    PrintWarning(fmt::format(
        "the enriched tables of {} read stale trusted events of {} ({}); rebuild them with "
        "`streampro backfill --from {} --to {}`",
        FormatIsoDate(context.date), DateList(stale), reason, FormatIsoDate(stale.front()),
        FormatIsoDate(context.date)));
  }
  return Status::OK();
}

// One warning line when the enriched tables of D, which the report reads, are stale.
Status WarnIfStale(const lake::LakeLock& lock, const JobContext& context) {
  pipeline::LineageCheck check(lock.lake());
  ASSIGN_OR_RETURN(pipeline::DateLineage lineage, check.Check(context.date));
  // The report about to be written replaces the report's own record.
  std::erase_if(lineage.stale, [](const pipeline::StaleInput& reason) {
    return reason.layer == catalog::Layer::kReports;
  });
  if (lineage.is_stale()) {
    PrintWarning(
        fmt::format("{} is stale: {}; rebuild it with `streampro pipeline --ingestion-date {}`",
                    FormatIsoDate(context.date), lineage.Summary(), FormatIsoDate(context.date)));
  }
  return Status::OK();
}

// The trino engine: Trino reads the trusted Iceberg tables, so they are committed first
// (nothing happens when they name the published partitions already).
Status RunToEnrichedInTrino(const lake::LakeLock& lock, const JobContext& context) {
  RETURN_NOT_OK(CommitIceberg(lock, context));
  StageTimer timer("to-enriched", context.monitor, context.log);
  ASSIGN_OR_RETURN(const pipeline::EnrichedResult result,
                   pipeline::TrinoToEnriched(lock, context.date, context.options, *context.trino));
  timer.EndProgress();
  fmt::print(context.progress,
             "Enriched {} in Trino at {}: trusted events of {} ingestion date(s), {} sessions, "
             "{} users\n",
             FormatIsoDate(context.date), context.trino->client.server, result.event_dates,
             result.sessions, result.users);
  return timer.Done();
}

Status RunToEnriched(const lake::LakeLock& lock, const JobContext& context) {
  RETURN_NOT_OK(WarnOfStaleTrustedInputs(lock, context));
  if (context.trino) return RunToEnrichedInTrino(lock, context);
  StageTimer timer("to-enriched", context.monitor, context.log);
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
  // The trino engine reads the enriched Iceberg tables of D: committed first.
  if (context.trino) RETURN_NOT_OK(CommitIceberg(lock, context));
  StageTimer timer("report", context.monitor, context.log);
  report::Report built;
  if (context.trino) {
    ASSIGN_OR_RETURN(const pipeline::ReportTables tables,
                     pipeline::ReadReportTablesFromTrino(lock.lake(), context.date, context.options,
                                                         *context.trino));
    ASSIGN_OR_RETURN(built, pipeline::PublishReport(lock, context.date, context.options, tables));
  } else {
    ASSIGN_OR_RETURN(built, pipeline::PublishReport(lock, context.date, context.options));
  }
  if (pipeline::DateRun* logged = context.LoggedDate()) {
    logged->q1_pct = built.q1.pct;
    logged->abnormal_segments = static_cast<int64_t>(built.q3.abnormal.size());
  }
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

}  // namespace

void AddLocationOptions(CLI::App* command, JobArgs* args) {
  command
      ->add_option("--landing", args->landing,
                   "Landing folder (default: STREAMPRO_LANDING_DIR, or its alias LOCAL_DATA_PATH; "
                   "data/landing)")
      ->type_name("DIR");
  command->add_option("--lake", args->lake, "Lake root (default: STREAMPRO_LAKE_ROOT, lake)")
      ->type_name("DIR");
}

void AddQuietOption(CLI::App* command, JobArgs* args) {
  command->add_flag("--quiet", args->quiet,
                    "No progress lines (a live line per stage on a terminal, else one every 10 s)");
}

void AddEngineOption(CLI::App* command, JobArgs* args) {
  args->has_engine = true;
  command
      ->add_option("--engine", args->engine,
                   "embedded (default: STREAMPRO_ENGINE), or trino: the enriched stage and the "
                   "report's inputs computed by Trino over the Iceberg tables (TRINO_HOST, "
                   "TRINO_PORT, TRINO_CATALOG)")
      ->check(CLI::IsMember({"embedded", "trino"}))
      ->type_name("ENGINE");
}

Result<std::unique_ptr<RunMonitor>> StartMonitor(bool quiet, JobContext* context) {
  ASSIGN_OR_RETURN(std::unique_ptr<RunMonitor> monitor,
                   RunMonitor::Start(DefaultMonitorOptions(quiet, context->progress_interval_ms)));
  context->monitor = monitor.get();
  context->options.control = monitor->control();
  return monitor;
}

Result<report::Report> RunPipelineDate(const lake::LakeLock& lock, const JobContext& context,
                                       const pipeline::LandingInventory& inventory) {
  StageTimer total("total", nullptr, nullptr);
  RETURN_NOT_OK(RunToRawAndTrusted(lock, context, inventory));
  RETURN_NOT_OK(RunToEnriched(lock, context));
  ASSIGN_OR_RETURN(report::Report built, RunReport(lock, context));
  RETURN_NOT_OK(total.Done());
  if (pipeline::DateRun* logged = context.LoggedDate()) {
    logged->seconds = total.Seconds();
  }
  fmt::print(context.progress, "Report: {}/reports/ingestion_date={}/report.{{json,html}}\n\n",
             context.lake, FormatIsoDate(context.date));
  return built;
}

namespace {

// Registers one job subcommand; `run` gets the resolved context. Each run leaves a run log
// entry (job.h).
CLI::App* AddJob(CLI::App* app, Action* action, const CliEnvironment* environment,
                 const std::string& name, const std::string& help,
                 std::function<Status(const JobContext&)> run,
                 std::shared_ptr<JobArgs> args = std::make_shared<JobArgs>()) {
  CLI::App* command = app->add_subcommand(name, help);
  AddCommonOptions(command, &args->common, /*date_required=*/true);
  AddLocationOptions(command, args.get());
  AddQuietOption(command, args.get());
  command->callback([command, args, action, run, environment, name] {
    *action = [command, args, run, environment, name]() -> Status {
      ASSIGN_OR_RETURN(JobContext context, ResolveJob(*command, *args, *environment));
      JobLog log(name, context);
      context.log = &log;
      log.BeginDate(context.date);
      // From here on Ctrl-C (SIGINT) and SIGTERM stop the run cleanly (exit 130).
      Result<std::unique_ptr<RunMonitor>> monitor = StartMonitor(args->quiet, &context);
      if (!monitor.ok()) return log.Finish(monitor.status());
      return log.Finish(run(context));
    };
  });
  return command;
}

}  // namespace

void RegisterPipelineCommands(CLI::App* app, Action* action, const CliEnvironment* environment) {
  auto pipeline_args = std::make_shared<JobArgs>();
  CLI::App* pipeline_command = AddJob(
      app, action, environment, "pipeline",
      "The main job: landing -> raw -> trusted -> enriched -> report for one ingestion date",
      [](const JobContext& context) -> Status {
        // The landing folder is checked before the lake is touched.
        ASSIGN_OR_RETURN(const pipeline::LandingInventory inventory, ScanLanding(context));
        return RunLocked(context, [&](const lake::LakeLock& lock) -> Status {
          ASSIGN_OR_RETURN(const report::Report built, RunPipelineDate(lock, context, inventory));
          RETURN_NOT_OK(FollowLaterDates(lock, context, context.date, context.cascade));
          return PrintReport(built, context.format);
        });
      },
      pipeline_args);
  pipeline_command
      ->add_option("--format", pipeline_args->format, "How to print the report at the end")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  pipeline_command->add_flag("--cascade", pipeline_args->cascade,
                             "Then rebuild, in date order, every later date that is stale now");
  AddEngineOption(pipeline_command, pipeline_args.get());
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
  auto enriched_args = std::make_shared<JobArgs>();
  CLI::App* enriched_command = AddJob(
      app, action, environment, "to-enriched",
      "Trusted -> enriched: user_sessions, user_journey, genre_performance, device_analytics",
      [](const JobContext& context) -> Status {
        return RunLocked(context,
                         [&](const lake::LakeLock& lock) { return RunToEnriched(lock, context); });
      },
      enriched_args);
  AddEngineOption(enriched_command, enriched_args.get());
  auto report_args = std::make_shared<JobArgs>();
  CLI::App* report_command = AddJob(
      app, action, environment, "report",
      "Answer Q1-Q3 from the enriched tables: prints text (or JSON / HTML) and publishes "
      "reports/ingestion_date=D/report.json and report.html",
      [](const JobContext& context) -> Status {
        return RunLocked(context, [&](const lake::LakeLock& lock) -> Status {
          RETURN_NOT_OK(WarnIfStale(lock, context));
          ASSIGN_OR_RETURN(const report::Report built, RunReport(lock, context));
          return PrintReport(built, context.format);
        });
      },
      report_args);
  report_command->add_option("--format", report_args->format, "text (default), json or html")
      ->check(CLI::IsMember({"text", "json", "html"}))
      ->capture_default_str();
  AddEngineOption(report_command, report_args.get());
}

}  // namespace streampro::cli
