// The modern JSON:API endpoints over real sockets (docs/spec/modern-endpoints.md): the SDK's
// exact request, every core rule through the modern path, and each error document's status,
// code and source.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server_support.h"

namespace bis::mock {
namespace {

using nlohmann::json;
using testing::form;
using testing::MockServer;

constexpr const char* kServer = "/api/back-in-stock-subscriptions";
constexpr const char* kRevision = "2026-07-15";

// A back-in-stock body; empty email/phone are left out.
std::string body(const std::string& email, const std::string& variant_id,
                 const json& channels = json::array({"EMAIL"}), const std::string& phone = "") {
  json attrs = json::object();
  if (!email.empty()) attrs["email"] = email;
  if (!phone.empty()) attrs["phone_number"] = phone;
  return json{{"data",
               {{"type", "back-in-stock-subscription"},
                {"attributes",
                 {{"channels", channels},
                  {"profile", {{"data", {{"type", "profile"}, {"attributes", attrs}}}}}}},
                {"relationships",
                 {{"variant", {{"data", {{"type", "catalog-variant"}, {"id", variant_id}}}}}}}}}}
      .dump();
}

std::string shop(const std::string& id) { return "$shopify:::$default:::" + id; }

// The Node SDK's request (api-notes section 2).
httplib::Headers sdk_headers(const std::string& key = "pk_shop") {
  return {{"accept", "application/vnd.api+json"},
          {"revision", kRevision},
          {"authorization", "Klaviyo-API-Key " + key},
          {"user-agent", "klaviyo-api-node/23.0.0"}};
}

httplib::Result post_server(const MockServer& m, const std::string& b,
                            httplib::Headers h = sdk_headers(),
                            const std::string& type = "application/json") {
  return m.client()->Post(kServer, h, b, type.c_str());
}

httplib::Result post_client(const MockServer& m, const std::string& b,
                            const std::string& company = "Shop01",
                            const std::string& path = "/client/back-in-stock-subscriptions") {
  return m.client()->Post((path + "?company_id=" + company).c_str(), {{"revision", kRevision}}, b,
                          "application/vnd.api+json");
}

// The single error of a JSON:API error document, after checking status and media type.
json error_of(const httplib::Result& r, int status) {
  EXPECT_TRUE(r);
  if (!r) return json();
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/vnd.api+json");
  const json j = json::parse(r->body, nullptr, false);
  EXPECT_TRUE(j.is_object() && j["errors"].is_array() && j["errors"].size() == 1) << r->body;
  if (!j.is_object() || !j["errors"].is_array() || j["errors"].empty()) return json();
  const json& e = j["errors"][0];
  for (const char* member : {"id", "code", "title", "detail"}) {
    EXPECT_TRUE(e.contains(member) && e[member].is_string()) << member << ": " << r->body;
  }
  EXPECT_EQ(e["status"], status);
  return e;
}

void expect_pointer(const httplib::Result& r, const std::string& pointer, int status = 400,
                    const std::string& code = "invalid") {
  const json e = error_of(r, status);
  if (!e.is_object()) return;
  EXPECT_EQ(e["code"], code) << e;
  EXPECT_EQ(e["source"], (json{{"pointer", pointer}})) << e;
}

void expect_parameter(const httplib::Result& r, const std::string& parameter) {
  const json e = error_of(r, 400);
  if (!e.is_object()) return;
  EXPECT_EQ(e["code"], "invalid") << e;
  EXPECT_EQ(e["source"], (json{{"parameter", parameter}})) << e;
}

TEST(ModernTest, SdkRequestToTheServerEndpointIs202EmptyAndTaggedServer) {
  MockServer m;
  auto r = post_server(m, body("Sdk@Example.com", shop("111")));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  EXPECT_EQ(r->body, "");
  const json subs = m.get_json("/__admin/subscriptions?email=sdk@example.com");
  ASSERT_EQ(subs["count"], 1u) << subs;
  const json& s = subs["items"][0];
  EXPECT_EQ(s["account"], "Shop01");
  EXPECT_EQ(s["variant"], "111");  // the fixture's id, not the modern one
  EXPECT_EQ(s["platform"], "shopify");
  EXPECT_EQ(s["via"], "server");
  EXPECT_EQ(s["channels"], json::array({"EMAIL"}));
  const json events = m.get_json("/__admin/events?via=server");
  ASSERT_EQ(events["count"], 1u);
  EXPECT_EQ(events["items"][0]["metric"], "Subscribed to Back in Stock");
  EXPECT_EQ(m.count("subscriptions", "via=legacy"), 0u);
}

// The journal's email and variant filters read a modern request's JSON:API body as they read
// a legacy form: an app team looks up what its SDK sent by the shopper's address.
TEST(ModernTest, TheJournalFindsAModernRequestByEmailAndVariant) {
  MockServer m;
  ASSERT_EQ(post_server(m, body("Journal@Example.com", shop("111")))->status, 202);
  ASSERT_EQ(post_server(m, body("other@example.com", shop("222")))->status, 202);
  const json by_email = m.get_json("/__admin/requests?email=journal%40example.com");
  ASSERT_EQ(by_email["count"], 1u) << by_email;
  EXPECT_EQ(by_email["items"][0]["via"], "server");
  EXPECT_EQ(m.get_json("/__admin/requests?variant=111")["count"], 1u);
  EXPECT_EQ(m.get_json("/__admin/requests?variant=%24shopify%3A%3A%3A%24default%3A%3A%3A111")["count"],
            1u);
  EXPECT_EQ(m.get_json("/__admin/requests?email=journal%40example.com&variant=222")["count"], 0u);
}

TEST(ModernTest, ClientEndpointWithAndWithoutTrailingSlashTagsClient) {
  MockServer m;
  auto r1 = post_client(m, body("c1@example.com", shop("111")));
  auto r2 = post_client(m, body("c2@example.com", shop("111")), "Shop01",
                        "/client/back-in-stock-subscriptions/");
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->status, 202) << r1->body;
  EXPECT_EQ(r2->status, 202) << r2->body;
  EXPECT_EQ(m.count("subscriptions", "via=client"), 2u);
  auto slash = m.client()->Post("/api/back-in-stock-subscriptions/", sdk_headers(),
                                body("c3@example.com", shop("111")), "application/vnd.api+json");
  ASSERT_TRUE(slash);
  EXPECT_EQ(slash->status, 202) << slash->body;
}

TEST(ModernTest, LegacyAndOnsitePathsTagTheirRecords) {
  MockServer m;
  ASSERT_EQ(m.post_form(form("Shop01", "l@example.com", "111", "shopify"))->status, 200);
  ASSERT_EQ(m.post_form(form("Shop01", "o@example.com", "111", "shopify"),
                        "/onsite/components/back-in-stock/subscribe")
                ->status,
            200);
  EXPECT_EQ(m.count("subscriptions", "via=legacy&email=l@example.com"), 1u);
  EXPECT_EQ(m.count("events", "via=onsite&email=o@example.com"), 1u);
  auto bad = m.client()->Get("/__admin/subscriptions?via=sideways");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
}

TEST(ModernTest, OneSubscriptionPerProfileAndVariantAcrossPaths) {
  MockServer m;
  ASSERT_EQ(m.post_form(form("Shop01", "d@example.com", "111", "shopify"))->status, 200);
  auto again = post_server(m, body("D@example.com", shop("111")));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 202);
  EXPECT_EQ(again->get_header_value("X-Bis-Mock-Outcome"), "duplicate");
  EXPECT_EQ(post_client(m, body("d@example.com", shop("111")))->status, 202);
  EXPECT_EQ(m.count("subscriptions", "email=d@example.com"), 1u);
  EXPECT_EQ(m.count("events", "email=d@example.com"), 1u);
  // Another variant is another subscription.
  EXPECT_EQ(post_server(m, body("d@example.com", shop("113")))->status, 202);
  EXPECT_EQ(m.count("subscriptions", "email=d@example.com"), 2u);
}

