#pragma once

// Lineage: which trusted partitions each derived partition of a date was built from, and
// whether that is still what the lake holds (docs/operations.md, "Stale dates").
//
// A derived partition records in its manifest's properties the content version of every
// partition it read:
//   trusted events of D    the users and videos snapshots before D that its referential
//                          checks used (none for a table D has a file of)
//   enriched tables of D   every trusted events partition <= D and the newest users and
//                          videos snapshots <= D
//   report of D            the enriched tables it read and D's trusted tables (counters)
// A date is stale when a partition of it recorded inputs other than those it would read
// now, or when a trusted events partition its enriched tables read is itself stale. The
// state is derived from the manifests; nothing else is written.

#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "common/date.h"
#include "lake/lake.h"
#include "lake/manifest.h"
#include "lake/partition_writer.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// A partition's content version: the first 32 hex digits of the SHA-256 of its files'
/// names and checksums, its counters and its source file. Publishing the same bytes again
/// gives the same version; any change of the data gives another.
std::string ContentVersion(const lake::PartitionManifest& manifest);

/// One partition a derived partition read, and its content version then.
struct InputVersion {
  const catalog::TableDef* table = nullptr;
  Date date;
  std::string version;

  bool operator==(const InputVersion&) const = default;
};

/// Records `inputs` in the manifest properties of a partition being written: `inputs` (how
/// many) and one `input.{layer}.{table}.{YYYY-MM-DD}` = version each.
void RecordInputs(std::span<const InputVersion> inputs, lake::PartitionWriter* partition);

/// The inputs `manifest` records; nullopt when it records none (it was written before
/// lineage was recorded). A malformed entry is InvalidData naming `origin`.
Result<std::optional<std::vector<InputVersion>>> RecordedInputs(
    const lake::PartitionManifest& manifest, const std::string& origin);

/// The committed partitions of a lake, read when first asked for and kept: one listing per
/// table, one read per manifest. A view of the moments it read them; Forget(D) drops what
/// it holds of date D after a run rewrote it. Not thread-safe.
class PublishedPartitions {
 public:
  explicit PublishedPartitions(const lake::Lake& lake) : lake_(lake) {}

  const lake::Lake& lake() const { return lake_; }
  /// Dates of the committed partitions of `table`, ascending.
  Result<std::vector<Date>> Dates(const catalog::TableDef& table);
  /// The manifest of the partition of `table` for `date`; nullopt when it is not committed.
  Result<std::optional<lake::PartitionManifest>> Manifest(const catalog::TableDef& table,
                                                          Date date);
  /// The newest committed partition of `table` dated at or before `date`.
  Result<std::optional<lake::PartitionManifest>> NewestAtOrBefore(const catalog::TableDef& table,
                                                                  Date date);
  /// InputOf(table, manifest), each version worked out once.
  InputVersion Input(const catalog::TableDef& table, const lake::PartitionManifest& manifest);
  /// Forgets the manifests of `date` and every listing.
  void Forget(Date date);

 private:
  const lake::Lake& lake_;
  std::map<catalog::TableId, std::vector<Date>> dates_;
  std::map<std::pair<catalog::TableId, Date>, std::optional<lake::PartitionManifest>> manifests_;
  // (table, date) -> (PartitionVersion, ContentVersion) of the manifest last seen.
  std::map<std::pair<catalog::TableId, Date>, std::pair<std::string, std::string>> versions_;
};

/// The partition `manifest` of `table` as an input: its date and content version.
InputVersion InputOf(const catalog::TableDef& table, const lake::PartitionManifest& manifest);

/// What the enriched tables of D read (SPEC §4, §7): every trusted events partition dated
/// <= D, in date order, and the newest users and videos snapshots <= D.
struct EnrichedSources {
  std::vector<lake::PartitionManifest> events;
  std::optional<lake::PartitionManifest> users;
  std::optional<lake::PartitionManifest> videos;
  /// All of them as inputs: events in date order, then users, then videos.
  std::vector<InputVersion> inputs;
};
Result<EnrichedSources> FindEnrichedSources(PublishedPartitions& published, Date date);

/// The snapshots the referential checks of D's events use when D has no users (or videos)
/// file: the newest trusted one <= D, an input when it is dated before D.
Result<std::vector<InputVersion>> TrustedCheckInputs(PublishedPartitions& published, Date date);

/// The enriched tables the report reads.
inline constexpr catalog::TableId kReportEnrichedTables[] = {catalog::TableId::kUserJourney,
                                                             catalog::TableId::kGenrePerformance,
                                                             catalog::TableId::kDeviceAnalytics};
/// What the report of D reads: kReportEnrichedTables of D and D's trusted tables, and for
/// its history section the report and the trusted tables of every earlier date.
Result<std::vector<InputVersion>> ReportInputs(PublishedPartitions& published, Date date);

/// One reason a date is stale.
struct StaleInput {
  enum class Change : uint8_t {
    kChanged,     ///< the input's content changed since it was read
    kGone,        ///< the input is no longer there, or no longer what would be read
    kAdded,       ///< a partition that would be read now was not read
    kStaleInput,  ///< the input (trusted events) is itself stale
  };
  catalog::Layer layer = catalog::Layer::kEnriched;  ///< of the stale partition
  const catalog::TableDef* input = nullptr;
  Date input_date;
  Change change = Change::kChanged;

  /// "enriched tables read trusted.events 2025-09-10, which changed since".
  std::string Describe() const;
  bool operator==(const StaleInput&) const = default;
};

/// The lineage of one date's derived partitions.
struct DateLineage {
  Date date;
  /// Some derived partition of D records its inputs (false for partitions written before
  /// lineage was recorded, or a date with no derived partition: then nothing is known).
  bool tracked = false;
  std::vector<StaleInput> stale;  ///< empty when current

  bool is_stale() const { return !stale.empty(); }
  /// The first reason, and how many more.
  std::string Summary() const;
};

/// Checks the lineage of dates against one PublishedPartitions; remembers what it worked
/// out until Forget.
class LineageCheck {
 public:
  explicit LineageCheck(const lake::Lake& lake) : published_(lake) {}

  PublishedPartitions& published() { return published_; }
  /// D's trusted events, enriched tables and report.
  Result<DateLineage> Check(Date date);
  /// D's trusted events only (what the enriched tables of D and later dates read).
  Result<std::vector<StaleInput>> CheckTrusted(Date date);
  /// Dates after `date` that have a trusted events, enriched or report partition,
  /// ascending.
  Result<std::vector<Date>> DerivedDatesAfter(Date date);
  /// After a run rewrote `date`: forgets its partitions and every conclusion.
  void Forget(Date date);

 private:
  PublishedPartitions published_;
  std::map<Date, std::vector<StaleInput>> trusted_;
};

}  // namespace streampro::pipeline
