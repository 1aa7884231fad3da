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
