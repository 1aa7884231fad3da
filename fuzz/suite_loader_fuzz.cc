// The runner's suite loader (keys, templates, matchers, JSON paths, regular expressions,
// durations) on arbitrary text: a suite or a list of positioned errors, nothing else.
#include "bis/runner/suite_loader.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto suite = bis::runner::load_suite(bis::fuzz::as_text(data, size), "fuzz.yaml");
  if (!suite && suite.error().empty()) bis::fuzz::fail("a refused suite without an error");
  return 0;
}
