// The served API over real sockets: one test per numbered rule of the issue (docs/mock.md),
// each of which fails if its rule breaks.
#include <gtest/gtest.h>

#include <thread>

#include "bis/mock/api_answers.h"
#include "server_support.h"

namespace bis::mock {
namespace {

using testing::form;
using testing::MockServer;

constexpr const char* kSubscribe = "/api/v1/catalog/subscribe";
constexpr const char* kOnsite = "/onsite/components/back-in-stock/subscribe";

void expect_documented_error(const httplib::Result& r, int status = 400) {
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, status);
  EXPECT_EQ(r->body, kDocumentedErrorBody);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_FALSE(r->get_header_value("X-Bis-Mock-Reason").empty());
}

TEST(ApiRulesTest, Rule01BothPathsTakeUrlencodedAndMultipartBodies) {
  MockServer m;
  auto c = m.client();
  auto r1 = c->Post(
      kSubscribe,
      form("Shop01", "u1@example.com", "111", "shopify") + "&product=42&subscribe_for_newsletter=1",
      "application/x-www-form-urlencoded");
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 200) << r1->body;
  httplib::MultipartFormDataItems items = {
      {"a", "Mag002", "", ""},      {"email", "u2@example.com", "", ""},
      {"variant", "331", "", ""},   {"platform", "magento_two", "", ""},
      {"store", "default", "", ""}, {"extra", "ignored", "", ""}};
  auto r2 = c->Post(kOnsite, items);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200) << r2->body;
  auto r3 = c->Post(kOnsite, form("Shop01", "u3@example.com", "111", "shopify"),
                    "application/x-www-form-urlencoded");
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->status, 200);
  EXPECT_EQ(m.count("subscriptions"), 3u);
  const auto subs = m.get_json("/__admin/subscriptions?email=u2@example.com");
  EXPECT_EQ(subs["items"][0]["store"], "default");
}

