// emulator/main: the rtksync-emulator binary: flags, state file, signals.
#include <pthread.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include <cxxopts.hpp>

#include "emulator/server.hpp"

namespace {

bool parse_rate_limit(const std::string& text, rtk::emulator::Faults& faults) {
  auto slash = text.find('/');
  try {
    faults.rate_limit = std::stoi(text.substr(0, slash));
    faults.rate_window_s = slash == std::string::npos ? 1 : std::stoi(text.substr(slash + 1));
  } catch (const std::exception&) {
    return false;
  }
  return faults.rate_limit >= 0 && faults.rate_window_s > 0;
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options options(
      "rtksync-emulator",
      "A local RealtimeKit meetings API for tests, demos and CI.\n"
      "Serves /client/v4/accounts/{account}/realtime/kit/{app}/... on 127.0.0.1.");
  const char* env_token = std::getenv("RTKSYNC_EMULATOR_TOKEN");
  // clang-format off
  options.add_options()
    ("port", "port to listen on; 0 picks a free one", cxxopts::value<int>()->default_value("8787"))
    ("token", "bearer token to accept (default: $RTKSYNC_EMULATOR_TOKEN, else dev-token)",
     cxxopts::value<std::string>()->default_value(env_token != nullptr ? env_token : "dev-token"))
    ("app", "ACCOUNT/APP pair that exists (repeatable)",
     cxxopts::value<std::vector<std::string>>()->default_value("023e105f4ecef8ad9ca31a8372d0c353/my-app"))
    ("latency-ms", "delay added to every API request", cxxopts::value<int>()->default_value("0"))
    ("error-rate", "share of API requests answered 503 (0..1)", cxxopts::value<double>()->default_value("0"))
    ("drop-rate", "share of API requests whose connection is closed unanswered (0..1)",
     cxxopts::value<double>()->default_value("0"))
    ("rate-limit", "N/SECONDS: answer 429 with Retry-After past N requests per window",
     cxxopts::value<std::string>()->default_value(""))
    ("max-per-page", "cap on per_page for list endpoints", cxxopts::value<int>()->default_value("100"))
    ("seed", "seed for ids, tokens and fault injection", cxxopts::value<uint64_t>()->default_value("1"))
    ("state", "load data from FILE at start and save it there on shutdown",
     cxxopts::value<std::string>()->default_value(""))
    ("record", "append every API exchange to FILE as a JSON line (for contract checks)",
     cxxopts::value<std::string>()->default_value(""))
    ("quirk", std::string("a behaviour the reference allows but does not promise (repeatable): ") +
     rtk::emulator::kQuirkNames, cxxopts::value<std::vector<std::string>>())
    ("h,help", "show this help");
  // clang-format on
  cxxopts::ParseResult args;
  try {
    args = options.parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "rtksync-emulator: " << e.what() << "\n";
    return 1;
  }
  if (args.count("help") != 0U) {
    std::cout << options.help() << "\n";
    return 0;
  }

  rtk::emulator::StoreOptions store_options;
  store_options.max_per_page = args["max-per-page"].as<int>();
  store_options.seed = args["seed"].as<uint64_t>();
  for (const auto& pair : args["app"].as<std::vector<std::string>>()) {
    auto slash = pair.find('/');
    if (slash == std::string::npos) {
      std::cerr << "rtksync-emulator: --app wants ACCOUNT/APP, got " << pair << "\n";
      return 1;
    }
    store_options.apps.insert({pair.substr(0, slash), pair.substr(slash + 1)});
  }
  auto quirks = args.count("quirk") != 0U ? args["quirk"].as<std::vector<std::string>>()
                                          : std::vector<std::string>{};
  for (const auto& name : quirks) {
    if (!rtk::emulator::set_quirk(store_options.quirks, name)) {
      std::cerr << "rtksync-emulator: unknown --quirk " << name << " (one of "
                << rtk::emulator::kQuirkNames << ")\n";
      return 1;
    }
  }
  rtk::emulator::ServerOptions server_options;
  server_options.token = args["token"].as<std::string>();
  server_options.seed = store_options.seed;
  server_options.record_path = args["record"].as<std::string>();
  auto& faults = server_options.faults;
  faults.latency_ms = args["latency-ms"].as<int>();
  faults.error_rate = args["error-rate"].as<double>();
  faults.drop_rate = args["drop-rate"].as<double>();
  if (auto rl = args["rate-limit"].as<std::string>();
      !rl.empty() && !parse_rate_limit(rl, faults)) {
    std::cerr << "rtksync-emulator: --rate-limit wants N/SECONDS, got " << rl << "\n";
    return 1;
  }
  if (store_options.max_per_page < 1 || faults.error_rate < 0 || faults.error_rate > 1 ||
      faults.drop_rate < 0 || faults.drop_rate > 1 || faults.latency_ms < 0) {
    std::cerr << "rtksync-emulator: --max-per-page must be >= 1; rates in 0..1; latency >= 0\n";
    return 1;
  }

  rtk::emulator::Store store(store_options);
  const auto state_file = args["state"].as<std::string>();
  if (!state_file.empty()) {
    std::ifstream in(state_file);
    if (in) {
      auto data = nlohmann::json::parse(in, nullptr, false);
      if (data.is_discarded()) {
        std::cerr << "rtksync-emulator: " << state_file << " is not valid JSON\n";
        return 1;
      }
      store.load(data);
    }
  }

  // SIGINT/SIGTERM are taken by a waiting thread (not a handler), so stopping is safe.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  rtk::emulator::Server server(server_options, store);
  if (!server.recording_ok()) {
    std::cerr << "rtksync-emulator: cannot write " << server_options.record_path << "\n";
    return 1;
  }
  int port = server.bind(args["port"].as<int>());
  if (port <= 0) {
    std::cerr << "rtksync-emulator: cannot bind 127.0.0.1:" << args["port"].as<int>() << "\n";
    return 1;
  }
  std::thread signal_waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
  });
  std::cout << "listening on http://127.0.0.1:" << port << std::endl;
  server.serve();
  // Wakes the waiter if serve() ended first. SIGTERM is blocked in every thread and taken by
  // sigwait, so it terminates nothing (which is what the check is about).
  // NOLINTNEXTLINE(bugprone-bad-signal-to-kill-thread)
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();

  if (!state_file.empty()) {
    std::string tmp = state_file + ".tmp";
    std::ofstream(tmp) << store.dump().dump(2) << "\n";
    std::rename(tmp.c_str(), state_file.c_str());
  }
  std::cerr << "rtksync-emulator: stopped\n";
  return 0;
}
