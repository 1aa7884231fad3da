#include "bis/mock/service.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <span>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "bis/common/text.h"
#include "bis/mock/api_answers.h"

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
      rules_(request_rules(options_.defects)),
      state_rules_(mock::state_rules(options_.defects)),
      store_(std::move(store)),
      base_digest_(digest(fixtures::to_json(base).dump())),
      loaded_(std::move(base)),
      catalog_(loaded_),
      shards_(std::make_unique<Shard[]>(kShards)) {
  rules_.email.allow_unicode_domain = options_.variations.has(Variation::kEmailUnicodeDomain);
  rules_.email.allow_quoted_local = options_.variations.has(Variation::kEmailQuotedLocal);
}

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

size_t Service::shard_of(std::string_view profile) {
  return std::hash<std::string_view>{}(profile) % kShards;
}

Status Service::restore(StoredState stored) {
  std::unique_lock catalog_lock(catalog_mu_);
  AllShards shards(shards_.get());
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

  std::unordered_map<uint64_t, Target> by_id;
  uint64_t last_sub = 0, last_event = 0, last_notification = 0;
  for (const Subscription& s : stored.subscriptions) {
    const size_t shard = shard_of(s.profile);
    by_id[s.id] = Target{shard, shards_[shard].state.add_subscription(s), s.id};
    last_sub = std::max(last_sub, s.id);
  }
  for (const Event& e : stored.events) {
    auto it = by_id.find(e.subscription);
    if (it == by_id.end())
      return Unexpected{where + ": event " + std::to_string(e.id) + " names no subscription"};
    shards_[it->second.shard].state.add_event(it->second.ref, e.id, e.email, e.time_ms);
    last_event = std::max(last_event, e.id);
  }
  for (const Notification& n : stored.notifications) {
    auto it = by_id.find(n.subscription);
    if (it == by_id.end()) {
      return Unexpected{where + ": notification " + std::to_string(n.id) +
                        " names no subscription"};
    }
    shards_[it->second.shard].state.add_notification(it->second.ref, n.id, n.batch, n.sent_ms);
    last_notification = std::max(last_notification, n.id);
  }
  for (const ListMember& m : stored.members) shards_[shard_of(m.profile)].state.put_member(m);
  // Batches that were waiting go out when due (at once if their time passed while stopped).
  for (PendingBatchRecord& r : stored.pending) {
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
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const PendingBatch& a, const PendingBatch& b) { return a.due_ms < b.due_ms; });
  next_subscription_id_ = last_sub + 1;
  next_event_id_ = last_event + 1;
  next_notification_id_ = last_notification + 1;
  return ok_status();
}

Status Service::commit(const Changes& c) {
  if (!store_->durable()) return ok_status();
  std::lock_guard lock(store_mu_);
  return store_->commit(c);
}

void Service::clear_state() {
  for (size_t i = 0; i < kShards; ++i) {
    shards_[i].state.clear();
    shards_[i].repeats.clear();
    shards_[i].unknown_tries.clear();
  }
  pending_.clear();
  first_restock_.clear();
  next_subscription_id_ = next_event_id_ = next_notification_id_ = 1;
}