TEST(ApiRulesTest, Rule02SuccessIsTheDocumentedBodyEchoingTheEmailAsSent) {
  MockServer m;
  auto r = m.post_form(form("Shop01", "Alice+Tag@Example.COM", "111", "shopify"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(r->body, R"({"email": "Alice+Tag@Example.COM", "success": true})");
}

TEST(ApiRulesTest, Rule03EveryRejectionAnswersTheDocumentedErrorBody) {
  MockServer m;
  const std::string ok_email = "a@example.com";
  const std::pair<std::string, std::string> cases[] = {
      {"email=a%40example.com&variant=111&platform=shopify", "field 'a' is missing"},
      {"a=&email=a%40example.com&variant=111&platform=shopify", "field 'a' is empty"},
      {"a=Shop01&variant=111&platform=shopify", "field 'email' is missing"},
      {"a=Shop01&email=&variant=111&platform=shopify", "field 'email' is empty"},
      {"a=Shop01&email=a%40example.com&platform=shopify", "field 'variant' is missing"},
      {"a=Shop01&email=a%40example.com&variant=111", "field 'platform' is missing"},
      {form("Shop01", "test@klaviyo", "111", "shopify"), "email is malformed: domain has no dot"},
      {form("Shop0", ok_email, "111", "shopify"), "key 'Shop0' is not 6 characters (5)"},
      {form("Shop011", ok_email, "111", "shopify"), "key 'Shop011' is not 6 characters (7)"},
      {form("BadKey", ok_email, "111", "shopify"), "key 'BadKey' is not a known account"},
      {form("Shop01", ok_email, "111", "prestashop"),
       "platform 'prestashop' is not one of shopify, bigcommerce, magento_two, api"},
      {form("Shop01", ok_email, "111", "bigcommerce"),
       "platform 'bigcommerce' does not match account Shop01's shopify integration (expects "
       "'shopify')"},
      {form("None05", ok_email, "661", "shopify"),
       "account None05's integration (none) cannot use back in stock"},
      {form("NoInv4", ok_email, "551", "api"),
       "account NoInv4's integration (custom_catalog_without_inventory) cannot use back in stock"},
  };
  for (const auto& [body, reason] : cases) {
    auto r = m.post_form(body);
    SCOPED_TRACE(body);
    expect_documented_error(r);
    EXPECT_EQ(r->get_header_value("X-Bis-Mock-Reason"), reason);
  }
  // A field given in the query string instead of the body: the reason says why it is missing
  // (and only then: an unrelated query parameter changes nothing).
  auto c = m.client();
  auto queried = c->Post(std::string(kSubscribe) + "?email=a%40example.com",
                         "a=Shop01&variant=111&platform=shopify",
                         "application/x-www-form-urlencoded");
  expect_documented_error(queried);
  EXPECT_EQ(queried->get_header_value("X-Bis-Mock-Reason"),
            "field 'email' is missing (fields in the query string are not read)");
  auto tagged = c->Post(std::string(kSubscribe) + "?utm_source=app",
                        "a=Shop01&variant=111&platform=shopify",
                        "application/x-www-form-urlencoded");
  EXPECT_EQ(tagged->get_header_value("X-Bis-Mock-Reason"), "field 'email' is missing");
  // The status is a per-account setting (Big001 answers rejections with 200).
  expect_documented_error(m.post_form(form("Big001", "test@klaviyo", "221", "bigcommerce")), 200);
  EXPECT_EQ(m.count("subscriptions") + m.count("events"), 0u);
}

TEST(ApiRulesTest, Rule04UnknownVariantAnswersSuccessButRecordsAndQueuesNothing) {
  MockServer m;
  auto r = m.post_form(form("Shop01", "a@example.com", "no-such-variant", "shopify"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"email": "a@example.com", "success": true})");
  EXPECT_EQ(r->get_header_value("X-Bis-Mock-Outcome"), "unknown-variant");
  EXPECT_EQ(m.count("subscriptions") + m.count("events"), 0u);
  auto restock = m.client()->Put("/__admin/accounts/Shop01/variants/no-such-variant",
                                 R"({"inventory": 10})", "application/json");
  ASSERT_TRUE(restock);
  EXPECT_EQ(nlohmann::json::parse(restock->body)["notified"], 0);
  EXPECT_EQ(m.count("notifications"), 0u);
}

TEST(ApiRulesTest, Rule05ConcurrentIdenticalRequestsLeaveOneSubscriptionAndOneEvent) {
  MockServer m;
  const std::string body = form("Shop01", "Same@Example.com", "111", "shopify");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  std::atomic<bool> go{false};
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&] {
      auto c = m.client();
      while (!go) std::this_thread::yield();
      auto r = c->Post(kSubscribe, body, "application/x-www-form-urlencoded");
      if (r && r->status == 200 && r->body == R"({"email": "Same@Example.com", "success": true})")
        ++ok;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 64);
  EXPECT_EQ(m.count("subscriptions"), 1u);
  EXPECT_EQ(m.count("events"), 1u);
  // Profiles are compared case-insensitively.
  auto dup = m.post_form(form("Shop01", "same@example.com", "111", "shopify"));
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, 200);
  EXPECT_EQ(m.count("events"), 1u);
}

TEST(ApiRulesTest, Rule06AProfileWithFiveThousandVariantSubscriptionsWorks) {
  fixtures::Fixtures f = testing::test_fixtures();
  for (int i = 0; i < 5000; ++i) f.accounts[0].variants.push_back({"v" + std::to_string(i), 0, ""});
  MockServer m({}, {}, f);
  auto c = m.client();
  c->set_keep_alive(true);
  for (int i = 0; i < 5000; ++i) {
    auto r =
        c->Post(kSubscribe, form("Shop01", "many@example.com", "v" + std::to_string(i), "shopify"),
                "application/x-www-form-urlencoded");
    ASSERT_TRUE(r && r->status == 200 && r->get_header_value("X-Bis-Mock-Outcome") == "subscribed")
        << i;
  }
  EXPECT_EQ(m.count("subscriptions", "email=many@example.com"), 5000u);
  EXPECT_EQ(m.count("events", "email=many@example.com"), 5000u);
}

