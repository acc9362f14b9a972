// Fast libFuzzer target for CSV records: CsvRecordParser over a few lines of text, then
// DimensionRowConverter on every record with the table's field count, without the file
// reader's chunking, header and threads. The first byte picks the table; the rest is the
// text. Checks, any violation aborting:
//   - records come in order, inside the text, on the right line, never blank, and only
//     blank text and line terminators lie between them;
//   - the fields (or the malformed verdict) equal those of an independent RFC 4180 split;
//   - a converted row satisfies SPEC §1/§7 (canonical tier, genre, date, duration, ...),
//     a rejection has a reason the rules allow, and the counters add up.

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_counters.h"
#include "formats/csv/csv_record_parser.h"
#include "formats/csv/dimension_converter.h"
#include "formats/csv/dimension_schema.h"

namespace {

namespace csv = streampro::formats::csv;
using streampro::Table;
using streampro::FileCounters;
using streampro::RejectReason;

void Check(bool condition) {
  if (!condition) std::abort();
}

bool IsBlank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// RFC 4180 fields of one record, written independently of the parser: a field that
// starts with a quote runs to the matching quote ("" is a quote) and must be followed by
// a comma or the end; any other field must hold no quote. nullopt: malformed.
std::optional<std::vector<std::string>> SplitRecord(std::string_view raw) {
  std::vector<std::string> fields;
  size_t i = 0;
  const size_t n = raw.size();
  while (true) {
    std::string field;
    if (i < n && raw[i] == '"') {
      ++i;
      while (true) {
        if (i >= n) return std::nullopt;
        if (raw[i] == '"') {
          if (i + 1 < n && raw[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += raw[i++];
      }
      if (i < n && raw[i] != ',') return std::nullopt;
    } else {
      while (i < n && raw[i] != ',') {
        if (raw[i] == '"') return std::nullopt;
        field += raw[i++];
      }
    }
    fields.push_back(std::move(field));
    if (i >= n) return fields;
    ++i;
  }
}

// Days since 1970-01-01 of a proleptic Gregorian date (the classic era-based formula).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The date `YYYY-MM-DD` names, or nullopt when it is not exactly that shape and a real day.
std::optional<int64_t> ExpectedDays(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int64_t parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t k = 0; k < lengths[p]; ++k) {
      const char c = text[starts[p] + k];
      if (c < '0' || c > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const int64_t year = parts[0];
  const int64_t month = parts[1];
  const int64_t day = parts[2];
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int64_t month_days[12] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > month_days[month - 1]) return std::nullopt;
  return DaysFromCivil(year, month, day);
}

bool IsCanonicalGenre(std::string_view genre) {
  if (genre.empty() || (genre[0] >= 'a' && genre[0] <= 'z')) return false;
  for (size_t i = 1; i < genre.size(); ++i) {
    if (genre[i] >= 'A' && genre[i] <= 'Z') return false;
  }
  return true;
}

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// A converted row (the batch's last) against the SPEC rules for `fields`.
void CheckRow(const csv::DimensionSpec& spec, const std::vector<std::string>& fields,
              const streampro::RecordBatch& batch) {
  const int64_t row = batch.num_rows() - 1;
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    const csv::DimensionColumn& column = spec.columns[c];
    const streampro::Column& values = batch.column(static_cast<int>(c));
    const std::string& text = fields[c];
    if (column.required) Check(values.IsValid(row) && !Trim(text).empty());
    if (!values.IsValid(row)) {
      Check(Trim(text).empty() || column.rule == csv::ColumnRule::kString);
      if (column.rule == csv::ColumnRule::kString) Check(text.empty());
      continue;
    }
    switch (column.rule) {
      case csv::ColumnRule::kString:
        Check(values.string_value(row) == text);
        break;
      case csv::ColumnRule::kIsoDate: {
        const std::optional<int64_t> days = ExpectedDays(text);
        Check(days.has_value() && *days == values.int32_values()[static_cast<size_t>(row)]);
        break;
      }
      case csv::ColumnRule::kSubscriptionTier: {
        const std::string_view tier = values.string_value(row);
        Check(tier == "Free" || tier == "Basic" || tier == "Premium");
        Check(SameIgnoringCase(Trim(text), tier));
        break;
      }
      case csv::ColumnRule::kAgeGroup: {
        const std::string_view group = values.string_value(row);
        Check(group == "18-25" || group == "26-35" || group == "36-50" || group == "50+");
        Check(Trim(text) == group);
        break;
      }
      case csv::ColumnRule::kGenre: {
        const std::string_view genre = values.string_value(row);
        Check(IsCanonicalGenre(genre) && SameIgnoringCase(Trim(text), genre));
        break;
      }
      case csv::ColumnRule::kPositiveInt32: {
        const int32_t value = values.int32_values()[static_cast<size_t>(row)];
        Check(value >= 1 &&
              std::to_string(value) == std::string_view(text).substr(text.find_first_not_of('0')));
        break;
      }
    }
  }
}

// A rejection against the rules: the named column's value must break its rule.
void CheckRejection(const csv::DimensionSpec& spec, const std::vector<std::string>& fields,
                    const csv::RowRejection& rejection) {
  Check(rejection.column >= 0 && static_cast<size_t>(rejection.column) < spec.columns.size());
  const csv::DimensionColumn& column = spec.columns[static_cast<size_t>(rejection.column)];
  const std::string& text = fields[static_cast<size_t>(rejection.column)];
  switch (rejection.reason) {
    case RejectReason::kMissingRequired:
      Check(column.required && Trim(text).empty());
      break;
    case RejectReason::kInvalidDate:
      Check(column.rule == csv::ColumnRule::kIsoDate && !ExpectedDays(text));
      break;
    case RejectReason::kInvalidEnum:
      Check(column.rule == csv::ColumnRule::kSubscriptionTier ||
            column.rule == csv::ColumnRule::kAgeGroup);
      break;
    case RejectReason::kInvalidValue:
      Check(column.rule == csv::ColumnRule::kPositiveInt32);
      break;
    default:
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr Table kTables[] = {Table::kUsers, Table::kVideos, Table::kDevices};
  const csv::DimensionSpec& spec = csv::DimensionSpecFor(kTables[data[0] % 3]);
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  static csv::DimensionRowConverter* const converters[] = {
      new csv::DimensionRowConverter(csv::DimensionSpecFor(Table::kUsers)),
      new csv::DimensionRowConverter(csv::DimensionSpecFor(Table::kVideos)),
      new csv::DimensionRowConverter(csv::DimensionSpecFor(Table::kDevices))};
  csv::DimensionRowConverter& converter = *converters[data[0] % 3];

  csv::CsvRecordParser parser(text, 1);
  csv::CsvRecord record;
  std::vector<std::string_view> fields;
  std::vector<std::string_view> values(spec.columns.size());
  streampro::RecordBatch batch(spec.schema);
  FileCounters counters;
  size_t covered = 0;  // text before this offset is accounted for
  while (parser.Next(&record, &fields)) {
    const size_t begin = static_cast<size_t>(record.raw.data() - text.data());
    Check(record.raw.data() >= text.data() && begin >= covered &&
          begin + record.raw.size() <= text.size());
    // Between records: only skipped blank lines and line terminators.
    Check(std::string_view(text).substr(covered, begin - covered).find_first_not_of(" \t\r\n") ==
          std::string_view::npos);
    int64_t line = 1;
    for (size_t i = 0; i < begin; ++i) line += text[i] == '\n' ? 1 : 0;
    Check(record.line == line);
    Check(!IsBlank(record.raw));
    Check(parser.position() >= begin + record.raw.size());
    covered = begin + record.raw.size();

    const auto expected = SplitRecord(record.raw);
    Check(record.malformed == !expected.has_value());
    if (expected) {
      Check(fields.size() == expected->size());
      for (size_t f = 0; f < fields.size(); ++f) Check(fields[f] == (*expected)[f]);
    } else {
      Check(fields.empty());
    }

    ++counters.rows_in;
    if (record.malformed || fields.size() != spec.columns.size()) {
      counters.AddReject(RejectReason::kMalformedRecord);
      continue;
    }
    for (size_t c = 0; c < values.size(); ++c) values[c] = fields[c];
    const int64_t before = batch.num_rows();
    const std::optional<csv::RowRejection> rejection = converter.Convert(values, &batch);
    if (rejection) {
      Check(batch.num_rows() == before);
      CheckRejection(spec, *expected, *rejection);
      counters.AddReject(rejection->reason);
      continue;
    }
    Check(batch.num_rows() == before + 1);
    CheckRow(spec, *expected, batch);
    ++counters.rows_kept;
  }
  // Only blank text and terminators after the last record.
  Check(std::string_view(text).substr(covered).find_first_not_of(" \t\r\n") ==
        std::string_view::npos);
  Check(counters.CheckInvariant("fuzz input").ok());
  Check(batch.num_rows() == counters.rows_kept);
  Check(batch.Validate().ok());
  return 0;
}
