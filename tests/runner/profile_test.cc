// Target profiles: shell-command control hooks, secrets from the environment, https.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdlib.h>

#include "bis/runner/process.h"
#include "bis/runner/target_profile.h"
#include "run_fixture.h"
#include "test_server.h"

namespace bis::testing {
namespace {

using runner::Verdict;

constexpr const char* kHookSuite = R"(suite: hooks
scenarios:
  - id: hooks-work
    covers: [R-MUST]
    steps:
      - request:
          endpoint: subscribe
          headers: {api-key: "{{ target.private_key }}"}
          form: {a: "{{ target.key }}", email: "{{ unique_email }}", variant: "{{ target.variants.in_stock }}", platform: "{{ target.platform }}"}
        expect: {status: 200}
      - observe: {what: subscriptions, email: "{{ unique_email }}"}
        eventually: true
        expect: {count: 1}
      - observe: {what: events, email: "{{ unique_email }}"}
        eventually: true
        expect: {count: 1, match: {"$[0].variant": "{{ target.variants.in_stock }}"}}
      - control: {action: set_inventory, variant: "{{ target.variants.out_of_stock }}", inventory: 0}
        expect: {match: {$.inventory: 0, $.account: "{{ target.key }}"}}
  - id: hook-fails
    covers: [R-MUST-2]
    steps:
      - observe: {what: notifications}
        consistently: true
        expect: {count: 0}
)";

std::string profile(const std::string& base_url, const std::string& admin) {
  return "name: hooked\nbase_url: " + base_url + R"(
account: {key: PkTest, platform: shopify, private_key: {env: BIS_TEST_PRIVATE_KEY}}
variants: {in_stock: "100", out_of_stock: "200"}
capabilities: [subscribe, subscriptions, events, inventory, notifications]
control:
  commands:
    subscriptions: curl -sf ")" +
         admin + R"(/subscriptions?email=$BIS_EMAIL"
    events: curl -sf ")" +
         admin + R"(/events" | cat
    set_inventory: curl -sf -X PUT --data-binary @- ")" +
         admin + R"(/accounts/$BIS_ACCOUNT/variants/$BIS_VARIANT"
    notifications: echo boom >&2; exit 3
)";
}

TEST(TargetProfileTest, ShellHooksDriveControlAndObservations) {
  TestServer server;
  TempDir dir;
  setenv("BIS_TEST_PRIVATE_KEY", TestServer::kPrivateKey, 1);
  runner::ConnectOptions o;
  o.target = dir.write("staging.yaml", profile(server.url(), server.url() + "/__admin"));
  auto c = runner::connect_target(o);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ((*c)->target.info.kind, "profile");
  EXPECT_EQ((*c)->target.info.name, "hooked");
  auto result = run_suite(kHookSuite, (*c)->target);
  const auto& ok = scenario(result, "hooks-work");
  EXPECT_EQ(ok.verdict, Verdict::kPass) << ok.reason;
  ASSERT_EQ(ok.steps.size(), 4u);
  EXPECT_EQ(ok.steps[3].exchanges[0].method, "SHELL");
  EXPECT_NE(ok.steps[3].exchanges[0].curl.find("BIS_ACTION=set_inventory"), std::string::npos);
  const auto& failing = scenario(result, "hook-fails");
  EXPECT_EQ(failing.verdict, Verdict::kError);
  EXPECT_NE(failing.reason.find("failed (exit 3): boom"), std::string::npos) << failing.reason;
  // The private key came from the environment: it is a secret.
  const auto& sent = ok.steps[0].exchanges[0].request_headers;
  const auto key = std::find_if(sent.begin(), sent.end(),
                                [](const auto& h) { return h.first == "api-key"; });
  ASSERT_NE(key, sent.end());  // the header was sent, and recorded redacted
  EXPECT_EQ(key->second, "[REDACTED]");
  EXPECT_EQ(ok.steps[0].exchanges[0].curl.find(TestServer::kPrivateKey), std::string::npos);
}

