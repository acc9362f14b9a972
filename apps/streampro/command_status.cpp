// `streampro status`: what the lake holds, date by date (pipeline/lake_status.h). Read-only:
// it takes no lock, so it may run beside a pipeline.

#include <fmt/format.h>

#include <memory>

#include "cli.h"
#include "job.h"
#include "pipeline/lake_status.h"

namespace streampro::cli {

namespace {

struct StatusArgs {
  JobArgs job;
  size_t runs = 10;
};

}  // namespace

void RegisterStatusCommand(CLI::App* app, Action* action, const CliEnvironment* environment) {
  auto args = std::make_shared<StatusArgs>();
  CLI::App* command = app->add_subcommand(
      "status",
      "What the lake holds: per date the published layers and tables, rows, bytes, the last "
      "run, stale dates, rejects by reason; interrupted runs; the run log");
  AddCommonOptions(command, &args->job.common, /*date_required=*/false);
  command->add_option("--lake", args->job.lake, "Lake root (default: STREAMPRO_LAKE_ROOT, lake)")
      ->type_name("DIR");
  command->add_option("--format", args->job.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  command->add_option("--runs", args->runs, "Newest run log entries to show")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  command->callback([command, args, action, environment] {
    *action = [command, args, environment]() -> Status {
      ASSIGN_OR_RETURN(const JobContext context, ResolveJob(*command, args->job, *environment));
      ASSIGN_OR_RETURN(const std::shared_ptr<const lake::Lake> lake,
                       OpenLake(context.storage, context.lake, *environment));
      pipeline::StatusOptions options;
      options.date = args->job.common.ingestion_date();
      options.runs = args->runs;
      ASSIGN_OR_RETURN(const pipeline::LakeStatus status, pipeline::ReadLakeStatus(*lake, options));
      if (args->job.format == "json") {
        fmt::print("{}", pipeline::RenderStatusJson(status));
      } else {
        fmt::print("{}", pipeline::RenderStatusText(status));
      }
      return Status::OK();
    };
  });
}

}  // namespace streampro::cli
