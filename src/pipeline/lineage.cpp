#include "pipeline/lineage.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "common/parse_int.h"
#include "lake/commit_protocol.h"
#include "lake/sha256.h"

namespace streampro::pipeline {

namespace {

using catalog::TableDef;
using catalog::TableId;

constexpr std::string_view kInputCountProperty = "inputs";
constexpr std::string_view kInputPrefix = "input.";
// `YYYY-MM-DD` after the table's label and a dot.
constexpr size_t kDateLength = 10;

const TableDef* TableWithLabel(std::string_view label) {
  for (const TableDef& table : catalog::AllTables()) {
    if (table.label() == label) return &table;
  }
  return nullptr;
}

std::string InputKey(const TableDef& table, Date date) {
  return fmt::format("{}{}.{}", kInputPrefix, table.label(), FormatIsoDate(date));
}

using InputKeyTuple = std::tuple<TableId, Date>;

// Adds to `out` what differs between the inputs a partition of `layer` recorded and those
// it would read now.
void Compare(catalog::Layer layer, const std::vector<InputVersion>& recorded,
             const std::vector<InputVersion>& expected, std::vector<StaleInput>* out) {
  std::map<InputKeyTuple, const InputVersion*> recorded_by_key;
  for (const InputVersion& input : recorded) {
    recorded_by_key[{input.table->id, input.date}] = &input;
  }
  std::set<InputKeyTuple> expected_keys;
  for (const InputVersion& input : expected) {
    expected_keys.insert({input.table->id, input.date});
    const auto it = recorded_by_key.find({input.table->id, input.date});
    if (it == recorded_by_key.end()) {
      out->push_back({layer, input.table, input.date, StaleInput::Change::kAdded});
    } else if (it->second->version != input.version) {
      out->push_back({layer, input.table, input.date, StaleInput::Change::kChanged});
    }
  }
  for (const InputVersion& input : recorded) {
    if (!expected_keys.contains({input.table->id, input.date})) {
      out->push_back({layer, input.table, input.date, StaleInput::Change::kGone});
    }
  }
}

void AddUnique(const StaleInput& reason, std::vector<StaleInput>* out) {
  if (std::find(out->begin(), out->end(), reason) == out->end()) out->push_back(reason);
}

}  // namespace

std::string ContentVersion(const lake::PartitionManifest& manifest) {
  std::string text;
  for (const lake::FileEntry& file : manifest.files) {
    text += fmt::format("file {} {}\n", file.name, file.sha256);
  }
  if (manifest.source_file) text += fmt::format("source {}\n", *manifest.source_file);
  if (manifest.counters) {
    const FileCounters& c = *manifest.counters;
    text += fmt::format("counters {} {} {} {}", c.rows_in, c.rows_kept, c.rows_rejected,
                        c.rows_duplicate);
    for (const auto& [reason, count] : c.RejectedByReasonMap()) {
      text += fmt::format(" {}={}", reason, count);
    }
    text += '\n';
  }
  return lake::Sha256::HexOf(text).substr(0, 32);
}

void RecordInputs(std::span<const InputVersion> inputs, lake::PartitionWriter* partition) {
  partition->set_property(std::string(kInputCountProperty), std::to_string(inputs.size()));
  for (const InputVersion& input : inputs) {
    partition->set_property(InputKey(*input.table, input.date), input.version);
  }
}

Result<std::optional<std::vector<InputVersion>>> RecordedInputs(
    const lake::PartitionManifest& manifest, const std::string& origin) {
  const auto count = manifest.properties.find(std::string(kInputCountProperty));
  if (count == manifest.properties.end()) return std::optional<std::vector<InputVersion>>();
  std::vector<InputVersion> inputs;
  for (const auto& [key, value] : manifest.properties) {
    if (!key.starts_with(kInputPrefix)) continue;
    const std::string_view rest = std::string_view(key).substr(kInputPrefix.size());
    const TableDef* table = nullptr;
    std::optional<Date> date;
    if (rest.size() > kDateLength + 1 && rest[rest.size() - kDateLength - 1] == '.') {
      table = TableWithLabel(rest.substr(0, rest.size() - kDateLength - 1));
      date = ParseIsoDate(rest.substr(rest.size() - kDateLength));
    }
    if (table == nullptr || !date || value.empty()) {
      return Status::InvalidData(
          fmt::format("{}: property '{}' names no table and date of the lake", origin, key));
    }
    inputs.push_back(InputVersion{table, *date, value});
  }
  if (ParseInt64(count->second) != static_cast<int64_t>(inputs.size())) {
    return Status::InvalidData(fmt::format("{}: property 'inputs' says {}, the manifest lists {}",
                                           origin, count->second, inputs.size()));
  }
  return std::optional<std::vector<InputVersion>>(std::move(inputs));
}

Result<std::vector<Date>> PublishedPartitions::Dates(const TableDef& table) {
  auto it = dates_.find(table.id);
  if (it == dates_.end()) {
    ASSIGN_OR_RETURN(std::vector<Date> dates, lake_.ListPartitions(table));
    it = dates_.emplace(table.id, std::move(dates)).first;
  }
  return it->second;
}

Result<std::optional<lake::PartitionManifest>> PublishedPartitions::Manifest(const TableDef& table,
                                                                             Date date) {
  auto it = manifests_.find({table.id, date});
  if (it == manifests_.end()) {
    ASSIGN_OR_RETURN(std::optional<lake::PartitionManifest> manifest,
                     lake::ReadManifest(lake_, table, date));
    it = manifests_.emplace(std::pair{table.id, date}, std::move(manifest)).first;
  }
  return it->second;
}

Result<std::optional<lake::PartitionManifest>> PublishedPartitions::NewestAtOrBefore(
    const TableDef& table, Date date) {
  ASSIGN_OR_RETURN(const std::vector<Date> dates, Dates(table));
  for (auto it = dates.rbegin(); it != dates.rend(); ++it) {
    if (*it > date) continue;
    ASSIGN_OR_RETURN(std::optional<lake::PartitionManifest> manifest, Manifest(table, *it));
    if (manifest) return manifest;
  }
  return std::optional<lake::PartitionManifest>();
}

InputVersion PublishedPartitions::Input(const TableDef& table,
                                        const lake::PartitionManifest& manifest) {
  const std::string identity = lake::PartitionVersion(manifest);
  auto& [seen, version] = versions_[{table.id, manifest.date}];
  if (seen != identity || version.empty()) {
    seen = identity;
    version = ContentVersion(manifest);
  }
  return InputVersion{&table, manifest.date, version};
}

void PublishedPartitions::Forget(Date date) {
  dates_.clear();
  std::erase_if(manifests_, [&](const auto& entry) { return entry.first.second == date; });
}

InputVersion InputOf(const TableDef& table, const lake::PartitionManifest& manifest) {
  return InputVersion{&table, manifest.date, ContentVersion(manifest)};
}

Result<EnrichedSources> FindEnrichedSources(PublishedPartitions& published, Date date) {
  EnrichedSources sources;
  const TableDef& events = catalog::TrustedTable(Table::kEvents);
  ASSIGN_OR_RETURN(const std::vector<Date> dates, published.Dates(events));
  for (const Date d : dates) {
    if (d > date) break;
    ASSIGN_OR_RETURN(std::optional<lake::PartitionManifest> manifest,
                     published.Manifest(events, d));
    if (manifest) sources.events.push_back(std::move(*manifest));
  }
  ASSIGN_OR_RETURN(sources.users,
                   published.NewestAtOrBefore(catalog::TrustedTable(Table::kUsers), date));
  ASSIGN_OR_RETURN(sources.videos,
                   published.NewestAtOrBefore(catalog::TrustedTable(Table::kVideos), date));
  for (const lake::PartitionManifest& manifest : sources.events) {
    sources.inputs.push_back(published.Input(events, manifest));
  }
  if (sources.users) {
    sources.inputs.push_back(published.Input(catalog::TrustedTable(Table::kUsers), *sources.users));
  }
  if (sources.videos) {
    sources.inputs.push_back(
        published.Input(catalog::TrustedTable(Table::kVideos), *sources.videos));
  }
  return sources;
}

Result<std::vector<InputVersion>> TrustedCheckInputs(PublishedPartitions& published, Date date) {
  std::vector<InputVersion> inputs;
  for (const Table table : {Table::kUsers, Table::kVideos}) {
    const TableDef& trusted = catalog::TrustedTable(table);
    ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> newest,
                     published.NewestAtOrBefore(trusted, date));
    if (newest && newest->date < date) inputs.push_back(published.Input(trusted, *newest));
  }
  return inputs;
}

