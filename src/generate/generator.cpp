#include "generate/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "common/file.h"
#include "common/ordered_pipeline.h"
#include "generate/catalog.h"
#include "generate/event_writer.h"
#include "streampro/version.h"

namespace streampro::generate {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string Rate(uint32_t ppm) {
  return fmt::format("{}", ppm / 1e6);
}

void AppendCounters(std::string* out, const ExpectedCounters& c) {
  *out += fmt::format(
      "{{\"rows_in\": {}, \"rows_kept\": {}, \"rows_rejected\": {}, \"rows_duplicate\": {}, "
      "\"rejected_by_reason\": {{",
      c.rows_in, c.rows_kept, c.rows_rejected, c.rows_duplicate);
  for (size_t i = 0; i < c.rejected_by_reason.size(); ++i) {
    *out += fmt::format("{}\"{}\": {}", i == 0 ? "" : ", ", c.rejected_by_reason[i].first,
                        c.rejected_by_reason[i].second);
  }
  *out += "}}";
}

std::string RenderTruth(const Catalog& catalog, const GenerateSummary& summary,
                        const std::map<Table, int64_t>& clean_rows) {
  const GeneratorOptions& o = catalog.options();
  const SimulationStats& s = summary.stats;
  std::string out = "{\n";
  out += fmt::format("  \"generator\": \"{}\",\n", kCreatedBy);
  out += fmt::format(
      "  \"arguments\": {{\"date\": \"{}\", \"users\": {}, \"videos\": {}, \"devices\": {}, "
      "\"days\": {}, \"seed\": {}, \"events\": {}, \"dirty_rate\": {}}},\n",
      FormatIsoDate(o.date), catalog.plan().users, o.videos, o.devices, o.days, o.seed,
      o.events ? fmt::format("{}", *o.events) : "null", Rate(catalog.plan().dirty_ppm));
  out += fmt::format("  \"ingestion_date\": \"{}\",\n", FormatIsoDate(o.date));
  out += fmt::format(
      "  \"window\": {{\"start\": \"{}T00:00:00Z\", \"end\": \"{}T00:00:00Z\"}},\n",
      FormatIsoDate(Date{static_cast<int32_t>(catalog.window_start_micros() / kMicrosPerDay)}),
      FormatIsoDate(Date{static_cast<int32_t>(catalog.window_end_micros() / kMicrosPerDay)}));
  out += "  \"files\": {";
  for (size_t i = 0; i < kAllTables.size(); ++i) {
    out += fmt::format("{}\"{}\": \"{}\"", i == 0 ? "" : ", ", TableName(kAllTables[i]),
                       LandingFileName(kAllTables[i], o.date));
  }
  out += "},\n";
  out += fmt::format(
      "  \"clean\": {{\"users\": {}, \"videos\": {}, \"devices\": {}, \"sessions\": {}, "
      "\"events\": {}}},\n",
      clean_rows.at(Table::kUsers), clean_rows.at(Table::kVideos), clean_rows.at(Table::kDevices),
      s.sessions, s.events);
  out += "  \"planted\": {\n";
  out +=
      fmt::format("    \"retention_genre\": \"{}\",\n", catalog.genres()[catalog.planted_genre()]);
  out += fmt::format("    \"return_within_3d_probability\": {{\"planted\": {}, \"other\": {}}},\n",
                     Rate(Catalog::kReturnPlantedPpm), Rate(Catalog::kReturnOtherPpm));
  out +=
      fmt::format("    \"drop_off_segment\": {{\"device_os\": \"{}\", \"app_version\": \"{}\"}},\n",
                  catalog.planted_os(), kAppVersions[catalog.planted_version()]);
  out += fmt::format("    \"drop_off_probability\": {{\"planted\": {}, \"other\": {}}}\n",
                     Rate(Catalog::kDropOffPlantedPpm), Rate(Catalog::kDropOffOtherPpm));
  out += "  },\n";

  out += "  \"expected\": {\n    \"tables\": {\n";
  for (size_t i = 0; i < kAllTables.size(); ++i) {
    const Table t = kAllTables[i];
    out += fmt::format("      \"{}\": ", TableName(t));
    AppendCounters(&out, ExpectCounters(t, clean_rows.at(t), summary.kinds));
    out += i + 1 < kAllTables.size() ? ",\n" : "\n";
  }
  out += "    },\n";
  out +=
      fmt::format("    \"q1\": {{\"new_users\": {}, \"reached_30s\": {}, \"never_active\": {}}},\n",
                  s.users - s.never_active, s.first_session_reached_30s, s.never_active);
  out += "    \"q2\": {\"genres\": [";
  for (size_t g = 0; g < catalog.genres().size(); ++g) {
    out += fmt::format("{}{{\"genre\": \"{}\", \"new_users\": {}, \"returned_within_3d\": {}}}",
                       g == 0 ? "" : ", ", catalog.genres()[g], s.new_users_by_genre[g],
                       s.returned_by_genre[g]);
  }
  out += "]},\n";
  out += "    \"q3\": {\"segments\": [";
  bool first = true;
  for (size_t os = 0; os < kNumOs; ++os) {
    for (size_t v = 0; v < kNumVersions; ++v) {
      if (s.sessions_by_segment[os][v] == 0) continue;
      out += fmt::format(
          "{}{{\"device_os\": \"{}\", \"app_version\": \"{}\", \"sessions\": {}, "
          "\"drop_offs\": {}}}",
          first ? "" : ", ", kOsNames[os], kAppVersions[v], s.sessions_by_segment[os][v],
          s.drop_offs_by_segment[os][v]);
      first = false;
    }
  }
  out += "]}\n  },\n";

  out += "  \"injected\": {\n";
  for (size_t i = 0; i < kAllTables.size(); ++i) {
    const Table t = kAllTables[i];
    out += fmt::format("    \"{}\": {{", TableName(t));
    const auto kinds = KindsOf(t);
    for (size_t j = 0; j < kinds.size(); ++j) {
      const KindInfo& info = InfoOf(kinds[j]);
      out += fmt::format("{}\"{}\": {}", j == 0 ? "" : ", ", info.name, summary.kinds[kinds[j]]);
    }
    out += i + 1 < kAllTables.size() ? "},\n" : "}\n";
  }
  out += "  }\n}\n";
  return out;
}

}  // namespace

