#pragma once
// The List API call's body (POST /api/v2/list/{LIST_ID}/subscribe), read without HTTP:
// {"profiles": [{"email": ...}, {"phone_number": "+1...", "sms_consent": true}], "api_key": ...}.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bis/common/expected.h"
#include "bis/mock/service.h"

namespace bis::mock {

inline constexpr size_t kMaxListProfiles = 100;

struct ListSubscribeRequest {
  std::optional<std::string> api_key;  // from the body; the header wins over it
  std::vector<ListProfile> profiles;
};

// Rejects (with a reason) a body that is not a JSON object with 1 to 100 profiles, each with
// a valid email or an E.164 phone number.
Expected<ListSubscribeRequest, std::string> parse_list_subscribe(std::string_view body);

// A request header, its name spelled as the client sent it.
using HeaderField = std::pair<std::string, std::string>;

// The List API call's private key, read where the rules say (StateRules::list_key_from): for
// the API, the `api-key` header (a header name is case-insensitive), else the body's
// `api_key`. `query_key` is the query parameter `api_key` ("" if absent). Empty if none.
std::string list_private_key(const StateRules& rules, const std::vector<HeaderField>& headers,
                             std::string_view query_key, const std::optional<std::string>& body_key);

}  // namespace bis::mock