Result<std::vector<InputVersion>> ReportInputs(PublishedPartitions& published, Date date) {
  std::vector<InputVersion> inputs;
  for (const TableId id : kReportEnrichedTables) {
    ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> manifest,
                     published.Manifest(catalog::Get(id), date));
    if (manifest) inputs.push_back(published.Input(catalog::Get(id), *manifest));
  }
  for (const Table table : kAllTables) {
    const TableDef& trusted = catalog::TrustedTable(table);
    ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> manifest,
                     published.Manifest(trusted, date));
    if (manifest) inputs.push_back(published.Input(trusted, *manifest));
  }
  // The history section (report_history.h): every earlier report and the trusted tables
  // of every earlier date.
  std::vector<const TableDef*> history = {&catalog::Get(TableId::kReport)};
  for (const Table table : kAllTables) history.push_back(&catalog::TrustedTable(table));
  for (const TableDef* table : history) {
    ASSIGN_OR_RETURN(const std::vector<Date> dates, published.Dates(*table));
    for (const Date earlier : dates) {
      if (earlier >= date) break;
      ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> manifest,
                       published.Manifest(*table, earlier));
      if (manifest) inputs.push_back(published.Input(*table, *manifest));
    }
  }
  return inputs;
}

std::string StaleInput::Describe() const {
  const std::string_view who = layer == catalog::Layer::kTrusted    ? "trusted events"
                               : layer == catalog::Layer::kEnriched ? "enriched tables"
                                                                    : "report";
  const std::string what = fmt::format("{} {}", input->label(), FormatIsoDate(input_date));
  switch (change) {
    case Change::kChanged:
      return fmt::format("{} read {}, which changed since", who, what);
    case Change::kGone:
      return fmt::format("{} read {}, which would not be read now", who, what);
    case Change::kAdded:
      return fmt::format("{} did not read {}, published since", who, what);
    case Change::kStaleInput:
      return fmt::format("{} read {}, which is itself stale", who, what);
  }
  return std::string(who);
}

