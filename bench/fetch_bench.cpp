// fetch_bench: fetches 1,000 meetings with their participants (list, GET each, list each
// one's participants) from an emulator that adds 20 ms to every request, at parallelism
// 1, 4, 8 and 16, and compares the wall time with the lower bound calls x latency /
// parallelism.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/client.hpp"
#include "support/emulator_process.hpp"

using nlohmann::json;

namespace {

// An emulator state file with `meetings` meetings of `participants` participants each.
std::string seed_file(int meetings, int participants) {
  json list = json::array();
  for (int m = 0; m < meetings; ++m) {
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", m);
    json people = json::array();
    for (int p = 0; p < participants; ++p) {
      char pid[40];
      std::snprintf(pid, sizeof pid, "%08d-0000-4000-8000-%012d", p, m);
      people.push_back({{"id", pid},
                        {"custom_participant_id", "user" + std::to_string(p)},
                        {"preset_name", "group_call_participant"},
                        {"name", "User"},
                        {"created_at", "2026-01-01T00:00:00.000Z"},
                        {"updated_at", "2026-01-01T00:00:00.000Z"},
                        {"token", "t"}});
    }
    list.push_back({{"meeting",
                     {{"id", id},
                      {"title", "Meeting " + std::to_string(m)},
                      {"status", "ACTIVE"},
                      {"created_at", "2026-01-01T00:00:00.000Z"},
                      {"updated_at", "2026-01-01T00:00:00.000Z"},
                      {"record_on_start", false},
                      {"session_keep_alive_time_in_secs", 60}}},
                    {"participants", people}});
  }
  json dump{{"apps", json::array({{{"account_id", rtk::testing::EmulatorProcess::kAccount},
                                   {"app_id", rtk::testing::EmulatorProcess::kApp},
                                   {"meetings", list}}})}};
  std::string path = (std::filesystem::temp_directory_path() / "rtksync-fetch-bench.json").string();
  std::ofstream(path) << dump.dump();
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  const int meetings = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int participants = argc > 2 ? std::atoi(argv[2]) : 10;
  const int latency_ms = argc > 3 ? std::atoi(argv[3]) : 20;
  std::string file = seed_file(meetings, participants);
  rtk::testing::EmulatorProcess emu({"--latency-ms", std::to_string(latency_ms), "--state", file});
  std::printf("%d meetings x %d participants, emulator latency %d ms\n", meetings, participants,
              latency_ms);
  std::printf("%-12s %10s %8s %14s %8s\n", "parallelism", "wall (s)", "calls", "bound (s)",
              "ratio");
  std::vector<int> levels{1, 4, 8, 16};
  if (argc > 4) levels = {std::atoi(argv[4])};
  for (int parallelism : levels) {
    rtk::api::ClientOptions o;
    o.base_url = emu.base_url();
    o.token = rtk::testing::EmulatorProcess::kToken;
    o.account_id = rtk::testing::EmulatorProcess::kAccount;
    o.app_id = rtk::testing::EmulatorProcess::kApp;
    o.parallelism = parallelism;
    o.rate_budget = 1e9;
    o.rate_window_s = 1;
    rtk::api::Client client(o);
    auto start = std::chrono::steady_clock::now();
    auto list = client.list_meetings();
    if (!list) {
      std::fprintf(stderr, "%s\n", list.error().message().c_str());
      return 1;
    }
    std::atomic<size_t> fetched_people{0};
    rtk::api::parallel_for(list->size(), parallelism, [&](size_t i) {
      std::string id = (*list)[i]["id"];
      auto m = client.get_meeting(id);
      auto p = client.list_participants(id);
      if (m && p) fetched_people += p->size();
    });
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    long calls = client.stats().total;
    double bound = static_cast<double>(calls) * latency_ms / 1000.0 / parallelism;
    std::printf("%-12d %10.2f %8ld %14.2f %8.2f   (%zu meetings, %zu participants)\n", parallelism,
                wall, calls, bound, wall / bound, list->size(), fetched_people.load());
  }
  std::filesystem::remove(file);
  return 0;
}
