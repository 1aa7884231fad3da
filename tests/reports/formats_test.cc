// Each file format is valid for its consumers: JUnit against the XSD kept in the repo, JSON
// against docs/report-schema.json, HTML well-formed and self-contained, Markdown tables intact.
#include "bis/reports/formats.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <iostream>
#include <regex>

#include "bis/common/text.h"
#include "fixture_tree.h"
#include "json_schema_check.h"
#include "report_test_support.h"

namespace bis::reports::testing {
namespace {

using nlohmann::json;

const RenderContext kContext{fixed_now()};

std::string source(const std::string& rel) { return std::string(BIS_SOURCE_DIR) + "/" + rel; }

size_t count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

TEST(JunitReportTest, ValidatesAgainstTheJunitSchema) {
  const auto r =
      xmllint(render_junit(fixture_tree(), kContext), "", source("tests/reports/data/junit.xsd"));
  EXPECT_EQ(r.status, 0) << r.output;
}

TEST(JunitReportTest, SchemaCheckCatchesAnInvalidReport) {
  std::string doc = render_junit(fixture_tree(), kContext);
  doc.replace(doc.find("<testcase "), 10, "<testcase bogus=\"1\" ");
  const auto r = xmllint(doc, "", source("tests/reports/data/junit.xsd"));
  // Without xmllint every schema check here proves nothing, so this one fails rather than
  // passing on "not found" (CI must have it: scripts/deps.sh installs libxml2-utils).
  ASSERT_NE(r.status, 127) << r.output << "; install it with: apt-get install libxml2-utils";
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("bogus"), std::string::npos) << r.output;  // rejected for that attribute
}

TEST(JunitReportTest, OneTestcasePerScenarioWithOutcomeByVerdict) {
  const std::string doc = render_junit(fixture_tree(), kContext);
  EXPECT_EQ(count(doc, "<testsuite "), 2u);
  EXPECT_EQ(count(doc, "<testcase "), 8u);
  EXPECT_EQ(count(doc, "<failure "), 2u);  // two fail; the warn passes without --strict
  EXPECT_EQ(count(doc, "<error "), 2u);
  EXPECT_EQ(count(doc, "<skipped "), 2u);
  EXPECT_NE(
      doc.find("<testsuites name=\"bis-conformance\" tests=\"8\" failures=\"2\" errors=\"2\""),
      std::string::npos);
  EXPECT_NE(doc.find("<skipped message=\"not applicable: the target does not offer capability "
                     "&#39;list-api&#39;\"/>"),
            std::string::npos);
  EXPECT_NE(doc.find("<property name=\"requirements\" value=\"BIS-EMAIL-1,BIS-ERROR-BODY-1\"/>"),
            std::string::npos);
  EXPECT_NE(doc.find("<property name=\"requirement.BIS-DUP-ANSWER-1\" value=\"SHOULD\"/>"),
            std::string::npos);
  // The failure text has the requirement sentence, the request and the difference.
  const size_t failure = doc.find("<failure ");
  const std::string text = doc.substr(failure, doc.find("</failure>", failure) - failure);
  EXPECT_NE(text.find("BIS-EMAIL-1 (MUST): \xE2\x80\x9C"
                      "email: The email address"),
            std::string::npos);
  EXPECT_NE(text.find("$ curl -X POST"), std::string::npos);
  EXPECT_NE(text.find("json at $.success: expected false, got true"), std::string::npos);
  EXPECT_NE(text.find("suites/validation.yaml:35:9"), std::string::npos);
}

TEST(JunitReportTest, StrictTurnsWarnIntoFailure) {
  runner::RunResult tree = fixture_tree();
  tree.strict = true;
  const std::string doc = render_junit(tree, kContext);
  EXPECT_EQ(count(doc, "<failure "), 3u);
  EXPECT_NE(doc.find("type=\"warn\""), std::string::npos);
}

TEST(JsonReportTest, ValidatesAgainstTheDocumentedSchema) {
  const json schema = json::parse(read_file(source("docs/report-schema.json")));
  for (const auto& tree : {fixture_tree(), hostile_tree(), large_tree(40)}) {
    const json doc = json::parse(render_json(tree, kContext));
    const auto errors = check_schema(schema, doc);
    EXPECT_TRUE(errors.empty()) << errors.front();
  }
}

TEST(JsonReportTest, SchemaCheckCatchesMissingAndUnknownMembers) {
  const json schema = json::parse(read_file(source("docs/report-schema.json")));
  json doc = json::parse(render_json(fixture_tree(), kContext));
  doc["suites"][0]["scenarios"][0]["steps"][0].erase("verdict");
  doc["suites"][0]["scenarios"][0]["surprise"] = 1;
  doc["summary"]["passed"] = -1;
  doc["requirements"][0]["level"] = "OPTIONAL";
  const auto errors = check_schema(schema, doc);
  EXPECT_EQ(errors.size(), 4u);
}

TEST(JsonReportTest, HoldsEveryScenarioStepAndAssertionWithVersion) {
  const runner::RunResult tree = fixture_tree();
  const json doc = json::parse(render_json(tree, kContext));
  EXPECT_EQ(doc["format"], "bis-conformance-report");
  EXPECT_EQ(doc["schema_version"], std::string(kReportSchemaVersion));
  EXPECT_EQ(doc["run_id"], tree.run_id);
  EXPECT_EQ(doc["generated_at"], "2024-05-01T12:01:30.000Z");
  EXPECT_EQ(doc["summary"]["passed"], 2);  // pass + warn
  EXPECT_EQ(doc["summary"]["failed"], 4);  // 2 fail + 2 error
  EXPECT_EQ(doc["summary"]["skipped"], 2);
  EXPECT_EQ(doc["requirements"].size(), tree.requirements.size());
  size_t scenarios = 0, steps = 0, assertions = 0, cleanups = 0;
  for (const auto& suite : doc["suites"]) {
    for (const auto& s : suite["scenarios"]) {
      ++scenarios;
      for (const auto& st : s["steps"]) {
        ++steps;
        cleanups += st["cleanup"].get<bool>();
        assertions += st["assertions"].size();
      }
    }
  }
  EXPECT_EQ(scenarios, 8u);
  EXPECT_EQ(steps, 11u);
  EXPECT_EQ(cleanups, 1u);  // the `finally` step of no-flow-no-notify
  EXPECT_EQ(assertions, 11u);
  const json& failed = doc["suites"][0]["scenarios"][1]["steps"][0]["assertions"][1];
  EXPECT_EQ(failed["path"], "$.success");
  EXPECT_EQ(failed["requirements"], json({"BIS-EMAIL-1", "BIS-ERROR-BODY-1"}));
  const json& lost = doc["suites"][1]["scenarios"][2]["steps"][0]["exchanges"][0];
  EXPECT_TRUE(lost["response"].is_null());
  EXPECT_EQ(lost["error"], "timeout after 5s");
}

TEST(JsonReportTest, BodiesThatAreNotUtf8KeepTheirExactBytesInBase64) {
  runner::RunResult tree = fixture_tree();
  const std::string raw("\xff\x00\x1b[31m{}", 9);
  tree.suites[0].scenarios[0].steps[0].exchanges[0].response_body = raw;
  const json doc = json::parse(render_json(tree, kContext));
  const json& response = doc["suites"][0]["scenarios"][0]["steps"][0]["exchanges"][0]["response"];
  EXPECT_EQ(response["body_base64"], "/wAbWzMxbXt9");
  EXPECT_EQ(response["body"], std::string("\xEF\xBF\xBD\x00\x1b[31m{}", 11));
  EXPECT_FALSE(doc["suites"][0]["scenarios"][1]["steps"][0]["exchanges"][0]["response"].contains(
      "body_base64"));
}

TEST(HtmlReportTest, IsWellFormedAndSelfContained) {
  const std::string html = render_html(fixture_tree(), kContext);
  // Stricter than an HTML parser (libxml2's knows no HTML5 elements): well-formed XML.
  const auto as_xml = xmllint(html, "");
  EXPECT_EQ(as_xml.status, 0) << as_xml.output;
  EXPECT_FALSE(
      std::regex_search(html, std::regex(R"((src|href|action)\s*=\s*"(?!#))", std::regex::icase)));
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(@import|url\(|https?://[^"<\s]*\.(js|css))")));
  EXPECT_EQ(count(html, "<script"), 2u);  // one line in <head>, the rest at the end
  EXPECT_EQ(count(html, "<style"), 1u);
  EXPECT_NE(html.find("content=\"default-src &#39;none&#39;; style-src &#39;sha256-"),
            std::string::npos);
}

TEST(HtmlReportTest, HasBannerMatrixScenariosAndVerdictFilter) {
  const std::string html = render_html(fixture_tree(), kContext);
  EXPECT_NE(html.find("<h1>Not conformant</h1>"), std::string::npos);
  EXPECT_NE(html.find("2 passed, 4 failed, 2 skipped"), std::string::npos);
  EXPECT_EQ(count(html, "<div class=\"s f-"), 8u);
  EXPECT_EQ(count(html, "<tr class=\"f-"), 10u);  // one matrix row per requirement
  for (const char* v : {"pass", "fail", "warn", "error", "not_applicable"}) {
    EXPECT_NE(html.find(std::string("data-v=\"") + v + "\""), std::string::npos) << v;
    EXPECT_NE(html.find(std::string(".hide-") + v + " .f-" + v), std::string::npos) << v;
  }
  EXPECT_NE(html.find("<q>email: The email address entered by the subscriber"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_EQ(count(html, "aria-expanded=\"false\""), 8u);  // collapsed by the script
  // Scenarios are not <details> (slow by the thousand); only the passing matrix rows are.
  EXPECT_EQ(count(html, "<details"), 1u);
}

// A reader opens the report for what is wrong: the verdict, then the broken requirements
// (fail, then warn, then error) with the scenarios that broke them, then the rest folded away.
TEST(HtmlReportTest, OpensWithTheBrokenRequirementsAndFoldsThePassingRows) {
  const std::string html = render_html(fixture_tree(), kContext);
  const size_t verdict = html.find("<h1>Not conformant</h1>");
  const size_t broken = html.find("<section id=\"broken\"><h2>Broken requirements</h2>");
  const size_t folded = html.find("<details><summary>");
  ASSERT_NE(broken, std::string::npos);
  ASSERT_NE(folded, std::string::npos);
  EXPECT_LT(verdict, broken);
  EXPECT_LT(broken, folded);
  const size_t fail = html.find("<tr class=\"f-fail\" id=\"r-BIS-EMAIL-1\">");
  const size_t warn = html.find("<tr class=\"f-warn\"");
  const size_t error = html.find("<tr class=\"f-error\"");
  const size_t pass = html.find("<tr class=\"f-pass\"");
  EXPECT_LT(broken, fail);
  EXPECT_LT(fail, warn);
  EXPECT_LT(warn, error);
  EXPECT_LT(error, folded);
  EXPECT_LT(folded, pass);
  EXPECT_EQ(html.find("<tr class=\"f-fail\"", folded), std::string::npos);
  EXPECT_NE(html.find("4 requirements not broken: 2 pass, 2 not applicable</summary>"),
            std::string::npos) << html.substr(folded, 200);
  // The failing scenario is linked from its broken requirement's row.
  const std::string row = html.substr(fail, html.find("</tr>", fail) - fail);
  EXPECT_NE(row.find("<a href=\"#s-validation--"), std::string::npos) << row;
}

// GitHub renders a table row as its unescaped '|' separators; a cell that leaked one would
// shift the columns.
void expect_tables_intact(const std::string& md) {
  size_t columns = 0;
  size_t start = 0;
  while (start < md.size()) {
    const size_t end = md.find('\n', start);
    const std::string line = md.substr(start, end - start);
    start = end == std::string::npos ? md.size() : end + 1;
    if (line.empty() || line[0] != '|') {
      columns = 0;
      continue;
    }
    size_t pipes = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\') {
        ++i;
      } else if (line[i] == '|') {
        ++pipes;
      }
    }
    if (columns == 0) columns = pipes;
    EXPECT_EQ(pipes, columns) << line;
    EXPECT_EQ(line.find('`'), std::string::npos) << line;
  }
}

TEST(MarkdownReportTest, SummaryBrokenRequirementsAndMatrixInIntactTables) {
  const std::string md = render_markdown(fixture_tree(), kContext);
  expect_tables_intact(md);
  EXPECT_EQ(md.rfind("## \xE2\x9D\x8C Back in Stock conformance: NOT CONFORMANT", 0), 0u);
  EXPECT_NE(md.find("#### \xE2\x9D\x8C BIS-EMAIL-1 (MUST): fail\n\n> email: The email address"),
            std::string::npos);
  EXPECT_NE(md.find("| BIS-SUCCESS-1 | MUST | \xE2\x9C\x85 pass | 1/0/0/0/0"), std::string::npos);
  EXPECT_EQ(md.substr(md.rfind('\n', md.size() - 2) + 1), "**2 passed, 4 failed, 2 skipped**\n");
}

// A PR comment opens with what is wrong: the verdict, the broken requirements (fail, then warn,
// then error) with their failing scenarios, then the passing rows folded in <details>.
TEST(MarkdownReportTest, OpensWithTheBrokenRequirementsAndFoldsThePassingRows) {
  const std::string md = render_markdown(fixture_tree(), kContext);
  const size_t broken = md.find("### Broken requirements");
  const size_t fail = md.find("#### \xE2\x9D\x8C BIS-EMAIL-1 (MUST): fail");
  const size_t warn = md.find("#### \xE2\x9A\xA0\xEF\xB8\x8F BIS-DUP-ANSWER-1 (SHOULD): warn");
  const size_t error = md.find(": error\n");
  const size_t folded = md.find("<details><summary>");
  const size_t pass = md.find("| BIS-SUCCESS-1 |");
  ASSERT_NE(broken, std::string::npos) << md;
  ASSERT_NE(folded, std::string::npos) << md;
  EXPECT_LT(md.find("| Verdict | Scenarios | Requirements |"), broken);
  EXPECT_LT(broken, fail);
  EXPECT_LT(fail, warn);
  EXPECT_LT(warn, error);
  EXPECT_LT(error, folded);
  EXPECT_LT(folded, pass);
  EXPECT_LT(pass, md.find("</details>"));
  // Under the failing requirement, its failing scenario and what broke.
  const std::string block = md.substr(fail, warn - fail);
  EXPECT_NE(block.find("| Scenario | Step | What | Where |"), std::string::npos) << block;
  EXPECT_NE(block.find("\xE2\x9D\x8C fail validation/"), std::string::npos) << block;
}

// At 61 requirements and 5,000 failing scenarios the summary still fits a GitHub comment
// (65,536 characters): a few scenarios per requirement, "and K more", the rest in HTML/JSON.
TEST(MarkdownReportTest, FiveThousandFailingScenariosFitAPullRequestComment) {
  const runner::RunResult tree = failing_tree(5000);
  const std::string md = render_markdown(tree, kContext);
  expect_tables_intact(md);
  EXPECT_TRUE(is_valid_utf8(md));  // a C++ "\xA6a" escape once swallowed the 'a' after "…"
  EXPECT_LT(md.size(), 65536u);
  EXPECT_EQ(count(md, "#### "), 61u) << "every broken requirement is named";
  EXPECT_NE(md.find("\xE2\x80\xA6"  // an ellipsis, then
                    "and 79 more scenarios: see the HTML or JSON report"),
            std::string::npos);
  EXPECT_EQ(md.find("<details>"), std::string::npos);  // nothing passes: nothing to fold
  std::cout << "[ MEASURE  ] Markdown, 61 requirements, 5000 failing scenarios: " << md.size()
            << " bytes\n";
  const std::string mixed = render_markdown(large_tree(5000), kContext);
  EXPECT_LT(mixed.size(), 65536u);
  std::cout << "[ MEASURE  ] Markdown, large_tree(5000) (1 in 4 not passing): " << mixed.size()
            << " bytes\n";
}

// A failing scenario whose `finally` step could not put the target back: every format says so,
// not only the ones that list every step.
TEST(CleanupReportTest, AFailedCleanupAfterAFailureShowsInEveryFormat) {
  runner::RunResult tree = fixture_tree();
  runner::ScenarioResult* flow = nullptr;
  for (auto& suite : tree.suites) {
    for (auto& sc : suite.scenarios) {
      if (sc.id == "no-flow-no-notify") flow = &sc;
    }
  }
  ASSERT_NE(flow, nullptr);
  ASSERT_TRUE(flow->steps.back().cleanup);
  flow->steps.back().verdict = runner::Verdict::kError;
  flow->steps.back().error = "the control surface refused remove_flow: 503";
  flow->reason =
      "finally step 2 (remove the flow again): the control surface refused remove_flow: 503; "
      "the target may be left changed";
  const std::string junit = render_junit(tree, kContext);
  EXPECT_NE(junit.find("finally step 2 (remove the flow again)"), std::string::npos);
  const auto r = xmllint(junit, "", source("tests/reports/data/junit.xsd"));
  EXPECT_EQ(r.status, 0) << r.output;
  const std::string md = render_markdown(tree, kContext);
  EXPECT_NE(md.find("2 remove the flow again (finally) | finally step 2"), std::string::npos)
      << md;
  const std::string html = render_html(tree, kContext);
  EXPECT_NE(html.find("the target may be left changed"), std::string::npos);
}

TEST(EmptyRunTest, EveryFormatStaysValidWithNoScenarioAndNoCatalogue) {
  runner::RunResult empty;
  empty.run_id = "r-empty";
  empty.started_at = fixed_start();
  const std::string junit = render_junit(empty, kContext);
  const std::string html = render_html(empty, kContext);
  const auto j = xmllint(junit, "", source("tests/reports/data/junit.xsd"));
  EXPECT_EQ(j.status, 0) << j.output;
  const auto h = xmllint(html, "");
  EXPECT_EQ(h.status, 0) << h.output;
  const json schema = json::parse(read_file(source("docs/report-schema.json")));
  const auto errors = check_schema(schema, json::parse(render_json(empty, kContext)));
  EXPECT_TRUE(errors.empty()) << errors.front();
  const std::string md = render_markdown(empty, kContext);
  EXPECT_NE(md.find("No requirement catalogue in this run."), std::string::npos);
  EXPECT_EQ(md.substr(md.size() - 34), "**0 passed, 0 failed, 0 skipped**\n");
}

}  // namespace
}  // namespace bis::reports::testing
