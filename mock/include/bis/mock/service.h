#pragma once
// The API's behaviour without HTTP: subscribe, the List API call, restocks and their
// notifications, and what the control protocol observes. Every rule of docs/mock.md that is
// not about the wire lives here or in validation.h; the HTTP layer only parses and renders.
//
// Thread safety: every public method may be called from any thread. The catalog is behind a
// reader-writer lock, the state is split in shards by profile with a lock each; a change is
// committed to the store before the method returns (and so before the client is answered). Time
// comes from the injected Clock, so batches are testable without sleeping: run_due() sends the
// batches that are due.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bis/common/expected.h"
#include "bis/common/fixtures.h"
#include "bis/mock/adaptive_mutex.h"
#include "bis/mock/catalog.h"
#include "bis/mock/clock.h"
#include "bis/mock/defects.h"
#include "bis/mock/request_rules.h"
#include "bis/mock/records.h"
#include "bis/mock/state.h"
#include "bis/mock/state_rules.h"
#include "bis/mock/state_store.h"
#include "bis/mock/validation.h"
#include "bis/mock/variations.h"

namespace bis::mock {

struct ServiceOptions {
  Defects defects;
  Variations variations;
  const Clock* clock = nullptr;  // required; must outlive the Service
  // How long `racy-duplicates` leaves the lock released between its check and its insert:
  // long enough that concurrent duplicates get through even on a loaded machine.
  std::chrono::microseconds race_window{20000};
};

enum class SubscribeOutcome {
  kSubscribed,      // a subscription and its event were recorded
  kDuplicate,       // an active subscription exists: nothing recorded
  kUnknownVariant,  // the catalog lacks the variant: success answer, nothing recorded
  kRejected,        // a rule rejected the request
  kStoreFailed,     // the state store could not save the change: nothing recorded
};
std::string_view to_string(SubscribeOutcome outcome);

struct SubscribeAnswer {
  SubscribeOutcome outcome = SubscribeOutcome::kRejected;
  bool success = false;  // answer with the success body (else the error body)
  int status = 200;
  std::string detail;   // why it was rejected, or what happened ("subscribed sub-3")
  std::string account;  // the account's key, when known
  std::string body;     // when set, the answer's body instead of the standard one
};

// One profile of a List API call.
struct ListProfile {
  std::optional<std::string> email;
  std::optional<std::string> phone_number;
};

struct ListAnswer {
  int status = 200;
  std::string body;  // JSON
  std::string detail;
  std::string account;
};

struct AdminError {
  int status = 400;
  std::string message;
};

struct InventoryResult {
  std::string account;
  std::string variant;
  int64_t inventory = 0;
  int64_t previous_inventory = 0;
  bool created = false;
  bool restocked = false;  // crossed the threshold upward
  size_t notified = 0;     // subscriptions notified now
  size_t queued = 0;       // subscriptions waiting in later batches
  std::string reason;      // why nobody was notified now (empty when someone was)
};

struct ServiceStats {
  size_t subscriptions = 0;  // active
  size_t events = 0;
  size_t notifications = 0;
  size_t members = 0;
  size_t pending_batches = 0;
  size_t memory_bytes = 0;  // held by the compact state
};

class Service {
 public:
  // Loads what `store` holds. The store's catalog changes are applied over `base` only if
  // the store was written with the same base fixtures; its records are always kept.
  static Expected<std::unique_ptr<Service>, std::string> create(fixtures::Fixtures base,
                                                                std::unique_ptr<StateStore> store,
                                                                ServiceOptions options);

  SubscribeAnswer subscribe(const SubscribeFields& fields);
  ListAnswer list_subscribe(std::string_view list, std::string_view private_key,
                            const std::vector<ListProfile>& profiles);

  Expected<InventoryResult, AdminError> set_inventory(std::string_view account,
                                                      std::string_view variant, int64_t inventory);
  Expected<std::optional<fixtures::Flow>, AdminError> set_flow(std::string_view account,
                                                               std::optional<fixtures::Flow> flow);
  Status reset();
  Status replace_fixtures(fixtures::Fixtures fixtures);

  fixtures::Fixtures fixtures() const;
  std::vector<Subscription> subscriptions(const RecordFilter& filter);
  // Active and cleared subscriptions (`active` tells which), for views that show a clearing
  // late (the async-recording variation).
  std::vector<Subscription> all_subscriptions(const RecordFilter& filter);
  std::vector<Event> events(const RecordFilter& filter);
  std::vector<Notification> notifications(const RecordFilter& filter);
  Expected<std::vector<ListMember>, AdminError> members(std::string_view list,
                                                        std::string_view account,
                                                        std::string_view email);

  // Sends every batch due by now; returns how many subscriptions were notified.
  size_t run_due();
  // When the next batch is due, if any.
  std::optional<int64_t> next_due_ms() const;

  ServiceStats stats() const;
  // What start-up had to tell (e.g. the state file was written with other fixtures).
  const std::vector<std::string>& notices() const { return notices_; }
  const Defects& defects() const { return options_.defects; }
  const Variations& variations() const { return options_.variations; }
  const Clock& clock() const { return *options_.clock; }
  // The request rules with the active defects (and the email variations) applied, once.
  const RequestRules& rules() const { return rules_; }
  // The state rules with the active state-rule defects applied, once.
  const StateRules& state_rules() const { return state_rules_; }
  std::string store_description() const { return store_->describe(); }