TEST(ApiRulesTest, Rule07EachAcceptedSubscriptionRecordsOneEvent) {
  MockServer m;
  ASSERT_EQ(m.post_form(form("Api003", "e@example.com", "SKU-1", "api"))->status, 200);
  const auto events = m.get_json("/__admin/events?email=E@example.com");
  ASSERT_EQ(events["count"], 1);
  const auto& e = events["items"][0];
  EXPECT_EQ(e["metric"], "Subscribed to Back in Stock");
  EXPECT_EQ(e["profile"], "e@example.com");
  EXPECT_EQ(e["variant"], "SKU-1");
  EXPECT_EQ(e["platform"], "api");
  EXPECT_EQ(e["account"], "Api003");
  EXPECT_TRUE(e["time"].is_string());
}

TEST(ApiRulesTest, Rule08RestockNotifiesOnceClearsAndLetsTheProfileSubscribeAgain) {
  MockServer m;
  auto c = m.client();
  ASSERT_EQ(m.post_form(form("Shop01", "r@example.com", "113", "shopify"))->status, 200);
  ASSERT_EQ(m.post_form(form("NoFlo6", "r@example.com", "771", "shopify"))->status, 200);
  auto restock =
      c->Put("/__admin/accounts/Shop01/variants/113", R"({"inventory": 2})", "application/json");
  ASSERT_TRUE(restock);
  EXPECT_EQ(nlohmann::json::parse(restock->body)["notified"], 1);
  auto no_flow =
      c->Put("/__admin/accounts/NoFlo6/variants/771", R"({"inventory": 2})", "application/json");
  EXPECT_EQ(nlohmann::json::parse(no_flow->body)["notified"], 0);
  EXPECT_EQ(m.count("notifications", "email=r@example.com"), 1u);
  EXPECT_EQ(m.count("subscriptions", "variant=113"), 0u);
  EXPECT_EQ(m.count("subscriptions", "variant=771"), 1u);  // no flow: still active
  ASSERT_EQ(m.post_form(form("Shop01", "r@example.com", "113", "shopify"))
                ->get_header_value("X-Bis-Mock-Outcome"),
            "subscribed");
  EXPECT_EQ(m.count("events", "variant=113"), 2u);
}

TEST(ApiRulesTest, Rule09ListApiFollowsTheListsOptIn) {
  MockServer m;
  auto c = m.client();
  httplib::Headers key = {{"api-key", "pk_shop"}};
  auto dbl = c->Post("/api/v2/list/LDbl/subscribe", key,
                     R"({"profiles": [{"email": "l@example.com"}]})", "application/json");
  ASSERT_TRUE(dbl);
  EXPECT_EQ(dbl->status, 200);
  EXPECT_EQ(dbl->body, "[]");
  auto sgl = c->Post(
      "/api/v2/list/LSgl/subscribe",
      R"({"api_key": "pk_shop", "profiles": [{"email": "l@example.com"}, {"phone_number": "+15005550006", "sms_consent": true}]})",
      "application/json");
  ASSERT_TRUE(sgl);
  EXPECT_EQ(sgl->status, 200);
  const auto profiles = nlohmann::json::parse(sgl->body);
  ASSERT_EQ(profiles.size(), 2u);
  EXPECT_EQ(profiles[0]["email"], "l@example.com");
  const auto pending = m.get_json("/__admin/lists/LDbl/members");
  ASSERT_EQ(pending["count"], 1);
  EXPECT_EQ(pending["items"][0]["status"], "pending");
  EXPECT_EQ(m.get_json("/__admin/lists/LSgl/members")["items"][0]["status"], "subscribed");
  EXPECT_EQ(c->Post("/api/v2/list/LSgl/subscribe", R"({"profiles": [{"email": "x@example.com"}]})",
                    "application/json")
                ->status,
            403);
  EXPECT_EQ(c->Post("/api/v2/list/Nope/subscribe", key,
                    R"({"profiles": [{"email": "x@example.com"}]})", "application/json")
                ->status,
            404);
  EXPECT_EQ(c->Post("/api/v2/list/LSgl/subscribe", key,
                    R"({"profiles": [{"email": "test@klaviyo"}]})", "application/json")
                ->status,
            400);
  // Back-in-stock subscription never adds anyone to a list.
  ASSERT_EQ(m.post_form(form("Shop01", "bis@example.com", "111", "shopify"))->status, 200);
  EXPECT_EQ(m.count("lists/LDbl/members", "email=bis@example.com"), 0u);
  EXPECT_EQ(m.count("lists/LSgl/members", "email=bis@example.com"), 0u);
}

