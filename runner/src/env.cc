#include "bis/runner/env.h"

#include <thread>

namespace bis::runner {
namespace {

class RealEnv final : public Env {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::nanoseconds d) override { std::this_thread::sleep_for(d); }
};

}  // namespace

Env& Env::real() {
  static RealEnv env;
  return env;
}

}  // namespace bis::runner
