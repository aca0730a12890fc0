#include "state/store.hpp"

namespace rtk::state {

Result<Unit> Store::update(const std::function<void(State&)>& fn) {
  std::lock_guard lock(mu_);
  fn(state_);
  return save(path_, state_);
}

State Store::snapshot() const {
  std::lock_guard lock(mu_);
  return state_;
}

}  // namespace rtk::state
