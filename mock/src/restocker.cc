#include "bis/mock/restocker.h"

#include <algorithm>

#include "bis/mock/printable.h"

namespace bis::mock {

using Target = ServiceState::Target;

// A restock is inventory going from below the threshold to at or above it.
bool Restocker::is_restock(int64_t previous, int64_t inventory, int64_t threshold) const {
  const bool crosses = previous < threshold && inventory >= threshold;
  switch (s_.state_rules.restock) {
    case StateRules::Restock::kCrossesThreshold:
      return crosses;
    case StateRules::Restock::kAnyRiseFromZero:
      return crosses || (previous <= 0 && inventory > previous);
    case StateRules::Restock::kThresholdMinusOne: {
      const int64_t lower = std::max<int64_t>(threshold - 1, 1);
      return previous < lower && inventory >= lower;
    }
    case StateRules::Restock::kAboveThreshold:
      return previous <= threshold && inventory > threshold;
    case StateRules::Restock::kAnyRise:
      return crosses || inventory > previous;
  }
  return crosses;
}

std::vector<Target> Restocker::restock_targets(const fixtures::Account& account,
                                               std::string_view variant) const {
  const StateRules& rules = s_.state_rules;
  std::vector<Target> out = s_.active_for(account.key, variant, rules.notify_cleared);
  if (rules.notify_other_accounts) {
    for (const fixtures::Account& other : s_.catalog.fixtures().accounts) {
      if (other.key == account.key) continue;
      for (const Target& t : s_.active_for(other.key, variant)) out.push_back(t);
    }
  }
  // Back in stock by email needs no marketing consent; the rules may ask for it anyway.
  const bool asks_consent = rules.notify_members_only || rules.notify_skips_pending ||
                            rules.notify_without_consent_max > 0;
  size_t without_consent = 0;
  std::erase_if(out, [&](const Target& t) {
    const State& s = s_.shards[t.shard].state;
    if (!rules.notify_renewed && s.renews(t.ref)) return true;
    if (!asks_consent) return false;
    const State::Membership m = s.membership(t.ref);
    if (rules.notify_members_only && m == State::Membership::kNone) return true;
    if (rules.notify_skips_pending && m == State::Membership::kPending) return true;
    return m == State::Membership::kNone && rules.notify_without_consent_max > 0 &&
           ++without_consent > rules.notify_without_consent_max;
  });
  if (out.size() > 1 && rules.notify == StateRules::Select::kFirst) out.resize(1);
  if (out.size() > 1 && rules.notify == StateRules::Select::kLast)
    out.erase(out.begin(), out.end() - 1);
  return out;
}

uint64_t Restocker::queue_batches(const fixtures::Account& account, const std::string& variant,
                                  std::vector<Target> targets, int64_t now, Transaction& tx) {
  const uint64_t restock = scheduler_.begin_restock_locked(account.key, variant, tx);
  const fixtures::Flow* flow = s_.flow_of(account);
  const bool flow_batches = flow && flow->batch_size > 0;
  size_t batch_size =
      flow_batches ? static_cast<size_t>(flow->batch_size) : std::max<size_t>(targets.size(), 1);
  const int64_t interval_ms =
      flow ? flow->batch_interval_seconds * 1000 / s_.state_rules.batch_interval_divisor : 0;
  // batches-any-order: subscribers in random order; "all at once" becomes up to three batches
  // sent within a second, each at a random moment.
  const bool any_order = s_.options.variations.has(Variation::kBatchesAnyOrder);
  if (any_order) {
    std::shuffle(targets.begin(), targets.end(), rng_);
    if (!flow_batches) batch_size = std::max<size_t>((targets.size() + 2) / 3, 1);
  }
  std::uniform_int_distribution<int64_t> prompt_delay(1, 1000);
  int64_t prompt_due = now;
  std::vector<PendingBatch> batches;
  for (size_t start = 0, batch = 1; start < targets.size(); start += batch_size, ++batch) {
    PendingBatch b;
    b.account = account.key;
    b.variant = variant;
    b.batch = static_cast<int64_t>(batch);
    b.due_ms = now + interval_ms * static_cast<int64_t>(batch - 1);
    if (any_order && !flow_batches && batch > 1)
      b.due_ms = prompt_due = std::max(prompt_due, now + prompt_delay(rng_));
    b.restock = restock;
    b.subscriptions.assign(targets.begin() + start,
                           targets.begin() + std::min(start + batch_size, targets.size()));
    batches.push_back(std::move(b));
  }
  scheduler_.queue_locked(std::move(batches), tx);
  return restock;
}

Expected<InventoryResult, AdminError> Restocker::set_inventory(std::string_view key,
                                                               std::string_view variant,
                                                               int64_t inventory) {
  std::unique_lock catalog_lock(s_.catalog_mu);
  ServiceState::AllShards shards(s_.shards.get());
  const int64_t now = s_.now_ms();
  scheduler_.run_due_locked(now);  // what was due goes out under the inventory it was due under
  const fixtures::Account* account = s_.catalog.account(key);
  if (!account)
    return Unexpected{AdminError{404, "no account with key '" + std::string(key) + "'"}};
  const fixtures::Variant* existing = s_.catalog.variant(*account, variant);

  InventoryResult r;
  r.account = account->key;
  r.variant = variant;
  r.inventory = inventory;
  r.previous_inventory = existing ? existing->inventory : 0;
  r.created = existing == nullptr;
  const int64_t threshold = s_.threshold_of(*account);
  r.restocked = is_restock(r.previous_inventory, inventory, threshold);

  // The inventory change, the queue, the first batches' notifications and clearing: one
  // transaction, so a kill at any instant leaves the whole restock or none of it.
  Transaction tx(s_);
  tx.changes().inventory.push_back(InventoryChange{account->key, r.variant, inventory});
  s_.catalog.set_inventory(account->key, r.variant, inventory);
  tx.on_rollback([this, key = account->key, v = r.variant, previous = r.previous_inventory,
                  created = r.created] {
    if (created) {
      s_.catalog.remove_variant(key, v);
    } else {
      s_.catalog.set_inventory(key, v, previous);
    }
  });
  account = s_.catalog.account(key);  // set_inventory may have moved the variants
  if (!r.restocked) {
    r.reason = "not a restock: inventory " + std::to_string(r.previous_inventory) + " -> " +
               std::to_string(inventory) + " does not cross the threshold " +
               std::to_string(threshold) + " upward";
  } else if (!s_.flow_notifies(*account)) {
    r.reason = s_.flow_of(*account) ? "account " + account->key + "'s back-in-stock flow is off"
                                    : "account " + account->key + " has no back-in-stock flow";
    r.reason += ": nobody is notified";
  } else {
    std::vector<Target> targets = restock_targets(*account, variant);
    const bool nobody = targets.empty();
    const uint64_t restock = queue_batches(*account, r.variant, std::move(targets), now, tx);
    // The first batch (and any other already due) goes out now, in the same transaction.
    r.notified = scheduler_.run_due_locked(now, tx);
    r.queued = scheduler_.queued_locked(restock);
    if (nobody) {
      r.reason = "no active subscription to variant '" + printable(variant) + "' to notify";
    } else if (r.notified == 0) {
      r.reason = "the first batch is not sent yet: " + std::to_string(r.queued) + " queued";
    }
  }
  if (auto st = tx.commit(); !st) {
    return Unexpected{
        AdminError{500, "state could not be saved, so nothing changed: " + st.error()}};
  }
  return r;
}

Expected<std::optional<fixtures::Flow>, AdminError> Restocker::set_flow(
    std::string_view key, std::optional<fixtures::Flow> flow) {
  std::unique_lock catalog_lock(s_.catalog_mu);
  if (!s_.catalog.account(key))
    return Unexpected{AdminError{404, "no account with key '" + std::string(key) + "'"}};
  Changes c;
  c.flows.push_back(FlowChange{std::string(key), flow});
  if (auto st = s_.commit(c); !st)
    return Unexpected{AdminError{500, "state could not be saved: " + st.error()}};
  s_.catalog.set_flow(key, flow);
  return flow;
}

}  // namespace bis::mock
