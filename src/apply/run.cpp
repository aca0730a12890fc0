#include "apply/run.hpp"

namespace rtk::apply {

Run::Run(api::Api& api_, state::Store& store_, const ApplyOptions& options_,
         ResultObserver observer)
    : api(api_),
      store(store_),
      options(options_),
      pool(options_.parallelism),
      observer_(std::move(observer)) {}

bool Run::may_mutate() const {
  std::lock_guard lock(mu_);
  return !tokens_failed_ && !store.broken();
}

std::string Run::stopped_because() const {
  std::lock_guard lock(mu_);
  return tokens_failed_ ? "no further change was started: the tokens file could not be written"
                        : "no further change was started: the state could not be recorded";
}

std::optional<json> Run::resolved_body(const std::string& key, const plan::Operation& op) {
  auto body = config::resolve_all(op.body, options.root, options.env);
  if (!body) {
    finish(key, op, Outcome::Failed, body.error().message);
    return std::nullopt;
  }
  return std::move(body).value();
}

void Run::finish(const std::string& key, const plan::Operation& op, Outcome outcome,
                 std::string error) {
  std::lock_guard lock(mu_);
  switch (outcome) {
    case Outcome::Done:
      ++report_.done;
      break;
    case Outcome::Unrecorded:
      ++report_.unrecorded;
      break;
    case Outcome::Failed:
      ++report_.failed;
      break;
    case Outcome::Skipped:
      ++report_.skipped;
      break;
  }
  OpResult r{.meeting_key = key,
             .description = describe(op),
             .outcome = outcome,
             .error = std::move(error)};
  if (observer_) observer_(r);
  report_.results.push_back(std::move(r));
}

void Run::succeeded(const std::string& key, const plan::Operation& op,
                    const Result<Unit>& journaled) {
  if (journaled) return finish(key, op, Outcome::Done);
  finish(key, op, Outcome::Unrecorded, journaled.error().message);
}

void Run::skip_all(const std::string& key, const std::vector<const plan::Operation*>& ops,
                   const std::string& why) {
  for (const auto* op : ops) finish(key, *op, Outcome::Skipped, why);
}

void Run::warn(std::string warning) {
  std::lock_guard lock(mu_);
  report_.warnings.push_back(std::move(warning));
}

bool Run::deliver(const IssuedToken& token) {
  if (options.tokens == nullptr) {
    std::lock_guard lock(mu_);
    ++report_.tokens_not_kept;
    return false;
  }
  auto written = options.tokens->write(token);
  std::lock_guard lock(mu_);
  if (written) {
    ++report_.tokens_kept;
    return true;
  }
  ++report_.tokens_undelivered;
  if (!tokens_failed_) report_.warnings.push_back(written.error().message);
  tokens_failed_ = true;
  return false;
}

void Run::token_undelivered() {
  std::lock_guard lock(mu_);
  ++report_.tokens_undelivered;
}

ApplyReport Run::take_report() {
  std::lock_guard lock(mu_);
  if (tokens_failed_ || store.broken()) {
    report_.warnings.emplace_back(
        "the state or the tokens file could not be written, so no further change was started "
        "after that point; operations marked \"unrecorded\" took effect but are not in the state");
  }
  return std::move(report_);
}

}  // namespace rtk::apply
