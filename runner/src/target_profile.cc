#include "bis/runner/target_profile.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "bis/common/control_surface.h"
#include "bis/common/fixtures.h"
#include "bis/common/protocol.h"
#include "bis/common/text.h"
#include "bis/common/yaml.h"
#include "bis/common/yaml_reader.h"
#include "bis/runner/suite_loader.h"

namespace bis::runner {

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

namespace {

using nlohmann::json;

// Profiles are read with the common positioned reader; what is theirs is {env: NAME} values.
class ProfileLoader : public yaml::Reader {
 public:
  ProfileLoader(std::string file, const GetEnv& env) : yaml::Reader(std::move(file)), env_(env) {}

  // A string, or {env: NAME[, secret: false]}.
  std::optional<std::string> str(const YAML::Node& n, std::string_view what) {
    if (n.IsScalar()) return n.Scalar();
    if (n.IsMap()) {
      check_map(n, {"env", "secret"}, "an environment reference");
      const YAML::Node name = n["env"];
      if (!name.IsScalar()) {
        error(n, std::string(what) + ": write a string or {env: NAME}");
        return std::nullopt;
      }
      auto value = env_(name.Scalar());
      if (!value) {
        error(name, "environment variable " + name.Scalar() + " (for " + std::string(what) +
                        ") is not set");
        return std::nullopt;
      }
      bool secret = true;
      if (const YAML::Node s = n["secret"]; s.IsDefined()) secret = yaml::to_json(s) != json(false);
      if (secret) secrets.push_back(*value);
      return value;
    }
    error(n, std::string(what) + " must be a string or {env: NAME}");
    return std::nullopt;
  }

  void set(json& obj, const char* key, const YAML::Node& map, std::string_view what) {
    if (const YAML::Node n = map[key]; n.IsDefined() && !n.IsNull()) {
      if (auto v = str(n, what)) obj[key] = *v;
    }
  }

  // A list of variant IDs (out-of-stock ones a catalog-less target's scenarios restock).
  void set_list(json& obj, const char* key, const YAML::Node& map, const std::string& what) {
    const YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull()) return;
    if (!n.IsSequence()) {
      error(n, what + " must be a list of variant IDs");
      return;
    }
    json ids = json::array();
    for (const auto& item : n) {
      if (auto v = item.IsScalar() ? str(item, what) : std::nullopt) {
        ids.push_back(*v);
      } else {
        error(item, what + ": a variant ID must be a string");
      }
    }
    obj[key] = ids;
  }

  // The primary account's restockable variants are variants.restockable.
  json account(const YAML::Node& n, const std::string& what, bool primary = false) {
    json a = json::object();
    if (primary) {
      check_map(n, {"key", "platform", "private_key"}, what);
    } else {
      check_map(n, {"key", "platform", "private_key", "restockable"}, what);
    }
    if (!n.IsMap()) return a;
    set(a, "key", n, what + ".key");
    set(a, "platform", n, what + ".platform");
    set(a, "private_key", n, what + ".private_key");
    set_list(a, "restockable", n, what + ".restockable");
    if (a.contains("platform") && a["platform"].is_string()) {
      // The modern endpoints' variant ids: $default catalog of the platform's integration.
      const std::string_view integration = fixtures::variant_id_integration(a["platform"].get<std::string>());
      if (!integration.empty()) a["variant_prefix"] = std::string(integration) + ":::$default:::";
    }
    if (a.contains("platform")) {
      const std::string p = a["platform"];
      bool known = false;
      for (auto k : fixtures::kPlatforms) known = known || k == p;
      if (!known && !n["platform"].IsMap()) {
        error(n["platform"],
              "unknown platform '" + p + "'" +
                  known_or_did_you_mean(p, fixtures::kPlatforms));
      }
    }
    return a;
  }

  const GetEnv& env_;
  std::vector<std::string> secrets;
};

}  // namespace

