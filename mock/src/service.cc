#include "bis/mock/service.h"

#include <algorithm>
#include <unordered_map>

namespace bis::mock {

namespace {

ServiceOptions with_clock(ServiceOptions options, const Clock* clock) {
  options.running_clock = options.clock;
  options.clock = clock;
  return options;
}

}  // namespace

Service::Service(fixtures::Fixtures base, std::unique_ptr<StateStore> store, ServiceOptions options)
    : clock_(std::make_unique<VirtualClock>(*options.clock)),
      state_(std::move(base), std::move(store), with_clock(std::move(options), clock_.get())) {}

Expected<std::unique_ptr<Service>, std::string> Service::create(fixtures::Fixtures base,
                                                                std::unique_ptr<StateStore> store,
                                                                ServiceOptions options) {
  if (!options.clock) return Unexpected{std::string("Service needs a clock")};
  auto stored = store->load();
  if (!stored) return Unexpected{stored.error()};
  std::unique_ptr<Service> service(
      new Service(std::move(base), std::move(store), std::move(options)));
  if (auto s = service->restore(std::move(*stored)); !s) return Unexpected{s.error()};
  return service;
}

Status Service::restore(StoredState stored) {
  std::unique_lock catalog_lock(state_.catalog_mu);
  ServiceState::AllShards shards(state_.shards.get());
  const std::string where = state_.store->describe();
  if (!stored.base_digest) {
    if (auto s = state_.store->reset(state_.base_digest, std::nullopt); !s) return s;
  } else if (*stored.base_digest != state_.base_digest) {
    // Started with other fixtures: their catalog changes may not fit; the records stay.
    if (auto s = state_.store->rebase(state_.base_digest); !s) return s;
    stored.inventory.clear();
    stored.flows.clear();
    stored.loaded_fixtures.reset();
    notices_.push_back(where +
                       " was written with other fixtures: its records are kept, its inventory and "
                       "flow changes are not");
  }
  if (stored.loaded_fixtures) {
    auto parsed = fixtures::fixtures_from_json(
        nlohmann::json::parse(*stored.loaded_fixtures, nullptr, false));
    if (!parsed) return Unexpected{where + ": stored fixtures are invalid: " + parsed.error()};
    state_.loaded = std::move(*parsed);
    state_.loaded_is_base = false;
  }
  state_.catalog = Catalog(state_.loaded);
  for (const InventoryChange& i : stored.inventory)
    state_.catalog.set_inventory(i.account, i.variant, i.inventory);
  for (const FlowChange& f : stored.flows) state_.catalog.set_flow(f.account, f.flow);

  std::unordered_map<uint64_t, ServiceState::Target> by_id;
  uint64_t last_sub = 0, last_event = 0, last_notification = 0;
  for (const Subscription& s : stored.subscriptions) {
    const size_t shard = ServiceState::shard_of(s.profile);
    by_id[s.id] = ServiceState::Target{shard, state_.shards[shard].state.add_subscription(s), s.id};
    last_sub = std::max(last_sub, s.id);
  }
  for (const Event& e : stored.events) {
    auto it = by_id.find(e.subscription);
    if (it == by_id.end())
      return Unexpected{where + ": event " + std::to_string(e.id) + " names no subscription"};
    state_.shards[it->second.shard].state.add_event(it->second.ref, e.id, e.email, e.time_ms,
                                                    e.via);
    last_event = std::max(last_event, e.id);
  }
  for (const Notification& n : stored.notifications) {
    auto it = by_id.find(n.subscription);
    if (it == by_id.end()) {
      return Unexpected{where + ": notification " + std::to_string(n.id) +
                        " names no subscription"};
    }
    state_.shards[it->second.shard].state.add_notification(it->second.ref, n.id, n.batch,
                                                           n.sent_ms);
    last_notification = std::max(last_notification, n.id);
  }
  for (const ListMember& m : stored.members)
    state_.shards[ServiceState::shard_of(m.profile)].state.put_member(m);
  if (auto s = scheduler_.restore_locked(std::move(stored.pending), by_id, where); !s) return s;
  state_.next_subscription_id = last_sub + 1;
  state_.next_event_id = last_event + 1;
  state_.next_notification_id = last_notification + 1;
  return ok_status();
}

void Service::clear_state() {
  for (size_t i = 0; i < ServiceState::kShards; ++i) {
    state_.shards[i].state.clear();
    state_.shards[i].repeats.clear();
    state_.shards[i].unknown_tries.clear();
    state_.shards[i].made_running_ms.clear();
  }
  scheduler_.clear_locked();
  state_.next_subscription_id = state_.next_event_id = state_.next_notification_id = 1;
}

Status Service::reset() {
  std::unique_lock catalog_lock(state_.catalog_mu);
  ServiceState::AllShards shards(state_.shards.get());
  std::optional<std::string> loaded;
  if (!state_.loaded_is_base) loaded = fixtures::to_json(state_.loaded).dump();
  if (auto s = state_.store->reset(state_.base_digest, loaded); !s) return s;
  state_.catalog = Catalog(state_.loaded);
  clear_state();
  return ok_status();
}

Status Service::replace_fixtures(fixtures::Fixtures f) {
  std::unique_lock catalog_lock(state_.catalog_mu);
  ServiceState::AllShards shards(state_.shards.get());
  if (auto s = state_.store->reset(state_.base_digest, fixtures::to_json(f).dump()); !s) return s;
  state_.loaded = std::move(f);
  state_.loaded_is_base = false;
  state_.catalog = Catalog(state_.loaded);
  clear_state();
  return ok_status();
}

}  // namespace bis::mock
