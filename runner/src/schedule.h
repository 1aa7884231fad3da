#pragma once
// Which scenarios may overlap (docs/runner.md, "Order and parallelism"). An `exclusive`
// scenario changes state every scenario shares. Most change only a flow (the restock
// rules of an account), which matters only to scenarios that restock, change a flow or read
// notifications: such an exclusive scenario may run beside the others, one at a time. Against
// a far target this is the difference between the exclusive scenarios' round trips coming
// after everything else and coming beside it.
#include "bis/runner/suite.h"

namespace bis::runner::detail {

enum class Lane {
  kFree,           // not exclusive; never restocks, changes a flow or reads notifications
  kFlowBound,      // not exclusive; restocks, changes a flow or reads notifications
  kFlowExclusive,  // exclusive, and what it shares is only flows: beside kFree scenarios
  kAlone,          // exclusive in any other way (reset, clear_requests): alone
};

Lane lane_of(const Scenario& scenario);

}  // namespace bis::runner::detail
