#include "bis/mock/modern_request.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "bis/common/text.h"
#include "bis/mock/printable.h"
#include "bis/mock/records.h"

namespace bis::mock {
namespace {

using nlohmann::json;

constexpr std::string_view kSeparator = ":::";

ModernProblem at(std::string pointer, std::string detail) {
  return ModernProblem{std::move(pointer), {}, std::move(detail)};
}

// The member `name` of `j` as an object; a problem at `pointer` otherwise.
Expected<const json*, ModernProblem> object_member(const json& j, const char* name,
                                                   const std::string& pointer) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return Unexpected{at(pointer, pointer + " is required")};
  if (!it->is_object()) return Unexpected{at(pointer, pointer + " must be an object")};
  return &*it;
}

// Checks that `j["type"]` is `type`.
std::optional<ModernProblem> check_type(const json& j, std::string_view type,
                                        const std::string& pointer) {
  auto it = j.find("type");
  if (it == j.end() || !it->is_string()) {
    return at(pointer + "/type", pointer + "/type is required and must be '" + std::string(type) + "'");
  }
  if (it->get<std::string>() != type) {
    return at(pointer + "/type", pointer + "/type must be '" + std::string(type) + "' (got '" +
                                     printable(it->get<std::string>()) + "')");
  }
  return std::nullopt;
}

// A nullable string member; a problem if it is another type.
Expected<std::optional<std::string>, ModernProblem> optional_string(const json& j, const char* name,
                                                                    const std::string& pointer) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Unexpected{at(pointer + "/" + name, pointer + "/" + name + " must be a string")};
  std::string v = it->get<std::string>();
  if (v.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(v));
}

Expected<json, ModernProblem> parse_document(std::string_view body) {
  if (!is_valid_utf8(body)) return Unexpected{at("", "the body is not valid UTF-8")};
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return Unexpected{at("", "the body is not valid JSON")};
  if (!j.is_object()) return Unexpected{at("", "the body must be a JSON object")};
  return j;
}

// {"data": {"type": `type`, "attributes": {...}}}: the attributes object.
Expected<const json*, ModernProblem> resource_attributes(const json& doc, std::string_view type) {
  auto data = object_member(doc, "data", "/data");
  if (!data) return Unexpected{data.error()};
  if (auto p = check_type(**data, type, "/data")) return Unexpected{*p};
  return object_member(**data, "attributes", "/data/attributes");
}

// attributes.profile.data (of type profile).attributes.
Expected<const json*, ModernProblem> profile_attributes(const json& attributes) {
  const std::string pointer = "/data/attributes/profile";
  auto profile = object_member(attributes, "profile", pointer);
  if (!profile) return Unexpected{profile.error()};
  auto data = object_member(**profile, "data", pointer + "/data");
  if (!data) return Unexpected{data.error()};
  if (auto p = check_type(**data, "profile", pointer + "/data")) return Unexpected{*p};
  return object_member(**data, "attributes", pointer + "/data/attributes");
}

constexpr std::string_view kProfileAttributes = "/data/attributes/profile/data/attributes";

}  // namespace

Expected<ModernSubscribe, ModernProblem> parse_modern_subscribe(std::string_view body) {
  auto doc = parse_document(body);
  if (!doc) return Unexpected{doc.error()};
  auto attributes = resource_attributes(*doc, "back-in-stock-subscription");
  if (!attributes) return Unexpected{attributes.error()};
  const json& data = doc->at("data");

  ModernSubscribe out;
  const std::string at_channels = "/data/attributes/channels";
  auto channels = (*attributes)->find("channels");
  if (channels == (*attributes)->end() || channels->is_null())
    return Unexpected{at(at_channels, "channels is required (EMAIL, PUSH, SMS, WHATSAPP)")};
  if (!channels->is_array()) return Unexpected{at(at_channels, "channels must be an array")};
  if (channels->empty()) return Unexpected{at(at_channels, "channels must name at least one channel")};
  for (size_t i = 0; i < channels->size(); ++i) {
    const json& c = (*channels)[i];
    const uint8_t bit = c.is_string() ? channel_bit(c.get<std::string>()) : 0;
    if (bit == 0) {
      return Unexpected{at(at_channels + "/" + std::to_string(i),
                           "channel " + printable(c.dump()) + " is not one of EMAIL, PUSH, SMS, WHATSAPP")};
    }
    out.channels |= bit;
  }
  auto attrs = profile_attributes(**attributes);
  if (!attrs) return Unexpected{attrs.error()};
  const std::string at_attrs(kProfileAttributes);
  auto email = optional_string(**attrs, "email", at_attrs);
  if (!email) return Unexpected{email.error()};
  auto phone = optional_string(**attrs, "phone_number", at_attrs);
  if (!phone) return Unexpected{phone.error()};
  auto external = optional_string(**attrs, "external_id", at_attrs);
  if (!external) return Unexpected{external.error()};
  out.email = std::move(*email);
  out.phone = std::move(*phone);
  out.external_id = std::move(*external);
  out.has_profile = true;

  auto relationships = object_member(data, "relationships", "/data/relationships");
  if (!relationships) return Unexpected{relationships.error()};
  const std::string at_variant = "/data/relationships/variant";
  auto variant = object_member(**relationships, "variant", at_variant);
  if (!variant) return Unexpected{variant.error()};
  auto vdata = object_member(**variant, "data", at_variant + "/data");
  if (!vdata) return Unexpected{vdata.error()};
  if (auto p = check_type(**vdata, "catalog-variant", at_variant + "/data")) return Unexpected{*p};
  auto id = (*vdata)->find("id");
  if (id == (*vdata)->end() || !id->is_string() || id->get<std::string>().empty()) {
    return Unexpected{at(at_variant + "/data/id", "the variant id is required (integration:::catalog:::external_id)")};
  }
  out.variant_id = id->get<std::string>();
  if (!split_variant_id(out.variant_id)) {
    return Unexpected{at(at_variant + "/data/id",
                         "variant id '" + printable(out.variant_id) +
                             "' is not integration:::catalog:::external_id (e.g. "
                             "$shopify:::$default:::33001893429341)")};
  }
  return out;
}

