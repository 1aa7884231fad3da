#pragma once
// The one redactor: what counts as a secret and how it is hidden, for the mock's request
// journal, the runner's result tree and every report (which redact the tree again, as defence
// in depth). One set of rules, one marker, so the same input reads the same everywhere.
//
// What is redacted (the value becomes "[REDACTED]"):
// - every literal secret given (fixture private keys, admin tokens, a target profile's secret
//   values), also written with percent or JSON escapes ("pk\u005f...", "pk%5F..."); those
//   shorter than 4 bytes are ignored: replacing them would shred ordinary text;
// - the value of a secret name (is_secret_name: Authorization, Cookie, X-Admin-Token, api-key,
//   api_key, private_key, ...) wherever it appears: a header of a list, a "Name: value" line of
//   a text (a curl command, a raw header block), a form or query field ("api_key=..."), a JSON
//   member ("api_key": "..."), a multipart part (name="api_key"), the name also when written
//   with percent or JSON escapes ("api%5Fkey=", "api\u005fkey"). A header value that starts
//   with an auth scheme keeps it ("Klaviyo-API-Key [REDACTED]"): which scheme was sent matters
//   when debugging, the credential does not;
// - values that look like a Klaviyo private key ("pk_" and 16 or more letters and digits,
//   escaped or not);
// - user:password in URLs ("https://[REDACTED]@host").
// Redacting twice changes nothing. Rules by meaning (an email address, a phone number) belong
// here too, so that every output gets them at once.
// Thread-safe once built (const members only read).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bis {

inline constexpr std::string_view kRedacted = "[REDACTED]";

class Redactor {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  explicit Redactor(std::vector<std::string> secrets = {});
  void add_secret(std::string_view value);

  // True for a header, field or member name whose value is a credential (case-insensitive).
  static bool is_secret_name(std::string_view name);

  // `s` with every secret it holds replaced.
  std::string text(std::string_view s) const;
  void in_place(std::string& s) const;
  // A request or answer body: in_place(), then, whatever its Content-Type, if it reads as JSON
  // (as the List API reads it), every member named like a secret and every string holding one
  // is hidden too; the body is then shown re-serialized when the written form hid something.
  void body_in_place(std::string& s) const;
  // The value of header (or form field) `name`: hidden whole (but its scheme) if the name is
  // secret, else text().
  std::string header(std::string_view name, std::string_view value) const;
  Headers headers(const Headers& headers) const;
  void headers_in_place(Headers& headers) const;

 private:
  std::vector<std::string> secrets_;  // longest first, so a secret containing another goes whole
};

}  // namespace bis
