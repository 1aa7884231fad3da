#include "schedule.h"

#include "bis/common/control_surface.h"

namespace bis::runner::detail {
namespace {

// Flow changes reach another scenario only through a restock (set_inventory crossing the
// threshold, under the flow in force) or what a restock sends (notifications).
bool flow_bound(const Step& s) {
  if (s.kind == Step::Kind::kObserve) return s.observe.what == "notifications";
  if (s.kind != Step::Kind::kControl) return false;
  const std::string& a = s.control.action;
  return a == "set_inventory" || a == "set_flow" || a == "remove_flow";
}

// A control action that changes shared state other than flows.
bool shares_more_than_flows(const Step& s) {
  if (s.kind != Step::Kind::kControl) return false;
  const std::string& a = s.control.action;
  if (a == "set_flow" || a == "remove_flow") return false;
  const protocol::Route* r = protocol::find_route(a, {protocol::RouteKind::kAction});
  return !r || r->shared_state;
}

}  // namespace

Lane lane_of(const Scenario& sc) {
  bool bound = false, more = false;
  for (const auto* steps : {&sc.steps, &sc.cleanup}) {
    for (const Step& s : *steps) {
      bound = bound || flow_bound(s);
      more = more || shares_more_than_flows(s);
    }
  }
  if (sc.exclusive) return more ? Lane::kAlone : Lane::kFlowExclusive;
  return bound ? Lane::kFlowBound : Lane::kFree;
}

}  // namespace bis::runner::detail
