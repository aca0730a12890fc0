#include "state/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "state/state.hpp"

namespace rtk::state {
namespace {

std::string hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string read_fd(int fd) {
  std::string out;
  char buf[1024];
  lseek(fd, 0, SEEK_SET);
  ssize_t n = 0;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

std::string describe_holder(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return "another process";
  return "pid " + std::to_string(j.value("pid", 0)) + " on " + j.value("host", "?") + " since " +
         j.value("started_at", "?");
}

}  // namespace

std::string Lock::path_for(const std::string& state_path) {
  return state_path + ".lock";
}

Result<Lock> Lock::acquire(const std::string& state_path, std::chrono::seconds timeout) {
  std::string path = path_for(state_path);
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"cannot open lock file " + path + ": " + std::strerror(errno)};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string holder = describe_holder(read_fd(fd));
      ::close(fd);
      return Error{"the state is locked by " + holder + " (" + path +
                   "). Another apply is "
                   "running; wait for it, or pass --lock-timeout to wait."};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  // We hold it. A leftover record means the previous holder died without cleaning up.
  std::string note;
  std::string previous = read_fd(fd);
  if (!previous.empty()) {
    auto j = nlohmann::json::parse(previous, nullptr, false);
    if (j.is_object()) {
      int pid = j.value("pid", 0);
      bool same_host = j.value("host", "") == hostname();
      bool dead = same_host && pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
      note = std::string("a stale lock was left by ") + describe_holder(previous) +
             (dead ? ", a process that no longer runs" : "") +
             "; the kernel lock was free, so this run took it over (`rtksync state unlock` "
             "removes such a file by hand).";
    }
  }
  nlohmann::json owner{{"pid", getpid()}, {"host", hostname()}, {"started_at", now_iso()}};
  std::string text = owner.dump();
  if (ftruncate(fd, 0) != 0 || pwrite(fd, text.data(), text.size(), 0) < 0) {
    ::close(fd);
    return Error{"cannot write lock file " + path};
  }
  return Lock(fd, path, note);
}

Result<std::string> Lock::force_unlock(const std::string& state_path) {
  std::string path = path_for(state_path);
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::string("no lock file at " + path + "; nothing to do");
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    std::string holder = describe_holder(read_fd(fd));
    ::close(fd);
    return Error{"the lock is held by a live process (" + holder + "); refusing to remove it"};
  }
  ::unlink(path.c_str());
  ::close(fd);
  return std::string("removed " + path);
}

Lock::Lock(Lock&& other) noexcept
    : fd_(other.fd_),
      path_(std::move(other.path_)),
      takeover_note_(std::move(other.takeover_note_)) {
  other.fd_ = -1;
}

Lock::~Lock() {
  if (fd_ < 0) return;
  // Emptied, not unlinked: unlinking would let a waiter lock a file no one else can see.
  if (ftruncate(fd_, 0) != 0) {
    // The record stays; the next holder reports it as stale.
  }
  flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace rtk::state
