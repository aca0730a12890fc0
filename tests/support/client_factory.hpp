// tests/support/client_factory: a Client pointed at a test emulator, with fast backoff.
#pragma once

#include "api/client.hpp"
#include "support/emulator_process.hpp"

namespace rtk::testing {

// Options for a client of the test account and app at base_url, with fast backoff.
inline api::ClientOptions client_options(const std::string& base_url) {
  api::ClientOptions o;
  o.base_url = base_url;
  o.token = EmulatorProcess::kToken;
  o.account_id = EmulatorProcess::kAccount;
  o.app_id = EmulatorProcess::kApp;
  o.rate_budget = 100000;
  o.rate_window_s = 1;
  o.backoff_base = std::chrono::milliseconds(1);
  o.backoff_max = std::chrono::milliseconds(20);
  return o;
}

inline api::ClientOptions client_options(const EmulatorProcess& emu) {
  return client_options(emu.base_url());
}

}  // namespace rtk::testing
