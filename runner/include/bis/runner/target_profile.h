#pragma once
// Target profiles (docs/targets.md): a YAML file describing a real implementation — its base
// URL (http or https), TLS, extra headers, the account key, platform, variants and lists to
// use, per-endpoint paths, the control surface (a protocol URL with an optional token, or a
// shell command per action) and the capabilities it offers. Any string may instead be
// `{env: NAME}` (read from the environment; a secret, hidden from every report, unless
// `secret: false`).
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bis/common/expected.h"
#include "bis/common/source.h"
#include "bis/runner/http_client.h"
#include "bis/runner/target.h"

namespace bis::runner {

struct TargetProfile {
  std::string file;
  std::string name;
  std::string base_url;
  TlsOptions tls;
  std::vector<Header> headers;
  std::string email_domain = "example.com";
  nlohmann::json values = nlohmann::json::object();  // the `target` variable
  Endpoints endpoints;
  std::string control_url;  // the protocol root, e.g. https://host/__admin
  std::string control_token;
  std::map<std::string, std::string> commands;  // action -> shell command
  std::string commands_cwd;                     // default: the profile's directory
  Duration command_timeout{30000};
  std::optional<std::vector<std::string>> capabilities;  // nullopt: from the control surface
  Timing timing;
  bool settle_set = false;  // timing.settle was given (else the connection picks the default)
  std::vector<std::string> secrets;  // values that came from secret environment variables
};

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;
// The process environment.
std::optional<std::string> process_env(const std::string& name);

Expected<TargetProfile, std::vector<SourceError>> load_target_profile(
    const std::string& path, const GetEnv& env = process_env);

}  // namespace bis::runner
