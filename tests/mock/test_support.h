#pragma once
// Shared by the mock's tests: a small fixture set and a Service over it with a manual clock.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "bis/common/form.h"
#include "bis/mock/clock.h"
#include "bis/mock/fixtures_loader.h"
#include "bis/mock/service.h"

namespace bis::mock::testing {

// Shop1 (shopify, flow), Big001 (bigcommerce, flow, threshold 3, error status 200),
// Mag002 (magento_two, flow in batches of 2 every 60 s), Api003 (custom catalog, flow,
// duplicate answer: error), NoInv4 (custom catalog without inventory), None05 (no
// integration), NoFlo6 (shopify, no flow), Off007 (shopify, flow off).
inline constexpr const char* kTestFixtures = R"(
accounts:
  - key: Shop01
    private_key: pk_shop
    integration: shopify
    flow: {}
    variants: [{id: "111", inventory: 0}, {id: "112", inventory: 5}, {id: "113", inventory: 0}]
    lists: [{id: LDbl, opt_in: double}, {id: LSgl, opt_in: single}]
  - key: Big001
    private_key: pk_big
    integration: bigcommerce
    error_status: 200
    flow: {threshold: 3}
    variants: [{id: "221", inventory: 0}]
  - key: Mag002
    private_key: pk_mag
    integration: magento_two
    flow: {batch_size: 2, batch_interval_seconds: 60}
    variants: [{id: "331", inventory: 0}]
  - key: Api003
    integration: custom_catalog
    duplicate_answer: error
    flow: {}
    variants: [{id: SKU-1, inventory: 0}]
  - key: NoInv4
    integration: custom_catalog_without_inventory
    variants: [{id: "551", inventory: 0}]
  - key: None05
    integration: none
    variants: [{id: "661", inventory: 0}]
  - key: NoFlo6
    integration: shopify
    variants: [{id: "771", inventory: 0}]
  - key: Off007
    integration: shopify
    flow: {enabled: false}
    variants: [{id: "881", inventory: 0}]
)";

inline fixtures::Fixtures test_fixtures() {
  auto f = load_fixtures(kTestFixtures, "test-fixtures");
  EXPECT_TRUE(f) << f.error().to_string();
  return f ? *f : fixtures::Fixtures{};
}

inline form::Field field(std::string name, std::string value) {
  return form::Field{std::move(name), std::move(value), std::nullopt, std::nullopt};
}

// A subscribe request's fields; strings are kept alive by the struct.
struct Request {
  Request(std::string a_, std::string email_, std::string variant_, std::string platform_,
          std::optional<std::string> store_ = std::nullopt)
      : a(std::move(a_)),
        email(std::move(email_)),
        variant(std::move(variant_)),
        platform(std::move(platform_)),
        store(std::move(store_)) {}

  std::string a, email, variant, platform;
  std::optional<std::string> store;

  SubscribeFields fields() const {
    SubscribeFields f;
    f.a = a;
    f.email = email;
    f.variant = variant;
    f.platform = platform;
    if (store) f.store = *store;
    return f;
  }
};

inline Request shop(std::string email, std::string variant = "111") {
  return Request("Shop01", std::move(email), std::move(variant), "shopify");
}

struct ServiceHarness {
  explicit ServiceHarness(Defects defects = {},
                          std::unique_ptr<StateStore> store = make_memory_store(),
                          fixtures::Fixtures f = test_fixtures()) {
    ServiceOptions o;
    o.defects = defects;
    o.clock = &clock;
    auto s = Service::create(std::move(f), std::move(store), o);
    EXPECT_TRUE(s) << (s ? "" : s.error());
    if (s) service = std::move(*s);
  }

  SubscribeAnswer subscribe(const Request& r) { return service->subscribe(r.fields()); }
  size_t subscriptions(const std::string& email = "", const std::string& variant = "") {
    return service->subscriptions({"", email, variant}).size();
  }
  size_t events(const std::string& email = "", const std::string& variant = "") {
    return service->events({"", email, variant}).size();
  }
  size_t notifications(const std::string& email = "", const std::string& variant = "") {
    return service->notifications({"", email, variant}).size();
  }
  InventoryResult restock(const std::string& account, const std::string& variant,
                          int64_t inventory) {
    auto r = service->set_inventory(account, variant, inventory);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : InventoryResult{};
  }

  // Sends what is due by the service's clock (the manual one, as the control protocol moved
  // it), as the server's timer would.
  size_t run_due() { return service->scheduler().run_due(service->clock().now_ms()); }

  ManualClock clock;
  std::unique_ptr<Service> service;
};

}  // namespace bis::mock::testing
