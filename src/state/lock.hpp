// state/lock: the exclusive lock an apply (and import, state rm) takes next to the state
// file. The kernel's flock() decides who holds it, so a crashed holder never leaves it
// stuck; the file also records the holder (pid, host, start time) for the message a
// second apply prints.
#pragma once

#include <chrono>
#include <string>

#include "model/result.hpp"

namespace rtk::state {

class Lock {
 public:
  // Takes the lock for state_path, waiting up to timeout. The error names the holder.
  static Result<Lock> acquire(const std::string& state_path, std::chrono::seconds timeout);
  // Removes a lock file that no live process holds (`rtksync state unlock`).
  static Result<std::string> force_unlock(const std::string& state_path);
  static std::string path_for(const std::string& state_path);

  Lock(Lock&& other) noexcept;
  Lock& operator=(Lock&&) = delete;
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  ~Lock();

  // A message when the previous holder died without releasing the lock, else "".
  [[nodiscard]] const std::string& takeover_note() const { return takeover_note_; }

 private:
  Lock(int fd, std::string path, std::string note)
      : fd_(fd), path_(std::move(path)), takeover_note_(std::move(note)) {}
  int fd_ = -1;
  std::string path_;
  std::string takeover_note_;
};

}  // namespace rtk::state
