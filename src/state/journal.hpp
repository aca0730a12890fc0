// state/journal: the append-only log of state changes during an apply, beside the state file
// (`<state>.journal`, one JSON object a line, each synced before the next step). Recording a
// success costs one short append, whatever the size of the state. The log is folded into the
// state file at the end of a run and replayed (then folded) at the next start; a torn last
// line, the mark of a crash mid-write, is ignored.
//
// Entry: {"meeting": KEY, "state": {...} | null, "intent": {...}, "drop_intent": KEY}, every
// member optional; one entry is applied whole or not at all.
#pragma once

#include <memory>
#include <string>

#include "model/result.hpp"
#include "state/state.hpp"

namespace rtk::state {

// Where journal lines go: a file in production, a fake in tests (a full disk on demand).
class JournalFile {
 public:
  virtual ~JournalFile() = default;
  JournalFile() = default;
  JournalFile(const JournalFile&) = delete;
  JournalFile& operator=(const JournalFile&) = delete;
  JournalFile(JournalFile&&) = delete;
  JournalFile& operator=(JournalFile&&) = delete;

  // Appends one line (no newline in it) durably, or fails.
  [[nodiscard]] virtual Result<Unit> append(const std::string& line) = 0;
  // Empties the journal once its entries are in the state file.
  [[nodiscard]] virtual Result<Unit> clear() = 0;
};

std::string journal_path(const std::string& state_path);

// The journal at path: opened (created) on first use, O_APPEND, fdatasync per line.
std::unique_ptr<JournalFile> open_file_journal(const std::string& path);

// Applies one entry to the state.
void apply_entry(const json& entry, State& state);
// Replays the journal at path onto state; a missing file is no journal.
Result<Unit> replay(const std::string& path, State& state);

}  // namespace rtk::state