TEST(ApiRulesTest, Rule10CorsPreflightAndHeaders) {
  MockServer m;
  auto c = m.client();
  httplib::Headers preflight = {
      {"Origin", "https://shop.example"},
      {"Access-Control-Request-Method", "POST"},
      {"Access-Control-Request-Headers", "content-type, x-requested-with"}};
  for (const char* path : {kSubscribe, kOnsite}) {
    auto r = c->Options(path, preflight);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);
    EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
    EXPECT_NE(r->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
    EXPECT_EQ(r->get_header_value("Access-Control-Allow-Headers"),
              "content-type, x-requested-with");
  }
  auto ok = c->Post(kSubscribe, {{"Origin", "https://shop.example"}},
                    form("Shop01", "c@example.com", "111", "shopify"),
                    "application/x-www-form-urlencoded");
  EXPECT_EQ(ok->get_header_value("Access-Control-Allow-Origin"), "*");
  auto rejected = c->Post(kSubscribe, {{"Origin", "https://shop.example"}}, "a=x",
                          "application/x-www-form-urlencoded");
  EXPECT_EQ(rejected->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(rejected->get_header_value("Access-Control-Expose-Headers").find("X-Bis-Mock-Reason"),
            std::string::npos);
}

// The default body limit is 64 KiB: a body of exactly 65,536 bytes is served, one more is 413.
TEST(ApiRulesTest, Rule11TheDefaultBodyLimitIs64KiB) {
  MockServer m;
  const std::string fields = form("Shop01", "big@example.com", "111", "shopify") + "&pad=";
  const std::string at_limit = fields + std::string(65536 - fields.size(), 'x');
  ASSERT_EQ(at_limit.size(), 65536u);
  auto served = m.post_form(at_limit);
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200) << served->body;
  auto over = m.post_form(at_limit + "x");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 413) << over->body;
  EXPECT_EQ(m.count("subscriptions", "email=big@example.com"), 1u);
}

TEST(ApiRulesTest, Rule11EverythingElseGetsAClearJsonErrorAndChangesNothing) {
  ServerOptions small;
  small.max_body = 1024;
  MockServer m({}, small);
  auto c = m.client();
  const auto json_error = [](const httplib::Result& r, int status) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    const auto j = nlohmann::json::parse(r->body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r->body;
    EXPECT_EQ(j["success"], false);
    EXPECT_FALSE(j["errors"][0].get<std::string>().empty());
  };
  json_error(c->Get("/nowhere"), 404);
  json_error(c->Post("/api/v1/catalog/subscribe/", "a=1", "application/x-www-form-urlencoded"),
             404);
  auto wrong_method = c->Get(kSubscribe);
  json_error(wrong_method, 405);
  EXPECT_EQ(wrong_method->get_header_value("Allow"), "POST, OPTIONS");
  json_error(c->Put(kOnsite, "a=1", "application/x-www-form-urlencoded"), 405);
  json_error(c->Delete(kSubscribe), 405);
  json_error(c->Post(kSubscribe, std::string(2000, 'a'), "application/x-www-form-urlencoded"), 413);
  // Chunked bodies are held to the same limit.
  auto chunked = c->Post(
      kSubscribe,
      [](size_t offset, httplib::DataSink& sink) {
        if (offset < 4096) {
          const std::string chunk(512, 'b');
          sink.write(chunk.data(), chunk.size());
        } else {
          sink.done();
        }
        return true;
      },
      "application/x-www-form-urlencoded");
  json_error(chunked, 413);
  // Bodies that are not well-formed forms are rejections of the subscribe call.
  const std::pair<std::string, std::string> bad[] = {
      {"a=Shop01&email=a%4Gexample.com&variant=111&platform=shopify",
       "body is not valid application/x-www-form-urlencoded: malformed percent-encoding at byte "
       "16"},
      {"a=Shop01&email=a%FF%40example.com&variant=111&platform=shopify",
       "field 'email' is not valid UTF-8"},
      {form("Shop01", "a@example.com", "111", "shopify") + "&email=b%40example.com",
       "field 'email' is repeated"},
  };
  for (const auto& [body, reason] : bad) {
    auto r = m.post_form(body);
    expect_documented_error(r);
    EXPECT_EQ(r->get_header_value("X-Bis-Mock-Reason"), reason);
  }
  auto json_body = c->Post(kSubscribe, R"({"a": "Shop01"})", "application/json");
  expect_documented_error(json_body);
  auto broken_multipart =
      c->Post(kSubscribe, "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nShop01",
              "multipart/form-data; boundary=x");
  expect_documented_error(broken_multipart);
  EXPECT_EQ(m.count("subscriptions") + m.count("events"), 0u);
  // The mock is still serving.
  EXPECT_EQ(m.post_form(form("Shop01", "after@example.com", "111", "shopify"))->status, 200);
}

