#pragma once
// The batches of restocks: a queue by due time, sent when due. A restock queues its batches
// (Restocker); who sends the due ones is the caller's choice, never a read: the server's timer
// thread (woken through set_wake() when a batch is queued, and at the next due time), the
// settle call, the next restock, and tests with a manual clock calling run_due(now).
//
// A later batch goes out only while the variant is still in stock and the flow on, and only to
// subscriptions still active; otherwise the rest of that restock is dropped. The queue is saved
// in the same transaction as each batch's notifications and clearing (and, for a restock's first
// batches, as its inventory change), so a restart sends what is left, once, and a kill at any
// instant leaves a batch either wholly sent or wholly waiting.
//
// Thread safety: run_due(), next_due_ms() and set_wake() take the state's locks; the
// *_locked methods need catalog_mu held exclusively and every shard locked (AllShards), except
// size_locked() which needs catalog_mu held at least shared.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bis/mock/service_state.h"

namespace bis::mock {

struct PendingBatch {
  std::string account, variant;
  int64_t due_ms = 0;
  int64_t batch = 0;  // 1-based, within its restock
  uint64_t restock = 0;
  std::vector<ServiceState::Target> subscriptions;
};

class BatchScheduler {
 public:
  explicit BatchScheduler(ServiceState& state) : s_(state) {}
  BatchScheduler(const BatchScheduler&) = delete;
  BatchScheduler& operator=(const BatchScheduler&) = delete;

  // Sends every batch due at `now`; returns how many subscriptions were notified.
  size_t run_due(int64_t now);
  // When the next batch is due, if any.
  std::optional<int64_t> next_due_ms() const;
  // Called (with the state's locks held: it must only signal) whenever a batch is queued, so
  // a timer sleeping until the old next due time can wake for an earlier one. nullptr: none.
  void set_wake(std::function<void()> wake);

  // A new restock of `account`/`variant`, part of `tx`: drops the batches still waiting from an
  // earlier one (their subscriptions are still active and part of the new restock's snapshot)
  // and returns the new restock's number.
  uint64_t begin_restock_locked(const std::string& account, const std::string& variant,
                                Transaction& tx);
  // Queues batches (due times set by the caller) as part of `tx`, and wakes the timer.
  void queue_locked(std::vector<PendingBatch> batches, Transaction& tx);
  // Sends every batch due at `now`, each in its own transaction (a batch the store refuses
  // stays queued, untouched, for the next tick). Returns how many subscriptions were notified.
  size_t run_due_locked(int64_t now);
  // The same, as part of `tx` (a restock's first batches go out in the restock's transaction).
  size_t run_due_locked(int64_t now, Transaction& tx);
  // Subscriptions still waiting in the batches of `restock`.
  size_t queued_locked(uint64_t restock) const;
  size_t size_locked() const { return pending_.size(); }
  void clear_locked();
  // The batches a store kept: each subscription id is found in `by_id`.
  Status restore_locked(std::vector<PendingBatchRecord> records,
                        const std::unordered_map<uint64_t, ServiceState::Target>& by_id,
                        const std::string& where);

 private:
  // The queue joins `tx`: saved whole with it, put back as it was if the store refuses it.
  void join(Transaction& tx);
  // Sends (or drops) the first batch in the queue as part of `tx`; returns how many were
  // notified.
  size_t send_first(int64_t now, Transaction& tx);
  // Notifies `targets` as batch `batch` and clears them (as the rules say), in the shards and
  // in `tx`. Returns how many were notified.
  size_t notify(const std::vector<ServiceState::Target>& targets, int64_t batch, int64_t now,
                bool clear, Transaction& tx);
  // The batches waiting, as the store keeps them (they survive a restart with --state).
  std::vector<PendingBatchRecord> records() const;
  void sort();

  ServiceState& s_;
  std::vector<PendingBatch> pending_;  // by due time; under catalog_mu
  uint64_t next_restock_ = 1;
  // Each variant's first restock ("account\nvariant" -> restock), kept only for the rule
  // clear_on_first_restock_only.
  std::unordered_map<std::string, uint64_t> first_restock_;
  std::function<void()> wake_;  // under catalog_mu
};

}  // namespace bis::mock
