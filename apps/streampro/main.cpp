// streampro: the command line (run_cli.cpp), with the real stores and no test seams.

#include <exception>

#include "cli.h"

int main(int argc, char** argv) {
  return streampro::cli::RunCli(argc, argv, streampro::cli::CliEnvironment{});
}
