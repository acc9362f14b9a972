// StreamPro and the independent DuckDB SQL pipeline over the same landing files must give
// the same report: every count equal, every rate and statistic equal to the last digits.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "e2e/duckdb_oracle.h"
#include "support/temp_dir.h"

namespace streampro::testing {
namespace {

constexpr const char* kDate = "2025-09-09";

// Relative tolerance for doubles: both engines compute in double precision, but p-values
// go through different erfc implementations (about 1e-15 apart).
bool Close(double a, double b) {
  if (a == b) return true;
  return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b)) + 1e-300;
}

// Compares `ours` with `theirs` over the keys both objects have; `where` is a JSON path for
// messages. Arrays must have the same length and order.
void ExpectSame(simdjson::dom::element ours, simdjson::dom::element theirs,
                const std::string& where) {
  using simdjson::dom::element_type;
  const element_type a = ours.type();
  const element_type b = theirs.type();
  const auto is_number = [](element_type t) {
    return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
  };
  if (is_number(a) && is_number(b)) {
    if (a != element_type::DOUBLE && b != element_type::DOUBLE) {
      EXPECT_EQ(int64_t(ours), int64_t(theirs)) << where;
    } else {
      EXPECT_TRUE(Close(double(ours), double(theirs)))
          << where << ": " << fmt::format("{} vs {}", double(ours), double(theirs));
    }
    return;
  }
  ASSERT_EQ(a, b) << where << ": " << simdjson::minify(ours) << " vs " << simdjson::minify(theirs);
  switch (a) {
    case element_type::ARRAY: {
      const simdjson::dom::array x = ours;
      const simdjson::dom::array y = theirs;
      ASSERT_EQ(x.size(), y.size()) << where;
      for (size_t i = 0; i < x.size(); ++i) {
        ExpectSame(x.at(i), y.at(i), fmt::format("{}[{}]", where, i));
      }
      break;
    }
    case element_type::OBJECT: {
      for (const auto [key, value] : simdjson::dom::object(theirs)) {
        // The order of q3.tested is not part of the SPEC; it is compared by segment below.
        if (where == "q3" && key == "tested") continue;
        simdjson::dom::element mine;
        if (ours[key].get(mine) != simdjson::SUCCESS) continue;
        ExpectSame(mine, value, fmt::format("{}.{}", where, key));
      }
      break;
    }
    case element_type::STRING:
      EXPECT_EQ(std::string_view(ours), std::string_view(theirs)) << where;
      break;
    case element_type::BOOL:
      EXPECT_EQ(bool(ours), bool(theirs)) << where;
      break;
    default:
      break;
  }
}

void ExpectEnginesAgree(const std::string& landing) {
  TempDir dir;
  const std::string lake = dir / "lake";
  const std::string command = fmt::format(
      "{} pipeline --env test --landing {} --lake {} --ingestion-date {} >{}/ours.log 2>&1",
      STREAMPRO_BINARY, landing, lake, kDate, dir.path());
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadOrDie(dir / "ours.log");
  const std::string ours_text =
      ReadOrDie(fmt::format("{}/reports/ingestion_date={}/report.json", lake, kDate));
  auto theirs_text = RunDuckDbPipeline(landing, kDate, dir / "duckdb");
  ASSERT_TRUE(theirs_text.ok()) << theirs_text.status().message();

  simdjson::dom::parser ours_parser;
  simdjson::dom::parser theirs_parser;
  const simdjson::dom::element ours = ours_parser.parse(ours_text);
  const simdjson::dom::element theirs = theirs_parser.parse(*theirs_text);
  // Every SPEC §6 section is compared, including the segments both engines tested.
  for (const char* section : {"ingestion_date", "tables", "q1", "q2", "q3"}) {
    ExpectSame(ours[section], theirs[section], section);
  }
  const auto by_segment = [](simdjson::dom::array tested) {
    std::map<std::string, simdjson::dom::element> out;
    for (const simdjson::dom::element segment : tested) {
      out[fmt::format("{} {}", std::string_view(segment["dimension"]),
                      simdjson::minify(segment["segment"]))] = segment;
    }
    return out;
  };
  const auto ours_tested = by_segment(ours["q3"]["tested"]);
  const auto theirs_tested = by_segment(theirs["q3"]["tested"]);
  EXPECT_GT(ours_tested.size(), 0u);
  ASSERT_EQ(ours_tested.size(), theirs_tested.size());
  for (const auto& [key, segment] : theirs_tested) {
    const auto it = ours_tested.find(key);
    ASSERT_NE(it, ours_tested.end()) << key;
    ExpectSame(it->second, segment, fmt::format("q3.tested {}", key));
  }
}

TEST(EnginesAgree, OnTheBundledSample) {
  ExpectEnginesAgree(fmt::format("{}/data/landing", STREAMPRO_SOURCE_DIR));
}

TEST(EnginesAgree, OnAGeneratedDirtyDay) {
  TempDir landing;
  const std::string command = fmt::format(
      "{} generate --out {} --events 100000 --seed 11 --dirty-rate 0.05 >{}/generate.log 2>&1",
      STREAMPRO_BINARY, landing.path(), landing.path());
  ASSERT_EQ(std::system(command.c_str()), 0);
  ExpectEnginesAgree(landing.path());
}

}  // namespace
}  // namespace streampro::testing
