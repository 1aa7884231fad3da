#include "bis/mock/subscriber.h"

#include <cctype>
#include <thread>

#include "bis/common/text.h"
#include "bis/mock/api_answers.h"
#include "bis/mock/printable.h"

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

namespace {

SubscribeAnswer rejected(const Rejection& r) {
  SubscribeAnswer a;
  a.outcome = SubscribeOutcome::kRejected;
  a.status = r.status;
  a.success = r.answer_success;
  a.detail = r.reason;
  a.account = r.account;
  a.field = r.field;
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
State::Ref Subscriber::duplicate_of(const ServiceState::Shard& shard, const State::Key& key,
                                    std::optional<std::string_view> store) const {
  const State& state = shard.state;
  State::Ref latest = 0;
  switch (s_.state_rules.duplicate_key) {
    case StateRules::DuplicateKey::kProfileVariant:
      latest = state.latest(key);
      if (latest == 0 || (!state.is_active(latest) && s_.state_rules.resubscribe)) return 0;
      if (s_.state_rules.duplicate_key_has_store && state.subscription(latest).store != store)
        return 0;
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
  // A subscription restored from a store has no running time (made before this process
  // started): under the defect it never expires.
  if (latest != 0 && s_.state_rules.duplicate_expires_ms > 0) {
    const auto made = shard.made_running_ms.find(latest);
    if (made != shard.made_running_ms.end() &&
        s_.running_ms() - made->second > s_.state_rules.duplicate_expires_ms)
      return 0;
  }
  return latest;
}

const fixtures::Variant* Subscriber::find_variant(const fixtures::Account& account,
                                                  std::string_view id) const {
  if (const fixtures::Variant* v = s_.catalog.variant(account, id)) return v;
  switch (s_.state_rules.lookup) {
    case StateRules::Lookup::kExact:
      return nullptr;
    case StateRules::Lookup::kPrefix:
      for (const fixtures::Variant& v : account.variants) {
        if (!v.id.empty() && id.starts_with(v.id)) return &v;
      }
      return nullptr;
    case StateRules::Lookup::kAnyAccount:
      for (const fixtures::Account& a : s_.catalog.fixtures().accounts) {
        if (const fixtures::Variant* v = s_.catalog.variant(a, id)) return v;
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

bool Subscriber::rejects_unknown(std::string_view id) const {
  if (s_.state_rules.unknown == StateRules::Unknown::kReject) return true;
  if (s_.state_rules.reject_unknown_longer_than > 0 &&
      id.size() > s_.state_rules.reject_unknown_longer_than)
    return true;
  if (s_.state_rules.reject_unknown_modern && id.starts_with("$")) return true;
  if (s_.state_rules.reject_unknown_odd) {
    for (unsigned char c : id) {
      if (!std::isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return true;
    }
  }
  return false;
}

bool Subscriber::has_sms_consent(const fixtures::Account& account, std::string_view phone) const {
  for (size_t i = 0; i < ServiceState::kShards; ++i) {
    std::lock_guard lock(s_.shards[i].mu);
    for (const fixtures::List& list : account.lists) {
      for (const ListMember& m : s_.shards[i].state.members(account.key, list.id, "")) {
        if (m.pending && !s_.state_rules.sms_pending_is_consent) continue;
        if (s_.state_rules.sms_consent_by_profile ? m.profile == phone : m.phone_number == phone)
          return true;
      }
    }
  }
  return false;
}

SubscribeAnswer Subscriber::subscribe(const SubscribeFields& fields) {
  Precheck precheck = precheck_subscribe(fields, s_.rules);  // before any lock: it needs no state
  const size_t shard_index = ServiceState::shard_of(precheck.profile);
  std::shared_lock catalog_lock(s_.catalog_mu);
  auto checked = validate_subscribe(fields, std::move(precheck), s_.catalog, s_.rules);
  if (auto* r = std::get_if<Rejection>(&checked)) return rejected(*r);
  ValidSubscribe v = std::move(std::get<ValidSubscribe>(checked));
  const int64_t now = s_.options.clock->now_ms();
  // "SMS always needs explicit consent" (api-notes section 4); email needs none.
  if ((fields.channels & channel::kSms) && s_.state_rules.sms_needs_consent &&
      !has_sms_consent(*v.account, *fields.phone)) {
    Rejection r{v.account->error_status,
                "phone_number '" + printable(*fields.phone) + "' has no SMS consent on account " +
                    v.account->key + " (a confirmed list member with that number)",
                v.account->key};
    r.field = "phone_number";
    return rejected(r);
  }

  const bool known = !v.variant.empty() && find_variant(*v.account, v.variant) != nullptr;
  StateRules::Unknown unknown = s_.state_rules.unknown;
  if (!known && fields.modern() && s_.state_rules.modern_unknown_recorded)
    unknown = StateRules::Unknown::kRecord;
  if (!known && s_.state_rules.unknown_queued_on_repeat && !v.variant.empty()) {
    ServiceState::Shard& shard = s_.shards[shard_index];
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
  if (s_.state_rules.variant_lower_cased) v.variant = lowered = ascii_lower(v.variant);

  ServiceState::Shard& shard = s_.shards[shard_index];
  std::unique_lock lock(shard.mu);
  State::Key key = shard.state.key(v.account->key, v.profile, v.variant);
  const State::Ref duplicate = fields.modern() && s_.state_rules.modern_duplicates
                                   ? 0
                                   : duplicate_of(shard, key, v.store);
  if (duplicate != 0 && !s_.state_rules.duplicate_replaces) {
    if (v.refuse_after_record) {  // record-then-refuse: recorded the first time already
      return rejected({v.account->error_status, *v.refuse_after_record, v.account->key});
    }
    return duplicate_locked(shard, duplicate, v, now);
  }
  if (duplicate != 0) {  // duplicate-replaces: the existing one makes way
    Changes c;
    c.cleared.push_back(shard.state.id_of(duplicate));
    if (auto st = s_.commit(c); !st) return store_failed(st.error(), v.account->key);
    shard.state.set_active(duplicate, false);
  }
  const State::Ref previous = shard.state.latest(key);
  const bool renewal = previous != 0 && !shard.state.is_active(previous);

  if (s_.state_rules.racy_duplicates) {
    // The defect: the duplicate check above and the insert below are not atomic.
    const std::string account_key = v.account->key;
    lock.unlock();
    catalog_lock.unlock();
    std::this_thread::sleep_for(s_.options.race_window);
    catalog_lock.lock();
    lock.lock();
    v.account = s_.catalog.account(account_key);
    if (!v.account)
      return rejected({kDefaultErrorStatus, "account " + account_key + " was removed", ""});
    key = shard.state.key(account_key, v.profile, v.variant);  // a reset in between clears the pool
  }

  const fixtures::Account& account = *v.account;
  if (s_.state_rules.refuse_after_variants > 0 || s_.state_rules.ignore_after_variants > 0) {
    const size_t held = shard.state.active_count_of_profile(account.key, v.profile);
    if (s_.state_rules.refuse_after_variants > 0 && held >= s_.state_rules.refuse_after_variants) {
      return rejected({account.error_status, "the profile holds too many variants", account.key});
    }
    if (s_.state_rules.ignore_after_variants > 0 && held >= s_.state_rules.ignore_after_variants) {
      return {SubscribeOutcome::kSubscribed,     true,        200,
              "not recorded: too many variants", account.key, {}};
    }
  }

  // The hot path: records go straight into the state; Changes are built only for a durable store.
  std::optional<ListMember> member;
  if (s_.state_rules.subscribe_adds_to_list && !account.lists.empty()) {
    const fixtures::List& list = account.lists.front();
    if (!shard.state.find_member(account.key, list.id, v.profile)) {
      member = ListMember{list.id,      account.key,        v.profile, std::string(v.email),
                          std::nullopt, list.double_opt_in, now};
    }
  }
  int events = s_.state_rules.events_per_subscription;
  if (!known && unknown == StateRules::Unknown::kSubscriptionOnly) events = 0;
  if (renewal && !s_.state_rules.resubscribe_records_event) events = 0;
  const bool active = known || unknown != StateRules::Unknown::kEventOnly;
  const uint64_t id = s_.next_subscription_id.fetch_add(1);
  uint64_t event_ids[2] = {};
  for (int e = 0; e < events; ++e) event_ids[e] = s_.next_event_id.fetch_add(1);
  if (s_.store->durable()) {
    Changes c;
    c.subscriptions.push_back(Subscription{
        id, account.key, std::string(v.email), v.profile, std::string(v.variant),
        std::string(v.platform), v.store ? std::optional<std::string>(*v.store) : std::nullopt,
        now, active, fields.via, fields.channels});
    for (int e = 0; e < events; ++e) {
      Event ev{event_ids[e], id, account.key, std::string(v.email), v.profile,
               std::string(v.variant), std::string(v.platform), now};
      ev.via = fields.via;
      c.events.push_back(std::move(ev));
    }
    if (member) c.members.push_back(*member);
    if (auto st = s_.commit(c); !st) return store_failed(st.error(), account.key);
  }
  const State::Ref ref = shard.state.add_subscription(key, id, v.email, v.platform, v.store, now,
                                                      {fields.via, fields.channels});
  if (s_.state_rules.duplicate_expires_ms > 0) shard.made_running_ms[ref] = s_.running_ms();
  for (int e = 0; e < events; ++e)
    shard.state.add_event(ref, event_ids[e], v.email, now, fields.via);
  if (!active) shard.state.set_active(ref, false);
  if (member) shard.state.put_member(*member);
  std::string account_key = account.key;
  const int error_status = account.error_status;
  lock.unlock();
  catalog_lock.unlock();
  if (v.refuse_after_record) {  // the record-then-refuse defect
    return rejected({error_status,
                     *v.refuse_after_record + " (after recording " + subscription_id(id) + ")",
                     std::move(account_key)});
  }
  return {SubscribeOutcome::kSubscribed, true, 200, "subscribed " + subscription_id(id),
          std::move(account_key),        {}};
}

SubscribeAnswer Subscriber::duplicate_locked(ServiceState::Shard& shard, State::Ref latest,
                                             const ValidSubscribe& v, int64_t now) {
  const fixtures::Account& account = *v.account;
  const uint64_t latest_id = shard.state.id_of(latest);
  std::string detail = "duplicate of " + subscription_id(latest_id);
  const Subscription existing = shard.state.subscription(latest);
  if (s_.state_rules.duplicate_records_event ||
      (s_.state_rules.duplicate_records_event_other_case && existing.email != v.email)) {
    const uint64_t event_id = s_.next_event_id.fetch_add(1);
    Changes c;
    c.events.push_back(Event{event_id, latest_id, existing.account, std::string(v.email),
                             existing.profile, existing.variant, existing.platform, now});
    c.events.back().via = v.via;
    if (auto st = s_.commit(c); !st) return store_failed(st.error(), account.key);
    shard.state.add_event(latest, event_id, v.email, now, v.via);
    detail += ": recorded another event";
  } else {
    detail += ": nothing recorded";
  }
  if (s_.state_rules.duplicate_adds_to_list && !account.lists.empty()) {
    const fixtures::List& list = account.lists.front();
    if (!shard.state.find_member(account.key, list.id, v.profile)) {
      const ListMember member{list.id,      account.key,        v.profile, std::string(v.email),
                              std::nullopt, list.double_opt_in, now};
      Changes c;
      c.members.push_back(member);
      if (auto st = s_.commit(c); !st) return store_failed(st.error(), account.key);
      shard.state.put_member(member);
    }
  }
  if (s_.state_rules.notify_per_request) ++shard.repeats[latest];
  const bool success = account.duplicate_answer == fixtures::DuplicateAnswer::kSuccess &&
                       !s_.options.variations.has(Variation::kDuplicateError);
  SubscribeAnswer a{SubscribeOutcome::kDuplicate,
                    success,
                    success ? 200 : account.error_status,
                    detail,
                    account.key,
                    {}};
  switch (s_.state_rules.duplicate_body) {
    case StateRules::DuplicateBody::kAccount:
      break;
    case StateRules::DuplicateBody::kSuccessFalse:
      a.body = R"({"success": false})";
      break;
    case StateRules::DuplicateBody::kOtherError:
      a.body = R"({"errors": ["You are already subscribed."], "data": {}, "success": false})";
      break;
    case StateRules::DuplicateBody::kEchoFirstEmail:
      if (success) a.body = success_body(existing.email, s_.rules.answer);
      break;
  }
  return a;
}

}  // namespace bis::mock
