#pragma once
// A request rendered as a curl command a reader can paste into a shell to reproduce it.
// Quoting is POSIX-shell safe; bytes that are not printable use bash's $'\xHH' quoting.
// Callers pass already redacted parts.
#include <string>
#include <string_view>
#include <vector>

#include "bis/runner/result.h"

namespace bis::runner {

std::string curl_command(std::string_view method, std::string_view url,
                         const std::vector<Header>& headers, std::string_view body);

// One shell word, quoted when needed.
std::string shell_quote(std::string_view word);

}  // namespace bis::runner
