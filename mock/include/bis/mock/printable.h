#pragma once
// A copy of untrusted text that is safe in a header value or a log line.
#include <string>
#include <string_view>

namespace bis::mock {

// Printable ASCII only (other bytes become '?'), at most `max` characters then "...".
std::string printable(std::string_view value, size_t max = 80);

}  // namespace bis::mock
