// The journal as a client meets it over the wire: redaction of what the List API reads, pages
// of GET /__admin/requests, the byte bound on what a request may make it hold.
#include <gtest/gtest.h>

#include "server_support.h"

namespace bis::mock::testing {
namespace {

// Every way issue 10 found to slip the fixture key "pk_shop" past the journal, each one the
// List API reads as the key (it answers 200, so the route did read it).
TEST(JournalServerTest, APrivateKeyTheListApiReadsNeverShowsInTheJournal) {
  MockServer m;
  auto c = m.client();
  struct Case {
    std::string path, content_type, body;
  };
  const std::string profiles = R"("profiles": [{"email": "l@example.com"}])";
  const std::vector<Case> cases = {
      {"/api/v2/list/LDbl/subscribe", "text/plain", R"({"api_key": "pk_shop", )" + profiles + "}"},
      {"/api/v2/list/LDbl/subscribe", "application/json",
       R"({"api_key": "pk\u005fshop", )" + profiles + "}"},
      {"/api/v2/list/LDbl/subscribe", "application/json",
       R"({"api\u005fkey": "pk_shop", )" + profiles + "}"},
      {"/api/v2/list/LDbl/subscribe", "text/plain",
       "{\"api_key\"\n: \"pk_shop\", " + profiles + "}"},
      {"/api/v2/list/LDbl/subscribe?api%5Fkey=pk_shop", "application/json", "{" + profiles + "}"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.body);
    auto r = c->Post(k.path.c_str(), k.body, k.content_type.c_str());
    ASSERT_TRUE(r);
    if (k.path.find('?') == std::string::npos) {
      EXPECT_EQ(r->status, 200) << r->body;
    }
  }
  // Not read as a key, but still a key: a form body, and bodies the route cannot parse.
  c->Post("/api/v2/list/LDbl/subscribe", "a=x&api%5Fkey=pk_shop",
          "application/x-www-form-urlencoded");
  c->Post("/api/v2/list/LDbl/subscribe", R"({"api_key": "pk_shop", broken)", "application/json");
  c->Post("/api/v2/list/LDbl/subscribe", "oops pk%5Fshop pk\\u005fshop pk_shop", "text/plain");
  const auto journal = m.get_json("/__admin/requests");
  ASSERT_EQ(journal["count"], cases.size() + 3);
  const std::string shown = journal.dump();
  for (const char* secret : {"pk_shop", "pk%5Fshop", "pk\\\\u005fshop"})
    EXPECT_EQ(shown.find(secret), std::string::npos) << secret << " in " << shown;
}

TEST(JournalServerTest, RequestsArePagedWithALinkToTheNextPage) {
  MockServer m;
  for (int i = 0; i < 5; ++i)
    m.post_form(form("Shop01", "p" + std::to_string(i) + "@example.com", "111", "shopify"));
  auto page = m.get_json("/__admin/requests?limit=2&path=/api/v1/catalog/subscribe");
  ASSERT_EQ(page["count"], 2);
  EXPECT_EQ(page["items"][1]["fields"]["email"], "p4@example.com");
  std::vector<std::string> emails;
  while (page.is_object()) {
    for (const auto& item : page["items"]) emails.push_back(item["fields"]["email"]);
    if (page["next"].is_null()) break;
    page = m.get_json(page["next"].get<std::string>());
  }
  EXPECT_EQ(emails, (std::vector<std::string>{"p3@example.com", "p4@example.com", "p1@example.com",
                                              "p2@example.com", "p0@example.com"}));
  EXPECT_EQ(m.client()->Get("/__admin/requests?before=x")->status, 400);
  EXPECT_TRUE(m.get_json("/__admin/requests")["next"].is_null());
}

// A body larger than the journal keeps is cut, says so, and the answer stays bounded.
TEST(JournalServerTest, ABigBodyIsCutWithItsSizeAndTheAnswerIsBounded) {
  ServerOptions o;
  o.max_body = 8 * 1024 * 1024;
  o.journal_bytes = 1024 * 1024;
  o.journal_field_bytes = 16 * 1024;
  o.journal_page_bytes = 64 * 1024;
  MockServer m({}, o);
  const std::string body =
      form("Shop01", "big@example.com", "111", "shopify") + "&x=" + std::string(4000000, 'y');
  for (int i = 0; i < 10; ++i) m.post_form(body);
  auto r = m.client()->Get("/__admin/requests");
  ASSERT_TRUE(r);
  EXPECT_LE(r->body.size(), 64u * 1024 + 32 * 1024);
  const auto page = nlohmann::json::parse(r->body);
  ASSERT_GE(page["count"], 1);
  const auto& newest = page["items"].back();
  EXPECT_EQ(newest["truncated"]["body"], body.size());
  EXPECT_NE(newest["body"].get<std::string>().find(
                "...[truncated: " + std::to_string(body.size()) + " bytes]"),
            std::string::npos);
  EXPECT_FALSE(page["next"].is_null());
}

}  // namespace
}  // namespace bis::mock::testing