Expected<ModernListSubscribe, ModernProblem> parse_modern_list_subscribe(std::string_view body) {
  auto doc = parse_document(body);
  if (!doc) return Unexpected{doc.error()};
  auto attributes = resource_attributes(*doc, "subscription");
  if (!attributes) return Unexpected{attributes.error()};
  const json& data = doc->at("data");
  auto attrs = profile_attributes(**attributes);
  if (!attrs) return Unexpected{attrs.error()};
  const std::string at_attrs(kProfileAttributes);
  ModernListSubscribe out;
  auto email = optional_string(**attrs, "email", at_attrs);
  if (!email) return Unexpected{email.error()};
  auto phone = optional_string(**attrs, "phone_number", at_attrs);
  if (!phone) return Unexpected{phone.error()};
  if (!*email && !*phone)
    return Unexpected{at(at_attrs, "one of email or phone_number must be provided")};
  // With a subscriptions object only the channels it names are subscribed (OAS).
  if (auto subs = (*attrs)->find("subscriptions"); subs != (*attrs)->end() && !subs->is_null()) {
    if (!subs->is_object()) return Unexpected{at(at_attrs + "/subscriptions", "subscriptions must be an object")};
    if (!subs->contains("email")) email->reset();
    if (!subs->contains("sms")) phone->reset();
    if (!*email && !*phone) {
      return Unexpected{at(at_attrs + "/subscriptions",
                           "subscriptions names no channel whose identifier was given")};
    }
  }
  out.email = std::move(*email);
  out.phone = std::move(*phone);

  auto relationships = object_member(data, "relationships", "/data/relationships");
  if (!relationships) return Unexpected{relationships.error()};
  auto list = object_member(**relationships, "list", "/data/relationships/list");
  if (!list) return Unexpected{list.error()};
  auto ldata = object_member(**list, "data", "/data/relationships/list/data");
  if (!ldata) return Unexpected{ldata.error()};
  if (auto p = check_type(**ldata, "list", "/data/relationships/list/data")) return Unexpected{*p};
  auto id = (*ldata)->find("id");
  if (id == (*ldata)->end() || !id->is_string() || id->get<std::string>().empty())
    return Unexpected{at("/data/relationships/list/data/id", "the list id is required")};
  out.list = id->get<std::string>();
  return out;
}

std::optional<ModernVariantId> split_variant_id(std::string_view id) {
  const size_t first = id.find(kSeparator);
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = id.find(kSeparator, first + kSeparator.size());
  if (second == std::string_view::npos) return std::nullopt;
  ModernVariantId out{id.substr(0, first),
                      id.substr(first + kSeparator.size(), second - first - kSeparator.size()),
                      id.substr(second + kSeparator.size())};
  if (out.integration.empty() || out.catalog.empty() || out.external_id.empty()) return std::nullopt;
  return out;
}

std::string_view variant_id_prefix(fixtures::Integration integration) {
  const auto platform = fixtures::platform_for(integration);
  return platform ? fixtures::variant_id_integration(*platform) : std::string_view();
}

std::string_view catalog_variant(std::string_view id, const ModernVariantId& parts,
                                 fixtures::Integration integration) {
  const std::string_view prefix = variant_id_prefix(integration);
  if (!prefix.empty() && parts.integration == prefix && parts.catalog == "$default")
    return parts.external_id;
  return id;
}

std::optional<std::string> revision_problem(std::optional<std::string_view> revision,
                                            std::string_view first, std::string_view today) {
  const std::string format = " (format YYYY-MM-DD[.suffix], e.g. 2026-07-15)";
  if (!revision || revision->empty()) return "the revision header is required" + format;
  const std::string_view r = *revision;
  const std::string_view date = r.substr(0, 10);
  bool ok = r.size() >= 10;
  for (size_t i = 0; ok && i < 10; ++i) {
    ok = (i == 4 || i == 7) ? date[i] == '-' : (date[i] >= '0' && date[i] <= '9');
  }
  if (ok && r.size() > 10) {
    ok = r[10] == '.' && r.size() > 11;
    for (size_t i = 11; ok && i < r.size(); ++i) {
      const char c = r[i];
      ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
    }
  }
  if (ok) {  // a calendar date
    const int y = std::stoi(std::string(date.substr(0, 4)));
    const int m = std::stoi(std::string(date.substr(5, 2)));
    const int d = std::stoi(std::string(date.substr(8, 2)));
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int days[] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    ok = m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
  }
  if (!ok) return "revision '" + printable(r, 64) + "' is malformed" + format;
  if (date < first) {
    return "revision " + std::string(date) + " predates this endpoint, which exists since revision " +
           std::string(first);
  }
  if (date > today) {
    return "revision " + std::string(date) + " is later than today (" + std::string(today) +
           "): no such revision";
  }
  return std::nullopt;
}

std::string utc_today() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return out;
}

}  // namespace bis::mock
