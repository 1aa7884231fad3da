#include "bis/mock/list_api.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <span>

#include "bis/common/text.h"
#include "bis/mock/printable.h"

namespace bis::mock {

const fixtures::Account* ListApi::account_by_private_key(std::string_view key,
                                                         std::string_view list) const {
  if (const fixtures::Account* a = s_.catalog.account_by_private_key(key)) {
    if (s_.state_rules.private_key != StateRules::PrivateKey::kAnyAccount) return a;
    const fixtures::Account* holder = s_.catalog.list(list).first;  // any account's key opens it
    return holder ? holder : a;
  }
  for (const fixtures::Account& a : s_.catalog.fixtures().accounts) {
    if (a.private_key.empty()) continue;
    switch (s_.state_rules.private_key) {
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

ListAnswer ListApi::list_subscribe(std::string_view list_id, std::string_view private_key,
                                   const std::vector<ListProfile>& profiles) {
  ListAnswer out = list_subscribe_locked(list_id, private_key, profiles);
  if (!s_.state_rules.list_call_queues_subscription || out.status != 200) return out;
  std::string key, variant, platform;
  {
    std::shared_lock catalog_lock(s_.catalog_mu);
    const fixtures::Account* account = s_.catalog.account(out.account);
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
    (void)subscriber_.subscribe(f);
  }
  return out;
}

ListAnswer ListApi::client_subscribe(std::string_view list, std::string_view company_id,
                                     const ListProfile& profile) {
  std::string private_key;
  {
    std::shared_lock catalog_lock(s_.catalog_mu);
    const fixtures::Account* account = s_.catalog.account(company_id);
    if (!account || account->private_key.empty()) {
      return {403, {}, "company_id '" + printable(company_id) + "' is no account's public key", ""};
    }
    private_key = account->private_key;
  }
  return list_subscribe(list, private_key, {profile});
}

ListAnswer ListApi::list_subscribe_locked(std::string_view list_id, std::string_view private_key,
                                          const std::vector<ListProfile>& all_profiles) {
  std::shared_lock catalog_lock(s_.catalog_mu);
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
  const StateRules::OptIn& opt_in =
      list->double_opt_in ? s_.state_rules.double_opt_in : s_.state_rules.single_opt_in;
  const bool pending = opt_in.pending;
  const std::span<const ListProfile> profiles(
      all_profiles.data(),
      opt_in.first_profile_only ? std::min<size_t>(all_profiles.size(), 1) : all_profiles.size());
  const int64_t now = s_.options.clock->now_ms();
  ServiceState::AllShards shards(
      s_.shards.get());  // a rare call: simplest to hold every shard it may touch
  Changes c;
  nlohmann::json answer = nlohmann::json::array();
  for (const ListProfile& p : profiles) {
    const std::string profile = p.email ? ascii_lower(*p.email) : p.phone_number.value_or("");
    const ListMember* existing = s_.shards[ServiceState::shard_of(profile)].state.find_member(
        account->key, list->id, profile);
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
  if (auto st = s_.commit(c); !st) {
    return {500, nlohmann::json{{"detail", "state could not be saved"}}.dump(), st.error(),
            account->key};
  }
  for (const ListMember& m : c.members)
    s_.shards[ServiceState::shard_of(m.profile)].state.put_member(m);
  std::string detail =
      std::to_string(profiles.size()) + (pending ? " pending on " : " subscribed to ") + list->id;
  return {200, answer.dump(), detail, account->key};
}

}  // namespace bis::mock
