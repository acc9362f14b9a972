#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>

#include "common/config.h"
#include "common/date.h"
#include "streampro/status.h"

namespace streampro::cli {

/// The work a parsed command line asks for; run after parsing succeeds.
using Action = std::function<Status()>;

/// Options every subcommand takes.
struct CommonOptions {
  std::string env = "dev";
  std::string ingestion_date_text;
  std::string config_file;

  /// The parsed --ingestion-date (validated at parse time), if given.
  std::optional<Date> ingestion_date() const;
};

/// Adds --env, --ingestion-date and --config to `command`. `date_required` makes
/// --ingestion-date mandatory; `extra_date_name` adds an alias such as "--date".
void AddCommonOptions(CLI::App* command, CommonOptions* options, bool date_required,
                      const std::string& extra_date_name = "");

/// Reads the settings: --config FILE if given, else config/<env>.env (a missing file is an
/// error only when --env was given explicitly), then the environment on top.
Result<Config> LoadConfig(const CLI::App& command, const CommonOptions& options);

/// Exit code for a failed Status: 2 bad usage, 1 bad input or I/O, 3 not implemented.
int ExitCodeFor(const Status& status);

/// Prints `streampro: error: <message>` on one line to stderr.
void PrintError(const std::string& message);

void RegisterGenerateCommand(CLI::App* app, Action* action);
void RegisterPipelineCommands(CLI::App* app, Action* action);
void RegisterDdlCommand(CLI::App* app, Action* action);

}  // namespace streampro::cli
