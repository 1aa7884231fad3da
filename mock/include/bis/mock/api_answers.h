#pragma once
// The bodies the served API answers. The success and error bodies are the documented ones,
// byte for byte; the answer defects (error-body-shape, success-without-email,
// success-string-true, email-echo-normalized) are applied here and nowhere else.
// Rendered without a JSON library: this is the hot path.
#include <string>
#include <string_view>

#include "bis/mock/defects.h"

namespace bis::mock {

inline constexpr std::string_view kErrorMessage =
    "There was something wrong with your request. Please try again.";
inline constexpr std::string_view kDocumentedErrorBody =
    R"({"errors": ["There was something wrong with your request. Please try again."], "data": {}, "success": false})";

// {"email": "<email as sent>", "success": true}
std::string success_body(std::string_view email, const Defects& defects);
// The documented error body.
std::string rejection_body(const Defects& defects);
// The error body's shape with another message, for what is not a subscribe request at all
// (unknown path, wrong method, body too large): {"errors": [message], "data": {}, "success":
// false}.
std::string route_error_body(std::string_view message);

}  // namespace bis::mock
