#include "bis/runner/target.h"

#include <algorithm>

#include "bis/common/protocol.h"

namespace bis::runner {

using nlohmann::json;

Endpoints default_endpoints() {
  return Endpoints{std::string(protocol::kSubscribePath),
                   std::string(protocol::kOnsiteSubscribePath),
                   std::string(protocol::kListSubscribePath)};
}

bool Target::has_capability(std::string_view name) const {
  return std::find(capabilities.begin(), capabilities.end(), name) != capabilities.end();
}

const json* Target::value(std::string_view dotted_path) const {
  std::string_view rest = dotted_path;
  if (rest.substr(0, 7) == "target.") rest.remove_prefix(7);
  const json* cur = &values;
  while (!rest.empty()) {
    const size_t dot = rest.find('.');
    const std::string key(rest.substr(0, dot));
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  }
  return cur;
}

namespace {

bool has_enabled_flow(const fixtures::Account& a) { return a.flow && a.flow->enabled; }

json account_values(const fixtures::Account& a) {
  json j{{"key", a.key}};
  if (auto p = fixtures::platform_for(a.integration)) j["platform"] = std::string(*p);
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

json values_from_fixtures(const fixtures::Fixtures& f, std::string_view seed) {
  json values = json::object();
  const fixtures::Account* primary = nullptr;
  for (const auto& a : f.accounts) {
    if (a.supports_back_in_stock() && has_enabled_flow(a)) {
      primary = &a;
      break;
    }
  }
  json variants{{"unknown", unknown_variant(f, seed)}};
  if (primary) {
    values.update(account_values(*primary));
    for (const auto& v : primary->variants) {
      const char* slot = v.inventory >= primary->flow->threshold ? "in_stock" : "out_of_stock";
      if (!variants.contains(slot)) variants[slot] = v.id;
    }
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
    if (!accounts.contains(name)) accounts[name] = account_values(a);
    if (a.supports_back_in_stock() && !has_enabled_flow(a) && !accounts.contains("no_flow")) {
      accounts["no_flow"] = account_values(a);
    }
  }
  values["accounts"] = accounts;
  return values;
}

}  // namespace bis::runner
