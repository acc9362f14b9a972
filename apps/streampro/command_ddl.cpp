// `streampro ddl --engine trino|spark`: CREATE statements for a query engine over the lake.

#include <fmt/format.h>

#include <memory>

#include "cli.h"
#include "engines/spark/ddl.h"
#include "engines/trino/ddl.h"

namespace streampro::cli {

namespace {

struct DdlArgs {
  CommonOptions common;
  std::string engine;
  engines::DdlOptions options;
};

Status RunDdl(const CLI::App& command, DdlArgs& args, const CliEnvironment& environment) {
  if (args.engine != "trino" && args.engine != "spark") {
    return Status::InvalidArgument(
        fmt::format("--engine '{}' is not supported (supported: trino, spark)", args.engine));
  }
  engines::DdlOptions options = args.options;
  ASSIGN_OR_RETURN(const Config config, LoadConfig(command, args.common));
  ASSIGN_OR_RETURN(const StorageLocations locations, ResolveStorage(config, environment));
  if (command.count("--lake") == 0) options.lake = locations.lake;
  RETURN_NOT_OK(options.Validate());
  fmt::print("{}", args.engine == "spark" ? engines::spark::SparkDdl(options, locations.folders)
                                          : engines::trino::TrinoDdl(options, locations.folders));
  return Status::OK();
}

}  // namespace

void AddDdlOptions(CLI::App* command, engines::DdlOptions* options, const std::string& lake_help,
                   const std::string& catalog_help) {
  command->add_option("--lake", options->lake, lake_help)->type_name("DIR_OR_URI");
  command->add_option("--catalog", options->catalog, catalog_help)->capture_default_str();
  command->add_option("--schema", options->schema, "Schema to create the tables in")
      ->capture_default_str();
  command
      ->add_option("--timestamp-precision", options->timestamp_precision,
                   "3 or 6; 6 keeps microseconds and needs hive.timestamp-precision="
                   "MICROSECONDS in the catalog")
      ->capture_default_str();
}

void RegisterDdlCommand(CLI::App* app, Action* action, const CliEnvironment* environment) {
  auto args = std::make_shared<DdlArgs>();
  CLI::App* command = app->add_subcommand(
      "ddl",
      "Print the SQL that declares the lake's raw, trusted and enriched tables in a query "
      "engine (CREATE SCHEMA, CREATE TABLE, partition sync)");
  AddCommonOptions(command, &args->common, /*date_required=*/false);
  // The DDL covers every date: only --env and --config apply.
  command->remove_option(command->get_option("--ingestion-date"));
  command->add_option("--engine", args->engine, "Query engine (trino or spark)")
      ->required()
      ->type_name("ENGINE");
  AddDdlOptions(command, &args->options,
                "Lake folder or s3://bucket/prefix (default: STREAMPRO_LAKE_ROOT); a folder is "
                "written as local:///absolute/path (Trino) or file:///absolute/path (Spark)",
                "Trino catalog of the Hive connector (not used by Spark)");
  command->callback([command, args, action, environment] {
    *action = [command, args, environment] { return RunDdl(*command, *args, *environment); };
  });
}

}  // namespace streampro::cli
