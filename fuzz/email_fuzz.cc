// The subscribe endpoint's email rule (bis::mock::email_problem): a single linear scan, so
// libFuzzer's -timeout also guards against any input that costs more than linear time.
// The first byte switches the rule's options (defects and variations turn them on).
#include "bis/mock/email.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  bis::mock::EmailRule rule;
  rule.require_dot_in_domain = !(flags & 1);
  rule.dotless_localhost = flags & 2;
  rule.dot_anywhere = flags & 4;
  rule.allow_unicode_domain = flags & 8;
  rule.allow_quoted_local = flags & 16;
  rule.check_local_dots = !(flags & 32);
  rule.trim_surrounding = flags & 64;
  const std::string_view email = bis::fuzz::as_text(data + 1, size - 1);
  (void)bis::mock::email_as_read(email, rule);
  const bool valid = bis::mock::is_valid_email(email, rule);
  // The documented limits hold whatever the options: nothing longer than max_address passes.
  if (valid && bis::mock::email_as_read(email, rule).size() > rule.max_address)
    bis::fuzz::fail("an address over max_address was accepted");
  return 0;
}
