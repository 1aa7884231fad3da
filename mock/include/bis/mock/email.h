#pragma once
// The email rule of the subscribe endpoint ("must be correctly formatted & valid"). The
// accepted grammar is written down in docs/mock.md; it is checked by a single left-to-right
// scan (no regular expression, no backtracking), so any input costs linear time.
#include <optional>
#include <string>
#include <string_view>

namespace bis::mock {

struct EmailRule {
  // The document's own bad example is test@klaviyo: a domain needs at least two labels.
  // Only the `accept-email-without-dot` defect turns this off.
  bool require_dot_in_domain = true;
  // Left open by the document; the variations email-unicode-domain and email-quoted-local
  // turn them on (docs/variations.md).
  bool allow_unicode_domain = false;  // UTF-8 domain labels (user@bücher.de)
  bool allow_quoted_local = false;    // "john doe"@example.com
};

// Why `email` is not an acceptable address ("domain has no dot", ...), or nullopt when it is.
std::optional<std::string> email_problem(std::string_view email, EmailRule rule = {});

inline bool is_valid_email(std::string_view email, EmailRule rule = {}) {
  return !email_problem(email, rule).has_value();
}

}  // namespace bis::mock
