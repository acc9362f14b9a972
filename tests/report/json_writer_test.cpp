#include "report/json_writer.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include <gtest/gtest.h>

namespace streampro::report {
namespace {

TEST(JsonWriterTest, NestedLayout) {
  JsonWriter json;
  json.BeginObject();
  json.Key("a");
  json.Int(1);
  json.Key("list");
  json.BeginArray();
  json.String("x");
  json.BeginObject();
  json.Key("k");
  json.Null();
  json.EndObject();
  json.EndArray();
  json.Key("empty_object");
  json.BeginObject();
  json.EndObject();
  json.Key("empty_array");
  json.BeginArray();
  json.EndArray();
  json.Key("flag");
  json.Bool(true);
  json.EndObject();
  EXPECT_EQ(json.Finish(),
            "{\n"
            "  \"a\": 1,\n"
            "  \"list\": [\n"
            "    \"x\",\n"
            "    {\n"
            "      \"k\": null\n"
            "    }\n"
            "  ],\n"
            "  \"empty_object\": {},\n"
            "  \"empty_array\": [],\n"
            "  \"flag\": true\n"
            "}\n");
}

TEST(JsonWriterTest, ScalarDocumentAndReuse) {
  JsonWriter json;
  json.Int(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(json.Finish(), "-9223372036854775808\n");
  json.String("again");
  EXPECT_EQ(json.Finish(), "\"again\"\n");
}

TEST(JsonWriterTest, DoublesAreShortestRoundTrip) {
  EXPECT_EQ(FormatJsonDouble(0.0), "0.0");
  EXPECT_EQ(FormatJsonDouble(-0.0), "-0.0");
  EXPECT_EQ(FormatJsonDouble(1.0), "1.0");
  EXPECT_EQ(FormatJsonDouble(0.1), "0.1");
  EXPECT_EQ(FormatJsonDouble(71.42857142857143), "71.42857142857143");
  EXPECT_EQ(FormatJsonDouble(1e-300), "1e-300");
  EXPECT_EQ(FormatJsonDouble(1e21), "1e+21");
  for (double value :
       {0.1 + 0.2, 1.0 / 3.0, 2.0 / 3.0 * 1e-7, 123456789.123456789,
        std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max()}) {
    EXPECT_EQ(std::strtod(FormatJsonDouble(value).c_str(), nullptr), value)
        << FormatJsonDouble(value);
  }
}

TEST(JsonWriterTest, NonFiniteDoublesAndOptionalsAreNull) {
  JsonWriter json;
  json.BeginArray();
  json.Double(std::numeric_limits<double>::quiet_NaN());
  json.Double(std::numeric_limits<double>::infinity());
  json.Double(-std::numeric_limits<double>::infinity());
  json.OptionalDouble(std::nullopt);
  json.OptionalDouble(2.5);
  json.OptionalString(std::nullopt);
  json.OptionalString(std::string("s"));
  json.OptionalInt(std::nullopt);
  json.OptionalInt(7);
  json.OptionalBool(std::nullopt);
  json.OptionalBool(false);
  json.EndArray();
  EXPECT_EQ(json.Finish(),
            "[\n  null,\n  null,\n  null,\n  null,\n  2.5,\n  null,\n  \"s\",\n  null,\n  7,\n"
            "  null,\n  false\n]\n");
}

TEST(JsonWriterTest, KeysAreEscaped) {
  JsonWriter json;
  json.BeginObject();
  json.Key("a\"b\n");
  json.Int(0);
  json.EndObject();
  EXPECT_EQ(json.Finish(), "{\n  \"a\\\"b\\u000a\": 0\n}\n");
}

}  // namespace
}  // namespace streampro::report
