// The reports redact the tree again before writing it (defence in depth), with common's rules:
// the rules themselves are tested in tests/common/redact_test.cc.
#include "redact.h"

#include <gtest/gtest.h>

#include "../common/redaction_cases.h"

namespace bis::reports {
namespace {

TEST(RedactTest, SecretHeaderValuesInTheTreeAreReplaced) {
  runner::ScenarioResult s;
  runner::StepResult step;
  runner::Exchange x;
  x.request_headers = {
      {"authorization", "Bearer abc"}, {"Content-Type", "text/plain"}, {"X-Admin-Token", "t"}};
  x.response_headers = {{"Set-Cookie", "sid=1"}};
  step.exchanges.push_back(x);
  s.steps.push_back(step);
  const runner::ScenarioResult out = redacted(Redactor(), s);
  const auto& h = out.steps[0].exchanges[0].request_headers;
  EXPECT_EQ(h[0].second, "Bearer [REDACTED]");
  EXPECT_EQ(h[1].second, "text/plain");
  EXPECT_EQ(h[2].second, "[REDACTED]");
  EXPECT_EQ(out.steps[0].exchanges[0].response_headers[0].second, "[REDACTED]");
}

// The reports hide what the mock's journal and the runner hide, the same way (one Redactor).
TEST(RedactTest, TheTreeRedactsTheSharedCasesLikeTheMockAndTheRunner) {
  const Redactor r({bis::testing::kConfiguredSecret});
  for (const auto& c : bis::testing::redaction_cases()) {
    SCOPED_TRACE(c.what);
    runner::ScenarioResult s;
    s.steps.emplace_back();
    runner::Exchange& x = s.steps[0].exchanges.emplace_back();
    x.url = "http://127.0.0.1:1/p";
    if (c.where == bis::testing::RedactionCase::kBody) x.request_body = x.response_body = c.input;
    if (c.where == bis::testing::RedactionCase::kQuery) x.url += "?" + c.input;
    if (c.where == bis::testing::RedactionCase::kHeader) x.request_headers = {{c.header, c.input}};
    const runner::Exchange out = redacted(r, s).steps[0].exchanges[0];
    switch (c.where) {
      case bis::testing::RedactionCase::kBody:
        EXPECT_EQ(out.request_body, c.redacted);
        EXPECT_EQ(out.response_body, c.redacted);
        break;
      case bis::testing::RedactionCase::kQuery:
        EXPECT_EQ(out.url, "http://127.0.0.1:1/p?" + c.redacted);
        break;
      case bis::testing::RedactionCase::kHeader:
        EXPECT_EQ(out.request_headers[0].second, c.redacted);
        break;
    }
  }
}

}  // namespace
}  // namespace bis::reports
