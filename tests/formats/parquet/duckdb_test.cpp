// DuckDB as an independent engine: it reads every file our writer produces, and our
// reader reads the files DuckDB writes; both sides render values the same exact way.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "common/file.h"
#include "formats/parquet/duckdb_runner.h"
#include "formats/parquet/test_data.h"
#include "streampro/parquet.h"
#include "streampro/version.h"
#include "support/temp_dir.h"

namespace streampro::parquet {
namespace {

using testing_duckdb::RunDuckDb;

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t p = s.find(sep, start);
    parts.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return parts;
    start = p + 1;
  }
}

// DuckDB renders each value as text with no time-zone or precision ambiguity.
std::string SqlRender(const Field& f) {
  const std::string c = fmt::format("\"{}\"", f.name);
  switch (f.type) {
    case TypeId::kBool:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return fmt::format("coalesce({}::VARCHAR, 'N')", c);
    case TypeId::kDouble:
      // Shortest round-trip text plus the sign bit (for -0.0).
      return fmt::format("coalesce({0}::VARCHAR || '/' || signbit({0})::VARCHAR, 'N')", c);
    case TypeId::kDate32:
      return fmt::format("coalesce(date_diff('day', DATE '1970-01-01', {})::VARCHAR, 'N')", c);
    case TypeId::kTimestampMicros:
      return fmt::format("coalesce(epoch_us({})::VARCHAR, 'N')", c);
    case TypeId::kString:
      return fmt::format("coalesce('s' || hex({}), 'N')", c);
  }
  return "'?'";
}

std::string Hex(std::string_view s) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    out.push_back(kDigits[ch >> 4]);
    out.push_back(kDigits[ch & 15]);
  }
  return out;
}

// Whether DuckDB's rendering `text` of a cell equals row `row` of `column`.
bool CellEquals(const std::string& text, const Column& column, int64_t row, std::string* ours) {
  if (column.IsNull(row)) {
    *ours = "N";
    return text == "N";
  }
  switch (column.type()) {
    case TypeId::kBool:
      *ours = column.bool_values()[static_cast<size_t>(row)] ? "true" : "false";
      return text == *ours;
    case TypeId::kInt32:
      *ours = std::to_string(column.int32_values()[static_cast<size_t>(row)]);
      return text == *ours;
    case TypeId::kDate32:
      *ours = std::to_string(column.int32_values()[static_cast<size_t>(row)]);
      return text == *ours;
    case TypeId::kInt64:
    case TypeId::kTimestampMicros:
      *ours = std::to_string(column.int64_values()[static_cast<size_t>(row)]);
      return text == *ours;
    case TypeId::kDouble: {
      const double v = column.double_values()[static_cast<size_t>(row)];
      *ours = fmt::format("{}/{}", v, std::signbit(v));
      const auto slash = text.find('/');
      if (slash == std::string::npos) return false;
      const std::string number = text.substr(0, slash);
      double parsed = std::strtod(number.c_str(), nullptr);
      if (text.substr(slash + 1) == "true") parsed = std::copysign(parsed, -1.0);
      if (std::isnan(v) || std::isnan(parsed)) return std::isnan(v) && std::isnan(parsed);
      uint64_t a, b;
      std::memcpy(&a, &v, 8);
      std::memcpy(&b, &parsed, 8);
      return a == b;
    }
    case TypeId::kString:
      *ours = "s" + Hex(column.string_value(row));
      return text == *ours;
  }
  return false;
}

std::string DuckType(TypeId t) {
  switch (t) {
    case TypeId::kBool:
      return "BOOLEAN";
    case TypeId::kInt32:
      return "INTEGER";
    case TypeId::kInt64:
      return "BIGINT";
    case TypeId::kDouble:
      return "DOUBLE";
    case TypeId::kDate32:
      return "DATE";
    case TypeId::kTimestampMicros:
      return "TIMESTAMP WITH TIME ZONE";
    case TypeId::kString:
      return "VARCHAR";
  }
  return "?";
}

