#include "bis/mock/journal.h"

#include <gtest/gtest.h>

#include <thread>

#include "../common/redaction_cases.h"

namespace bis::mock {
namespace {

JournalEntry entry(std::string path, std::string body = "",
                   std::string headers = "Content-Type: application/x-www-form-urlencoded\r\n") {
  JournalEntry e;
  e.method = "POST";
  e.path = std::move(path);
  e.body = std::move(body);
  e.headers = std::move(headers);
  e.status = 200;
  return e;
}

TEST(JournalTest, KeepsTheNewestEntriesUpToItsCapacity) {
  Journal j(3);
  for (int i = 0; i < 5; ++i) j.add(entry("/p" + std::to_string(i)));
  const auto all = j.entries({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].path, "/p2");
  EXPECT_EQ(all[0].id, 3u);
  EXPECT_EQ(all[2].path, "/p4");
  EXPECT_EQ(j.clear(), 3u);
  EXPECT_TRUE(j.entries({}).empty());
}

TEST(JournalTest, ConcurrentWritersKeepTheNewestEntries) {
  Journal j(100);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) j.add(entry("/p"));
    });
  }
  for (auto& t : threads) t.join();
  const auto all = j.entries({});
  ASSERT_EQ(all.size(), 100u);
  EXPECT_EQ(all.front().id, 7901u);
  EXPECT_EQ(all.back().id, 8000u);
}

TEST(JournalTest, ASizeOfZeroKeepsNothing) {
  Journal j(0);
  j.add(entry("/p"));
  EXPECT_EQ(j.size(), 0u);
}

JournalFilter filter(std::string path, std::string account, std::string email, std::string variant,
                     size_t limit = 0) {
  JournalFilter f;
  f.path = std::move(path);
  f.account = std::move(account);
  f.email = std::move(email);
  f.variant = std::move(variant);
  f.limit = limit;
  return f;
}

TEST(JournalTest, FiltersByPathAndFormFields) {
  Journal j(10);
  j.add(
      entry("/api/v1/catalog/subscribe", "a=PkShop&email=Alice%40x.io&variant=1&platform=shopify"));
  j.add(entry("/api/v1/catalog/subscribe",
              "a=PkBigC&email=bob%40x.io&variant=2&platform=bigcommerce"));
  j.add(entry("/elsewhere", "email=alice%40x.io"));
  EXPECT_EQ(j.entries(filter("/api/v1/catalog/subscribe", "", "", "")).size(), 2u);
  EXPECT_EQ(j.entries(filter("", "", "alice@x.io", "")).size(), 2u);
  EXPECT_EQ(j.entries(filter("", "PkBigC", "", "")).size(), 1u);
  EXPECT_EQ(j.entries(filter("", "", "", "1")).size(), 1u);
  const auto newest = j.entries(filter("", "", "", "", 2));
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[1].path, "/elsewhere");
}

// The journal reads form fields by the same Content-Type rule as the route: the media type
// exactly (any case, any parameters), so it never shows fields of a body the route refused.
TEST(JournalTest, FormFieldsFollowTheRoutesContentTypeRule) {
  const std::string body = "a=PkShop&email=a%40x.io";
  const auto fields =
      form_fields(entry("/p", body, "Content-Type: Application/X-WWW-Form-Urlencoded; charset=utf-8\r\n"));
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->size(), 2u);
  EXPECT_FALSE(form_fields(entry("/p", body, "Content-Type: application/x-www-form-urlencodedX\r\n")));
  EXPECT_FALSE(form_fields(entry("/p", body, "Content-Type: text/plain\r\n")));
}

