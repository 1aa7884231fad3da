#pragma once
// The defect catalogue: deliberate deviations from the API that `bis-mock --defect NAME`
// switches on, so that the conformance suites' strength can be measured (every defect must
// be caught by some suite). Each defect is checked at the one place its behaviour lives.
// A Defects value is immutable after start-up and safe to read from any thread.
#include <bitset>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"

namespace bis::mock {

enum class Defect : uint8_t {
  kAcceptEmailWithoutDot,
  kEmailCaseSensitive,
  kAcceptShortKey,
  kAcceptLongKey,
  kRejectUnknownVariant,
  kEventForUnknownVariant,
  kDuplicateEvent,
  kDuplicateSubscription,
  kRacyDuplicates,
  kErrorBodyShape,
  kSuccessWithoutEmail,
  kSuccessStringTrue,
  kEmailEchoNormalized,
  kNoClearAfterNotify,
  kNotifyTwice,
  kNotifyWithoutFlow,
  kNoResubscribeAfterNotify,
  kRestockIgnoresThreshold,
  kSubscribeAddsToList,
  kIgnorePlatformMismatch,
  kAcceptUnsupportedIntegration,
  kAcceptMissingVariant,
  kDoubleOptInIgnored,
  kNoCors,
  kCount,
};

struct DefectInfo {
  Defect defect;
  std::string_view name;    // the exact command-line name
  std::string_view family;  // the requirement family it breaks
  std::string_view effect;  // what the mock does wrong
};

// Every defect, in declaration order.
std::span<const DefectInfo> all_defects();
const DefectInfo& info(Defect defect);
std::optional<Defect> defect_from_name(std::string_view name);

class Defects {
 public:
  Defects() = default;

  // Parses command-line names. An unknown name is an error that lists the known names and
  // suggests the closest one ("did you mean").
  static Expected<Defects, std::string> parse(const std::vector<std::string>& names);

  bool has(Defect d) const { return bits_.test(static_cast<size_t>(d)); }
  Defects& add(Defect d) {
    bits_.set(static_cast<size_t>(d));
    return *this;
  }
  bool empty() const { return bits_.none(); }
  // Names of the active defects, in declaration order.
  std::vector<std::string> names() const;

 private:
  std::bitset<static_cast<size_t>(Defect::kCount)> bits_;
};

}  // namespace bis::mock
