#pragma once
// The fixture model: the accounts a target holds, with their integration, back-in-stock
// flow, catalog variants and lists. The mock loads it from YAML (mock/fixtures_loader) and
// serves it at GET /__admin/fixtures; the runner reads that JSON to learn which keys,
// platforms and variants to use. JSON shape: docs/fixtures.md.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"

namespace bis::fixtures {

// The store integration of an account. Back in stock works for the first four; a custom
// catalog without $inventory_quantity/$inventory_policy fields, or no integration, cannot use it.
enum class Integration {
  kShopify,
  kBigCommerce,
  kMagentoTwo,
  kCustomCatalog,                  // inventory-aware custom catalog feed: platform "api"
  kCustomCatalogWithoutInventory,  // custom catalog lacking inventory fields: unsupported
  kNone,                           // no integration: unsupported
};

std::string_view to_string(Integration integration);
std::optional<Integration> integration_from_string(std::string_view name);
// Names accepted by integration_from_string, for messages and "did you mean".
const std::vector<std::string>& integration_names();

// The `platform` value the subscribe call must carry for this integration ("shopify",
// "bigcommerce", "magento_two", "api"); nullopt for integrations that cannot use the endpoint.
std::optional<std::string_view> platform_for(Integration integration);

// The integration part of a modern variant id (docs/spec/modern-endpoints.md section 7) for a
// `platform` value: "$shopify", "$bigcommerce", "$magento_two", "$custom" (platform "api");
// empty for another value.
std::string_view variant_id_integration(std::string_view platform);

// Every platform value the API knows.
inline constexpr std::string_view kPlatforms[] = {"shopify", "bigcommerce", "magento_two", "api"};

// Settings of the account's back-in-stock flow. The real names are undocumented; the defaults
// (everyone at once, threshold 1) are what api-notes.md calls the default.
struct Flow {
  bool enabled = true;
  int64_t threshold = 1;            // a restock is inventory going from < threshold to >= threshold
  int64_t batch_size = 0;           // subscribers notified per batch; 0 = all at once
  int64_t batch_interval_seconds = 0;  // time between batches
};

// Rate limits of the account's API traffic (docs/fixtures.md, docs/mock.md "Rate limits"):
// per endpoint class, a one-second burst window and a one-minute steady window.
struct RateLimits {
  int64_t burst = 350;    // requests per second (api-notes section 2)
  int64_t steady = 3500;  // requests per minute
  // The legacy endpoints (v1 subscribe, onsite, v2 List API) are limited too. Off by default:
  // the API document states no limit for them (INFERRED).
  bool legacy = false;
  bool operator==(const RateLimits&) const = default;
};

struct Variant {
  std::string id;
  int64_t inventory = 0;
  std::string title;
};

struct List {
  std::string id;
  std::string name;
  bool double_opt_in = true;  // Klaviyo's default
};

enum class DuplicateAnswer { kSuccess, kError };

struct Account {
  std::string key;          // public API key, 6 characters
  std::string private_key;  // for the List API; may be empty
  std::string name;
  Integration integration = Integration::kShopify;
  std::optional<Flow> flow;                 // nullopt: no back-in-stock flow set up
  int error_status = 400;                   // HTTP status of rejections (undocumented upstream)
  DuplicateAnswer duplicate_answer = DuplicateAnswer::kSuccess;  // answer to a duplicate
  std::vector<Variant> variants;
  std::vector<List> lists;
  RateLimits rate_limits;

  bool supports_back_in_stock() const { return platform_for(integration).has_value(); }
  const Variant* find_variant(std::string_view id) const;
  const List* find_list(std::string_view id) const;
};

struct Fixtures {
  std::vector<Account> accounts;

  const Account* find_account(std::string_view key) const;
};

// JSON as served by GET /__admin/fixtures. to_json adds derived, read-only fields
// ("platform", "supports_back_in_stock") that from_json ignores.
nlohmann::json to_json(const Fixtures& fixtures);
nlohmann::json to_json(const Account& account);
nlohmann::json to_json(const Flow& flow);
// How a reader treats keys it does not know. The mock's own fixture files are strict, so a typo
// gets "did you mean"; a control-protocol client ignores them, because later versions of
// protocol 1 (and other implementations) may add keys (docs/control-protocol.md).
enum class UnknownKeys { kRefuse, kIgnore };
// Wrong types are always errors naming the JSON path ("accounts[2].flow.threshold").
Expected<Fixtures, std::string> fixtures_from_json(const nlohmann::json& j,
                                                   UnknownKeys unknown = UnknownKeys::kRefuse);
Expected<Flow, std::string> flow_from_json(const nlohmann::json& j, const std::string& path = "flow",
                                           UnknownKeys unknown = UnknownKeys::kRefuse);

}  // namespace bis::fixtures
