// The console reporter: live progress, failures grouped by requirement, and the summary lines.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "bis/reports/reporters.h"
#include "fixture_tree.h"
#include "report_test_support.h"

namespace bis::reports::testing {
namespace {

std::string console_output(ReportOptions o, const runner::RunResult& tree = fixture_tree()) {
  std::ostringstream console;
  o.console = &console;
  o.clock = [] { return fixed_now(); };
  auto reporters = make_reporters({{"console", ""}}, o);
  EXPECT_TRUE(reporters);
  if (reporters) {
    EXPECT_TRUE(drive(*reporters, tree).empty());
  }
  return console.str();
}

ReportOptions plain() {
  ReportOptions o;
  o.terminal = false;
  o.color = ColorMode::kNever;
  return o;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(ConsoleTest, EndsWithTheCountsAloneOnTheLastLine) {
  const auto l = lines(console_output(plain()));
  ASSERT_GE(l.size(), 2u);
  EXPECT_EQ(l[l.size() - 1], "2 passed, 4 failed, 2 skipped");
  EXPECT_EQ(l[l.size() - 2], "1 warned, 2 errors, 2 not applicable");
}

TEST(ConsoleTest, NotATerminalGivesOnePlainLinePerScenario) {
  const std::string out = console_output(plain());
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_NE(out.find("PASS  validation/valid-subscribe  A valid request is accepted  12 ms\n"),
            std::string::npos);
  EXPECT_NE(out.find("N/A   validation/list-subscribe  The List API call adds the profile  "
                     "(the target does not offer capability 'list-api')"),
            std::string::npos);
}

TEST(ConsoleTest, WithoutProgressOnlyTheFinalReportIsWritten) {
  ReportOptions o = plain();
  o.progress = false;
  const std::string out = console_output(o);
  EXPECT_EQ(out.find("PASS  validation/valid-subscribe"), std::string::npos);
  EXPECT_EQ(out.rfind("\nFailures by requirement", 0), 0u);
}

TEST(ConsoleTest, FailuresAreGroupedByRequirementWithSentenceRequestDifferenceAndPosition) {
  const std::string out = console_output(plain());
  const size_t email = out.find(
      "FAIL  BIS-EMAIL-1 (MUST): \xE2\x80\x9C"
      "email: The email address");
  const size_t body = out.find("FAIL  BIS-ERROR-BODY-1 (MUST)");
  const size_t dup = out.find("WARN  BIS-DUP-ANSWER-1 (SHOULD, inferred): A duplicate");
  const size_t flow = out.find("FAIL  BIS-FLOW-1 (MUST)");
  const size_t unknown = out.find("BIS-UNKNOWN-9 (not in the catalogue)");
  ASSERT_NE(email, std::string::npos);
  // Catalogue order, then IDs the catalogue lacks.
  EXPECT_LT(email, body);
  EXPECT_LT(body, dup);
  EXPECT_LT(dup, flow);
  EXPECT_LT(flow, unknown);
  const std::string group = out.substr(email, body - email);
  EXPECT_NE(group.find("$ curl -X POST 'http://127.0.0.1:41234/api/v1/catalog/subscribe'"),
            std::string::npos);
  EXPECT_NE(group.find("answer: 200, {\"email\": \"test@klaviyo\", \"success\": true}"),
            std::string::npos);
  EXPECT_NE(group.find("json at $.success: expected false, got true\n"), std::string::npos);
  EXPECT_NE(group.find("  expected: false\n"), std::string::npos);
  EXPECT_NE(group.find("  actual:   true\n"), std::string::npos);
  EXPECT_NE(group.find("at suites/validation.yaml:35:9\n"), std::string::npos);
  // The $.success failure breaks two requirements: in full once, referred to the second time.
  EXPECT_NE(
      out.substr(body).find("validation/invalid-email step 1: the same failure as shown above"),
      std::string::npos);
  // A warn is checked on the answer it names (the second of a repeated request).
  EXPECT_NE(out.substr(dup).find("\"duplicate\": true"), std::string::npos);
}

TEST(ConsoleTest, ErrorsAndNotApplicableAreListedWithTheirReasons) {
  const std::string out = console_output(plain());
  const size_t errors = out.find("Could not run (2)");
  ASSERT_NE(errors, std::string::npos);
  EXPECT_NE(
      out.find("why: step 2 (control): the control surface refused set_inventory: 503", errors),
      std::string::npos);
  EXPECT_NE(out.find("no answer: timeout after 5s", errors), std::string::npos);
  EXPECT_NE(out.find("1  the target defines no target.accounts.magento_two"), std::string::npos);
}

TEST(ConsoleTest, AFailedCleanupOfAFailingScenarioIsListedWithItsReason) {
  runner::RunResult tree = fixture_tree();
  for (auto& suite : tree.suites) {
    for (auto& sc : suite.scenarios) {
      if (sc.id != "no-flow-no-notify") continue;
      sc.steps.back().verdict = runner::Verdict::kError;
      sc.steps.back().error = "the control surface refused remove_flow: 503";
      sc.reason = "finally step 2 (remove the flow again): the control surface refused "
                  "remove_flow: 503; the target may be left changed";
    }
  }
  const std::string out = console_output(plain(), tree);
  const size_t errors = out.find("Could not run (3)");
  ASSERT_NE(errors, std::string::npos) << out;
  EXPECT_NE(out.find("why: finally step 2 (remove the flow again)", errors), std::string::npos);
  EXPECT_NE(out.find("step 2 (control, finally) \"remove the flow again\"", errors),
            std::string::npos)
      << out;
}

TEST(ConsoleTest, TerminalRedrawsOneProgressLineAndKeepsFailures) {
  ReportOptions o = plain();
  o.terminal = true;
  o.width = 40;
  const std::string out = console_output(o);
  EXPECT_NE(out.find("\r\x1b[2K[0/8] 0 passed, 0 failed, 0 skipped"), std::string::npos);
  EXPECT_NE(out.find("\r\x1b[2K[8/8] 2 passed, 4 failed, 2 skipped"), std::string::npos);
  EXPECT_NE(out.find("\r\x1b[2KFAIL  validation/invalid-email"), std::string::npos);
  EXPECT_EQ(out.find("PASS  validation/valid-subscribe"), std::string::npos);  // only in progress
  // Every progress line fits the width (39 columns + the ellipsis).
  for (size_t p = out.find("\x1b[2K["); p != std::string::npos; p = out.find("\x1b[2K[", p + 1)) {
    const size_t end = out.find('\r', p);
    EXPECT_LE(out.substr(p + 4, end - p - 4).size(), 39u + 3u);
  }
}

TEST(ConsoleTest, AutoColourFollowsTerminalAndNoColor) {
  ReportOptions o;
  o.color = ColorMode::kAuto;
  o.terminal = true;
  const char* saved = std::getenv("NO_COLOR");
  const std::string saved_value = saved ? saved : "";
  const char* term = std::getenv("TERM");
  const std::string saved_term = term ? term : "";
  ::setenv("TERM", "xterm-256color", 1);
  ::unsetenv("NO_COLOR");
  EXPECT_NE(console_output(o).find("\x1b[31m"), std::string::npos);
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_EQ(console_output(o).find("\x1b[31m"), std::string::npos);
  if (saved) {
    ::setenv("NO_COLOR", saved_value.c_str(), 1);
  } else {
    ::unsetenv("NO_COLOR");
  }
  if (term) {
    ::setenv("TERM", saved_term.c_str(), 1);
  } else {
    ::unsetenv("TERM");
  }
  o.terminal = false;
  EXPECT_EQ(console_output(o).find("\x1b["), std::string::npos);
}

}  // namespace
}  // namespace bis::reports::testing