// "V|file|row|cell|cell..." for every row of the files matching `glob`.
std::string ValuesQuery(const Schema& schema, const std::string& glob) {
  std::string cells;
  for (const auto& f : schema.fields()) cells += " || '|' || " + SqlRender(f);
  return fmt::format(
      "SELECT 'V|' || filename || '|' || file_row_number::VARCHAR{} AS l "
      "FROM read_parquet('{}', filename=true, file_row_number=true)",
      cells, glob);
}

// Compares DuckDB's V lines with `expected` batches keyed by file path; returns the number
// of rows compared.
int64_t CompareValues(const std::vector<std::string>& lines, const Schema& schema,
                      const std::map<std::string, const RecordBatch*>& expected) {
  int64_t compared = 0;
  std::map<std::string, int64_t> rows_per_file;
  int failures = 0;
  for (const auto& line : lines) {
    if (line.rfind("V|", 0) != 0) continue;
    const auto parts = Split(line, '|');
    if (parts.size() != 3 + static_cast<size_t>(schema.num_fields())) {
      ADD_FAILURE() << "malformed line " << line;
      continue;
    }
    const auto it = expected.find(parts[1]);
    if (it == expected.end()) {
      ADD_FAILURE() << "unexpected file " << parts[1];
      continue;
    }
    const int64_t row = std::stoll(parts[2]);
    const RecordBatch& batch = *it->second;
    if (row < 0 || row >= batch.num_rows()) {
      ADD_FAILURE() << "row " << row << " outside " << parts[1];
      continue;
    }
    ++rows_per_file[parts[1]];
    for (int c = 0; c < schema.num_fields(); ++c) {
      std::string ours;
      if (!CellEquals(parts[3 + static_cast<size_t>(c)], batch.column(c), row, &ours) &&
          ++failures <= 20) {
        ADD_FAILURE() << parts[1] << " row " << row << " column " << schema.field(c).name
                      << ": DuckDB " << parts[3 + static_cast<size_t>(c)] << ", expected " << ours;
      }
    }
    ++compared;
  }
  for (const auto& [path, batch] : expected) {
    EXPECT_EQ(rows_per_file[path], batch->num_rows()) << path;
  }
  return compared;
}

struct Variant {
  std::string name;
  WriterOptions options;
};

std::vector<Variant> WriterVariants() {
  std::vector<Variant> v;
  auto add = [&](std::string name, Compression c, bool dict, bool v2, int64_t page,
                 int64_t dict_limit, int64_t row_group) {
    WriterOptions o;
    o.compression = c;
    o.dictionary = dict;
    o.data_page_v2 = v2;
    o.page_target_bytes = page;
    o.dictionary_limit_bytes = dict_limit;
    o.row_group_target_bytes = row_group;
    v.push_back({std::move(name), o});
  };
  add("snappy_dict_v1", Compression::kSnappy, true, false, 1 << 20, 1 << 20, 128 << 20);
  add("zstd_dict_v2_pages", Compression::kZstd, true, true, 4096, 1 << 20, 64 << 10);
  add("none_plain_v1_pages", Compression::kUncompressed, false, false, 8192, 1 << 20, 128 << 20);
  add("snappy_fallback_v1", Compression::kSnappy, true, false, 8192, 4096, 128 << 20);
  add("zstd_plain_v2_groups", Compression::kZstd, false, true, 1 << 20, 1 << 20, 40 << 10);
  add("none_fallback_v2", Compression::kUncompressed, true, true, 2048, 2048, 90 << 10);
  add("snappy_dict_v1_rows", Compression::kSnappy, true, false, 1 << 20, 1 << 20, 128 << 20);
  v.back().options.max_row_group_rows = 1000;
  return v;
}

