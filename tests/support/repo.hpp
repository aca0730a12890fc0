// tests/support/repo: a throwaway meeting repository on disk plus an emulator, and a way to
// run the real rtksync binary against them.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/emulator_process.hpp"

namespace rtk::testing {

class Repo {
 public:
  explicit Repo(std::vector<std::string> emulator_args = {})
      : emu_(std::move(emulator_args)), http_("127.0.0.1", emu_.port()) {
    static int counter = 0;
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("rtk-repo-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "meetings");
    write("rtksync.yaml", std::string("account_id: ") + EmulatorProcess::kAccount + "\napp_id: " +
                              EmulatorProcess::kApp + "\ninclude: [meetings/**/*.yaml]\n");
  }
  ~Repo() { std::filesystem::remove_all(dir_); }

  void write(const std::string& rel, const std::string& text) const {
    std::filesystem::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  void meetings(const std::string& yaml) const { write("meetings/m.yaml", yaml); }
  void copy_examples() const {
    std::filesystem::copy(std::string(RTKSYNC_SOURCE_DIR) + "/examples/meetings", dir_ / "meetings",
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
  }

  CommandResult run(std::vector<std::string> args, std::vector<std::string> env = {}) const {
    args.insert(args.begin(), RTKSYNC_BIN);
    args.emplace_back("-c");
    args.push_back((dir_ / "rtksync.yaml").string());
    env.push_back("CLOUDFLARE_API_BASE_URL=" + emu_.base_url());
    env.push_back(std::string("CLOUDFLARE_API_TOKEN=") + EmulatorProcess::kToken);
    env.emplace_back("REC_ACCESS_KEY=ak-SECRET-VALUE-1");
    env.emplace_back("REC_SECRET=sk-SECRET-VALUE-2");
    return run_command(args, env);
  }
  CommandResult apply(std::vector<std::string> extra = {},
                      std::vector<std::string> env = {}) const {
    std::vector<std::string> args{"apply", "--auto-approve"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args, std::move(env));
  }

  std::string api_path(const std::string& rest) const {
    return std::string("/client/v4/accounts/") + EmulatorProcess::kAccount + "/realtime/kit/" +
           EmulatorProcess::kApp + rest;
  }
  nlohmann::json api(const std::string& method, const std::string& rest,
                     const nlohmann::json& body = nullptr) {
    httplib::Headers h{{"Authorization", std::string("Bearer ") + EmulatorProcess::kToken}};
    httplib::Result r =
        method == "PATCH"    ? http_.Patch(api_path(rest), h, body.dump(), "application/json")
        : method == "POST"   ? http_.Post(api_path(rest), h, body.dump(), "application/json")
        : method == "DELETE" ? http_.Delete(api_path(rest), h)
                             : http_.Get(api_path(rest), h);
    return r ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
  }
  std::vector<nlohmann::json> all_meetings() {
    std::vector<nlohmann::json> out;
    for (int page = 1;; ++page) {
      auto r = api("GET", "/meetings?per_page=100&page_no=" + std::to_string(page));
      if (r["data"].empty()) break;
      for (auto& m : r["data"]) out.push_back(m);
    }
    return out;
  }
  nlohmann::json stats() { return nlohmann::json::parse(http_.Get("/__emulator/stats")->body); }
  void reset() { http_.Post("/__emulator/reset"); }
  nlohmann::json state() const {
    std::ifstream in(dir_ / ".rtksync/state.json");
    return nlohmann::json::parse(in, nullptr, false);
  }
  std::string id_of(const std::string& key) const { return state()["meetings"][key]["id"]; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  EmulatorProcess& emulator() { return emu_; }

 private:
  EmulatorProcess emu_;
  httplib::Client http_;
  std::filesystem::path dir_;
};

}  // namespace rtk::testing
