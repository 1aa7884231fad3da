// The defect catalogue's wire rules (endpoints, methods, bodies, CORS, robustness).
// One row per defect, in the order of the Defect enum's group; the behaviour sits at the one
// place its rule lives (docs/defects.md names it).
#include "bis/mock/defects.h"

namespace bis::mock {

std::span<const DefectInfo> wire_defects() {
  static constexpr DefectInfo kRows[] = {
      {Defect::kNoCors, "no-cors", "CORS",
       Operator::kAnswerShape,
       "no CORS headers on answers, and the preflight gets 404"},
  };
  return kRows;
}

}  // namespace bis::mock
