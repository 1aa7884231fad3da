// Each state-rule defect that reads StateRules really deviates: one row per defect, a probe
// that observes the service, run once without and once with the defect; the two must differ
// (and the probe's value without the defect is the API's). Older state defects:
// defect_behaviour_test.cc.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "bis/mock/list_request.h"
#include "bis/mock/state_rules.h"
#include "test_support.h"

namespace bis::mock {
namespace {

using testing::Request;
using testing::ServiceHarness;
using testing::shop;

Request big(std::string email, std::string variant = "221") {
  return Request("Big001", std::move(email), std::move(variant), "bigcommerce");
}
Request noflow(std::string email) { return Request("NoFlo6", std::move(email), "771", "shopify"); }
Request flow_off(std::string email) { return Request("Off007", std::move(email), "881", "shopify"); }

void batched_restock(ServiceHarness& h) {
  for (const char* email : {"a@x.io", "b@x.io", "c@x.io"})
    h.subscribe(Request("Mag002", email, "331", "magento_two"));
  h.restock("Mag002", "331", 10);
}

std::string answer_of(const SubscribeAnswer& a) {
  return std::to_string(a.status) + (a.success ? " success " : " error ") + a.body;
}
std::string list_call(ServiceHarness& h, std::string_view list, std::string_view key,
                      std::vector<std::string> emails = {"l@x.io"}) {
  std::vector<ListProfile> profiles;
  for (std::string& e : emails) profiles.push_back({std::move(e), std::nullopt});
  const ListAnswer a = h.service->list_subscribe(list, key, profiles);
  return std::to_string(a.status) + " " + a.body;
}
std::string member_status(ServiceHarness& h, std::string_view list, std::string_view email) {
  auto m = h.service->members(list, "Shop01", email);
  if (!m || m->empty()) return "none";
  return m->front().pending ? "pending" : "subscribed";
}

struct StateRow {
  Defect defect;
  std::string expected;  // the probe's value without the defect (the API's)
  std::function<std::string(ServiceHarness&)> probe;
};

std::string n(size_t v) { return std::to_string(v); }

// A modern server-endpoint request of Shop01 (its fields view static strings).
SubscribeFields modern(std::string_view email, std::string_view variant_id) {
  SubscribeFields f;
  f.private_key = "pk_shop";
  f.email = email;
  f.variant = variant_id;
  f.via = Via::kServer;
  return f;
}

// A modern SMS subscription of a@x.io (the profile) to Shop01's 111 with `phone`.
SubscribeFields sms(std::string_view phone) {
  SubscribeFields f = modern("a@x.io", "$shopify:::$default:::111");
  f.phone = phone;
  f.channels = channel::kSms;
  return f;
}
// `phone` joins Shop01's `list` (LDbl: pending; LSgl: confirmed) with an email of its own.
void sms_member(ServiceHarness& h, std::string_view list, std::string phone) {
  h.service->list_subscribe(list, "pk_shop", {ListProfile{"p@x.io", std::move(phone)}});
}

// Subscribes a@x.io to 111, restocks, sells out, subscribes again, restocks again.
void two_restocks(ServiceHarness& h) {
  h.subscribe(shop("a@x.io"));
  h.restock("Shop01", "111", 5);
  h.restock("Shop01", "111", 0);
  h.subscribe(shop("a@x.io"));
  h.restock("Shop01", "111", 5);
}

const std::vector<StateRow>& rows() {
  static const std::vector<StateRow> kRows = {
      {Defect::kRejectOddVariantIds, "200 success ",
       [](ServiceHarness& h) { return answer_of(h.subscribe(shop("a@x.io", "a b (XL)"))); }},
      {Defect::kRejectLongVariantIds, "200 success ",
       [](ServiceHarness& h) { return answer_of(h.subscribe(shop("a@x.io", std::string(1000, 'v')))); }},
      {Defect::kRejectModernVariantIds, "200 success ",
       [](ServiceHarness& h) { return answer_of(h.subscribe(shop("a@x.io", "$shopify:::$default:::9"))); }},
      {Defect::kKnownVariantByPrefix, "0",
       [](ServiceHarness& h) { h.subscribe(shop("a@x.io", "111-x")); return n(h.events("a@x.io")); }},
      {Defect::kKnownVariantAnyAccount, "0",
       [](ServiceHarness& h) { h.subscribe(shop("a@x.io", "221")); return n(h.events("a@x.io")); }},
      {Defect::kUnknownVariantEvent, "0",
       [](ServiceHarness& h) { h.subscribe(shop("a@x.io", "999")); return n(h.events("a@x.io")); }},
      {Defect::kUnknownVariantQueued, "0",
       [](ServiceHarness& h) { h.subscribe(shop("a@x.io", "999")); return n(h.subscriptions("a@x.io")); }},
      {Defect::kVariantLowerCased, "1",
       [](ServiceHarness& h) {
         h.restock("Shop01", "AbC", 0);
         h.subscribe(shop("a@x.io", "AbC"));
         return n(h.subscriptions("a@x.io", "AbC"));
       }},
      {Defect::kSubscriptionWithoutEvent, "1",
       [](ServiceHarness& h) { h.subscribe(shop("a@x.io")); return n(h.events("a@x.io")); }},
      {Defect::kEventTwice, "1",
       [](ServiceHarness& h) { h.subscribe(shop("a@x.io")); return n(h.events("a@x.io")); }},
      {Defect::kEventMetricMisspelled, "Subscribed to Back in Stock",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         return std::string(h.service->events({}).at(0).metric);
       }},
      {Defect::kDuplicatesPerEmail, "2",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io", "111"));
         h.subscribe(shop("a@x.io", "113"));
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kDuplicatesAcrossAccounts, "2",
       [](ServiceHarness& h) {
         h.restock("Big001", "111", 0);
         h.subscribe(shop("a@x.io", "111"));
         h.subscribe(big("a@x.io", "111"));
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kDuplicateVariantPrefix, "2",
       [](ServiceHarness& h) {
         h.restock("Shop01", "1111", 0);
         h.subscribe(shop("a@x.io", "111"));
         h.subscribe(shop("a@x.io", "1111"));
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kDuplicatesExpire, "1",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.clock.advance_ms(2000);
         h.subscribe(shop("a@x.io"));
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kDuplicateReplaces, "1",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.subscribe(shop("a@x.io"));
         return n(h.events("a@x.io"));
       }},
      {Defect::kDuplicateEventOtherCase, "1",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.subscribe(shop("A@X.io"));
         return n(h.events("a@x.io"));
       }},
      {Defect::kDuplicateSuccessFalse, "200 success ",
       [](ServiceHarness& h) { h.subscribe(shop("a@x.io")); return answer_of(h.subscribe(shop("a@x.io"))); }},
      {Defect::kDuplicateOtherError, "200 success ",
       [](ServiceHarness& h) { h.subscribe(shop("a@x.io")); return answer_of(h.subscribe(shop("a@x.io"))); }},
      {Defect::kDuplicateEchoesFirstEmail, "200 success ",
       [](ServiceHarness& h) { h.subscribe(shop("A@x.io")); return answer_of(h.subscribe(shop("a@x.io"))); }},
      {Defect::kRefuseAfter100Variants, "200",
       [](ServiceHarness& h) {
         for (int i = 0; i < 200; ++i) {
           h.restock("Shop01", "m" + std::to_string(i), 0);
           h.subscribe(shop("a@x.io", "m" + std::to_string(i)));
         }
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kIgnoreAfter199Variants, "200",
       [](ServiceHarness& h) {
         for (int i = 0; i < 200; ++i) {
           h.restock("Shop01", "m" + std::to_string(i), 0);
           h.subscribe(shop("a@x.io", "m" + std::to_string(i)));
         }
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kRestockAtThresholdMinusOne, "0",  // Big001's threshold is 3
       [](ServiceHarness& h) { h.subscribe(big("a@x.io")); h.restock("Big001", "221", 2); return n(h.notifications("a@x.io")); }},
      {Defect::kRestockAboveThresholdOnly, "1",
       [](ServiceHarness& h) { h.subscribe(big("a@x.io")); h.restock("Big001", "221", 3); return n(h.notifications("a@x.io")); }},
      {Defect::kRestockOnAnyRise, "0",
       [](ServiceHarness& h) { h.subscribe(shop("a@x.io", "112")); h.restock("Shop01", "112", 9); return n(h.notifications("a@x.io")); }},
      {Defect::kDraftFlowNotifies, "0",
       [](ServiceHarness& h) { h.subscribe(flow_off("a@x.io")); h.restock("Off007", "881", 5); return n(h.notifications("a@x.io")); }},
      {Defect::kMissingFlowNotifies, "0",
       [](ServiceHarness& h) { h.subscribe(noflow("a@x.io")); h.restock("NoFlo6", "771", 5); return n(h.notifications("a@x.io")); }},
      {Defect::kPrimaryFlowForAll, "0",
       [](ServiceHarness& h) { h.subscribe(noflow("a@x.io")); h.restock("NoFlo6", "771", 5); return n(h.notifications("a@x.io")); }},
      {Defect::kNotifyFirstOnly, "1",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.subscribe(shop("b@x.io"));
         h.restock("Shop01", "111", 5);
         return n(h.notifications("b@x.io"));
       }},
      {Defect::kNotifyLastOnly, "1",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.subscribe(shop("b@x.io"));
         h.restock("Shop01", "111", 5);
         return n(h.notifications("a@x.io"));
       }},
      {Defect::kNotifyOtherAccounts, "0",
       [](ServiceHarness& h) {
         h.restock("Big001", "111", 0);
         h.subscribe(big("b@x.io", "111"));
         h.restock("Shop01", "111", 5);
         return n(h.notifications("b@x.io"));
       }},
      {Defect::kNotifyClearedAgain, "1",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.restock("Shop01", "111", 5);
         h.restock("Shop01", "111", 0);
         h.restock("Shop01", "111", 5);
         return n(h.notifications("a@x.io"));
       }},
      {Defect::kNotifyPerRequest, "1",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.subscribe(shop("a@x.io"));
         h.restock("Shop01", "111", 5);
         return n(h.notifications("a@x.io"));
       }},
      {Defect::kNotifyListMembersOnly, "1",
       [](ServiceHarness& h) { h.subscribe(shop("a@x.io")); h.restock("Shop01", "111", 5); return n(h.notifications("a@x.io")); }},
      {Defect::kClearFirstOnly, "0",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.subscribe(shop("b@x.io"));
         h.restock("Shop01", "111", 5);
         return n(h.subscriptions("", "111"));
       }},
      {Defect::kClearWholeProfile, "1",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io", "111"));
         h.subscribe(shop("a@x.io", "113"));
         h.restock("Shop01", "111", 5);
         return n(h.subscriptions("a@x.io", "113"));
       }},
      {Defect::kResubscribeWithoutEvent, "2",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.restock("Shop01", "111", 5);
         h.subscribe(shop("a@x.io"));
         return n(h.events("a@x.io"));
       }},
      {Defect::kResubscribeNotNotified, "2",
       [](ServiceHarness& h) {
         two_restocks(h);
         return n(h.notifications("a@x.io"));
       }},
      {Defect::kDoubleOptInAnswersProfiles, "200 []",
       [](ServiceHarness& h) { return list_call(h, "LDbl", "pk_shop"); }},
      {Defect::kDoubleOptInSubscribes, "pending",
       [](ServiceHarness& h) { list_call(h, "LDbl", "pk_shop"); return member_status(h, "LDbl", "l@x.io"); }},
      {Defect::kSingleOptInAnswersEmpty, "1",
       [](ServiceHarness& h) { return n(nlohmann::json::parse(list_call(h, "LSgl", "pk_shop").substr(4)).size()); }},
      {Defect::kSingleOptInPending, "subscribed",
       [](ServiceHarness& h) { list_call(h, "LSgl", "pk_shop"); return member_status(h, "LSgl", "l@x.io"); }},
      {Defect::kSingleOptInFirstProfileOnly, "subscribed",
       [](ServiceHarness& h) {
         list_call(h, "LSgl", "pk_shop", {"l@x.io", "m@x.io"});
         return member_status(h, "LSgl", "m@x.io");
       }},
      {Defect::kListCallQueuesSubscription, "0",
       [](ServiceHarness& h) { list_call(h, "LSgl", "pk_shop"); return n(h.subscriptions("l@x.io")); }},
      {Defect::kPrivateKeyPrefix, "403",
       [](ServiceHarness& h) { return list_call(h, "LSgl", "pk_shopX").substr(0, 3); }},
      {Defect::kPrivateKeyAnyCase, "403",
       [](ServiceHarness& h) { return list_call(h, "LSgl", "PK_SHOP").substr(0, 3); }},
      {Defect::kPublicKeyAsPrivate, "403",
       [](ServiceHarness& h) { return list_call(h, "LSgl", "Shop01").substr(0, 3); }},
      {Defect::kPrivateKeyAnyAccount, "404",  // pk_big opens Big001, which has no list LSgl
       [](ServiceHarness& h) { return list_call(h, "LSgl", "pk_big").substr(0, 3); }},
      {Defect::kKnownVariantAnyCase, "0",
       [](ServiceHarness& h) {
         h.restock("Shop01", "AbC", 0);
         h.subscribe(shop("a@x.io", "abc"));
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kClearLastOnly, "0",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.subscribe(shop("b@x.io"));
         h.restock("Shop01", "111", 5);
         return n(h.subscriptions("", "111"));
       }},
      {Defect::kDuplicateKeyHasStore, "1",
       [](ServiceHarness& h) {
         h.subscribe({"Mag002", "a@x.io", "331", "magento_two", "default"});
         h.subscribe({"Mag002", "a@x.io", "331", "magento_two", "other"});
         h.subscribe({"Mag002", "a@x.io", "331", "magento_two"});
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kNotifySkipsPendingMembers, "1",
       [](ServiceHarness& h) {
         list_call(h, "LDbl", "pk_shop", {"a@x.io"});
         h.subscribe(shop("a@x.io"));
         h.restock("Shop01", "111", 5);
         return n(h.notifications("a@x.io"));
       }},
      {Defect::kConsentAfterTenSubscribers, "11",
       [](ServiceHarness& h) {
         for (int i = 0; i < 11; ++i) h.subscribe(shop("s" + std::to_string(i) + "@x.io"));
         h.restock("Shop01", "111", 5);
         return n(h.notifications("", "111"));
       }},
      {Defect::kDuplicateAddsToList, "none none",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.subscribe(shop("a@x.io"));
         return member_status(h, "LDbl", "a@x.io") + " " + member_status(h, "LSgl", "a@x.io");
       }},
      {Defect::kListKeyFromQuery, "pk_shop",
       [](ServiceHarness& h) {
         return list_private_key(h.service->state_rules(), {{"api-key", "pk_shop"}}, "", std::nullopt);
       }},
      {Defect::kListKeyHeaderCaseSensitive, "pk_shop",
       [](ServiceHarness& h) {
         return list_private_key(h.service->state_rules(), {{"API-Key", "pk_shop"}}, "", std::nullopt);
       }},
      {Defect::kClearOnFirstRestockOnly, "0",
       [](ServiceHarness& h) {
         two_restocks(h);
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kUnknownVariantQueuedOnRepeat, "0",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io", "999"));
         h.subscribe(shop("a@x.io", "999"));
         return n(h.subscriptions("a@x.io"));
       }},
      // Mag002: batches of 2 every 60 s; three subscribers, so one waits for the second batch.
      {Defect::kLaterBatchesNeverSent, "3",
       [](ServiceHarness& h) {
         batched_restock(h);
         h.service->virtual_clock().advance(60'000);
         h.run_due();
         return n(h.notifications("", "331"));
       }},
      {Defect::kBatchIntervalHalved, "2",
       [](ServiceHarness& h) {
         batched_restock(h);
         h.service->virtual_clock().advance(30'000);
         h.run_due();
         return n(h.notifications("", "331"));
       }},
      {Defect::kModernDuplicates, "1",
       [](ServiceHarness& h) {
         h.subscribe(shop("a@x.io"));
         h.service->subscribe(modern("a@x.io", "$shopify:::$default:::111"));
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kModernUnknownVariantRecorded, "0",
       [](ServiceHarness& h) {
         h.service->subscribe(modern("a@x.io", "$shopify:::$default:::999"));
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kSmsWithoutConsent, "0",
       [](ServiceHarness& h) {
         h.service->subscribe(sms("+15005550101"));
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kSmsPendingIsConsent, "0",
       [](ServiceHarness& h) {
         sms_member(h, "LDbl", "+15005550102");
         h.service->subscribe(sms("+15005550102"));
         return n(h.subscriptions("a@x.io"));
       }},
      {Defect::kSmsConsentByProfile, "1",
       [](ServiceHarness& h) {
         sms_member(h, "LSgl", "+15005550103");
         h.service->subscribe(sms("+15005550103"));
         return n(h.subscriptions("a@x.io"));
       }},
  };
  return kRows;
}

class StateRuleDefect : public ::testing::TestWithParam<StateRow> {};

TEST_P(StateRuleDefect, DeviatesFromTheApi) {
  const StateRow& row = GetParam();
  ServiceHarness api;
  EXPECT_EQ(row.probe(api), row.expected) << "without the defect";
  ServiceHarness defective(Defects().add(row.defect));
  EXPECT_NE(row.probe(defective), row.expected) << "with --defect " << info(row.defect).name;
}

INSTANTIATE_TEST_SUITE_P(Rows, StateRuleDefect, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<StateRow>& p) {
                           std::string name(bis::mock::info(p.param.defect).name);
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

// `duplicates-expire` counts the mock's running time, not its clock: a clock move by another
// scenario (the rate-limit ones move it a minute) must not decide which duplicate checks catch
// it, or the kill matrix's row would depend on what ran beside what.
TEST(StateRulesTest, DuplicatesExpireInRunningTimeNotOnAClockMove) {
  ServiceHarness h(Defects().add(Defect::kDuplicatesExpire));
  h.subscribe(shop("a@x.io"));
  h.service->virtual_clock().advance(3'600'000);
  h.subscribe(shop("a@x.io"));
  EXPECT_EQ(h.subscriptions("a@x.io"), 1u) << "a clock move expired the duplicate";
  h.clock.advance_ms(2000);
  h.subscribe(shop("a@x.io"));
  EXPECT_EQ(h.subscriptions("a@x.io"), 2u) << "two seconds of running time did not";
}

// Every state-rule defect changes the rules (none is a no-op), and no defect leaves them at
// the API's.
TEST(StateRulesTest, EveryStateDefectChangesTheRules) {
  const StateRules api = state_rules({});
  for (const DefectInfo& d : state_defects()) {
    EXPECT_FALSE(state_rules(Defects().add(d.defect)) == api) << d.name;
  }
  EXPECT_TRUE(state_rules(Defects().add(Defect::kNoCors)) == api);
}

// A table row for every state-rule defect added with StateRules, so none goes untested.
TEST(StateRulesTest, EveryNewStateDefectHasARow) {
  std::set<Defect> covered;
  for (const StateRow& r : rows()) covered.insert(r.defect);
  for (auto d = static_cast<size_t>(Defect::kRejectOddVariantIds);
       d < static_cast<size_t>(Defect::kNoCors); ++d) {
    EXPECT_TRUE(covered.count(static_cast<Defect>(d))) << info(static_cast<Defect>(d)).name;
  }
}

}  // namespace
}  // namespace bis::mock
