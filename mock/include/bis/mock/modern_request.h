#pragma once
// The modern JSON:API endpoints' requests read without HTTP (docs/spec/modern-endpoints.md):
// the back-in-stock body, the client List body, variant ids and the revision header. A refusal
// names the JSON pointer (or parameter) at fault, which the route turns into a JSON:API error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bis/common/expected.h"
#include "bis/common/fixtures.h"

namespace bis::mock {

// Why a body or a parameter was refused: where (a JSON pointer into the body, or a parameter
// name) and what.
struct ModernProblem {
  std::string pointer;
  std::string parameter;
  std::string detail;
};

// A back-in-stock subscription body, as sent.
struct ModernSubscribe {
  uint8_t channels = 0;  // records.h channel bits
  bool has_profile = false;
  std::optional<std::string> email, phone, external_id;
  std::string variant_id;  // relationships.variant.data.id
};

// Reads {"data": {"type": "back-in-stock-subscription", "attributes": {"channels": [...],
// "profile": {...}}, "relationships": {"variant": {...}}}}. The client requires the profile;
// the server's schema does not, but without one there is nobody to subscribe (INFERRED), so
// both refuse a body without one. Members outside the schema are ignored.
Expected<ModernSubscribe, ModernProblem> parse_modern_subscribe(std::string_view body);

// A client List call body (POST /client/subscriptions), as the List API will take it.
struct ModernListSubscribe {
  std::string list;
  std::optional<std::string> email, phone;
};
Expected<ModernListSubscribe, ModernProblem> parse_modern_list_subscribe(std::string_view body);

// "$shopify:::$default:::123" -> {"$shopify", "$default", "123"}; nullopt if the id does not
// have three non-empty parts.
struct ModernVariantId {
  std::string_view integration, catalog, external_id;
};
std::optional<ModernVariantId> split_variant_id(std::string_view id);
// The integration part of a variant id for an account's integration ("$shopify", "$custom",
// ...); empty for integrations that cannot use back in stock.
std::string_view variant_id_prefix(fixtures::Integration integration);
// The catalog variant a modern id names on an account with `integration`: the external id
// when integration and catalog ("$default") match, else the id as sent (a variant no catalog
// holds: accepted with nothing recorded, as any unknown variant).
std::string_view catalog_variant(std::string_view id, const ModernVariantId& parts,
                                 fixtures::Integration integration);

// The first revision of the back-in-stock endpoints and of the client List call.
inline constexpr std::string_view kFirstBisRevision = "2023-07-15";
inline constexpr std::string_view kFirstListRevision = "2023-02-22";
// Why a `revision` header is refused (nullopt: accepted). `today` is "YYYY-MM-DD" (UTC).
std::optional<std::string> revision_problem(std::optional<std::string_view> revision,
                                            std::string_view first, std::string_view today);
// Today's date, UTC, from the machine's wall clock ("YYYY-MM-DD").
std::string utc_today();

}  // namespace bis::mock
