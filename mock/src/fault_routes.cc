// /__admin/faults (docs/control-protocol.md, "Faults"): the control protocol's view of the
// FaultSet. Faults are wire settings, not records: POST /__admin/reset leaves them in force.
#include "admin_routes.h"

namespace bis::mock::http {
namespace {

using nlohmann::json;

void fault_error(Exchange& x, int status, std::string message) {
  x.outcome = "error";
  x.reason = message;
  set_json(x.res, status, json{{"error", std::move(message)}}.dump(-1, ' ', false,
                                                                   json::error_handler_t::replace));
}

}  // namespace

void fault_route(Exchange& x, FaultSet& faults, std::string_view route, const std::string& id) {
  if (route == "faults") return set_json(x.res, 200, faults.list().dump());
  if (route == "clear_faults")
    return set_json(x.res, 200, json{{"removed", faults.clear()}}.dump());
  if (route == "remove_fault") {
    if (!faults.remove(id)) return fault_error(x, 404, "no fault with id '" + id + "'");
    return set_json(x.res, 200, json{{"removed", 1}}.dump());
  }
  if (read_body(x, kMaxAdminBody) != BodyStatus::kOk)
    return fault_error(x, 413, "body too large or unreadable");
  const json j = json::parse(x.body, nullptr, false);
  if (j.is_discarded()) return fault_error(x, 400, "body is not JSON: expected a fault object");
  auto fault = fault_from_json(j);
  if (!fault) return fault_error(x, 400, fault.error().message);
  const Fault added = faults.add(std::move(*fault));
  json out = to_json(added);
  out["hits"] = 0;
  out["matched"] = 0;
  set_json(x.res, 201, out.dump());
}

}  // namespace bis::mock::http
