#pragma once
// Renders a request step into the HTTP request to send: the method, the target's path for a
// named endpoint (or the literal path), the query, the target's headers overridden by the
// step's, and the body encoded as the step says (form, multipart, JSON or raw text).
#include "bis/common/expected.h"
#include "bis/runner/http_client.h"
#include "bis/runner/suite.h"
#include "bis/runner/target.h"
#include "bis/runner/template.h"

namespace bis::runner {

Expected<HttpRequest, RenderError> build_request(const RequestSpec& spec, const Target& target,
                                                 const Scope& scope);

}  // namespace bis::runner
