#pragma once
// The email rule of the subscribe endpoint ("must be correctly formatted & valid"). The
// accepted grammar is written down in docs/mock.md; it is checked by a single left-to-right
// scan (no regular expression, no backtracking), so any input costs linear time.
#include <optional>
#include <string>
#include <string_view>

namespace bis::mock {

// The rule's parameters. The defaults are the documented rule; the request-rule defects
// adjust them once, at start-up (request_rules()), so the scan reads numbers, not defects.
struct EmailRule {
  // The document's own bad example is test@klaviyo: a domain needs at least two labels.
  bool require_dot_in_domain = true;
  bool dotless_localhost = false;  // ... except the dotless domain "localhost"
  bool dot_anywhere = false;       // ... met by a dot anywhere in the address (first.last@x)
  // Left open by the document; the variations email-unicode-domain and email-quoted-local
  // turn them on (docs/variations.md).
  bool allow_unicode_domain = false;  // UTF-8 domain labels (user@bücher.de)
  bool allow_quoted_local = false;    // "john doe"@example.com
  size_t max_address = 254;  // RFC 5321 forward-path limit minus the brackets
  size_t max_local = 64;
  size_t max_label = 63;
  bool check_local_dots = true;     // no dot first, last or doubled before '@'
  bool trim_surrounding = false;    // spaces and tabs around the address ignored
};

// The address the rule reads: `email` itself, or with surrounding blanks dropped when the
// rule trims.
std::string_view email_as_read(std::string_view email, const EmailRule& rule);

// Why `email` is not an acceptable address ("domain has no dot", ...), or nullopt when it is.
std::optional<std::string> email_problem(std::string_view email, EmailRule rule = {});

inline bool is_valid_email(std::string_view email, EmailRule rule = {}) {
  return !email_problem(email, rule).has_value();
}

// A phone number in E.164: '+', a non-zero digit, 7 to 15 digits in all (the List API and the
// modern endpoints' phone_number).
bool is_e164(std::string_view s);

}  // namespace bis::mock
