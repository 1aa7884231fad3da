#include "http1_parser.h"

#include <cstring>

#include "bis/common/text.h"

namespace bis::mock::http1 {
namespace {

// The request line may exceed the target limit by this much (method, spaces, version, CRLF)
// before it is refused as too long.
constexpr size_t kRequestLineSlack = 64;
constexpr size_t kMaxChunkSizeLine = 1024;
// More hexadecimal digits than this cannot be a size any limit allows (and would overflow).
constexpr size_t kMaxSizeDigits = 15;

bool is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string hex_byte(unsigned char c) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string("0x") + kDigits[c >> 4] + kDigits[c & 15];
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls fn on each comma-separated element of a header value, trimmed.
template <typename Fn>
void for_each_element(std::string_view value, Fn fn) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    fn(trim_ows(value.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!is_tchar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

size_t Parser::feed(const char* data, size_t size) {
  size_t used = 0;
  while (used < size && state_ == State::kNeedMore) {
    started_ = true;
    switch (stage_) {
      case Stage::kBody:
      case Stage::kChunkData: {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, size - used));
        request_.body.append(data + used, n);
        used += n;
        remaining_ -= n;
        body_seen_ += n;
        if (remaining_ == 0) {
          if (stage_ == Stage::kBody) {
            finish();
          } else {
            stage_ = Stage::kChunkDataCr;
          }
        }
        break;
      }
      case Stage::kChunkDataCr:
      case Stage::kChunkDataLf: {
        const char want = stage_ == Stage::kChunkDataCr ? '\r' : '\n';
        if (data[used] != want) {
          refuse(400, "chunk data is longer than its declared size");
          break;
        }
        ++used;
        stage_ = stage_ == Stage::kChunkDataCr ? Stage::kChunkDataLf : Stage::kChunkSize;
        break;
      }
      default:
        used += feed_line(data + used, size - used);
    }
  }
  return used;
}

size_t Parser::line_limit() const {
  switch (stage_) {
    case Stage::kRequestLine:
      return limits_.max_target + kRequestLineSlack;
    case Stage::kChunkSize:
      return kMaxChunkSizeLine;
    default:
      return limits_.max_header_bytes > head_bytes_ ? limits_.max_header_bytes - head_bytes_ : 0;
  }
}

// Reads up to the end of a line; a line longer than its stage allows is refused before it is
// all buffered, so a never-ending line costs a bounded amount of memory.
size_t Parser::feed_line(const char* data, size_t size) {
  const char* lf = static_cast<const char*>(std::memchr(data, '\n', size));
  const size_t take = lf ? static_cast<size_t>(lf - data) + 1 : size;
  if (line_.size() + take > line_limit()) {
    if (stage_ == Stage::kRequestLine) {
      const std::string_view seen(data, std::min<size_t>(take, kRequestLineSlack));
      const bool has_method = line_.find(' ') != std::string::npos || seen.find(' ') != seen.npos;
      if (has_method) {
        refuse(414, "request target is longer than " + std::to_string(limits_.max_target) +
                        " bytes");
      } else {
        refuse(400, "malformed request line");
      }
    } else if (stage_ == Stage::kChunkSize) {
      refuse(400, "chunk size line is too long");
    } else {
      refuse(431, "request header fields are larger than " +
                      std::to_string(limits_.max_header_bytes) + " bytes");
    }
    return take;
  }
  line_.append(data, take);
  if (!lf) return take;
  if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
    refuse(400, "a line ends with a bare LF (lines end with CRLF)");
    return take;
  }
  const std::string line = line_.substr(0, line_.size() - 2);
  line_.clear();
  switch (stage_) {
    case Stage::kRequestLine:
      if (!line.empty()) on_request_line(line);  // RFC 9112 2.2: empty lines before it are ignored
      break;
    case Stage::kHeaders:
      head_bytes_ += line.size() + 2;
      if (line.empty()) {
        on_headers_end();
      } else {
        on_header_line(line, false);
      }
      break;
    case Stage::kChunkSize:
      on_chunk_size(line);
      break;
    case Stage::kTrailers:
      head_bytes_ += line.size() + 2;
      if (line.empty()) {
        finish();
      } else {
        on_header_line(line, true);
      }
      break;
    default:
      break;
  }
  return take;
}

void Parser::refuse(int status, std::string message) {
  state_ = State::kRefused;
  refusal_ = Refusal{status, std::move(message)};
}

void Parser::on_request_line(std::string_view line) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == line.npos ? line.npos : line.find(' ', sp1 + 1);
  if (sp2 == line.npos) return refuse(400, "malformed request line (METHOD SP TARGET SP VERSION)");
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return refuse(400, "malformed request line: the method is not a token");
  if (target.size() > limits_.max_target) {
    return refuse(414,
                  "request target is longer than " + std::to_string(limits_.max_target) + " bytes");
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
    return refuse(400, "malformed request line: the version is not HTTP/d.d");
  }
  if (version[5] != '1' || version[7] > '1') {
    return refuse(505, "HTTP version " + std::string(version.substr(5)) +
                           " is not supported (1.0 and 1.1 are)");
  }
  request_.minor_version = version[7] - '0';
  if (target.empty()) return refuse(400, "malformed request line: empty target");
  for (const char ch : target) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '#') return refuse(400, "request target has a #fragment (clients never send one)");
    if (c <= 0x20 || c >= 0x7F) return refuse(400, "request target has byte " + hex_byte(c));
  }
  std::string_view path = target;
  if (target.front() == '/') {
    // origin-form
  } else if (target == "*" && method == "OPTIONS") {
    // asterisk-form
  } else if (iequals(target.substr(0, 7), "http://") || iequals(target.substr(0, 8), "https://")) {
    // absolute-form (RFC 9112 3.2.2: a server must accept it): the path is what follows the
    // authority.
    const size_t authority = target.find("//") + 2;
    const size_t slash = target.find_first_of("/?", authority);
    path = slash == target.npos ? std::string_view("/") : target.substr(slash);
    if (!path.empty() && path.front() == '?') {
      request_.path = "/";
      request_.query = std::string(path.substr(1));
      path = {};
    }
  } else if (method == "CONNECT") {
    // authority-form: no route serves it; the routes answer it.
  } else {
    return refuse(400, "request target must be a path starting with '/'");
  }
  if (!path.empty()) {
    const size_t q = path.find('?');
    request_.path = std::string(path.substr(0, q));
    if (q != path.npos) request_.query = std::string(path.substr(q + 1));
  }
  request_.method = std::string(method);
  request_.target = std::string(target);
  stage_ = Stage::kHeaders;
}

