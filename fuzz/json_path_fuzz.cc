// The runner's JSON paths: parse, evaluate on a document, and print back in canonical form.
// Input: the path text, "\n@@\n", then a JSON document (when it parses).
#include <nlohmann/json.hpp>

#include "bis/runner/json_path.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [text, doc_text] = bis::fuzz::split_input(bis::fuzz::as_text(data, size));
  auto path = bis::runner::JsonPath::parse(text);
  if (!path) return 0;
  const nlohmann::json doc = nlohmann::json::parse(doc_text, nullptr, /*allow_exceptions=*/false);
  (void)path->find(doc);
  // The canonical text names the same path.
  auto again = bis::runner::JsonPath::parse(path->to_string());
  if (!again) bis::fuzz::fail("the canonical text of a path does not parse");
  if (again->segments() != path->segments()) bis::fuzz::fail("canonical text changed the path");
  return 0;
}
