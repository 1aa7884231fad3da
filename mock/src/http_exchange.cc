#include "http_exchange.h"

#include "bis/common/text.h"

namespace bis::mock::http {

bool has_body(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  const std::string length = req.get_header_value("Content-Length");
  return !length.empty() && length != "0";
}

namespace {
// cpp-httplib reads a body by its Content-Length or as plain chunked; with any other
// Transfer-Encoding it would wait for the connection to close.
bool readable(const httplib::Request& req) {
  return !req.has_header("Transfer-Encoding") ||
         iequals(req.get_header_value("Transfer-Encoding"), "chunked");
}
}  // namespace

BodyStatus read_body(Exchange& x, size_t limit) {
  return read_body(x, limit, x.req.get_header_value("Content-Type"));
}

BodyStatus read_body(Exchange& x, size_t limit, std::string_view content_type) {
  x.body.clear();
  // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 6.3).
  if (!x.reader || !has_body(x.req)) return BodyStatus::kOk;
  if (!readable(x.req)) return BodyStatus::kBroken;
  x.body_read = true;
  bool too_large = false;
  auto receive = [&](const char* data, size_t n) {
    if (too_large || x.body.size() + n > limit) {
      too_large = true;
      return true;  // keep reading to the end, dropping the bytes
    }
    x.body.append(data, n);
    return true;
  };
  // cpp-httplib hands multipart bodies to its own lenient parser; the mock parses them
  // strictly itself, so the reader must see a non-multipart request. The Request object is
  // cpp-httplib's own non-const one, only passed to handlers as const.
  bool ok;
  if (content_type.rfind("multipart/form-data", 0) == 0) {
    auto& req = const_cast<httplib::Request&>(x.req);
    const std::string saved(content_type);
    req.headers.erase("Content-Type");
    ok = (*x.reader)(receive);
    req.headers.emplace("Content-Type", saved);
  } else {
    ok = (*x.reader)(receive);
  }
  if (too_large) {
    x.body.clear();
    return BodyStatus::kTooLarge;
  }
  return ok ? BodyStatus::kOk : BodyStatus::kBroken;
}

void settle_framing(Exchange& x, size_t drain_limit) {
  if (!has_body(x.req) || x.body_read) return;
  bool drained = false;
  if (x.reader && readable(x.req)) {
    size_t seen = 0;
    // Returning false stops cpp-httplib's read, and then it closes the connection itself.
    drained = (*x.reader)([&](const char*, size_t n) { return (seen += n) <= drain_limit; });
  }
  if (!drained) x.res.set_header("Connection", "close");
}

void set_json(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

}  // namespace bis::mock::http
