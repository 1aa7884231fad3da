// A hostile target must not break a report or inject into it: every format stays valid and
// inert when answers carry invalid UTF-8, NUL, terminal escapes, "]]>", "</script>", "<!--",
// Markdown pipes and backticks, and bidi overrides.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "bis/common/text.h"
#include "bis/reports/formats.h"
#include "bis/reports/reporters.h"
#include "fixture_tree.h"
#include "report_test_support.h"

namespace bis::reports::testing {
namespace {

const RenderContext kHostileContext{fixed_now()};

// The first raw control byte (other than '\n', '\t' and those in `allowed`), or -1.
int first_control(const std::string& s, const std::string& allowed = "") {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
      if (allowed.find(static_cast<char>(c)) == std::string::npos) return c;
    }
  }
  return -1;
}

void expect_no_injected_markup(const std::string& doc) {
  EXPECT_EQ(doc.find("<script>alert"), std::string::npos);
  EXPECT_EQ(doc.find("<img"), std::string::npos);
  EXPECT_EQ(doc.find("<!--"), std::string::npos);
  EXPECT_EQ(doc.find("]]>"), std::string::npos);
  EXPECT_EQ(doc.find("\xe2\x80\xae"), std::string::npos);  // raw right-to-left override
  EXPECT_EQ(doc.find("\xc2\x9b"), std::string::npos);      // raw C1 CSI
  EXPECT_TRUE(is_valid_utf8(doc));
  EXPECT_EQ(first_control(doc), -1);
}

bool well_formed_xml(const std::string& doc, std::string& output) {
  const auto r = xmllint(doc);
  output = r.output;
  return r.status == 0;
}

TEST(HostileTargetTest, JunitStaysWellFormedValidAndInert) {
  const std::string doc = render_junit(hostile_tree(), kHostileContext);
  std::string out;
  EXPECT_TRUE(well_formed_xml(doc, out)) << out;
  const auto r = xmllint(doc, "", std::string(BIS_SOURCE_DIR) + "/tests/reports/data/junit.xsd");
  EXPECT_EQ(r.status, 0) << r.output;
  expect_no_injected_markup(doc);
  EXPECT_NE(doc.find("&lt;/script&gt;&lt;script&gt;alert(1)"), std::string::npos);
  EXPECT_NE(doc.find("\\x1b[31mRED"), std::string::npos);  // shown, not executed
}

TEST(HostileTargetTest, HtmlStaysWellFormedAndInert) {
  const std::string doc = render_html(hostile_tree(), kHostileContext);
  std::string out;
  EXPECT_TRUE(well_formed_xml(doc, out)) << out;
  expect_no_injected_markup(doc);
  size_t scripts = 0;
  for (size_t p = doc.find("<script"); p != std::string::npos; p = doc.find("<script", p + 1))
    ++scripts;
  EXPECT_EQ(scripts, 2u);
  EXPECT_FALSE(std::regex_search(doc, std::regex("<[^>]*onerror=")));
  EXPECT_NE(doc.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
}

TEST(HostileTargetTest, JsonStaysValidUtf8AndKeepsTheRawBytes) {
  const std::string doc = render_json(hostile_tree(), kHostileContext);
  EXPECT_TRUE(is_valid_utf8(doc));
  EXPECT_EQ(first_control(doc), -1);
  const auto j = nlohmann::json::parse(doc);  // throws on invalid JSON or UTF-8
  const auto& response = j["suites"][0]["scenarios"][1]["steps"][0]["exchanges"][0]["response"];
  ASSERT_TRUE(response.contains("body_base64"));
  EXPECT_NE(response["body"].get<std::string>().find("</script>"), std::string::npos);
}

TEST(HostileTargetTest, MarkdownTablesStayIntactAndInert) {
  runner::RunResult tree = hostile_tree();
  // Target text reaches the Markdown through failure messages and the target's name.
  tree.target.base_url = hostile_payload();
  tree.target.implementation = "@octo-org/security";
  const std::string md = render_markdown(tree, kHostileContext);
  expect_no_injected_markup(md);
  EXPECT_EQ(md.find("@octo-org"), std::string::npos);  // nobody gets notified
  size_t header_pipes = 0;  // of the table being read; 0 outside tables
  for (size_t start = 0; start < md.size();) {
    const size_t end = md.find('\n', start);
    const std::string line = md.substr(start, end - start);
    start = end == std::string::npos ? md.size() : end + 1;
    const std::string unescaped = std::regex_replace(line, std::regex(R"(\\.)"), "");
    EXPECT_EQ(unescaped.find('`'), std::string::npos) << line;  // no code span can open
    if (line.rfind("| ", 0) != 0 && line.rfind("|-", 0) != 0) {
      header_pipes = 0;
      continue;
    }
    const size_t pipes = static_cast<size_t>(std::count(unescaped.begin(), unescaped.end(), '|'));
    // Summary table 3 columns, failing scenarios 4, the matrix 5; every row as its header.
    if (header_pipes == 0) header_pipes = pipes;
    EXPECT_TRUE(pipes >= 4 && pipes <= 6) << line;
    EXPECT_EQ(pipes, header_pipes) << line;
  }
}

TEST(HostileTargetTest, ConsoleCarriesNoEscapeFromTheTarget) {
  for (const bool color : {false, true}) {
    std::ostringstream console;
    ReportOptions o;
    o.console = &console;
    o.terminal = color;
    o.color = color ? ColorMode::kAlways : ColorMode::kNever;
    o.clock = [] { return fixed_now(); };
    auto reporters = make_reporters({{"console", ""}}, o);
    ASSERT_TRUE(reporters);
    drive(*reporters, hostile_tree());
    const std::string out = console.str();
    EXPECT_TRUE(is_valid_utf8(out));
    EXPECT_EQ(out.find("\xc2\x9b"), std::string::npos);
    EXPECT_EQ(out.find("\xe2\x80\xae"), std::string::npos);
    // The only escapes are the reporter's own: SGR colours and erase-line, after a '\r'.
    const std::string stripped = std::regex_replace(out, std::regex("\r?\x1b\\[(2K|[0-9;]*m)"), "");
    EXPECT_EQ(first_control(stripped), -1) << "colour " << color;
    EXPECT_NE(out.find("\\x1b[31mRED"), std::string::npos);
  }
}

}  // namespace
}  // namespace bis::reports::testing
