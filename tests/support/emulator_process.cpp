#include "support/emulator_process.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rtk::testing {
namespace {

std::vector<char*> c_args(std::vector<std::string>& args) {
  std::vector<char*> out;
  out.reserve(args.size() + 1);
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n = 0;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

// With $RTKSYNC_CONTRACT_RECORD_DIR set (ctest sets it for the end-to-end tests), every
// emulator records its exchanges there for the contract check (tests/contract).
std::vector<std::string> record_args() {
  const char* dir = std::getenv("RTKSYNC_CONTRACT_RECORD_DIR");
  if (dir == nullptr || *dir == '\0') return {};
  static std::atomic<int> counter{0};
  std::filesystem::create_directories(dir);
  return {"--record", std::string(dir) + "/" + std::to_string(getpid()) + "-" +
                          std::to_string(counter++) + ".jsonl"};
}

}  // namespace

EmulatorProcess::EmulatorProcess(std::vector<std::string> extra_args) {
  std::vector<std::string> args{RTKSYNC_EMULATOR_BIN,
                                "--port",
                                "0",
                                "--token",
                                kToken,
                                "--app",
                                std::string(kAccount) + "/" + kApp};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto given = std::find(extra_args.begin(), extra_args.end(), "--record");
  if (given != extra_args.end() && given + 1 != extra_args.end()) {
    record_file_ = *(given + 1);
  } else {
    auto record = record_args();
    if (!record.empty()) record_file_ = record[1];
    args.insert(args.end(), record.begin(), record.end());
  }
  int out_pipe[2];
  if (pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  auto argv = c_args(args);
  if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start " + args[0]);
  }
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  // Read the first line: "listening on http://127.0.0.1:PORT".
  std::string line;
  char c = 0;
  while (read(out_pipe[0], &c, 1) == 1 && c != '\n') line += c;
  close(out_pipe[0]);
  auto colon = line.rfind(':');
  if (line.rfind("listening on", 0) != 0 || colon == std::string::npos) {
    stop();
    throw std::runtime_error("emulator did not start: '" + line + "'");
  }
  port_ = std::stoi(line.substr(colon + 1));
}

EmulatorProcess::~EmulatorProcess() {
  stop();
}

std::string EmulatorProcess::root_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}
std::string EmulatorProcess::base_url() const {
  return root_url() + "/client/v4";
}

int EmulatorProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

CommandResult run_command(const std::vector<std::string>& argv_in,
                          const std::vector<std::string>& env, const std::string& cwd) {
  char out_tmpl[] = "/tmp/rtk-out-XXXXXX";
  char err_tmpl[] = "/tmp/rtk-err-XXXXXX";
  int out_fd = mkstemp(out_tmpl);
  int err_fd = mkstemp(err_tmpl);
  std::vector<std::string> args = argv_in;
  std::vector<std::string> envs;
  for (char** e = environ; *e != nullptr; ++e) envs.emplace_back(*e);
  envs.insert(envs.end(), env.begin(), env.end());
  auto argv = c_args(args);
  auto envp = c_args(envs);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  lseek(out_fd, 0, SEEK_SET);
  lseek(err_fd, 0, SEEK_SET);
  r.out = read_all(out_fd);
  r.err = read_all(err_fd);
  close(out_fd);
  close(err_fd);
  unlink(out_tmpl);
  unlink(err_tmpl);
  return r;
}

}  // namespace rtk::testing