TEST(JournalTest, PrivateKeysAreRedactedWhereverTheyAppear) {
  Journal j(10);
  j.add_private_keys({"pk_secret_1234567890"});
  JournalEntry e =
      entry("/api/v2/list/L1/subscribe", R"({"api_key": "pk_other_key", "profiles": []})",
            "Content-Type: application/json\r\napi-key: pk_secret_1234567890\r\nX-Note: "
            "pk_secret_1234567890\r\n");
  e.query = "api_key=pk_in_query&x=1";
  j.add(e);
  j.add(entry("/api/v1/catalog/subscribe", "a=PkShop&api_key=pk_form_key&email=a%40x.io"));
  const auto entries = j.entries({});
  const std::string text =
      to_json(entries[0], j.redactor()).dump() + to_json(entries[1], j.redactor()).dump();
  for (const char* secret :
       {"pk_secret_1234567890", "pk_other_key", "pk_in_query", "pk_form_key"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << text;
  }
  const auto first = to_json(entries[0], j.redactor());
  EXPECT_EQ(first["headers"]["api-key"], "[REDACTED]");
  EXPECT_EQ(first["query"], "api_key=[REDACTED]&x=1");
  EXPECT_EQ(first["body"], R"({"api_key": "[REDACTED]", "profiles": []})");  // as sent, but the key
  EXPECT_EQ(to_json(entries[1], j.redactor())["fields"]["email"], "a@x.io");
}

// The journal hides what the runner and the reports hide, the same way (one Redactor).
TEST(JournalTest, RedactsTheSharedCasesLikeTheRunnerAndTheReports) {
  Journal j(16);
  j.add_private_keys({bis::testing::kConfiguredSecret});
  for (const auto& c : bis::testing::redaction_cases()) {
    JournalEntry e = entry("/p", "", "Content-Type: text/plain\r\n");
    if (c.where == bis::testing::RedactionCase::kBody) e.body = c.input;
    if (c.where == bis::testing::RedactionCase::kQuery) e.query = c.input;
    if (c.where == bis::testing::RedactionCase::kHeader) e.headers += c.header + ": " + c.input + "\r\n";
    j.add(e);
  }
  const auto entries = j.entries({});
  ASSERT_EQ(entries.size(), bis::testing::redaction_cases().size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& c = bis::testing::redaction_cases()[i];
    SCOPED_TRACE(c.what);
    const auto json = to_json(entries[i], j.redactor());
    switch (c.where) {
      case bis::testing::RedactionCase::kBody: EXPECT_EQ(json["body"], c.redacted); break;
      case bis::testing::RedactionCase::kQuery: EXPECT_EQ(json["query"], c.redacted); break;
      case bis::testing::RedactionCase::kHeader: EXPECT_EQ(json["headers"][c.header], c.redacted); break;
    }
  }
}

TEST(JournalTest, InvalidUtf8IsServedAsReplacementCharacters) {
  Journal j(10);
  j.add(entry("/p", "email=\xff"));
  const auto json = to_json(j.entries({})[0], j.redactor());
  EXPECT_EQ(json["body"], "email=\xEF\xBF\xBD");
  EXPECT_NO_THROW(json.dump());
}

}  // namespace
}  // namespace bis::mock

