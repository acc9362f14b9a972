#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/config.h"
#include "common/date.h"
#include "engines/trino/client.h"
#include "lake/lake.h"
#include "streampro/object_store.h"
#include "streampro/status.h"

namespace streampro::engines {
struct DdlOptions;
}  // namespace streampro::engines

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

/// Adds --env, --ingestion-date (alias --ingestion_date) and --config to `command`.
/// `date_required` makes --ingestion-date mandatory; `extra_date_name` adds an alias such
/// as "--date".
void AddCommonOptions(CLI::App* command, CommonOptions* options, bool date_required,
                      const std::string& extra_date_name = "");

/// Reads the settings: --config FILE if given, else config/<env>.env (a missing file is an
/// error only when --env was given explicitly), then the environment on top.
Result<Config> LoadConfig(const CLI::App& command, const CommonOptions& options);

/// What the process around the commands provides. The shipped binary passes the defaults;
/// a test driver passes a store wrapper (fault injection) and a commit observer (to stop
/// at a named commit step), the seams leveldb's Env gives its tests.
struct CliEnvironment {
  /// Wraps every store the commands open; empty for none.
  std::function<std::shared_ptr<storage::ObjectStore>(std::shared_ptr<storage::ObjectStore>)>
      store_wrapper;
  /// Told about every commit step of the lake; empty for none.
  lake::CommitObserver commit_observer;
};

/// Where a job reads landing files and writes the lake, from the settings (the command
/// line's --landing / --lake override them), and the stores that serve them.
struct StorageLocations {
  std::string landing;
  std::string lake;
  /// Local paths, `s3://` (with the settings' endpoint and keys, or an error naming the
  /// missing settings when there are none) and `mem://`.
  std::shared_ptr<storage::StoreRegistry> stores;
  /// The MINIO_*_PREFIX layer folders.
  lake::LayerFolders folders;
};

/// The landing folder setting: STREAMPRO_LANDING_DIR or its alias LOCAL_DATA_PATH (the
/// original system's name). When both are set, the one from the environment wins over one
/// from the settings file, and STREAMPRO_LANDING_DIR wins when they come from the same
/// place; an empty LOCAL_DATA_PATH counts as unset.
std::string LandingDirSetting(const Config& config);

/// STREAMPRO_STORAGE=local: STREAMPRO_LANDING_DIR and STREAMPRO_LAKE_ROOT. =s3: the lake at
/// `s3://MINIO_BUCKET/MINIO_LAKE_PREFIX`, landing at `s3://MINIO_BUCKET/MINIO_LANDING_PREFIX`
/// when that is set (else the local STREAMPRO_LANDING_DIR, uploaded). `s3://` URIs given on
/// the command line use the same endpoint, keys and layer folders.
Result<StorageLocations> ResolveStorage(const Config& config, const CliEnvironment& environment);

/// The lake at `uri` with the settings' layer folders and the environment's observer.
Result<std::shared_ptr<const lake::Lake>> OpenLake(const StorageLocations& storage,
                                                   const std::string& uri,
                                                   const CliEnvironment& environment);

/// The process exit codes (README.md and docs/architecture.md list the same).
inline constexpr int kExitSuccess = 0;
/// Bad input data, a missing file, or an I/O failure (InvalidData, NotFound, IOError, and
/// NotImplemented: input that uses a feature the readers do not support).
inline constexpr int kExitBadInput = 1;
/// Bad usage or settings: unknown option, bad date, bad config value (InvalidArgument).
inline constexpr int kExitUsage = 2;
/// An internal error: a broken invariant or a programming error that surfaced as a Status
/// (Internal) or as an exception; never the user's fault (sysexits.h EX_SOFTWARE).
inline constexpr int kExitInternal = 70;
/// The run was interrupted (SIGINT or SIGTERM) and stopped cleanly: staged files removed,
/// the lake lock released (128 + SIGINT, the shell's code for a Ctrl-C).
inline constexpr int kExitInterrupted = 130;

/// The Trino client of `sync` and `--engine trino`: `server` when given, else
/// http(s)://TRINO_HOST:TRINO_PORT (TRINO_HOST may carry its scheme; TRINO_SECURE), with
/// TRINO_USER and TRINO_PASSWORD; one statement may take `timeout_seconds`.
Result<engines::trino::ClientOptions> TrinoClientOptions(const Config& config,
                                                         const std::string& server,
                                                         int64_t timeout_seconds);

/// Exit code for `status`: kExitSuccess when ok, else one of the codes above.
int ExitCodeFor(const Status& status);

/// Parses the command line and runs the command: the whole program, minus main().
int RunCli(int argc, char** argv, const CliEnvironment& environment);

/// Prints `streampro: error: <message>` on one line to stderr.
void PrintError(const std::string& message);

void RegisterGenerateCommand(CLI::App* app, Action* action);
void RegisterPipelineCommands(CLI::App* app, Action* action, const CliEnvironment* environment);
/// The options `ddl` and `sync` share, into `options`: --lake, --catalog, --schema and
/// --timestamp-precision, with the help texts of the two that differ between them
/// (command_ddl.cpp).
void AddDdlOptions(CLI::App* command, engines::DdlOptions* options, const std::string& lake_help,
                   const std::string& catalog_help);

void RegisterDdlCommand(CLI::App* app, Action* action, const CliEnvironment* environment);
void RegisterSyncCommand(CLI::App* app, Action* action, const CliEnvironment* environment);
void RegisterBackfillCommand(CLI::App* app, Action* action, const CliEnvironment* environment);
void RegisterStatusCommand(CLI::App* app, Action* action, const CliEnvironment* environment);
void RegisterExpireCommand(CLI::App* app, Action* action, const CliEnvironment* environment);

}  // namespace streampro::cli