TEST(ModernTest, UnknownVariantIsAcceptedWithNothingRecorded) {
  MockServer m;
  for (const std::string& id : {shop("999"), std::string("$custom:::$default:::111"),
                                std::string("$shopify:::other:::111")}) {
    auto r = post_server(m, body("u@example.com", id));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 202) << id;
    EXPECT_EQ(r->get_header_value("X-Bis-Mock-Outcome"), "unknown-variant") << id;
  }
  EXPECT_EQ(m.count("subscriptions", "email=u@example.com"), 0u);
  EXPECT_EQ(m.count("events", "email=u@example.com"), 0u);
  // A custom catalog's ids are $custom:::$default:::<id>.
  EXPECT_EQ(post_client(m, body("u@example.com", "$custom:::$default:::SKU-1"), "Api003")->status,
            202);
  EXPECT_EQ(m.count("subscriptions", "account=Api003&variant=SKU-1"), 1u);
}

TEST(ModernTest, ClearedAfterNotificationAndNoFlowNoNotification) {
  MockServer m;
  auto c = m.client();
  ASSERT_EQ(post_server(m, body("n@example.com", shop("113")))->status, 202);
  ASSERT_EQ(post_client(m, body("n@example.com", shop("771")), "NoFlo6")->status, 202);
  auto restock = c->Put("/__admin/accounts/Shop01/variants/113", R"({"inventory": 2})",
                        "application/json");
  ASSERT_TRUE(restock);
  EXPECT_EQ(json::parse(restock->body)["notified"], 1);
  auto no_flow = c->Put("/__admin/accounts/NoFlo6/variants/771", R"({"inventory": 2})",
                        "application/json");
  ASSERT_TRUE(no_flow);
  EXPECT_EQ(json::parse(no_flow->body)["notified"], 0);
  EXPECT_EQ(m.count("notifications", "email=n@example.com&via=server"), 1u);
  EXPECT_EQ(m.count("subscriptions", "variant=113"), 0u);
  // Cleared: the profile may subscribe again, and that records a new subscription.
  auto r = post_server(m, body("n@example.com", shop("113")));
  EXPECT_EQ(r->get_header_value("X-Bis-Mock-Outcome"), "subscribed");
  EXPECT_EQ(m.count("subscriptions", "variant=113"), 1u);
}

