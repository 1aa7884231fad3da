#pragma once
// Matchers: checks on one JSON value (a member of a body, a header, a status, a count) as
// docs/suite-format.md lists them. Every check present must hold. Operands may hold templates;
// they are rendered at check time. Regular expressions are RE2 (linear time on untrusted
// answers), compiled when the suite loads unless templated.
//
// A Matcher is immutable once built and safe to check from many threads.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"
#include "bis/common/source.h"
#include "bis/runner/template.h"

namespace re2 {
class RE2;
}

namespace bis::runner {

struct MatchFailure {
  std::string path;      // where inside the checked value ("$.email"); the caller's base path
  std::string expected;  // description: "type string", "matches ^a", "one of [1, 2]"
  std::string actual;    // rendered value or "(absent)"
  std::string message;   // "expected type string, got 5"
};

struct Matcher {
  SourcePos pos;
  std::optional<nlohmann::json> equals;
  std::optional<std::string> type;  // string number integer boolean null array object
  std::optional<std::string> matches;
  std::shared_ptr<const re2::RE2> regex;  // compiled `matches` when it holds no template
  std::optional<nlohmann::json> one_of;   // an array
  std::optional<bool> absent;
  std::optional<bool> present;
  std::optional<long long> length;  // exact
  std::optional<long long> length_min, length_max;
  std::optional<double> min, max;
  std::optional<nlohmann::json> contains;
  std::optional<nlohmann::json> subset;
  std::shared_ptr<const Matcher> negated;  // `not`

  // A matcher that only checks equality with `value`.
  static Matcher equal_to(nlohmann::json value, SourcePos pos = {});

  // nullopt when every check holds on `actual` (nullptr = absent). `path` names the value in
  // messages. Fails (RenderError) only when a templated operand cannot be rendered.
  Expected<std::optional<MatchFailure>, RenderError> check(const nlohmann::json* actual,
                                                           const Scope& scope,
                                                           const std::string& path = "$") const;
  // "type string and matches ^a" (operands as written, templates unrendered).
  std::string describe() const;
};

// The keys a matcher map may have, for the loader's "did you mean".
const std::vector<std::string_view>& matcher_keys();
// The `type` names.
const std::vector<std::string_view>& matcher_types();

// Compiles an RE2 expression; the error is RE2's message.
Expected<std::shared_ptr<const re2::RE2>, std::string> compile_regex(std::string_view pattern);

// Number of code points of a UTF-8 string (invalid bytes count one each).
size_t utf8_length(std::string_view s);

}  // namespace bis::runner
