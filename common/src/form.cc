#include "bis/common/form.h"

#include "bis/common/text.h"

namespace bis::form {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Expected<std::string, std::string> decode_at(std::string_view s, size_t base, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Unexpected{"malformed percent-encoding at byte " + std::to_string(base + i)};
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits "a; b=c; d=\"e;f\"" on ';' outside quotes.
std::vector<std::string_view> split_params(std::string_view s) {
  std::vector<std::string_view> out;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (quoted && s[i] == '\\') {
      ++i;  // a quoted pair: the next character is literal (\" does not close, \\" does)
      continue;
    }
    if (s[i] == '"') quoted = !quoted;
    if (s[i] == ';' && !quoted) {
      out.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(trim(s.substr(start)));
  return out;
}

std::string unquote(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < v.size(); ++i) {
      if (v[i] == '\\' && i + 2 < v.size()) ++i;
      out.push_back(v[i]);
    }
    return out;
  }
  return std::string(v);
}

// The inverse of unquote: a quoted string with '"' and '\\' escaped, so a name holding them
// reads back as it was.
std::string quote(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// The value of parameter `name` in a header value like `form-data; name="x"`.
std::optional<std::string> header_param(std::string_view header_value, std::string_view name) {
  auto params = split_params(header_value);
  for (size_t i = 1; i < params.size(); ++i) {
    const size_t eq = params[i].find('=');
    if (eq == std::string_view::npos) continue;
    if (iequals(trim(params[i].substr(0, eq)), name)) return unquote(trim(params[i].substr(eq + 1)));
  }
  return std::nullopt;
}

}  // namespace

Expected<std::string, std::string> percent_decode(std::string_view s, bool plus_is_space) {
  return decode_at(s, 0, plus_is_space);
}

Expected<Fields, std::string> parse_urlencoded(std::string_view body) {
  Fields fields;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t amp = body.find('&', pos);
    if (amp == std::string_view::npos) amp = body.size();
    const std::string_view segment = body.substr(pos, amp - pos);
    if (!segment.empty()) {
      const size_t eq = segment.find('=');
      const std::string_view raw_name = segment.substr(0, eq);
      const std::string_view raw_value =
          eq == std::string_view::npos ? std::string_view() : segment.substr(eq + 1);
      auto name = decode_at(raw_name, pos, true);
      if (!name) return Unexpected{name.error()};
      auto value = decode_at(raw_value, pos + (eq == std::string_view::npos ? 0 : eq + 1), true);
      if (!value) return Unexpected{value.error()};
      fields.push_back(Field{std::move(*name), std::move(*value), std::nullopt, std::nullopt});
    }
    pos = amp + 1;
  }
  return fields;
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string encode_urlencoded(const Fields& fields) {
  std::string out;
  for (const Field& f : fields) {
    if (!out.empty()) out.push_back('&');
    out += url_encode(f.name);
    out.push_back('=');
    out += url_encode(f.value);
  }
  return out;
}

std::string media_type(std::string_view content_type) {
  const size_t semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  return ascii_lower(t);
}

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  auto params = split_params(content_type);
  if (params.empty() || !iequals(params[0], "multipart/form-data")) return std::nullopt;
  auto boundary = header_param(content_type, "boundary");
  // RFC 2046: 1 to 70 characters.
  if (!boundary || boundary->empty() || boundary->size() > 70) return std::nullopt;
  return boundary;
}

Expected<Fields, std::string> parse_multipart(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  Fields fields;
  // The first delimiter may follow a preamble, but must start a line.
  size_t pos = body.find(delimiter);
  while (pos != std::string_view::npos && pos != 0 && (pos < 2 || body.substr(pos - 2, 2) != "\r\n")) {
    pos = body.find(delimiter, pos + 1);
  }
  if (pos == std::string_view::npos) return Unexpected{std::string("no multipart boundary found in body")};
  pos += delimiter.size();
  for (;;) {
    if (body.substr(pos, 2) == "--") return fields;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") {
      return Unexpected{"expected CRLF after boundary at byte " + std::to_string(pos)};
    }
    pos += 2;
    const size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) {
      return Unexpected{"part headers not terminated at byte " + std::to_string(pos)};
    }
    Field field;
    bool has_disposition = false;
    std::string_view headers = body.substr(pos, headers_end - pos);
    while (!headers.empty()) {
      size_t eol = headers.find("\r\n");
      const std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) {
        return Unexpected{"malformed part header '" + std::string(line.substr(0, 60)) + "'"};
      }
      const std::string_view name = trim(line.substr(0, colon));
      const std::string_view value = trim(line.substr(colon + 1));
      if (iequals(name, "Content-Disposition")) {
        auto params = split_params(value);
        if (params.empty() || !iequals(params[0], "form-data")) {
          return Unexpected{std::string("part Content-Disposition is not form-data")};
        }
        auto field_name = header_param(value, "name");
        if (!field_name) return Unexpected{std::string("part without a name")};
        field.name = *field_name;
        field.filename = header_param(value, "filename");
        has_disposition = true;
      } else if (iequals(name, "Content-Type")) {
        field.content_type = std::string(value);
      }
    }
    if (!has_disposition) return Unexpected{std::string("part without Content-Disposition")};
    const size_t content_start = headers_end + 4;
    const size_t next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) return Unexpected{std::string("multipart body has no closing boundary")};
    field.value = std::string(body.substr(content_start, next - content_start));
    fields.push_back(std::move(field));
    pos = next + 2 + delimiter.size();
  }
}

std::string encode_multipart(const Fields& fields, std::string_view boundary) {
  std::string out;
  for (const Field& f : fields) {
    out += "--";
    out += boundary;
    out += "\r\nContent-Disposition: form-data; name=" + quote(f.name);
    if (f.filename) out += "; filename=" + quote(*f.filename);
    out += "\r\n";
    if (f.content_type) out += "Content-Type: " + *f.content_type + "\r\n";
    out += "\r\n";
    out += f.value;
    out += "\r\n";
  }
  out += "--";
  out += boundary;
  out += "--\r\n";
  return out;
}

const Field* find(const Fields& fields, std::string_view name) {
  for (const Field& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace bis::form