TEST(ModernTest, SmsNeedsAPhoneNumberAndConsentEmailDoesNot) {
  MockServer m;
  const std::string phone = "+15005550006";
  expect_pointer(post_server(m, body("s@example.com", shop("111"), {"SMS"})),
                 "/data/attributes/profile/data/attributes/phone_number");
  expect_pointer(post_server(m, body("s@example.com", shop("111"), {"SMS"}, "555-0006")),
                 "/data/attributes/profile/data/attributes/phone_number");
  // No consent yet: refused, and nothing recorded.
  expect_pointer(post_server(m, body("s@example.com", shop("111"), {"EMAIL", "SMS"}, phone)),
                 "/data/attributes/profile/data/attributes/phone_number");
  EXPECT_EQ(m.count("subscriptions", "email=s@example.com"), 0u);
  // Consent: a confirmed member of a single opt-in list of the account.
  auto join = m.client()->Post("/api/v2/list/LSgl/subscribe", {{"api-key", "pk_shop"}},
                               json{{"profiles", {{{"phone_number", phone}}}}}.dump(),
                               "application/json");
  ASSERT_TRUE(join);
  ASSERT_EQ(join->status, 200) << join->body;
  auto both = post_server(m, body("s@example.com", shop("111"), {"EMAIL", "SMS"}, phone));
  ASSERT_TRUE(both);
  EXPECT_EQ(both->status, 202) << both->body;
  const json subs = m.get_json("/__admin/subscriptions?email=s@example.com");
  ASSERT_EQ(subs["count"], 1u);
  EXPECT_EQ(subs["items"][0]["channels"], json::array({"EMAIL", "SMS"}));
  // SMS only, no email: the phone number is the profile.
  auto sms_only = post_server(m, body("", shop("113"), {"SMS"}, phone));
  ASSERT_TRUE(sms_only);
  EXPECT_EQ(sms_only->status, 202) << sms_only->body;
  EXPECT_EQ(m.count("subscriptions", "variant=113"), 1u);
  // EMAIL without an email.
  expect_pointer(post_server(m, body("", shop("111"), {"EMAIL"}, phone)),
                 "/data/attributes/profile/data/attributes/email");
}