TEST(ParquetDuckDbTest, DuckDbReadsEveryFileWeWrite) {
  testing::TempDir dir;
  const auto schema = testing_data::AllTypesSchema();
  const auto variants = WriterVariants();
  std::vector<RecordBatch> data;
  data.reserve(variants.size());
  std::map<std::string, const RecordBatch*> expected;
  std::map<std::string, int> row_groups;
  for (size_t k = 0; k < variants.size(); ++k) {
    // Half the files hold NaN and infinities, half only finite doubles, so the finite
    // files pin every double bound exactly.
    data.push_back(testing_data::MakeRandomBatch(schema, 3000 + 500 * static_cast<int64_t>(k),
                                                 100 + k, /*finite_doubles=*/k % 2 == 0));
    const std::string path = dir / (variants[k].name + ".parquet");
    BufferOutputStream sink;
    auto writer = FileWriter::Open(&sink, schema, variants[k].options);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    // Two batches, so row groups and pages span batch boundaries.
    const RecordBatch& all = data.back();
    RecordBatch first(schema), second(schema);
    for (int64_t r = 0; r < all.num_rows(); ++r) {
      (r < 1234 ? first : second).AppendRowFrom(all, r);
    }
    ASSERT_TRUE((*writer)->WriteBatch(first).ok());
    ASSERT_TRUE((*writer)->WriteBatch(second).ok());
    ASSERT_TRUE((*writer)->Close().ok());
    auto reader = FileReader::Open(MakeBufferFile(path, sink.buffer()));
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    row_groups[path] = (*reader)->num_row_groups();
    ASSERT_TRUE(WriteFileAtomically(path, sink.buffer()).ok());
    expected[path] = &data.back();
  }
  EXPECT_GT(row_groups[dir / "zstd_plain_v2_groups.parquet"], 2);
  EXPECT_GT(row_groups[dir / "none_fallback_v2.parquet"], 1);
  EXPECT_GT(row_groups[dir / "snappy_dict_v1_rows.parquet"], 3);

  const std::string glob = dir / "*.parquet";
  // Statistics: DuckDB's own min/max/null counts per row group (rows located through
  // file_row_number and the row group sizes) against the stored statistics.
  std::string aggregates;
  for (const auto& f : schema->fields()) {
    const std::string c = fmt::format("\"{}\"", f.name);
    const std::string filter =
        f.type == TypeId::kDouble ? fmt::format(" FILTER (WHERE NOT isnan({}))", c) : "";
    if (!aggregates.empty()) aggregates += " UNION ALL ";
    aggregates += fmt::format(
        "SELECT filename, row_group_id, '{0}' AS col, (min({1}){2})::VARCHAR AS mn, "
        "(max({1}){2})::VARCHAR AS mx, count(*) - count({1}) AS nulls FROM j GROUP BY ALL",
        f.name, c, filter);
  }
  const std::string sql = fmt::format(
      "WITH md AS (SELECT * FROM parquet_metadata('{0}')), "
      "rg AS (SELECT DISTINCT file_name, row_group_id, row_group_num_rows FROM md), "
      "rr AS (SELECT file_name, row_group_id, row_group_num_rows AS n, sum(row_group_num_rows) "
      "OVER (PARTITION BY file_name ORDER BY row_group_id) AS hi FROM rg), "
      "data AS (SELECT * FROM read_parquet('{0}', filename=true, file_row_number=true)), "
      "j AS (SELECT data.*, rr.row_group_id FROM data JOIN rr ON data.filename = rr.file_name "
      "AND data.file_row_number >= rr.hi - rr.n AND data.file_row_number < rr.hi), "
      "agg AS ({1}) "
      "SELECT 'S|' || md.file_name || '|' || md.row_group_id || '|' || md.path_in_schema || '|' "
      // DuckDB shows no infinite double bounds (it neither writes nor displays them), so
      // an infinite aggregate may face a missing bound; finite ones must match exactly.
      "|| (CASE WHEN md.type = 'DOUBLE' THEN (md.stats_min_value::DOUBLE IS NOT DISTINCT FROM "
      "agg.mn::DOUBLE OR (md.stats_min_value IS NULL AND isinf(agg.mn::DOUBLE))) AND "
      "(md.stats_max_value::DOUBLE IS NOT DISTINCT FROM agg.mx::DOUBLE OR (md.stats_max_value "
      "IS NULL AND isinf(agg.mx::DOUBLE))) ELSE "
      "md.stats_min_value IS NOT DISTINCT FROM agg.mn AND md.stats_max_value IS NOT DISTINCT "
      "FROM agg.mx END AND md.stats_null_count = agg.nulls)::VARCHAR || '|' || "
      "coalesce(md.stats_min_value, 'NULL') || '|' || coalesce(agg.mn, 'NULL') || '|' || "
      "coalesce(md.stats_max_value, 'NULL') || '|' || "
      "coalesce(agg.mx, 'NULL') || '|' || md.stats_null_count || '|' || agg.nulls || '|' || "
      "md.encodings AS l FROM md JOIN agg ON md.file_name = agg.filename AND md.row_group_id = "
      "agg.row_group_id AND md.path_in_schema = agg.col "
      "UNION ALL SELECT 'T|' || file_name || '|' || name || '|' || coalesce(duckdb_type, '') || "
      "'|' || repetition_type FROM parquet_schema('{0}') WHERE num_children IS NULL "
      "UNION ALL SELECT 'C|' || file_name || '|' || created_by FROM parquet_file_metadata('{0}') "
      "UNION ALL {2}",
      glob, aggregates, ValuesQuery(*schema, glob));
  const auto lines = RunDuckDb(sql);
  ASSERT_FALSE(lines.empty());

  int64_t total_rows = 0;
  for (const auto& [path, batch] : expected) total_rows += batch->num_rows();
  EXPECT_EQ(CompareValues(lines, *schema, expected), total_rows);

  size_t stats_lines = 0, type_lines = 0, created_lines = 0, double_bounds = 0;
  bool saw_fallback = false;
  for (const auto& line : lines) {
    const auto parts = Split(line, '|');
    if (parts[0] == "S") {
      ++stats_lines;
      ASSERT_EQ(parts.size(), 12u) << line;
      if (parts[3] == "d_req") double_bounds += parts[5] != "NULL" && parts[7] != "NULL";
      EXPECT_EQ(parts[4], "true") << "statistics differ (file|rg|col|ok|stored min|min|stored "
                                     "max|max|stored nulls|nulls|encodings): "
                                  << line;
      if (parts[3] == "s_high" && parts[1].find("fallback") != std::string::npos &&
          parts[11].find("RLE_DICTIONARY") != std::string::npos &&
          parts[11].find("PLAIN") != std::string::npos) {
        saw_fallback = true;
      }
    } else if (parts[0] == "T") {
      ++type_lines;
      ASSERT_EQ(parts.size(), 5u) << line;
      const int index = schema->FieldIndex(parts[2]);
      ASSERT_GE(index, 0) << line;
      EXPECT_EQ(parts[3], DuckType(schema->field(index).type)) << line;
      EXPECT_EQ(parts[4], schema->field(index).nullable ? "OPTIONAL" : "REQUIRED") << line;
    } else if (parts[0] == "C") {
      ++created_lines;
      EXPECT_EQ(parts[2], kCreatedBy) << line;
    }
  }
  size_t chunks = 0;
  for (const auto& [path, n] : row_groups) chunks += static_cast<size_t>(n) * schema->num_fields();
  EXPECT_EQ(stats_lines, chunks);
  EXPECT_EQ(type_lines, variants.size() * schema->num_fields());
  EXPECT_EQ(created_lines, variants.size());
  EXPECT_GT(double_bounds, 5u) << "too few double statistics were compared";
  EXPECT_TRUE(saw_fallback) << "no column chunk fell back from dictionary to PLAIN";
}

