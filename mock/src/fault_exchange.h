#pragma once
// Carries out a FaultPlan (bis/mock/faults.h) on one exchange of the served API, between the
// HTTP layer and the routes: the server asks the FaultSet, waits out the latency, answers
// in the routes' place for the faults that do not call them, and hands the connection driver
// what the wire must do. The routes never learn of a fault.
#include <httplib.h>

#include <functional>
#include <string>
#include <string_view>

#include "bis/common/fixtures.h"
#include "bis/mock/faults.h"
#include "http1_connection.h"
#include "http_exchange.h"

namespace bis::mock::http {

// The account a request is for, as far as it can be told without the routes: the
// `company_id` query parameter, the `a` field of a urlencoded or multipart body, or a private
// key (`api-key` header, `Authorization: Klaviyo-API-Key ...`) of an account. "" if none.
std::string fault_account(const httplib::Request& req, std::string_view body,
                          const fixtures::Fixtures& fixtures);

// Waits `ms` on this thread only, in short steps, ending early once `stopping()` is true.
void fault_wait(int64_t ms, const std::function<bool()>& stopping);

// For a plan whose fault does not call the route: answers in its place (a status or 429
// fault) or leaves the answer empty (reset, empty), and says so in x.outcome and x.reason.
void answer_for_fault(const FaultPlan& plan, Exchange& x);

// What the connection driver does with the answer under `plan`.
http1::WireFault wire_fault(const FaultPlan& plan);

}  // namespace bis::mock::http
