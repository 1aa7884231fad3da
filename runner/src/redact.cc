#include "bis/runner/redact.h"

#include <re2/re2.h>

#include <algorithm>

#include "bis/common/text.h"

namespace bis::runner {

void Redactor::add_secret(std::string_view value) {
  if (value.size() < 4) return;
  if (std::find(secrets_.begin(), secrets_.end(), value) != secrets_.end()) return;
  secrets_.emplace_back(value);
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

bool Redactor::is_secret_header(std::string_view name) {
  static constexpr std::string_view kNames[] = {"authorization", "proxy-authorization", "api-key",
                                                "x-api-key",     "x-admin-token",       "cookie",
                                                "set-cookie"};
  for (std::string_view n : kNames) {
    if (iequals(name, n)) return true;
  }
  return false;
}

std::string Redactor::text(std::string_view s) const {
  std::string out(s);
  for (const std::string& secret : secrets_) {
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), kRedacted);
      pos += kRedacted.size();
    }
  }
  return out;
}

std::vector<Header> Redactor::headers(const std::vector<Header>& headers) const {
  std::vector<Header> out;
  out.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    if (!is_secret_header(name)) {
      out.emplace_back(name, text(value));
      continue;
    }
    // Keep the scheme ("Bearer", "Klaviyo-API-Key") when there is one: it helps debugging.
    const size_t space = value.find(' ');
    out.emplace_back(name, space == std::string::npos || space == 0
                               ? std::string(kRedacted)
                               : value.substr(0, space + 1) + std::string(kRedacted));
  }
  return out;
}

std::string Redactor::body(std::string_view body) const {
  std::string out(body);
  if (out.find("api_key") != std::string::npos) {
    static const RE2 kJson(R"re(("api_key"\s*:\s*)"(?:[^"\\]|\\.)*")re");
    static const RE2 kForm(R"re((^|&)(api_key=)[^&]*)re");
    static const RE2 kMultipart(R"re((name="?api_key"?[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)[^\r]*)re");
    RE2::GlobalReplace(&out, kJson, "\\1\"***\"");
    RE2::GlobalReplace(&out, kForm, "\\1\\2***");
    RE2::GlobalReplace(&out, kMultipart, "\\1***");
  }
  return text(out);
}

std::string Redactor::url(std::string_view url) const {
  std::string out(url);
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t host_start = scheme + 3;
    const size_t host_end = out.find_first_of("/?#", host_start);
    const size_t at = out.rfind('@', host_end == std::string::npos ? out.size() : host_end);
    if (at != std::string::npos && at > host_start)
      out.replace(host_start, at - host_start, kRedacted);
  }
  static const RE2 kQuery(R"re(([?&]api_key=)[^&#]*)re");
  RE2::GlobalReplace(&out, kQuery, "\\1***");
  return text(out);
}

}  // namespace bis::runner
