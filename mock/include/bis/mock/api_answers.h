#pragma once
// The bodies the served API answers. The success and error bodies are the documented ones,
// byte for byte; the answer defects adjust an AnswerRule once, at start-up
// (request_rules()), and are applied here and nowhere else.
// Rendered without a JSON library: this is the hot path.
#include <optional>
#include <string>
#include <string_view>

namespace bis::mock {

inline constexpr std::string_view kErrorMessage =
    "There was something wrong with your request. Please try again.";
inline constexpr std::string_view kDocumentedErrorBody =
    R"({"errors": ["There was something wrong with your request. Please try again."], "data": {}, "success": false})";

// What the answers look like. The defaults are the documented answers.
struct AnswerRule {
  bool echo_email = true;          // {"email": ..., "success": true}
  bool echo_lower_case = false;    // echo the address lower-cased
  bool success_as_string = false;  // "success": "true"
  bool echo_store = false;         // a third member "store" when the request had one
  int success_status = 200;
  int refusal_status = 0;  // 0: the account's error status (kDefaultErrorStatus without one)
  std::string_view error_body = kDocumentedErrorBody;
};

// {"email": "<email as sent>", "success": true}
std::string success_body(std::string_view email, const AnswerRule& rule = {},
                         std::optional<std::string_view> store = std::nullopt);
// The documented error body.
inline std::string rejection_body(const AnswerRule& rule = {}) {
  return std::string(rule.error_body);
}
// The status of a refusal that would otherwise answer `status`.
inline int refusal_status(int status, const AnswerRule& rule) {
  return rule.refusal_status != 0 ? rule.refusal_status : status;
}
// The error body's shape with another message, for what is not a subscribe request at all
// (unknown path, wrong method, body too large): {"errors": [message], "data": {}, "success":
// false}.
std::string route_error_body(std::string_view message);

}  // namespace bis::mock
