#pragma once
// What the parts of the Service share: the catalog, the records split in shards, the state
// store and the locks over them. The parts (Subscriber, ListApi, Restocker, BatchScheduler,
// Queries) each hold a reference to one ServiceState; Service owns it and them.
//
// Locks: `catalog_mu` guards the catalog, the loaded fixtures and the batch queue: shared by
// requests and reads, exclusive for the control protocol's changes and for sending batches.
// Each shard has its own lock, so concurrent requests for different shoppers rarely wait for
// each other (one lock made convoys of connection threads on busy machines). Lock order:
// catalog_mu, then shards by index, then store_mu. A change is committed to the store before
// the client is answered (one transaction per answer): before the shards change, or, for a
// restock or batch (a Transaction, below), with every change undone if the commit fails.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bis/common/fixtures.h"
#include "bis/mock/adaptive_mutex.h"
#include "bis/mock/catalog.h"
#include "bis/mock/clock.h"
#include "bis/mock/defects.h"
#include "bis/mock/request_rules.h"
#include "bis/mock/state.h"
#include "bis/mock/state_rules.h"
#include "bis/mock/state_store.h"
#include "bis/mock/variations.h"

namespace bis::mock {

struct ServiceOptions {
  Defects defects;
  Variations variations;
  const Clock* clock = nullptr;  // required; must outlive the Service
  // Set by the Service: the clock given to it, which the control protocol's clock moves do
  // not change (`clock` becomes the virtual clock over it). The mock's running time.
  const Clock* running_clock = nullptr;
  // How long `racy-duplicates` leaves the lock released between its check and its insert:
  // long enough that concurrent duplicates get through even on a loaded machine.
  std::chrono::microseconds race_window{20000};
};

struct AdminError {
  int status = 400;
  std::string message;
};

struct ServiceState {
  ServiceState(fixtures::Fixtures base, std::unique_ptr<StateStore> store, ServiceOptions options);

  static constexpr size_t kShards = 16;
  // A profile's subscriptions, events, notifications and list memberships all live in its
  // shard.
  struct Shard {
    AdaptiveMutex mu;
    State state;
    // Duplicate requests per subscription, counted only for `notify-per-request`.
    std::unordered_map<State::Ref, int> repeats;
    // (account, profile, variant) tried with an unknown ID, kept only for
    // `unknown-variant-queued-on-repeat`.
    std::unordered_set<std::string> unknown_tries;
    // When each subscription was made, in running time (running_ms), kept only for
    // `duplicates-expire`.
    std::unordered_map<State::Ref, int64_t> made_running_ms;
  };
  // A subscription somewhere in the shards.
  struct Target {
    size_t shard = 0;
    State::Ref ref = 0;
    uint64_t id = 0;
  };
  // Every shard locked, in order (for restocks, batches, resets and restores).
  class AllShards {
   public:
    explicit AllShards(Shard* shards) : shards_(shards) {
      for (size_t i = 0; i < kShards; ++i) shards_[i].mu.lock();
    }
    ~AllShards() {
      for (size_t i = kShards; i-- > 0;) shards_[i].mu.unlock();
    }
    AllShards(const AllShards&) = delete;
    AllShards& operator=(const AllShards&) = delete;

   private:
    Shard* shards_;
  };

  static size_t shard_of(std::string_view profile);
  int64_t now_ms() const { return options.clock->now_ms(); }
  int64_t running_ms() const { return options.running_clock->now_ms(); }
  // Makes `c` durable (nothing to do for the memory store).
  Status commit(const Changes& c);

  // The flow a restock of the account follows (nullptr: none), by the rules.
  const fixtures::Flow* flow_of(const fixtures::Account& account) const;
  // Whether a restock of the account notifies anyone: it has a flow that is on (by the rules).
  bool flow_notifies(const fixtures::Account& account) const;
  int64_t threshold_of(const fixtures::Account& account) const;
  // Active subscriptions of a variant in every shard, oldest first. Needs every shard locked.
  std::vector<Target> active_for(std::string_view account, std::string_view variant,
                                 bool with_cleared = false) const;

  const ServiceOptions options;
  RequestRules rules;      // with the active defects (and the email variations) applied, once
  StateRules state_rules;  // with the active state-rule defects applied, once
  std::unique_ptr<StateStore> store;
  std::mutex store_mu;
  const std::string base_digest;

  mutable std::shared_mutex catalog_mu;
  fixtures::Fixtures loaded;  // what reset() returns to
  bool loaded_is_base = true;
  Catalog catalog;

  std::unique_ptr<Shard[]> shards;
  std::atomic<uint64_t> next_subscription_id{1};
  std::atomic<uint64_t> next_event_id{1};
  std::atomic<uint64_t> next_notification_id{1};
};

// One answer's changes when several parts take part (a restock: the inventory, the batch queue,
// every notification and clearing), written to the store in one transaction. The parts change
// memory as they go, since later steps read earlier ones (a batch skips whom an earlier batch
// cleared), and say how to undo each change: if the store refuses the write, everything is
// undone, newest first, so memory never holds what the store lacks and the answer can say that
// nothing changed. A transaction dropped without commit() is undone too. With the memory store
// nothing can fail, so nothing is kept for undoing.
// Used under catalog_mu held exclusively with every shard locked (nothing else sees memory
// between a change and its undo).
class Transaction {
 public:
  explicit Transaction(ServiceState& state) : s_(state) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // False for the memory store: nothing is written, changes() need not be filled.
  bool durable() const { return s_.store->durable(); }
  Changes& changes() { return changes_; }
  // How to undo one memory change if the write fails (undone newest first).
  void on_rollback(std::function<void()> undo);
  // For a part the store keeps whole (the batch queue): it joins once, with `save` adding its
  // final state to the changes just before the write. True the first time: the part then
  // remembers its state with on_rollback(). False if it already joined, or with the memory
  // store (nothing to save or remember).
  bool join(const void* part, std::function<void(Changes&)> save);
  // Writes the changes in one store transaction; on failure undoes them and says why.
  Status commit();

 private:
  void roll_back();

  ServiceState& s_;
  Changes changes_;
  std::vector<std::function<void()>> undo_;
  std::vector<std::pair<const void*, std::function<void(Changes&)>>> parts_;
  bool done_ = false;
};

// A stable 64-bit FNV-1a digest in hex, for telling fixtures apart.
std::string digest(std::string_view text);

}  // namespace bis::mock
