// The control protocol (docs/control-protocol.md) over real sockets.
#include <gtest/gtest.h>

#include "bis/common/control_surface.h"
#include "bis/common/protocol.h"
#include "server_support.h"
#include "support/poll.h"

namespace bis::mock {
namespace {

using nlohmann::json;
using testing::form;
using testing::MockServer;

json body(const httplib::Result& r) { return r ? json::parse(r->body, nullptr, false) : json(); }

TEST(AdminTest, HealthListsProtocolCapabilitiesAndDefects) {
  MockServer m(Defects().add(Defect::kNotifyTwice));
  const json h = m.get_json("/__admin/health");
  EXPECT_EQ(h["status"], "ok");
  EXPECT_EQ(h["protocol"], "1");
  EXPECT_EQ(h["implementation"].get<std::string>().rfind("bis-mock ", 0), 0u);
  std::vector<std::string> capabilities(protocol::capability::kAll.begin(),
                                        protocol::capability::kAll.end());
  EXPECT_EQ(h["capabilities"].get<std::vector<std::string>>(), capabilities);
  EXPECT_EQ(h["defects"], json::array({"notify-twice"}));
}

// Every row of the control-surface table has its handler: its method and path (arguments
// filled with what the default fixtures hold) reach a route, never "no control route".
TEST(AdminTest, EveryRowOfTheControlSurfaceTableHasAHandler) {
  MockServer m;
  auto c = m.client();
  for (const protocol::Route& r : protocol::routes()) {
    const std::string path =
        (r.kind == protocol::RouteKind::kEndpoint ? "" : std::string(protocol::kAdminPrefix)) +
        protocol::expand_path(r.path, {{"account", "Shop01"}, {"variant", "111"}, {"list", "LDbl"}});
    httplib::Request req;
    req.method = std::string(r.method);
    req.path = path;
    if (r.body == protocol::Body::kFixtures) req.body = testing::kTestFixtures;  // unchanged
    if (r.body == protocol::Body::kInventory) req.body = R"({"inventory": 0})";
    if (r.body == protocol::Body::kNull) req.body = "null";
    if (r.body == protocol::Body::kClock) req.body = R"({"advance_ms": 0})";
    if (r.body == protocol::Body::kFlow || r.body == protocol::Body::kSettle) req.body = "{}";
    auto res = c->send(req);
    ASSERT_TRUE(res) << r.name;
    EXPECT_NE(res->status, 404) << r.name << " " << r.method << " " << path << ": " << res->body;
    EXPECT_NE(res->status, 405) << r.name << " " << r.method << " " << path << ": " << res->body;
    EXPECT_LT(res->status, 500) << r.name << ": " << res->body;
    EXPECT_EQ(res->body.find("no control route"), std::string::npos) << r.name;
  }
}

TEST(AdminTest, APathOfTheTableUnderAnotherMethodNamesTheMethodsItHas) {
  MockServer m;
  auto res = m.client()->Post("/__admin/accounts/Shop01/flow", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "GET, PUT, DELETE");
  auto none = m.client()->Get("/__admin/accounts/Shop01");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
}

TEST(AdminTest, FixturesCanBeReadAndReplacedWithJsonOrYaml) {
  MockServer m;
  const json f = m.get_json("/__admin/fixtures");
  EXPECT_EQ(f["accounts"][0]["key"], "Shop01");
  EXPECT_EQ(f["accounts"][0]["platform"], "shopify");
  EXPECT_EQ(f["accounts"][4]["supports_back_in_stock"], false);
  auto c = m.client();
  ASSERT_EQ(m.post_form(form("Shop01", "a@example.com", "111", "shopify"))->status, 200);
  auto put =
      c->Put("/__admin/fixtures", "accounts:\n  - key: Yaml01\n    integration: bigcommerce\n",
             "application/yaml");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(body(put)["accounts"], 1);
  EXPECT_EQ(m.count("subscriptions"), 0u);  // replacing resets
  auto put_json =
      c->Put("/__admin/fixtures", R"({"accounts": [{"key": "Json01", "integration": "shopify"}]})",
             "application/json");
  EXPECT_EQ(put_json->status, 200);
  EXPECT_EQ(m.get_json("/__admin/fixtures")["accounts"][0]["key"], "Json01");
  auto bad = c->Put("/__admin/fixtures", "accounts:\n  - key: Bad01\n    integraton: shopify\n",
                    "application/yaml");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(
      body(bad)["error"],
      "<request body>:3:5: accounts[0]: unknown key 'integraton' (did you mean 'integration'?)");
  EXPECT_EQ(m.get_json("/__admin/fixtures")["accounts"][0]["key"], "Json01");  // unchanged
}

// Found by fuzz/fixtures_loader_fuzz: fixtures holding an alias inside its own anchor took
// the whole mock down (stack overflow) when PUT here; now a 400 that says why.
TEST(AdminTest, FixturesWithACyclicAliasAreRefusedNotACrash) {
  MockServer m;
  auto put = m.client()->Put("/__admin/fixtures", "accounts: &a [*a]\n", "application/yaml");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 400);
  EXPECT_NE(body(put)["error"].get<std::string>().find("alias"), std::string::npos) << put->body;
  EXPECT_EQ(m.get_json("/__admin/fixtures")["accounts"][0]["key"], "Shop01");  // unchanged
}

TEST(AdminTest, ResetReturnsToTheLoadedFixtures) {
  MockServer m;
  auto c = m.client();
  ASSERT_EQ(m.post_form(form("Shop01", "a@example.com", "111", "shopify"))->status, 200);
  c->Put("/__admin/accounts/Shop01/variants/111", R"({"inventory": 7})", "application/json");
  auto r = c->Post("/__admin/reset", "", "application/json");
  EXPECT_EQ(body(r), json({{"reset", true}}));
  EXPECT_EQ(m.count("notifications") + m.count("events") + m.count("subscriptions"), 0u);
  EXPECT_EQ(body(c->Get("/__admin/accounts/Shop01/variants/111"))["inventory"], 0);
}

TEST(AdminTest, FlowsCanBeSetReadAndRemoved) {
  MockServer m;
  auto c = m.client();
  auto set = c->Put("/__admin/accounts/NoFlo6/flow", R"({"threshold": 2, "batch_size": 10})",
                    "application/json");
  ASSERT_EQ(set->status, 200) << set->body;
  EXPECT_EQ(body(set), json({{"account", "NoFlo6"},
                             {"flow",
                              {{"enabled", true},
                               {"threshold", 2},
                               {"batch_size", 10},
                               {"batch_interval_seconds", 0}}}}));
  EXPECT_EQ(body(c->Get("/__admin/accounts/NoFlo6/flow"))["flow"]["threshold"], 2);
  EXPECT_EQ(body(c->Put("/__admin/accounts/NoFlo6/flow", "null", "application/json"))["flow"],
            nullptr);
  c->Put("/__admin/accounts/NoFlo6/flow", "{}", "application/json");
  EXPECT_EQ(body(c->Delete("/__admin/accounts/NoFlo6/flow"))["flow"], nullptr);
  EXPECT_EQ(m.get_json("/__admin/fixtures")["accounts"][6]["flow"], nullptr);
  auto bad = c->Put("/__admin/accounts/NoFlo6/flow", R"({"treshold": 2})", "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(body(bad)["error"], "flow: unknown key 'treshold' (did you mean 'threshold'?)");
  EXPECT_EQ(c->Put("/__admin/accounts/Nope00/flow", "{}", "application/json")->status, 404);
}

TEST(AdminTest, SettingInventoryCreatesVariantsAndReportsTheRestock) {
  MockServer m;
  auto c = m.client();
  auto created = c->Put("/__admin/accounts/Shop01/variants/scenario-v1", R"({"inventory": 0})",
                        "application/json");
  EXPECT_EQ(body(created), json({{"account", "Shop01"},
                                 {"variant", "scenario-v1"},
                                 {"inventory", 0},
                                 {"previous_inventory", 0},
                                 {"created", true},
                                 {"restocked", false},
                                 {"notified", 0},
                                 {"queued", 0},
                                 {"reason",
                                  "not a restock: inventory 0 -> 0 does not cross the threshold 1 "
                                  "upward"}}));
  ASSERT_EQ(m.post_form(form("Shop01", "v@example.com", "scenario-v1", "shopify"))
                ->get_header_value("X-Bis-Mock-Outcome"),
            "subscribed");
  auto restock = body(c->Put("/__admin/accounts/Shop01/variants/scenario-v1", R"({"inventory": 3})",
                             "application/json"));
  EXPECT_EQ(restock["restocked"], true);
  EXPECT_EQ(restock["created"], false);
  EXPECT_EQ(restock["notified"], 1);
  // Variant IDs may hold any character, percent-encoded in the path.
  auto odd = c->Put("/__admin/accounts/Shop01/variants/%24shopify%3A%3A%3A%24default%3A%3A%3A1%2F2",
                    R"({"inventory": 1})", "application/json");
  EXPECT_EQ(body(odd)["variant"], "$shopify:::$default:::1/2");
  EXPECT_EQ(
      c->Put("/__admin/accounts/Shop01/variants/x", R"({"inventory": "3"})", "application/json")
          ->status,
      400);
  EXPECT_EQ(c->Put("/__admin/accounts/Nope00/variants/x", R"({"inventory": 3})", "application/json")
                ->status,
            404);
}

// As a subscribe answer says why nothing was recorded, a restock says why nobody was notified.
TEST(AdminTest, ARestockThatNotifiesNobodySaysWhy) {
  MockServer m;
  auto c = m.client();
  const auto put = [&](const std::string& path, const std::string& inventory) {
    return body(c->Put(path.c_str(), R"({"inventory": )" + inventory + "}", "application/json"));
  };
  ASSERT_EQ(m.post_form(form("NoFlo6", "n@example.com", "771", "shopify"))->status, 200);
  const json no_flow = put("/__admin/accounts/NoFlo6/variants/771", "5");
  EXPECT_EQ(no_flow["restocked"], true);
  EXPECT_EQ(no_flow["notified"], 0);
  EXPECT_EQ(no_flow["reason"], "account NoFlo6 has no back-in-stock flow: nobody is notified");
  ASSERT_EQ(m.post_form(form("Off007", "o@example.com", "881", "shopify"))->status, 200);
  EXPECT_EQ(put("/__admin/accounts/Off007/variants/881", "5")["reason"],
            "account Off007's back-in-stock flow is off: nobody is notified");
  EXPECT_EQ(put("/__admin/accounts/Shop01/variants/113", "5")["reason"],
            "no active subscription to variant '113' to notify");
  ASSERT_EQ(m.post_form(form("Shop01", "s@example.com", "111", "shopify"))->status, 200);
  const json sent = put("/__admin/accounts/Shop01/variants/111", "5");
  EXPECT_EQ(sent["notified"], 1);
  EXPECT_FALSE(sent.contains("reason"));
}

// Nobody reads: the server's timer sends the batch once the (manual) clock says it is due.
TEST(AdminTest, TheTimerSendsADueBatchWithoutAnyRead) {
  MockServer m;  // Mag002: batches of 2 every 60 s
  for (const char* e : {"a@example.com", "b@example.com", "c@example.com"})
    ASSERT_EQ(m.post_form(form("Mag002", e, "331", "magento_two"))->status, 200);
  auto restock = body(m.client()->Put("/__admin/accounts/Mag002/variants/331",
                                      R"({"inventory": 5})", "application/json"));
  ASSERT_EQ(restock["queued"], 1);
  m.harness.clock.advance_ms(60'000);
  // The service itself, not a read of the control surface: only the timer can send it.
  bis::testing::poll_until([&] { return m.harness.service->stats().pending_batches == 0; });
  EXPECT_EQ(m.harness.service->stats().pending_batches, 0u);
  EXPECT_EQ(m.harness.service->stats().notifications, 3u);
}

// An unknown filter would be ignored and the whole list taken for the filtered one.
TEST(AdminTest, AnUnknownFilterIsRefusedNamingTheKnownOnes) {
  MockServer m;
  auto c = m.client();
  auto requests = c->Get("/__admin/requests?status=400");
  ASSERT_TRUE(requests);
  EXPECT_EQ(requests->status, 400);
  EXPECT_EQ(body(requests)["error"],
            "unknown filter 'status' on /__admin/requests (known: path, method, account, email, "
            "variant, via, outcome, limit, before, after, wait_ms)");
  auto typo = c->Get("/__admin/subscriptions?emial=a@example.com");
  EXPECT_EQ(typo->status, 400);
  EXPECT_EQ(body(typo)["error"],
            "unknown filter 'emial' on /__admin/subscriptions (did you mean 'email'?) (known: "
            "account, email, variant, via, limit, before)");
  EXPECT_EQ(c->Get("/__admin/events?store=x")->status, 400);
  EXPECT_EQ(c->Get("/__admin/notifications?batch=1")->status, 400);
  EXPECT_EQ(c->Get("/__admin/lists/LDbl/members?variant=1")->status, 400);
  // The known ones still filter.
  EXPECT_EQ(c->Get("/__admin/requests?path=/x&method=GET&limit=1")->status, 200);
  EXPECT_EQ(c->Get("/__admin/lists/LDbl/members?account=Shop01&email=a@example.com")->status, 200);
}

TEST(AdminTest, ObservationsFilterByAccountEmailAndVariant) {
  MockServer m;
  m.post_form(form("Shop01", "Alice@Example.com", "111", "shopify"));
  m.post_form(form("Shop01", "bob@example.com", "113", "shopify"));
  m.post_form(form("Big001", "alice@example.com", "221", "bigcommerce"));
  EXPECT_EQ(m.count("subscriptions"), 3u);
  EXPECT_EQ(m.count("subscriptions", "account=Shop01"), 2u);
  EXPECT_EQ(m.count("subscriptions", "email=ALICE@example.com"), 2u);
  EXPECT_EQ(m.count("subscriptions", "variant=113"), 1u);
  EXPECT_EQ(m.count("events", "account=Big001&email=alice@example.com"), 1u);
  EXPECT_EQ(m.count("subscriptions", "account=Nope00"), 0u);
  const json s = m.get_json("/__admin/subscriptions?variant=111")["items"][0];
  EXPECT_EQ(s["id"], "sub-1");
  EXPECT_EQ(s["email"], "Alice@Example.com");
  EXPECT_EQ(s["profile"], "alice@example.com");
  EXPECT_EQ(s["store"], nullptr);
  EXPECT_EQ(m.client()->Get("/__admin/lists/Nope/members")->status, 404);
}

TEST(AdminTest, UnknownRoutesAndMethodsAreJsonErrors) {
  MockServer m;
  auto c = m.client();
  auto missing = c->Get("/__admin/nothing");
  EXPECT_EQ(missing->status, 404);
  EXPECT_TRUE(body(missing)["error"].is_string());
  auto method = c->Post("/__admin/health", "", "application/json");
  EXPECT_EQ(method->status, 405);
  EXPECT_EQ(method->get_header_value("Allow"), "GET");
  EXPECT_EQ(c->Get("/__admin/accounts/Shop01/variants/%FF")->status, 400);
}

}  // namespace
}  // namespace bis::mock
