#include "bis/runner/curl.h"

namespace bis::runner {
namespace {

bool printable(std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return false;
  }
  return true;
}

bool plain(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '@' ||
                    c == '%' || c == '+' || c == ',' || c == '=';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string shell_quote(std::string_view word) {
  if (plain(word)) return std::string(word);
  if (printable(word)) {
    std::string out = "'";
    for (const char c : word) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out.push_back(c);
      }
    }
    return out + "'";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "$'";
  for (const char ch : word) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\'' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
  return out + "'";
}

std::string curl_command(std::string_view method, std::string_view url,
                         const std::vector<Header>& headers, std::string_view body) {
  std::string out = "curl -sS";
  const bool default_method =
      (method == "GET" && body.empty()) || (method == "POST" && !body.empty());
  if (!default_method) out += " -X " + shell_quote(method);
  out += " " + shell_quote(url);
  for (const auto& [name, value] : headers) out += " -H " + shell_quote(name + ": " + value);
  if (!body.empty()) out += " --data-raw " + shell_quote(body);
  return out;
}

}  // namespace bis::runner
