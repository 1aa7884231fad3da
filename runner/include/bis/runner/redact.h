#pragma once
// Hides secrets from everything the result tree holds, so no report can leak them: account
// private keys, admin tokens, values a target profile takes from secret environment
// variables, the values of credential headers (api-key, Authorization, X-Admin-Token, ...) and
// `api_key` fields of JSON and form bodies. Secrets become "***".
//
// Built before a run (add_secret), then only read: const members are thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "bis/runner/result.h"

namespace bis::runner {

inline constexpr std::string_view kRedacted = "***";

class Redactor {
 public:
  // Values shorter than 4 characters are not treated as secrets (replacing them everywhere
  // would garble reports while hiding nothing guessable).
  void add_secret(std::string_view value);
  const std::vector<std::string>& secrets() const { return secrets_; }

  // Headers whose value is a credential, whatever it is (case-insensitive).
  static bool is_secret_header(std::string_view name);

  // Every known secret replaced.
  std::string text(std::string_view s) const;
  // Credential header values hidden (an auth scheme word such as "Bearer" stays), then text().
  std::vector<Header> headers(const std::vector<Header>& headers) const;
  // `api_key` fields of JSON, urlencoded and multipart bodies hidden, then text().
  std::string body(std::string_view body) const;
  // user:password@ and an api_key query parameter hidden, then text().
  std::string url(std::string_view url) const;

 private:
  std::vector<std::string> secrets_;  // longest first, so a secret containing another goes whole
};

}  // namespace bis::runner
