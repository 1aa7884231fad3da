#pragma once
// The runner's durations are the common ones (bis/common/duration.h): one syntax for suites,
// profiles, fixtures and the command line.
#include "bis/common/duration.h"

namespace bis::runner {

using bis::Duration;
using bis::format_duration;
using bis::parse_duration;

}  // namespace bis::runner