SchemaPtr DuckSchema() {
  return std::make_shared<const Schema>(std::vector<Field>{
      {"b", TypeId::kBool, true},
      {"i32", TypeId::kInt32, true},
      {"i64", TypeId::kInt64, true},
      {"seq64", TypeId::kInt64, true},
      {"d", TypeId::kDouble, true},
      {"dt", TypeId::kDate32, true},
      {"ts", TypeId::kTimestampMicros, true},
      {"s_low", TypeId::kString, true},
      {"s_high", TypeId::kString, true},
      {"s_prefix", TypeId::kString, true},
  });
}

TEST(ParquetDuckDbTest, WeReadEveryFileDuckDbWrites) {
  testing::TempDir dir;
  std::string sql =
      "CREATE TABLE t AS SELECT "
      "CASE WHEN i % 11 = 0 THEN NULL ELSE i % 3 = 0 END AS b, "
      "CASE WHEN i % 13 = 0 THEN NULL WHEN i % 17 = 0 THEN 2147483647 WHEN i % 19 = 0 THEN "
      "-2147483648 WHEN i % 2 = 0 THEN (hash(i) % 1000)::INTEGER ELSE ((hash(i) >> 32)::BIGINT "
      "- 2147483648)::INTEGER END AS i32, "
      "CASE WHEN i % 13 = 1 THEN NULL WHEN i % 17 = 1 THEN 9223372036854775807 WHEN i % 19 = 1 "
      "THEN -9223372036854775808 ELSE (hash(i)::HUGEINT - 9223372036854775808)::BIGINT END AS "
      "i64, "
      "CASE WHEN i % 97 = 0 THEN NULL ELSE i * 1000 END AS seq64, "
      "CASE WHEN i % 23 = 0 THEN NULL WHEN i % 29 = 0 THEN '-0.0'::DOUBLE WHEN i % 31 = 0 THEN "
      "'inf'::DOUBLE WHEN i % 37 = 0 THEN 'nan'::DOUBLE WHEN i % 41 = 0 THEN 5e-324 ELSE "
      "(hash(i) % 1000000)::DOUBLE / 7.0 * (CASE WHEN i % 2 = 0 THEN 1 ELSE -1e-5 END) END AS d, "
      "CASE WHEN i % 43 = 0 THEN NULL ELSE DATE '1800-01-01' + (hash(i) % 150000)::INTEGER END "
      "AS dt, "
      "CASE WHEN i % 47 = 0 THEN NULL ELSE TIMESTAMPTZ '1950-01-01 00:00:00+00' + "
      "to_microseconds((hash(i) % 4000000000000000)::BIGINT) END AS ts, "
      "CASE WHEN i % 53 = 0 THEN NULL ELSE ['', 'alpha', 'Zürich', '日本語', 'emoji 🎉'][1 + "
      "i % 5] END AS s_low, "
      "CASE WHEN i % 59 = 0 THEN NULL ELSE md5(i::VARCHAR) || CASE WHEN i % 7 = 0 THEN 'ü' "
      "ELSE '' END END AS s_high, "
      "CASE WHEN i % 61 = 0 THEN NULL ELSE 'prefix/common/path/' || (i // 3)::VARCHAR END AS "
      "s_prefix "
      "FROM range(6000) r(i);\n";
  std::vector<std::string> files;
  for (const char* codec : {"snappy", "zstd", "uncompressed"}) {
    for (const char* version : {"V1", "V2"}) {
      const std::string path = dir / fmt::format("duck_{}_{}.parquet", codec, version);
      files.push_back(path);
      sql += fmt::format(
          "COPY t TO '{}' (FORMAT PARQUET, COMPRESSION {}, PARQUET_VERSION {}, "
          "ROW_GROUP_SIZE 2048);\n",
          path, codec, version);
    }
  }
  const auto schema = DuckSchema();
  const std::string glob = dir / "duck_*.parquet";
  sql +=
      ValuesQuery(*schema, glob) +
      fmt::format(" UNION ALL SELECT DISTINCT 'E|' || encodings FROM parquet_metadata('{}')", glob);
  const auto lines = RunDuckDb(sql);
  ASSERT_FALSE(lines.empty());

  std::vector<RecordBatch> batches;
  batches.reserve(files.size());
  std::map<std::string, const RecordBatch*> ours;
  for (const auto& path : files) {
    auto file = OpenLocalFile(path);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    auto reader = FileReader::Open(std::move(file).value());
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ(*(*reader)->schema(), *schema) << (*reader)->schema()->ToString();
    EXPECT_GT((*reader)->num_row_groups(), 1);
    std::vector<int> all(static_cast<size_t>(schema->num_fields()));
    for (int c = 0; c < schema->num_fields(); ++c) all[static_cast<size_t>(c)] = c;
    auto batch = (*reader)->ReadAll(all);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    EXPECT_EQ(batch->num_rows(), 6000);
    // Stored null counts agree with what we decoded, row group by row group.
    for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
      auto group = (*reader)->ReadRowGroup(g, all);
      ASSERT_TRUE(group.ok()) << group.status().ToString();
      for (int c = 0; c < schema->num_fields(); ++c) {
        const auto& st = (*reader)->row_group(g).columns[static_cast<size_t>(c)];
        EXPECT_EQ(st.null_count, group->column(c).null_count()) << path << " " << c;
      }
    }
    batches.push_back(std::move(batch).value());
    ours[path] = &batches.back();
  }
  EXPECT_EQ(CompareValues(lines, *schema, ours), 6000 * static_cast<int64_t>(files.size()));

  std::string encodings;
  for (const auto& line : lines) {
    if (line.rfind("E|", 0) == 0) encodings += line + ";";
  }
  // The files really use the encodings this test claims to cover.
  for (const char* e : {"RLE_DICTIONARY", "PLAIN", "DELTA_BINARY_PACKED", "BYTE_STREAM_SPLIT",
                        "DELTA_LENGTH_BYTE_ARRAY"}) {
    EXPECT_NE(encodings.find(e), std::string::npos) << e << " not in " << encodings;
  }
}

