#pragma once
// The fixtures as they are now (inventory and flows change through the control protocol),
// indexed for the hot path: accounts by public and private key, variants by ID.
// Not thread-safe: Service serializes access.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bis/common/fixtures.h"

namespace bis::mock {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

class Catalog {
 public:
  Catalog() = default;
  explicit Catalog(fixtures::Fixtures fixtures);

  const fixtures::Fixtures& fixtures() const { return fixtures_; }

  const fixtures::Account* account(std::string_view key) const;
  const fixtures::Account* account_by_private_key(std::string_view private_key) const;
  // The first account whose key is `key` with its last character dropped (accept-long-key)
  // or with one character added (accept-short-key).
  const fixtures::Account* account_by_key_prefix(std::string_view prefix) const;
  const fixtures::Variant* variant(const fixtures::Account& account, std::string_view id) const;
  // The account holding list `list` (restricted to `account_key` when given), and the list.
  std::pair<const fixtures::Account*, const fixtures::List*> list(
      std::string_view list, std::string_view account_key = {}) const;

  // Sets a variant's inventory, creating the variant if the account lacks it. Returns the
  // previous inventory (an empty optional if it was created); nullopt for an unknown account.
  std::optional<std::optional<int64_t>> set_inventory(std::string_view key,
                                                      std::string_view variant, int64_t inventory);
  // Removes a variant that set_inventory created: undoes a restock the store refused.
  void remove_variant(std::string_view key, std::string_view variant);
  // Sets (or with nullopt removes) an account's flow; false for an unknown account.
  bool set_flow(std::string_view key, std::optional<fixtures::Flow> flow);

 private:
  void index();

  fixtures::Fixtures fixtures_;
  StringMap<size_t> by_key_;
  StringMap<size_t> by_private_key_;
  std::vector<StringMap<size_t>> variants_;  // per account: variant ID -> index
};

}  // namespace bis::mock