void Parser::on_header_line(std::string_view line, bool trailer) {
  if (++lines_ > limits_.max_headers) {
    return refuse(431, "more than " + std::to_string(limits_.max_headers) + " header lines");
  }
  if (line.front() == ' ' || line.front() == '\t') {
    return refuse(400, "obsolete line folding (a header line starting with whitespace)");
  }
  const size_t colon = line.find(':');
  if (colon == line.npos) return refuse(400, "header line without a colon");
  const std::string_view name = line.substr(0, colon);
  for (const char c : name) {
    if (!is_tchar(static_cast<unsigned char>(c))) {
      return refuse(400, "header name has byte " + hex_byte(static_cast<unsigned char>(c)) +
                             " (names are tokens)");
    }
  }
  if (name.empty()) return refuse(400, "header line with an empty name");
  const std::string_view value = trim_ows(line.substr(colon + 1));
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      return refuse(400, "header value has control byte " + hex_byte(c));
    }
  }
  if (!trailer) request_.headers.emplace_back(name, value);
}

void Parser::on_headers_end() {
  size_t hosts = 0;
  bool close = false, keep_alive = false, has_te = false, expect_continue = false;
  std::string te;
  std::vector<std::string_view> lengths;
  for (const auto& [name, value] : request_.headers) {
    if (iequals(name, "Host")) {
      ++hosts;
    } else if (iequals(name, "Connection")) {
      for_each_element(value, [&](std::string_view t) {
        close = close || iequals(t, "close");
        keep_alive = keep_alive || iequals(t, "keep-alive");
      });
    } else if (iequals(name, "Transfer-Encoding")) {
      has_te = true;
      te += te.empty() ? value : "," + value;
    } else if (iequals(name, "Content-Length")) {
      lengths.push_back(value);
    } else if (iequals(name, "Expect")) {
      expect_continue = iequals(value, "100-continue");
    }
  }
  const bool http11 = request_.minor_version == 1;
  if (http11 ? hosts != 1 : hosts > 1) {
    return refuse(400, hosts == 0 ? "HTTP/1.1 request without a Host header"
                                  : "more than one Host header");
  }
  request_.keep_alive = http11 ? !close : keep_alive && !close;
  const std::string_view path = request_.path;
  body_limit_ = limits_.body_limit ? limits_.body_limit(path) : limits_.max_body;
  if (has_te) {
    if (!http11) return refuse(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (!lengths.empty()) {
      return refuse(400, "both Content-Length and Transfer-Encoding (refused: the body's end "
                         "would be ambiguous)");
    }
    size_t codings = 0;
    bool chunked = false;
    for_each_element(te, [&](std::string_view c) {
      ++codings;
      chunked = iequals(c, "chunked");
    });
    if (codings != 1 || !chunked) {
      return refuse(400, "Transfer-Encoding '" + te + "' is not supported (only 'chunked')");
    }
    request_.expects_continue = expect_continue;
    stage_ = Stage::kChunkSize;
    return;
  }
  if (lengths.empty()) return finish();
  for (const std::string_view v : lengths) {
    if (v != lengths.front()) return refuse(400, "Content-Length headers that differ");
    if (v.empty() || v.find_first_not_of("0123456789") != v.npos) {
      return refuse(400, "Content-Length '" + std::string(v.substr(0, 40)) +
                             "' is not a decimal number");
    }
  }
  std::string_view digits = lengths.front();
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  uint64_t length = 0;
  if (digits.size() <= 18) {
    for (const char c : digits) length = length * 10 + static_cast<uint64_t>(c - '0');
  }
  if (digits.size() > 18 || length > body_limit_) {
    return refuse(413, "body of " + std::string(digits.substr(0, 40)) +
                           " bytes is larger than the limit of " + std::to_string(body_limit_) +
                           " bytes");
  }
  if (length == 0) return finish();
  request_.expects_continue = expect_continue;
  remaining_ = length;
  stage_ = Stage::kBody;
}

void Parser::on_chunk_size(std::string_view line) {
  size_t digits = 0;
  while (digits < line.size() && is_hex(line[digits])) ++digits;
  if (digits == 0) return refuse(400, "chunk size is not a hexadecimal number");
  std::string_view size_text = line.substr(0, digits);
  std::string_view rest = line.substr(digits);
  while (size_text.size() > 1 && size_text.front() == '0') size_text.remove_prefix(1);
  if (size_text.size() > kMaxSizeDigits) {
    return refuse(413, "chunk size is larger than the limit of " + std::to_string(body_limit_) +
                           " bytes");
  }
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  if (!rest.empty() && rest.front() != ';') {
    return refuse(400, "chunk size is followed by byte " +
                           hex_byte(static_cast<unsigned char>(rest.front())));
  }
  for (const char ch : rest) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      return refuse(400, "chunk extension has control byte " + hex_byte(c));
    }
  }
  uint64_t size = 0;
  for (const char c : size_text) {
    size = size * 16 + static_cast<uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  if (size == 0) {
    stage_ = Stage::kTrailers;
    return;
  }
  if (body_seen_ + size > body_limit_) {
    return refuse(413, "body is larger than the limit of " + std::to_string(body_limit_) +
                           " bytes");
  }
  remaining_ = size;
  stage_ = Stage::kChunkData;
}

}  // namespace bis::mock::http1