TEST(ApiRulesTest, Rule11MalformedHttpGetsAJsonErrorToo) {
  MockServer m;
  httplib::Client raw("127.0.0.1", m.port);
  auto trace = raw.Get("/");  // warm the connection up
  ASSERT_TRUE(trace);
  // cpp-httplib's client cannot send TRACE; a raw socket can.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(m.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string req =
      "TRACE /api/v1/catalog/subscribe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, n);
  ::close(fd);
  EXPECT_EQ(answer.rfind("HTTP/1.1 405", 0), 0u) << answer;
  EXPECT_NE(answer.find(R"("success": false)"), std::string::npos) << answer;
}

TEST(ApiRulesTest, Rule12TheJournalIsBoundedAndRedactsPrivateKeys) {
  ServerOptions o;
  o.journal_size = 5;
  MockServer m({}, o);
  auto c = m.client();
  for (int i = 0; i < 6; ++i)
    m.post_form(form("Shop01", "j" + std::to_string(i) + "@example.com", "111", "shopify"));
  c->Post("/api/v2/list/LDbl/subscribe", {{"api-key", "pk_shop"}},
          R"({"profiles": [{"email": "l@example.com"}]})", "application/json");
  const auto journal = m.get_json("/__admin/requests");
  ASSERT_EQ(journal["count"], 5);
  EXPECT_EQ(journal["items"][0]["fields"]["email"], "j2@example.com");
  const auto& last = journal["items"][4];
  EXPECT_EQ(last["path"], "/api/v2/list/LDbl/subscribe");
  EXPECT_EQ(last["status"], 200);
  EXPECT_EQ(last["response"]["body"], "[]");
  EXPECT_EQ(journal.dump().find("pk_shop"), std::string::npos);
  EXPECT_EQ(last["headers"]["api-key"], "[REDACTED]");
  EXPECT_FALSE(last["headers"].contains("REMOTE_ADDR"));  // added by cpp-httplib, not sent
  EXPECT_FALSE(last["headers"].contains("LOCAL_PORT"));
  const auto rejected = m.post_form(form("Shop01", "test@klaviyo", "111", "shopify"));
  const auto newest = m.get_json("/__admin/requests?limit=1")["items"][0];
  EXPECT_EQ(newest["outcome"], "rejected");
  EXPECT_EQ(newest["reason"], "email is malformed: domain has no dot");
  EXPECT_EQ(newest["status"], 400);
  auto cleared = c->Delete("/__admin/requests");
  EXPECT_EQ(nlohmann::json::parse(cleared->body)["cleared"], 5);
  EXPECT_EQ(m.count("requests"), 0u);
}

}  // namespace
}  // namespace bis::mock
