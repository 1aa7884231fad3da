// The runner's templates: parse, list the variables read, render (as JSON and as text) with
// the same kind of variables a scenario has.
#include <atomic>
#include <nlohmann/json.hpp>

#include "bis/runner/template.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto tmpl = bis::runner::Template::parse(bis::fuzz::as_text(data, size));
  if (!tmpl) return 0;
  (void)tmpl->variables();
  static const nlohmann::json vars = {
      {"email", "x@example.com"},
      {"n", 3},
      {"items", {{{"id", "first"}}}},
      {"target", {{"key", "PkShop"}, {"variants", {{"in_stock", "100"}}}}}};
  std::atomic<uint64_t> counter{0};
  bis::runner::TemplateContext ctx;
  ctx.run_id = "ab12cd34";
  ctx.suite_id = "fuzz";
  ctx.scenario_id = "one";
  ctx.unique_counter = &counter;
  (void)tmpl->render(vars, ctx);
  (void)tmpl->render_string(vars, ctx);
  return 0;
}
