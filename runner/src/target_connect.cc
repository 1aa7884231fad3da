#include "bis/runner/target_connect.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "bis/common/control_surface.h"
#include "bis/common/file.h"
#include "bis/common/fixtures.h"
#include "bis/common/protocol.h"
#include "bis/runner/target_profile.h"

namespace bis::runner {

using nlohmann::json;
namespace fs = std::filesystem;

ConnectedTarget::~ConnectedTarget() {
  // Close our keep-alive connections first: a server waits for open ones before it exits.
  target.control.reset();
  target.api.reset();
  if (mock) mock->stop();
}

namespace {

constexpr std::string_view kListening = "bis-mock listening on ";

Unexpected<ConnectError> fail(int code, std::string message) {
  return Unexpected{ConnectError{code, std::move(message)}};
}

// The health record's protocol checks.
Expected<json, ConnectError> check_health(const json& h, const std::string& where,
                                          const std::string& hint) {
  if (!h.is_object() || !h.contains("protocol")) {
    return fail(2,
                where + ": GET /health did not answer the control protocol's health record" + hint);
  }
  if (h["protocol"] != json(std::string(protocol::kVersion))) {
    return fail(2, where + ": control protocol version " + h["protocol"].dump() +
                       " is not supported (this runner speaks " + std::string(protocol::kVersion) +
                       ")");
  }
  return h;
}

// GET /health of a control surface; the first contact with a mock-like target.
Expected<json, ConnectError> health(ControlSurface& control, Duration timeout,
                                    const std::string& where) {
  ControlCall call;
  call.action = "health";
  ControlResult r = control.call(call, timeout);
  // A URL target must speak the control protocol; anything else needs a profile.
  const std::string hint =
      " (a URL target must serve the control protocol at /__admin, as bis-mock does; describe "
      "any other implementation with a target profile: --target PROFILE.yaml, see "
      "docs/targets.md)";
  if (!r.error.empty()) {
    const bool unreachable = r.transport != TransportError::kNone;
    if (unreachable) return fail(3, "target unreachable: " + where + ": " + r.error);
    return fail(2, where + ": " + r.error + hint);
  }
  return check_health(*r.answer, where, hint);
}

void apply_health(Target& t, const json& h) {
  t.info.implementation = h.value("implementation", "");
  t.info.protocol_version = h.value("protocol", "");
  if (auto s = h.find("synchronous"); s != h.end() && s->is_boolean()) {
    t.timing.synchronous = s->get<bool>();
  }
  if (auto caps = h.find("capabilities"); caps != h.end() && caps->is_array()) {
    for (const auto& c : *caps) {
      if (c.is_string()) t.capabilities.push_back(c);
    }
  }
}

// A mock-like target: everything comes from its control protocol. `read_health` is its health
// record when the caller has just read it (waiting for a bundled mock to start): not read twice.
Expected<bool, ConnectError> connect_mock_like(Target& t, const std::string& url,
                                               const ConnectOptions& o,
                                               const json* read_health = nullptr) {
  auto api = HttpClient::create(url, o.tls, o.connections);
  if (!api) return fail(2, "--target: " + api.error());
  t.api = std::move(*api);
  // The control surface gets connections of its own: a scenario's hostile request must not
  // reach an observation through a connection they would otherwise share.
  auto admin = HttpClient::create(url + std::string(protocol::kAdminPrefix), o.tls, o.connections);
  if (!admin) return fail(2, "--target: " + admin.error());
  t.control = make_http_control(std::shared_ptr<HttpClient>(std::move(*admin)), o.admin_token);
  t.info.base_url = url;
  t.headers = o.headers;
  t.endpoints = default_endpoints();
  auto h = read_health ? check_health(*read_health, url, "") : health(*t.control, o.timeout, url);
  if (!h) return Unexpected{h.error()};
  apply_health(t, *h);
  t.redactor.add_secret(o.admin_token);
  if (!t.has_capability(protocol::capability::kFixtures)) return true;  // no target.* values
  ControlCall call;
  call.action = "fixtures";
  ControlResult r = t.control->call(call, o.timeout);
  if (!r.error.empty()) return fail(2, url + ": cannot read the fixtures: " + r.error);
  auto fixtures = fixtures::fixtures_from_json(*r.answer, fixtures::UnknownKeys::kIgnore);
  if (!fixtures) return fail(2, url + ": GET /__admin/fixtures: " + fixtures.error());
  t.values = values_from_fixtures(*fixtures, o.run_id);
  t.unbatched_accounts = unbatched_accounts(*fixtures);
  for (const auto& a : fixtures->accounts) t.redactor.add_secret(a.private_key);
  return true;
}

// A capability that needs the control surface must have one: a protocol URL, or the
// commands for its actions. "" when consistent.
std::string check_control_covers(const std::vector<std::string>& capabilities,
                                 const TargetProfile& p) {
  if (!p.control_url.empty()) return "";
  for (const auto& c : capabilities) {
    // Catalog is the inventory call creating variants: it needs what inventory needs.
    const std::string_view needs = c == protocol::capability::kCatalog
                                       ? protocol::capability::kInventory
                                       : std::string_view(c);
    for (const protocol::Route& r : protocol::routes()) {
      if (!r.needed_for_capability || r.capability != needs) continue;
      if (p.commands.empty()) {
        return "capability '" + c + "' needs a control surface (control.url or control.commands)";
      }
      if (!p.commands.count(std::string(r.name))) {
        return "capability '" + c + "' needs control.commands." + std::string(r.name);
      }
    }
  }
  return "";
}

Expected<bool, ConnectError> connect_profile(Target& t, const ConnectOptions& o, bool& settle_set) {
  auto loaded = load_target_profile(o.target);
  if (!loaded) {
    std::string m;
    for (const auto& e : loaded.error()) m += (m.empty() ? "" : "\n") + e.to_string();
    return fail(2, m);
  }
  TargetProfile& p = *loaded;
  for (const auto& s : p.secrets) t.redactor.add_secret(s);
  const TlsOptions tls = o.tls_set ? o.tls : p.tls;
  auto api = HttpClient::create(p.base_url, tls, o.connections);
  if (!api) return fail(2, o.target + ": " + api.error());
  t.api = std::move(*api);
  t.info.kind = "profile";
  t.info.name = p.name;
  t.info.base_url = p.base_url;
  t.headers = p.headers;
  t.headers.insert(t.headers.end(), o.headers.begin(), o.headers.end());
  t.endpoints = p.endpoints;
  t.values = p.values;
  t.email_domain = p.email_domain;
  t.timing = p.timing;
  settle_set = p.settle_set;
  // Every private key is a secret, wherever it came from.
  if (t.values.contains("private_key")) {
    t.redactor.add_secret(t.values["private_key"].get<std::string>());
  }
  if (t.values.contains("accounts")) {
    for (const auto& [name, account] : t.values["accounts"].items()) {
      if (account.contains("private_key")) {
        t.redactor.add_secret(account["private_key"].get<std::string>());
      }
    }
  }
  std::optional<json> h;
  if (!p.control_url.empty()) {
    auto admin = HttpClient::create(p.control_url, tls, o.connections);
    if (!admin) return fail(2, o.target + ": control.url: " + admin.error());
    t.control = make_http_control(std::shared_ptr<HttpClient>(std::move(*admin)), p.control_token);
    auto checked = health(*t.control, o.timeout, p.control_url);
    if (!checked) return Unexpected{checked.error()};
    h = *checked;
  } else if (!p.commands.empty()) {
    t.control = make_shell_control(p.commands, p.commands_cwd, {});
  }
  if (p.capabilities) {
    t.capabilities = *p.capabilities;
  } else if (h) {
    apply_health(t, *h);
  } else {
    // No list and no protocol to ask: what the commands make possible.
    t.capabilities.push_back(std::string(protocol::capability::kSubscribe));
    for (const auto& [action, cmd] : p.commands) {
      const protocol::Route* r = protocol::find_route(
          action, {protocol::RouteKind::kAction, protocol::RouteKind::kObservation});
      // A capability's first needed command offers it; check_control_covers wants the rest.
      if (!r || !r->needed_for_capability) continue;
      const std::string cap(r->capability);
      if (std::find(t.capabilities.begin(), t.capabilities.end(), cap) == t.capabilities.end())
        t.capabilities.push_back(cap);
    }
  }
  if (auto e = check_control_covers(t.capabilities, p); !e.empty())
    return fail(2, o.target + ": " + e);
  // A control surface that lists its fixtures gives what the profile does not: the
  // out-of-stock variants a catalog-less target's restock scenarios use, above all.
  if (h && t.has_capability(protocol::capability::kFixtures)) {
    ControlCall call;
    call.action = "fixtures";
    ControlResult r = t.control->call(call, o.timeout);
    if (!r.error.empty()) return fail(2, p.control_url + ": cannot read the fixtures: " + r.error);
    auto fixtures = fixtures::fixtures_from_json(*r.answer, fixtures::UnknownKeys::kIgnore);
    if (!fixtures) return fail(2, p.control_url + ": GET /fixtures: " + fixtures.error());
    t.values = merge_profile_values(p.values, *fixtures, o.run_id);
    t.unbatched_accounts = unbatched_accounts(*fixtures);
    for (const auto& a : fixtures->accounts) t.redactor.add_secret(a.private_key);
  }
  if (h) {
    t.info.implementation = h->value("implementation", "");
    t.info.protocol_version = h->value("protocol", "");
  }
  // First contact with the API itself: any HTTP answer means it is reachable.
  HttpRequest probe;
  probe.method = "HEAD";
  probe.target = p.endpoints.subscribe;
  probe.headers = t.headers;
  HttpResult r = t.api->send(probe, o.timeout);
  if (!r.response) return fail(3, "target unreachable: " + p.base_url + ": " + r.error);
  return true;
}

Expected<bool, ConnectError> start_mock(ConnectedTarget& c, ConnectOptions o) {
  auto exe = find_mock_executable(o.mock_exe);
  if (!exe) return fail(3, exe.error());
  std::vector<std::string> args = {"--port", "0", "--quiet"};
  args.insert(args.end(), o.mock_args.begin(), o.mock_args.end());
  auto child = ChildProcess::spawn(*exe, args);
  if (!child) return fail(3, "cannot start " + *exe + ": " + child.error());
  c.mock = std::move(*child);
  auto line = c.mock->wait_for_line(kListening, o.mock_start_timeout);
  if (!line) return fail(3, *exe + " did not start: " + line.error());
  std::string url = line->substr(kListening.size());
  if (const size_t space = url.find_first_of(" \t"); space != std::string::npos) url.resize(space);
  c.mock->drain_stderr();
  // It listens; wait until it serves the control protocol (bounded).
  auto admin = HttpClient::create(url + std::string(protocol::kAdminPrefix), {}, 1);
  if (!admin) return fail(3, *exe + " announced a bad URL: " + admin.error());
  HttpRequest req;
  req.target = "/health";
  const auto deadline = std::chrono::steady_clock::now() + o.mock_start_timeout;
  auto pause = std::chrono::milliseconds(1);
  json read_health;
  for (;;) {
    HttpResult r = (*admin)->send(req, Duration(1000));
    if (r.response && r.response->status == 200) {
      read_health = json::parse(r.response->body, nullptr, false);
      break;
    }
    if (!c.mock->running() || std::chrono::steady_clock::now() + pause > deadline) {
      return fail(3, *exe + " is not healthy at " + url + "/__admin/health" +
                         (r.response ? " (status " + std::to_string(r.response->status) + ")"
                                     : ": " + r.error) +
                         "; it wrote:\n" + c.mock->stderr_text());
    }
    std::this_thread::sleep_for(pause);  // readiness polling with back-off, bounded by the deadline
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  c.target.info.kind = "mock";
  c.target.info.name = "bis-mock (bundled)";
  o.admin_token.clear();
  auto ok = connect_mock_like(c.target, url, o, read_health.is_discarded() ? nullptr : &read_health);
  if (!ok) return ok;
  c.target.info.kind = "mock";
  return true;
}

}  // namespace

Expected<std::string, std::string> find_mock_executable(const std::string& explicit_path) {
  std::error_code ec;
  if (!explicit_path.empty()) {
    if (access(explicit_path.c_str(), X_OK) == 0 && !fs::is_directory(explicit_path, ec))
      return explicit_path;
    return Unexpected{"--mock-exe " + explicit_path + ": not an executable file"};
  }
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path beside = self.parent_path() / "bis-mock";
    if (access(beside.c_str(), X_OK) == 0) return beside.string();
  }
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest(path);
    while (!rest.empty()) {
      const size_t colon = rest.find(':');
      const std::string dir(rest.substr(0, colon));
      const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "bis-mock";
      if (access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate, ec))
        return candidate.string();
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  return Unexpected{
      std::string("cannot find bis-mock (not next to bis-conform, not on PATH); build it, or pass "
                  "--mock-exe PATH, or --target URL")};
}

namespace {

// A --target that names a file the user meant as a profile, rather than a mistyped mode.
bool looks_like_file(const std::string& target) {
  std::error_code ec;
  const std::string ext = fs::path(target).extension().string();
  return target.find('/') != std::string::npos || ext == ".yaml" || ext == ".yml" ||
         fs::exists(target, ec);
}

}  // namespace

Expected<std::unique_ptr<ConnectedTarget>, ConnectError> connect_target(const ConnectOptions& o) {
  auto c = std::make_unique<ConnectedTarget>();
  Expected<bool, ConnectError> ok = true;
  bool profile_settle_set = false;
  if (o.target == "mock") {
    ok = start_mock(*c, o);
  } else if (o.target.rfind("http://", 0) == 0 || o.target.rfind("https://", 0) == 0) {
    std::string url = o.target;
    while (url.size() > 8 && url.back() == '/') url.pop_back();
    c->target.info.kind = "url";
    c->target.info.name = url;
    ok = connect_mock_like(c->target, url, o);
  } else if (std::error_code ec; fs::is_regular_file(o.target, ec)) {
    ok = connect_profile(c->target, o, profile_settle_set);
  } else if (looks_like_file(o.target)) {
    return fail(2, "--target " + o.target +
                       ": cannot read the target profile: " + unreadable_reason(o.target));
  } else {
    return fail(
        2, "--target " + o.target + ": not 'mock', an http(s):// URL, or a target profile file");
  }
  if (!ok) return Unexpected{ok.error()};
  add_flow_accounts(c->target.values);
  Timing& timing = c->target.timing;
  if (o.settle) {
    timing.settle = *o.settle;
  } else if (o.target != "mock" && !profile_settle_set && !timing.synchronous &&
             !c->target.has_capability(protocol::capability::kSettle)) {
    timing.settle = kUnsettledSettleWindow;
  }
  c->target.info.capabilities = c->target.capabilities;
  c->target.info.base_url = c->target.redactor.text(c->target.info.base_url);
  c->target.info.name = c->target.redactor.text(c->target.info.name);
  return c;
}

}  // namespace bis::runner
