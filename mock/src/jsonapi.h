#pragma once
// JSON:API error documents, the answer of the modern endpoints (and of anything else that
// answers their way: rate limits, injected faults) to a request they refuse. One place, so
// every refusal has the shape Klaviyo's OpenAPI documents (docs/spec/modern-endpoints.md):
//   {"errors": [{"id", "status", "code", "title", "detail", "source": {"pointer"|"parameter"}}]}
// served as application/vnd.api+json.
//
// Thread safety: the functions are; each error gets a fresh random id.
#include <httplib.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bis::mock::jsonapi {

inline constexpr std::string_view kMediaType = "application/vnd.api+json";

struct Error {
  int status = 400;
  std::string code;    // machine-readable, e.g. "invalid" (docs/spec/modern-endpoints.md)
  std::string title;   // short, the same for every error of a code
  std::string detail;  // what exactly was wrong with this request
  // At most one of these: the JSON pointer into the body, or the query/header parameter.
  std::string pointer;
  std::string parameter;
  // The error's id; empty: a fresh random one (the rate limits and faults number their own).
  std::string id;
};

// The standard errors of the modern endpoints. `detail` says what was wrong.
Error invalid(std::string detail, std::string pointer = {}, std::string parameter = {});  // 400
Error not_authenticated(std::string detail);                                                // 401
Error authentication_failed(std::string detail);                                            // 401
Error permission_denied(std::string detail);                                                // 403
Error not_found(std::string detail);                                                        // 404
Error method_not_allowed(std::string detail);                                               // 405
Error unsupported_media_type(std::string detail);                                           // 415
Error throttled(std::string detail);                                                        // 429
// The 429 of a client to wait `retry_after_seconds`, its detail saying so; `id` as Error::id.
// The one writer of the throttled document: rate limits and rate_limit faults both use it.
Error throttled_for(int64_t retry_after_seconds, std::string id = {});
Error server_error(std::string detail);                                                     // 500

// A random UUID (version 4), the id of one error.
std::string error_id();

// {"errors": [...]}: the errors in order, each with a fresh id.
std::string error_body(const std::vector<Error>& errors);

// Answers `error`: its status, the document, Content-Type application/vnd.api+json.
void set_error(httplib::Response& res, const Error& error);

}  // namespace bis::mock::jsonapi
