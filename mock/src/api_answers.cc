#include "bis/mock/api_answers.h"

#include "bis/common/text.h"

namespace bis::mock {

std::string success_body(std::string_view email, const AnswerRule& rule,
                         std::optional<std::string_view> store) {
  std::string out;
  out.reserve(email.size() + 40);
  out += '{';
  if (rule.echo_email) {
    out += "\"email\": ";
    if (rule.echo_lower_case) {
      append_json_string(out, ascii_lower(email));
    } else {
      append_json_string(out, email);
    }
    out += ", ";
  }
  out += rule.success_as_string ? "\"success\": \"true\"" : "\"success\": true";
  if (rule.echo_store && store) {
    out += ", \"store\": ";
    append_json_string(out, *store);
  }
  out += '}';
  return out;
}

std::string route_error_body(std::string_view message) {
  return "{\"errors\": [" + json_quote(message) + "], \"data\": {}, \"success\": false}";
}

}  // namespace bis::mock