TEST(ModernTest, RevisionIsRequiredWellFormedAndNotOlderThanTheEndpoint) {
  MockServer m;
  const std::string b = body("r@example.com", shop("111"));
  httplib::Headers none = sdk_headers();
  none.erase("revision");
  expect_parameter(post_server(m, b, none), "revision");
  for (const char* bad : {"2026-13-01", "2026-02-30", "2026-7-15", "latest", "2026-07-15.",
                          "2023-06-15", "2999-01-01"}) {
    httplib::Headers h = sdk_headers();
    h.erase("revision");
    h.emplace("revision", bad);
    SCOPED_TRACE(bad);
    expect_parameter(post_server(m, b, h), "revision");
  }
  for (const char* good : {"2023-07-15", "2024-02-15", "2026-07-15.pre"}) {
    httplib::Headers h = sdk_headers();
    h.erase("revision");
    h.emplace("revision", good);
    auto r = post_server(m, body(std::string("ok-") + good + "@example.com", shop("111")), h);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 202) << good << ": " << r->body;
  }
  EXPECT_EQ(m.count("subscriptions", "email=r@example.com"), 0u);
}

TEST(ModernTest, ServerKeyErrorsAre401AndClientKeyErrors400) {
  MockServer m;
  const std::string b = body("k@example.com", shop("111"));
  httplib::Headers none = sdk_headers();
  none.erase("authorization");
  EXPECT_EQ(error_of(post_server(m, b, none), 401)["code"], "not_authenticated");
  httplib::Headers bearer = none;
  bearer.emplace("authorization", "Bearer pk_shop");
  EXPECT_EQ(error_of(post_server(m, b, bearer), 401)["code"], "not_authenticated");
  EXPECT_EQ(error_of(post_server(m, b, sdk_headers("pk_wrong")), 401)["code"],
            "authentication_failed");
  // A near miss of a real key: the answer (and so the journal) shows none of it.
  auto near = post_server(m, b, sdk_headers("pk_shoq"));
  EXPECT_EQ(error_of(near, 401)["code"], "authentication_failed");
  EXPECT_EQ(near->body.find("pk_sho"), std::string::npos) << near->body;
  EXPECT_EQ(error_of(post_server(m, b, sdk_headers("Shop01")), 401)["code"],
            "authentication_failed");
  expect_parameter(post_client(m, b, ""), "company_id");
  expect_parameter(post_client(m, b, "Nope01"), "company_id");
  expect_parameter(post_client(m, b, "pk_shop"), "company_id");  // never a private key
  EXPECT_EQ(m.count("subscriptions", "email=k@example.com"), 0u);
}

TEST(ModernTest, MediaTypesAndMethods) {
  MockServer m;
  const std::string b = body("t@example.com", shop("111"));
  EXPECT_EQ(error_of(post_server(m, b, sdk_headers(), "text/plain"), 415)["code"],
            "unsupported_media_type");
  EXPECT_EQ(error_of(post_server(m, b, sdk_headers(), "application/x-www-form-urlencoded"), 415)
                ["code"],
            "unsupported_media_type");
  EXPECT_EQ(post_server(m, b, sdk_headers(), "application/vnd.api+json; charset=utf-8")->status,
            202);
  auto get = m.client()->Get(kServer);
  const json e = error_of(get, 405);
  EXPECT_EQ(e["code"], "method_not_allowed");
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
  auto put = m.client()->Put("/client/back-in-stock-subscriptions", b, "application/json");
  error_of(put, 405);
  EXPECT_EQ(put->get_header_value("Allow"), "POST, OPTIONS");
}

TEST(ModernTest, ClientPathsAnswerCorsTheServerPathDoesNot) {
  MockServer m;
  auto pre = m.client()->Options("/client/back-in-stock-subscriptions?company_id=Shop01",
                                 {{"Origin", "https://shop.example"},
                                  {"Access-Control-Request-Method", "POST"},
                                  {"Access-Control-Request-Headers", "content-type, revision"}});
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 204);
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Headers"), "content-type, revision");
  auto r = post_client(m, body("cors@example.com", shop("111")));
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
  auto server_pre = m.client()->Options(kServer);
  ASSERT_TRUE(server_pre);
  EXPECT_EQ(server_pre->status, 405);
  EXPECT_FALSE(post_server(m, body("cors@example.com", shop("113")))
                   ->has_header("Access-Control-Allow-Origin"));
}

