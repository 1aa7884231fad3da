// The runner's matchers as a suite writes them: the loader's matcher reader (the same code
// load_suite runs), then the check against a value, then the description.
// Input: the matcher in YAML, "\n@@\n", then the checked value in JSON (absent if it does
// not parse).
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "bis/common/yaml.h"
#include "bis/runner/matcher.h"
#include "fuzz_input.h"
#include "loader.h"  // runner/src: the suite loader's matcher reader

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [matcher_text, value_text] = bis::fuzz::split_input(bis::fuzz::as_text(data, size));
  auto root = bis::yaml::parse(matcher_text, "fuzz.yaml");
  if (!root) return 0;
  bis::runner::load::Loader loader("fuzz.yaml");
  loader.begin_suite_scope();
  loader.define("expected");
  std::optional<bis::runner::Matcher> matcher;
  try {
    matcher = loader.matcher_or_value(*root);
  } catch (const YAML::Exception&) {
    return 0;  // load_suite turns these into positioned errors the same way
  }
  if (!matcher) return 0;
  (void)matcher->describe();
  const nlohmann::json value = nlohmann::json::parse(value_text, nullptr, false);
  const nlohmann::json vars = {{"expected", "x@example.com"}, {"n", 3}};
  std::atomic<uint64_t> counter{0};
  bis::runner::TemplateContext ctx;
  ctx.unique_counter = &counter;
  const bis::runner::Scope scope{vars, ctx};
  (void)matcher->check(value.is_discarded() ? nullptr : &value, scope);
  return 0;
}