namespace bis::mock {
namespace {

size_t stored_bytes(const std::vector<JournalEntry>& entries) {
  size_t n = 0;
  for (const JournalEntry& e : entries)
    n += e.headers.size() + e.body.size() + e.query.size() + e.path.size() +
         e.response_headers.size() + e.response_body.size() + e.reason.size();
  return n;
}

// The hostile sequence of issue 10: big header blocks, big bodies, many requests. The journal
// holds its bytes whatever the HTTP layer lets through.
TEST(JournalBytesTest, StayUnderTheBudgetUnderAHostileSequence) {
  Journal j(1000, 1024 * 1024, 16 * 1024);
  const std::string big_headers = "X-Pad: " + std::string(200 * 1024, 'h') + "\r\n";
  for (int i = 0; i < 1500; ++i) {
    JournalEntry e = entry("/api/v1/catalog/subscribe");
    if (i % 3 == 0) e.headers += big_headers;
    if (i % 3 == 1) e.body = std::string(i == 1 ? 20 * 1024 * 1024 : 300 * 1024, 'b');
    if (i % 7 == 0) e.query = std::string(50 * 1024, 'q');
    j.add(std::move(e));
    ASSERT_LE(j.bytes(), j.max_bytes()) << "after request " << i;
  }
  const auto held = j.entries({});
  EXPECT_LE(stored_bytes(held), j.max_bytes());
  EXPECT_GT(held.size(), 10u);
  EXPECT_EQ(held.back().id, 1500u);  // the newest are kept
  EXPECT_EQ(j.clear(), held.size());
  EXPECT_EQ(j.bytes(), 0u);
}

TEST(JournalBytesTest, ConcurrentWritersStayWithinTheBudgetOnceDone) {
  Journal j(500, 512 * 1024, 8 * 1024);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) j.add(entry("/p", std::string(20 * 1024, 'b')));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(j.bytes(), j.max_bytes());
  EXPECT_LE(stored_bytes(j.entries({})), j.max_bytes());
  j.clear();
  EXPECT_EQ(j.bytes(), 0u);
}

TEST(JournalBytesTest, ACutFieldShowsAMarkerAndItsOriginalSize) {
  Journal j(10, 1024 * 1024, 1024);
  JournalEntry e = entry("/p", std::string(10485760, 'b'),
                         "Host: x\r\nX-Big: " + std::string(5000, 'h') + "\r\n");
  j.add(std::move(e));
  const auto json = to_json(j.entries({})[0], j.redactor());
  const std::string body = json["body"];
  EXPECT_LE(body.size(), 1024u + 40);
  EXPECT_NE(body.find("...[truncated: 10485760 bytes]"), std::string::npos) << body.substr(1000);
  EXPECT_EQ(json["truncated"]["body"], 10485760);
  EXPECT_EQ(json["truncated"]["headers"], 9 + 7 + 5000 + 2);
  const std::string big = json["headers"]["X-Big"];
  EXPECT_NE(big.find("...[truncated: 5018 bytes]"), std::string::npos);
  EXPECT_EQ(json["headers"]["Host"], "x");
  EXPECT_TRUE(to_json(j.entries({})[0], j.redactor())["truncated"].is_object());
}

TEST(JournalBytesTest, ACutNeverLeavesTheStartOfASecret) {
  Journal j(10, 1024 * 1024, 1024);
  j.add_private_keys({"pk_live_configured_key"});
  // Both secrets straddle the 1,024-byte cut: their heads must not stay readable.
  j.add(entry("/p", std::string(1010, 'x') + " pk_live_configured_key and more"));
  j.add(entry("/p", std::string(1000, 'x') + " pk_0123456789abcdefghij0123 and more"));
  for (const JournalEntry& e : j.entries({})) {
    const std::string body = to_json(e, j.redactor())["body"];
    EXPECT_EQ(body.find("pk_"), std::string::npos) << body.substr(990);
    EXPECT_NE(body.find("[truncated: "), std::string::npos);
  }
}

TEST(JournalBytesTest, AnUncutEntryHasNoTruncatedFields) {
  Journal j(10);
  j.add(entry("/p", "a=1"));
  EXPECT_TRUE(to_json(j.entries({})[0], j.redactor())["truncated"].is_null());
}

std::vector<uint64_t> page_ids(const JournalPage& page) {
  std::vector<uint64_t> ids;
  for (const auto& item : nlohmann::json::parse("[" + page.items + "]")) ids.push_back(item["id"]);
  return ids;
}

TEST(JournalPageTest, PagesGoFromTheNewestBackwardsAndSayWhereTheNextStarts) {
  Journal j(100);
  for (int i = 0; i < 10; ++i) j.add(entry(i % 2 ? "/odd" : "/even"));
  JournalFilter f;
  f.limit = 4;
  JournalPage page = journal_page(j, f, 0, 1 << 20, j.redactor());
  EXPECT_EQ(page_ids(page), (std::vector<uint64_t>{7, 8, 9, 10}));
  EXPECT_EQ(page.count, 4u);
  EXPECT_EQ(page.next_before, 7u);
  page = journal_page(j, f, page.next_before, 1 << 20, j.redactor());
  EXPECT_EQ(page_ids(page), (std::vector<uint64_t>{3, 4, 5, 6}));
  page = journal_page(j, f, page.next_before, 1 << 20, j.redactor());
  EXPECT_EQ(page_ids(page), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(page.next_before, 0u);
  f.path = "/odd";
  page = journal_page(j, f, 8, 1 << 20, j.redactor());
  EXPECT_EQ(page_ids(page), (std::vector<uint64_t>{2, 4, 6}));
  EXPECT_EQ(page.next_before, 0u);  // no odd entry below 2
}

TEST(JournalPageTest, APageStopsAtItsByteBoundWithOneEntryAtLeast) {
  Journal j(100);
  for (int i = 0; i < 10; ++i) j.add(entry("/p", std::string(1000, 'b')));
  JournalFilter one;
  one.limit = 1;
  const size_t item = journal_page(j, one, 0, 1 << 20, j.redactor()).items.size();
  const size_t bound = item * 5 / 2;  // two entries and a half
  JournalPage page = journal_page(j, {}, 0, bound, j.redactor());
  EXPECT_LE(page.items.size(), bound);
  EXPECT_EQ(page_ids(page), (std::vector<uint64_t>{9, 10}));
  EXPECT_EQ(page.next_before, 9u);
  page = journal_page(j, {}, 0, 10, j.redactor());
  EXPECT_EQ(page.count, 1u);
  EXPECT_EQ(page_ids(page), (std::vector<uint64_t>{10}));
  size_t total = 0;
  for (uint64_t before = 0;;) {
    page = journal_page(j, {}, before, bound, j.redactor());
    total += page.count;
    if (page.next_before == 0) break;
    before = page.next_before;
  }
  EXPECT_EQ(total, 10u);
}

// Issue 10's cases: the List API reads JSON whatever the Content-Type, with escapes, and forms
// percent-decoded; a body it cannot parse may still hold a configured key, escaped or not.
TEST(JournalRedactionTest, PrivateKeysAreRedactedByMeaningNotByLabel) {
  Journal j(20);
  j.add_private_keys({"pk_shop_configured"});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Content-Type: text/plain\r\n", R"({"api_key": "pk_live_SECRET", "profiles": []})"},
      {"Content-Type: application/json\r\n", R"({"api_key": "pk\u005flive_SECRET"})"},
      {"Content-Type: application/json\r\n", R"({"api\u005fkey": "pk_live_SECRET"})"},
      {"Content-Type: text/plain\r\n", "{\"api_key\"\r\n: \"pk_live_SECRET\"}"},
      {"Content-Type: application/x-www-form-urlencoded\r\n", "a=Shop&api%5Fkey=pk_live_SECRET"},
      {"Content-Type: application/json\r\n", R"({"api_key": "pk_shop_configured", broken)"},
      {"Content-Type: text/plain\r\n", "garbage pk_shop_configured pk%5Fshop%5Fconfigured"},
      {"Content-Type: text/plain\r\n", R"(garbage "pk\u005fshop\u005fconfigured)"},
      {"Content-Type: text/plain\r\n", R"({"x": "pk\u005fshop_configured"})"},
  };
  for (const auto& [headers, body] : cases) j.add(entry("/api/v2/list/L/subscribe", body, headers));
  JournalEntry q = entry("/api/v2/list/L/subscribe", "{}");
  q.query = "api%5Fkey=pk_live_SECRET&x=1";
  j.add(q);
  for (const JournalEntry& e : j.entries({})) {
    const std::string shown = to_json(e, j.redactor()).dump();
    SCOPED_TRACE(e.body + " ?" + e.query);
    for (const char* secret :
         {"SECRET", "pk_shop_configured", "shop_configured", "shop%5Fconfigured",
          "shop\\\\u005fconfigured"}) {
      EXPECT_EQ(shown.find(secret), std::string::npos) << secret << " in " << shown;
    }
  }
}

}  // namespace
}  // namespace bis::mock
