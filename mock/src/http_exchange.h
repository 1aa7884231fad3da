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
  const httplib::ContentReader* reader;  // over the body the HTTP layer read; null in unit tests
  // What the handler learned, for the journal and the log.
  std::string body;
  std::string outcome;
  std::string reason;
  std::string account;
  std::string fault;  // the faults that applied (bis/mock/faults.h), "" if none
};

enum class BodyStatus { kOk, kTooLarge, kBroken };

// The request announces a body: any Transfer-Encoding, or a Content-Length other than 0.
bool has_body(const httplib::Request& req);

// Hands the request body (already read whole by the HTTP layer, within the path's limit) to
// x.body, keeping at most `limit` bytes: a larger one gives kTooLarge and is dropped. kBroken:
// the reader failed. The mock parses multipart bodies itself, strictly.
BodyStatus read_body(Exchange& x, size_t limit);

void set_json(httplib::Response& res, int status, std::string body);

}  // namespace bis::mock::http
