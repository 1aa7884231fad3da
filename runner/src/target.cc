#include "bis/runner/target.h"

#include <algorithm>
#include <iterator>

#include "bis/common/protocol.h"

namespace bis::runner {

using nlohmann::json;

Endpoints default_endpoints() {
  return Endpoints{
      std::string(protocol::kSubscribePath),     std::string(protocol::kOnsiteSubscribePath),
      std::string(protocol::kListSubscribePath), std::string(protocol::kClientBisPath),
      std::string(protocol::kServerBisPath),     std::string(protocol::kClientListPath)};
}

bool Target::has_capability(std::string_view name) const {
  return std::find(capabilities.begin(), capabilities.end(), name) != capabilities.end();
}

const json* Target::value(std::string_view dotted_path) const {
  std::string_view rest = dotted_path;
  if (rest.substr(0, 7) == "target.") rest.remove_prefix(7);
  const json* cur = &values;
  while (!rest.empty() && cur) {
    if (rest.front() == '[') {  // an element: restockable[2]
      const size_t close = rest.find(']');
      if (close == std::string_view::npos || !cur->is_array()) return nullptr;
      size_t index = 0;
      for (const char c : rest.substr(1, close - 1)) {
        if (c < '0' || c > '9') return nullptr;
        index = index * 10 + static_cast<size_t>(c - '0');
      }
      cur = index < cur->size() ? &(*cur)[index] : nullptr;
      rest.remove_prefix(close + 1);
      if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
      continue;
    }
    const size_t end = rest.find_first_of(".[");
    const std::string key(rest.substr(0, end));
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    cur = it == cur->end() ? nullptr : &*it;
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
  }
  return cur;
}

namespace {

bool has_enabled_flow(const fixtures::Account& a) { return a.flow && a.flow->enabled; }

int64_t threshold_of(const fixtures::Account& a) { return a.flow ? a.flow->threshold : 1; }

// Variants of the account below its threshold that a scenario may restock, in fixture order;
// `taken` (the out_of_stock variant other scenarios subscribe to) is left out.
json restockable(const fixtures::Account& a, const json& taken) {
  json ids = json::array();
  for (const auto& v : a.variants) {
    if (v.inventory < threshold_of(a) && json(v.id) != taken) ids.push_back(v.id);
  }
  return ids;
}

json account_values(const fixtures::Account& a) {
  json j{{"key", a.key}};
  if (auto p = fixtures::platform_for(a.integration)) {
    j["platform"] = std::string(*p);
    j["variant_prefix"] = std::string(fixtures::variant_id_integration(*p)) + ":::$default:::";
  }
  if (!a.private_key.empty()) j["private_key"] = a.private_key;
  return j;
}

std::string unknown_variant(const fixtures::Fixtures& f, std::string_view seed) {
  uint64_t h = 1469598103934665603ull;
  for (const char c : seed) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  for (uint64_t n = h % 1000000000ull;; ++n) {
    const std::string id = "98" + std::to_string(1000000000ull + n % 1000000000ull).substr(1);
    bool used = false;
    for (const auto& a : f.accounts) used = used || a.find_variant(id);
    if (!used) return id;
  }
}

}  // namespace

std::set<std::string> unbatched_accounts(const fixtures::Fixtures& f) {
  std::set<std::string> keys;
  for (const auto& a : f.accounts) {
    if (!a.flow || !a.flow->enabled || a.flow->batch_size == 0) keys.insert(a.key);
  }
  return keys;
}

json values_from_fixtures(const fixtures::Fixtures& f, std::string_view seed,
                          std::string_view primary_key) {
  json values = json::object();
  const fixtures::Account* primary = nullptr;
  for (const auto& a : f.accounts) {
    const bool chosen = primary_key.empty() ? a.supports_back_in_stock() && has_enabled_flow(a)
                                            : a.key == primary_key;
    if (chosen) {
      primary = &a;
      break;
    }
  }
  json variants{{"unknown", unknown_variant(f, seed)}};
  if (primary) {
    values.update(account_values(*primary));
    for (const auto& v : primary->variants) {
      const char* slot = v.inventory >= threshold_of(*primary) ? "in_stock" : "out_of_stock";
      if (!variants.contains(slot)) variants[slot] = v.id;
    }
    variants["restockable"] = restockable(*primary, variants.value("out_of_stock", json()));
    json lists = json::object();
    for (const auto& l : primary->lists) {
      const char* slot = l.double_opt_in ? "double_opt_in" : "single_opt_in";
      if (!lists.contains(slot)) lists[slot] = l.id;
    }
    if (!lists.empty()) values["lists"] = lists;
  }
  values["variants"] = variants;
  json accounts = json::object();
  for (const auto& a : f.accounts) {
    std::string name(fixtures::to_string(a.integration));
    if (a.integration == fixtures::Integration::kNone) name = "unsupported";
    // An account's restockable variants leave out those the primary account's scenarios use.
    json entry = account_values(a);
    entry["restockable"] = &a == primary ? variants["restockable"] : restockable(a, json());
    if (!accounts.contains(name)) accounts[name] = entry;
    if (a.supports_back_in_stock() && !has_enabled_flow(a) && !accounts.contains("no_flow")) {
      accounts["no_flow"] = entry;
    }
    // The rate-limit suite's account: its legacy calls are counted, 3 a minute.
    if (a.rate_limits.legacy && a.rate_limits.steady == 3 && a.supports_back_in_stock() &&
        !accounts.contains("rate_limited")) {
      accounts["rate_limited"] = entry;
    }
  }
  // Accounts of their own for the scenarios that change a flow: the other accounts of the
  // primary's integration with an enabled flow and no limits on legacy calls, in fixture order.
  size_t n = 0;
  for (const auto& a : f.accounts) {
    if (!primary || &a == primary || a.integration != primary->integration ||
        !has_enabled_flow(a) || a.rate_limits.legacy || n == std::size(kFlowAccounts))
      continue;
    json entry = account_values(a);
    entry["restockable"] = restockable(a, json());
    accounts[std::string(kFlowAccounts[n++].name)] = entry;
  }
  values["accounts"] = accounts;
  return values;
}

void add_flow_accounts(json& values) {
  if (!values.contains("key")) return;  // no primary account to fall back to
  json& accounts = values["accounts"];
  if (!accounts.is_object()) accounts = json::object();
  for (const FlowAccount& f : kFlowAccounts) {
    if (accounts.contains(std::string(f.name))) continue;
    json entry = json::object();
    for (const char* k : {"key", "platform", "private_key", "variant_prefix"}) {
      if (values.contains(k)) entry[k] = values[k];
    }
    // The primary's restockable variants from the one this scenario used before it had an
    // account of its own, so that sharing the primary account, it restocks a variant no other
    // scenario restocks.
    json ids = json::array();
    const json* list = values.contains("variants") ? &values["variants"] : nullptr;
    if (list && list->contains("restockable") && (*list)["restockable"].is_array()) {
      const json& all = (*list)["restockable"];
      for (size_t i = f.primary_restockable_from; i < all.size(); ++i) ids.push_back(all[i]);
    }
    entry["restockable"] = ids;
    accounts[std::string(f.name)] = entry;
  }
}

json merge_profile_values(const json& profile, const fixtures::Fixtures& f, std::string_view seed) {
  json values = values_from_fixtures(f, seed, profile.value("key", ""));
  for (auto it = profile.begin(); it != profile.end(); ++it) {
    if (it.key() == "variants") {
      for (auto v = it->begin(); v != it->end(); ++v) values["variants"][v.key()] = *v;
    } else if (it.key() == "accounts") {
      for (auto a = it->begin(); a != it->end(); ++a) {
        // The profile's entry wins whole (its key may name another account); its restockable
        // variants come from the fixtures of that account unless it lists them.
        json entry = *a;
        if (!entry.contains("restockable") && entry.contains("key")) {
          for (const auto& account : f.accounts) {
            if (json(account.key) == entry["key"])
              entry["restockable"] = restockable(account, json());
          }
        }
        values["accounts"][a.key()] = entry;
      }
    } else {
      values[it.key()] = *it;
    }
  }
  return values;
}

}  // namespace bis::runner
