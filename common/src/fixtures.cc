#include "bis/common/fixtures.h"

#include <array>
#include <set>

#include "bis/common/text.h"

namespace bis::fixtures {
namespace {

using nlohmann::json;

struct IntegrationName {
  Integration integration;
  std::string_view name;
  std::optional<std::string_view> platform;
};

constexpr std::array<IntegrationName, 6> kIntegrations = {{
    {Integration::kShopify, "shopify", "shopify"},
    {Integration::kBigCommerce, "bigcommerce", "bigcommerce"},
    {Integration::kMagentoTwo, "magento_two", "magento_two"},
    {Integration::kCustomCatalog, "custom_catalog", "api"},
    {Integration::kCustomCatalogWithoutInventory, "custom_catalog_without_inventory", std::nullopt},
    {Integration::kNone, "none", std::nullopt},
}};

std::string_view type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "a list";
    case json::value_t::object: return "an object";
    default: return "a number";
  }
}

// Checks that `j` is an object and, when unknown keys are refused, its keys against `allowed`;
// returns an error message or "".
std::string check_object(const json& j, const std::string& path, UnknownKeys unknown,
                         std::initializer_list<std::string_view> allowed) {
  if (!j.is_object()) return path + ": expected an object, got " + std::string(type_name(j));
  if (unknown == UnknownKeys::kIgnore) return "";
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (auto a : allowed) known = known || a == it.key();
    if (known) continue;
    std::string msg = path + ": unknown key '" + it.key() + "'";
    std::vector<std::string_view> c(allowed.begin(), allowed.end());
    msg += did_you_mean(it.key(), std::span<const std::string_view>(c));
    return msg;
  }
  return "";
}

// Reads an optional field. Strings accept numbers (variant IDs are often written bare).
std::string get_string(const json& obj, const char* key, const std::string& path, std::string& err,
                       const std::string& fallback = "") {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();
  err = path + "." + key + ": expected a string, got " + std::string(type_name(*it));
  return fallback;
}

int64_t get_int(const json& obj, const char* key, const std::string& path, std::string& err, int64_t fallback,
                int64_t min) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) {
    err = path + "." + key + ": expected an integer, got " + std::string(type_name(*it));
    return fallback;
  }
  const int64_t v = it->get<int64_t>();
  if (v < min) err = path + "." + key + ": must be at least " + std::to_string(min);
  return v;
}

bool get_bool(const json& obj, const char* key, const std::string& path, std::string& err, bool fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) {
    err = path + "." + key + ": expected true or false, got " + std::string(type_name(*it));
    return fallback;
  }
  return it->get<bool>();
}

// Calls `item(element, its path)` for each element of the optional list `key` of `parent`
// (absent or null: none). The first error, a value that is not a list or what `item` returns,
// ends it.
template <typename Item>
std::string for_each_in_list(const json& parent, const char* key, const std::string& path,
                             Item&& item) {
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return {};
  const std::string list_path = path + "." + key;
  if (!it->is_array()) return list_path + ": expected a list";
  for (size_t k = 0; k < it->size(); ++k) {
    std::string err = item((*it)[k], list_path + "[" + std::to_string(k) + "]");
    if (!err.empty()) return err;
  }
  return {};
}

}  // namespace

std::string_view to_string(Integration integration) {
  for (const auto& i : kIntegrations) {
    if (i.integration == integration) return i.name;
  }
  return "none";
}

std::string_view variant_id_integration(std::string_view platform) {
  if (platform == "shopify") return "$shopify";
  if (platform == "bigcommerce") return "$bigcommerce";
  if (platform == "magento_two") return "$magento_two";
  if (platform == "api") return "$custom";
  return {};
}

std::optional<Integration> integration_from_string(std::string_view name) {
  for (const auto& i : kIntegrations) {
    if (i.name == name) return i.integration;
  }
  return std::nullopt;
}

