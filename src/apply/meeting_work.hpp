// apply/meeting_work: one meeting's part of an apply: its meeting-level operations in order
// (see apply/executor for the rules), then one task per participant. Shared by the tasks it
// adds to the pool, so it lives in a shared_ptr.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apply/run.hpp"
#include "model/field_table.hpp"

namespace rtk::apply {

class MeetingWork : public std::enable_shared_from_this<MeetingWork> {
 public:
  MeetingWork(Run& run, const plan::MeetingPlan& mp);

  // The meeting chain; adds the participant tasks once the meeting exists.
  void run_meeting_ops();

 private:
  using Ops = std::vector<const plan::Operation*>;

  void start_participants();
  bool mark_pending_tokens();
  bool create(const plan::Operation& op, const plan::Operation* status_op);
  std::optional<json> made_by(const state::CreateIntent& intent, const api::ApiResult<json>& answer,
                              const plan::Operation& op);
  void remove_marker(const std::string& title, const plan::Operation* status_op);
  bool update(const plan::Operation& op);
  json read_back(const json& answer);

  void run_participant(const Ops& ops);
  bool participant_op(const plan::Operation& op);
  bool add(const plan::Operation& op);
  bool edit(const plan::Operation& op);
  bool remove(const plan::Operation& op);
  bool rotate(const plan::Operation& op);
  void delivered(const plan::Operation& op, const json& answer);
  bool exists(const std::string& cpid);

  void compare(model::Resource r, const plan::Operation& op, const json& actual);

  Run& run_;
  const plan::MeetingPlan& mp_;
  std::string id_;
  std::vector<Ops> participants_;  // each participant's operations, in plan order
  std::vector<std::string> token_cpids_;
};

}  // namespace rtk::apply
