// Service's restock rules: inventory changes, the threshold, flows, batches and the outbox.
#include <algorithm>

#include "bis/mock/service.h"

namespace bis::mock {

// A restock is inventory going from below the threshold to at or above it.
bool Service::is_restock(int64_t previous, int64_t inventory, int64_t threshold) const {
  if (previous < threshold && inventory >= threshold) return true;
  return options_.defects.has(Defect::kRestockIgnoresThreshold) && previous <= 0 &&
         inventory > previous;
}

// Nobody is notified unless the account has a back-in-stock flow that is on.
bool Service::flow_notifies(const fixtures::Account& account) const {
  if (account.flow && account.flow->enabled) return true;
  return options_.defects.has(Defect::kNotifyWithoutFlow);
}

void Service::plan_notifications(const std::vector<uint64_t>& subscriptions, int64_t batch,
                                 int64_t now, Changes& c) const {
  const Defects& defects = options_.defects;
  const int copies = defects.has(Defect::kNotifyTwice) ? 2 : 1;
  uint64_t next_id = state_.next_notification_id();
  for (uint64_t id : subscriptions) {
    const Subscription s = state_.subscription(id);
    for (int k = 0; k < copies; ++k) {
      c.notifications.push_back(
          Notification{next_id++, id, s.account, s.email, s.profile, s.variant, batch, now});
    }
    // A notified subscription is cleared, so the profile may subscribe again.
    if (!defects.has(Defect::kNoClearAfterNotify)) c.cleared.push_back(id);
  }
}

Expected<InventoryResult, AdminError> Service::set_inventory(std::string_view key,
                                                             std::string_view variant,
                                                             int64_t inventory) {
  std::lock_guard lock(mu_);
  const int64_t now = options_.clock->now_ms();
  run_due_locked(now);
  const fixtures::Account* account = catalog_.account(key);
  if (!account)
    return Unexpected{AdminError{404, "no account with key '" + std::string(key) + "'"}};
  const fixtures::Variant* existing = catalog_.variant(*account, variant);

  InventoryResult r;
  r.account = account->key;
  r.variant = variant;
  r.inventory = inventory;
  r.previous_inventory = existing ? existing->inventory : 0;
  r.created = existing == nullptr;
  const int64_t threshold = account->flow ? account->flow->threshold : 1;
  r.restocked = is_restock(r.previous_inventory, inventory, threshold);

  Changes c;
  c.inventory.push_back(InventoryChange{account->key, std::string(variant), inventory});
  std::vector<PendingBatch> later;
  uint64_t restock = 0;
  if (r.restocked && flow_notifies(*account)) {
    // A new restock replaces the batches still waiting from an earlier one: their
    // subscriptions are still active and are part of this restock's snapshot.
    std::erase_if(pending_, [&](const PendingBatch& b) {
      return b.account == account->key && b.variant == variant;
    });
    std::vector<uint64_t> subs = state_.active_for(account->key, variant);
    const size_t batch_size = account->flow && account->flow->batch_size > 0
                                  ? static_cast<size_t>(account->flow->batch_size)
                                  : subs.size();
    const int64_t interval_ms = account->flow ? account->flow->batch_interval_seconds * 1000 : 0;
    restock = next_restock_++;
    std::vector<uint64_t> first(subs.begin(), subs.begin() + std::min(batch_size, subs.size()));
    plan_notifications(first, 1, now, c);
    r.notified = first.size();
    for (size_t start = first.size(), batch = 2; start < subs.size();
         start += batch_size, ++batch) {
      PendingBatch b;
      b.account = account->key;
      b.variant = variant;
      b.batch = static_cast<int64_t>(batch);
      b.due_ms = now + interval_ms * static_cast<int64_t>(batch - 1);
      b.restock = restock;
      b.subscriptions.assign(subs.begin() + start,
                             subs.begin() + std::min(start + batch_size, subs.size()));
      later.push_back(std::move(b));
    }
  }
  if (auto s = commit_and_apply(c); !s)
    return Unexpected{AdminError{500, "state could not be saved: " + s.error()}};
  for (PendingBatch& b : later) pending_.push_back(std::move(b));
  std::stable_sort(
      pending_.begin(), pending_.end(),
      [](const PendingBatch& a, const PendingBatch& b) { return a.due_ms < b.due_ms; });
  // Batches already due (interval 0) go out at once.
  r.notified += run_due_locked(now);
  for (const PendingBatch& b : pending_) {
    if (restock != 0 && b.restock == restock) r.queued += b.subscriptions.size();
  }
  return r;
}

Expected<std::optional<fixtures::Flow>, AdminError> Service::set_flow(
    std::string_view key, std::optional<fixtures::Flow> flow) {
  std::lock_guard lock(mu_);
  if (!catalog_.account(key))
    return Unexpected{AdminError{404, "no account with key '" + std::string(key) + "'"}};
  Changes c;
  c.flows.push_back(FlowChange{std::string(key), flow});
  if (auto s = commit_and_apply(c); !s)
    return Unexpected{AdminError{500, "state could not be saved: " + s.error()}};
  return flow;
}

size_t Service::run_due() {
  std::lock_guard lock(mu_);
  return run_due_locked(options_.clock->now_ms());
}

std::optional<int64_t> Service::next_due_ms() const {
  std::lock_guard lock(mu_);
  if (pending_.empty()) return std::nullopt;
  return pending_.front().due_ms;
}

size_t Service::run_due_locked(int64_t now) {
  size_t notified = 0;
  while (!pending_.empty() && pending_.front().due_ms <= now) {
    PendingBatch b = std::move(pending_.front());
    pending_.erase(pending_.begin());
    const fixtures::Account* account = catalog_.account(b.account);
    const fixtures::Variant* variant = account ? catalog_.variant(*account, b.variant) : nullptr;
    const int64_t threshold = account && account->flow ? account->flow->threshold : 1;
    // A later batch goes out only while the variant is still in stock and the flow still on;
    // otherwise the rest of that restock is dropped (its subscriptions stay active).
    if (!variant || variant->inventory < threshold || !flow_notifies(*account)) {
      std::erase_if(pending_, [&](const PendingBatch& p) { return p.restock == b.restock; });
      continue;
    }
    std::vector<uint64_t> active;
    for (uint64_t id : b.subscriptions) {
      if (state_.is_active(id)) active.push_back(id);
    }
    Changes c;
    plan_notifications(active, b.batch, now, c);
    if (!commit_and_apply(c)) {
      pending_.insert(pending_.begin(), std::move(b));  // the store failed: retry on the next tick
      break;
    }
    notified += active.size();
  }
  return notified;
}

}  // namespace bis::mock
