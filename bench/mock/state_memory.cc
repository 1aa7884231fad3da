// Memory of the mock's state: N active subscriptions (and their events) made through
// Service::subscribe, in this process, without HTTP. Prints a Markdown table and exits 1 if the
// state or the resident memory it added passes the target (150 MB at 1,000,000: the whole mock
// may take 300 MB, the state well under half). A benchmark, not a unit test: it takes seconds
// and its RSS figure is meaningless under a sanitizer.
//   build/bench/bench_mock_state [SUBSCRIPTIONS]   (default 1000000)
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bis/mock/clock.h"
#include "bis/mock/fixtures_loader.h"
#include "bis/mock/service.h"
#include "bis/mock/state_store.h"

namespace {

using namespace bis::mock;

constexpr size_t kTargetBytesPerMillion = 150u << 20;

// Resident memory of this process, in bytes.
size_t resident_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

SubscribeFields subscribe_fields(const std::string& email) {
  SubscribeFields f;
  f.a = "Shop01";
  f.email = email;
  f.variant = "111";
  f.platform = "shopify";
  return f;
}

double mb(size_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 1'000'000;
  if (n <= 0) {
    std::fprintf(stderr, "usage: %s [SUBSCRIPTIONS > 0]\n", argv[0]);
    return 2;
  }
  auto fixtures = load_fixtures(
      "accounts:\n  - key: Shop01\n    integration: shopify\n    flow: {}\n"
      "    variants: [{id: \"111\", inventory: 0}]\n",
      "bench-fixtures");
  if (!fixtures) {
    std::fprintf(stderr, "%s\n", fixtures.error().to_string().c_str());
    return 1;
  }
  ManualClock clock;
  ServiceOptions options;
  options.clock = &clock;
  auto service = Service::create(std::move(*fixtures), make_memory_store(), options);
  if (!service) {
    std::fprintf(stderr, "%s\n", service.error().c_str());
    return 1;
  }
  const size_t before = resident_bytes();
  for (long i = 0; i < n; ++i) {
    const std::string email = "user" + std::to_string(i) + "@example.com";
    if ((*service)->subscribe(subscribe_fields(email)).outcome != SubscribeOutcome::kSubscribed) {
      std::fprintf(stderr, "subscription %ld was not recorded\n", i);
      return 1;
    }
  }
  const size_t grown = resident_bytes() - before;
  const ServiceStats s = (*service)->stats();
  // Still checked against all of them.
  const bool duplicate = (*service)->subscribe(subscribe_fields("USER7@example.com")).outcome ==
                         SubscribeOutcome::kDuplicate;
  const size_t target = kTargetBytesPerMillion * static_cast<size_t>(n) / 1'000'000;
  std::printf("| active subscriptions | events | state | RSS added | target |\n");
  std::printf("|---|---|---|---|---|\n");
  std::printf("| %zu | %zu | %.1f MB | %.1f MB | < %.1f MB |\n", s.subscriptions, s.events,
              mb(s.memory_bytes), mb(grown), mb(target));
  const bool ok = s.subscriptions == static_cast<size_t>(n) && s.events == static_cast<size_t>(n) &&
                  s.memory_bytes < target && grown < target && duplicate;
  if (!ok) std::printf("\nOVER TARGET (or a record missing, or the duplicate not found)\n");
  return ok ? 0 : 1;
}
