#include "http_exchange.h"

#include "bis/common/text.h"

namespace bis::mock::http {

bool has_body(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  const std::string length = req.get_header_value("Content-Length");
  return !length.empty() && length != "0";
}

BodyStatus read_body(Exchange& x, size_t limit) {
  x.body.clear();
  // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 6.3).
  if (!x.reader || !has_body(x.req)) return BodyStatus::kOk;
  bool too_large = false;
  const bool ok = (*x.reader)([&](const char* data, size_t n) {
    if (too_large || x.body.size() + n > limit) {
      too_large = true;
      return true;
    }
    x.body.append(data, n);
    return true;
  });
  if (too_large) {
    x.body.clear();
    return BodyStatus::kTooLarge;
  }
  return ok ? BodyStatus::kOk : BodyStatus::kBroken;
}

void set_json(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

}  // namespace bis::mock::http
