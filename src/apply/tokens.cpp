#include "apply/tokens.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include <nlohmann/json.hpp>

namespace rtk::apply {
namespace {

class FileTokenSink final : public TokenSink {
 public:
  explicit FileTokenSink(std::string path) : path_(std::move(path)) {}
  ~FileTokenSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  FileTokenSink(const FileTokenSink&) = delete;
  FileTokenSink& operator=(const FileTokenSink&) = delete;
  FileTokenSink(FileTokenSink&&) = delete;
  FileTokenSink& operator=(FileTokenSink&&) = delete;

  Result<Unit> open() override {
    std::lock_guard lock(mu_);
    return open_locked();
  }

  Result<Unit> write(const IssuedToken& t) override {
    std::lock_guard lock(mu_);
    auto opened = open_locked();
    if (!opened) return opened;
    const std::string line = nlohmann::json{{"meeting", t.meeting_key},
                                            {"meeting_id", t.meeting_id},
                                            {"custom_participant_id", t.custom_participant_id},
                                            {"participant_id", t.participant_id},
                                            {"token", t.token}}
                                 .dump() +
                             "\n";
    size_t done = 0;
    while (done < line.size()) {
      ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail("cannot write");
      done += static_cast<size_t>(n);
    }
    if (::fdatasync(fd_) != 0) return fail("cannot sync");
    return Unit{};
  }

 private:
  Result<Unit> open_locked() {
    if (fd_ >= 0) return Unit{};
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) return fail("cannot open");
    if (::fchmod(fd_, 0600) != 0) return fail("cannot restrict the mode of");
    return Unit{};
  }
  Error fail(const char* what) const {
    return Error{std::string(what) + " the tokens file " + path_ + ": " + std::strerror(errno)};
  }

  std::string path_;
  std::mutex mu_;
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<TokenSink> file_token_sink(const std::string& path) {
  return std::make_unique<FileTokenSink>(path);
}

}  // namespace rtk::apply
