// The mock's x-www-form-urlencoded parser (bis::form, used by the subscribe endpoints) on
// arbitrary bodies; what it accepts must survive an encode/parse round trip unchanged.
#include "bis/common/form.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = bis::fuzz::as_text(data, size);
  (void)bis::form::percent_decode(body, /*plus_is_space=*/false);
  auto fields = bis::form::parse_urlencoded(body);
  if (!fields) return 0;
  auto again = bis::form::parse_urlencoded(bis::form::encode_urlencoded(*fields));
  bis::fuzz::expect_round_trip(again, *fields);
  return 0;
}
