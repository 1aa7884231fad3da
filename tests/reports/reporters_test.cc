// The --report syntax, the factory's checks, file writing and the summary lines.
#include "bis/reports/reporters.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <tuple>
#include <vector>

#include "fixture_tree.h"
#include "report_test_support.h"

namespace bis::reports::testing {
namespace {

TEST(ReportSpecTest, ParsesFormatAndPath) {
  // An empty path is standard output; only the first colon separates the format.
  for (const auto& [spec, format, path] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"junit:out/report.xml", "junit", "out/report.xml"},
           {"json:-", "json", ""},
           {"console", "console", ""},
           {"html:c:/odd:name.html", "html", "c:/odd:name.html"},
           {"console:run.log", "console", "run.log"}}) {
    auto s = parse_report_spec(spec);
    ASSERT_TRUE(s) << spec;
    EXPECT_EQ(s->format, format) << spec;
    EXPECT_EQ(s->path, path) << spec;
  }
}

TEST(ReportSpecTest, RejectsUnknownFormatsWithASuggestion) {
  auto s = parse_report_spec("jnuit:x.xml");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("unknown report format 'jnuit' (did you mean 'junit'?)"),
            std::string::npos)
      << s.error();
  EXPECT_NE(s.error().find("console, junit, json, html, markdown"), std::string::npos);
}

TEST(ReportSpecTest, FileFormatsNeedADestination) {
  auto s = parse_report_spec("markdown");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("markdown:PATH, or markdown:- for standard output"), std::string::npos);
  EXPECT_FALSE(parse_report_spec("json:"));
  EXPECT_FALSE(parse_report_spec(""));
}

TEST(MakeReportersTest, RefusesBadDestinationsWithoutCreatingAnything) {
  TempDir dir;
  ReportOptions o;
  auto r = make_reporters({{"json", dir.path("nowhere/r.json")}}, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("does not exist"), std::string::npos);
  r = make_reporters({{"json", dir.path("")}}, o);
  EXPECT_FALSE(r);
  r = make_reporters({{"json", dir.path("a.json")}, {"html", dir.path("a.json")}}, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("two reports write to"), std::string::npos);
  r = make_reporters({{"console", dir.path("c.log")}, {"console", ""}, {"json", ""}}, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("only one report can go to standard output"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path("c.log")));
}

TEST(MakeReportersTest, SeveralReportersEachWriteTheirOwnDestination) {
  TempDir dir;
  std::ostringstream console;
  ReportOptions o;
  o.console = &console;
  o.color = ColorMode::kNever;
  auto r = make_reporters({{"console", ""},
                           {"json", dir.path("r.json")},
                           {"markdown", dir.path("r.md")},
                           {"junit", dir.path("r.xml")},
                           {"html", dir.path("r.html")}},
                          o);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 5u);
  EXPECT_TRUE(drive(*r, fixture_tree()).empty());
  EXPECT_EQ(read_file(dir.path("r.json")).rfind("{\n  \"format\": \"bis-conformance-report\"", 0),
            0u);
  EXPECT_EQ(read_file(dir.path("r.xml")).rfind("<?xml", 0), 0u);
  EXPECT_EQ(read_file(dir.path("r.html")).rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(read_file(dir.path("r.md")).rfind("## ", 0), 0u);
  EXPECT_NE(console.str().find("2 passed, 4 failed, 2 skipped\n"), std::string::npos);
  // No temporary file is left behind.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path("")))
    files += e.is_regular_file();
  EXPECT_EQ(files, 4u);
}

TEST(MakeReportersTest, AFileFormatCanGoToStandardOutput) {
  std::ostringstream console;
  ReportOptions o;
  o.console = &console;
  o.clock = [] { return fixed_now(); };
  auto r = make_reporters({*parse_report_spec("markdown:-")}, o);
  ASSERT_TRUE(r);
  EXPECT_TRUE(drive(*r, fixture_tree()).empty());
  EXPECT_EQ(console.str().rfind("## ", 0), 0u);
}

TEST(MakeReportersTest, AnUnwritableFileIsReportedByRunFinished) {
  TempDir dir;
  ReportOptions o;
  auto r = make_reporters({{"json", dir.path("gone/r.json")}}, o);
  ASSERT_FALSE(r);  // checked up front...
  std::filesystem::create_directories(dir.path("gone"));
  r = make_reporters({{"json", dir.path("gone/r.json")}}, o);
  ASSERT_TRUE(r);
  std::filesystem::remove_all(dir.path("gone"));  // ...and again when writing
  const auto errors = drive(*r, fixture_tree());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("cannot write " + dir.path("gone/r.json")), std::string::npos)
      << errors[0];
}

TEST(SummaryLinesTest, LastLineCountsAsDecided) {
  runner::RunResult tree = fixture_tree();
  EXPECT_EQ(summary_lines(tree),
            "1 warned, 2 errors, 2 not applicable\n2 passed, 4 failed, 2 skipped\n");
  tree.strict = true;
  EXPECT_EQ(
      summary_lines(tree),
      "1 warned (failing: --strict), 2 errors, 2 not applicable\n1 passed, 5 failed, 2 skipped\n");
}

}  // namespace
}  // namespace bis::reports::testing
