#include "report/escape.h"

#include <string>

#include <gtest/gtest.h>

namespace streampro::report {
namespace {

std::string Json(std::string_view text) {
  std::string out;
  AppendJsonString(text, out);
  return out;
}

TEST(EscapeTest, DecodesWellFormedSequences) {
  const std::string text = "a\xC3\xA9\xE2\x9C\x93\xF0\x9F\x8E\xAC";
  Utf8Char ch = DecodeUtf8At(text, 0);
  EXPECT_TRUE(ch.valid);
  EXPECT_EQ(ch.code_point, U'a');
  ch = DecodeUtf8At(text, 1);
  EXPECT_EQ(ch.length, 2);
  EXPECT_EQ(ch.code_point, U'\u00E9');
  ch = DecodeUtf8At(text, 3);
  EXPECT_EQ(ch.length, 3);
  EXPECT_EQ(ch.code_point, U'\u2713');
  ch = DecodeUtf8At(text, 6);
  EXPECT_EQ(ch.length, 4);
  EXPECT_EQ(ch.code_point, U'\U0001F3AC');
}

TEST(EscapeTest, RejectsIllFormedSequences) {
  for (std::string bad : {"\x80", "\xC3", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
                          "\xF4\x90\x80\x80", "\xFF", "\xE2\x9C"}) {
    const Utf8Char ch = DecodeUtf8At(bad, 0);
    EXPECT_FALSE(ch.valid) << bad;
    EXPECT_EQ(ch.length, 1);
  }
}

TEST(EscapeTest, AppendValidUtf8ReplacesBadBytes) {
  std::string out;
  AppendValidUtf8("ok\xC3\xA9-\xFF-\xE2\x9C", out);
  EXPECT_EQ(out, "ok\xC3\xA9-\xEF\xBF\xBD-\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(EscapeTest, JsonStrings) {
  EXPECT_EQ(Json(""), "\"\"");
  EXPECT_EQ(Json("plain"), "\"plain\"");
  EXPECT_EQ(Json("a\"b\\c/d"), R"("a\"b\\c/d")");
  EXPECT_EQ(Json(std::string("\n\t\x01\x1F\0x", 6)), R"("\u000a\u0009\u0001\u001f\u0000x")");
  EXPECT_EQ(Json("caf\xC3\xA9 \xF0\x9F\x8E\xAC \x7F"), "\"caf\xC3\xA9 \xF0\x9F\x8E\xAC \x7F\"");
  EXPECT_EQ(Json("x\xFFy"), "\"x\xEF\xBF\xBDy\"");
}

TEST(EscapeTest, HtmlText) {
  EXPECT_EQ(HtmlEscape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  EXPECT_EQ(HtmlEscape("caf\xC3\xA9\ttab\nline"), "caf\xC3\xA9\ttab\nline");
  EXPECT_EQ(HtmlEscape(std::string("a\0b\x1B\x7F", 5)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(HtmlEscape("\xC2\x85\xEF\xBF\xBF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // C1, noncharacter
  EXPECT_EQ(HtmlEscape("\xC3"), "\xEF\xBF\xBD");
}

TEST(EscapeTest, HtmlBreakableWrapsAtSeparators) {
  EXPECT_EQ(HtmlEscapeBreakable("events_2025-09-09.jsonl"), "events_<wbr>2025-09-09<wbr>.jsonl");
  EXPECT_EQ(HtmlEscapeBreakable("/data/lake"), "/<wbr>data/<wbr>lake");
  EXPECT_EQ(HtmlEscapeBreakable("s3://b/x=<1>.csv"),
            "s3:/<wbr>/<wbr>b/<wbr>x=<wbr>&lt;1&gt;<wbr>.csv");
  // Never at the very start or end.
  EXPECT_EQ(HtmlEscapeBreakable(".hidden"), ".hidden");
  EXPECT_EQ(HtmlEscapeBreakable("lake/"), "lake/");
  EXPECT_EQ(HtmlEscapeBreakable(""), "");
  // Each piece is escaped as the whole would be: bad bytes next to a cut included.
  EXPECT_EQ(HtmlEscapeBreakable("a\xC3/b\x01.c"), "a\xEF\xBF\xBD/<wbr>b\xEF\xBF\xBD<wbr>.c");
}

}  // namespace
}  // namespace streampro::report
