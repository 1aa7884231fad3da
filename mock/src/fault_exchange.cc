#include "fault_exchange.h"

#include <chrono>
#include <thread>

#include "bis/common/form.h"
#include "bis/common/text.h"

namespace bis::mock::http {

std::string fault_account(const httplib::Request& req, std::string_view body,
                          const fixtures::Fixtures& fixtures) {
  if (req.has_param("company_id")) return req.get_param_value("company_id");
  const std::string type = form::media_type(req.get_header_value("Content-Type"));
  Expected<form::Fields, std::string> fields = form::Fields{};
  if (type == "application/x-www-form-urlencoded") {
    fields = form::parse_urlencoded(body);
  } else if (auto boundary = form::multipart_boundary(req.get_header_value("Content-Type"))) {
    fields = form::parse_multipart(body, *boundary);
  }
  if (fields) {
    if (const form::Field* a = form::find(*fields, "a")) return a->value;
  }
  std::string key = req.get_header_value("api-key");
  const std::string auth = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "Klaviyo-API-Key ";
  if (key.empty() && auth.size() > kScheme.size() && iequals(auth.substr(0, kScheme.size()), kScheme))
    key = auth.substr(kScheme.size());
  if (key.empty()) return "";
  for (const fixtures::Account& a : fixtures.accounts) {
    if (!a.private_key.empty() && a.private_key == key) return a.key;
  }
  return "";
}

void fault_wait(int64_t ms, const std::function<bool()>& stopping) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end) {
    if (stopping && stopping()) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        end - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
  }
}

void answer_for_fault(const FaultPlan& plan, Exchange& x) {
  const Fault& f = *plan.action;
  x.outcome = "fault";
  x.reason = "fault " + plan.description() + ": the route was not called, nothing recorded";
  if (f.kind != FaultKind::kStatus && f.kind != FaultKind::kRateLimit) return;
  x.res.status = f.status;
  const bool json_body = !nlohmann::json::parse(f.body, nullptr, false).is_discarded();
  x.res.set_content(f.body, json_body ? "application/json" : "text/plain");
  if (f.kind == FaultKind::kRateLimit)
    x.res.set_header("Retry-After", std::to_string(f.retry_after));
  for (const auto& [name, value] : f.headers) {
    x.res.headers.erase(name);  // a fault's header replaces the default of the same name
    x.res.set_header(name, value);
  }
}

http1::WireFault wire_fault(const FaultPlan& plan) {
  using Kind = http1::WireFault::Kind;
  if (!plan.action) return {};
  const Fault& f = *plan.action;
  switch (f.kind) {
    case FaultKind::kResetBefore:
    case FaultKind::kResetAfter:
      return {Kind::kReset};
    case FaultKind::kEmpty:
      return {Kind::kClose};
    case FaultKind::kTruncate:
      return {Kind::kTruncate, f.bytes};
    case FaultKind::kSlowBody:
      return {Kind::kSlowBody, 0, f.bytes_per_second};
    default:
      return {};
  }
}

}  // namespace bis::mock::http
