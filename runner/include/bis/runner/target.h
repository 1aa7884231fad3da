#pragma once
// A target as a run sees it: where its API is, what to send with every request, the values
// scenarios read as `target.*`, the capabilities it offers, its control surface and the
// secrets to keep out of reports. Built by target_connect.h; read-only during a run (its
// HttpClient and ControlSurface are thread-safe).
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"
#include "bis/common/fixtures.h"
#include "bis/runner/control.h"
#include "bis/runner/duration.h"
#include "bis/runner/http_client.h"
#include "bis/common/redact.h"
#include "bis/runner/result.h"

namespace bis::runner {

struct Endpoints {
  std::string subscribe;
  std::string onsite_subscribe;
  std::string list_subscribe;  // "{list}" stands for the list ID
  // The modern JSON:API endpoints (docs/spec/modern-endpoints.md).
  std::string client_bis_subscribe;
  std::string server_bis_subscribe;
  std::string client_list_subscribe;

  // The path of the endpoint named `name` (a kEndpoint route of the control surface); nullptr
  // for another name.
  const std::string* find(std::string_view name) const {
    for (const auto& [n, path] :
         {std::pair<std::string_view, const std::string*>{"subscribe", &subscribe},
          {"onsite_subscribe", &onsite_subscribe},
          {"list_subscribe", &list_subscribe},
          {"client_bis_subscribe", &client_bis_subscribe},
          {"server_bis_subscribe", &server_bis_subscribe},
          {"client_list_subscribe", &client_list_subscribe}}) {
      if (n == name) return path;
    }
    return nullptr;
  }
  std::string* find(std::string_view name) {
    return const_cast<std::string*>(static_cast<const Endpoints*>(this)->find(name));
  }
};
Endpoints default_endpoints();

// The settle window of a target that may record asynchronously and cannot say when it is done
// (URL targets and profiles without capability `settle`): twice the 1 s worst delay of the
// mock's asynchronous-recording variation, so a late record has room to show. The bundled mock
// records synchronously and a target offering `settle` is asked first: both keep 0.
// docs/targets.md, "Asynchronous targets".
inline constexpr Duration kUnsettledSettleWindow{2000};

struct Timing {
  Duration settle{0};         // `consistently: true` watches this long
  Duration eventually{5000};  // `eventually: true` gives up after this long
  // The health answer's "synchronous": every record is visible once its answer leaves, so an
  // absence check reads at once, without a settle call first (one round trip less).
  bool synchronous = false;
};

struct Target {
  TargetInfo info;  // for reports; already redacted
  std::shared_ptr<HttpClient> api;
  std::vector<Header> headers;  // sent with every API request
  Endpoints endpoints;
  nlohmann::json values = nlohmann::json::object();  // the `target` variable
  std::vector<std::string> capabilities;
  std::string email_domain = "example.com";
  Timing timing;
  // The accounts whose fixture flow sends a restock's notifications at once (no flow, a
  // disabled one, or batch_size 0): the clock cannot change what their restocks send, so
  // scenarios moving it may run beside those restocks. Empty when the fixtures are unknown.
  std::set<std::string> unbatched_accounts;
  std::shared_ptr<ControlSurface> control;  // null: the target has none
  Redactor redactor;

  bool has_capability(std::string_view name) const;
  // The value at a path under `target` ("target.variants.in_stock",
  // "target.variants.restockable[2]"), or nullptr.
  const nlohmann::json* value(std::string_view dotted_path) const;
};

// The `target` values of a mock-like target, from its fixtures (docs/suite-format.md):
// the primary account is the first that supports back in stock and has an enabled flow (or
// the account `primary_key` names); in_stock is one of its variants at or above the flow
// threshold, out_of_stock one below, restockable every other one below (for scenarios that
// restock a variant of their own on a target that cannot create one); unknown an ID no
// account's catalog holds (derived from `seed`); accounts.NAME the first account per
// integration, `unsupported` (no integration), `no_flow` (supported, without an enabled
// flow), each with its restockable variants; lists by opt-in from the primary account.
// Values the fixtures cannot provide are left out (scenarios needing them are not applicable).
nlohmann::json values_from_fixtures(const fixtures::Fixtures& fixtures, std::string_view seed,
                                    std::string_view primary_key = "");
// The keys of the accounts whose flow is not batched (Target::unbatched_accounts).
std::set<std::string> unbatched_accounts(const fixtures::Fixtures& fixtures);

// The accounts of the scenarios that change a flow (docs/targets.md, "Accounts for flow
// changes"): target.accounts.flow_1 (restock/threshold), flow_2 (restock/batch), flow_3
// (notify/threshold-boundary). Fixtures give them as the other accounts of the primary's
// integration with an enabled flow; a target without them shares the primary account, and
// the scenarios then run one at a time, as they must.
struct FlowAccount {
  std::string_view name;
  size_t primary_restockable_from;  // sharing the primary: its restockable variants from here
};
inline constexpr FlowAccount kFlowAccounts[] = {{"flow_1", 3}, {"flow_2", 4}, {"flow_3", 5}};

// Gives every flow account the target does not name the primary account's values (key,
// platform, private_key) and its restockable variants from primary_restockable_from on.
// Nothing without a primary account (target.key).
void add_flow_accounts(nlohmann::json& values);

// A target profile's values completed from the fixtures its control surface lists: what the
// profile gives wins (an account entry whole), the rest is derived as for a URL target with
// the profile's account as the primary one.
nlohmann::json merge_profile_values(const nlohmann::json& profile,
                                    const fixtures::Fixtures& fixtures, std::string_view seed);

}  // namespace bis::runner
