#include "bis/mock/batch_scheduler.h"

#include <algorithm>

namespace bis::mock {

using Target = ServiceState::Target;

size_t BatchScheduler::run_due(int64_t now) {
  {
    std::shared_lock lock(s_.catalog_mu);
    if (pending_.empty() || pending_.front().due_ms > now) return 0;
  }
  std::unique_lock catalog_lock(s_.catalog_mu);
  ServiceState::AllShards shards(s_.shards.get());
  return run_due_locked(now);
}

std::optional<int64_t> BatchScheduler::next_due_ms() const {
  std::shared_lock lock(s_.catalog_mu);
  if (pending_.empty()) return std::nullopt;
  return pending_.front().due_ms;
}

void BatchScheduler::set_wake(std::function<void()> wake) {
  std::unique_lock lock(s_.catalog_mu);
  wake_ = std::move(wake);
}

void BatchScheduler::join(Transaction& tx) {
  if (!tx.join(this, [this](Changes& c) { c.pending = records(); })) return;
  // The queue is small next to what a batch writes, and the store keeps it whole: a copy is
  // simpler and surer than undoing each step.
  tx.on_rollback([this, pending = pending_, next_restock = next_restock_,
                  first_restock = first_restock_]() mutable {
    pending_ = std::move(pending);
    next_restock_ = next_restock;
    first_restock_ = std::move(first_restock);
  });
}

uint64_t BatchScheduler::begin_restock_locked(const std::string& account,
                                              const std::string& variant, Transaction& tx) {
  join(tx);
  std::erase_if(pending_, [&](const PendingBatch& b) {
    return b.account == account && b.variant == variant;
  });
  const uint64_t restock = next_restock_++;
  if (s_.state_rules.clear_on_first_restock_only)
    first_restock_.try_emplace(account + "\n" + variant, restock);
  return restock;
}

void BatchScheduler::sort() {
  std::stable_sort(
      pending_.begin(), pending_.end(),
      [](const PendingBatch& a, const PendingBatch& b) { return a.due_ms < b.due_ms; });
}

void BatchScheduler::queue_locked(std::vector<PendingBatch> batches, Transaction& tx) {
  if (batches.empty()) return;
  join(tx);
  for (PendingBatch& b : batches) pending_.push_back(std::move(b));
  sort();
  if (wake_) wake_();
}

size_t BatchScheduler::queued_locked(uint64_t restock) const {
  size_t n = 0;
  for (const PendingBatch& b : pending_) {
    if (b.restock == restock) n += b.subscriptions.size();
  }
  return n;
}

size_t BatchScheduler::run_due_locked(int64_t now) {
  size_t notified = 0;
  while (!pending_.empty() && pending_.front().due_ms <= now) {
    Transaction tx(s_);
    const size_t sent = send_first(now, tx);
    if (!tx.commit()) break;  // undone: the batch waits, whole, for the next tick
    notified += sent;
  }
  return notified;
}

size_t BatchScheduler::run_due_locked(int64_t now, Transaction& tx) {
  size_t notified = 0;
  while (!pending_.empty() && pending_.front().due_ms <= now) notified += send_first(now, tx);
  return notified;
}

size_t BatchScheduler::send_first(int64_t now, Transaction& tx) {
  join(tx);
  PendingBatch b = std::move(pending_.front());
  pending_.erase(pending_.begin());
  const fixtures::Account* account = s_.catalog.account(b.account);
  const fixtures::Variant* variant = account ? s_.catalog.variant(*account, b.variant) : nullptr;
  const int64_t threshold = account ? s_.threshold_of(*account) : 1;
  // The first batch goes out with the restock. A later one only while the variant is still in
  // stock and the flow still on; otherwise the rest of that restock is dropped (its
  // subscriptions stay active).
  if (b.batch > 1 && (!variant || variant->inventory < threshold || !s_.flow_notifies(*account) ||
                      !s_.state_rules.send_later_batches)) {
    std::erase_if(pending_, [&](const PendingBatch& p) { return p.restock == b.restock; });
    return 0;
  }
  std::vector<Target> active;
  for (const Target& t : b.subscriptions) {
    if (s_.state_rules.notify_cleared || s_.shards[t.shard].state.is_active(t.ref))
      active.push_back(t);
  }
  const bool clear = !s_.state_rules.clear_on_first_restock_only ||
                     first_restock_[b.account + "\n" + b.variant] == b.restock;
  return notify(active, b.batch, now, clear, tx);
}

size_t BatchScheduler::notify(const std::vector<Target>& targets, int64_t batch, int64_t now,
                              bool clear, Transaction& tx) {
  // One message per notified subscription; the subscription is then cleared, so the profile
  // may subscribe again. The rules may change how many messages and what is cleared.
  const StateRules& rules = s_.state_rules;
  std::vector<int> copies(targets.size(), rules.copies);
  std::vector<Target> cleared;
  for (size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    const State& s = s_.shards[t.shard].state;
    if (rules.notify_per_request) {
      const auto& repeats = s_.shards[t.shard].repeats;
      if (auto it = repeats.find(t.ref); it != repeats.end()) copies[i] *= 1 + it->second;
    }
    if (!clear || rules.clear_nothing || (rules.clear == StateRules::Select::kFirst && i > 0) ||
        (rules.clear == StateRules::Select::kLast && i + 1 < targets.size())) {
      continue;
    }
    if (!rules.clear_whole_profile) {
      cleared.push_back(t);
      continue;
    }
    for (State::Ref ref : s.active_of_profile(t.ref))
      cleared.push_back(Target{t.shard, ref, s.id_of(ref)});
  }
  // Undo marks: each shard's outbox size and the next id, then each subscription cleared here.
  std::vector<size_t> outbox(ServiceState::kShards);
  for (size_t i = 0; i < ServiceState::kShards; ++i)
    outbox[i] = s_.shards[i].state.notification_count();
  tx.on_rollback([this, outbox, next_id = s_.next_notification_id.load()] {
    for (size_t i = 0; i < ServiceState::kShards; ++i)
      s_.shards[i].state.truncate_notifications(outbox[i]);
    s_.next_notification_id = next_id;
  });
  const bool durable = tx.durable();
  Changes& c = tx.changes();
  for (size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    State& s = s_.shards[t.shard].state;
    for (int k = 0; k < copies[i]; ++k) {
      const uint64_t id = s_.next_notification_id.fetch_add(1);
      s.add_notification(t.ref, id, batch, now);
      if (!durable) continue;
      const Subscription sub = s.subscription(t.ref);
      c.notifications.push_back(
          Notification{id, sub.id, sub.account, sub.email, sub.profile, sub.variant, batch, now});
    }
  }
  for (const Target& t : cleared) {
    State& s = s_.shards[t.shard].state;
    if (durable) c.cleared.push_back(t.id);
    if (!s.is_active(t.ref)) continue;  // cleared before (or notified while cleared, by a rule)
    s.set_active(t.ref, false);
    tx.on_rollback([&s, ref = t.ref] { s.set_active(ref, true); });
  }
  return targets.size();
}

std::vector<PendingBatchRecord> BatchScheduler::records() const {
  std::vector<PendingBatchRecord> out;
  out.reserve(pending_.size());
  for (const PendingBatch& b : pending_) {
    PendingBatchRecord r{b.restock, b.batch, b.account, b.variant, b.due_ms, {}};
    r.subscriptions.reserve(b.subscriptions.size());
    for (const Target& t : b.subscriptions) r.subscriptions.push_back(t.id);
    out.push_back(std::move(r));
  }
  return out;
}

void BatchScheduler::clear_locked() {
  pending_.clear();
  first_restock_.clear();
}

Status BatchScheduler::restore_locked(std::vector<PendingBatchRecord> stored,
                                      const std::unordered_map<uint64_t, Target>& by_id,
                                      const std::string& where) {
  // Batches that were waiting go out when due (at once if their time passed while stopped).
  for (PendingBatchRecord& r : stored) {
    PendingBatch b{std::move(r.account), std::move(r.variant), r.due_ms, r.batch, r.restock, {}};
    for (uint64_t id : r.subscriptions) {
      auto it = by_id.find(id);
      if (it == by_id.end())
        return Unexpected{where + ": a waiting batch names no subscription " + std::to_string(id)};
      b.subscriptions.push_back(it->second);
    }
    next_restock_ = std::max(next_restock_, r.restock + 1);
    pending_.push_back(std::move(b));
  }
  sort();
  return ok_status();
}

}  // namespace bis::mock
