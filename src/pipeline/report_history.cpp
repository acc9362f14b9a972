#include "pipeline/report_history.h"

#include <fmt/format.h>

#include <set>

#include "catalog/catalog.h"
#include "lake/manifest.h"
#include "pipeline/parallel_for.h"
#include "pipeline/report_stage.h"

namespace streampro::pipeline {

namespace {

// Dates before `date` with a trusted partition of a landing table or a published report.
Result<std::vector<Date>> EarlierDates(const lake::Lake& lake, Date date) {
  std::set<Date> dates;
  std::vector<const catalog::TableDef*> tables = {&catalog::Get(catalog::TableId::kReport)};
  for (const Table table : kAllTables) tables.push_back(&catalog::TrustedTable(table));
  for (const catalog::TableDef* table : tables) {
    ASSIGN_OR_RETURN(const std::vector<Date> partitions, lake.ListPartitions(*table));
    for (const Date partition : partitions) {
      if (partition < date) dates.insert(partition);
    }
  }
  return std::vector<Date>(dates.begin(), dates.end());
}

Result<report::HistoryPoint> ReadHistoryPoint(const lake::Lake& lake, Date date) {
  report::HistoryPoint point;
  const catalog::TableDef& report_table = catalog::Get(catalog::TableId::kReport);
  ASSIGN_OR_RETURN(const auto manifest, lake::ReadManifest(lake, report_table, date));
  if (manifest) {
    ASSIGN_OR_RETURN(const std::string json, ReadPublishedReportJson(lake, date));
    const std::string origin = lake.PartitionUri(report_table, date) + "/report.json";
    Result<report::HistoryPoint> parsed = report::ParseHistoryPoint(json, origin);
    if (parsed.ok() && parsed->date != date) {
      parsed = Status::InvalidData(fmt::format("{}: ingestion_date {} is not the partition's date",
                                               origin, FormatIsoDate(parsed->date)));
    }
    if (!parsed.ok()) {
      // The history of every later date reads this file: say how to mend it.
      return Status(parsed.status().code(),
                    fmt::format("{}; rebuild it with `streampro report --ingestion-date {}`",
                                parsed.status().message(), FormatIsoDate(date)));
    }
    point = std::move(parsed).value();
  }
  point.date = date;
  ASSIGN_OR_RETURN(point.tables, TrustedTableCounts(lake, date));
  return point;
}

}  // namespace

Result<std::vector<report::TableCounts>> TrustedTableCounts(const lake::Lake& lake, Date date) {
  std::vector<report::TableCounts> tables;
  for (const Table table : kAllTables) {
    report::TableCounts counts;
    counts.table = std::string(TableName(table));
    ASSIGN_OR_RETURN(const auto manifest,
                     lake::ReadManifest(lake, catalog::TrustedTable(table), date));
    if (manifest && manifest->counters) {
      counts.file = manifest->source_file;
      counts.counters = *manifest->counters;
    }
    tables.push_back(std::move(counts));
  }
  return tables;
}

Result<std::vector<report::HistoryPoint>> ReadReportHistory(const lake::Lake& lake,
                                                            const report::Report& current,
                                                            int threads) {
  ASSIGN_OR_RETURN(const std::vector<Date> dates, EarlierDates(lake, current.ingestion_date));
  std::vector<report::HistoryPoint> history(dates.size());
  RETURN_NOT_OK(ParallelFor(dates.size(), threads, [&](size_t i) -> Status {
    ASSIGN_OR_RETURN(history[i], ReadHistoryPoint(lake, dates[i]));
    return Status::OK();
  }));
  history.push_back(report::HistoryPointOf(current));
  return history;
}

}  // namespace streampro::pipeline
