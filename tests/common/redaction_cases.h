#pragma once
// The inputs every redacting place must hide the same way: common's rules (redact_test.cc),
// the mock's request journal (tests/mock/journal_test.cc), the runner's recorded exchanges
// (tests/runner/component_test.cc) and the reports (tests/reports/redact_test.cc). Each test
// puts `input` where its module meets it (a body, a query, a header) and expects `redacted`.
#include <string>
#include <vector>

namespace bis::testing {

// A value configured as a secret (a fixture's private key, a profile's secret variable).
inline constexpr char kConfiguredSecret[] = "s3cr3t-value-1";

struct RedactionCase {
  enum Where { kBody, kQuery, kHeader };
  const char* what;
  Where where;
  std::string header;  // kHeader: the header's name
  std::string input;
  std::string redacted;
};

inline const std::vector<RedactionCase>& redaction_cases() {
  static const std::vector<RedactionCase> kCases = {
      {"json field", RedactionCase::kBody, "",
       R"({"api_key": "pk_abc", "email": "a@x.io"})",
       R"({"api_key": "[REDACTED]", "email": "a@x.io"})"},
      {"form field", RedactionCase::kBody, "", "a=PkShop&api_key=pk_abc&email=a%40x.io",
       "a=PkShop&api_key=[REDACTED]&email=a%40x.io"},
      {"multipart field", RedactionCase::kBody, "",
       "--b\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\npk_abc\r\n"
       "--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@x.io\r\n--b--\r\n",
       "--b\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\n[REDACTED]\r\n"
       "--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@x.io\r\n--b--\r\n"},
      {"query parameter", RedactionCase::kQuery, "", "a=PkShop&api_key=pk_abc&x=1",
       "a=PkShop&api_key=[REDACTED]&x=1"},
      {"Authorization header", RedactionCase::kHeader, "Authorization",
       "Klaviyo-API-Key pk_abc", "Klaviyo-API-Key [REDACTED]"},
      {"api-key header", RedactionCase::kHeader, "api-key", "pk_abc", "[REDACTED]"},
      {"URL user info", RedactionCase::kBody, "", R"({"hook": "https://ops:pw@example.com/x"})",
       R"({"hook": "https://[REDACTED]@example.com/x"})"},
      {"configured secret", RedactionCase::kBody, "",
       std::string("note ") + kConfiguredSecret + " end", "note [REDACTED] end"},
  };
  return kCases;
}

}  // namespace bis::testing
