// apply/work_pool: the one concurrency model of an apply. A fixed set of workers drains one
// queue of tasks; a task may add more tasks (a meeting's participant work is added the moment
// the meeting exists), so independent work never waits at a barrier and requests in flight
// stay at the bound until the work runs out. run() returns when the queue is empty and no
// task is running; the first exception a task throws is rethrown there, after the others end.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>

namespace rtk::apply {

class WorkPool {
 public:
  explicit WorkPool(int workers);

  // Thread-safe; may be called from a running task.
  void add(std::function<void()> task);
  // Runs every task (and the tasks they add) on the workers; blocks until all are done.
  void run();

 private:
  void work();

  int workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  int running_ = 0;
  std::exception_ptr failure_;
};

}  // namespace rtk::apply
