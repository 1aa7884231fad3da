#pragma once
// The control surface of a target (docs/control-protocol.md): reset, inventory, flows and
// the observations (subscriptions, events, notifications, list members, requests). Two
// implementations: the protocol over HTTP (the mock, a test-only surface of a real
// implementation) and shell commands per action (docs/targets.md). Both are thread-safe.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bis/runner/duration.h"
#include "bis/runner/http_client.h"
#include "bis/runner/result.h"

namespace bis::runner {

struct ControlCall {
  // An action or observation of the control-surface table (bis/common/control_surface.h),
  // which gives its method, path and body. The get_ actions read what a scenario will change,
  // so that its `finally` can put back exactly that; settle waits until the effects of
  // everything the target answered so far are visible ({"settled": bool, "pending": N}).
  std::string action;
  std::string account, variant, email, list, path;
  std::optional<long long> inventory, limit;
  std::optional<long long> timeout_ms;  // settle: how long the target may wait
  std::optional<long long> advance_ms;  // advance_clock: how far to move the target's clock
  nlohmann::json flow;  // set_flow: the settings (null: the target's defaults)

  bool is_observation() const;
  // The arguments as one JSON object (what shell hooks get in BIS_ARGS).
  nlohmann::json args() const;
};

struct ControlResult {
  std::optional<nlohmann::json> answer;  // observations: the array of records (filters applied)
  std::string error;                     // set when the call failed: the step is an error
  TransportError transport = TransportError::kNone;
  std::optional<int> status;  // HTTP surfaces
  std::string method, url;    // HTTP surfaces: the request made
  std::vector<Header> request_headers;
  std::string request_body;
  std::vector<Header> response_headers;
  std::string response_body;  // raw answer (stdout for shell hooks)
  std::string command;        // shell hooks: the command run
  Millis duration{0};
};

class ControlSurface {
 public:
  virtual ~ControlSurface() = default;
  virtual ControlResult call(const ControlCall& call, Duration timeout) = 0;
  // The actions it can perform at all (a shell surface lacks those without a command).
  virtual bool supports(const std::string& action) const = 0;
};

// The protocol over HTTP. `base_url` is the protocol root (the mock's http://host:port/__admin);
// `token`, when set, goes in X-Admin-Token.
std::unique_ptr<ControlSurface> make_http_control(std::shared_ptr<HttpClient> client,
                                                  std::string token);

// Shell commands per action, run with /bin/sh in `cwd`, arguments in BIS_* environment
// variables and the JSON body of the equivalent protocol call on standard input; standard
// output is the JSON answer.
std::unique_ptr<ControlSurface> make_shell_control(
    std::map<std::string, std::string> commands, std::string cwd,
    std::vector<std::pair<std::string, std::string>> env);

// Names of every action and observation of the control-surface table.
const std::vector<std::string>& control_actions();

// Applies the observation filters to records (account exact, email case-insensitive against
// `email` or `profile`, variant exact, path prefix), so a hook may return everything.
nlohmann::json filter_records(const nlohmann::json& records, const ControlCall& call);

}  // namespace bis::runner
