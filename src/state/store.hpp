// state/store: the state shared by concurrent apply workers. Every change goes through
// update(), which applies it under a mutex and writes the file atomically at once, so
// every success is journaled before the next step.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "state/state.hpp"

namespace rtk::state {

class Store {
 public:
  Store(std::string path, State initial) : path_(std::move(path)), state_(std::move(initial)) {}

  // Applies fn to the state and saves it; returns the save's result.
  Result<Unit> update(const std::function<void(State&)>& fn);
  [[nodiscard]] State snapshot() const;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  mutable std::mutex mu_;
  State state_;
};

}  // namespace rtk::state
