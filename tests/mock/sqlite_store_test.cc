#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bis/mock/state_store.h"
#include "test_support.h"

namespace bis::mock {
namespace {

using testing::ServiceHarness;
using testing::shop;

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
