#include "bis/common/redact.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "bis/common/text.h"

namespace bis {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_name_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }
// A name may be written escaped ("api%5Fkey", "api\u005fkey"): the escapes' characters too.
bool is_escaped_name_char(char c) { return is_name_char(c) || c == '%' || c == '\\'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte written at s[p], read as a reader of the text would: a percent escape ("%5F"), a
// JSON escape of an ASCII character ("\u005f", "\/"), or the byte itself. Sets `len` to the
// bytes it takes in `s`.
char decoded_at(std::string_view s, size_t p, size_t& len) {
  len = 1;
  if (s[p] == '%' && p + 2 < s.size()) {
    const int hi = hex_value(s[p + 1]), lo = hex_value(s[p + 2]);
    if (hi >= 0 && lo >= 0) {
      len = 3;
      return static_cast<char>(hi * 16 + lo);
    }
  }
  if (s[p] == '\\' && p + 1 < s.size()) {
    if (s[p + 1] == 'u' && p + 5 < s.size() && s[p + 2] == '0' && s[p + 3] == '0') {
      const int hi = hex_value(s[p + 4]), lo = hex_value(s[p + 5]);
      if (hi >= 0 && hi < 8 && lo >= 0) {
        len = 6;
        return static_cast<char>(hi * 16 + lo);
      }
    }
    if (s[p + 1] == '/' || s[p + 1] == '\\' || s[p + 1] == '"') {
      len = 2;
      return s[p + 1];
    }
  }
  return s[p];
}

std::string decoded(std::string_view s) {
  std::string out;
  for (size_t p = 0, len = 1; p < s.size(); p += len) out += decoded_at(s, p, len);
  return out;
}

// Where `secret` is written at s[p], each byte literal or escaped (decoded_at): the end of
// that span, or npos.
size_t match_end(std::string_view s, size_t p, std::string_view secret) {
  for (char want : secret) {
    if (p >= s.size()) return std::string_view::npos;
    size_t len = 1;
    if (decoded_at(s, p, len) != want) return std::string_view::npos;
    p += len;
  }
  return p;
}
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Length of the auth scheme that starts `value` ("Bearer ", "Klaviyo-API-Key "), spaces
// included, or 0 when it does not start with a scheme word followed by something else.
size_t scheme_length(std::string_view value) {
  if (value.empty() || !is_alnum(value[0])) return 0;
  size_t k = 1;
  while (k < value.size() && (is_alnum(value[k]) || value[k] == '-')) ++k;
  if (k == value.size() || value[k] != ' ') return 0;
  while (k < value.size() && value[k] == ' ') ++k;
  return k < value.size() ? k : 0;
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
    while (b > 0 && is_escaped_name_char(s[b - 1])) --b;
    if (b == e || !Redactor::is_secret_name(decoded(s.substr(b, e - b)))) continue;
    size_t v = j + 1;
    while (v < s.size() && (s[v] == ' ' || s[v] == '\t')) ++v;
    if (v < s.size() && (s[v] == '{' || s[v] == '[')) continue;
    const bool json_string = v < s.size() && s[v] == '"';
    const size_t end = value_end(s, v, sep, quoted);
    if (json_string) {
      replace(v + 1, end);
    } else if (sep == ':' && !quoted) {  // a "Name: value" header line
      replace(v + scheme_length(s.substr(v, end - v)), end);
    } else {
      replace(v, end);
    }
  }
  if (copied == 0) return false;
  out.append(s.substr(copied));
  result = std::move(out);
  return true;
}

// Multipart parts named like a secret: the value after the part's header block.
void redact_multipart(std::string& s) {
  for (size_t p = s.find("name="); p != std::string::npos; p = s.find("name=", p + 1)) {
    if (p == 0 || (s[p - 1] != ';' && s[p - 1] != ' ' && s[p - 1] != '\t')) continue;
    size_t b = p + 5, e;
    if (b < s.size() && s[b] == '"') {
      e = s.find('"', ++b);
      if (e == std::string::npos) return;
    } else {
      for (e = b; e < s.size() && is_name_char(s[e]);) ++e;
    }
    if (!Redactor::is_secret_name(std::string_view(s).substr(b, e - b))) continue;
    const size_t blank = s.find("\r\n\r\n", e);
    if (blank == std::string::npos) return;
    const size_t v = blank + 4;
    const size_t end = std::min(s.find("\r\n", v), s.size());
    if (end > v && std::string_view(s).substr(v, end - v) != kRedacted) {
      s.replace(v, end - v, kRedacted);
    }
  }
}

