// emulator/main: the rtksync-emulator binary: flags, state file, signals, as steps that
// return a Result; main alone prints an error.
#include <pthread.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include <cxxopts.hpp>

#include "emulator/server.hpp"
#include "model/result.hpp"

namespace {

using rtk::Error;
using rtk::Result;
using rtk::Unit;

Result<Unit> parse_rate_limit(const std::string& text, rtk::emulator::Faults& faults) {
  const Error bad{"--rate-limit wants N/SECONDS, got " + text};
  auto slash = text.find('/');
  try {
    faults.rate_limit = std::stoi(text.substr(0, slash));
    faults.rate_window_s = slash == std::string::npos ? 1 : std::stoi(text.substr(slash + 1));
  } catch (const std::exception&) {
    return bad;
  }
  if (faults.rate_limit < 0 || faults.rate_window_s <= 0) return bad;
  return Unit{};
}

void add_options(cxxopts::Options& options) {
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
}

struct Setup {
  rtk::emulator::StoreOptions store;
  rtk::emulator::ServerOptions server;
  std::string state_file;
  int port = 0;
};

Result<Unit> read_store_options(const cxxopts::ParseResult& args,
                                rtk::emulator::StoreOptions& store) {
  store.max_per_page = args["max-per-page"].as<int>();
  store.seed = args["seed"].as<uint64_t>();
  for (const auto& pair : args["app"].as<std::vector<std::string>>()) {
    auto slash = pair.find('/');
    if (slash == std::string::npos) return Error{"--app wants ACCOUNT/APP, got " + pair};
    store.apps.insert({pair.substr(0, slash), pair.substr(slash + 1)});
  }
  if (args.count("quirk") == 0U) return Unit{};
  for (const auto& name : args["quirk"].as<std::vector<std::string>>()) {
    if (!rtk::emulator::set_quirk(store.quirks, name)) {
      return Error{"unknown --quirk " + name + " (one of " + rtk::emulator::kQuirkNames + ")"};
    }
  }
  return Unit{};
}

Result<Setup> read_setup(const cxxopts::ParseResult& args) {
  Setup s;
  if (auto store = read_store_options(args, s.store); !store) return store.error();
  s.server.token = args["token"].as<std::string>();
  s.server.seed = s.store.seed;
  s.server.record_path = args["record"].as<std::string>();
  auto& faults = s.server.faults;
  faults.latency_ms = args["latency-ms"].as<int>();
  faults.error_rate = args["error-rate"].as<double>();
  faults.drop_rate = args["drop-rate"].as<double>();
  if (auto rl = args["rate-limit"].as<std::string>(); !rl.empty()) {
    if (auto parsed = parse_rate_limit(rl, faults); !parsed) return parsed.error();
  }
  if (s.store.max_per_page < 1 || faults.error_rate < 0 || faults.error_rate > 1 ||
      faults.drop_rate < 0 || faults.drop_rate > 1 || faults.latency_ms < 0) {
    return Error{"--max-per-page must be >= 1; rates in 0..1; latency >= 0"};
  }
  s.state_file = args["state"].as<std::string>();
  s.port = args["port"].as<int>();
  return s;
}

Result<Unit> load_state(const std::string& path, rtk::emulator::Store& store) {
  if (path.empty()) return Unit{};
  std::ifstream in(path);
  if (!in) return Unit{};  // no file yet: start empty
  auto data = nlohmann::json::parse(in, nullptr, false);
  if (data.is_discarded()) return Error{path + " is not valid JSON"};
  store.load(data);
  return Unit{};
}

Result<Unit> save_state(const std::string& path, const rtk::emulator::Store& store) {
  if (path.empty()) return Unit{};
  const std::string tmp = path + ".tmp";
  std::ofstream out(tmp);
  out << store.dump().dump(2) << "\n";
  out.close();
  if (!out || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Error{"cannot save the state to " + path};
  }
  return Unit{};
}

// Serves until SIGINT or SIGTERM. The signals are taken by a waiting thread (not a handler),
// so stopping is safe.
Result<Unit> serve(const Setup& setup, rtk::emulator::Store& store) {
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  rtk::emulator::Server server(setup.server, store);
  if (!server.recording_ok()) return Error{"cannot write " + setup.server.record_path};
  const int port = server.bind(setup.port);
  if (port <= 0) return Error{"cannot bind 127.0.0.1:" + std::to_string(setup.port)};
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
  return Unit{};
}

Result<int> run(int argc, char** argv) {
  cxxopts::Options options(
      "rtksync-emulator",
      "A local RealtimeKit meetings API for tests, demos and CI.\n"
      "Serves /client/v4/accounts/{account}/realtime/kit/{app}/... on 127.0.0.1.");
  add_options(options);
  const auto args = options.parse(argc, argv);
  if (args.count("help") != 0U) {
    std::cout << options.help() << "\n";
    return 0;
  }
  auto setup = read_setup(args);
  if (!setup) return setup.error();
  rtk::emulator::Store store(setup->store);
  if (auto loaded = load_state(setup->state_file, store); !loaded) return loaded.error();
  if (auto served = serve(*setup, store); !served) return served.error();
  if (auto saved = save_state(setup->state_file, store); !saved) return saved.error();
  std::cerr << "rtksync-emulator: stopped\n";
  return 0;
}

}  // namespace

// The one place an error becomes text and an exit code.
int main(int argc, char** argv) {
  try {
    auto code = run(argc, argv);
    if (code) return *code;
    std::cerr << "rtksync-emulator: " << code.error().message << "\n";
  } catch (const std::exception& e) {
    std::cerr << "rtksync-emulator: " << e.what() << "\n";
  }
  return 1;
}
