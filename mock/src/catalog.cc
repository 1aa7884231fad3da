#include "bis/mock/catalog.h"

namespace bis::mock {

Catalog::Catalog(fixtures::Fixtures fixtures) : fixtures_(std::move(fixtures)) { index(); }

void Catalog::index() {
  by_key_.clear();
  by_private_key_.clear();
  variants_.assign(fixtures_.accounts.size(), {});
  for (size_t i = 0; i < fixtures_.accounts.size(); ++i) {
    const fixtures::Account& a = fixtures_.accounts[i];
    by_key_.emplace(a.key, i);
    if (!a.private_key.empty()) by_private_key_.emplace(a.private_key, i);
    for (size_t v = 0; v < a.variants.size(); ++v) variants_[i].emplace(a.variants[v].id, v);
  }
}

const fixtures::Account* Catalog::account(std::string_view key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &fixtures_.accounts[it->second];
}

const fixtures::Account* Catalog::account_by_private_key(std::string_view private_key) const {
  auto it = by_private_key_.find(private_key);
  return it == by_private_key_.end() ? nullptr : &fixtures_.accounts[it->second];
}

const fixtures::Account* Catalog::account_by_key_prefix(std::string_view prefix) const {
  for (const fixtures::Account& a : fixtures_.accounts) {
    if (a.key.size() == prefix.size() + 1 && a.key.compare(0, prefix.size(), prefix) == 0)
      return &a;
  }
  return nullptr;
}

const fixtures::Variant* Catalog::variant(const fixtures::Account& account,
                                          std::string_view id) const {
  const size_t a = static_cast<size_t>(&account - fixtures_.accounts.data());
  auto it = variants_[a].find(id);
  return it == variants_[a].end() ? nullptr : &account.variants[it->second];
}

std::pair<const fixtures::Account*, const fixtures::List*> Catalog::list(
    std::string_view list, std::string_view account_key) const {
  for (const fixtures::Account& a : fixtures_.accounts) {
    if (!account_key.empty() && a.key != account_key) continue;
    if (const fixtures::List* l = a.find_list(list)) return {&a, l};
  }
  return {nullptr, nullptr};
}

std::optional<std::optional<int64_t>> Catalog::set_inventory(std::string_view key,
                                                             std::string_view variant,
                                                             int64_t inventory) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  fixtures::Account& a = fixtures_.accounts[it->second];
  auto& index = variants_[it->second];
  if (auto v = index.find(variant); v != index.end()) {
    const int64_t previous = a.variants[v->second].inventory;
    a.variants[v->second].inventory = inventory;
    return std::optional<int64_t>(previous);
  }
  index.emplace(std::string(variant), a.variants.size());
  a.variants.push_back(fixtures::Variant{std::string(variant), inventory, ""});
  return std::optional<int64_t>();
}

void Catalog::remove_variant(std::string_view key, std::string_view variant) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  fixtures::Account& a = fixtures_.accounts[it->second];
  auto& index = variants_[it->second];
  auto v = index.find(variant);
  if (v == index.end()) return;
  const size_t gone = v->second;
  a.variants.erase(a.variants.begin() + static_cast<std::ptrdiff_t>(gone));
  index.erase(v);
  for (auto& [id, i] : index) {
    if (i > gone) --i;
  }
}

bool Catalog::set_flow(std::string_view key, std::optional<fixtures::Flow> flow) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return false;
  fixtures_.accounts[it->second].flow = flow;
  return true;
}

}  // namespace bis::mock
