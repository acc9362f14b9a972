// `streampro expire`: removes Iceberg snapshot history (and, with --keep-dates, old
// enriched dates) under the lake lock; see docs/iceberg.md.

#include <fmt/format.h>

#include <memory>

#include "cli.h"
#include "iceberg/lake_tables.h"
#include "job.h"
#include "lake/partition_writer.h"

namespace streampro::cli {

namespace {

struct ExpireArgs {
  JobArgs job;
  int64_t keep_snapshots = -1;
  double older_than_days = -1;
  int64_t keep_dates = -1;
  bool dry_run = false;
};

constexpr double kMillisPerDay = 86400.0 * 1000.0;

// The enriched partitions of each table beyond its newest `keep` dates.
Result<std::vector<std::pair<const catalog::TableDef*, Date>>> OldEnrichedDates(
    const lake::Lake& lake, int64_t keep) {
  std::vector<std::pair<const catalog::TableDef*, Date>> old;
  for (const catalog::TableDef* table : iceberg::IcebergTables()) {
    if (table->layer != catalog::Layer::kEnriched) continue;
    ASSIGN_OR_RETURN(const std::vector<Date> dates, lake.ListPartitions(*table));
    const auto drop = static_cast<int64_t>(dates.size()) - keep;
    for (int64_t i = 0; i < drop; ++i) old.emplace_back(table, dates[static_cast<size_t>(i)]);
  }
  return old;
}

Status RunExpire(const lake::LakeLock& lock, const JobContext& context, const ExpireArgs& args) {
  const lake::Lake& lake = lock.lake();
  const std::string would = args.dry_run ? "would " : "";
  if (args.keep_dates >= 0) {
    ASSIGN_OR_RETURN(const auto old, OldEnrichedDates(lake, args.keep_dates));
    for (const auto& [table, date] : old) {
      if (!args.dry_run) RETURN_NOT_OK(lake::DropPartition(lock, *table, date));
      fmt::print(context.progress, "  {} {}\n", args.dry_run ? "would drop" : "dropped",
                 lake.PartitionUri(*table, date));
    }
    fmt::print(context.progress, "Enriched dates: {} {} partitions older than the newest {}\n",
               args.dry_run ? "would drop" : "dropped", old.size(), args.keep_dates);
  }
  // The tables catch up with what is published (and lose dropped dates) in a new snapshot
  // before their history is expired.
  if (!args.dry_run) RETURN_NOT_OK(CommitIceberg(lock, context));
  iceberg::ExpireOptions expire;
  expire.dry_run = args.dry_run;
  const int64_t now_ms = NowMillis();
  if (args.keep_snapshots >= 0) expire.keep_snapshots = args.keep_snapshots;
  if (args.older_than_days >= 0) {
    expire.older_than_ms = now_ms - static_cast<int64_t>(args.older_than_days * kMillisPerDay);
  }
  iceberg::LakeTablesOptions options;
  options.catalog_uri = context.iceberg_catalog;
  ASSIGN_OR_RETURN(const std::vector<iceberg::TableExpiry> expiries,
                   iceberg::ExpireLakeTables(lake, options, expire, now_ms));
  size_t snapshots = 0, files = 0;
  int64_t bytes = 0;
  for (const iceberg::TableExpiry& e : expiries) {
    snapshots += e.expired_snapshots.size();
    files += e.removed.size();
    bytes += e.removed_bytes();
    if (e.expired_snapshots.empty() && e.removed.empty()) continue;
    fmt::print(context.progress,
               "  {:<18} {}expire {} snapshots (keeping {}), {}delete {} files ({} bytes)\n",
               e.table->sql_name, would, e.expired_snapshots.size(), e.kept_snapshots, would,
               e.removed.size(), e.removed_bytes());
    if (args.dry_run) {
      for (const int64_t id : e.expired_snapshots) {
        fmt::print(context.progress, "    snapshot {}\n", id);
      }
      for (const iceberg::RemovedFile& f : e.removed) {
        fmt::print(context.progress, "    {} ({} bytes)\n", f.uri, f.bytes);
      }
    }
  }
  fmt::print(context.progress, "Expire{}: {} snapshots of {} tables, {} files ({} bytes) {}\n",
             args.dry_run ? " (dry run, nothing changed)" : "", snapshots, expiries.size(), files,
             bytes, args.dry_run ? "would be deleted" : "deleted");
  return Status::OK();
}

}  // namespace

void RegisterExpireCommand(CLI::App* app, Action* action, const CliEnvironment* environment) {
  auto args = std::make_shared<ExpireArgs>();
  CLI::App* command = app->add_subcommand(
      "expire",
      "Expire old Iceberg snapshots (STREAMPRO_CATALOG) and delete the files only they used; "
      "optionally drop old enriched dates");
  AddCommonOptions(command, &args->job.common, /*date_required=*/false);
  command->get_option("--ingestion-date")->group("");  // no date to give: hidden
  command->add_option("--lake", args->job.lake, "Lake root (default: STREAMPRO_LAKE_ROOT, lake)")
      ->type_name("DIR");
  AddQuietOption(command, &args->job);
  command
      ->add_option("--keep-snapshots", args->keep_snapshots,
                   "Keep the newest N snapshots of each table (the current one always stays)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40))
      ->type_name("N");
  command
      ->add_option("--older-than", args->older_than_days,
                   "Expire snapshots committed more than DAYS ago (with --keep-snapshots: only "
                   "those also beyond the newest N)")
      ->check(CLI::Range(0.0, 1e6))
      ->type_name("DAYS");
  command
      ->add_option("--keep-dates", args->keep_dates,
                   "Drop each enriched table's partitions older than its newest N dates, then "
                   "commit")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40))
      ->type_name("N");
  command->add_flag("--dry-run", args->dry_run, "List what would go (snapshots, files, bytes)");
  command->callback([command, args, action, environment] {
    *action = [command, args, environment]() -> Status {
      if (args->keep_snapshots < 0 && args->older_than_days < 0 && args->keep_dates < 0) {
        return Status::InvalidArgument(
            "expire: give --keep-snapshots N, --older-than DAYS or --keep-dates N");
      }
      ASSIGN_OR_RETURN(JobContext context, ResolveJob(*command, args->job, *environment));
      if (context.iceberg_catalog.empty()) {
        return Status::InvalidArgument(
            "expire: STREAMPRO_CATALOG is not set: there are no Iceberg tables to expire");
      }
      ASSIGN_OR_RETURN(const std::unique_ptr<RunMonitor> monitor,
                       StartMonitor(args->job.quiet, &context));
      // RunExpire commits itself (a dry run commits nothing): no commit after its work.
      JobContext locked = context;
      locked.iceberg_catalog.clear();
      return RunLocked(locked,
                       [&](const lake::LakeLock& lock) { return RunExpire(lock, context, *args); });
    };
  });
}

}  // namespace streampro::cli
