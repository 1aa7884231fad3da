#include "bis/mock/email.h"

#include <gtest/gtest.h>

#include <string>

namespace bis::mock {
namespace {

TEST(EmailTest, TheDocumentsBadExampleIsInvalid) {
  EXPECT_EQ(email_problem("test@klaviyo"), "domain has no dot");
}

TEST(EmailTest, CommonRealWorldAddressesAreValid) {
  for (const char* email :
       {"alice@example.com", "Alice.Smith@Example.COM", "alice+tag@example.com",
        "bob@mail.eu.example.co.uk", "x@example.photography", "o'brien@example.ie",
        "user@xn--bcher-kva.example", "user@example.xn--p1ai", "a_b-c.d@ex-ample.io",
        "1234567890@example.com", "#!$%&'*+-/=?^_`{|}~@example.org"}) {
    EXPECT_TRUE(is_valid_email(email)) << email << ": " << email_problem(email).value_or("");
  }
}

TEST(EmailTest, MalformedAddressesAreInvalidWithAReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty"},
      {"alice.example.com", "no '@'"},
      {"alice@@example.com", "more than one '@'"},
      {"a@b@example.com", "more than one '@'"},
      {"@example.com", "nothing before '@'"},
      {"alice@", "nothing after '@'"},
      {".alice@example.com", "part before '@' starts or ends with a dot"},
      {"alice.@example.com", "part before '@' starts or ends with a dot"},
      {"al..ice@example.com", "two dots in a row before '@'"},
      {"al ice@example.com", "character ' ' not allowed before '@'"},
      {" alice@example.com", "character ' ' not allowed before '@'"},
      {"\"al ice\"@example.com", "character '\"' not allowed before '@'"},
      {"alice@example..com", "empty label in the domain (leading, trailing or double dot)"},
      {"alice@.example.com", "empty label in the domain (leading, trailing or double dot)"},
      {"alice@example.com.", "empty label in the domain (leading, trailing or double dot)"},
      {"alice@-example.com", "a domain label starts or ends with '-'"},
      {"alice@example-.com", "a domain label starts or ends with '-'"},
      {"alice@exa_mple.com", "character '_' not allowed in the domain"},
      {"alice@example.c", "top-level domain 'c' is not valid"},
      {"alice@example.c0m", "top-level domain 'c0m' is not valid"},
      {"alice@1.2.3.4", "top-level domain '4' is not valid"},
      {"alice@[127.0.0.1]", "character '[' not allowed in the domain"},
      {"al\xC3\xAD"
       "ce@example.com",
       "non-ASCII character before '@'"},
      {"alice@b\xC3\xBC"
       "cher.de",
       "non-ASCII domain (send IDNs in punycode)"},
  };
  for (const auto& [email, reason] : cases)
    EXPECT_EQ(email_problem(email).value_or("valid"), reason) << email;
}

TEST(EmailTest, LengthLimitsAreEnforced) {
  const std::string local64(64, 'a');
  EXPECT_TRUE(is_valid_email(local64 + "@example.com"));
  EXPECT_EQ(email_problem(local64 + "a@example.com"),
            "part before '@' is longer than 64 characters");
  const std::string label63(63, 'b');
  EXPECT_TRUE(is_valid_email("a@" + label63 + ".com"));
  EXPECT_EQ(email_problem("a@" + label63 + "b.com"), "a domain label is longer than 63 characters");
  std::string domain;
  while (domain.size() < 250) domain += label63.substr(0, 20) + ".";
  EXPECT_EQ(email_problem("a@" + domain + "com"), "longer than 254 characters");
}

TEST(EmailTest, ADomainWithoutDotPassesOnlyUnderTheDefectRule) {
  EmailRule lax;
  lax.require_dot_in_domain = false;
  EXPECT_TRUE(is_valid_email("test@klaviyo", lax));
  EXPECT_FALSE(is_valid_email("test@", lax));
  EXPECT_FALSE(is_valid_email("test@-klaviyo", lax));
}

TEST(EmailTest, InputsThatBreakBacktrackingRegexesAreAnsweredAtOnce) {
  // Classic catastrophic-backtracking shapes, within the length limits. A backtracking
  // implementation would not finish within the test's timeout; the scanner is linear.
  std::string dotted_local;
  while (dotted_local.size() < 60) dotted_local += "a.";
  std::string hyphen_domain;
  while (hyphen_domain.size() < 180) hyphen_domain += "a-a.";
  for (int i = 0; i < 100000; ++i) {
    ASSERT_FALSE(is_valid_email(dotted_local + "@example.com"));
    ASSERT_FALSE(is_valid_email("a@" + hyphen_domain + "-"));
  }
}

}  // namespace
}  // namespace bis::mock
