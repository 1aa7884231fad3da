// The HTML report in a real browser (headless Chromium), when one is installed: the inline
// style and script are allowed by the page's Content-Security-Policy, the script runs, and the
// verdict filter works. Chromium is not a build dependency: without it these tests skip, unless
// BIS_BROWSER_TESTS=1 (set by .ci/run, which installs it) makes its absence a failure.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "bis/reports/formats.h"
#include "fixture_tree.h"
#include "report_test_support.h"

namespace bis::reports::testing {
namespace {

// Skips (or, when browser tests are required, fails) when chromium is absent.
#define REQUIRE_CHROMIUM()                                                               \
  do {                                                                                   \
    if (have_command("chromium")) break;                                                 \
    const char* required = std::getenv("BIS_BROWSER_TESTS");                             \
    if (required && std::string(required) == "1") FAIL() << "BIS_BROWSER_TESTS=1 but no chromium"; \
    GTEST_SKIP() << "chromium not installed (BIS_BROWSER_TESTS=1 to require it)";        \
  } while (0)

CommandResult open_in_chromium(const std::string& url, const std::string& profile) {
  return run_command(
      "timeout 60 chromium --headless --no-sandbox --disable-gpu "
      "--disable-background-networking --no-first-run --enable-logging=stderr "
      "--v=0 --user-data-dir='" +
      profile + "' --dump-dom '" + url + "'");
}

TEST(BrowserTest, ScriptRunsUnderTheContentSecurityPolicyAndFilters) {
  REQUIRE_CHROMIUM();
  TempDir dir;
  write_file(dir.path("r.html"), render_html(fixture_tree(), {fixed_now()}));
  const auto r =
      open_in_chromium("file://" + dir.path("r.html") + "#only=fail,error", dir.path("profile"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("Content Security Policy"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("<html lang=\"en\" class=\"js\">"), std::string::npos);
  EXPECT_NE(r.output.find("<body class=\"hide-pass hide-warn hide-not_applicable\">"),
            std::string::npos)
      << r.output.substr(0, 2000);
  EXPECT_EQ(r.output.find("class=\"s f-fail open\""), std::string::npos);  // collapsed
}

TEST(BrowserTest, ALinkToAScenarioOpensIt) {
  REQUIRE_CHROMIUM();
  TempDir dir;
  write_file(dir.path("r.html"), render_html(fixture_tree(), {fixed_now()}));
  const auto r = open_in_chromium("file://" + dir.path("r.html") + "#s-validation--invalid-email",
                                  dir.path("profile"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(
      r.output.find("<div class=\"s f-fail open\" id=\"s-validation--invalid-email\">"
                    "<div class=\"h\" role=\"button\" tabindex=\"0\" aria-expanded=\"true\">"),
      std::string::npos);
  EXPECT_NE(r.output.find("<div class=\"s f-fail\" id=\"s-lifecycle--no-flow-no-notify\">"),
            std::string::npos);
}

TEST(BrowserTest, AScriptThatSlippedPastEscapingWouldBeBlocked) {
  REQUIRE_CHROMIUM();
  TempDir dir;
  std::string html = render_html(fixture_tree(), {fixed_now()});
  html.replace(html.find("<footer>"), 0,
               "<script>document.body.classList.add('pwned')</script>"
               "<img src=\"http://127.0.0.1:9/x.png\"/>");
  write_file(dir.path("r.html"), html);
  const auto r = open_in_chromium("file://" + dir.path("r.html"), dir.path("profile"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("<html lang=\"en\" class=\"js\">"), std::string::npos);
  EXPECT_EQ(r.output.find("pwned\">"), std::string::npos);
  EXPECT_NE(r.output.find("Content Security Policy"), std::string::npos);
}

}  // namespace
}  // namespace bis::reports::testing
