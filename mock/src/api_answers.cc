#include "bis/mock/api_answers.h"

#include "bis/common/text.h"

namespace bis::mock {

std::string success_body(std::string_view email, const Defects& defects) {
  std::string out;
  out.reserve(email.size() + 40);
  out += '{';
  if (!defects.has(Defect::kSuccessWithoutEmail)) {
    out += "\"email\": ";
    if (defects.has(Defect::kEmailEchoNormalized)) {
      append_json_string(out, ascii_lower(email));
    } else {
      append_json_string(out, email);
    }
    out += ", ";
  }
  out += defects.has(Defect::kSuccessStringTrue) ? "\"success\": \"true\"}" : "\"success\": true}";
  return out;
}

std::string rejection_body(const Defects& defects) {
  if (defects.has(Defect::kErrorBodyShape)) {
    return "{\"success\": false, \"error\": " + json_quote(kErrorMessage) + "}";
  }
  return std::string(kDocumentedErrorBody);
}

std::string route_error_body(std::string_view message) {
  return "{\"errors\": [" + json_quote(message) + "], \"data\": {}, \"success\": false}";
}

}  // namespace bis::mock
