// apply/run: what the tasks of one apply share: the API, the state store, the tokens sink,
// the pool, and the report they fill in. Every member function is thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "apply/executor.hpp"
#include "apply/work_pool.hpp"

namespace rtk::apply {

using json = nlohmann::json;

class Run {
 public:
  Run(api::Api& api, state::Store& store, const ApplyOptions& options, ResultObserver observer);

  api::Api& api;
  state::Store& store;
  const ApplyOptions& options;
  WorkPool pool;

  // False once the state or the tokens file failed: no further mutation may start.
  [[nodiscard]] bool may_mutate() const;
  // Why no further mutation may start, for the operations skipped on that account.
  [[nodiscard]] std::string stopped_because() const;
  // Resolves ${env:...}/${file:...} in an operation's body; nullopt (and a failed result)
  // when a reference cannot be resolved.
  std::optional<json> resolved_body(const std::string& key, const plan::Operation& op);

  void finish(const std::string& key, const plan::Operation& op, Outcome outcome,
              std::string error = "");
  // A success: Done when journaled is ok, else Unrecorded with the journal's error.
  void succeeded(const std::string& key, const plan::Operation& op, const Result<Unit>& journaled);
  void skip_all(const std::string& key, const std::vector<const plan::Operation*>& ops,
                const std::string& why);
  void warn(std::string warning);

  // A token the API issued: written to the sink (true), or counted as not kept / undelivered.
  bool deliver(const IssuedToken& token);
  void token_undelivered();

  ApplyReport take_report();

 private:
  mutable std::mutex mu_;
  ResultObserver observer_;
  ApplyReport report_;
  bool tokens_failed_ = false;
};

}  // namespace rtk::apply
