#pragma once
// The subscribe call (both paths): validation (validation.h), the catalog lookup, the
// duplicate check on (account, profile, variant) and the insert of a subscription and its
// "Subscribed to Back in Stock" event, as the rules say (defects change them).
//
// Thread safety: takes the catalog lock shared and the profile's shard lock; the duplicate
// check and the insert are one critical section (unless the racy-duplicates defect is on).
#include <string>
#include <string_view>

#include "bis/mock/service_state.h"
#include "bis/mock/validation.h"

namespace bis::mock {

enum class SubscribeOutcome {
  kSubscribed,      // a subscription and its event were recorded
  kDuplicate,       // an active subscription exists: nothing recorded
  kUnknownVariant,  // the catalog lacks the variant: success answer, nothing recorded
  kRejected,        // a rule rejected the request
  kStoreFailed,     // the state store could not save the change: nothing recorded
};
std::string_view to_string(SubscribeOutcome outcome);

struct SubscribeAnswer {
  SubscribeOutcome outcome = SubscribeOutcome::kRejected;
  bool success = false;  // answer with the success body (else the error body)
  int status = 200;
  std::string detail;   // why it was rejected, or what happened ("subscribed sub-3")
  std::string account;  // the account's key, when known
  std::string body;     // when set, the answer's body instead of the standard one
  std::string_view field = {};  // of a rejection: the field at fault (Rejection::field)
};

class Subscriber {
 public:
  explicit Subscriber(ServiceState& state) : s_(state) {}
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  SubscribeAnswer subscribe(const SubscribeFields& fields);

 private:
  SubscribeAnswer duplicate_locked(ServiceState::Shard& shard, State::Ref latest,
                                   const ValidSubscribe& v, int64_t now);
  // The subscription a new request would duplicate (0: none), by the rules' duplicate key.
  State::Ref duplicate_of(const ServiceState::Shard& shard, const State::Key& key,
                          std::optional<std::string_view> store) const;
  // The catalog's variant a subscribe names, by the rules' lookup; nullptr if unknown.
  const fixtures::Variant* find_variant(const fixtures::Account& account,
                                        std::string_view id) const;
  // Whether an unknown variant ID is answered the error body.
  bool rejects_unknown(std::string_view id) const;
  // Whether `phone` has SMS consent on the account: a confirmed member of one of its lists.
  // Takes each shard's lock in turn: call it holding none.
  bool has_sms_consent(const fixtures::Account& account, std::string_view phone) const;

  ServiceState& s_;
};

}  // namespace bis::mock
