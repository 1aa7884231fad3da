// The dashboard's server side (docs/dashboard.md): the page and its files come from the binary
// under a strict Content-Security-Policy and the admin gate; the journal's long poll answers
// when a request is recorded; observation routes page 100,000 records on the server.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <regex>
#include <thread>

#include "dashboard.h"
#include "server_support.h"

namespace bis::mock::testing {
namespace {

using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

TEST(DashboardTest, ThePageAndItsFilesAreServedUnderAStrictPolicy) {
  MockServer m;
  auto c = m.client();
  auto page = c->Get("/__admin/ui");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  const std::string policy = page->get_header_value("Content-Security-Policy");
  EXPECT_EQ(policy, http::kDashboardPolicy);
  EXPECT_NE(policy.find("script-src 'self';"), std::string::npos);
  EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
  // Every script is a file of the mock's own: none inline, nothing from another host.
  const std::regex script("<script[^>]*>");
  for (auto it = std::sregex_iterator(page->body.begin(), page->body.end(), script);
       it != std::sregex_iterator(); ++it) {
    EXPECT_NE(it->str().find("src=\"/__admin/ui/"), std::string::npos) << it->str();
  }
  for (const char* file : {"/__admin/ui/dashboard.js", "/__admin/ui/dashboard.css"}) {
    auto r = c->Get(file);
    ASSERT_TRUE(r) << file;
    EXPECT_EQ(r->status, 200) << file;
    EXPECT_EQ(r->get_header_value("Content-Security-Policy"), http::kDashboardPolicy);
    EXPECT_GT(r->body.size(), 500u) << file;
    EXPECT_EQ(r->body.find("https://"), std::string::npos) << file;
    EXPECT_EQ(r->body.find("http://"), std::string::npos) << file;
  }
  EXPECT_EQ(c->Get("/__admin/ui/dashboard.js")->get_header_value("Content-Type"),
            "text/javascript; charset=utf-8");
  EXPECT_EQ(c->Get("/__admin/ui/nothing.js")->status, 404);
  auto post = c->Post("/__admin/ui", "x", "text/plain");
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET");
  // The page's own requests are not the app's: the journal stays empty.
  EXPECT_EQ(m.count("requests"), 0u);
}

// A browser's navigation cannot send a header: the page (no state in it) is served without the
// token, and every call it makes for data needs it.
TEST(DashboardTest, WithATokenThePageLoadsButItsDataNeedsTheToken) {
  ServerOptions o;
  o.admin_token = "s3cret";
  MockServer m({}, o);
  auto c = m.client();
  EXPECT_EQ(c->Get("/__admin/ui")->status, 200);
  EXPECT_EQ(c->Get("/__admin/ui/dashboard.js")->status, 200);
  for (const char* route : {"/__admin/health", "/__admin/requests?after=0&wait_ms=10",
                            "/__admin/subscriptions?limit=5", "/__admin/fixtures"}) {
    EXPECT_EQ(c->Get(route)->status, 401) << route;
    EXPECT_EQ(c->Get(route, {{"X-Admin-Token", "s3cret"}})->status, 200) << route;
  }
}

TEST(DashboardTest, ALongPollAnswersAsSoonAsARequestIsRecorded) {
  MockServer m;
  // Nothing to tell: the poll waits its wait_ms, then answers an empty page.
  auto start = Clock::now();
  auto empty = m.get_json("/__admin/requests?after=0&wait_ms=300");
  EXPECT_EQ(empty["count"], 0);
  EXPECT_GE(ms_since(start), 290);

  m.post_form(form("Shop01", "old@example.com", "111", "shopify"));
  const uint64_t seen = m.get_json("/__admin/requests")["items"][0]["id"];
  start = Clock::now();
  auto poll = std::async(std::launch::async, [&] {
    return m.get_json("/__admin/requests?wait_ms=20000&outcome=rejected&after=" +
                      std::to_string(seen));
  });
  const auto waiting = [&](size_t n) {
    for (const auto until = Clock::now() + std::chrono::seconds(10);
         m.server->journal().waiters() != n && Clock::now() < until;) {
      std::this_thread::yield();
    }
    return m.server->journal().waiters() == n;
  };
  ASSERT_TRUE(waiting(1));
  // A request that does not match the poll's filter does not end it; one that matches does.
  m.post_form(form("Shop01", "new@example.com", "111", "shopify"));
  ASSERT_TRUE(waiting(1));
  EXPECT_NE(poll.wait_for(std::chrono::milliseconds(0)), std::future_status::ready);
  m.post_form(form("Shop01", "not-an-email", "111", "shopify"));
  ASSERT_EQ(poll.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const auto page = poll.get();
  ASSERT_EQ(page["count"], 1) << page.dump();
  EXPECT_EQ(page["items"][0]["outcome"], "rejected");
  EXPECT_EQ(page["items"][0]["fields"]["email"], "not-an-email");
  EXPECT_LT(ms_since(start), 10000);
  EXPECT_EQ(m.client()->Get("/__admin/requests?wait_ms=30001")->status, 400);
  EXPECT_EQ(m.client()->Get("/__admin/requests?after=-1")->status, 400);
}

// The wake-up itself, without a network in between: a waiter counted before the entry is
// placed is woken by it, long before its deadline.
TEST(DashboardTest, AWaiterIsWokenByTheNextEntry) {
  Journal j(10);
  auto waited = std::async(std::launch::async, [&] {
    return j.wait_for_newer(0, Clock::now() + std::chrono::seconds(20));
  });
  for (const auto until = Clock::now() + std::chrono::seconds(10);
       j.waiters() == 0 && Clock::now() < until;) {
    std::this_thread::yield();
  }
  ASSERT_EQ(j.waiters(), 1u);
  const auto start = Clock::now();
  JournalEntry e;
  e.path = "/x";
  j.add(e);
  ASSERT_EQ(waited.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(waited.get());
  EXPECT_LT(ms_since(start), 5000);
  EXPECT_EQ(j.newest_id(), 1u);
}

// A long poll must not hold a stopping server for its whole wait.
TEST(DashboardTest, StoppingTheServerEndsALongPoll) {
  auto m = std::make_unique<MockServer>();
  auto c = m->client();
  c->set_read_timeout(40);
  auto poll = std::async(std::launch::async,
                         [&] { return c->Get("/__admin/requests?after=0&wait_ms=30000"); });
  for (const auto until = Clock::now() + std::chrono::seconds(10);
       m->server->journal().waiters() == 0 && Clock::now() < until;) {
    std::this_thread::yield();
  }
  ASSERT_EQ(m->server->journal().waiters(), 1u);
  const auto start = Clock::now();
  m->server->stop();
  EXPECT_LT(ms_since(start), 10000);
  ASSERT_EQ(poll.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto answer = poll.get();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
}

TEST(DashboardTest, RecordsArePagedNewestFirstWithATotalAndALink) {
  MockServer m;
  for (int i = 0; i < 5; ++i)
    m.post_form(form("Shop01", "p" + std::to_string(i) + "@example.com", "111", "shopify"));
  for (const char* route : {"subscriptions", "events"}) {
    auto page = m.get_json(std::string("/__admin/") + route + "?limit=2&account=Shop01");
    ASSERT_EQ(page["count"], 2) << route;
    EXPECT_EQ(page["total"], 5);
    std::vector<std::string> emails;
    while (page.is_object()) {
      for (const auto& item : page["items"]) emails.push_back(item["email"]);
      if (page["next"].is_null()) break;
      page = m.get_json(page["next"].get<std::string>());
      EXPECT_EQ(page["total"], 5);
    }
    EXPECT_EQ(emails, (std::vector<std::string>{"p3@example.com", "p4@example.com",
                                                "p1@example.com", "p2@example.com",
                                                "p0@example.com"}))
        << route;
  }
  // A notified subscription is cleared: no longer counted, nor on any page.
  m.post_form(form("Shop01", "other@example.com", "113", "shopify"));
  ASSERT_EQ(m.client()->Put("/__admin/accounts/Shop01/variants/111", R"({"inventory": 5})",
                            "application/json")->status, 200);
  auto left = m.get_json("/__admin/subscriptions?limit=2");
  EXPECT_EQ(left["total"], 1);
  EXPECT_EQ(left["items"][0]["email"], "other@example.com");
  EXPECT_TRUE(left["next"].is_null());
  auto sent = m.get_json("/__admin/notifications?limit=3&variant=111");
  EXPECT_EQ(sent["total"], 5);
  EXPECT_EQ(sent["count"], 3);
  EXPECT_EQ(m.get_json(sent["next"].get<std::string>())["count"], 2);
  // Unpaged, the answer is the protocol's list as before.
  const auto all = m.get_json("/__admin/events");
  EXPECT_EQ(all["count"], 6);
  EXPECT_FALSE(all.contains("total"));
  EXPECT_FALSE(all.contains("next"));
  EXPECT_EQ(m.client()->Get("/__admin/subscriptions?limit=x")->status, 400);
  EXPECT_EQ(m.client()->Get("/__admin/notifications?before=1e3")->status, 400);
}

}  // namespace
}  // namespace bis::mock::testing
