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

/// Where a job reads landing files and writes the lake, from the settings (the command
/// line's --landing / --lake override them).
struct StorageLocations {
  std::string landing;
  std::string lake;
};

/// STREAMPRO_STORAGE=local: STREAMPRO_LANDING_DIR and STREAMPRO_LAKE_ROOT. =s3: the lake at
/// `s3://MINIO_BUCKET/MINIO_LAKE_PREFIX`, landing at `s3://MINIO_BUCKET/MINIO_LANDING_PREFIX`
/// when that is set (else the local STREAMPRO_LANDING_DIR, uploaded). Also hands the S3
/// endpoint and keys to storage::SetS3Options and the MINIO_*_PREFIX layer folders to
/// lake::SetLayerFolders, so `s3://` URIs given on the command line work too.
Result<StorageLocations> ResolveStorage(const Config& config);

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

/// Exit code for `status`: kExitSuccess when ok, else one of the codes above.
int ExitCodeFor(const Status& status);

/// Prints `streampro: error: <message>` on one line to stderr.
void PrintError(const std::string& message);

void RegisterGenerateCommand(CLI::App* app, Action* action);
void RegisterPipelineCommands(CLI::App* app, Action* action);
void RegisterDdlCommand(CLI::App* app, Action* action);

}  // namespace streampro::cli
