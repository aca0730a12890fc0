// Create recovery and the observer's caution, against the in-process fake API: an intent binds
// only the meeting carrying its marker, whatever the titles and clocks; a failed lookup keeps
// the intent; a bound meeting missing from one list answer is asked about before it is
// declared gone.
#include <gtest/gtest.h>

#include "api/observe.hpp"
#include "apply/intents.hpp"
#include "model/create_marker.hpp"
#include "support/fake_api.hpp"

namespace rtk::testing {
namespace {

struct Server {
  emulator::Store store{emulator::StoreOptions{.apps = {{kFakeAccount, kFakeApp}}}};
  FakeApi api{store};
  std::string create(const std::string& title) {
    return (*api.create_meeting({{"title", title}}))["id"];
  }
};

state::CreateIntent intent_for(const std::string& key, const std::string& title) {
  return {.key = key,
          .nonce = model::new_create_nonce(),
          .title = title,
          .started_at = "2099-01-01T00:00:00.000Z"};  // a client clock far ahead: irrelevant
}

TEST(Recovery, AnIntentNeverBindsSomeoneElsesSameTitledMeeting) {
  Server s;
  s.create("Standup");  // made by a person just before, unbound
  state::State st;
  st.intents.push_back(intent_for("standup", "Standup"));
  auto r = apply::resolve_intents(s.api, st);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ((*r)[0].meeting_id, "") << "bound a meeting this create did not make";
}

TEST(Recovery, AnIntentBindsExactlyTheMeetingCarryingItsMarker) {
  Server s;
  state::State st;
  auto intent = intent_for("standup", "Standup");
  s.create("Standup");
  const std::string ours = s.create(model::marked_title("Standup", intent.nonce));
  s.create(model::marked_title("Standup", model::new_create_nonce()));  // another run's
  st.intents.push_back(intent);
  auto r = apply::resolve_intents(s.api, st);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].meeting_id, ours);
  apply::apply_resolutions(*r, st);
  EXPECT_EQ(st.meetings["standup"].id, ours);
  EXPECT_TRUE(st.intents.empty());
}

TEST(Recovery, AFailedLookupKeepsTheIntent) {
  Server s;
  state::State st;
  st.intents.push_back(intent_for("standup", "Standup"));
  class Unreachable final : public ForwardingApi {
   public:
    using ForwardingApi::ForwardingApi;
    api::ApiResult<std::vector<json>> list_meetings(const api::ListQuery& /*q*/) override {
      api::ApiError e;
      e.kind = api::ApiError::Kind::Transport;
      e.detail = "injected: connection refused";
      return e;
    }
  } unreachable(s.api);
  auto r = apply::resolve_intents(unreachable, st);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("neither bound nor created again"), std::string::npos);
  EXPECT_EQ(st.intents.size(), 1U);
}

TEST(Recovery, AMarkerIsRecognisedOnlyWhole) {
  const std::string nonce = model::new_create_nonce();
  EXPECT_EQ(nonce.size(), 16U);
  EXPECT_EQ(model::create_nonce_of(model::marked_title("Room", nonce)), nonce);
  EXPECT_EQ(model::unmarked_title(model::marked_title("Room", nonce)), "Room");
  EXPECT_EQ(model::create_nonce_of("Room (rtksync create 123)"), "");
  EXPECT_EQ(model::create_nonce_of("Room (rtksync create 0123456789ABCDEF)"), "");
  EXPECT_EQ(model::unmarked_title("(rtksync create 0123456789abcdef) Room"),
            "(rtksync create 0123456789abcdef) Room");
}

// A list that hides INACTIVE meetings, as the reference allows.
class HidingInactive final : public ForwardingApi {
 public:
  using ForwardingApi::ForwardingApi;
  api::ApiResult<std::vector<json>> list_meetings(const api::ListQuery& q) override {
    auto all = ForwardingApi::list_meetings(q);
    if (!all) return all;
    std::vector<json> shown;
    for (auto& m : *all) {
      if (m.value("status", "") != "INACTIVE") shown.push_back(m);
    }
    return shown;
  }
  api::ApiResult<json> get_meeting(const std::string& id) override {
    ++gets;
    return ForwardingApi::get_meeting(id);
  }
  int gets = 0;
};

TEST(Observe, ABoundMeetingMissingFromTheListIsAskedAboutBeforeItIsDeclaredGone) {
  Server s;
  const std::string hidden = s.create("Dormant");
  ASSERT_TRUE(s.api.patch_meeting(hidden, {{"status", "INACTIVE"}}).ok());
  HidingInactive api(s.api);
  api::ObserveRequest request;
  request.bound[hidden] = {"", json::object()};
  request.also_bound.insert("00000000-0000-4000-8000-000000000000");  // really gone
  auto seen = api::observe(api, request);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->missing.count(hidden), 0U);
  EXPECT_EQ(seen->meetings.count(hidden), 1U);
  EXPECT_EQ(seen->missing.count("00000000-0000-4000-8000-000000000000"), 1U);
  EXPECT_EQ(api.gets, 2);
  bool summarised = false;
  for (const auto& m : seen->summaries) summarised = summarised || m["id"] == hidden;
  EXPECT_TRUE(summarised) << "the confirmed meeting is visible to the planner";
}

}  // namespace
}  // namespace rtk::testing
