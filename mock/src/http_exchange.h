#pragma once
// One request/answer pair as the route handlers see it, and helpers shared by the served
// API's routes and the control protocol's.
#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

#include "bis/mock/journal.h"

namespace bis::mock::http {

struct Exchange {
  const httplib::Request& req;
  httplib::Response& res;
  const httplib::ContentReader* reader;  // null for methods without a body
  // What the handler learned, for the journal and the log.
  std::string body;
  std::string outcome;
  std::string reason;
  std::string account;
  bool body_read = false;  // read_body ran: the body's bytes are off the connection
};

enum class BodyStatus { kOk, kTooLarge, kBroken };

// The request announces a body: any Transfer-Encoding, or a Content-Length other than 0.
bool has_body(const httplib::Request& req);

// Reads the request body into x.body, keeping at most `limit` bytes. A larger body is read
// to its end and dropped (so the connection stays usable) and gives kTooLarge. A body framed
// in a way cpp-httplib cannot read (a Transfer-Encoding other than plain chunked) gives
// kBroken, unread: settle_framing then closes the connection.
// `content_type` is the request's Content-Type (looked up once by the caller).
BodyStatus read_body(Exchange& x, size_t limit, std::string_view content_type);
BodyStatus read_body(Exchange& x, size_t limit);

// Keeps the connection's framing sound once the handler is done. A body nobody read (a refused
// method, a GET or OPTIONS with a body, which cpp-httplib never reads) would be taken for the
// next request on a keep-alive connection: it is drained when a reader exists and it is small
// (at most `drain_limit` bytes), otherwise the answer says `Connection: close`, so the client
// opens a fresh connection and no later request of any client is mistaken.
void settle_framing(Exchange& x, size_t drain_limit);

void set_json(httplib::Response& res, int status, std::string body);

}  // namespace bis::mock::http
