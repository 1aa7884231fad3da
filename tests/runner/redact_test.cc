#include "bis/runner/redact.h"

#include <gtest/gtest.h>

namespace bis::runner {
namespace {

TEST(RedactTest, SecretsDisappearFromAnyText) {
  Redactor r;
  r.add_secret("pk_live_abcdef123456");
  r.add_secret("abc");  // too short to be a secret
  EXPECT_EQ(r.text("key pk_live_abcdef123456 and abc"), "key *** and abc");
}

TEST(RedactTest, LongerSecretsGoWhole) {
  Redactor r;
  r.add_secret("secret");
  r.add_secret("secret-token-long");
  EXPECT_EQ(r.text("x secret-token-long y"), "x *** y");
}

TEST(RedactTest, CredentialHeadersKeepTheirSchemeOnly) {
  Redactor r;
  const auto h = r.headers({{"Authorization", "Klaviyo-API-Key pk_1234"},
                            {"api-key", "pk_9999"},
                            {"X-Admin-Token", "t0k3n"},
                            {"Content-Type", "application/json"}});
  EXPECT_EQ(h[0].second, "Klaviyo-API-Key ***");
  EXPECT_EQ(h[1].second, "***");
  EXPECT_EQ(h[2].second, "***");
  EXPECT_EQ(h[3].second, "application/json");
}

TEST(RedactTest, ApiKeyFieldsOfBodiesAreHidden) {
  Redactor r;
  EXPECT_EQ(r.body(R"({"api_key": "pk_abc", "profiles": []})"),
            R"({"api_key": "***", "profiles": []})");
  EXPECT_EQ(r.body("a=PkShop&api_key=pk_abc&email=x"), "a=PkShop&api_key=***&email=x");
  EXPECT_EQ(
      r.body("--b\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\npk_abc\r\n--b--\r\n"),
      "--b\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\n***\r\n--b--\r\n");
  EXPECT_EQ(r.body("a=1"), "a=1");
}

TEST(RedactTest, UrlsLoseCredentialsAndApiKeyParameters) {
  Redactor r;
  EXPECT_EQ(r.url("https://user:pw@host/x?api_key=pk&a=1"), "https://***@host/x?api_key=***&a=1");
}

}  // namespace
}  // namespace bis::runner
