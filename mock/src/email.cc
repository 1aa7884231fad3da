#include "bis/mock/email.h"

#include <algorithm>

#include "bis/common/text.h"

namespace bis::mock {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

// RFC 5322 atext.
bool is_atext(char c) {
  if (is_alnum(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
      return true;
    default:
      return false;
  }
}

// RFC 5322 quoted-string without folding: printable ASCII, '"' and '\\' only escaped.
bool is_quoted_local(std::string_view local) {
  if (local.size() < 3 || local.front() != '"' || local.back() != '"') return false;
  for (size_t i = 1; i + 1 < local.size(); ++i) {
    const char c = local[i];
    if (c < 0x20 || c > 0x7E) return false;
    if (c == '\\') {
      if (++i + 1 >= local.size()) return false;
      continue;
    }
    if (c == '"') return false;
  }
  return true;
}

std::optional<std::string> local_problem(std::string_view local, const EmailRule& rule) {
  if (local.empty()) return "nothing before '@'";
  if (local.size() > rule.max_local)
    return "part before '@' is longer than " + std::to_string(rule.max_local) + " characters";
  if (rule.allow_quoted_local && is_quoted_local(local)) return std::nullopt;
  if (rule.check_local_dots && (local.front() == '.' || local.back() == '.'))
    return "part before '@' starts or ends with a dot";
  char prev = 0;
  for (char c : local) {
    if (rule.check_local_dots && c == '.' && prev == '.') return "two dots in a row before '@'";
    if (c != '.' && !is_atext(c)) {
      if (static_cast<unsigned char>(c) >= 0x80) return "non-ASCII character before '@'";
      return std::string("character '") + (c >= 0x20 && c < 0x7F ? std::string(1, c) : "?") +
             "' not allowed before '@'";
    }
    prev = c;
  }
  return std::nullopt;
}

// The top-level label: letters only (2 or more), or an IDN in punycode (xn--...).
bool is_valid_tld(std::string_view tld) {
  if (tld.size() > 4 && (tld[0] == 'x' || tld[0] == 'X') && (tld[1] == 'n' || tld[1] == 'N') &&
      tld[2] == '-' && tld[3] == '-') {
    return true;  // the label check already allowed only letters, digits and inner hyphens
  }
  if (tld.size() < 2) return false;
  for (char c : tld) {
    if (!is_alpha(c)) return false;
  }
  return true;
}

std::optional<std::string> domain_problem(std::string_view domain, const EmailRule& rule) {
  if (domain.empty()) return "nothing after '@'";
  size_t labels = 0;
  size_t start = 0;
  std::string_view last;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    const std::string_view label = domain.substr(start, dot - start);
    if (label.empty()) return "empty label in the domain (leading, trailing or double dot)";
    if (label.size() > rule.max_label)
      return "a domain label is longer than " + std::to_string(rule.max_label) + " characters";
    if (label.front() == '-' || label.back() == '-')
      return "a domain label starts or ends with '-'";
    for (char c : label) {
      if (is_alnum(c) || c == '-') continue;
      if (static_cast<unsigned char>(c) >= 0x80) {
        if (rule.allow_unicode_domain) continue;
        return "non-ASCII domain (send IDNs in punycode)";
      }
      return std::string("character '") + (c >= 0x20 && c < 0x7F ? std::string(1, c) : "?") +
             "' not allowed in the domain";
    }
    ++labels;
    last = label;
    start = dot + 1;
  }
  if (labels < 2) {
    if (rule.require_dot_in_domain && !(rule.dotless_localhost && iequals(domain, "localhost")))
      return "domain has no dot";
    return std::nullopt;
  }
  const bool unicode_tld = rule.allow_unicode_domain &&
                           std::any_of(last.begin(), last.end(),
                                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  if (!unicode_tld && !is_valid_tld(last)) return "top-level domain '" + std::string(last) + "' is not valid";
  return std::nullopt;
}

}  // namespace

std::string_view email_as_read(std::string_view email, const EmailRule& rule) {
  if (!rule.trim_surrounding) return email;
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!email.empty() && blank(email.front())) email.remove_prefix(1);
  while (!email.empty() && blank(email.back())) email.remove_suffix(1);
  return email;
}

std::optional<std::string> email_problem(std::string_view email, EmailRule rule) {
  email = email_as_read(email, rule);
  if (email.empty()) return "empty";
  if (email.size() > rule.max_address)
    return "longer than " + std::to_string(rule.max_address) + " characters";
  const size_t at = email.rfind('@');
  if (at == std::string_view::npos) return "no '@'";
  if (email.find('@') != at) return "more than one '@'";
  if (rule.allow_unicode_domain && !is_valid_utf8(email)) return "not valid UTF-8";
  if (auto p = local_problem(email.substr(0, at), rule)) return p;
  if (rule.dot_anywhere && email.substr(0, at).find('.') != std::string_view::npos) {
    rule.require_dot_in_domain = false;  // the local part's dot was taken for the domain's
  }
  return domain_problem(email.substr(at + 1), rule);
}

bool is_e164(std::string_view s) {
  if (s.size() < 8 || s.size() > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9') return false;
  for (size_t i = 2; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace bis::mock
