#include "state/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace rtk::state {
namespace {

class FileJournal final : public JournalFile {
 public:
  explicit FileJournal(std::string path) : path_(std::move(path)) {}
  ~FileJournal() override {
    if (fd_ >= 0) ::close(fd_);
  }
  FileJournal(const FileJournal&) = delete;
  FileJournal& operator=(const FileJournal&) = delete;
  FileJournal(FileJournal&&) = delete;
  FileJournal& operator=(FileJournal&&) = delete;

  Result<Unit> append(const std::string& line) override {
    if (fd_ < 0) fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return fail("cannot open");
    const std::string text = line + "\n";
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail("cannot write");
      done += static_cast<size_t>(n);
    }
    if (::fdatasync(fd_) != 0) return fail("cannot sync");
    return Unit{};
  }

  Result<Unit> clear() override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) return fail("cannot remove");
    return Unit{};
  }

 private:
  Error fail(const char* what) const {
    return Error{std::string(what) + " the state journal " + path_ + ": " + std::strerror(errno)};
  }
  std::string path_;
  int fd_ = -1;
};

}  // namespace

std::string journal_path(const std::string& state_path) {
  return state_path + ".journal";
}

std::unique_ptr<JournalFile> open_file_journal(const std::string& path) {
  return std::make_unique<FileJournal>(path);
}

void apply_entry(const json& entry, State& state) {
  if (entry.contains("meeting")) {
    const std::string key = entry["meeting"].get<std::string>();
    const json& ms = entry.value("state", json());
    if (ms.is_null()) {
      state.meetings.erase(key);
    } else {
      state.meetings[key] = meeting_from_json(ms);
    }
  }
  if (entry.contains("intent")) {
    CreateIntent intent = intent_from_json(entry["intent"]);
    state.drop_intent(intent.key);
    state.intents.push_back(std::move(intent));
  }
  if (entry.contains("drop_intent")) state.drop_intent(entry["drop_intent"].get<std::string>());
}

Result<Unit> replay(const std::string& path, State& state) {
  std::ifstream in(path);
  if (!in) return Unit{};
  std::string line;
  std::string torn;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    if (!torn.empty()) {
      return Error{path + ":" + std::to_string(number - 1) +
                   ": a damaged journal entry is followed by others; the journal is not one "
                   "rtksync wrote. Move it aside and check the state by hand."};
    }
    auto entry = json::parse(line, nullptr, false);
    if (entry.is_discarded() || !entry.is_object()) {
      torn = line;  // only the last line may be torn (a crash mid-append)
      continue;
    }
    try {
      apply_entry(entry, state);
    } catch (const json::exception& e) {
      return Error{path + ":" + std::to_string(number) + ": " + e.what()};
    }
  }
  return Unit{};
}

}  // namespace rtk::state
