// Secrets from the target profile never reach a report, even when the tree still carries them
// (the runner redacts; the reporters defend in depth).
#include <gtest/gtest.h>

#include <sstream>

#include "bis/reports/reporters.h"
#include "fixture_tree.h"
#include "report_test_support.h"

namespace bis::reports::testing {
namespace {

std::vector<std::string> all_outputs(const ReportOptions& base, const runner::RunResult& tree) {
  TempDir dir;
  std::ostringstream console;
  ReportOptions o = base;
  o.console = &console;
  o.clock = [] { return fixed_now(); };
  auto reporters = make_reporters({{"console", ""},
                                   {"console", dir.path("console.log")},
                                   {"junit", dir.path("r.xml")},
                                   {"json", dir.path("r.json")},
                                   {"html", dir.path("r.html")},
                                   {"markdown", dir.path("r.md")}},
                                  o);
  EXPECT_TRUE(reporters);
  if (!reporters) return {};
  EXPECT_TRUE(drive(*reporters, tree).empty());
  std::vector<std::string> out = {console.str()};
  for (const char* f : {"console.log", "r.xml", "r.json", "r.html", "r.md"}) {
    out.push_back(read_file(dir.path(f)));
  }
  return out;
}

TEST(SecretsTest, NoSecretAppearsInAnyFormatWhenTheProfileNamesThem) {
  ReportOptions o;
  o.secrets = secrets();
  o.color = ColorMode::kNever;
  // secret_tree() also holds a token in free text, which only the literal list can catch.
  for (const auto& doc : all_outputs(o, secret_tree())) {
    ASSERT_FALSE(doc.empty());
    for (const auto& secret : secrets()) EXPECT_EQ(doc.find(secret), std::string::npos) << secret;
    EXPECT_EQ(doc.find("s3cr3t"), std::string::npos);
    EXPECT_EQ(doc.find("eyJhbGci"), std::string::npos);
  }
}

TEST(SecretsTest, HeaderAndFieldRulesCatchSecretsTheProfileDidNotName) {
  ReportOptions o;  // no literal secrets: only the header, field and key-shape rules
  o.color = ColorMode::kNever;
  runner::RunResult tree = secret_tree();
  tree.suites[1].scenarios[1].reason.clear();  // the free-text token: no rule can see it
  const auto docs = all_outputs(o, tree);
  for (const auto& doc : docs) {
    ASSERT_FALSE(doc.empty());
    for (const auto& secret : secrets()) EXPECT_EQ(doc.find(secret), std::string::npos) << secret;
  }
  // Redaction is visible, so a reader knows something was there.
  EXPECT_NE(docs[3].find("\"name\": \"X-Admin-Token\",\n"), std::string::npos);
  EXPECT_NE(docs[3].find("[REDACTED]"), std::string::npos);
}

TEST(SecretsTest, TheTreeGivenIsNotModified) {
  const runner::RunResult tree = secret_tree();
  std::ostringstream console;
  ReportOptions o;
  o.console = &console;
  auto reporters = make_reporters({{"console", ""}}, o);
  ASSERT_TRUE(reporters);
  drive(*reporters, tree);
  EXPECT_EQ(tree.suites[0].scenarios[1].steps[0].exchanges[0].request_headers[3].second,
            secrets()[0]);
}

}  // namespace
}  // namespace bis::reports::testing
