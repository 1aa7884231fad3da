#pragma once
// The List API call (POST /api/v2/list/{LIST_ID}/subscribe) without HTTP: the private key
// opens one account's lists; members of a double opt-in list stay pending until they confirm.
// Back in Stock subscriptions never add to a list, and this call never subscribes (unless a
// defect says otherwise).
//
// Thread safety: takes the catalog lock shared and every shard (a rare call).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bis/mock/service_state.h"
#include "bis/mock/subscriber.h"

namespace bis::mock {

// One profile of a List API call.
struct ListProfile {
  std::optional<std::string> email;
  std::optional<std::string> phone_number;
};

struct ListAnswer {
  int status = 200;
  std::string body;  // JSON
  std::string detail;
  std::string account;
};

class ListApi {
 public:
  // `subscriber` serves the list-call-queues-subscription defect.
  ListApi(ServiceState& state, Subscriber& subscriber) : s_(state), subscriber_(subscriber) {}
  ListApi(const ListApi&) = delete;
  ListApi& operator=(const ListApi&) = delete;

  ListAnswer list_subscribe(std::string_view list, std::string_view private_key,
                            const std::vector<ListProfile>& profiles);
  // The modern client List call (POST /client/subscriptions): the account is the one whose
  // public key is `company_id`; then the same call. 403 for a key that is no account's.
  ListAnswer client_subscribe(std::string_view list, std::string_view company_id,
                              const ListProfile& profile);

 private:
  ListAnswer list_subscribe_locked(std::string_view list, std::string_view private_key,
                                   const std::vector<ListProfile>& profiles);
  const fixtures::Account* account_by_private_key(std::string_view key,
                                                  std::string_view list) const;

  ServiceState& s_;
  Subscriber& subscriber_;
};

}  // namespace bis::mock
