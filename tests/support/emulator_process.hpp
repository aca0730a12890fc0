// tests/support/emulator_process: starts the real rtksync-emulator binary on a free port
// for a test and stops it afterwards. The port is read from its first stdout line.
#pragma once

#include <string>
#include <vector>

namespace rtk::testing {

class EmulatorProcess {
 public:
  explicit EmulatorProcess(std::vector<std::string> extra_args = {});
  ~EmulatorProcess();
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string base_url() const;  // http://127.0.0.1:PORT/client/v4
  [[nodiscard]] std::string root_url() const;  // http://127.0.0.1:PORT
  // Where it records its exchanges ("" when it does not): $RTKSYNC_CONTRACT_RECORD_DIR's
  // file, or the --record FILE given in the extra arguments.
  [[nodiscard]] const std::string& record_file() const { return record_file_; }
  // Stops the process (SIGTERM) and waits; returns its exit status.
  int stop();

  static constexpr const char* kAccount = "023e105f4ecef8ad9ca31a8372d0c353";
  static constexpr const char* kApp = "my-app";
  static constexpr const char* kToken = "test-token";

 private:
  int pid_ = -1;
  int port_ = 0;
  std::string record_file_;
};

// Runs a command, capturing stdout and stderr; returns the exit code.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env = {}, const std::string& cwd = "");

}  // namespace rtk::testing
