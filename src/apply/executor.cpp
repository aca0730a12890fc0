#include "apply/executor.hpp"

#include <memory>

#include "apply/intents.hpp"
#include "apply/meeting_work.hpp"
#include "apply/run.hpp"

namespace rtk::apply {

std::string to_string(Outcome o) {
  switch (o) {
    case Outcome::Done:
      return "done";
    case Outcome::Unrecorded:
      return "unrecorded";
    case Outcome::Failed:
      return "failed";
    case Outcome::Skipped:
      return "skipped";
  }
  return "?";
}

std::string describe(const plan::Operation& op) {
  using plan::OpKind;
  switch (op.kind) {
    case OpKind::CreateMeeting:
      return "create meeting";
    case OpKind::UpdateMeeting:
      return "update meeting (PATCH)";
    case OpKind::ReplaceMeeting:
      return "replace meeting (PUT)";
    case OpKind::DeactivateMeeting:
      return "deactivate meeting";
    case OpKind::AddParticipant:
      return "add participant " + op.participant;
    case OpKind::EditParticipant:
      return "edit participant " + op.participant;
    case OpKind::RemoveParticipant:
      return "remove participant " + op.participant;
    case OpKind::RotateToken:
      return "rotate token of " + op.participant;
  }
  return "?";
}

ApplyReport execute(const plan::Plan& plan, api::Api& api, state::Store& store,
                    const ApplyOptions& options, const ResultObserver& on_result) {
  Run run(api, store, options, on_result);
  for (const auto& mp : plan.meetings) {
    if (mp.ops.empty()) continue;
    auto work = std::make_shared<MeetingWork>(run, mp);
    run.pool.add([work] { work->run_meeting_ops(); });
  }
  run.pool.run();
  return run.take_report();
}

}  // namespace rtk::apply
