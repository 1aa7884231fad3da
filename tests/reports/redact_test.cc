#include "redact.h"

#include <gtest/gtest.h>

namespace bis::reports {
namespace {

TEST(RedactTest, LiteralSecretsAreReplacedEverywhere) {
  const Redactor r({"s3cr3t-value", "ab"});
  EXPECT_EQ(r.text("x s3cr3t-value y s3cr3t-value"), "x [REDACTED] y [REDACTED]");
  EXPECT_EQ(r.text("ab stays: too short to be a secret"), "ab stays: too short to be a secret");
}

TEST(RedactTest, SecretHeaderLinesInTextAreRedacted) {
  const Redactor r;
  EXPECT_EQ(r.text("curl -H 'Authorization: Klaviyo-API-Key abc' -H 'Accept: x'"),
            "curl -H 'Authorization: [REDACTED]' -H 'Accept: x'");
  EXPECT_EQ(r.text("X-Admin-Token: t0k\r\nHost: h"), "X-Admin-Token: [REDACTED]\r\nHost: h");
  EXPECT_EQ(r.text("-H \"api-key: pk\""), "-H \"api-key: [REDACTED]\"");
}

TEST(RedactTest, FormQueryAndJsonFieldsAreRedacted) {
  const Redactor r;
  EXPECT_EQ(r.text("a=ABC123&api_key=xyz&email=e"), "a=ABC123&api_key=[REDACTED]&email=e");
  EXPECT_EQ(r.text("/p?private_key=xyz#f"), "/p?private_key=[REDACTED]#f");
  EXPECT_EQ(r.text(R"({"api_key": "xyz", "n": 1, "token":"t"})"),
            R"({"api_key": "[REDACTED]", "n": 1, "token":"[REDACTED]"})");
  EXPECT_EQ(r.text(R"({"password": "a\"b", "x": 2})"), R"({"password": "[REDACTED]", "x": 2})");
  EXPECT_EQ(r.text(R"({"admin_token": 12345, "x": 2})"), R"({"admin_token": [REDACTED], "x": 2})");
}

TEST(RedactTest, PublicKeyAndOrdinaryFieldsAreKept) {
  const Redactor r;
  const std::string form = "a=ABC123&email=x%40example.com&variant=1&platform=shopify";
  EXPECT_EQ(r.text(form), form);
  const std::string json = R"({"email": "x@example.com", "success": true, "errors": []})";
  EXPECT_EQ(r.text(json), json);
  EXPECT_EQ(r.text("expected 400, got 200"), "expected 400, got 200");
}

TEST(RedactTest, PrivateKeyLookingValuesAndUrlUserInfoAreRedacted) {
  const Redactor r;
  EXPECT_EQ(r.text("key pk_0123456789abcdef0123 end"), "key [REDACTED] end");
  EXPECT_EQ(r.text("pk_short stays"), "pk_short stays");
  EXPECT_EQ(r.text("https://ops:pw@host/x"), "https://[REDACTED]@host/x");
  EXPECT_EQ(r.text("https://host/x@y"), "https://host/x@y");
}

TEST(RedactTest, SecretHeaderValuesInTheTreeAreReplaced) {
  runner::ScenarioResult s;
  runner::StepResult step;
  runner::Exchange x;
  x.request_headers = {
      {"authorization", "Bearer abc"}, {"Content-Type", "text/plain"}, {"X-Admin-Token", "t"}};
  x.response_headers = {{"Set-Cookie", "sid=1"}};
  step.exchanges.push_back(x);
  s.steps.push_back(step);
  const runner::ScenarioResult out = Redactor().scenario(s);
  const auto& h = out.steps[0].exchanges[0].request_headers;
  EXPECT_EQ(h[0].second, "[REDACTED]");
  EXPECT_EQ(h[1].second, "text/plain");
  EXPECT_EQ(h[2].second, "[REDACTED]");
  EXPECT_EQ(out.steps[0].exchanges[0].response_headers[0].second, "[REDACTED]");
}

}  // namespace
}  // namespace bis::reports
