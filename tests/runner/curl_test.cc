#include "bis/runner/curl.h"

#include <gtest/gtest.h>

namespace bis::runner {
namespace {

TEST(CurlTest, PostWithFormBody) {
  EXPECT_EQ(curl_command("POST", "http://127.0.0.1:8080/api/v1/catalog/subscribe",
                         {{"Content-Type", "application/x-www-form-urlencoded"}},
                         "a=PkShop&email=x%40y.com"),
            "curl -sS http://127.0.0.1:8080/api/v1/catalog/subscribe -H 'Content-Type: "
            "application/x-www-form-urlencoded' --data-raw 'a=PkShop&email=x%40y.com'");
}

TEST(CurlTest, MethodIsExplicitUnlessImplied) {
  EXPECT_EQ(curl_command("GET", "http://h/x", {}, ""), "curl -sS http://h/x");
  EXPECT_EQ(curl_command("PUT", "http://h/x", {}, "1"), "curl -sS -X PUT http://h/x --data-raw 1");
}

TEST(CurlTest, QuotesSingleQuotesAndControlBytes) {
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(std::string("a\r\nb\x01", 5)), "$'a\\x0d\\x0ab\\x01'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("@file"), "@file");  // --data-raw never reads files
}

}  // namespace
}  // namespace bis::runner
