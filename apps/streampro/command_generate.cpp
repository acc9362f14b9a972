// `streampro generate`: deterministic synthetic landing files.

#include <fmt/format.h>

#include <memory>

#include "cli.h"
#include "generate/generator.h"

namespace streampro::cli {

namespace {

std::string HumanBytes(int64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  if (bytes < 1024LL * 1024 * 1024) return fmt::format("{:.1f} MiB", bytes / 1048576.0);
  return fmt::format("{:.2f} GiB", bytes / 1073741824.0);
}

struct GenerateArgs {
  CommonOptions common;
  generate::GeneratorOptions options;
  int64_t users = 0;
  int64_t events = 0;
};

Status RunGenerate(const CLI::App& command, GenerateArgs& args) {
  ASSIGN_OR_RETURN(const Config config, LoadConfig(command, args.common));
  generate::GeneratorOptions options = args.options;
  if (auto date = args.common.ingestion_date()) options.date = *date;
  if (command.count("--users") > 0) options.users = args.users;
  if (command.count("--events") > 0) options.events = args.events;
  if (command.count("--threads") == 0) {
    ASSIGN_OR_RETURN(const int64_t threads, config.GetInt("STREAMPRO_THREADS"));
    options.threads = static_cast<int>(threads);
  }
  ASSIGN_OR_RETURN(const generate::GenerateSummary summary, generate::GenerateLanding(options));

  const generate::SimulationStats& s = summary.stats;
  fmt::print("Generated landing data for {} in {} (seed {}, {} threads)\n",
             FormatIsoDate(options.date), options.out_dir, options.seed, summary.threads);
  int64_t jsonl_bytes = 0;
  for (const auto& file : summary.files) {
    fmt::print("  {:<28} {:>12}\n", file.name, HumanBytes(file.bytes));
    if (file.name.ends_with(".jsonl")) jsonl_bytes = file.bytes;
  }
  fmt::print("  {} users ({} never active), {} sessions, {} clean events\n", summary.users,
             s.never_active, s.sessions, s.events);
  fmt::print("  planted signals and dirty-record counts: {}/truth.json\n", options.out_dir);
  const double seconds = std::max(summary.seconds, 1e-9);
  fmt::print("  {:.2f} s, {:.1f} MB/s of JSONL, {:.0f} events/s\n", summary.seconds,
             jsonl_bytes / seconds / 1e6, s.events / seconds);
  return Status::OK();
}

}  // namespace

void RegisterGenerateCommand(CLI::App* app, Action* action) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* command = app->add_subcommand(
      "generate",
      "Write deterministic synthetic landing files (users, videos, devices, events) and "
      "truth.json with the planted signals and dirty-record counts");
  AddCommonOptions(command, &args->common, /*date_required=*/false, "--date");
  command->get_option("--ingestion-date")
      ->description(
          "Date D in the file names; the activity window ends with it (default 2025-09-09)");
  generate::GeneratorOptions& o = args->options;
  command->add_option("--out", o.out_dir, "Folder to write the landing files into")
      ->required()
      ->type_name("DIR");
  command->add_option("--users", args->users, "Users (default 100, or derived from --events)");
  command->add_option("--videos", o.videos, "Videos (at least 4)")->capture_default_str();
  command->add_option("--devices", o.devices, "Devices")->capture_default_str();
  command->add_option("--days", o.days, "Days of activity, ending on the date")
      ->capture_default_str();
  command->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  command->add_option("--events", args->events,
                      "Target number of clean events (streams to disk; up to 2e9)");
  command
      ->add_option("--dirty-rate", o.dirty_rate,
                   "Extra dirty or oddly formatted records per clean record (0..0.5)")
      ->capture_default_str();
  command->add_option("--threads", o.threads, "Worker threads (0 = one per core)");
  command->callback([command, args, action] {
    *action = [command, args] { return RunGenerate(*command, *args); };
  });
}

}  // namespace streampro::cli