// The settle window: 2s for a profile whose target cannot say when it is done, its own
// timing.settle when it gives one, 0 with a settle hook, and --settle over all of them.
TEST(TargetProfileTest, TheSettleWindowComesFromTheProfileTheTargetOrTheCommandLine) {
  TestServer server;
  TempDir dir;
  setenv("BIS_TEST_PRIVATE_KEY", TestServer::kPrivateKey, 1);
  const std::string base = profile(server.url(), server.url() + "/__admin");
  auto settle_of = [&](const std::string& text, std::optional<runner::Duration> flag) {
    runner::ConnectOptions o;
    o.target = dir.write("p.yaml", text);
    o.settle = flag;
    auto c = runner::connect_target(o);
    EXPECT_TRUE(c) << c.error().message;
    return c ? (*c)->target.timing.settle : runner::Duration(-1);
  };
  EXPECT_EQ(settle_of(base, std::nullopt), runner::kUnsettledSettleWindow);
  EXPECT_EQ(settle_of(base + "timing: {settle: 3s}\n", std::nullopt), runner::Duration(3000));
  EXPECT_EQ(settle_of(base + "timing: {settle: 3s}\n", runner::Duration(0)), runner::Duration(0));
  std::string hooked = base;
  hooked.replace(hooked.find("notifications]"), 14, "notifications, settle]");
  hooked.replace(hooked.find("    notifications:"), 0,
                 "    settle: echo '{\"settled\":true,\"pending\":0}'\n");
  EXPECT_EQ(settle_of(hooked, std::nullopt), runner::Duration(0));
  EXPECT_EQ(settle_of(hooked, runner::Duration(500)), runner::Duration(500));
  // The hook runs before the absence check reads.
  runner::ConnectOptions o;
  o.target = dir.write("p.yaml", hooked);
  auto c = runner::connect_target(o);
  ASSERT_TRUE(c) << c.error().message;
  auto result = run_suite(R"(suite: settles
scenarios:
  - id: nobody
    covers: [R-MUST]
    steps:
      - observe: {what: subscriptions, email: nobody@example.com}
        consistently: true
        expect: {count: 0}
)",
                          (*c)->target);
  const auto& sc = scenario(result, "nobody");
  EXPECT_EQ(sc.verdict, Verdict::kPass) << sc.reason;
  ASSERT_EQ(sc.steps.size(), 1u);
  ASSERT_FALSE(sc.steps[0].notes.empty());
  EXPECT_EQ(sc.steps[0].notes[0].rfind("settled in ", 0), 0u) << sc.steps[0].notes[0];
}

TEST(TargetProfileTest, ErrorsPointIntoTheProfile) {
  TempDir dir;
  unsetenv("BIS_TEST_UNSET_VARIABLE");
  const std::string file = dir.write("bad.yaml", R"(base_url: ftp://x
account: {key: {env: BIS_TEST_UNSET_VARIABLE}, platform: shopfiy}
capabilites: [subscribe]
control: {commands: {evnts: "true"}}
)");
  auto p = runner::load_target_profile(file);
  ASSERT_FALSE(p);
  std::string all;
  for (const auto& e : p.error()) all += e.to_string() + "\n";
  EXPECT_NE(all.find(file + ":1:11: unsupported scheme 'ftp'"), std::string::npos) << all;
  EXPECT_NE(all.find("environment variable BIS_TEST_UNSET_VARIABLE (for account.key) is not set"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("unknown platform 'shopfiy' (did you mean 'shopify'?)"), std::string::npos)
      << all;
  EXPECT_NE(
      all.find("unknown key 'capabilites' in a target profile (did you mean 'capabilities'?)"),
      std::string::npos)
      << all;
  EXPECT_NE(all.find("unknown control action 'evnts' (did you mean 'events'?)"), std::string::npos)
      << all;
  runner::ConnectOptions o;
  o.target = file;
  auto c = runner::connect_target(o);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().exit_code, 2);
}

TEST(TargetProfileTest, RejectsADuplicateKeyWithItsPosition) {
  TempDir dir;
  const std::string file = dir.write("dup.yaml", R"(base_url: http://127.0.0.1:1
account:
  key: PkShop
  platform: shopify
  key: PkOther
)");
  auto p = runner::load_target_profile(file);
  ASSERT_FALSE(p);
  std::string all;
  for (const auto& e : p.error()) all += e.to_string() + "\n";
  EXPECT_NE(all.find(file + ":5:3: duplicate key 'key'"), std::string::npos) << all;
}