std::string LandingFileName(Table table, Date date) {
  return fmt::format("{}_{}.{}", TableName(table), FormatIsoDate(date), TableExtension(table));
}

Result<GenerateSummary> GenerateLanding(const GeneratorOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(const GeneratorPlan plan, MakePlan(options));
  const Catalog catalog = Catalog::Make(options, plan);
  RETURN_NOT_OK(CreateDirectories(options.out_dir));
  // A run killed before its commit leaves hidden temporary files; clear those first.
  for (Table table : kAllTables) {
    RETURN_NOT_OK(
        RemoveStaleTemporaryFiles(options.out_dir + "/" + LandingFileName(table, options.date)));
  }
  RETURN_NOT_OK(RemoveStaleTemporaryFiles(options.out_dir + "/truth.json"));

  GenerateSummary summary;
  summary.users = plan.users;
  summary.threads = options.threads > 0
                        ? options.threads
                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<AtomicFileWriter> staged;
  std::map<Table, int64_t> clean_rows;
  auto stage = [&](Table table, const RenderedTable& rendered) -> Status {
    const std::string name = LandingFileName(table, options.date);
    ASSIGN_OR_RETURN(AtomicFileWriter writer, AtomicFileWriter::Open(options.out_dir + "/" + name));
    RETURN_NOT_OK(writer.Append(rendered.bytes));
    summary.kinds += rendered.kinds;
    clean_rows[table] = rendered.clean_rows;
    summary.files.push_back({name, static_cast<int64_t>(rendered.bytes.size())});
    staged.push_back(std::move(writer));
    return Status::OK();
  };
  RETURN_NOT_OK(stage(Table::kUsers, RenderUsers(catalog)));
  RETURN_NOT_OK(stage(Table::kVideos, RenderVideos(catalog)));
  RETURN_NOT_OK(stage(Table::kDevices, RenderDevices(catalog)));

  const std::string events_name = LandingFileName(Table::kEvents, options.date);
  ASSIGN_OR_RETURN(AtomicFileWriter events,
                   AtomicFileWriter::Open(options.out_dir + "/" + events_name));
  if (plan.dirty_ppm > 0) {
    RETURN_NOT_OK(events.Append(kBom));
    summary.kinds[Kind::kEventsBom] = 1;
  }
  {
    // Blocks render on worker threads and are appended in block order; at most two per
    // thread are held, so memory stays bounded.
    const int64_t num_blocks = (plan.users + kUsersPerBlock - 1) / kUsersPerBlock;
    int64_t next_block = 0;
    const Status rendered = RunOrderedPipeline<int64_t, EventBlock>(
        summary.threads, 2 * summary.threads,
        [&](int64_t* block_index) -> Result<bool> {
          if (next_block >= num_blocks) return false;
          *block_index = next_block++;
          return true;
        },
        [&](int64_t&& block_index, int) -> Result<EventBlock> {
          return RenderEventBlock(catalog, block_index);
        },
        [&](EventBlock&& block) {
          RETURN_NOT_OK(events.Append(block.bytes));
          summary.kinds += block.kinds;
          summary.stats += block.stats;
          return Status::OK();
        });
    RETURN_NOT_OK(rendered);
  }
  clean_rows[Table::kEvents] = summary.stats.events;
  summary.files.push_back({events_name, static_cast<int64_t>(events.bytes_written())});
  staged.push_back(std::move(events));

  const std::string truth = RenderTruth(catalog, summary, clean_rows);
  ASSIGN_OR_RETURN(AtomicFileWriter truth_writer,
                   AtomicFileWriter::Open(options.out_dir + "/truth.json"));
  RETURN_NOT_OK(truth_writer.Append(truth));
  summary.files.push_back({"truth.json", static_cast<int64_t>(truth.size())});
  staged.push_back(std::move(truth_writer));

  for (AtomicFileWriter& writer : staged) RETURN_NOT_OK(writer.Commit());
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace streampro::generate
