#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "bis/mock/state_store.h"
#include "test_support.h"

namespace bis::mock {
namespace {

using testing::ServiceHarness;
using testing::shop;

// A store over another that refuses the commits `refuse` picks (as a full disk would) and
// counts what went through.
struct StoreLog {
  std::function<bool(const Changes&)> refuse;
  std::vector<Changes> committed;
};

class RefusingStore final : public StateStore {
 public:
  RefusingStore(std::unique_ptr<StateStore> inner, std::shared_ptr<StoreLog> log)
      : inner_(std::move(inner)), log_(std::move(log)) {}
  bool durable() const override { return true; }
  std::string describe() const override { return inner_->describe(); }
  Expected<StoredState, std::string> load() override { return inner_->load(); }
  Status commit(const Changes& c) override {
    if (log_->refuse && log_->refuse(c)) return Unexpected{std::string("database or disk is full")};
    log_->committed.push_back(c);
    return inner_->commit(c);
  }
  Status reset(const std::string& digest, const std::optional<std::string>& loaded) override {
    return inner_->reset(digest, loaded);
  }
  Status rebase(const std::string& digest) override { return inner_->rebase(digest); }

 private:
  std::unique_ptr<StateStore> inner_;
  std::shared_ptr<StoreLog> log_;
};

bool has_notifications(const Changes& c) { return !c.notifications.empty(); }

// What a restock changes, as a client sees it.
struct Seen {
  std::optional<int64_t> inventory;  // nullopt: the variant does not exist
  size_t active = 0, notifications = 0, waiting = 0;
  bool operator==(const Seen&) const = default;
};

Seen seen(ServiceHarness& h, const std::string& account, const std::string& variant) {
  Seen s;
  const fixtures::Fixtures f = h.service->fixtures();
  if (const fixtures::Variant* v = f.find_account(account)->find_variant(variant))
    s.inventory = v->inventory;
  s.active = h.subscriptions("", variant);
  s.notifications = h.notifications("", variant);
  s.waiting = h.service->stats().pending_batches;
  return s;
}

void PrintTo(const Seen& s, std::ostream* os) {
  *os << "{inventory " << (s.inventory ? std::to_string(*s.inventory) : "none") << ", " << s.active
      << " active, " << s.notifications << " notifications, " << s.waiting << " batches waiting}";
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bis-mock-sqlite-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "state.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<StateStore> open() {
    auto s = open_sqlite_store(path_);
    EXPECT_TRUE(s) << (s ? "" : s.error());
    return s ? std::move(*s) : make_memory_store();
  }

  std::unique_ptr<StateStore> open_refusing(std::shared_ptr<StoreLog> log) {
    return std::make_unique<RefusingStore>(open(), std::move(log));
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteStoreTest, ARestartResumesEverything) {
  {
    ServiceHarness h({}, open());
    ASSERT_TRUE(h.subscribe(shop("a@example.com")).success);
    ASSERT_TRUE(
        h.subscribe({"Shop01", "B@example.com", "113", "shopify", std::string("eu")}).success);
    h.restock("Shop01", "111", 5);
    ASSERT_TRUE(h.service->set_flow("Big001", std::nullopt));
    h.restock("Shop01", "created-variant", 7);
    ASSERT_EQ(
        h.service->list_subscribe("LDbl", "pk_shop", {{std::string("c@example.com"), std::nullopt}})
            .status,
        200);
  }
  ServiceHarness h({}, open());
  const auto subs = h.service->subscriptions({});
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].id, 2u);
  EXPECT_EQ(subs[0].email, "B@example.com");
  EXPECT_EQ(subs[0].store, "eu");
  EXPECT_EQ(h.events(), 2u);
  EXPECT_EQ(h.notifications("a@example.com"), 1u);
  EXPECT_EQ(h.service->members("LDbl", "", "")->size(), 1u);
  const auto f = h.service->fixtures();
  EXPECT_EQ(f.find_account("Shop01")->find_variant("111")->inventory, 5);
  EXPECT_EQ(f.find_account("Shop01")->find_variant("created-variant")->inventory, 7);
  EXPECT_FALSE(f.find_account("Big001")->flow);
  // New records continue the ids; a cleared subscription may be made again.
  EXPECT_EQ(h.subscribe(shop("a@example.com")).detail, "subscribed sub-3");
}

