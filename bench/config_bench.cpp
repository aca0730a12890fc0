// config_bench: loads a generated repository of 1,000 meetings x 100 participants (about
// 12 MB of YAML) and reports wall time and peak memory of rtksync's loader next to a bare
// yaml-cpp parse of the same files (our overhead over the parser). Each measurement runs
// in its own child process, so peak RSS is its own.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include <yaml-cpp/yaml.h>

#include "config/glob.hpp"
#include "config/loader.hpp"

namespace fs = std::filesystem;

namespace {

size_t generate(const fs::path& dir, int meetings, int participants) {
  fs::remove_all(dir);
  fs::create_directories(dir / "meetings");
  std::ofstream(dir / "rtksync.yaml")
      << "account_id: bench\napp_id: bench\ninclude: [meetings/**/*.yaml]\n";
  size_t bytes = 0;
  const int per_file = 10;
  for (int f = 0; f < meetings / per_file; ++f) {
    std::string text = "meetings:\n";
    for (int m = f * per_file; m < (f + 1) * per_file; ++m) {
      text += "  meeting-" + std::to_string(m) + ":\n    title: Meeting " + std::to_string(m) +
              "\n    record_on_start: true\n    session_keep_alive_time_in_secs: 120\n"
              "    ai_config:\n      transcription: { language: en-US, keywords: [alpha, beta] }\n"
              "      summarization: { summary_type: team_meeting, word_limit: 300 }\n"
              "    recording_config:\n      max_seconds: 3600\n"
              "      storage_config: { type: aws, bucket: rec, access_key: \"${env:AK}\", secret: "
              "\"${env:SK}\" }\n"
              "    participants:\n";
      for (int p = 0; p < participants; ++p) {
        std::string id = "user" + std::to_string(p) + "@example.com";
        text += "      - custom_participant_id: " + id + "\n        name: User Number " +
                std::to_string(p) + "\n        preset_name: group_call_participant\n";
      }
    }
    std::ofstream(dir / "meetings" / ("file-" + std::to_string(f) + ".yaml")) << text;
    bytes += text.size();
  }
  return bytes;
}

// Runs fn in a child; prints its wall time and peak RSS.
void measure(const std::string& name, const std::function<std::string()>& fn) {
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    auto start = std::chrono::steady_clock::now();
    std::string detail = fn();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("%-28s %8.3f s   peak RSS %7.1f MiB   %s\n", name.c_str(), s,
                static_cast<double>(ru.ru_maxrss) / 1024.0, detail.c_str());
    std::fflush(stdout);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "rtksync-config-bench";
  int meetings = argc > 2 ? std::atoi(argv[2]) : 1000;
  int participants = argc > 3 ? std::atoi(argv[3]) : 100;
  size_t bytes = generate(dir, meetings, participants);
  std::printf("repository: %d meetings x %d participants, %.1f MB of YAML in %s\n", meetings,
              participants, static_cast<double>(bytes) / 1e6, dir.c_str());
  setenv("AK", "bench-access-key", 1);
  setenv("SK", "bench-secret", 1);
  for (int round = 0; round < 2; ++round) {
    measure("bare yaml-cpp parse", [&] {
      size_t nodes = 0;
      for (const auto& f : rtk::config::expand_globs(dir.string(), {"meetings/**/*.yaml"}).files) {
        YAML::Node doc = YAML::LoadFile((dir / f).string());
        nodes += doc["meetings"].size();
      }
      return std::to_string(nodes) + " meetings";
    });
    measure("rtksync config::load", [&] {
      rtk::config::LoadOptions o;
      o.config_path = (dir / "rtksync.yaml").string();
      auto loaded = rtk::config::load(o);
      return std::to_string(loaded.desired.meetings.size()) + " meetings, " +
             std::to_string(loaded.desired.participant_count()) + " participants, " +
             std::to_string(loaded.diagnostics.error_count()) + " errors";
    });
  }
  fs::remove_all(dir);
  return 0;
}
