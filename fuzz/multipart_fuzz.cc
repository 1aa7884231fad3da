// The mock's multipart/form-data parser (bis::form) and the Content-Type boundary reader.
// Input: a Content-Type value, "\n@@\n", then the body.
#include "bis/common/form.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [content_type, body] = bis::fuzz::split_input(bis::fuzz::as_text(data, size));
  (void)bis::form::media_type(content_type);
  const auto boundary = bis::form::multipart_boundary(content_type);
  if (!boundary) return 0;
  auto fields = bis::form::parse_multipart(body, *boundary);
  if (!fields) return 0;
  for (const auto& f : *fields) {
    // encode_multipart's precondition: the boundary occurs in no value.
    if (f.value.find(*boundary) != std::string::npos) return 0;
  }
  // What was parsed encodes to a body that parses back to the same names and values.
  auto again =
      bis::form::parse_multipart(bis::form::encode_multipart(*fields, *boundary), *boundary);
  bis::fuzz::expect_round_trip(again, *fields);
  return 0;
}
