#include "jsonapi.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

namespace bis::mock::jsonapi {
namespace {

Error make(int status, std::string_view code, std::string_view title, std::string detail) {
  Error e;
  e.status = status;
  e.code = code;
  e.title = title;
  e.detail = std::move(detail);
  return e;
}

}  // namespace

// Codes and titles: Klaviyo's answers follow Django REST framework's names (INFERRED, see
// docs/spec/modern-endpoints.md section 7).
Error invalid(std::string detail, std::string pointer, std::string parameter) {
  Error e = make(400, "invalid", "Invalid input.", std::move(detail));
  e.pointer = std::move(pointer);
  e.parameter = std::move(parameter);
  return e;
}
Error not_authenticated(std::string detail) {
  return make(401, "not_authenticated", "Authentication credentials were not provided.",
              std::move(detail));
}
Error authentication_failed(std::string detail) {
  return make(401, "authentication_failed", "Incorrect authentication credentials.",
              std::move(detail));
}
Error permission_denied(std::string detail) {
  return make(403, "permission_denied", "You do not have permission to perform this action.",
              std::move(detail));
}
Error not_found(std::string detail) {
  return make(404, "not_found", "Not found.", std::move(detail));
}
Error method_not_allowed(std::string detail) {
  return make(405, "method_not_allowed", "Method not allowed.", std::move(detail));
}
Error unsupported_media_type(std::string detail) {
  return make(415, "unsupported_media_type", "Unsupported media type.", std::move(detail));
}
Error throttled(std::string detail) {
  return make(429, "throttled", "Request was throttled.", std::move(detail));
}
Error throttled_for(int64_t retry_after_seconds, std::string id) {
  const std::string unit = retry_after_seconds == 1 ? " second." : " seconds.";
  Error e = throttled("Request was throttled. Expected available in " +
                      std::to_string(retry_after_seconds) + unit);
  e.id = std::move(id);
  return e;
}
Error server_error(std::string detail) {
  return make(500, "error", "A server error occurred.", std::move(detail));
}

std::string error_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t hi = rng(), lo = rng();
  char out[37];
  // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx, y in 8..b (RFC 9562 version 4, variant 10).
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xffff),
                static_cast<unsigned>(hi & 0xfff),
                static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return out;
}

std::string error_body(const std::vector<Error>& errors) {
  nlohmann::json list = nlohmann::json::array();
  for (const Error& e : errors) {
    nlohmann::json j{{"id", e.id.empty() ? error_id() : e.id},
                     {"status", e.status},
                     {"code", e.code},
                     {"title", e.title},
                     {"detail", e.detail}};
    if (!e.pointer.empty()) j["source"] = {{"pointer", e.pointer}};
    if (!e.parameter.empty()) j["source"] = {{"parameter", e.parameter}};
    list.push_back(std::move(j));
  }
  // Details may quote what a client sent: bytes that are not UTF-8 show as U+FFFD.
  return nlohmann::json{{"errors", std::move(list)}}.dump(-1, ' ', false,
                                                          nlohmann::json::error_handler_t::replace);
}

void set_error(httplib::Response& res, const Error& error) {
  res.status = error.status;
  res.set_content(error_body({error}), std::string(kMediaType));
}

}  // namespace bis::mock::jsonapi
