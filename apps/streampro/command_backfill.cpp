// `streampro backfill --from D1 --to D2`: the pipeline for each date in order, under one lake
// lock, skipping dates already published from the same landing files; and the date loop
// that `pipeline --cascade` shares with it (docs/operations.md).

#include <fmt/format.h>

#include <memory>
#include <optional>

#include "cli.h"
#include "job.h"
#include "pipeline/lake_status.h"
#include "pipeline/resume.h"
#include "report/text_layout.h"

namespace streampro::cli {

namespace {

struct BackfillArgs {
  JobArgs job;
  std::string from;
  std::string to;
  bool force = false;
};

Result<Date> ParseDateOption(std::string_view option, const std::string& text) {
  const std::optional<Date> date = ParseIsoDate(text);
  if (!date) {
    return Status::InvalidArgument(
        fmt::format("{} '{}' is not a real date in YYYY-MM-DD form", option, text));
  }
  return *date;
}

Date NextDay(Date date) {
  return Date{date.days_since_epoch + 1};
}

// Builds context.date as `pipeline` does; the log entry of the date is current. Errors name
// the date and what `what` stopped (the backfill or the cascade).
Status BuildDate(const lake::LakeLock& lock, const JobContext& context,
                 const pipeline::LandingInventory& inventory, pipeline::LineageCheck* check,
                 std::string_view what) {
  const Result<report::Report> built = RunPipelineDate(lock, context, inventory);
  check->Forget(context.date);
  pipeline::DateRun* logged = context.LoggedDate();
  if (!built.ok()) {
    if (logged != nullptr) logged->outcome = DateOutcome(built.status());
    // An interruption's own message already names the date (RunLocked).
    if (built.status().code() == StatusCode::kCancelled) return built.status();
    return Status(built.status().code(),
                  fmt::format("{} stopped at {}: {}", what, FormatIsoDate(context.date),
                              built.status().message()));
  }
  if (logged != nullptr) logged->outcome = "built";
  return Status::OK();
}

// One line per date of the run: what it did, the counts of the date's files, Q1 and Q3.
std::string SummaryTable(const std::vector<pipeline::DateRun>& dates) {
  using report::FitLeft;
  using report::PadLeft;
  std::string out =
      "date        outcome       rows in      kept  rejected  duplicate    Q1 %  abnormal      "
      "time  "
      "note\n";
  for (const pipeline::DateRun& date : dates) {
    const bool counted = date.outcome == "built" || date.outcome == "skipped";
    const FileCounters totals = date.Totals();
    const auto count = [&](int64_t value, size_t width) {
      return PadLeft(counted ? std::to_string(value) : "-", width);
    };
    out += fmt::format(
        "{}  {} {} {} {} {} {} {} {}  {}\n", FormatIsoDate(date.date), FitLeft(date.outcome, 11),
        count(totals.rows_in, 9), count(totals.rows_kept, 9), count(totals.rows_rejected, 9),
        count(totals.rows_duplicate, 10),
        PadLeft(date.q1_pct ? fmt::format("{:.2f}", *date.q1_pct) : "-", 7),
        PadLeft(date.abnormal_segments ? std::to_string(*date.abnormal_segments) : "-", 9),
        PadLeft(date.outcome == "built" ? fmt::format("{:.2f} s", date.seconds) : "-", 9),
        report::TerminalSafe(date.note));
  }
  return out;
}

Status RunBackfill(const lake::LakeLock& lock, const JobContext& base, Date from, Date to,
                   bool force) {
  pipeline::LineageCheck check(lock.lake());
  const auto finish = [&](Status status) {
    fmt::print(base.progress, "\nBackfill {} to {}:\n{}", FormatIsoDate(from), FormatIsoDate(to),
               SummaryTable(base.log->dates()));
    return status;
  };
  for (Date date = from; date <= to; date = NextDay(date)) {
    // Ctrl-C between two dates stops before the next one starts.
    if (const Status cancelled = base.options.control.CheckCancelled(); !cancelled.ok()) {
      return finish(cancelled);
    }
    JobContext context = base;
    context.date = date;
    pipeline::DateRun& logged = base.log->BeginDate(date);
    const std::string day = FormatIsoDate(date);
    Result<pipeline::LandingInventory> inventory = ScanLanding(context);
    if (!inventory.ok()) {
      logged.outcome = "failed";
      return finish(Status(inventory.status().code(), fmt::format("backfill stopped at {}: {}", day,
                                                                  inventory.status().message())));
    }
    ASSIGN_OR_RETURN(const bool has_inputs, pipeline::HasInputs(check, *inventory, date));
    if (!has_inputs) {
      logged.outcome = "missing";
      logged.note = "no landing file and nothing in raw";
      PrintWarning(fmt::format("{}: no landing file dated {} in {} and nothing in raw; skipped",
                               day, day, context.landing));
      continue;
    }
    if (!force) {
      ASSIGN_OR_RETURN(const std::optional<std::string> reason,
                       pipeline::ReasonToBuild(check, *inventory, date));
      if (!reason) {
        logged.outcome = "skipped";
        logged.note = "published from the same landing files";
        ASSIGN_OR_RETURN(const pipeline::DateStatus published,
                         pipeline::ReadDateStatus(check, date));
        static_cast<pipeline::DateFigures&>(logged) = published;
        fmt::print(base.progress, "{}: already published from the same landing files; skipped\n",
                   day);
        continue;
      }
      logged.note = *reason;
    } else {
      logged.note = "--force";
    }
    fmt::print(base.progress, "\n{}: building ({})\n", day, logged.note);
    const Status built = BuildDate(lock, context, *inventory, &check, "backfill");
    if (!built.ok()) return finish(built);
  }
  JobContext after = base;
  after.date = to;
  return finish(FollowLaterDates(lock, after, to, base.cascade));
}

}  // namespace

Status FollowLaterDates(const lake::LakeLock& lock, const JobContext& context, Date after,
                        bool cascade) {
  pipeline::LineageCheck check(lock.lake());
  ASSIGN_OR_RETURN(const std::vector<Date> later, check.DerivedDatesAfter(after));
  std::vector<Date> stale;
  std::string reason;
  for (const Date date : later) {
    ASSIGN_OR_RETURN(const pipeline::DateLineage lineage, check.Check(date));
    if (!lineage.is_stale()) continue;
    if (!cascade) {
      stale.push_back(date);
      if (reason.empty()) reason = lineage.Summary();
      continue;
    }
    JobContext dated = context;
    dated.date = date;
    fmt::print(context.progress, "\nCascade: {} is stale ({}); rebuilding it\n",
               FormatIsoDate(date), lineage.Summary());
    if (context.log != nullptr) {
      context.log->BeginDate(date).note = fmt::format("cascade: {}", lineage.Summary());
    }
    Result<pipeline::LandingInventory> inventory = ScanLanding(dated);
    if (!inventory.ok()) {
      if (pipeline::DateRun* logged = context.LoggedDate()) logged->outcome = "failed";
      return Status(inventory.status().code(),
                    fmt::format("cascade stopped at {}: {}", FormatIsoDate(date),
                                inventory.status().message()));
    }
    RETURN_NOT_OK(BuildDate(lock, dated, *inventory, &check, "cascade"));
  }
  if (!stale.empty()) {
    PrintWarning(fmt::format(
        "{} later date(s) are stale now: {} ({}); rebuild them with --cascade or `streampro "
        "backfill --from {} --to {}`",
        stale.size(), DateList(stale), reason, FormatIsoDate(stale.front()),
        FormatIsoDate(stale.back())));
  }
  return Status::OK();
}

void RegisterBackfillCommand(CLI::App* app, Action* action, const CliEnvironment* environment) {
  auto args = std::make_shared<BackfillArgs>();
  CLI::App* command = app->add_subcommand(
      "backfill",
      "The pipeline for every date from --from to --to in order; dates already published from "
      "the same landing files (and not stale) are skipped");
  AddCommonOptions(command, &args->job.common, /*date_required=*/false);
  // The range replaces --ingestion-date.
  command->remove_option(command->get_option("--ingestion-date"));
  command->add_option("--from", args->from, "First ingestion date, YYYY-MM-DD")
      ->type_name("YYYY-MM-DD")
      ->required();
  command->add_option("--to", args->to, "Last ingestion date, YYYY-MM-DD")
      ->type_name("YYYY-MM-DD")
      ->required();
  AddLocationOptions(command, &args->job);
  AddQuietOption(command, &args->job);
  AddEngineOption(command, &args->job);
  command->add_flag("--force", args->force, "Build every date, published or not");
  command->add_flag("--cascade", args->job.cascade,
                    "Then rebuild, in date order, every date after --to that is stale");
  command->callback([command, args, action, environment] {
    *action = [command, args, environment]() -> Status {
      ASSIGN_OR_RETURN(const Date from, ParseDateOption("--from", args->from));
      ASSIGN_OR_RETURN(const Date to, ParseDateOption("--to", args->to));
      if (to < from) {
        return Status::InvalidArgument(
            fmt::format("--to {} is before --from {}", args->to, args->from));
      }
      ASSIGN_OR_RETURN(JobContext context, ResolveJob(*command, args->job, *environment));
      context.date = from;
      JobLog log("backfill", context);
      context.log = &log;
      // One progress display and Ctrl-C handling for every date of the range.
      Result<std::unique_ptr<RunMonitor>> monitor = StartMonitor(args->job.quiet, &context);
      if (!monitor.ok()) return log.Finish(monitor.status());
      return log.Finish(RunLocked(context, [&](const lake::LakeLock& lock) {
        return RunBackfill(lock, context, from, to, args->force);
      }));
    };
  });
}

}  // namespace streampro::cli
