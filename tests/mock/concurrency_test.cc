// Restocks racing subscribes and the batch scheduler, on a Service with threads: the scenario
// the TSan build (CI's tsan preset) watches for data races, and whose outcome must still be
// consistent: every subscription notified at most once, and notified exactly when cleared.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bis/mock/service.h"
#include "test_support.h"

namespace bis::mock {
namespace {

using testing::Request;
using testing::ServiceHarness;

constexpr int kSubscribers = 4;
constexpr int kEmailsEach = 40;

// Each subscription is active with no notification, or cleared with exactly one.
void expect_notified_exactly_when_cleared(ServiceHarness& h) {
  std::map<uint64_t, size_t> sent;
  for (const auto& n : h.service->notifications({})) ++sent[n.subscription];
  const auto subscriptions = h.service->all_subscriptions({});  // cleared ones too
  EXPECT_EQ(subscriptions.size(), size_t{kSubscribers * kEmailsEach});
  for (const auto& s : subscriptions) {
    const size_t times = sent.count(s.id) ? sent[s.id] : 0;
    EXPECT_EQ(times, s.active ? 0u : 1u) << s.email << " active=" << s.active;
  }
}

std::vector<std::thread> start_subscribers(ServiceHarness& h, const std::string& account,
                                           const std::string& variant, const std::string& platform,
                                           std::atomic<int>& done) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kSubscribers; ++t) {
    threads.emplace_back([&h, &done, account, variant, platform, t] {
      for (int i = 0; i < kEmailsEach; ++i) {
        const std::string email =
            "t" + std::to_string(t) + "." + std::to_string(i) + "@example.com";
        EXPECT_TRUE(h.subscribe(Request(account, email, variant, platform)).success) << email;
      }
      ++done;
    });
  }
  return threads;
}

TEST(ConcurrencyTest, RestocksRacingSubscribesNotifyEachSubscriptionAtMostOnce) {
  ServiceHarness h;
  std::atomic<int> done{0};
  auto threads = start_subscribers(h, "Api003", "SKU-1", "api", done);
  size_t notified = 0;
  // Up and down until every subscriber is through: each rise is a restock.
  while (done.load() < kSubscribers) {
    notified += h.restock("Api003", "SKU-1", 10).notified;
    notified += h.restock("Api003", "SKU-1", 0).notified;
  }
  for (auto& t : threads) t.join();
  notified += h.restock("Api003", "SKU-1", 10).notified;
  EXPECT_EQ(h.events(), size_t{kSubscribers * kEmailsEach});
  // The last restock came after every subscribe: everyone has been notified, once.
  EXPECT_EQ(h.notifications(), size_t{kSubscribers * kEmailsEach});
  EXPECT_EQ(notified, h.notifications());
  expect_notified_exactly_when_cleared(h);
}

TEST(ConcurrencyTest, BatchesSentByTheSchedulerWhileRestocksAndSubscribesRace) {
  // Mag002 notifies in batches of 2 every 60 s: a scheduler thread sends what is due while
  // the clock moves, restocks queue and drop batches, and subscribers keep coming.
  ServiceHarness h;
  std::atomic<int> done{0};
  std::atomic<bool> stop{false};
  std::thread scheduler([&] {
    while (!stop.load()) {
      h.clock.advance_ms(20'000);
      h.run_due();
    }
  });
  auto threads = start_subscribers(h, "Mag002", "331", "magento_two", done);
  while (done.load() < kSubscribers) {
    h.restock("Mag002", "331", 10);
    h.restock("Mag002", "331", 0);
  }
  for (auto& t : threads) t.join();
  stop = true;
  scheduler.join();
  // A final restock and every batch it queues, sent.
  h.restock("Mag002", "331", 10);
  for (int i = 0; i < kSubscribers * kEmailsEach && h.service->scheduler().next_due_ms(); ++i) {
    h.clock.advance_ms(60'000);
    h.run_due();
  }
  EXPECT_FALSE(h.service->scheduler().next_due_ms());
  EXPECT_EQ(h.notifications(), size_t{kSubscribers * kEmailsEach});
  expect_notified_exactly_when_cleared(h);
}

}  // namespace
}  // namespace bis::mock
