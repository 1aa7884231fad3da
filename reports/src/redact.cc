#include "redact.h"

#include <algorithm>

#include "bis/common/text.h"

namespace bis::reports {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_name_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// End of the value starting at `v`: a JSON string's closing quote, or the first delimiter.
size_t value_end(std::string_view s, size_t v, char sep, bool quoted_name) {
  if (v < s.size() && s[v] == '"') {
    size_t k = v + 1;
    while (k < s.size() && s[k] != '"') k += (s[k] == '\\') ? 2 : 1;
    return std::min(k, s.size());
  }
  std::string_view stops;
  if (sep == '=') {
    stops = "&;# \t\r\n'\"<>)";
  } else if (quoted_name) {
    stops = ",}] \t\r\n";
  } else {
    stops = "\r\n'\"<";
  }
  size_t k = v;
  while (k < s.size() && stops.find(s[k]) == std::string_view::npos) ++k;
  return k;
}

// Replaces name/value secrets and URL user info in one pass over `s`; false (and `out`
// untouched) when there is nothing to replace.
bool redact_fields(std::string_view s, std::string& result) {
  std::string out;
  size_t copied = 0;
  const auto replace = [&](size_t from, size_t to) {
    if (to <= from || s.substr(from, to - from) == kRedacted) return;
    out.append(s.substr(copied, from - copied));
    out += kRedacted;
    copied = to;
  };
  for (size_t j = 0; j < s.size(); ++j) {
    const char sep = s[j];
    if (sep != ':' && sep != '=') continue;
    if (sep == ':' && s.substr(j, 3) == "://") {
      size_t k = j + 3;
      while (k < s.size() &&
             std::string_view("/?#@ \t\r\n'\"<>").find(s[k]) == std::string_view::npos)
        ++k;
      if (k < s.size() && s[k] == '@' && k > j + 3) replace(j + 3, k);
      j = k;
      continue;
    }
    if (j < copied) continue;
    size_t e = j;
    if (sep == ':') {
      while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
    }
    bool quoted = false;
    if (e > 0 && (s[e - 1] == '"' || s[e - 1] == '\'')) {
      --e;
      quoted = true;
    }
    size_t b = e;
    while (b > 0 && is_name_char(s[b - 1])) --b;
    if (b == e || !Redactor::is_secret_name(s.substr(b, e - b))) continue;
    size_t v = j + 1;
    while (v < s.size() && (s[v] == ' ' || s[v] == '\t')) ++v;
    if (v < s.size() && (s[v] == '{' || s[v] == '[')) continue;
    const bool json_string = v < s.size() && s[v] == '"';
    const size_t end = value_end(s, v, sep, quoted);
    replace(json_string ? v + 1 : v, end);
  }
  if (copied == 0) return false;
  out.append(s.substr(copied));
  result = std::move(out);
  return true;
}

// Klaviyo private keys: "pk_" followed by a long run of letters and digits.
void redact_private_keys(std::string& s) {
  for (size_t p = s.find("pk_"); p != std::string::npos; p = s.find("pk_", p + 1)) {
    if (p > 0 && is_alnum(s[p - 1])) continue;
    size_t k = p + 3;
    while (k < s.size() && is_alnum(s[k])) ++k;
    if (k - (p + 3) >= 16) s.replace(p, k - p, kRedacted);
  }
}

}  // namespace

Redactor::Redactor(std::vector<std::string> secrets) {
  for (auto& s : secrets) {
    if (s.size() >= 4) secrets_.push_back(std::move(s));
  }
  // Longest first, so a secret containing another is replaced whole.
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

bool Redactor::is_secret_name(std::string_view name) {
  const std::string n = ascii_lower(name);
  if (n == "authorization" || n == "proxy-authorization" || n == "cookie" || n == "set-cookie") {
    return true;
  }
  for (std::string_view suffix : {"token", "secret", "password", "api-key", "api_key", "apikey",
                                  "private_key", "private-key", "privatekey"}) {
    if (ends_with(n, suffix)) return true;
  }
  return false;
}

std::string Redactor::text(std::string_view s) const {
  std::string out(s);
  in_place(out);
  return out;
}

// Allocates only when something is replaced: most strings of a tree hold no secret.
void Redactor::in_place(std::string& s) const {
  for (const auto& secret : secrets_) {
    for (size_t p = s.find(secret); p != std::string::npos; p = s.find(secret, p)) {
      s.replace(p, secret.size(), kRedacted);
      p += kRedacted.size();
    }
  }
  std::string replaced;
  if (redact_fields(s, replaced)) s = std::move(replaced);
  redact_private_keys(s);
}

runner::ScenarioResult Redactor::scenario(const runner::ScenarioResult& scenario) const {
  runner::ScenarioResult s = scenario;
  for (auto* f : {&s.name, &s.description, &s.reason, &s.pos.file}) in_place(*f);
  for (auto& step : s.steps) {
    for (auto* f : {&step.name, &step.error, &step.pos.file}) in_place(*f);
    for (auto& x : step.exchanges) {
      for (auto* f : {&x.url, &x.request_body, &x.curl, &x.response_body, &x.error}) in_place(*f);
      for (auto* headers : {&x.request_headers, &x.response_headers}) {
        for (auto& [name, value] : *headers) {
          if (is_secret_name(name) && !value.empty()) {
            value = std::string(kRedacted);
          } else {
            in_place(value);
          }
        }
      }
    }
    for (auto& a : step.assertions) {
      for (auto* f : {&a.subject, &a.path, &a.expected, &a.actual, &a.message}) in_place(*f);
    }
  }
  return s;
}

runner::RunResult Redactor::tree(const runner::RunResult& result) const {
  runner::RunResult r;
  r.tool_version = result.tool_version;
  r.run_id = text(result.run_id);
  r.target = result.target;
  for (auto* f : {&r.target.name, &r.target.base_url, &r.target.implementation}) in_place(*f);
  r.strict = result.strict;
  r.require_all = result.require_all;
  r.started_at = result.started_at;
  r.duration = result.duration;
  r.requirements = result.requirements;
  for (auto& req : r.requirements) in_place(req.reason);  // may quote what the target said
  r.suites.reserve(result.suites.size());
  for (const auto& suite : result.suites) {
    runner::SuiteResult s;
    s.id = suite.id;
    s.name = suite.name;
    s.description = suite.description;
    s.file = suite.file;
    s.duration = suite.duration;
    s.scenarios.reserve(suite.scenarios.size());
    for (const auto& scenario : suite.scenarios) s.scenarios.push_back(this->scenario(scenario));
    r.suites.push_back(std::move(s));
  }
  return r;
}

}  // namespace bis::reports
