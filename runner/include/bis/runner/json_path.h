#pragma once
// JSON paths as suites write them: `$` is the whole document, `.name` or `['name']` a member,
// `[n]` an element (`[-1]` the last). `$.errors[0]`, `$[0].variant`, `$['odd key']`.
// A parsed path is immutable and thread-safe to evaluate.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bis/common/expected.h"

namespace bis::runner {

class JsonPath {
 public:
  using Segment = std::variant<std::string, long long>;  // member name or element index

  JsonPath() = default;  // `$`
  // Fails with a message naming the offending character offset.
  static Expected<JsonPath, std::string> parse(std::string_view text);

  // The value the path leads to, or nullptr when it leads nowhere (missing member, index out
  // of range, member of a non-object).
  const nlohmann::json* find(const nlohmann::json& document) const;

  const std::vector<Segment>& segments() const { return segments_; }
  JsonPath child(std::string name) const;
  JsonPath child(long long index) const;
  // Canonical text: `$`, `$.errors[0]`, `$['odd key']`.
  std::string to_string() const;

 private:
  std::vector<Segment> segments_;
};

// Appends one segment to a path text in canonical form (used when diffing documents).
std::string append_member(const std::string& path, std::string_view name);
std::string append_index(const std::string& path, long long index);

}  // namespace bis::runner
