// `streampro pipeline` and the stage commands `to-raw`, `to-trusted`, `to-enriched`,
// `report`.

#include <fmt/format.h>

#include <memory>

#include "cli.h"
#include "pipeline/landing.h"
#include "streampro/version.h"

namespace streampro::cli {

namespace {

struct JobArgs {
  CommonOptions common;
  std::string landing;
  std::string lake;
};

struct JobContext {
  Date date;
  std::string landing;
  std::string lake;
};

Result<JobContext> ResolveJob(const CLI::App& command, const JobArgs& args) {
  ASSIGN_OR_RETURN(const Config config, LoadConfig(command, args.common));
  JobContext context;
  context.date = *args.common.ingestion_date();
  context.landing =
      args.landing.empty() ? config.GetOrDefault("STREAMPRO_LANDING_DIR") : args.landing;
  context.lake = args.lake.empty() ? config.GetOrDefault("STREAMPRO_LAKE_ROOT") : args.lake;
  return context;
}

Status PrintLandingInventory(const JobContext& context) {
  ASSIGN_OR_RETURN(const pipeline::LandingInventory inventory,
                   pipeline::ScanLanding(context.landing, context.date));
  fmt::print("Landing {} for ingestion date {}\n", context.landing, FormatIsoDate(context.date));
  for (Table table : kAllTables) {
    const auto it = std::find_if(inventory.taken.begin(), inventory.taken.end(),
                                 [&](const auto& f) { return f.table == table; });
    if (it == inventory.taken.end()) {
      fmt::print("  {:<8} no file for this date{}\n", TableName(table),
                 table == Table::kEvents ? " (the run has no new events)"
                                         : " (the latest earlier snapshot stands)");
      continue;
    }
    fmt::print("  {:<8} {} ({} bytes){}\n", TableName(table), it->name, it->bytes,
               it->undated ? ", undated: taken as this date" : "");
  }
  for (const auto& skipped : inventory.skipped) {
    fmt::print("  skipped  {}: {}\n", skipped.name, skipped.reason);
  }
  return Status::OK();
}

Status NotBuiltYet(std::string_view stage) {
  return Status::NotImplemented(
      fmt::format("{}: this stage is not part of StreamPro {} yet; nothing was read or written",
                  stage, kVersion));
}

// Registers one job subcommand; `run` gets the resolved context.
void AddJob(CLI::App* app, Action* action, const std::string& name, const std::string& help,
            std::function<Status(const JobContext&)> run) {
  auto args = std::make_shared<JobArgs>();
  CLI::App* command = app->add_subcommand(name, help);
  AddCommonOptions(command, &args->common, /*date_required=*/true);
  command
      ->add_option("--landing", args->landing,
                   "Landing folder (default: STREAMPRO_LANDING_DIR, data/landing)")
      ->type_name("DIR");
  command->add_option("--lake", args->lake, "Lake root (default: STREAMPRO_LAKE_ROOT, lake)")
      ->type_name("DIR");
  command->callback([command, args, action, run] {
    *action = [command, args, run]() -> Status {
      ASSIGN_OR_RETURN(const JobContext context, ResolveJob(*command, *args));
      return run(context);
    };
  });
}

}  // namespace

void RegisterPipelineCommands(CLI::App* app, Action* action) {
  AddJob(
      app, action, "pipeline",
      "The main job: every stage for one ingestion date (in this version: the landing inventory)",
      [](const JobContext& context) -> Status {
        RETURN_NOT_OK(PrintLandingInventory(context));
        fmt::print(
            "\nStreamPro {} lists the landing files only; the raw, trusted, "
            "enriched and report stages are not built yet, so nothing was written to {}.\n",
            kVersion, context.lake);
        return Status::OK();
      });
  AddJob(app, action, "to-raw",
         "Landing -> raw: byte-identical, checksummed copies under raw/{table}/ingestion_date=D",
         [](const JobContext&) { return NotBuiltYet("to-raw"); });
  AddJob(app, action, "to-trusted",
         "Raw -> trusted: typed, validated, deduplicated Parquet plus the rejects table",
         [](const JobContext&) { return NotBuiltYet("to-trusted"); });
  AddJob(app, action, "to-enriched",
         "Trusted -> enriched: user_sessions, user_journey, genre_performance, device_analytics",
         [](const JobContext&) { return NotBuiltYet("to-enriched"); });
  AddJob(app, action, "report", "Answer Q1-Q3 as text, report.json and report.html",
         [](const JobContext&) { return NotBuiltYet("report"); });
}

}  // namespace streampro::cli