TEST(TargetProfileTest, ACapabilityThatNeedsControlNeedsItsCommand) {
  TestServer server;
  TempDir dir;
  runner::ConnectOptions o;
  o.target =
      dir.write("p.yaml", "base_url: " + server.url() + "\ncapabilities: [subscribe, events]\n");
  auto none = runner::connect_target(o);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().exit_code, 2);
  EXPECT_NE(none.error().message.find("capability 'events' needs a control surface"),
            std::string::npos)
      << none.error().message;
  o.target =
      dir.write("q.yaml", "base_url: " + server.url() +
                              "\ncapabilities: [flow]\ncontrol: {commands: {set_flow: 'true'}}\n");
  auto half = runner::connect_target(o);
  ASSERT_FALSE(half);
  EXPECT_NE(half.error().message.find("capability 'flow' needs control.commands.remove_flow"),
            std::string::npos)
      << half.error().message;
}

// A scenario reads a flow through a hook and its `finally` puts back exactly that: an absent
// flow is removed, a flow the target has is sent back as read, without the keys protocol 1
// does not define (a client ignores them). A scenario using an action the hooks lack is not
// applicable, not an error.
TEST(TargetProfileTest, HooksReadAFlowAndFinallyPutsBackExactlyThat) {
  TestServer server;
  TempDir dir;
  runner::ConnectOptions o;
  o.target = dir.write("hooks.yaml", "base_url: " + server.url() + R"(
capabilities: [flow, inventory]
control:
  commands:
    get_flow: >-
      if [ "$BIS_ACCOUNT" = Drafty ]; then
      echo '{"account": "Drafty", "flow": {"enabled": false, "threshold": 2, "timezone": "UTC"}}';
      else echo '{"account": "'$BIS_ACCOUNT'", "flow": null}'; fi
    set_flow: printf '%s %s ' "$BIS_ACTION" "$BIS_ACCOUNT" >> log; cat >> log; echo >> log
    remove_flow: printf '%s %s\n' "$BIS_ACTION" "$BIS_ACCOUNT" >> log
    set_inventory: 'true'
)");
  auto c = runner::connect_target(o);
  ASSERT_TRUE(c) << c.error().message;
  auto result = run_suite(R"(suite: restore
scenarios:
  - id: flow
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: get_flow, account: NoFlow}
        capture: {none: $.flow}
      - control: {action: get_flow, account: Drafty}
        capture: {draft: $.flow}
      - control: {action: set_flow, account: NoFlow, flow: {threshold: 5}}
      - control: {action: set_flow, account: Drafty, flow: {enabled: true}}
    finally:
      - control: {action: set_flow, account: NoFlow, flow: "{{ none }}"}
      - control: {action: set_flow, account: Drafty, flow: "{{ draft }}"}
  - id: needs-a-read-the-hooks-lack
    covers: [R-MUST-2]
    steps:
      - control: {action: get_inventory, account: A, variant: "1"}
)",
                          (*c)->target);
  const auto& flow = scenario(result, "flow");
  EXPECT_EQ(flow.verdict, Verdict::kPass) << flow.reason;
  std::ifstream in(dir.path() + "/log");
  std::stringstream log;
  log << in.rdbuf();
  EXPECT_EQ(log.str(),
            "set_flow NoFlow {\"threshold\":5}\n"
            "set_flow Drafty {\"enabled\":true}\n"
            "remove_flow NoFlow\n"
            "set_flow Drafty {\"enabled\":false,\"threshold\":2}\n");
  const auto& lacking = scenario(result, "needs-a-read-the-hooks-lack");
  EXPECT_EQ(lacking.verdict, Verdict::kNotApplicable);
  EXPECT_EQ(lacking.reason, "the target has no command for control action get_inventory");
}