// Klaviyo private keys: "pk_" followed by a long run of letters and digits, any of them
// possibly escaped ("pk\u005f...", "pk%5F...": the API reads them so).
void redact_private_keys(std::string& s) {
  const bool escaped = s.find_first_of("%\\") != std::string::npos;
  for (size_t p = 0; p < s.size(); ++p) {
    if (s[p] != 'p' && !(escaped && (s[p] == '%' || s[p] == '\\'))) continue;
    if (p > 0 && is_alnum(s[p - 1])) continue;
    size_t k = match_end(s, p, "pk_");
    if (k == std::string::npos) continue;
    size_t run = 0;
    for (size_t len = 1; k < s.size() && is_alnum(decoded_at(s, k, len)); k += len) ++run;
    if (run >= 16) s.replace(p, k - p, kRedacted);
  }
}

// Every configured secret, written literally or with escapes.
void redact_secret(std::string& s, std::string_view secret) {
  if (s.find_first_of("%\\") == std::string::npos) {
    for (size_t p = s.find(secret); p != std::string::npos; p = s.find(secret, p)) {
      s.replace(p, secret.size(), kRedacted);
      p += kRedacted.size();
    }
    return;
  }
  for (size_t p = 0; p < s.size(); ++p) {
    if (s[p] != secret[0] && s[p] != '%' && s[p] != '\\') continue;
    const size_t end = match_end(s, p, secret);
    if (end == std::string::npos) continue;
    s.replace(p, end - p, kRedacted);
    p += kRedacted.size() - 1;
  }
}

// Hides, in a parsed JSON document, what the text rules may miss in its written form (a member
// name or value written with escapes): secret-named members' values and strings holding a
// secret. True when something changed.
bool redact_json(nlohmann::json& j, const Redactor& r) {
  bool changed = false;
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto& [name, value] : j.items()) {
      const std::string shown = r.text(name);
      changed |= shown != name;
      if (Redactor::is_secret_name(name) && !value.is_structured()) {
        changed |= value != kRedacted;
        out[shown] = kRedacted;
      } else {
        changed |= redact_json(value, r);
        out[shown] = std::move(value);
      }
    }
    j = std::move(out);
  } else if (j.is_array()) {
    for (auto& value : j) changed |= redact_json(value, r);
  } else if (j.is_string()) {
    const std::string shown = r.text(j.get_ref<const std::string&>());
    if (shown != j.get_ref<const std::string&>()) {
      j = shown;
      changed = true;
    }
  }
  return changed;
}

}  // namespace

Redactor::Redactor(std::vector<std::string> secrets) {
  for (auto& s : secrets) add_secret(s);
}

void Redactor::add_secret(std::string_view value) {
  if (value.size() < 4) return;
  if (std::find(secrets_.begin(), secrets_.end(), value) != secrets_.end()) return;
  secrets_.emplace_back(value);
  std::stable_sort(secrets_.begin(), secrets_.end(),
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
  for (const auto& secret : secrets_) redact_secret(s, secret);
  std::string replaced;
  if (redact_fields(s, replaced)) s = std::move(replaced);
  if (s.find("name=") != std::string::npos) redact_multipart(s);
  redact_private_keys(s);
}

void Redactor::body_in_place(std::string& s) const {
  const std::string original = s;
  in_place(s);
  // The text rules keep the body as written; when they left something a JSON reader would
  // take for a secret, the body is shown re-serialized with it hidden instead.
  nlohmann::json j = nlohmann::json::parse(s, nullptr, false);
  if (j.is_discarded()) {
    j = nlohmann::json::parse(original, nullptr, false);
    if (j.is_discarded()) return;
    redact_json(j, *this);
  } else if (!redact_json(j, *this)) {
    return;
  }
  s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Redactor::header(std::string_view name, std::string_view value) const {
  if (!is_secret_name(name) || value.empty()) return text(value);
  return std::string(value.substr(0, scheme_length(value))) + std::string(kRedacted);
}

Redactor::Headers Redactor::headers(const Headers& headers) const {
  Headers out = headers;
  headers_in_place(out);
  return out;
}

void Redactor::headers_in_place(Headers& headers) const {
  for (auto& [name, value] : headers) value = header(name, value);
}

}  // namespace bis
