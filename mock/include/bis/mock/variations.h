#pragma once
// Permitted variations: behaviour that the API document and api-notes.md allow but the mock
// does not do by default (`bis-mock --variation NAME`, docs/variations.md). Where defects
// measure that the suites catch what is wrong, variations measure that they never fail what
// is right: every suite must pass against every variation. Each variation is applied at the
// one place its behaviour lives. A Variations value is immutable after start-up.
#include <bitset>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"

namespace bis::mock {

enum class Variation : uint8_t {
  // --- answers of the served API
  kRefusal200,          // refusals answered 200 (with the documented error body)
  kRefusal422,          // refusals answered 422
  kRefusalPerAccount,   // each account its own refusal status: 200, 400 or 422
  kDuplicateError,      // a duplicate answered with the documented error body
  kJsonCharset,         // application/json; charset=utf-8
  // --- wire: CORS, methods, bodies
  kCorsEchoOrigin,           // Access-Control-Allow-Origin echoes the Origin, with Vary: Origin
  kPreflightWithoutMethods,  // no Access-Control-Allow-Methods (POST is CORS-safelisted)
  kNoExposeHeaders,          // no Access-Control-Expose-Headers
  kTextPlainForm,            // text/plain bodies are also read as a form
  // --- email rule where the document leaves room
  kEmailUnicodeDomain,  // accepts internationalized (UTF-8) domain names
  kEmailQuotedLocal,    // accepts a quoted local part ("john doe"@example.com)
  // --- the control protocol and what it observes
  kOpaqueIds,        // record ids random, not sequential
  kExtraKeys,        // extra keys in every control answer, record and health
  kAsyncRecording,   // records become visible to observations after a random delay (<= 1 s)
  kBatchesAnyOrder,  // a restock notifies in several batches, subscribers in random order
  kCount,
};

struct VariationInfo {
  Variation variation;
  std::string_view name;    // the exact command-line name
  std::string_view effect;  // what the mock does instead of its default
  std::string_view why;     // why the documents allow it
};

std::span<const VariationInfo> all_variations();
const VariationInfo& info(Variation variation);

class Variations {
 public:
  Variations() = default;

  // Parses command-line names. An unknown name is an error that lists the known names and
  // suggests the closest one ("did you mean"). Contradicting variations (two refusal statuses)
  // are an error too.
  static Expected<Variations, std::string> parse(const std::vector<std::string>& names);

  bool has(Variation v) const { return bits_.test(static_cast<size_t>(v)); }
  Variations& add(Variation v) {
    bits_.set(static_cast<size_t>(v));
    return *this;
  }
  bool empty() const { return bits_.none(); }
  std::vector<std::string> names() const;

  // The status a refusal of `account` gets (`status` is the account's own, from fixtures).
  int refusal_status(std::string_view account, int status) const;
  // The Content-Type of JSON answers.
  std::string_view json_type() const {
    return has(Variation::kJsonCharset) ? "application/json; charset=utf-8" : "application/json";
  }

 private:
  std::bitset<static_cast<size_t>(Variation::kCount)> bits_;
};

}  // namespace bis::mock
