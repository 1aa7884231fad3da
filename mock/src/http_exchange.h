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
};

enum class BodyStatus { kOk, kTooLarge, kBroken };

// Reads the request body into x.body, keeping at most `limit` bytes. A larger body is read
// to its end and dropped (so the connection stays usable) and gives kTooLarge.
// `content_type` is the request's Content-Type (looked up once by the caller).
BodyStatus read_body(Exchange& x, size_t limit, std::string_view content_type);
BodyStatus read_body(Exchange& x, size_t limit);

// The media type of a Content-Type value, lower case, without parameters.
std::string media_type(std::string_view content_type);

void set_json(httplib::Response& res, int status, std::string body);

}  // namespace bis::mock::http