std::string DateLineage::Summary() const {
  if (stale.empty()) return "";
  if (stale.size() == 1) return stale.front().Describe();
  return fmt::format("{} (and {} more)", stale.front().Describe(), stale.size() - 1);
}

Result<std::vector<StaleInput>> LineageCheck::CheckTrusted(Date date) {
  if (const auto it = trusted_.find(date); it != trusted_.end()) return it->second;
  std::vector<StaleInput> stale;
  const TableDef& events = catalog::TrustedTable(Table::kEvents);
  ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> manifest,
                   published_.Manifest(events, date));
  if (manifest) {
    ASSIGN_OR_RETURN(const auto recorded,
                     RecordedInputs(*manifest, published_.lake().ManifestUri(events, date)));
    if (recorded) {
      ASSIGN_OR_RETURN(const std::vector<InputVersion> expected,
                       TrustedCheckInputs(published_, date));
      Compare(catalog::Layer::kTrusted, *recorded, expected, &stale);
    }
  }
  trusted_[date] = stale;
  return stale;
}

Result<DateLineage> LineageCheck::Check(Date date) {
  DateLineage lineage;
  lineage.date = date;
  const lake::Lake& lake = published_.lake();
  {
    const TableDef& events = catalog::TrustedTable(Table::kEvents);
    ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> manifest,
                     published_.Manifest(events, date));
    if (manifest) {
      ASSIGN_OR_RETURN(const auto recorded,
                       RecordedInputs(*manifest, lake.ManifestUri(events, date)));
      lineage.tracked |= recorded.has_value();
    }
    ASSIGN_OR_RETURN(lineage.stale, CheckTrusted(date));
  }

  std::optional<std::vector<InputVersion>> enriched_expected;
  for (const TableDef& table : catalog::AllTables()) {
    if (table.layer != catalog::Layer::kEnriched && table.layer != catalog::Layer::kReports) {
      continue;
    }
    ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> manifest,
                     published_.Manifest(table, date));
    if (!manifest) continue;
    ASSIGN_OR_RETURN(const auto recorded, RecordedInputs(*manifest, lake.ManifestUri(table, date)));
    if (!recorded) continue;
    lineage.tracked = true;
    std::vector<StaleInput> found;
    if (table.layer == catalog::Layer::kReports) {
      ASSIGN_OR_RETURN(const std::vector<InputVersion> expected, ReportInputs(published_, date));
      Compare(table.layer, *recorded, expected, &found);
    } else {
      if (!enriched_expected) {
        ASSIGN_OR_RETURN(const EnrichedSources sources, FindEnrichedSources(published_, date));
        enriched_expected = sources.inputs;
      }
      Compare(table.layer, *recorded, *enriched_expected, &found);
      for (const InputVersion& input : *enriched_expected) {
        // D's own trusted events are checked above.
        if (input.table->id != TableId::kTrustedEvents || input.date == date) continue;
        ASSIGN_OR_RETURN(const std::vector<StaleInput> input_stale, CheckTrusted(input.date));
        if (!input_stale.empty()) {
          found.push_back({table.layer, input.table, input.date, StaleInput::Change::kStaleInput});
        }
      }
    }
    for (const StaleInput& reason : found) AddUnique(reason, &lineage.stale);
  }
  return lineage;
}

Result<std::vector<Date>> LineageCheck::DerivedDatesAfter(Date date) {
  std::set<Date> dates;
  for (const TableDef& table : catalog::AllTables()) {
    const bool derived = table.layer == catalog::Layer::kEnriched ||
                         table.layer == catalog::Layer::kReports ||
                         table.id == TableId::kTrustedEvents;
    if (!derived) continue;
    ASSIGN_OR_RETURN(const std::vector<Date> table_dates, published_.Dates(table));
    for (const Date d : table_dates) {
      if (d > date) dates.insert(d);
    }
  }
  return std::vector<Date>(dates.begin(), dates.end());
}

void LineageCheck::Forget(Date date) {
  published_.Forget(date);
  trusted_.clear();
}

}  // namespace streampro::pipeline