// Field ids (SchemaElement.field_id): DuckDB shows the ids we asked for, and none when
// none were asked for.
TEST(ParquetDuckDbTest, DuckDbSeesTheFieldIds) {
  testing::TempDir dir;
  const auto schema = testing_data::AllTypesSchema();
  const RecordBatch batch = testing_data::MakeRandomBatch(schema, 100, 7);
  WriterOptions with_ids;
  for (int i = 0; i < schema->num_fields(); ++i) with_ids.field_ids.push_back(1000 - 3 * i);
  for (const auto& [name, options] :
       {std::pair<std::string, WriterOptions>{"ids", with_ids}, {"none", WriterOptions{}}}) {
    BufferOutputStream sink;
    auto writer = FileWriter::Open(&sink, schema, options);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->WriteBatch(batch).ok());
    ASSERT_TRUE((*writer)->Close().ok());
    ASSERT_TRUE(WriteFileAtomically(dir / (name + ".parquet"), sink.buffer()).ok());
  }
  const auto lines = RunDuckDb(fmt::format(
      "SELECT regexp_extract(file_name, '[a-z]+.parquet') || '|' || name || '|' || "
      "coalesce(field_id::VARCHAR, 'NULL') AS l FROM parquet_schema('{}') WHERE num_children "
      "IS NULL ORDER BY l",
      dir / "*.parquet"));
  std::vector<std::string> expected;
  for (int i = 0; i < schema->num_fields(); ++i) {
    expected.push_back(fmt::format("ids.parquet|{}|{}", schema->field(i).name, 1000 - 3 * i));
    expected.push_back(fmt::format("none.parquet|{}|NULL", schema->field(i).name));
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(lines, expected);
}

TEST(ParquetDuckDbTest, FieldIdsMustFitTheSchema) {
  BufferOutputStream sink;
  WriterOptions options;
  options.field_ids = {1, 2};
  EXPECT_EQ(FileWriter::Open(&sink, testing_data::AllTypesSchema(), options).status().code(),
            StatusCode::kInvalidArgument);
  options.field_ids.assign(static_cast<size_t>(testing_data::AllTypesSchema()->num_fields()), 1);
  options.field_ids[3] = 0;
  EXPECT_EQ(FileWriter::Open(&sink, testing_data::AllTypesSchema(), options).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace streampro::parquet
