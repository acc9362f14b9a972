// The command line: parses the arguments and runs the command. The only place that prints
// results and chooses exit codes.

#include <fmt/format.h>

#include <exception>

#include "cli.h"
#include "streampro/version.h"

namespace streampro::cli {

int RunCli(int argc, char** argv, const CliEnvironment& environment) {
  CLI::App app{
      fmt::format("StreamPro {}: lakehouse ETL for video-streaming engagement analytics.\n"
                  "Moves landing files through raw -> trusted -> enriched -> report.",
                  kVersion)};
  app.name("streampro");
  app.require_subcommand(1, 1);
  app.set_version_flag("--version", std::string(kVersion));
  app.failure_message(CLI::FailureMessage::simple);

  Action action;
  RegisterGenerateCommand(&app, &action);
  RegisterPipelineCommands(&app, &action, &environment);
  RegisterDdlCommand(&app, &action, &environment);
  RegisterSyncCommand(&app, &action, &environment);
  RegisterBackfillCommand(&app, &action, &environment);
  RegisterStatusCommand(&app, &action, &environment);
  RegisterExpireCommand(&app, &action, &environment);

  // Name the valid commands when the first word is not one of them.
  std::string known;
  bool first_word_known = false;
  for (const CLI::App* command : app.get_subcommands({})) {
    known += (known.empty() ? "" : ", ") + command->get_name();
    first_word_known |= argc > 1 && command->get_name() == argv[1];
  }
  if (argc == 1) {
    PrintError(fmt::format("no command given (commands: {}; see --help)", known));
    return kExitUsage;
  }
  if (argv[1][0] != '-' && !first_word_known) {
    PrintError(fmt::format("unknown command '{}' (commands: {})", argv[1], known));
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    PrintError(fmt::format("{} (run 'streampro --help' for usage)", e.what()));
    return kExitUsage;
  }
  Status status;
  try {
    status = action();
  } catch (const std::exception& e) {
    // The library reports failures as Status; an exception reaching here is a bug (or
    // memory exhaustion), not bad input: say so instead of terminating.
    status = Status::Internal(fmt::format("internal error: {}", e.what()));
  }
  if (!status.ok()) {
    PrintError(status.message());
    return ExitCodeFor(status);
  }
  return kExitSuccess;
}

}  // namespace streampro::cli