TEST(ModernTest, BodyErrorsPointAtTheMemberAtFault) {
  MockServer m;
  const auto with = [](const std::function<void(json&)>& change) {
    json j = json::parse(body("b@example.com", shop("111")));
    change(j);
    return j.dump();
  };
  EXPECT_FALSE(error_of(post_server(m, "{not json"), 400).contains("source"));
  expect_pointer(post_server(m, "{}"), "/data");
  expect_pointer(post_server(m, with([](json& j) { j["data"]["type"] = "subscription"; })),
                 "/data/type");
  expect_pointer(post_server(m, with([](json& j) { j["data"]["attributes"].erase("channels"); })),
                 "/data/attributes/channels");
  expect_pointer(post_server(m, with([](json& j) { j["data"]["attributes"]["channels"] = json::array(); })),
                 "/data/attributes/channels");
  expect_pointer(post_server(m, body("b@example.com", shop("111"), {"EMAIL", "FAX"})),
                 "/data/attributes/channels/1");
  expect_pointer(post_client(m, with([](json& j) { j["data"]["attributes"].erase("profile"); })),
                 "/data/attributes/profile");
  expect_pointer(post_server(m, with([](json& j) { j["data"].erase("relationships"); })),
                 "/data/relationships");
  expect_pointer(post_server(m, body("b@example.com", "111")),
                 "/data/relationships/variant/data/id");
  expect_pointer(post_server(m, body("test@klaviyo", shop("111"))),
                 "/data/attributes/profile/data/attributes/email");
  // An account whose integration cannot use back in stock.
  expect_pointer(post_client(m, body("b@example.com", "$custom:::$default:::551"), "NoInv4"),
                 "/data/relationships/variant/data/id");
  EXPECT_EQ(m.count("subscriptions", "email=b@example.com"), 0u);
}

TEST(ModernTest, ClientListCallJoinsTheListWithItsSemantics) {
  MockServer m;
  const auto list_body = [](const std::string& list, const json& attrs) {
    return json{{"data",
                 {{"type", "subscription"},
                  {"attributes", {{"profile", {{"data", {{"type", "profile"}, {"attributes", attrs}}}}}}},
                  {"relationships", {{"list", {{"data", {{"type", "list"}, {"id", list}}}}}}}}}}
        .dump();
  };
  auto single = post_client(m, list_body("LSgl", {{"email", "L@example.com"}}), "Shop01",
                            "/client/subscriptions");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->status, 202) << single->body;
  EXPECT_EQ(single->body, "");
  auto dbl = post_client(m, list_body("LDbl", {{"email", "L@example.com"}}), "Shop01",
                         "/client/subscriptions/");
  EXPECT_EQ(dbl->status, 202) << dbl->body;
  const json sgl = m.get_json("/__admin/lists/LSgl/members");
  ASSERT_EQ(sgl["count"], 1u) << sgl;
  EXPECT_EQ(sgl["items"][0]["status"], "subscribed");
  EXPECT_EQ(m.get_json("/__admin/lists/LDbl/members")["items"][0]["status"], "pending");
  // Never a back-in-stock subscription.
  EXPECT_EQ(m.count("subscriptions", "email=l@example.com"), 0u);
  expect_pointer(post_client(m, list_body("Nope", {{"email", "x@example.com"}}), "Shop01",
                             "/client/subscriptions"),
                 "/data/relationships/list/data/id");
  expect_pointer(post_client(m, list_body("LSgl", json::object()), "Shop01", "/client/subscriptions"),
                 "/data/attributes/profile/data/attributes");
  expect_parameter(post_client(m, list_body("LSgl", {{"email", "x@example.com"}}), "Nope01",
                               "/client/subscriptions"),
                   "company_id");
}

TEST(ModernTest, JournalTagsAndFiltersRequestsByPath) {
  MockServer m;
  ASSERT_EQ(post_server(m, body("j@example.com", shop("111")))->status, 202);
  ASSERT_EQ(m.post_form(form("Shop01", "j2@example.com", "111", "shopify"))->status, 200);
  const json server = m.get_json("/__admin/requests?via=server");
  ASSERT_EQ(server["count"], 1u) << server;
  EXPECT_EQ(server["items"][0]["via"], "server");
  EXPECT_EQ(server["items"][0]["status"], 202);
  // The private key does not leave through the journal.
  EXPECT_EQ(server.dump().find("pk_shop"), std::string::npos);
  EXPECT_EQ(m.get_json("/__admin/requests?via=legacy")["count"], 1u);
}

}  // namespace
}  // namespace bis::mock
