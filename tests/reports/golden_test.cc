// Every format's output for the fixture tree, pinned byte for byte. The tree's timings are
// fixed and the clock injected, so nothing may vary; BIS_UPDATE_GOLDEN=1 rewrites the files
// when a change is meant (review the diff).
#include <gtest/gtest.h>

#include <sstream>

#include "bis/reports/reporters.h"
#include "fixture_tree.h"
#include "report_test_support.h"

namespace bis::reports::testing {
namespace {

ReportOptions fixed_options(std::ostream& console) {
  ReportOptions o;
  o.console = &console;
  o.color = ColorMode::kNever;
  o.terminal = false;
  o.width = 80;
  o.clock = [] { return fixed_now(); };
  return o;
}

// The page embeds its style and script byte for byte (they are pinned by their own files and
// by the page's CSP hashes); the golden file names them instead of holding a third copy.
std::string with_assets_named(std::string html) {
  for (const char* asset : {"report.css", "report.js"}) {
    const std::string bytes =
        read_file(std::string(BIS_SOURCE_DIR) + "/reports/assets/" + asset);
    const size_t at = html.find(bytes);
    EXPECT_NE(at, std::string::npos) << asset << " is not embedded verbatim";
    if (at == std::string::npos) continue;
    EXPECT_EQ(html.find(bytes, at + 1), std::string::npos) << asset << " is embedded twice";
    html.replace(at, bytes.size(), std::string("/* reports/assets/") + asset + " */");
  }
  return html;
}

TEST(GoldenTest, FileFormatsMatchTheirGoldenFiles) {
  TempDir dir;
  std::ostringstream console;
  auto reporters = make_reporters({{"junit", dir.path("r.xml")},
                                   {"json", dir.path("r.json")},
                                   {"html", dir.path("r.html")},
                                   {"markdown", dir.path("r.md")}},
                                  fixed_options(console));
  ASSERT_TRUE(reporters) << reporters.error();
  EXPECT_TRUE(drive(*reporters, fixture_tree()).empty());
  for (const auto& [file, golden] :
       std::vector<std::pair<std::string, std::string>>{{"r.xml", "report.junit.xml"},
                                                        {"r.json", "report.json"},
                                                        {"r.html", "report.html"},
                                                        {"r.md", "report.md"}}) {
    std::string actual = read_file(dir.path(file));
    if (golden == "report.html") actual = with_assets_named(std::move(actual));
    EXPECT_EQ(compare_golden(golden, actual), "");
  }
  EXPECT_EQ(console.str(), "");
}

TEST(GoldenTest, PlainConsoleMatchesGoldenFile) {
  std::ostringstream console;
  auto reporters = make_reporters({{"console", ""}}, fixed_options(console));
  ASSERT_TRUE(reporters);
  EXPECT_TRUE(drive(*reporters, fixture_tree()).empty());
  EXPECT_EQ(compare_golden("console.txt", console.str()), "");
}

TEST(GoldenTest, TerminalConsoleWithColourMatchesGoldenFile) {
  std::ostringstream console;
  ReportOptions o = fixed_options(console);
  o.terminal = true;
  o.color = ColorMode::kAlways;
  auto reporters = make_reporters({{"console", ""}}, o);
  ASSERT_TRUE(reporters);
  EXPECT_TRUE(drive(*reporters, fixture_tree()).empty());
  EXPECT_EQ(compare_golden("console.tty.txt", console.str()), "");
}

TEST(GoldenTest, OnlyTheClockAndTimingsChangeTheOutput) {
  // Two renderings at different clock values differ only where "generated at" is written.
  TempDir dir;
  std::ostringstream console;
  ReportOptions o = fixed_options(console);
  auto first = make_reporters({{"json", dir.path("a.json")}, {"html", dir.path("a.html")}}, o);
  o.clock = [] { return fixed_now() + std::chrono::hours(24); };
  auto second = make_reporters({{"json", dir.path("b.json")}, {"html", dir.path("b.html")}}, o);
  ASSERT_TRUE(first && second);
  drive(*first, fixture_tree());
  drive(*second, fixture_tree());
  std::string a = read_file(dir.path("a.json")), b = read_file(dir.path("b.json"));
  ASSERT_NE(a, b);
  const std::string day1 = "2024-05-01T12:01:30", day2 = "2024-05-02T12:01:30";
  for (size_t p = b.find(day2); p != std::string::npos; p = b.find(day2, p))
    b.replace(p, day2.size(), day1);
  EXPECT_EQ(a, b);
  a = read_file(dir.path("a.html"));
  b = read_file(dir.path("b.html"));
  for (size_t p = b.find(day2); p != std::string::npos; p = b.find(day2, p))
    b.replace(p, day2.size(), day1);
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace bis::reports::testing