Expected<TargetProfile, std::vector<SourceError>> load_target_profile(const std::string& path,
                                                                      const GetEnv& env) {
  auto parsed = yaml::parse_file(path);
  if (!parsed) return Unexpected{std::vector<SourceError>{parsed.error()}};
  const YAML::Node root = *parsed;
  ProfileLoader l(path, env);
  TargetProfile p;
  p.file = path;
  p.endpoints = default_endpoints();
  p.commands_cwd = std::filesystem::absolute(path).parent_path().string();
  try {
    l.check_duplicates(root);
    l.check_map(root,
           {"name", "base_url", "tls", "headers", "email_domain", "account", "variants", "accounts",
            "lists", "endpoints", "control", "capabilities", "timing"},
           "a target profile");
    if (!root.IsMap()) return Unexpected{l.errors()};
    if (const YAML::Node n = root["name"]; n.IsDefined()) p.name = l.str(n, "name").value_or("");
    if (const YAML::Node n = root["base_url"]; !n.IsDefined()) {
      l.error(root, "a target profile needs 'base_url'");
    } else if (auto v = l.str(n, "base_url")) {
      if (auto u = parse_url(*v); !u) l.error(n, u.error());
      p.base_url = *v;
    }
    if (p.name.empty()) p.name = std::filesystem::path(path).stem().string();
    if (const YAML::Node t = root["tls"]; t.IsDefined()) {
      l.check_map(t, {"ca_file", "insecure"}, "tls");
      if (const YAML::Node ca = t["ca_file"]; ca.IsDefined()) {
        p.tls.ca_file = l.str(ca, "tls.ca_file").value_or("");
        // Relative to the profile, like every path in it.
        if (!p.tls.ca_file.empty() && std::filesystem::path(p.tls.ca_file).is_relative()) {
          p.tls.ca_file = (std::filesystem::path(p.commands_cwd) / p.tls.ca_file).string();
        }
      }
      if (const YAML::Node i = t["insecure"]; i.IsDefined())
        p.tls.insecure = yaml::to_json(i) == json(true);
    }
    if (const YAML::Node h = root["headers"]; h.IsDefined()) {
      if (!h.IsMap()) {
        l.error(h, "headers must be a map of name: value");
      } else {
        for (auto it = h.begin(); it != h.end(); ++it) {
          if (auto v = l.str(it->second, "header " + it->first.Scalar()))
            p.headers.emplace_back(it->first.Scalar(), *v);
        }
      }
    }
    if (const YAML::Node n = root["email_domain"]; n.IsDefined())
      p.email_domain = l.str(n, "email_domain").value_or(p.email_domain);
    if (const YAML::Node n = root["account"]; n.IsDefined())
      p.values.update(l.account(n, "account", true));
    if (const YAML::Node n = root["variants"]; n.IsDefined()) {
      l.check_map(n, {"in_stock", "out_of_stock", "unknown", "restockable"}, "variants");
      json v = json::object();
      for (const char* k : {"in_stock", "out_of_stock", "unknown"})
        l.set(v, k, n, std::string("variants.") + k);
      l.set_list(v, "restockable", n, "variants.restockable");
      p.values["variants"] = v;
    }
    if (const YAML::Node n = root["accounts"]; n.IsDefined() && n.IsMap()) {
      json accounts = json::object();
      const auto& names = target_account_names();
      for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string name = it->first.Scalar();
        if (std::find(names.begin(), names.end(), name) == names.end()) {
          std::string m = "unknown account name '" + name + "'";
          m += did_you_mean(name, names);
          l.error(it->first, m);
          continue;
        }
        accounts[name] = l.account(it->second, "accounts." + name);
      }
      p.values["accounts"] = accounts;
    }
    if (const YAML::Node n = root["lists"]; n.IsDefined()) {
      l.check_map(n, {"double_opt_in", "single_opt_in"}, "lists");
      json v = json::object();
      for (const char* k : {"double_opt_in", "single_opt_in"})
        l.set(v, k, n, std::string("lists.") + k);
      p.values["lists"] = v;
    }
    if (const YAML::Node n = root["endpoints"]; n.IsDefined()) {
      static const std::vector<std::string> kNames = endpoint_names();
      static const std::vector<std::string_view> kKeys(kNames.begin(), kNames.end());
      l.check_map(n, kKeys, "endpoints");
      for (const std::string& key : kNames) {
        std::string* out = p.endpoints.find(key);
        if (!out) continue;
        if (const YAML::Node e = n[key]; e.IsDefined()) {
          *out = l.str(e, key).value_or(*out);
          if (out->empty() || (*out)[0] != '/')
            l.error(e, std::string(key) + " must be a path starting with '/'");
        }
      }
      if (p.endpoints.list_subscribe.find("{list}") == std::string::npos) {
        l.error(n, "endpoints.list_subscribe must contain {list}");
      }
    }
    if (const YAML::Node c = root["control"]; c.IsDefined()) {
      l.check_map(c, {"url", "token", "commands", "cwd", "timeout"}, "control");
      if (const YAML::Node u = c["url"]; u.IsDefined()) {
        p.control_url = l.str(u, "control.url").value_or("");
        if (auto parsed_url = parse_url(p.control_url); !parsed_url) l.error(u, parsed_url.error());
      }
      if (const YAML::Node t = c["token"]; t.IsDefined())
        p.control_token = l.str(t, "control.token").value_or("");
      if (const YAML::Node d = c["cwd"]; d.IsDefined()) {
        const std::string cwd = l.str(d, "control.cwd").value_or(".");
        p.commands_cwd = (std::filesystem::path(p.commands_cwd) / cwd).lexically_normal().string();
      }
      if (const YAML::Node t = c["timeout"]; t.IsDefined())
        p.command_timeout = l.duration(t, "control.timeout").value_or(p.command_timeout);
      if (const YAML::Node cmds = c["commands"]; cmds.IsDefined()) {
        if (!cmds.IsMap()) {
          l.error(cmds, "control.commands must be a map of action to shell command");
        } else {
          static const std::vector<std::string> kActions = [] {
            const auto in_commands = [](const protocol::Route& r) { return r.in_commands; };
            std::vector<std::string> a = protocol::route_names(protocol::RouteKind::kAction, in_commands);
            for (auto& o : protocol::route_names(protocol::RouteKind::kObservation, in_commands))
              a.push_back(o);
            return a;
          }();
          for (auto it = cmds.begin(); it != cmds.end(); ++it) {
            const std::string action = it->first.Scalar();
            if (std::find(kActions.begin(), kActions.end(), action) == kActions.end()) {
              l.error(it->first, "unknown control action '" + action + "'" +
                                     known_or_did_you_mean(action, kActions));
              continue;
            }
            if (auto v = l.str(it->second, "command " + action)) p.commands[action] = *v;
          }
        }
      }
      if (!p.control_url.empty() && !p.commands.empty())
        l.error(c, "control has either 'url' or 'commands', not both");
    }
    if (const YAML::Node n = root["capabilities"]; n.IsDefined()) {
      std::vector<std::string> caps;
      if (!n.IsSequence()) l.error(n, "capabilities must be a list");
      for (const auto& item : n) {
        const std::string c = item.IsScalar() ? item.Scalar() : "";
        if (!protocol::capability::known(c)) {
          std::string m = "unknown capability '" + c + "'";
          m += did_you_mean(c, protocol::capability::kAll);
          l.error(item, m);
        }
        caps.push_back(c);
      }
      p.capabilities = caps;
    }
    if (const YAML::Node t = root["timing"]; t.IsDefined()) {
      l.check_map(t, {"settle", "eventually"}, "timing");
      if (const YAML::Node s = t["settle"]; s.IsDefined()) {
        p.timing.settle = l.duration(s, "timing.settle").value_or(p.timing.settle);
        p.settle_set = true;
      }
      if (const YAML::Node e = t["eventually"]; e.IsDefined())
        p.timing.eventually = l.duration(e, "timing.eventually").value_or(p.timing.eventually);
    }
  } catch (const YAML::Exception& e) {
    l.errors().push_back(SourceError{SourcePos{path, e.mark.line + 1, e.mark.column + 1}, e.msg});
  }
  if (!l.errors().empty()) return Unexpected{l.errors()};
  if (!p.control_token.empty()) l.secrets.push_back(p.control_token);
  p.secrets = l.secrets;
  return p;
}

}  // namespace bis::runner
