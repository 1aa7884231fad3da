#pragma once
// Renders steps into what they send. A request step gives the HTTP request: the method, the
// target's path for a named endpoint (or the literal path), the query, the target's headers
// overridden by the step's, and the body encoded as the step says (form, multipart, JSON or
// raw text). A control or observe step gives the control call.
#include "bis/common/expected.h"
#include "bis/runner/control.h"
#include "bis/runner/http_client.h"
#include "bis/runner/suite.h"
#include "bis/runner/target.h"
#include "bis/runner/template.h"

namespace bis::runner {

Expected<HttpRequest, RenderError> build_request(const RequestSpec& spec, const Target& target,
                                                 const Scope& scope);

// The control call of a control or observe step, arguments rendered; the account of
// set_inventory, set_flow and remove_flow defaults to target.key.
Expected<ControlCall, RenderError> build_control_call(const Step& step, const Target& target,
                                                      const Scope& scope);

}  // namespace bis::runner
