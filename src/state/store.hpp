// state/store: the state shared by the workers of one apply. Every change is applied in
// memory under a mutex and appended to the journal (state/journal) at once, so every success
// is recorded before the next step, at a cost that does not grow with the state. fold()
// writes the whole state file atomically and empties the journal.
//
// Journal or stop: open() proves the state can be written before anything is mutated. After
// a failed journal write the store is broken(): callers start no further mutation. The
// in-memory state stays true to what happened, and a final fold() may still save it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "state/journal.hpp"
#include "state/state.hpp"

namespace rtk::state {

class Store {
 public:
  // journal: where entries go; nullptr means the file beside path.
  Store(std::string path, State initial, std::unique_ptr<JournalFile> journal = nullptr);

  // Writes the state file (folding any replayed journal) and opens the journal: the proof,
  // before the first mutation, that the state can be recorded.
  [[nodiscard]] Result<Unit> open();
  // Changes one meeting's record (created if missing) and journals it.
  [[nodiscard]] Result<Unit> update(const std::string& key,
                                    const std::function<void(MeetingState&)>& fn);
  // Binds a created meeting and drops its create intent, in one journal entry.
  [[nodiscard]] Result<Unit> bind_created(const std::string& key,
                                          const std::function<void(MeetingState&)>& fn);
  [[nodiscard]] Result<Unit> add_intent(const CreateIntent& intent);
  [[nodiscard]] Result<Unit> drop_intent(const std::string& key);
  // Changes many records at once and folds (rewrites the file): for bulk refreshes.
  [[nodiscard]] Result<Unit> update_all(const std::function<void(State&)>& fn);
  // Writes the state file atomically, then empties the journal.
  [[nodiscard]] Result<Unit> fold();

  [[nodiscard]] bool broken() const;
  [[nodiscard]] State snapshot() const;
  // A copy of one meeting's record, or nullopt.
  [[nodiscard]] std::optional<MeetingState> meeting(const std::string& key) const;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string salt() const;

 private:
  Result<Unit> journal(const json& entry);       // mu_ held
  json record_of(const std::string& key) const;  // mu_ held
  Result<Unit> fold_locked();                    // mu_ held

  std::string path_;
  mutable std::mutex mu_;
  State state_;
  std::unique_ptr<JournalFile> journal_;
  bool broken_ = false;
};

}  // namespace rtk::state
