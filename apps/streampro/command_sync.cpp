// `streampro sync --engine trino`: declares the lake's tables in a running Trino and syncs
// their partitions over Trino's REST API, after a pipeline run.

#include <fmt/format.h>

#include <memory>

#include "cli.h"
#include "engines/trino/client.h"
#include "engines/trino/ddl.h"

namespace streampro::cli {

namespace {

struct SyncArgs {
  CommonOptions common;
  std::string engine;
  std::string server;
  int timeout_seconds = 300;
  engines::DdlOptions options;
};

Status RunSync(const CLI::App& command, SyncArgs& args, const CliEnvironment& environment) {
  if (args.engine != "trino") {
    return Status::InvalidArgument(
        fmt::format("--engine '{}' is not supported (supported: trino)", args.engine));
  }
  ASSIGN_OR_RETURN(const Config config, LoadConfig(command, args.common));
  ASSIGN_OR_RETURN(const StorageLocations locations, ResolveStorage(config, environment));
  engines::DdlOptions options = args.options;
  if (command.count("--lake") == 0) options.lake = locations.lake;
  RETURN_NOT_OK(options.Validate());
  ASSIGN_OR_RETURN(const std::shared_ptr<const lake::Lake> lake,
                   OpenLake(locations, options.lake, environment));
  if (args.timeout_seconds < 1) {
    return Status::InvalidArgument("--timeout must be at least 1 second");
  }
  ASSIGN_OR_RETURN(engines::trino::ClientOptions client_options,
                   TrinoClientOptions(config, args.server, args.timeout_seconds));
  client_options.catalog = args.options.catalog;

  // Only tables that have a committed partition: Trino refuses an external location that
  // does not exist, and a table without data has nothing to show yet.
  const std::vector<const catalog::TableDef*> tables = engines::QueryableTables();
  std::vector<size_t> partitions;
  for (const catalog::TableDef* table : tables) {
    ASSIGN_OR_RETURN(const std::vector<Date> dates, lake->ListPartitions(*table));
    partitions.push_back(dates.size());
  }

  ASSIGN_OR_RETURN(const std::unique_ptr<engines::trino::Client> client,
                   engines::trino::Client::Make(client_options));
  // [0] CREATE SCHEMA, then CREATE TABLE and the partition sync of each table in turn.
  const std::vector<std::string> statements =
      engines::trino::TrinoDdlStatements(options, locations.folders);
  RETURN_NOT_OK(client->Execute(statements[0]).status());
  size_t synced = 0;
  for (size_t i = 0; i < tables.size(); ++i) {
    const std::string name =
        fmt::format("{}.{}.{}", options.catalog, options.schema, tables[i]->sql_name);
    if (partitions[i] == 0) {
      fmt::print("{}: no partition in the lake yet, not declared\n", name);
      continue;
    }
    RETURN_NOT_OK(client->Execute(statements[1 + 2 * i]).status());
    RETURN_NOT_OK(client->Execute(statements[2 + 2 * i]).status());
    ++synced;
    fmt::print("{}: {} partition{}\n", name, partitions[i], partitions[i] == 1 ? "" : "s");
  }
  fmt::print("Synced {} tables of {} in {}.{} on {}\n", synced, options.lake, options.catalog,
             options.schema, client_options.server);
  return Status::OK();
}

}  // namespace

void RegisterSyncCommand(CLI::App* app, Action* action, const CliEnvironment* environment) {
  auto args = std::make_shared<SyncArgs>();
  CLI::App* command = app->add_subcommand(
      "sync",
      "Declare the lake's tables in a running query engine and sync their partitions "
      "(after a pipeline run); Trino from TRINO_HOST, TRINO_PORT, TRINO_USER");
  AddCommonOptions(command, &args->common, /*date_required=*/false);
  command->remove_option(command->get_option("--ingestion-date"));
  command->add_option("--engine", args->engine, "Query engine (trino)")
      ->required()
      ->type_name("ENGINE");
  command
      ->add_option("--server", args->server,
                   "Trino coordinator, http(s)://host:port (default: TRINO_HOST, TRINO_PORT)")
      ->type_name("URL");
  AddDdlOptions(command, &args->options,
                "Lake folder or s3://bucket/prefix (default: STREAMPRO_LAKE_ROOT)",
                "Trino catalog of the Hive connector");
  command
      ->add_option("--timeout", args->timeout_seconds,
                   "Seconds one statement may take before it is cancelled")
      ->capture_default_str();
  command->callback([command, args, action, environment] {
    *action = [command, args, environment] { return RunSync(*command, *args, *environment); };
  });
}

}  // namespace streampro::cli