const std::vector<std::string>& integration_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& i : kIntegrations) n.emplace_back(i.name);
    return n;
  }();
  return names;
}

std::optional<std::string_view> platform_for(Integration integration) {
  for (const auto& i : kIntegrations) {
    if (i.integration == integration) return i.platform;
  }
  return std::nullopt;
}

const Variant* Account::find_variant(std::string_view id) const {
  for (const auto& v : variants) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

const List* Account::find_list(std::string_view id) const {
  for (const auto& l : lists) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

const Account* Fixtures::find_account(std::string_view key) const {
  for (const auto& a : accounts) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

json to_json(const Flow& flow) {
  return json{{"enabled", flow.enabled},
              {"threshold", flow.threshold},
              {"batch_size", flow.batch_size},
              {"batch_interval_seconds", flow.batch_interval_seconds}};
}

json to_json(const Account& account) {
  json variants = json::array();
  for (const auto& v : account.variants) {
    json jv{{"id", v.id}, {"inventory", v.inventory}};
    if (!v.title.empty()) jv["title"] = v.title;
    variants.push_back(std::move(jv));
  }
  json lists = json::array();
  for (const auto& l : account.lists) {
    lists.push_back(json{{"id", l.id}, {"name", l.name}, {"opt_in", l.double_opt_in ? "double" : "single"}});
  }
  const auto platform = platform_for(account.integration);
  return json{{"key", account.key},
              {"private_key", account.private_key},
              {"name", account.name},
              {"integration", to_string(account.integration)},
              {"platform", platform ? json(std::string(*platform)) : json(nullptr)},
              {"supports_back_in_stock", account.supports_back_in_stock()},
              {"flow", account.flow ? to_json(*account.flow) : json(nullptr)},
              {"error_status", account.error_status},
              {"duplicate_answer", account.duplicate_answer == DuplicateAnswer::kSuccess ? "success" : "error"},
              {"variants", std::move(variants)},
              {"lists", std::move(lists)},
              {"rate_limits",
               {{"burst", account.rate_limits.burst},
                {"steady", account.rate_limits.steady},
                {"legacy", account.rate_limits.legacy}}}};
}

json to_json(const Fixtures& fixtures) {
  json accounts = json::array();
  for (const auto& a : fixtures.accounts) accounts.push_back(to_json(a));
  return json{{"accounts", std::move(accounts)}};
}

Expected<Flow, std::string> flow_from_json(const json& j, const std::string& path, UnknownKeys unknown) {
  std::string err = check_object(j, path, unknown, {"enabled", "threshold", "batch_size", "batch_interval_seconds"});
  if (!err.empty()) return Unexpected{err};
  Flow flow;
  flow.enabled = get_bool(j, "enabled", path, err, true);
  flow.threshold = get_int(j, "threshold", path, err, 1, 1);
  flow.batch_size = get_int(j, "batch_size", path, err, 0, 0);
  flow.batch_interval_seconds = get_int(j, "batch_interval_seconds", path, err, 0, 0);
  if (!err.empty()) return Unexpected{err};
  return flow;
}

Expected<Fixtures, std::string> fixtures_from_json(const json& j, UnknownKeys unknown) {
  std::string err = check_object(j, "fixtures", unknown, {"accounts"});
  if (!err.empty()) return Unexpected{err};
  auto accounts = j.find("accounts");
  if (accounts == j.end() || !accounts->is_array()) return Unexpected{std::string("fixtures.accounts: expected a list")};
  Fixtures fixtures;
  std::set<std::string> keys;
  for (size_t i = 0; i < accounts->size(); ++i) {
    const json& ja = (*accounts)[i];
    const std::string path = "accounts[" + std::to_string(i) + "]";
    err = check_object(ja, path, unknown,
                       {"key", "private_key", "name", "integration", "platform", "supports_back_in_stock", "flow",
                        "error_status", "duplicate_answer", "variants", "lists", "rate_limits"});
    if (!err.empty()) return Unexpected{err};
    Account a;
    a.key = get_string(ja, "key", path, err);
    a.private_key = get_string(ja, "private_key", path, err);
    a.name = get_string(ja, "name", path, err);
    const std::string integration = get_string(ja, "integration", path, err, "shopify");
    a.error_status = static_cast<int>(get_int(ja, "error_status", path, err, 400, 200));
    const std::string dup = get_string(ja, "duplicate_answer", path, err, "success");
    if (!err.empty()) return Unexpected{err};
    if (a.key.empty()) return Unexpected{path + ".key: required"};
    if (!keys.insert(a.key).second) return Unexpected{path + ".key: duplicate account key '" + a.key + "'"};
    auto parsed = integration_from_string(integration);
    if (!parsed) {
      std::string msg = path + ".integration: unknown integration '" + integration + "'";
      msg += did_you_mean(integration, integration_names());
      return Unexpected{msg};
    }
    a.integration = *parsed;
    if (a.error_status > 599) return Unexpected{path + ".error_status: must be an HTTP status (200-599)"};
    if (dup != "success" && dup != "error") return Unexpected{path + ".duplicate_answer: expected 'success' or 'error'"};
    a.duplicate_answer = dup == "success" ? DuplicateAnswer::kSuccess : DuplicateAnswer::kError;
    if (auto f = ja.find("flow"); f != ja.end() && !f->is_null()) {
      auto flow = flow_from_json(*f, path + ".flow", unknown);
      if (!flow) return Unexpected{flow.error()};
      a.flow = *flow;
    }
    if (auto r = ja.find("rate_limits"); r != ja.end() && !r->is_null()) {
      const std::string rp = path + ".rate_limits";
      err = check_object(*r, rp, unknown, {"burst", "steady", "legacy"});
      if (!err.empty()) return Unexpected{err};
      a.rate_limits.burst = get_int(*r, "burst", rp, err, a.rate_limits.burst, 1);
      a.rate_limits.steady = get_int(*r, "steady", rp, err, a.rate_limits.steady, 1);
      a.rate_limits.legacy = get_bool(*r, "legacy", rp, err, a.rate_limits.legacy);
      if (!err.empty()) return Unexpected{err};
    }
    std::set<std::string> ids;
    err = for_each_in_list(ja, "variants", path, [&](const json& jv, const std::string& vp) {
      std::string e = check_object(jv, vp, unknown, {"id", "inventory", "title"});
      if (!e.empty()) return e;
      Variant v;
      v.id = get_string(jv, "id", vp, e);
      v.inventory = get_int(jv, "inventory", vp, e, 0, INT64_MIN);
      v.title = get_string(jv, "title", vp, e);
      if (!e.empty()) return e;
      if (v.id.empty()) return vp + ".id: required";
      if (!ids.insert(v.id).second) return vp + ".id: duplicate variant '" + v.id + "'";
      a.variants.push_back(std::move(v));
      return std::string();
    });
    if (!err.empty()) return Unexpected{err};
    err = for_each_in_list(ja, "lists", path, [&](const json& jl, const std::string& lp) {
      std::string e = check_object(jl, lp, unknown, {"id", "name", "opt_in"});
      if (!e.empty()) return e;
      List l;
      l.id = get_string(jl, "id", lp, e);
      l.name = get_string(jl, "name", lp, e);
      const std::string opt_in = get_string(jl, "opt_in", lp, e, "double");
      if (!e.empty()) return e;
      if (l.id.empty()) return lp + ".id: required";
      if (opt_in != "double" && opt_in != "single") return lp + ".opt_in: expected 'double' or 'single'";
      l.double_opt_in = opt_in == "double";
      a.lists.push_back(std::move(l));
      return std::string();
    });
    if (!err.empty()) return Unexpected{err};
    fixtures.accounts.push_back(std::move(a));
  }
  return fixtures;
}

}  // namespace bis::fixtures
