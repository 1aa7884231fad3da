#pragma once
// Waiting in tests on a condition, never a fixed delay: every bounded poll loop of the tests.
#include <chrono>
#include <thread>

namespace bis::testing {

// Calls `done` every 10 ms until it returns true (then true) or until `limit` has passed
// (then false, after one last call). The limit only bounds a failing test: a passing one
// returns as soon as the condition holds.
template <typename Done>
bool poll_until(Done&& done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace bis::testing
