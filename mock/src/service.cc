#include "bis/mock/service.h"

#include <algorithm>
#include <thread>

#include "bis/common/text.h"

namespace bis::mock {

std::string_view to_string(SubscribeOutcome outcome) {
  switch (outcome) {
    case SubscribeOutcome::kSubscribed:
      return "subscribed";
    case SubscribeOutcome::kDuplicate:
      return "duplicate";
    case SubscribeOutcome::kUnknownVariant:
      return "unknown-variant";
    case SubscribeOutcome::kRejected:
      return "rejected";
    case SubscribeOutcome::kStoreFailed:
      return "store-failed";
  }
  return "rejected";
}

std::string digest(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

Service::Service(fixtures::Fixtures base, std::unique_ptr<StateStore> store, ServiceOptions options)
    : options_(std::move(options)),
      store_(std::move(store)),
      base_digest_(digest(fixtures::to_json(base).dump())),
      loaded_(std::move(base)),
      catalog_(loaded_) {}

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
  const std::string where = store_->describe();
  if (!stored.base_digest) {
    if (auto s = store_->reset(base_digest_, std::nullopt); !s) return s;
  } else if (*stored.base_digest != base_digest_) {
    // Started with other fixtures: their catalog changes may not fit; the records stay.
    if (auto s = store_->rebase(base_digest_); !s) return s;
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
    loaded_ = std::move(*parsed);
    loaded_is_base_ = false;
  }
  catalog_ = Catalog(loaded_);
  for (const InventoryChange& i : stored.inventory)
    catalog_.set_inventory(i.account, i.variant, i.inventory);
  for (const FlowChange& f : stored.flows) catalog_.set_flow(f.account, f.flow);

  const auto inconsistent = [&](const std::string& what) -> Status {
    return Unexpected{where + ": state file is inconsistent: " + what};
  };
  for (const Subscription& s : stored.subscriptions) {
    if (s.id != state_.next_subscription_id())
      return inconsistent("subscription ids are not dense");
    state_.add_subscription({s.account, s.email, s.profile, s.variant, s.platform,
                             s.store ? std::optional<std::string_view>(*s.store) : std::nullopt,
                             s.created_ms});
    if (!s.active) state_.set_active(s.id, false);
  }
  for (const Event& e : stored.events) {
    if (e.subscription == 0 || e.subscription > state_.subscription_count()) {
      return inconsistent("event " + std::to_string(e.id) + " names no subscription");
    }
    state_.add_event(e.subscription, e.email, e.time_ms);
  }
  for (const Notification& n : stored.notifications) {
    if (n.subscription == 0 || n.subscription > state_.subscription_count()) {
      return inconsistent("notification " + std::to_string(n.id) + " names no subscription");
    }
    state_.add_notification(n.subscription, n.batch, n.sent_ms);
  }
  for (const ListMember& m : stored.members) state_.put_member(m);
  return ok_status();
}

Status Service::commit_and_apply(const Changes& c) {
  if (store_->durable()) {
    if (auto s = store_->commit(c); !s) return s;
  }
  apply(c);
  return ok_status();
}

void Service::apply(const Changes& c) {
  for (const InventoryChange& i : c.inventory)
    catalog_.set_inventory(i.account, i.variant, i.inventory);
  for (const FlowChange& f : c.flows) catalog_.set_flow(f.account, f.flow);
  for (const Subscription& s : c.subscriptions) {
    state_.add_subscription({s.account, s.email, s.profile, s.variant, s.platform,
                             s.store ? std::optional<std::string_view>(*s.store) : std::nullopt,
                             s.created_ms});
  }
  for (const Event& e : c.events) state_.add_event(e.subscription, e.email, e.time_ms);
  for (const Notification& n : c.notifications)
    state_.add_notification(n.subscription, n.batch, n.sent_ms);
  for (uint64_t id : c.cleared) state_.set_active(id, false);
  for (const ListMember& m : c.members) state_.put_member(m);
}

namespace {

SubscribeAnswer rejected(const Rejection& r) {
  SubscribeAnswer a;
  a.outcome = SubscribeOutcome::kRejected;
  a.status = r.status;
  a.detail = r.reason;
  a.account = r.account;
  return a;
}

SubscribeAnswer store_failed(const std::string& why, std::string account) {
  SubscribeAnswer a;
  a.outcome = SubscribeOutcome::kStoreFailed;
  a.status = 500;
  a.detail = "state could not be saved: " + why;
  a.account = std::move(account);
  return a;
}

}  // namespace

// A cleared subscription normally lets the profile subscribe again; `no-resubscribe-after-notify`
// treats it as still there.
bool Service::blocks_resubscribe(uint64_t latest) const {
  return state_.is_active(latest) || options_.defects.has(Defect::kNoResubscribeAfterNotify);
}

SubscribeAnswer Service::subscribe(const SubscribeFields& fields) {
  const Defects& defects = options_.defects;
  Precheck precheck = precheck_subscribe(fields, defects);  // before the lock: it needs no state
  std::unique_lock lock(mu_);
  auto checked = validate_subscribe(fields, std::move(precheck), catalog_, defects);
  if (auto* r = std::get_if<Rejection>(&checked)) return rejected(*r);
  ValidSubscribe v = std::move(std::get<ValidSubscribe>(checked));
  const int64_t now = options_.clock->now_ms();

  const bool known = !v.variant.empty() && catalog_.variant(*v.account, v.variant) != nullptr;
  if (!known && !(defects.has(Defect::kEventForUnknownVariant) && !v.variant.empty())) {
    const std::string key = v.account->key;
    const int error_status = v.account->error_status;
    lock.unlock();
    const std::string what =
        "variant '" + printable(v.variant) + "' is not in account " + key + "'s catalog";
    if (defects.has(Defect::kRejectUnknownVariant)) return rejected({error_status, what, key});
    return {SubscribeOutcome::kUnknownVariant, true, 200, what + ": nothing recorded", key};
  }

  State::Key key = state_.key(v.account->key, v.profile, v.variant);
  const uint64_t latest = state_.latest(key);
  if (latest != 0 && blocks_resubscribe(latest) && !defects.has(Defect::kDuplicateSubscription)) {
    return duplicate_locked(latest, v, now);
  }

  if (defects.has(Defect::kRacyDuplicates)) {
    // The defect: the duplicate check above and the insert below are not atomic.
    const std::string account_key = v.account->key;
    lock.unlock();
    std::this_thread::sleep_for(options_.race_window);
    lock.lock();
    v.account = catalog_.account(account_key);
    if (!v.account)
      return rejected({kDefaultErrorStatus, "account " + account_key + " was removed", ""});
    key = state_.key(account_key, v.profile, v.variant);  // a reset in between clears the pool
  }

  // The hot path: records go straight into the state; Changes are built only for a durable store.
  const fixtures::Account& account = *v.account;
  std::optional<ListMember> member;
  if (defects.has(Defect::kSubscribeAddsToList) && !account.lists.empty()) {
    const fixtures::List& list = account.lists.front();
    if (!state_.find_member(account.key, list.id, v.profile)) {
      member = ListMember{list.id,      account.key,        v.profile, std::string(v.email),
                          std::nullopt, list.double_opt_in, now};
    }
  }
  const uint64_t id = state_.next_subscription_id();
  if (store_->durable()) {
    Changes c;
    c.subscriptions.push_back(
        Subscription{id, account.key, std::string(v.email), v.profile, std::string(v.variant),
                     std::string(v.platform),
                     v.store ? std::optional<std::string>(*v.store) : std::nullopt, now, true});
    c.events.push_back(Event{state_.next_event_id(), id, account.key, std::string(v.email),
                             v.profile, std::string(v.variant), std::string(v.platform), now});
    if (member) c.members.push_back(*member);
    if (auto st = store_->commit(c); !st) return store_failed(st.error(), account.key);
  }
  state_.add_subscription(key, v.email, v.platform, v.store, now);
  state_.add_event(id, v.email, now);
  if (member) state_.put_member(*member);
  std::string account_key = account.key;
  lock.unlock();
  return {SubscribeOutcome::kSubscribed, true, 200, "subscribed " + subscription_id(id),
          std::move(account_key)};
}

SubscribeAnswer Service::duplicate_locked(uint64_t latest, const ValidSubscribe& v, int64_t now) {
  const fixtures::Account& account = *v.account;
  std::string detail = "duplicate of " + subscription_id(latest);
  if (options_.defects.has(Defect::kDuplicateEvent)) {
    const Subscription existing = state_.subscription(latest);
    Changes c;
    c.events.push_back(Event{state_.next_event_id(), latest, existing.account, std::string(v.email),
                             existing.profile, existing.variant, existing.platform, now});
    if (auto st = commit_and_apply(c); !st) return store_failed(st.error(), account.key);
    detail += ": recorded another event";
  } else {
    detail += ": nothing recorded";
  }
  const bool success = account.duplicate_answer == fixtures::DuplicateAnswer::kSuccess;
  return {SubscribeOutcome::kDuplicate, success, success ? 200 : account.error_status, detail,
          account.key};
}

ListAnswer Service::list_subscribe(std::string_view list_id, std::string_view private_key,
                                   const std::vector<ListProfile>& profiles) {
  std::lock_guard lock(mu_);
  const fixtures::Account* account = catalog_.account_by_private_key(private_key);
  if (!account)
    return {403, R"({"detail": "The private API key is invalid."})",
            "private key is not a known account", ""};
  const fixtures::List* list = account->find_list(list_id);
  if (!list) {
    return {404, R"({"detail": "List not found."})",
            "account " + account->key + " has no list '" + printable(list_id) + "'", account->key};
  }
  // A double opt-in list holds new members as pending until they confirm.
  const bool pending = list->double_opt_in && !options_.defects.has(Defect::kDoubleOptInIgnored);
  const int64_t now = options_.clock->now_ms();
  Changes c;
  nlohmann::json answer = nlohmann::json::array();
  for (const ListProfile& p : profiles) {
    const std::string profile = p.email ? ascii_lower(*p.email) : p.phone_number.value_or("");
    const ListMember* existing = state_.find_member(account->key, list->id, profile);
    if (!existing || (existing->pending && !pending)) {
      c.members.push_back(ListMember{list->id, account->key, profile, p.email, p.phone_number,
                                     pending, existing ? existing->created_ms : now});
    }
    if (!pending) {
      nlohmann::json j{{"id", digest(account->key + "\n" + profile).substr(0, 10)}};
      if (p.email) j["email"] = *p.email;
      if (p.phone_number) j["phone_number"] = *p.phone_number;
      answer.push_back(std::move(j));
    }
  }
  if (auto st = commit_and_apply(c); !st) {
    return {500, nlohmann::json{{"detail", "state could not be saved"}}.dump(), st.error(),
            account->key};
  }
  std::string detail =
      std::to_string(profiles.size()) + (pending ? " pending on " : " subscribed to ") + list->id;
  return {200, answer.dump(), detail, account->key};
}

fixtures::Fixtures Service::fixtures() const {
  std::lock_guard lock(mu_);
  return catalog_.fixtures();
}

Status Service::reset() {
  std::lock_guard lock(mu_);
  std::optional<std::string> loaded;
  if (!loaded_is_base_) loaded = fixtures::to_json(loaded_).dump();
  if (auto s = store_->reset(base_digest_, loaded); !s) return s;
  catalog_ = Catalog(loaded_);
  state_.clear();
  pending_.clear();
  return ok_status();
}

Status Service::replace_fixtures(fixtures::Fixtures f) {
  std::lock_guard lock(mu_);
  if (auto s = store_->reset(base_digest_, fixtures::to_json(f).dump()); !s) return s;
  loaded_ = std::move(f);
  loaded_is_base_ = false;
  catalog_ = Catalog(loaded_);
  state_.clear();
  pending_.clear();
  return ok_status();
}

std::vector<Subscription> Service::subscriptions(const RecordFilter& filter) {
  std::lock_guard lock(mu_);
  run_due_locked(options_.clock->now_ms());
  return state_.active_subscriptions(filter);
}

std::vector<Event> Service::events(const RecordFilter& filter) {
  std::lock_guard lock(mu_);
  return state_.events(filter);
}

std::vector<Notification> Service::notifications(const RecordFilter& filter) {
  std::lock_guard lock(mu_);
  run_due_locked(options_.clock->now_ms());
  return state_.notifications(filter);
}

Expected<std::vector<ListMember>, AdminError> Service::members(std::string_view list,
                                                               std::string_view account,
                                                               std::string_view email) {
  std::lock_guard lock(mu_);
  if (!catalog_.list(list, account).second) {
    return Unexpected{AdminError{404, "no account has a list '" + std::string(list) + "'"}};
  }
  return state_.members(account, list, email);
}

ServiceStats Service::stats() const {
  std::lock_guard lock(mu_);
  return {state_.active_count(), state_.event_count(), state_.notification_count(),
          state_.member_count(), pending_.size(),      state_.memory_bytes()};
}

}  // namespace bis::mock