// Batches waiting at a stop go out after the restart when due, and only once: the queue is
// saved with each batch's notifications, in one transaction.
TEST_F(SqliteStoreTest, WaitingBatchesGoOutAfterARestartOnlyOnce) {
  int64_t restocked_at = 0;
  {
    ServiceHarness h({}, open());  // Mag002: batches of 2 every 60 s
    for (const char* e :
         {"a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"}) {
      ASSERT_TRUE(h.subscribe({"Mag002", e, "331", "magento_two"}).success);
    }
    restocked_at = h.clock.now_ms();
    const InventoryResult r = h.restock("Mag002", "331", 10);
    ASSERT_EQ(r.notified, 2u);
    ASSERT_EQ(r.queued, 3u);
    h.clock.advance_ms(60'000);
    ASSERT_EQ(h.run_due(), 2u);  // the second batch, before the stop
  }
  {
    ServiceHarness h({}, open());
    h.clock.set_ms(restocked_at + 60'000);
    EXPECT_EQ(h.notifications(), 4u);
    EXPECT_EQ(h.service->scheduler().next_due_ms(), restocked_at + 120'000);
    EXPECT_EQ(h.subscriptions(), 1u);  // e@ still waits
    h.clock.set_ms(restocked_at + 120'000);
    EXPECT_EQ(h.run_due(), 1u);
    const auto sent = h.service->notifications({});
    ASSERT_EQ(sent.size(), 5u);
    EXPECT_EQ(sent[4].email, "e@example.com");
    EXPECT_EQ(sent[4].batch, 3);
    EXPECT_FALSE(h.service->scheduler().next_due_ms());
  }
  ServiceHarness h({}, open());
  h.clock.set_ms(restocked_at + 600'000);
  EXPECT_EQ(h.run_due(), 0u);  // sent before the restart: not again
  EXPECT_EQ(h.notifications(), 5u);
  EXPECT_FALSE(h.service->scheduler().next_due_ms());
}

// A restock whose later batches were dropped (out of stock again) leaves nothing waiting on disk.
TEST_F(SqliteStoreTest, DroppedBatchesAreNotResumed) {
  int64_t restocked_at = 0;
  {
    ServiceHarness h({}, open());
    for (const char* e : {"a@example.com", "b@example.com", "c@example.com"}) {
      ASSERT_TRUE(h.subscribe({"Mag002", e, "331", "magento_two"}).success);
    }
    restocked_at = h.clock.now_ms();
    ASSERT_EQ(h.restock("Mag002", "331", 10).queued, 1u);
    h.restock("Mag002", "331", 0);
    h.clock.advance_ms(60'000);
    ASSERT_EQ(h.run_due(), 0u);  // dropped: out of stock
  }
  ServiceHarness h({}, open());
  h.clock.set_ms(restocked_at + 60'000);
  EXPECT_FALSE(h.service->scheduler().next_due_ms());  // before anything runs what is due
  EXPECT_EQ(h.notifications(), 2u);
  EXPECT_EQ(h.subscriptions(), 1u);  // c@ stays active for the next restock
}

// The inventory change, the notifications and the clearing of a restock are one transaction: a
// store that refuses it leaves memory and file as they were, and the answer says so.
TEST_F(SqliteStoreTest, ARestockTheStoreRefusesChangesNothingInMemoryOrOnDisk) {
  auto log = std::make_shared<StoreLog>();
  Seen before;
  {
    ServiceHarness h({}, open_refusing(log));
    for (const char* e : {"a@example.com", "b@example.com", "c@example.com"})
      ASSERT_TRUE(h.subscribe(shop(e)).success);
    before = seen(h, "Shop01", "111");
    log->refuse = has_notifications;
    const auto r = h.service->set_inventory("Shop01", "111", 5);
    ASSERT_FALSE(r) << "answered as if it had worked: notified " << r->notified;
    EXPECT_EQ(r.error().status, 500);
    EXPECT_NE(r.error().message.find("nothing changed"), std::string::npos) << r.error().message;
    EXPECT_EQ(seen(h, "Shop01", "111"), before);
    // Once the store works again, the same restock notifies everyone.
    log->refuse = nullptr;
    EXPECT_EQ(h.restock("Shop01", "111", 5).notified, 3u);
  }
  ServiceHarness h({}, open());  // the file agrees with what memory said
  EXPECT_EQ(seen(h, "Shop01", "111"), (Seen{5, 0, 3, 0}));
}

TEST_F(SqliteStoreTest, AVariantCreatedByARefusedRestockIsGoneAgain) {
  auto log = std::make_shared<StoreLog>();
  ServiceHarness h({}, open_refusing(log));
  log->refuse = [](const Changes&) { return true; };
  ASSERT_FALSE(h.service->set_inventory("Shop01", "new-variant", 5));
  EXPECT_EQ(seen(h, "Shop01", "new-variant"), Seen{});
  EXPECT_FALSE(h.service->set_inventory("Shop01", "new-variant", 5));  // still nothing to read
  log->refuse = nullptr;
  EXPECT_TRUE(h.restock("Shop01", "new-variant", 5).created);
}

// Batches all due at once (no interval) go out in the restock's one transaction.
TEST_F(SqliteStoreTest, ARestockIsOneCommitWhateverItsBatches) {
  auto log = std::make_shared<StoreLog>();
  ServiceHarness h({}, open_refusing(log));
  fixtures::Flow flow;
  flow.batch_size = 1;
  ASSERT_TRUE(h.service->set_flow("Shop01", flow));
  for (const char* e : {"a@example.com", "b@example.com", "c@example.com"})
    ASSERT_TRUE(h.subscribe(shop(e)).success);
  log->committed.clear();
  EXPECT_EQ(h.restock("Shop01", "111", 5).notified, 3u);
  ASSERT_EQ(log->committed.size(), 1u);
  const Changes& c = log->committed[0];
  EXPECT_EQ(c.inventory.size(), 1u);
  EXPECT_EQ(c.notifications.size(), 3u);
  EXPECT_EQ(c.cleared.size(), 3u);
  ASSERT_TRUE(c.pending);
  EXPECT_TRUE(c.pending->empty());
}

// A later batch the store refuses stays queued whole, and goes out once the store works.
TEST_F(SqliteStoreTest, ALaterBatchTheStoreRefusesWaitsWhole) {
  auto log = std::make_shared<StoreLog>();
  Seen before;
  {
    ServiceHarness h({}, open_refusing(log));  // Mag002: batches of 2 every 60 s
    for (const char* e : {"a@example.com", "b@example.com", "c@example.com"})
      ASSERT_TRUE(h.subscribe({"Mag002", e, "331", "magento_two"}).success);
    ASSERT_EQ(h.restock("Mag002", "331", 10).notified, 2u);
    before = seen(h, "Mag002", "331");
    log->refuse = has_notifications;
    h.clock.advance_ms(60'000);
    EXPECT_EQ(h.run_due(), 0u);
    EXPECT_EQ(seen(h, "Mag002", "331"), before);
  }
  ServiceHarness h({}, open());
  EXPECT_EQ(seen(h, "Mag002", "331"), before);
  h.clock.advance_ms(60'000);
  EXPECT_EQ(h.run_due(), 1u);
  EXPECT_EQ(seen(h, "Mag002", "331"), (Seen{10, 0, 3, 0}));
}

TEST_F(SqliteStoreTest, ResetEmptiesTheFile) {
  {
    ServiceHarness h({}, open());
    ASSERT_TRUE(h.subscribe(shop("a@example.com")).success);
    ASSERT_TRUE(h.service->reset());
  }
  ServiceHarness h({}, open());
  EXPECT_EQ(h.subscriptions() + h.events(), 0u);
}

TEST_F(SqliteStoreTest, OtherFixturesKeepTheRecordsButNotTheCatalogChanges) {
  {
    ServiceHarness h({}, open());
    ASSERT_TRUE(h.subscribe(shop("a@example.com")).success);
    h.restock("Shop01", "112", 99);
  }
  fixtures::Fixtures other = testing::test_fixtures();
  other.accounts.pop_back();
  ServiceHarness h({}, open(), other);
  EXPECT_EQ(h.subscriptions(), 1u);
  EXPECT_EQ(h.service->fixtures().find_account("Shop01")->find_variant("112")->inventory, 5);
  ASSERT_EQ(h.service->notices().size(), 1u);
}

TEST_F(SqliteStoreTest, ThePathARecordCameThroughSurvivesARestart) {
  {
    ServiceHarness h({}, open());
    const auto request = shop("m@example.com");  // the fields view its strings
    SubscribeFields f = request.fields();
    f.via = Via::kClient;
    f.channels = channel::kEmail | channel::kPush;
    ASSERT_TRUE(h.service->subscribe(f).success);
    ASSERT_TRUE(h.subscribe(shop("l@example.com", "113")).success);
  }
  ServiceHarness h({}, open());
  const auto subs = h.service->subscriptions({});
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].via, Via::kClient);
  EXPECT_EQ(subs[0].channels, channel::kEmail | channel::kPush);
  EXPECT_EQ(subs[1].via, Via::kLegacy);
  const auto events = h.service->events({});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].via, Via::kClient);
}

// A file of schema version 1 (before via and channels) is upgraded in place: its records came
// through the legacy paths.
TEST_F(SqliteStoreTest, AVersionOneFileIsUpgraded) {
  {
    ServiceHarness h({}, open());
    ASSERT_TRUE(h.subscribe(shop("old@example.com")).success);
  }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db,
                                "ALTER TABLE subscriptions DROP COLUMN via;"
                                "ALTER TABLE subscriptions DROP COLUMN channels;"
                                "ALTER TABLE events DROP COLUMN via;"
                                "UPDATE meta SET value = '1' WHERE key = 'schema_version';",
                                nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
  ServiceHarness h({}, open());
  const auto subs = h.service->subscriptions({});
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].via, Via::kLegacy);
  EXPECT_EQ(subs[0].channels, channel::kEmail);
  const auto request = shop("new@example.com");  // the fields view its strings
  SubscribeFields f = request.fields();
  f.via = Via::kServer;
  ASSERT_TRUE(h.service->subscribe(f).success);
  EXPECT_EQ(h.service->subscriptions({"", "new@example.com", "", Via::kServer}).size(), 1u);
}

TEST_F(SqliteStoreTest, AFileThatIsNotAStateFileIsRefused) {
  std::ofstream(path_) << "accounts: []\n";
  auto s = open_sqlite_store(path_);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find(path_), std::string::npos) << s.error();
}

TEST_F(SqliteStoreTest, ASecondMockOnTheSameFileIsRefused) {
  auto first = open();
  auto second = open_sqlite_store(path_);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("another bis-mock"), std::string::npos) << second.error();
}

}  // namespace
}  // namespace bis::mock