// A shell-hook target offers `clock` with an advance_clock command, which gets how far in
// BIS_ADVANCE_MS and the protocol's body on stdin.
TEST(TargetProfileTest, AHookAdvancesTheClock) {
  TestServer server;
  TempDir dir;
  runner::ConnectOptions o;
  o.target = dir.write("hooks.yaml", "base_url: " + server.url() + R"(
capabilities: [clock]
control:
  commands:
    advance_clock: printf '%s %s ' "$BIS_ACTION" "$BIS_ADVANCE_MS" >> log; cat >> log; echo '{}'
)");
  auto c = runner::connect_target(o);
  ASSERT_TRUE(c) << c.error().message;
  auto result = run_suite(R"(suite: clock
scenarios:
  - id: later
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: advance_clock, by: 2m}
)",
                          (*c)->target);
  EXPECT_EQ(scenario(result, "later").verdict, Verdict::kPass) << scenario(result, "later").reason;
  std::ifstream in(dir.path() + "/log");
  std::stringstream log;
  log << in.rdbuf();
  EXPECT_EQ(log.str(), "advance_clock 120000 {\"advance_ms\":120000}");
  auto lacking = runner::connect_target([&] {
    runner::ConnectOptions p;
    p.target = dir.write("half.yaml", "base_url: " + server.url() +
                                          "\ncapabilities: [clock]\ncontrol: {commands: {get_clock: 'true'}}\n");
    return p;
  }());
  ASSERT_FALSE(lacking);
  EXPECT_NE(lacking.error().message.find("capability 'clock' needs control.commands.advance_clock"),
            std::string::npos)
      << lacking.error().message;
}

// A profile without fixtures to read lists the out-of-stock variants its scenarios restock.
TEST(TargetProfileTest, ListsRestockableVariants) {
  TempDir dir;
  auto p = runner::load_target_profile(dir.write("p.yaml", R"(base_url: http://127.0.0.1:9
variants: {out_of_stock: "1", restockable: ["2", 3]}
accounts:
  no_flow: {key: NoFlw1, restockable: ["7"]}
)"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->values["variants"]["restockable"], nlohmann::json::parse(R"(["2", "3"])"));
  EXPECT_EQ(p->values["accounts"]["no_flow"]["restockable"], nlohmann::json::parse(R"(["7"])"));
  auto bad = runner::load_target_profile(dir.write("q.yaml", R"(base_url: http://127.0.0.1:9
account: {key: PkA, restockable: ["1"]}
variants: {restockable: "2"}
)"));
  ASSERT_FALSE(bad);
  std::string all;
  for (const auto& e : bad.error()) all += e.to_string() + "\n";
  EXPECT_NE(all.find("unknown key 'restockable'"), std::string::npos) << all;
  EXPECT_NE(all.find("q.yaml:3:25: variants.restockable must be a list of variant IDs"),
            std::string::npos)
      << all;
}

// A self-signed certificate for 127.0.0.1, made with the openssl command.
struct Certificate {
  TempDir dir;
  std::string cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
  Certificate() {
    auto r = runner::run_shell(
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1",
        {}, "", runner::Duration(30000), dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
};

TEST(TargetProfileTest, HttpsWithACaFileOrInsecureAndATlsFailureIsUnreachable) {
  Certificate cert;
  TestServerOptions o;
  o.cert_file = cert.cert;
  o.key_file = cert.key;
  TestServer server(o);
  TempDir dir;
  const std::string base =
      "base_url: " + server.url() +
      "\naccount: {key: PkTest, platform: shopify}\nvariants: {in_stock: \"100\"}\n"
      "capabilities: [subscribe]\n";
  const char* suite = R"(suite: tls
scenarios:
  - id: over-https
    covers: [R-MUST]
    steps:
      - request:
          endpoint: subscribe
          form: {a: "{{ target.key }}", email: "{{ unique_email }}", variant: "{{ target.variants.in_stock }}", platform: "{{ target.platform }}"}
        expect: {status: 200, json: {email: "{{ unique_email }}", success: true}}
)";
  runner::ConnectOptions verified;
  verified.target = dir.write("ca.yaml", base + "tls: {ca_file: " + cert.cert + "}\n");
  auto c = runner::connect_target(verified);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(scenario(run_suite(suite, (*c)->target), "over-https").verdict, Verdict::kPass);

  runner::ConnectOptions unverified;
  unverified.target = dir.write("plain.yaml", base);
  auto refused = runner::connect_target(unverified);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().exit_code, 3);
  EXPECT_NE(refused.error().message.find("TLS"), std::string::npos) << refused.error().message;

  unverified.tls.insecure = true;
  unverified.tls_set = true;
  auto insecure = runner::connect_target(unverified);
  ASSERT_TRUE(insecure) << insecure.error().message;
  EXPECT_EQ(scenario(run_suite(suite, (*insecure)->target), "over-https").verdict, Verdict::kPass);
}

}  // namespace
}  // namespace bis::testing
