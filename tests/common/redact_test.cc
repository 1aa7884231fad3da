// The one set of redaction rules (bis/common/redact.h) that the mock's journal, the runner and
// the reports all apply.
#include "bis/common/redact.h"

#include <gtest/gtest.h>

#include "redaction_cases.h"

namespace bis {
namespace {

TEST(RedactTest, LiteralSecretsAreReplacedEverywhere) {
  const Redactor r({"s3cr3t-value", "ab"});
  EXPECT_EQ(r.text("x s3cr3t-value y s3cr3t-value"), "x [REDACTED] y [REDACTED]");
  EXPECT_EQ(r.text("ab stays: too short to be a secret"), "ab stays: too short to be a secret");
}

TEST(RedactTest, LongerSecretsGoWhole) {
  Redactor r;
  r.add_secret("secret");
  r.add_secret("secret-token-long");
  EXPECT_EQ(r.text("x secret-token-long y"), "x [REDACTED] y");
}

TEST(RedactTest, SecretHeaderLinesInTextKeepOnlyTheirScheme) {
  const Redactor r;
  EXPECT_EQ(r.text("curl -H 'Authorization: Klaviyo-API-Key abc' -H 'Accept: x'"),
            "curl -H 'Authorization: Klaviyo-API-Key [REDACTED]' -H 'Accept: x'");
  EXPECT_EQ(r.text("X-Admin-Token: t0k\r\nHost: h"), "X-Admin-Token: [REDACTED]\r\nHost: h");
  EXPECT_EQ(r.text("-H \"api-key: pk\""), "-H \"api-key: [REDACTED]\"");
}

TEST(RedactTest, CredentialHeadersKeepTheirSchemeOnly) {
  const Redactor r({"pk_9999"});
  const auto h = r.headers({{"Authorization", "Klaviyo-API-Key pk_1234"},
                            {"api-key", "pk_9999"},
                            {"X-Admin-Token", "t0k3n"},
                            {"Set-Cookie", "sid=1; Path=/"},
                            {"Content-Type", "application/json"},
                            {"X-Echo", "was pk_9999"}});
  EXPECT_EQ(h[0].second, "Klaviyo-API-Key [REDACTED]");
  EXPECT_EQ(h[1].second, "[REDACTED]");
  EXPECT_EQ(h[2].second, "[REDACTED]");
  EXPECT_EQ(h[3].second, "[REDACTED]");
  EXPECT_EQ(h[4].second, "application/json");
  EXPECT_EQ(h[5].second, "was [REDACTED]");
}

TEST(RedactTest, FormQueryJsonAndMultipartFieldsAreRedacted) {
  const Redactor r;
  EXPECT_EQ(r.text("a=ABC123&api_key=xyz&email=e"), "a=ABC123&api_key=[REDACTED]&email=e");
  EXPECT_EQ(r.text("/p?private_key=xyz#f"), "/p?private_key=[REDACTED]#f");
  EXPECT_EQ(r.text(R"({"api_key": "xyz", "n": 1, "token":"t"})"),
            R"({"api_key": "[REDACTED]", "n": 1, "token":"[REDACTED]"})");
  EXPECT_EQ(r.text(R"({"password": "a\"b", "x": 2})"), R"({"password": "[REDACTED]", "x": 2})");
  EXPECT_EQ(r.text(R"({"admin_token": 12345, "x": 2})"), R"({"admin_token": [REDACTED], "x": 2})");
  EXPECT_EQ(r.text("--b\r\nContent-Disposition: form-data; name=api_key\r\nX: y\r\n\r\nv\r\n"),
            "--b\r\nContent-Disposition: form-data; name=api_key\r\nX: y\r\n\r\n[REDACTED]\r\n");
  const std::string file = "Content-Disposition: form-data; filename=\"token\"\r\n\r\ndata\r\n";
  EXPECT_EQ(r.text(file), file);
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
  EXPECT_EQ(r.text("https://user:pw@host/x?api_key=pk&a=1"),
            "https://[REDACTED]@host/x?api_key=[REDACTED]&a=1");
}

// What a reader decodes is what counts: a name or a secret written with percent or JSON
// escapes is the same name or secret (the mock's List API reads JSON with escapes, the query
// and forms percent-decoded).
TEST(RedactTest, EscapedNamesAndSecretsAreRedactedAsWhatTheyMean) {
  const Redactor r({"pk_shop_secret"});
  EXPECT_EQ(r.text(R"({"api\u005fkey": "abc123", "x": 1})"),
            R"({"api\u005fkey": "[REDACTED]", "x": 1})");
  EXPECT_EQ(r.text("a=Shop&api%5Fkey=abc123&b=1"), "a=Shop&api%5Fkey=[REDACTED]&b=1");
  EXPECT_EQ(r.text("a=Shop&api%5fkey=abc123"), "a=Shop&api%5fkey=[REDACTED]");
  EXPECT_EQ(r.text(R"({"note": "pk\u005f0123456789abcdef0123"})"), R"({"note": "[REDACTED]"})");
  EXPECT_EQ(r.text("k=pk%5F0123456789abcdef0123&x=1"), "k=[REDACTED]&x=1");
  EXPECT_EQ(r.text(R"(not json: pk\u005fshop\u005fsecret, pk%5Fshop%5fsecret, pk_shop\/x)"),
            R"(not json: [REDACTED], [REDACTED], pk_shop\/x)");
  EXPECT_EQ(r.text(R"(p\u006b_shop_secre\u0074!)"), "[REDACTED]!");
  EXPECT_EQ(r.text("100%25 sure, a\\b"), "100%25 sure, a\\b");
}

TEST(RedactTest, ABodyThatReadsAsJsonIsRedactedAsTheParserReadsIt) {
  const Redactor r;
  // A line break before the colon: the text rules do not see a member there, the parser does.
  std::string body = "{\"api_key\"\n: \"abc123\", \"email\": \"a@x.io\"}";
  r.body_in_place(body);
  EXPECT_EQ(body, R"({"api_key":"[REDACTED]","email":"a@x.io"})");
  std::string plain = R"({"api_key": "abc123", "email": "a@x.io"})";
  r.body_in_place(plain);
  EXPECT_EQ(plain, R"({"api_key": "[REDACTED]", "email": "a@x.io"})");  // kept as written
  std::string number = R"({"private_key": 12345})";
  r.body_in_place(number);
  EXPECT_EQ(number, R"({"private_key":"[REDACTED]"})");
  std::string broken = R"({"api_key": "abc123")";
  r.body_in_place(broken);
  EXPECT_EQ(broken, R"({"api_key": "[REDACTED]")");
}

TEST(RedactTest, EverySharedCaseIsRedactedAndRedactingTwiceChangesNothing) {
  const Redactor r({testing::kConfiguredSecret});
  for (const auto& c : testing::redaction_cases()) {
    SCOPED_TRACE(c.what);
    const std::string once = c.where == testing::RedactionCase::kHeader
                                 ? r.header(c.header, c.input)
                                 : r.text(c.input);
    EXPECT_EQ(once, c.redacted);
    EXPECT_EQ(c.where == testing::RedactionCase::kHeader ? r.header(c.header, once)
                                                         : r.text(once),
              once);
  }
}

}  // namespace
}  // namespace bis
