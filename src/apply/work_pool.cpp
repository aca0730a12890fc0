#include "apply/work_pool.hpp"

#include <algorithm>
#include <thread>
#include <vector>

namespace rtk::apply {

WorkPool::WorkPool(int workers) : workers_(std::max(1, workers)) {}

void WorkPool::add(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void WorkPool::work() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return !queue_.empty() || running_ == 0; });
    if (queue_.empty()) return;  // nothing queued and nothing running: all done
    auto task = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    try {
      task();
    } catch (...) {
      std::lock_guard failure_lock(mu_);
      if (!failure_) failure_ = std::current_exception();
    }
    lock.lock();
    --running_;
    cv_.notify_all();
  }
}

void WorkPool::run() {
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(workers_ - 1));
  for (int i = 1; i < workers_; ++i) threads.emplace_back([this] { work(); });
  work();
  for (auto& t : threads) t.join();
  if (failure_) std::rethrow_exception(failure_);
}

}  // namespace rtk::apply
