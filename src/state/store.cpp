#include "state/store.hpp"

namespace rtk::state {

Store::Store(std::string path, State initial, std::unique_ptr<JournalFile> journal)
    : path_(std::move(path)),
      state_(std::move(initial)),
      journal_(journal ? std::move(journal) : open_file_journal(journal_path(path_))) {}

Result<Unit> Store::open() {
  std::lock_guard lock(mu_);
  auto folded = fold_locked();
  if (!folded) return folded;
  return journal(json{{"begin", now_iso()}});
}

Result<Unit> Store::journal(const json& entry) {
  if (broken_) return Error{"the state journal failed earlier; nothing more is recorded"};
  auto appended = journal_->append(entry.dump());
  if (!appended) broken_ = true;
  return appended;
}

json Store::record_of(const std::string& key) const {
  const MeetingState& ms = state_.meetings.at(key);
  auto policy = state_.referenced.find(key);
  // The journal holds what the file would: referenced values only as digests.
  return to_json(
      policy == state_.referenced.end() ? ms : without_referenced(ms, policy->second, state_.salt));
}

Result<Unit> Store::update(const std::string& key, const std::function<void(MeetingState&)>& fn) {
  std::lock_guard lock(mu_);
  fn(state_.meetings[key]);
  return journal(json{{"meeting", key}, {"state", record_of(key)}});
}

Result<Unit> Store::bind_created(const std::string& key,
                                 const std::function<void(MeetingState&)>& fn) {
  std::lock_guard lock(mu_);
  fn(state_.meetings[key]);
  state_.drop_intent(key);
  return journal(json{{"meeting", key}, {"state", record_of(key)}, {"drop_intent", key}});
}

Result<Unit> Store::add_intent(const CreateIntent& intent) {
  std::lock_guard lock(mu_);
  state_.drop_intent(intent.key);
  state_.intents.push_back(intent);
  return journal(json{{"intent", to_json(intent)}});
}

Result<Unit> Store::drop_intent(const std::string& key) {
  std::lock_guard lock(mu_);
  state_.drop_intent(key);
  return journal(json{{"drop_intent", key}});
}

Result<Unit> Store::update_all(const std::function<void(State&)>& fn) {
  std::lock_guard lock(mu_);
  fn(state_);
  return fold_locked();
}

Result<Unit> Store::fold() {
  std::lock_guard lock(mu_);
  return fold_locked();
}

Result<Unit> Store::fold_locked() {
  auto saved = save(path_, state_);
  if (!saved) {
    broken_ = true;
    return saved;
  }
  // The file now holds every entry; a failure to empty the journal is harmless to
  // correctness (replaying it again gives the same state) but is reported.
  return journal_->clear();
}

std::string Store::salt() const {
  std::lock_guard lock(mu_);
  return state_.salt;
}

bool Store::broken() const {
  std::lock_guard lock(mu_);
  return broken_;
}

State Store::snapshot() const {
  std::lock_guard lock(mu_);
  return state_;
}

std::optional<MeetingState> Store::meeting(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = state_.meetings.find(key);
  if (it == state_.meetings.end()) return std::nullopt;
  return it->second;
}

}  // namespace rtk::state
