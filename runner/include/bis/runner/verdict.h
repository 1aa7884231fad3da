#pragma once
// Verdict logic, separate from running so it can be tested alone (docs/suite-format.md,
// "Verdicts"). A failed assertion breaks its requirements: a step fails if one of them is a
// MUST (or unknown to the catalogue), warns if all are SHOULD/MAY. A step that could not run
// is an error, unless it also broke a requirement (the broken requirement is evidence, and
// wins). A scenario takes the worst of its steps: fail, then error, then warn, then pass.
#include <vector>

#include "bis/runner/requirements.h"
#include "bis/runner/result.h"

namespace bis::runner {

Verdict step_verdict(const StepResult& step, const Catalogue& catalogue);
Verdict scenario_verdict(const std::vector<StepResult>& steps);

// Per requirement of the catalogue, from the scenarios of a run:
// fail/warn  a covering scenario broke it (fail for MUST, warn for SHOULD/MAY);
// error      not broken, but a covering scenario could not check it all (it errored, or
//            stopped before its last step);
// pass       every applicable covering scenario checked it and it held;
// not_applicable  no covering scenario applied to this target (or none was selected).
// `scenarios` lists the covering scenarios that applied, as "suite/scenario".
std::vector<RequirementResult> requirement_results(const Catalogue& catalogue,
                                                   const std::vector<SuiteResult>& suites);

}  // namespace bis::runner
