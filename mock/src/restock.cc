// Service's restock rules: inventory changes, the threshold, flows, batches and the outbox.
#include <algorithm>
#include <random>

#include "bis/mock/printable.h"
#include "bis/mock/service.h"

namespace bis::mock {

// A restock is inventory going from below the threshold to at or above it.
bool Service::is_restock(int64_t previous, int64_t inventory, int64_t threshold) const {
  const bool crosses = previous < threshold && inventory >= threshold;
  switch (state_rules_.restock) {
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

const fixtures::Flow* Service::flow_of(const fixtures::Account& account) const {
  static const fixtures::Flow kDefaultFlow{};
  switch (state_rules_.flow_check) {
    case StateRules::FlowCheck::kPrimary: {
      const auto& accounts = catalog_.fixtures().accounts;
      const auto& flow = accounts.empty() ? account.flow : accounts.front().flow;
      return flow ? &*flow : nullptr;
    }
    case StateRules::FlowCheck::kMissingIsLive:
      return account.flow ? &*account.flow : &kDefaultFlow;
    default:
      return account.flow ? &*account.flow : nullptr;
  }
}

// Nobody is notified unless the account has a back-in-stock flow that is on.
bool Service::flow_notifies(const fixtures::Account& account) const {
  if (state_rules_.flow_check == StateRules::FlowCheck::kAlways) return true;
  const fixtures::Flow* flow = flow_of(account);
  return flow && (flow->enabled || state_rules_.flow_check == StateRules::FlowCheck::kExists);
}

int64_t Service::threshold_of(const fixtures::Account& account) const {
  const fixtures::Flow* flow = flow_of(account);
  return flow ? flow->threshold : 1;
}

std::vector<Service::Target> Service::active_for(std::string_view account,
                                                 std::string_view variant,
                                                 bool with_cleared) const {
  std::vector<Target> out;
  for (size_t i = 0; i < kShards; ++i) {
    const State& s = shards_[i].state;
    for (State::Ref ref : s.active_for(account, variant, with_cleared))
      out.push_back(Target{i, ref, s.id_of(ref)});
  }
  std::sort(out.begin(), out.end(), [](const Target& a, const Target& b) { return a.id < b.id; });
  return out;
}

std::vector<Service::Target> Service::restock_targets(const fixtures::Account& account,
                                                      std::string_view variant) const {
  std::vector<Target> out = active_for(account.key, variant, state_rules_.notify_cleared);
  if (state_rules_.notify_other_accounts) {
    for (const fixtures::Account& other : catalog_.fixtures().accounts) {
      if (other.key == account.key) continue;
      for (const Target& t : active_for(other.key, variant)) out.push_back(t);
    }
  }
  // Back in stock by email needs no marketing consent; the rules may ask for it anyway.
  const bool asks_consent = state_rules_.notify_members_only || state_rules_.notify_skips_pending ||
                            state_rules_.notify_without_consent_max > 0;
  size_t without_consent = 0;
  std::erase_if(out, [&](const Target& t) {
    const State& s = shards_[t.shard].state;
    if (!state_rules_.notify_renewed && s.renews(t.ref)) return true;
    if (!asks_consent) return false;
    const State::Membership m = s.membership(t.ref);
    if (state_rules_.notify_members_only && m == State::Membership::kNone) return true;
    if (state_rules_.notify_skips_pending && m == State::Membership::kPending) return true;
    return m == State::Membership::kNone && state_rules_.notify_without_consent_max > 0 &&
           ++without_consent > state_rules_.notify_without_consent_max;
  });
  if (out.size() > 1 && state_rules_.notify == StateRules::Select::kFirst) out.resize(1);
  if (out.size() > 1 && state_rules_.notify == StateRules::Select::kLast) out.erase(out.begin(), out.end() - 1);
  return out;
}

Expected<size_t, std::string> Service::notify(const std::vector<Target>& targets, int64_t batch,
                                              int64_t now, bool clear) {
  // One message per notified subscription; the subscription is then cleared, so the profile
  // may subscribe again. The rules may change how many messages and what is cleared.
  std::vector<int> copies(targets.size(), state_rules_.copies);
  std::vector<Target> cleared;
  for (size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    const State& s = shards_[t.shard].state;
    if (state_rules_.notify_per_request) {
      const auto& repeats = shards_[t.shard].repeats;
      if (auto it = repeats.find(t.ref); it != repeats.end()) copies[i] *= 1 + it->second;
    }
    if (!clear || state_rules_.clear_nothing ||
        (state_rules_.clear == StateRules::Select::kFirst && i > 0) ||
        (state_rules_.clear == StateRules::Select::kLast && i + 1 < targets.size())) {
      continue;
    }
    if (!state_rules_.clear_whole_profile) {
      cleared.push_back(t);
      continue;
    }
    for (State::Ref ref : s.active_of_profile(t.ref)) cleared.push_back(Target{t.shard, ref, s.id_of(ref)});
  }
  std::vector<uint64_t> ids;
  Changes c;
  for (size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    const size_t first = ids.size();
    for (int k = 0; k < copies[i]; ++k) ids.push_back(next_notification_id_.fetch_add(1));
    if (!store_->durable()) continue;
    const Subscription sub = shards_[t.shard].state.subscription(t.ref);
    for (int k = 0; k < copies[i]; ++k) {
      c.notifications.push_back(Notification{ids[first + k], sub.id, sub.account, sub.email,
                                             sub.profile, sub.variant, batch, now});
    }
  }
  if (store_->durable()) {
    for (const Target& t : cleared) c.cleared.push_back(t.id);
    // The queue without this batch, in the same transaction: a restart sends what is left.
    c.pending = pending_records();
  }
  if (auto st = commit(c); !st) return Unexpected{st.error()};
  size_t next = 0;
  for (size_t i = 0; i < targets.size(); ++i) {
    State& s = shards_[targets[i].shard].state;
    for (int k = 0; k < copies[i]; ++k) s.add_notification(targets[i].ref, ids[next++], batch, now);
  }
  for (const Target& t : cleared) shards_[t.shard].state.set_active(t.ref, false);
  return targets.size();
}

Expected<InventoryResult, AdminError> Service::set_inventory(std::string_view key,
                                                             std::string_view variant,
                                                             int64_t inventory) {
  std::unique_lock catalog_lock(catalog_mu_);
  AllShards shards(shards_.get());
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
  const int64_t threshold = threshold_of(*account);
  r.restocked = is_restock(r.previous_inventory, inventory, threshold);

  Changes c;
  c.inventory.push_back(InventoryChange{account->key, std::string(variant), inventory});
  if (auto s = commit(c); !s)
    return Unexpected{AdminError{500, "state could not be saved: " + s.error()}};
  catalog_.set_inventory(key, variant, inventory);
  account = catalog_.account(key);  // set_inventory may have moved the variants
  if (!r.restocked) {
    r.reason = "not a restock: inventory " + std::to_string(r.previous_inventory) + " -> " +
               std::to_string(inventory) + " does not cross the threshold " +
               std::to_string(threshold) + " upward";
    return r;
  }
  if (!flow_notifies(*account)) {
    r.reason = flow_of(*account) ? "account " + account->key + "'s back-in-stock flow is off"
                                 : "account " + account->key + " has no back-in-stock flow";
    r.reason += ": nobody is notified";
    return r;
  }

  // A new restock replaces the batches still waiting from an earlier one: their
  // subscriptions are still active and are part of this restock's snapshot.
  const size_t replaced = std::erase_if(pending_, [&](const PendingBatch& b) {
    return b.account == account->key && b.variant == variant;
  });
  std::vector<Target> targets = restock_targets(*account, variant);
  if (targets.empty() && replaced > 0) save_pending();  // otherwise the first batch saves it
  const fixtures::Flow* flow = flow_of(*account);
  const bool flow_batches = flow && flow->batch_size > 0;
  size_t batch_size = flow_batches ? static_cast<size_t>(flow->batch_size)
                                   : std::max<size_t>(targets.size(), 1);
  const int64_t interval_ms = flow ? flow->batch_interval_seconds * 1000 : 0;
  // batches-any-order: subscribers in random order; "all at once" becomes up to three batches
  // sent within a second, each at a random moment.
  const bool any_order = options_.variations.has(Variation::kBatchesAnyOrder);
  if (any_order) {
    std::shuffle(targets.begin(), targets.end(), rng_);
    if (!flow_batches) batch_size = std::max<size_t>((targets.size() + 2) / 3, 1);
  }
  std::uniform_int_distribution<int64_t> prompt_delay(1, 1000);
  int64_t prompt_due = now;
  const uint64_t restock = next_restock_++;
  if (state_rules_.clear_on_first_restock_only)
    first_restock_.try_emplace(account->key + "\n" + std::string(variant), restock);
  for (size_t start = 0, batch = 1; start < targets.size(); start += batch_size, ++batch) {
    PendingBatch b;
    b.account = account->key;
    b.variant = variant;
    b.batch = static_cast<int64_t>(batch);
    b.due_ms = now + interval_ms * static_cast<int64_t>(batch - 1);
    if (any_order && !flow_batches && batch > 1) b.due_ms = prompt_due = std::max(prompt_due, now + prompt_delay(rng_));
    b.restock = restock;
    b.subscriptions.assign(targets.begin() + start,
                           targets.begin() + std::min(start + batch_size, targets.size()));
    pending_.push_back(std::move(b));
  }
  std::stable_sort(
      pending_.begin(), pending_.end(),
      [](const PendingBatch& a, const PendingBatch& b) { return a.due_ms < b.due_ms; });
  // The first batch (and any other already due) goes out now.
  r.notified = run_due_locked(now);
  for (const PendingBatch& b : pending_) {
    if (b.restock == restock) r.queued += b.subscriptions.size();
  }
  if (targets.empty()) {
    r.reason = "no active subscription to variant '" + printable(variant) + "' to notify";
  } else if (r.notified == 0) {
    r.reason = "the first batch is not sent yet: " + std::to_string(r.queued) + " queued";
  }
  return r;
}

Expected<std::optional<fixtures::Flow>, AdminError> Service::set_flow(
    std::string_view key, std::optional<fixtures::Flow> flow) {
  std::unique_lock catalog_lock(catalog_mu_);
  if (!catalog_.account(key))
    return Unexpected{AdminError{404, "no account with key '" + std::string(key) + "'"}};
  Changes c;
  c.flows.push_back(FlowChange{std::string(key), flow});
  if (auto s = commit(c); !s)
    return Unexpected{AdminError{500, "state could not be saved: " + s.error()}};
  catalog_.set_flow(key, flow);
  return flow;
}

size_t Service::run_due() {
  {
    std::shared_lock lock(catalog_mu_);
    if (pending_.empty() || pending_.front().due_ms > options_.clock->now_ms()) return 0;
  }
  std::unique_lock catalog_lock(catalog_mu_);
  AllShards shards(shards_.get());
  return run_due_locked(options_.clock->now_ms());
}

std::optional<int64_t> Service::next_due_ms() const {
  std::shared_lock lock(catalog_mu_);
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
    const int64_t threshold = account ? threshold_of(*account) : 1;
    // The first batch goes out with the restock. A later one only while the variant is still in
    // stock and the flow still on; otherwise the rest of that restock is dropped (its
    // subscriptions stay active).
    if (b.batch > 1 && (!variant || variant->inventory < threshold || !flow_notifies(*account))) {
      std::erase_if(pending_, [&](const PendingBatch& p) { return p.restock == b.restock; });
      save_pending();
      continue;
    }
    std::vector<Target> active;
    for (const Target& t : b.subscriptions) {
      if (state_rules_.notify_cleared || shards_[t.shard].state.is_active(t.ref)) active.push_back(t);
    }
    const bool clear = !state_rules_.clear_on_first_restock_only ||
                       first_restock_[b.account + "\n" + b.variant] == b.restock;
    auto sent = notify(active, b.batch, now, clear);
    if (!sent) {
      pending_.insert(pending_.begin(), std::move(b));  // the store failed: retry on the next tick
      break;
    }
    notified += *sent;
  }
  return notified;
}

std::vector<PendingBatchRecord> Service::pending_records() const {
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

void Service::save_pending() {
  if (!store_->durable()) return;
  Changes c;
  c.pending = pending_records();
  // Best effort: a stale queue on disk is re-checked after a restart (a later batch goes out
  // only while the variant is in stock and the flow on, and only to active subscriptions).
  (void)commit(c);
}

}  // namespace bis::mock
