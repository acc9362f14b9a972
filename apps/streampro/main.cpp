// streampro: the command line. The only place that prints results and chooses exit codes.

#include <fmt/format.h>

#include <exception>

#include "cli.h"
#include "streampro/version.h"

int main(int argc, char** argv) {
  using namespace streampro;
  CLI::App app{
      fmt::format("StreamPro {}: lakehouse ETL for video-streaming engagement analytics.\n"
                  "Moves landing files through raw -> trusted -> enriched -> report.",
                  kVersion)};
  app.name("streampro");
  app.require_subcommand(1, 1);
  app.set_version_flag("--version", std::string(kVersion));
  app.failure_message(CLI::FailureMessage::simple);

  cli::Action action;
  cli::RegisterGenerateCommand(&app, &action);
  cli::RegisterPipelineCommands(&app, &action);
  cli::RegisterDdlCommand(&app, &action);

  // Name the valid commands when the first word is not one of them.
  std::string known;
  bool first_word_known = false;
  for (const CLI::App* command : app.get_subcommands({})) {
    known += (known.empty() ? "" : ", ") + command->get_name();
    first_word_known |= argc > 1 && command->get_name() == argv[1];
  }
  if (argc == 1) {
    cli::PrintError(fmt::format("no command given (commands: {}; see --help)", known));
    return cli::kExitUsage;
  }
  if (argv[1][0] != '-' && !first_word_known) {
    cli::PrintError(fmt::format("unknown command '{}' (commands: {})", argv[1], known));
    return cli::kExitUsage;
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
    cli::PrintError(fmt::format("{} (run 'streampro --help' for usage)", e.what()));
    return cli::kExitUsage;
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
    cli::PrintError(status.message());
    return cli::ExitCodeFor(status);
  }
  return cli::kExitSuccess;
}
