#include "bis/mock/list_request.h"

#include <nlohmann/json.hpp>

#include "bis/common/text.h"
#include "bis/mock/email.h"

namespace bis::mock {

Expected<ListSubscribeRequest, std::string> parse_list_subscribe(std::string_view body) {
  if (!is_valid_utf8(body)) return Unexpected{std::string("body is not valid UTF-8")};
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Unexpected{std::string("body is not a JSON object")};
  ListSubscribeRequest out;
  if (auto k = j.find("api_key"); k != j.end()) {
    if (!k->is_string()) return Unexpected{std::string("api_key must be a string")};
    out.api_key = k->get<std::string>();
  }
  const auto profiles = j.find("profiles");
  if (profiles == j.end() || !profiles->is_array())
    return Unexpected{std::string("profiles must be a list")};
  if (profiles->empty()) return Unexpected{std::string("profiles is empty")};
  if (profiles->size() > kMaxListProfiles) {
    return Unexpected{"at most " + std::to_string(kMaxListProfiles) + " profiles per call"};
  }
  for (size_t i = 0; i < profiles->size(); ++i) {
    const auto& p = (*profiles)[i];
    const std::string where = "profiles[" + std::to_string(i) + "]";
    if (!p.is_object()) return Unexpected{where + " must be an object"};
    ListProfile lp;
    if (auto e = p.find("email"); e != p.end() && !e->is_null()) {
      if (!e->is_string()) return Unexpected{where + ".email must be a string"};
      if (auto problem = email_problem(e->get<std::string>())) {
        return Unexpected{where + ".email is malformed: " + *problem};
      }
      lp.email = e->get<std::string>();
    }
    if (auto ph = p.find("phone_number"); ph != p.end() && !ph->is_null()) {
      if (!ph->is_string() || !is_e164(ph->get<std::string>())) {
        return Unexpected{where + ".phone_number must be an E.164 number (+15005550006)"};
      }
      lp.phone_number = ph->get<std::string>();
    }
    if (!lp.email && !lp.phone_number)
      return Unexpected{where + " has neither email nor phone_number"};
    out.profiles.push_back(std::move(lp));
  }
  return out;
}

std::string list_private_key(const StateRules& rules, const std::vector<HeaderField>& headers,
                             std::string_view query_key, const std::optional<std::string>& body_key) {
  using From = StateRules::ListKeyFrom;
  std::string key;
  if (rules.list_key_from == From::kQuery) {
    key = query_key;
  } else {
    for (const auto& [name, value] : headers) {
      const bool named = rules.list_key_from == From::kHeaderExactName ? name == "api-key"
                                                                       : iequals(name, "api-key");
      if (named && !value.empty()) {
        key = value;
        break;
      }
    }
  }
  if (key.empty() && body_key) key = *body_key;
  return key;
}

}  // namespace bis::mock
