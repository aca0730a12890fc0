#include "apply/executor.hpp"

#include <array>
#include <memory>
#include <string_view>

#include "apply/intents.hpp"
#include "apply/meeting_work.hpp"
#include "apply/run.hpp"
#include "model/enum_traits.hpp"

namespace rtk::apply {

namespace {

struct OutcomeTraits {
  Outcome value;
  std::string_view name;
};
constexpr std::array<OutcomeTraits, 4> kOutcomes{{
    {Outcome::Done, "done"},
    {Outcome::Unrecorded, "unrecorded"},
    {Outcome::Failed, "failed"},
    {Outcome::Skipped, "skipped"},
}};

}  // namespace

std::string to_string(Outcome o) {
  return std::string(model::traits_of(kOutcomes, o).name);
}

std::string describe(const plan::Operation& op) {
  const std::string summary(plan::traits(op.kind).summary);
  return plan::is_meeting_op(op.kind) ? summary : summary + " " + op.participant;
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