 private:
  // The state is split in shards by profile, each with its own lock, so concurrent requests
  // for different shoppers rarely wait for each other (one lock made convoys of connection
  // threads on busy machines). A profile's subscriptions, events, notifications and list
  // memberships all live in its shard. Lock order: catalog_mu_, then shards by index, then
  // store_mu_.
  static constexpr size_t kShards = 16;
  struct Shard {
    AdaptiveMutex mu;
    State state;
    // Duplicate requests per subscription, counted only for `notify-per-request`.
    std::unordered_map<State::Ref, int> repeats;
    // (account, profile, variant) tried with an unknown ID, kept only for
    // `unknown-variant-queued-on-repeat`.
    std::unordered_set<std::string> unknown_tries;
  };
  // A subscription somewhere in the shards.
  struct Target {
    size_t shard = 0;
    State::Ref ref = 0;
    uint64_t id = 0;
  };
  struct PendingBatch {
    std::string account, variant;
    int64_t due_ms = 0;
    int64_t batch = 0;
    uint64_t restock = 0;
    std::vector<Target> subscriptions;
  };
  // Every shard locked, in order (for restocks, resets and restores).
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

  Service(fixtures::Fixtures base, std::unique_ptr<StateStore> store, ServiceOptions options);
  Status restore(StoredState stored);
  std::vector<Subscription> subscriptions(const RecordFilter& filter, bool active_only);
  static size_t shard_of(std::string_view profile);
  Status commit(const Changes& c);
  void clear_state();

  SubscribeAnswer duplicate_locked(Shard& shard, State::Ref latest, const ValidSubscribe& v,
                                   int64_t now);
  // The subscription a new request would duplicate (0: none), by the rules' duplicate key.
  State::Ref duplicate_of(const State& state, const State::Key& key, int64_t now,
                          std::optional<std::string_view> store) const;
  // The catalog's variant a subscribe names, by the rules' lookup; nullptr if unknown.
  const fixtures::Variant* find_variant(const fixtures::Account& account,
                                        std::string_view id) const;
  // Whether an unknown variant ID is answered the error body.
  bool rejects_unknown(std::string_view id) const;
  bool is_restock(int64_t previous, int64_t inventory, int64_t threshold) const;
  // The flow a restock of the account follows (nullptr: none).
  const fixtures::Flow* flow_of(const fixtures::Account& account) const;
  bool flow_notifies(const fixtures::Account& account) const;
  int64_t threshold_of(const fixtures::Account& account) const;
  // The subscriptions a restock of the variant notifies, oldest first. Needs every shard locked.
  std::vector<Target> restock_targets(const fixtures::Account& account,
                                      std::string_view variant) const;
  ListAnswer list_subscribe_locked(std::string_view list, std::string_view private_key,
                                   const std::vector<ListProfile>& profiles);
  const fixtures::Account* account_by_private_key(std::string_view key,
                                                  std::string_view list) const;
  // Active subscriptions of a variant in every shard, oldest first. Needs every shard locked.
  std::vector<Target> active_for(std::string_view account, std::string_view variant,
                                 bool with_cleared = false) const;
  // Notifies `targets` as batch `batch`: records the notifications (and clears) in the store,
  // then in the shards. Needs every shard locked. Returns how many were notified.
  Expected<size_t, std::string> notify(const std::vector<Target>& targets, int64_t batch,
                                       int64_t now, bool clear = true);
  size_t run_due_locked(int64_t now);
  // The batches waiting, as the store keeps them (they survive a restart with --state).
  std::vector<PendingBatchRecord> pending_records() const;
  // Saves the waiting batches alone, when they changed without a notification.
  void save_pending();

  ServiceOptions options_;
  RequestRules rules_;
  StateRules state_rules_;  // from options_.defects, once
  std::unique_ptr<StateStore> store_;
  std::mutex store_mu_;
  std::string base_digest_;
  std::vector<std::string> notices_;

  // Guards the catalog, the loaded fixtures and the batches: shared by requests, exclusive
  // for the control protocol's changes.
  mutable std::shared_mutex catalog_mu_;
  fixtures::Fixtures loaded_;  // what reset() returns to
  bool loaded_is_base_ = true;
  Catalog catalog_;
  std::vector<PendingBatch> pending_;  // by due time
  uint64_t next_restock_ = 1;
  // Each variant's first restock ("account\nvariant" -> restock), kept only for the rule
  // clear_on_first_restock_only.
  std::unordered_map<std::string, uint64_t> first_restock_;
  std::mt19937_64 rng_{std::random_device{}()};  // batches-any-order; under catalog_mu_

  std::unique_ptr<Shard[]> shards_;
  std::atomic<uint64_t> next_subscription_id_{1};
  std::atomic<uint64_t> next_event_id_{1};
  std::atomic<uint64_t> next_notification_id_{1};
};

// A stable 64-bit FNV-1a digest in hex, for telling fixtures apart.
std::string digest(std::string_view text);

}  // namespace bis::mock
