// The mock's fixtures loader (YAML with positions, then the model's checks) on arbitrary text:
// every input ends in fixtures or positioned errors, never a crash or an escaped exception.
#include "bis/mock/fixtures_loader.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)bis::mock::load_fixtures(bis::fuzz::as_text(data, size), "fuzz.yaml");
  return 0;
}