namespace {

SubscribeAnswer rejected(const Rejection& r) {
  SubscribeAnswer a;
  a.outcome = SubscribeOutcome::kRejected;
  a.status = r.status;
  a.success = r.answer_success;
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

// The API's duplicate key is (account, profile, variant), found through the index; a cleared
// subscription lets the profile subscribe again. The rules may widen, narrow or age the key.
State::Ref Service::duplicate_of(const State& state, const State::Key& key, int64_t now,
                                  std::optional<std::string_view> store) const {
  State::Ref latest = 0;
  switch (state_rules_.duplicate_key) {
    case StateRules::DuplicateKey::kProfileVariant:
      latest = state.latest(key);
      if (latest == 0 || (!state.is_active(latest) && state_rules_.resubscribe)) return 0;
      if (state_rules_.duplicate_key_has_store && state.subscription(latest).store != store) return 0;
      break;
    case StateRules::DuplicateKey::kNone:
      return 0;
    case StateRules::DuplicateKey::kProfile:
      latest = state.latest_active_like(key, State::Match::kAnyVariant);
      break;
    case StateRules::DuplicateKey::kAnyAccount:
      latest = state.latest_active_like(key, State::Match::kAnyAccount);
      break;
    case StateRules::DuplicateKey::kVariantPrefix:
      latest = state.latest_active_like(key, State::Match::kVariantPrefix);
      break;
  }
  if (latest != 0 && state_rules_.duplicate_expires_ms > 0 &&
      now - state.created_ms(latest) > state_rules_.duplicate_expires_ms) {
    return 0;
  }
  return latest;
}

const fixtures::Variant* Service::find_variant(const fixtures::Account& account,
                                               std::string_view id) const {
  if (const fixtures::Variant* v = catalog_.variant(account, id)) return v;
  switch (state_rules_.lookup) {
    case StateRules::Lookup::kExact:
      return nullptr;
    case StateRules::Lookup::kPrefix:
      for (const fixtures::Variant& v : account.variants) {
        if (!v.id.empty() && id.starts_with(v.id)) return &v;
      }
      return nullptr;
    case StateRules::Lookup::kAnyAccount:
      for (const fixtures::Account& a : catalog_.fixtures().accounts) {
        if (const fixtures::Variant* v = catalog_.variant(a, id)) return v;
      }
      return nullptr;
    case StateRules::Lookup::kAnyCase:
      for (const fixtures::Variant& v : account.variants) {
        if (iequals(v.id, id)) return &v;
      }
      return nullptr;
  }
  return nullptr;
}

bool Service::rejects_unknown(std::string_view id) const {
  if (state_rules_.unknown == StateRules::Unknown::kReject) return true;
  if (state_rules_.reject_unknown_longer_than > 0 && id.size() > state_rules_.reject_unknown_longer_than)
    return true;
  if (state_rules_.reject_unknown_modern && id.starts_with("$")) return true;
  if (state_rules_.reject_unknown_odd) {
    for (unsigned char c : id) {
      if (!std::isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return true;
    }
  }
  return false;
}

SubscribeAnswer Service::subscribe(const SubscribeFields& fields) {
  const Defects& defects = options_.defects;
  Precheck precheck = precheck_subscribe(fields, rules_);  // before any lock: it needs no state
  const size_t shard_index = shard_of(precheck.profile);
  std::shared_lock catalog_lock(catalog_mu_);
  auto checked = validate_subscribe(fields, std::move(precheck), catalog_, rules_);
  if (auto* r = std::get_if<Rejection>(&checked)) return rejected(*r);
  ValidSubscribe v = std::move(std::get<ValidSubscribe>(checked));
  const int64_t now = options_.clock->now_ms();

  const bool known = !v.variant.empty() && find_variant(*v.account, v.variant) != nullptr;
  StateRules::Unknown unknown = state_rules_.unknown;
  if (!known && state_rules_.unknown_queued_on_repeat && !v.variant.empty()) {
    Shard& shard = shards_[shard_index];
    std::lock_guard lock(shard.mu);
    const std::string tried = v.account->key + "\n" + v.profile + "\n" + std::string(v.variant);
    if (!shard.unknown_tries.insert(tried).second) unknown = StateRules::Unknown::kSubscriptionOnly;
  }
  if (!known) {
    const std::string key = v.account->key;
    const int error_status = v.account->error_status;
    const std::string what =
        "variant '" + printable(v.variant) + "' is not in account " + key + "'s catalog";
    if (rejects_unknown(v.variant)) return rejected({error_status, what, key});
    if (unknown == StateRules::Unknown::kNothing || v.variant.empty()) {
      catalog_lock.unlock();
      if (v.refuse_after_record) return rejected({error_status, *v.refuse_after_record, key});
      return {SubscribeOutcome::kUnknownVariant, true, 200, what + ": nothing recorded", key, {}};
    }
  }
  std::string lowered;
  if (state_rules_.variant_lower_cased) v.variant = lowered = ascii_lower(v.variant);

  Shard& shard = shards_[shard_index];
  std::unique_lock lock(shard.mu);
  State::Key key = shard.state.key(v.account->key, v.profile, v.variant);
  const State::Ref duplicate = duplicate_of(shard.state, key, now, v.store);
  if (duplicate != 0 && !state_rules_.duplicate_replaces) {
    if (v.refuse_after_record) {  // record-then-refuse: recorded the first time already
      return rejected({v.account->error_status, *v.refuse_after_record, v.account->key});
    }
    return duplicate_locked(shard, duplicate, v, now);
  }
  if (duplicate != 0) {  // duplicate-replaces: the existing one makes way
    Changes c;
    c.cleared.push_back(shard.state.id_of(duplicate));
    if (auto st = commit(c); !st) return store_failed(st.error(), v.account->key);
    shard.state.set_active(duplicate, false);
  }
  const State::Ref previous = shard.state.latest(key);
  const bool renewal = previous != 0 && !shard.state.is_active(previous);

  if (state_rules_.racy_duplicates) {
    // The defect: the duplicate check above and the insert below are not atomic.
    const std::string account_key = v.account->key;
    lock.unlock();
    catalog_lock.unlock();
    std::this_thread::sleep_for(options_.race_window);
    catalog_lock.lock();
    lock.lock();
    v.account = catalog_.account(account_key);
    if (!v.account)
      return rejected({kDefaultErrorStatus, "account " + account_key + " was removed", ""});
    key = shard.state.key(account_key, v.profile, v.variant);  // a reset in between clears the pool
  }

  const fixtures::Account& account = *v.account;
  if (state_rules_.refuse_after_variants > 0 || state_rules_.ignore_after_variants > 0) {
    const size_t held = shard.state.active_count_of_profile(account.key, v.profile);
    if (state_rules_.refuse_after_variants > 0 && held >= state_rules_.refuse_after_variants) {
      return rejected({account.error_status, "the profile holds too many variants", account.key});
    }
    if (state_rules_.ignore_after_variants > 0 && held >= state_rules_.ignore_after_variants) {
      return {SubscribeOutcome::kSubscribed, true, 200, "not recorded: too many variants",
              account.key, {}};
    }
  }

  // The hot path: records go straight into the state; Changes are built only for a durable store.
  std::optional<ListMember> member;
  if (state_rules_.subscribe_adds_to_list && !account.lists.empty()) {
    const fixtures::List& list = account.lists.front();
    if (!shard.state.find_member(account.key, list.id, v.profile)) {
      member = ListMember{list.id,      account.key,        v.profile, std::string(v.email),
                          std::nullopt, list.double_opt_in, now};
    }
  }
  int events = state_rules_.events_per_subscription;
  if (!known && unknown == StateRules::Unknown::kSubscriptionOnly) events = 0;
  if (renewal && !state_rules_.resubscribe_records_event) events = 0;
  const bool active = known || unknown != StateRules::Unknown::kEventOnly;
  const uint64_t id = next_subscription_id_.fetch_add(1);
  uint64_t event_ids[2] = {};
  for (int e = 0; e < events; ++e) event_ids[e] = next_event_id_.fetch_add(1);
  if (store_->durable()) {
    Changes c;
    c.subscriptions.push_back(
        Subscription{id, account.key, std::string(v.email), v.profile, std::string(v.variant),
                     std::string(v.platform),
                     v.store ? std::optional<std::string>(*v.store) : std::nullopt, now, active});
    for (int e = 0; e < events; ++e) {
      c.events.push_back(Event{event_ids[e], id, account.key, std::string(v.email), v.profile,
                               std::string(v.variant), std::string(v.platform), now});
    }
    if (member) c.members.push_back(*member);
    if (auto st = commit(c); !st) return store_failed(st.error(), account.key);
  }
  const State::Ref ref = shard.state.add_subscription(key, id, v.email, v.platform, v.store, now);
  for (int e = 0; e < events; ++e) shard.state.add_event(ref, event_ids[e], v.email, now);
  if (!active) shard.state.set_active(ref, false);
  if (member) shard.state.put_member(*member);
  std::string account_key = account.key;
  const int error_status = account.error_status;
  lock.unlock();
  catalog_lock.unlock();
  if (v.refuse_after_record) {  // the record-then-refuse defect
    return rejected({error_status, *v.refuse_after_record + " (after recording " +
                                       subscription_id(id) + ")",
                     std::move(account_key)});
  }
  return {SubscribeOutcome::kSubscribed, true, 200, "subscribed " + subscription_id(id),
          std::move(account_key), {}};
}

SubscribeAnswer Service::duplicate_locked(Shard& shard, State::Ref latest, const ValidSubscribe& v,
                                          int64_t now) {
  const fixtures::Account& account = *v.account;
  const uint64_t latest_id = shard.state.id_of(latest);
  std::string detail = "duplicate of " + subscription_id(latest_id);
  const Subscription existing = shard.state.subscription(latest);
  if (state_rules_.duplicate_records_event ||
      (state_rules_.duplicate_records_event_other_case && existing.email != v.email)) {
    const uint64_t event_id = next_event_id_.fetch_add(1);
    Changes c;
    c.events.push_back(Event{event_id, latest_id, existing.account, std::string(v.email),
                             existing.profile, existing.variant, existing.platform, now});
    if (auto st = commit(c); !st) return store_failed(st.error(), account.key);
    shard.state.add_event(latest, event_id, v.email, now);
    detail += ": recorded another event";
  } else {
    detail += ": nothing recorded";
  }
  if (state_rules_.duplicate_adds_to_list && !account.lists.empty()) {
    const fixtures::List& list = account.lists.front();
    if (!shard.state.find_member(account.key, list.id, v.profile)) {
      const ListMember member{list.id,      account.key,        v.profile, std::string(v.email),
                              std::nullopt, list.double_opt_in, now};
      Changes c;
      c.members.push_back(member);
      if (auto st = commit(c); !st) return store_failed(st.error(), account.key);
      shard.state.put_member(member);
    }
  }
  if (state_rules_.notify_per_request) ++shard.repeats[latest];
  const bool success = account.duplicate_answer == fixtures::DuplicateAnswer::kSuccess &&
                       !options_.variations.has(Variation::kDuplicateError);
  SubscribeAnswer a{SubscribeOutcome::kDuplicate, success, success ? 200 : account.error_status,
                    detail, account.key, {}};
  switch (state_rules_.duplicate_body) {
    case StateRules::DuplicateBody::kAccount:
      break;
    case StateRules::DuplicateBody::kSuccessFalse:
      a.body = R"({"success": false})";
      break;
    case StateRules::DuplicateBody::kOtherError:
      a.body = R"({"errors": ["You are already subscribed."], "data": {}, "success": false})";
      break;
    case StateRules::DuplicateBody::kEchoFirstEmail:
      if (success) a.body = success_body(existing.email, rules_.answer);
      break;
  }
  return a;
}

const fixtures::Account* Service::account_by_private_key(std::string_view key,
                                                         std::string_view list) const {
  if (const fixtures::Account* a = catalog_.account_by_private_key(key)) {
    if (state_rules_.private_key != StateRules::PrivateKey::kAnyAccount) return a;
    const fixtures::Account* holder = catalog_.list(list).first;  // any account's key opens it
    return holder ? holder : a;
  }
  for (const fixtures::Account& a : catalog_.fixtures().accounts) {
    if (a.private_key.empty()) continue;
    switch (state_rules_.private_key) {
      case StateRules::PrivateKey::kPrefix:
        if (key.starts_with(a.private_key)) return &a;
        break;
      case StateRules::PrivateKey::kCaseInsensitive:
        if (iequals(key, a.private_key)) return &a;
        break;
      case StateRules::PrivateKey::kPublicToo:
        if (key == a.key) return &a;
        break;
      case StateRules::PrivateKey::kExact:
      case StateRules::PrivateKey::kAnyAccount:
        return nullptr;
    }
  }
  return nullptr;
}

ListAnswer Service::list_subscribe(std::string_view list_id, std::string_view private_key,
                                   const std::vector<ListProfile>& profiles) {
  ListAnswer out = list_subscribe_locked(list_id, private_key, profiles);
  if (!state_rules_.list_call_queues_subscription || out.status != 200) return out;
  std::string key, variant, platform;
  {
    std::shared_lock catalog_lock(catalog_mu_);
    const fixtures::Account* account = catalog_.account(out.account);
    if (!account || account->variants.empty()) return out;
    key = account->key;
    variant = account->variants.front().id;
    platform = std::string(fixtures::platform_for(account->integration).value_or(""));
  }
  for (const ListProfile& p : profiles) {
    if (!p.email) continue;
    SubscribeFields f;
    f.a = key;
    f.email = *p.email;
    f.variant = variant;
    f.platform = platform;
    (void)subscribe(f);
  }
  return out;
}

ListAnswer Service::list_subscribe_locked(std::string_view list_id, std::string_view private_key,
                                          const std::vector<ListProfile>& all_profiles) {
  std::shared_lock catalog_lock(catalog_mu_);
  const fixtures::Account* account = account_by_private_key(private_key, list_id);
  if (!account)
    return {403, R"({"detail": "The private API key is invalid."})",
            "private key is not a known account", ""};
  const fixtures::List* list = account->find_list(list_id);
  if (!list) {
    return {404, R"({"detail": "List not found."})",
            "account " + account->key + " has no list '" + printable(list_id) + "'", account->key};
  }
  // A double opt-in list holds new members as pending until they confirm.
  const StateRules::OptIn& opt_in = list->double_opt_in ? state_rules_.double_opt_in : state_rules_.single_opt_in;
  const bool pending = opt_in.pending;
  const std::span<const ListProfile> profiles(
      all_profiles.data(), opt_in.first_profile_only ? std::min<size_t>(all_profiles.size(), 1)
                                                     : all_profiles.size());
  const int64_t now = options_.clock->now_ms();
  AllShards shards(shards_.get());  // a rare call: simplest to hold every shard it may touch
  Changes c;
  nlohmann::json answer = nlohmann::json::array();
  for (const ListProfile& p : profiles) {
    const std::string profile = p.email ? ascii_lower(*p.email) : p.phone_number.value_or("");
    const ListMember* existing =
        shards_[shard_of(profile)].state.find_member(account->key, list->id, profile);
    if (!existing || (existing->pending && !pending)) {
      c.members.push_back(ListMember{list->id, account->key, profile, p.email, p.phone_number,
                                     pending, existing ? existing->created_ms : now});
    }
    if (opt_in.answer_profiles) {
      nlohmann::json j{{"id", digest(account->key + "\n" + profile).substr(0, 10)}};
      if (p.email) j["email"] = *p.email;
      if (p.phone_number) j["phone_number"] = *p.phone_number;
      answer.push_back(std::move(j));
    }
  }
  if (auto st = commit(c); !st) {
    return {500, nlohmann::json{{"detail", "state could not be saved"}}.dump(), st.error(),
            account->key};
  }
  for (const ListMember& m : c.members) shards_[shard_of(m.profile)].state.put_member(m);
  std::string detail =
      std::to_string(profiles.size()) + (pending ? " pending on " : " subscribed to ") + list->id;
  return {200, answer.dump(), detail, account->key};
}

fixtures::Fixtures Service::fixtures() const {
  std::shared_lock lock(catalog_mu_);
  return catalog_.fixtures();
}

Status Service::reset() {
  std::unique_lock catalog_lock(catalog_mu_);
  AllShards shards(shards_.get());
  std::optional<std::string> loaded;
  if (!loaded_is_base_) loaded = fixtures::to_json(loaded_).dump();
  if (auto s = store_->reset(base_digest_, loaded); !s) return s;
  catalog_ = Catalog(loaded_);
  clear_state();
  return ok_status();
}

Status Service::replace_fixtures(fixtures::Fixtures f) {
  std::unique_lock catalog_lock(catalog_mu_);
  AllShards shards(shards_.get());
  if (auto s = store_->reset(base_digest_, fixtures::to_json(f).dump()); !s) return s;
  loaded_ = std::move(f);
  loaded_is_base_ = false;
  catalog_ = Catalog(loaded_);
  clear_state();
  return ok_status();
}

namespace {

// Merges per-shard record lists into the order the records were made.
template <class T>
void by_id(std::vector<T>& records) {
  std::sort(records.begin(), records.end(), [](const T& a, const T& b) { return a.id < b.id; });
}

}  // namespace

std::vector<Subscription> Service::subscriptions(const RecordFilter& filter) {
  return subscriptions(filter, true);
}

std::vector<Subscription> Service::all_subscriptions(const RecordFilter& filter) {
  return subscriptions(filter, false);
}

std::vector<Subscription> Service::subscriptions(const RecordFilter& filter, bool active_only) {
  run_due();
  std::shared_lock catalog_lock(catalog_mu_);
  std::vector<Subscription> out;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mu);
    auto part = active_only ? shards_[i].state.active_subscriptions(filter)
                            : shards_[i].state.all_subscriptions(filter);
    out.insert(out.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  }
  by_id(out);
  return out;
}

std::vector<Event> Service::events(const RecordFilter& filter) {
  std::shared_lock catalog_lock(catalog_mu_);
  std::vector<Event> out;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mu);
    auto part = shards_[i].state.events(filter);
    out.insert(out.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  }
  by_id(out);
  if (state_rules_.metric != protocol::kSubscribedMetric) {
    for (Event& e : out) e.metric = state_rules_.metric;
  }
  return out;
}

std::vector<Notification> Service::notifications(const RecordFilter& filter) {
  run_due();
  std::shared_lock catalog_lock(catalog_mu_);
  std::vector<Notification> out;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mu);
    auto part = shards_[i].state.notifications(filter);
    out.insert(out.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  }
  by_id(out);
  return out;
}

Expected<std::vector<ListMember>, AdminError> Service::members(std::string_view list,
                                                               std::string_view account,
                                                               std::string_view email) {
  std::shared_lock catalog_lock(catalog_mu_);
  if (!catalog_.list(list, account).second) {
    return Unexpected{AdminError{404, "no account has a list '" + std::string(list) + "'"}};
  }
  std::vector<ListMember> out;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mu);
    auto part = shards_[i].state.members(account, list, email);
    out.insert(out.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  }
  std::sort(out.begin(), out.end(), [](const ListMember& a, const ListMember& b) {
    return std::tie(a.created_ms, a.profile) < std::tie(b.created_ms, b.profile);
  });
  return out;
}

ServiceStats Service::stats() const {
  std::shared_lock catalog_lock(catalog_mu_);
  ServiceStats st;
  st.pending_batches = pending_.size();
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mu);
    const State& s = shards_[i].state;
    st.subscriptions += s.active_count();
    st.events += s.event_count();
    st.notifications += s.notification_count();
    st.members += s.member_count();
    st.memory_bytes += s.memory_bytes();
  }
  return st;
}

}  // namespace bis::mock
