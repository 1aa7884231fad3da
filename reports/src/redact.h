#pragma once
// Defence in depth for secrets. The runner redacts the tree it builds; reporters redact again
// before anything is written, so a key that slipped through (a header echoed in a body, a token
// in a URL, a curl line built before redaction) still never reaches a report. The rules and the
// marker are common's Redactor (bis/common/redact.h), the same the runner and the mock use.
#include "bis/common/redact.h"
#include "bis/runner/result.h"

namespace bis::reports {

// A copy of the tree with every string redacted and secret header values replaced.
runner::RunResult redacted(const Redactor& redactor, const runner::RunResult& result);
runner::ScenarioResult redacted(const Redactor& redactor, const runner::ScenarioResult& scenario);

}  // namespace bis::reports
