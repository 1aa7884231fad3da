#pragma once
// Helpers shared by the libFuzzer targets of this directory (README.md there).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

namespace bis::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Targets that read two things (a JSON path and a document, a matcher and a value) take them
// from one input split at the first "\n@@\n": a marker a seed file can show on its own line,
// and short enough for the mutator to create and destroy. Without it the second part is empty.
inline std::pair<std::string_view, std::string_view> split_input(std::string_view in) {
  constexpr std::string_view kMark = "\n@@\n";
  const size_t at = in.find(kMark);
  if (at == std::string_view::npos) return {in, {}};
  return {in.substr(0, at), in.substr(at + kMark.size())};
}

// A broken property (two directions of a codec disagree, ...). Aborting is what libFuzzer
// reports as a crash, with the input saved as an artifact.
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz property broken: %s\n", what);
  std::abort();
}

// The form targets' property: `again` (fields encoded, then parsed) parses and holds the same
// names and values as `fields`, in order.
template <typename Parsed, typename Fields>
void expect_round_trip(const Parsed& again, const Fields& fields) {
  if (!again) fail("encoded fields do not parse");
  if (again->size() != fields.size()) fail("round trip changed the field count");
  for (size_t i = 0; i < fields.size(); ++i) {
    if ((*again)[i].name != fields[i].name || (*again)[i].value != fields[i].value)
      fail("round trip changed a field");
  }
}

}  // namespace bis::fuzz
