#include "escape.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bis/common/text.h"
#include "json_writer.h"

namespace bis::reports {
namespace {

TEST(EscapeTest, PrintableShowsControlsAndInvalidBytes) {
  EXPECT_EQ(printable("ok \xc3\xa9"), "ok \xc3\xa9");
  EXPECT_EQ(printable("a\x1b[31mb"), "a\\x1b[31mb");
  EXPECT_EQ(printable(std::string("nul:\0.", 6)), "nul:\\x00.");
  EXPECT_EQ(printable("x\xffy"), "x\\xffy");
  EXPECT_EQ(printable("cr\rbs\x08"), "cr\\rbs\\x08");
  EXPECT_EQ(printable("line\nnext\ttab"), "line\nnext\ttab");
  EXPECT_EQ(printable("line\nnext", Keep::kNothing), "line\\nnext");
}

TEST(EscapeTest, PrintableShowsC1ControlsBidiOverridesAndNonCharacters) {
  EXPECT_EQ(printable("\xc2\x9b"
                      "2J"),
            "\\u009b2J");  // C1 CSI
  EXPECT_EQ(printable("abc\xe2\x80\xae"
                      "def"),
            "abc\\u202edef");  // right-to-left override
  EXPECT_EQ(printable("\xe2\x81\xa6"), "\\u2066");
  EXPECT_EQ(printable("\xef\xbf\xbf"), "\\uffff");
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate: three invalid bytes
}

TEST(EscapeTest, PrintableOutputIsAlwaysValidUtf8AndIdempotent) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const std::string p = printable(all);
  EXPECT_TRUE(is_valid_utf8(p));
  EXPECT_EQ(printable(p), p);
}

TEST(EscapeTest, XmlEscapesMarkupAndKeepsNewlinesOnlyInText) {
  std::string out;
  append_xml(out, "<a href=\"x\">&'</a>]]>");
  EXPECT_EQ(out, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;]]&gt;");
  out.clear();
  append_xml(out, "a\nb\tc", false);
  EXPECT_EQ(out, "a&#10;b&#9;c");
  out.clear();
  append_xml(out, "a\nb");
  EXPECT_EQ(out, "a\nb");
}

TEST(EscapeTest, MarkdownCellStaysOneCellOnOneLine) {
  std::string out;
  append_markdown_cell(out, "a | b `c` *d* _e_ [f](g) ~h~ \\ <br> &\nnext");
  EXPECT_EQ(out,
            "a \\| b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\~h\\~ \\\\ &lt;br&gt; &amp;<br>next");
}

// A pull-request comment or job summary must not notify anyone a target's answer names.
TEST(EscapeTest, MarkdownCellBreaksMentionsButNotEmailAddresses) {
  std::string out;
  append_markdown_cell(out,
                       "@octocat, cc @octo-org/security (bis.x+1@example.com, a_@b) -@x +@y .@z");
  EXPECT_EQ(out,
            "@\xE2\x81\xA0octocat, cc @\xE2\x81\xA0octo-org/security (bis.x+1@example.com, "
            "a\\_@b) -@\xE2\x81\xA0x +@\xE2\x81\xA0y .@\xE2\x81\xA0z");
}

// One escaper: a control character comes out the same whether or not the string around it is
// ASCII, and the same from the reports' JsonWriter, common's json_quote and nlohmann (what the
// mock's journal and the runner write with). The writer once had its own ASCII fast path that
// wrote \b as \u0008, so a report's bytes depended on an unrelated "é" in the same string.
TEST(EscapeTest, EveryJsonWriterEscapesControlsTheSameWithOrWithoutNonAscii) {
  for (const std::string s :
       {"bs\b ff\f nl\n q\" u\x01", "bs\b ff\f nl\n q\" u\x01 caf\xc3\xa9"}) {
    std::string written;
    JsonWriter(written, 0).string(s);
    EXPECT_EQ(written, json_quote(s));
    EXPECT_EQ(written, nlohmann::json(s).dump());
    const std::string escaped = R"("bs\b ff\f nl\n q\" u\u0001)";
    EXPECT_EQ(written.substr(0, escaped.size()), escaped);
  }
}

TEST(EscapeTest, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64("\xff\xfe"), "//4=");
}

TEST(EscapeTest, OneLineCutsAtCodePoints) {
  EXPECT_EQ(one_line("a\nb", 10), "a\\nb");
  EXPECT_EQ(one_line("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "\xc3\xa9\xc3\xa9\xe2\x80\xa6");
  EXPECT_EQ(one_line("abc", 3), "abc");
}

}  // namespace
}  // namespace bis::reports
