#pragma once
// Defence in depth for secrets. The runner redacts the tree it builds; reporters redact again
// before anything is written, so a key that slipped through (a header echoed in a body, a token
// in a URL, a curl line built before redaction) still never reaches a report.
// What is redacted (the value becomes "[REDACTED]"):
// - every literal secret given (the target profile's keys and tokens);
// - values of secret headers: Authorization, Proxy-Authorization, Cookie, Set-Cookie, and any
//   name ending in token, secret, password, api-key, api_key, apikey or private_key
//   (X-Admin-Token, api-key, ...), in header lists and in text ("Name: value");
// - the same names as form/query fields ("api_key=...") and JSON members ("private_key": "...");
// - values that look like a Klaviyo private key ("pk_" and 16 or more letters and digits);
// - user:password in URLs ("https://user:pw@host").
// Thread-safe (immutable after construction).
#include <string>
#include <string_view>
#include <vector>

#include "bis/runner/result.h"

namespace bis::reports {

inline constexpr std::string_view kRedacted = "[REDACTED]";

class Redactor {
 public:
  // Secrets shorter than 4 bytes are ignored: redacting them would shred ordinary text.
  explicit Redactor(std::vector<std::string> secrets = {});

  static bool is_secret_name(std::string_view name);

  // `s` with every secret it holds replaced by "[REDACTED]".
  std::string text(std::string_view s) const;
  void in_place(std::string& s) const;

  // A copy of the tree with every string redacted and secret header values replaced.
  runner::RunResult tree(const runner::RunResult& result) const;
  runner::ScenarioResult scenario(const runner::ScenarioResult& scenario) const;

 private:
  std::vector<std::string> secrets_;
};

}  // namespace bis::reports
