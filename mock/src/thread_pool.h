#pragma once
// The task queue cpp-httplib runs connections on. cpp-httplib serves one connection per
// task until the connection closes, so a fixed pool of N threads starves the (N+1)th client
// while N idle keep-alive connections are open. This pool starts a thread whenever a task
// finds no idle one, up to `max_threads`, and keeps finished threads for the next tasks.
#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace bis::mock {

class GrowingThreadPool final : public httplib::TaskQueue {
 public:
  explicit GrowingThreadPool(size_t max_threads) : max_threads_(max_threads) {}
  ~GrowingThreadPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override;
  // Runs the queued tasks to completion, then joins every thread.
  void shutdown() override;

 private:
  void work();

  const size_t max_threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace bis::mock
