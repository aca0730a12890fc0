// The pure planner: every rule of the plan issue, without a network.
#include <gtest/gtest.h>

#include <set>

#include "model/digest.hpp"
#include "plan/diff.hpp"
#include "plan/render.hpp"
#include "plan/saved_plan.hpp"

namespace rtk::plan {
namespace {

using model::json;

const std::string kId = "11111111-1111-4111-8111-111111111111";

struct World {
  model::Project project;
  model::DesiredState desired;
  model::Observed observed;
  state::State state;
  bool allow_removals = false;
  bool allow_updates = false;
  std::set<std::string> overrides_targets;

  World() {
    project.file = "rtksync.yaml";
    state.salt = "salt";
  }
  model::DesiredMeeting& want(const std::string& key, json fields) {
    auto& m = desired.meetings[key];
    m.key = key;
    m.fields = std::move(fields);
    return m;
  }
  // A meeting on the server, bound to key in the state.
  json& have(const std::string& key, json object, const std::string& id = kId) {
    object["id"] = id;
    object["updated_at"] = "2026-01-01T00:00:00.000Z";
    object.emplace("status", "ACTIVE");
    observed.summaries.push_back(object);
    observed.meetings[id] = object;
    state.meetings[key].id = id;
    state.meetings[key].updated_at = object["updated_at"];
    return observed.meetings[id];
  }
  Plan plan() const {
    return build_plan(PlanInput{project,
                                desired,
                                observed,
                                state,
                                {.allow_removals = allow_removals,
                                 .allow_updates = allow_updates,
                                 .targets = overrides_targets}});
  }
};

model::DesiredParticipant person(const std::string& id, json fields = json::object()) {
  model::DesiredParticipant p;
  p.custom_participant_id = id;
  p.fields = std::move(fields);
  p.fields["custom_participant_id"] = id;
  p.fields.emplace("preset_name", "host");
  return p;
}

json observed_person(const std::string& id, const std::string& preset = "host") {
  return json{{"id", "pid-" + id}, {"custom_participant_id", id}, {"preset_name", preset}};
}

TEST(Plan, CreatePostsEveryManagedFieldButStatus) {
  World w;
  auto& m =
      w.want("standup", {{"title", "Standup"}, {"status", "INACTIVE"}, {"record_on_start", true}});
  m.participants_managed = true;
  m.participants["a"] = person("a");
  auto p = w.plan();
  ASSERT_EQ(p.meetings.size(), 1U);
  const auto& mp = p.meetings[0];
  EXPECT_EQ(mp.action, MeetingAction::Create);
  ASSERT_EQ(mp.ops.size(), 3U);
  EXPECT_EQ(mp.ops[0].kind, OpKind::CreateMeeting);
  EXPECT_EQ(mp.ops[0].body, (json{{"title", "Standup"}, {"record_on_start", true}}));
  EXPECT_EQ(mp.ops[1].kind, OpKind::UpdateMeeting);  // POST cannot set status
  EXPECT_EQ(mp.ops[1].body, (json{{"status", "INACTIVE"}}));
  EXPECT_EQ(mp.ops[2].kind, OpKind::AddParticipant);  // after the meeting exists
  EXPECT_EQ(summary_line(p),
            "Plan: 1 to create, 0 to update, 0 to replace, 0 to deactivate; participants: 1 to "
            "add, 0 to edit, 0 to remove.");
}

TEST(Plan, CreatingOverAnUnboundSameTitleIsAnErrorNamingImport) {
  World w;
  w.want("standup", {{"title", "Standup"}});
  w.observed.summaries.push_back({{"id", kId}, {"title", "Standup"}});
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 1U);
  EXPECT_NE(p.errors[0].find("an unbound meeting titled \"Standup\" already exists (id " + kId),
            std::string::npos);
  EXPECT_NE(p.errors[0].find("`rtksync import standup " + kId + "`"), std::string::npos);
}

TEST(Plan, AnInterruptedCreatesMarkedTitleCountsAsTheSameTitle) {
  World w;
  w.want("standup", {{"title", "Standup"}});
  w.observed.summaries.push_back(
      {{"id", kId}, {"title", "Standup (rtksync create 0123456789abcdef)"}});
  EXPECT_EQ(w.plan().errors.size(), 1U);
}

TEST(Plan, ALeftoverCreateMarkerIsRemovedEvenFromAnUnmanagedTitle) {
  // An apply killed between a create's answer and the PATCH that removes the marker leaves
  // the marker in the title; when the YAML gives no title, nothing else would ever remove it.
  World w;
  w.want("untitled", {{"record_on_start", true}});
  w.have("untitled", {{"title", " (rtksync create 0123456789abcdef)"}, {"record_on_start", true}});
  w.want("named", {{"record_on_start", true}});
  w.have("named", {{"title", "Named (rtksync create fedcba9876543210)"}, {"record_on_start", true}},
         "22222222-2222-4222-8222-222222222222");
  w.want("plain", {{"record_on_start", true}});
  w.have("plain", {{"title", "Plain (not a marker)"}, {"record_on_start", true}},
         "33333333-3333-4333-8333-333333333333");
  auto p = w.plan();
  ASSERT_EQ(p.meetings.size(), 2U);
  for (const auto& mp : p.meetings) {
    ASSERT_EQ(mp.ops.size(), 1U) << mp.key;
    EXPECT_EQ(mp.ops[0].kind, OpKind::UpdateMeeting);
    EXPECT_EQ(mp.ops[0].body, (json{{"title", mp.key == "named" ? "Named" : ""}})) << mp.key;
  }
}

TEST(Plan, AllowDuplicateTitleCreatesWithANote) {
  World w;
  w.want("standup", {{"title", "Standup"}});
  w.desired.meetings["standup"].allow_duplicate_title = true;
  w.observed.summaries.push_back({{"id", kId}, {"title", "Standup"}});
  auto p = w.plan();
  EXPECT_TRUE(p.errors.empty());
  ASSERT_EQ(p.meetings[0].notes.size(), 1U);
  EXPECT_EQ(p.meetings[0].action, MeetingAction::Create);
}

TEST(Plan, ABoundSameTitleIsNoDuplicate) {
  World w;
  w.want("standup", {{"title", "Standup"}});
  w.observed.summaries.push_back({{"id", kId}, {"title", "Standup"}});
  w.state.meetings["other"].id = kId;
  EXPECT_TRUE(w.plan().errors.empty());
}

struct NoChangeCase {
  const char* name;
  json desired;
  json observed;
};

TEST(Plan, SemanticEqualityMeansNoChange) {
  const NoChangeCase cases[] = {
      {"integer vs float",
       {{"session_keep_alive_time_in_secs", 60}},
       {{"session_keep_alive_time_in_secs", 60.0}}},
      {"keywords as a set",
       {{"ai_config", {{"transcription", {{"keywords", {"b", "a"}}}}}}},
       {{"ai_config", {{"transcription", {{"keywords", {"a", "b"}}, {"language", "de"}}}}}}},
      {"unmanaged field differs", {{"title", "t"}}, {{"title", "t"}, {"record_on_start", true}}},
      {"server default for unmanaged", {{"title", "t"}}, {{"title", "t"}, {"persist_chat", false}}},
      {"nested unmanaged sibling",
       {{"recording_config", {{"max_seconds", 60}}}},
       {{"recording_config", {{"max_seconds", 60}, {"file_name_prefix", "x"}}}}},
  };
  for (const auto& c : cases) {
    World w;
    w.want("m", c.desired);
    w.have("m", c.observed);
    auto p = w.plan();
    EXPECT_FALSE(p.has_changes()) << c.name << "\n" << render_text(p, {});
    EXPECT_EQ(summary_line(p), "No changes. Meetings match the configuration.");
  }
}

TEST(Plan, UpdatePatchesOnlyChangedFieldsKeepingSiblings) {
  World w;
  w.want("m", {{"title", "New"},
               {"record_on_start", true},
               {"ai_config", {{"summarization", {{"word_limit", 300}}}}}});
  w.have("m", {{"title", "Old"},
               {"record_on_start", true},
               {"ai_config",
                {{"summarization", {{"word_limit", 150}, {"text_format", "markdown"}}},
                 {"transcription", {{"language", "de"}}}}}});
  auto p = w.plan();
  ASSERT_EQ(p.meetings.size(), 1U);
  const auto& op = p.meetings[0].ops.at(0);
  EXPECT_EQ(p.meetings[0].action, MeetingAction::Update);
  EXPECT_EQ(op.kind, OpKind::UpdateMeeting);
  EXPECT_EQ(op.body, (json{{"title", "New"},
                           {"ai_config",
                            {{"summarization", {{"word_limit", 300}, {"text_format", "markdown"}}},
                             {"transcription", {{"language", "de"}}}}}}));
  ASSERT_EQ(op.changes.size(), 2U);
  EXPECT_EQ(op.changes[0].path, "title");
  EXPECT_EQ(op.changes[0].before, "Old");
  EXPECT_EQ(op.changes[1].path, "ai_config.summarization.word_limit");
}

TEST(Plan, RecordingConfigChangeIsAFullPutThenStatusPatch) {
  World w;
  w.want("m", {{"status", "INACTIVE"}, {"recording_config", {{"max_seconds", 600}}}});
  w.have("m", {{"title", "Keep me"},
               {"persist_chat", true},
               {"recording_config", {{"max_seconds", 60}, {"file_name_prefix", "rec"}}}});
  auto p = w.plan();
  const auto& mp = p.meetings.at(0);
  EXPECT_EQ(mp.action, MeetingAction::Deactivate);  // it leaves service: counted as such
  ASSERT_EQ(mp.ops.size(), 2U);
  EXPECT_EQ(mp.ops[0].kind, OpKind::ReplaceMeeting);
  EXPECT_EQ(mp.ops[0].body,
            (json{{"title", "Keep me"},
                  {"persist_chat", true},
                  {"recording_config", {{"max_seconds", 600}, {"file_name_prefix", "rec"}}}}));
  EXPECT_FALSE(mp.ops[0].body.contains("status"));
  EXPECT_EQ(mp.ops[1].kind, OpKind::UpdateMeeting);
  EXPECT_EQ(mp.ops[1].body, (json{{"status", "INACTIVE"}}));
}

TEST(Plan, PutKeepsEveryReplaceableFieldButNeverServerChosenValues) {
  // A PUT "replaces all the details": transcribe_on_end must be carried over, and the
  // vorbis the server reports with VP8 must not be echoed (no request may send it).
  World w;
  w.want("m", {{"recording_config", {{"max_seconds", 600}}}});
  w.have("m", {{"transcribe_on_end", true},
               {"recording_config",
                {{"max_seconds", 60},
                 {"video_config", {{"codec", "VP8"}}},
                 {"audio_config", {{"codec", "vorbis"}, {"channel", "mono"}}}}}});
  auto p = w.plan();
  const auto& put = p.meetings.at(0).ops.at(0);
  ASSERT_EQ(put.kind, OpKind::ReplaceMeeting);
  EXPECT_EQ(put.body, (json{{"transcribe_on_end", true},
                            {"recording_config",
                             {{"max_seconds", 600},
                              {"video_config", {{"codec", "VP8"}}},
                              {"audio_config", {{"channel", "mono"}}}}}}));
}

TEST(Plan, NullRemovesThroughAPutAndThePlanShowsIt) {
  World w;
  w.want("m",
         {{"title", nullptr},
          {"ai_config", {{"summarization", nullptr}}},
          {"recording_config", {{"storage_config", nullptr}, {"live_streaming_config", nullptr}}}});
  w.have("m",
         {{"title", "Old"},
          {"persist_chat", true},
          {"ai_config",
           {{"summarization", {{"word_limit", 300}}}, {"transcription", {{"language", "de"}}}}},
          {"recording_config",
           {{"max_seconds", 60},
            {"storage_config", {{"type", "aws"}, {"bucket", "b"}}},
            {"live_streaming_config", {{"rtmp_url", "rtmp://x.example.com/live"}}}}}});
  auto p = w.plan();
  EXPECT_TRUE(p.errors.empty()) << p.errors.at(0);  // removing storage erases nothing unasked
  const auto& mp = p.meetings.at(0);
  EXPECT_EQ(mp.action, MeetingAction::Replace);
  ASSERT_EQ(mp.ops.size(), 1U);
  // null where PUT takes it (title, storage_config); elsewhere left out, which PUT reads
  // as removed.
  EXPECT_EQ(mp.ops[0].body,
            (json{{"title", nullptr},
                  {"persist_chat", true},
                  {"ai_config", {{"transcription", {{"language", "de"}}}}},
                  {"recording_config", {{"max_seconds", 60}, {"storage_config", nullptr}}}}));
  std::set<std::string> removed;
  for (const auto& c : mp.ops[0].changes) {
    if (c.after.is_null()) removed.insert(c.path);
  }
  EXPECT_EQ(removed, (std::set<std::string>{"title", "ai_config.summarization",
                                            "recording_config.storage_config",
                                            "recording_config.live_streaming_config"}));
  std::string text = render_text(p, {});
  EXPECT_NE(text.find("recording_config.live_streaming_config: "
                      "{\"rtmp_url\":\"rtmp://x.example.com/live\"} → (removed)"),
            std::string::npos)
      << text;
}

TEST(Plan, NullOfWhatIsAlreadyAbsentOrDefaultIsNoChange) {
  World w;
  w.want("m", {{"title", nullptr}, {"record_on_start", nullptr}, {"ai_config", nullptr}});
  w.have("m", {{"record_on_start", false}});
  EXPECT_FALSE(w.plan().has_changes());
}

TEST(Plan, NullClearsAParticipantFieldByPatch) {
  World w;
  auto& m = w.want("m", json::object());
  m.participants_managed = true;
  m.participants["a"] = person("a", {{"name", nullptr}});
  w.have("m", json::object());
  auto observed = observed_person("a");
  observed["name"] = "Alice";
  w.observed.participants[kId] = {observed};
  auto p = w.plan();
  const auto& op = p.meetings.at(0).ops.at(0);
  EXPECT_EQ(op.kind, OpKind::EditParticipant);
  EXPECT_EQ(op.body, (json{{"name", nullptr}}));
}

TEST(Plan, PutThatWouldEraseCredentialsIsAnError) {
  World w;
  w.want("m", {{"recording_config", {{"max_seconds", 600}}}});
  w.have("m", {{"recording_config",
                {{"max_seconds", 60}, {"storage_config", {{"type", "aws"}, {"bucket", "b"}}}}}});
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 1U);
  EXPECT_NE(p.errors[0].find("would erase the stored storage credentials (access_key, secret)"),
            std::string::npos);
  for (const auto& mp : p.meetings) {
    for (const auto& op : mp.ops) EXPECT_NE(op.kind, OpKind::ReplaceMeeting);  // never the PUT
  }
}

TEST(Plan, AnErroredMeetingKeepsItsOtherChangesInThePlan) {
  World w;
  auto& m = w.want("m", {{"recording_config", {{"max_seconds", 600}}}});
  m.participants_managed = true;
  m.participants["alice"] = person("alice");
  w.have("m", {{"recording_config",
                {{"max_seconds", 60}, {"storage_config", {{"type", "aws"}, {"bucket", "b"}}}}}});
  w.observed.participants[kId] = {};
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 1U);
  ASSERT_EQ(p.meetings.size(), 1U);
  bool adds_alice = false;
  for (const auto& op : p.meetings[0].ops) adds_alice |= op.kind == OpKind::AddParticipant;
  EXPECT_TRUE(adds_alice);
  EXPECT_EQ(p.counts.add, 1);
  EXPECT_NE(render_markdown(p, {}).find("+ participant alice"), std::string::npos)
      << render_markdown(p, {});
}

// A plan of n new meetings, each with a few participants: a big pull request.
Plan big_plan(int n) {
  World w;
  for (int i = 0; i < n; ++i) {
    auto& m = w.want("meeting-" + std::to_string(i), {{"title", "Meeting " + std::to_string(i)}});
    m.participants_managed = true;
    for (const char* who : {"alice", "bob", "carol"}) m.participants[who] = person(who);
  }
  return w.plan();
}

TEST(Render, MarkdownStaysUnderTheCommentLimitAndKeepsSummaryAndErrors) {
  Plan p = big_plan(600);
  p.errors.emplace_back("an error the reader must see");
  const RenderContext ctx{.target = "acc/app"};
  const std::string md = render_markdown(p, ctx);
  EXPECT_LE(md.size(), kMarkdownLimit);
  EXPECT_EQ(md.rfind("<!-- rtksync plan: acc/app -->\n", 0), 0U);
  EXPECT_NE(md.find(summary_line(p)), std::string::npos);
  EXPECT_NE(md.find("an error the reader must see"), std::string::npos);
  EXPECT_NE(md.find("more meetings with changes not shown"), std::string::npos);
  EXPECT_NE(md.find("`meeting-0`"), std::string::npos);  // the first ones are shown whole
  EXPECT_NE(md.find("<sub>"), std::string::npos);        // the footer too

  const std::string small = render_markdown(big_plan(3), ctx);
  EXPECT_EQ(small.find("not shown"), std::string::npos);
  EXPECT_NE(small.find("`meeting-2`"), std::string::npos);
}

// Issue 12: a plan whose apply the request budget slows says how long it must take, by the
// sliding window's arithmetic: 1,200 calls go at once, each further 1,200 a window later.
TEST(Render, APlanOverTheBudgetSaysTheLeastTimeItsApplyTakes) {
  const Plan p = big_plan(600);  // 600 creates (POST and marker PATCH) and 1,800 adds
  RenderContext ctx{.api_calls = 601, .rate_budget = 1200, .rate_window_s = 300};
  const auto e = estimate_apply(p, ctx);
  EXPECT_EQ(e.calls, 601 + 600 * 2 + 1800);  // 3,601: the reads again, then every request
  EXPECT_EQ(e.budget_seconds, 3 * 300);      // calls 1..1200 now, then 3 windows later
  const std::string line =
      "Applying this plan makes about 3601 API calls; the request budget (1200 per 5 min, "
      "--rate-limit) makes that take at least 15 min.";
  EXPECT_NE(render_text(p, ctx).find(line), std::string::npos) << render_text(p, ctx);
  EXPECT_NE(render_markdown(p, ctx).find(line), std::string::npos);
  EXPECT_EQ(render_json(p, ctx)["apply_estimate"],
            (json{{"calls", 3601}, {"budget_seconds", 900}}));

  ctx.rate_budget = 3601;  // within one budget: nothing to say
  EXPECT_EQ(estimate_apply(p, ctx).budget_seconds, 0);
  EXPECT_EQ(render_text(p, ctx).find("request budget"), std::string::npos);
  EXPECT_EQ(estimate_apply(big_plan(0), {.api_calls = 5000, .rate_budget = 10}).budget_seconds,
            0);  // no changes: no apply to estimate
}

TEST(Plan, PutThatWouldEraseSftpCredentialsNamesThem) {
  World w;
  w.want("m", {{"recording_config", {{"max_seconds", 600}}}});
  w.have("m", {{"recording_config",
                {{"max_seconds", 60},
                 {"storage_config", {{"type", "sftp"}, {"host", "h"}, {"username", "u"}}}}}});
  w.state.meetings["m"].digests["recording_config.storage_config.password"] = "d1";
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 1U);
  EXPECT_NE(p.errors[0].find("stored storage credentials (password)"), std::string::npos)
      << p.errors[0];
}

TEST(Plan, AnSftpGuardNeverAsksForAwsCredentials) {
  World w;
  w.want("m", {{"recording_config",
                {{"max_seconds", 600},
                 {"storage_config",
                  {{"type", "sftp"}, {"host", "h"}, {"username", "u"}, {"password", "pw"}}}}}});
  w.desired.meetings["m"].references["recording_config.storage_config.password"] = "${env:PW}";
  w.have("m", {{"recording_config",
                {{"max_seconds", 60},
                 {"storage_config", {{"type", "sftp"}, {"host", "h"}, {"username", "u"}}}}}});
  auto p = w.plan();
  EXPECT_TRUE(p.errors.empty()) << p.errors.front();
  ASSERT_EQ(p.meetings.size(), 1U);
  EXPECT_EQ(p.meetings[0].action, MeetingAction::Replace);
}

TEST(Plan, AGcsGuardDoesNotAskForAnAccessKey) {
  World w;
  w.want("m", {{"recording_config", {{"max_seconds", 600}}}});
  w.have("m", {{"recording_config",
                {{"max_seconds", 60}, {"storage_config", {{"type", "gcs"}, {"bucket", "b"}}}}}});
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 1U);
  EXPECT_NE(p.errors[0].find("credentials (secret)"), std::string::npos) << p.errors[0];
}

TEST(Plan, UndeliveredTokensAreRotatedAndSaySo) {
  World w;
  auto& m = w.want("m", {{"title", "M"}});
  m.participants_managed = true;
  m.participants["alice"].fields = {{"custom_participant_id", "alice"}, {"preset_name", "host"}};
  w.have("m", {{"title", "M"}});
  w.observed.participants[kId] = {
      {{"id", "p1"}, {"custom_participant_id", "alice"}, {"preset_name", "host"}}};
  w.state.meetings["m"].undelivered_tokens.insert("alice");
  auto p = w.plan();
  ASSERT_EQ(p.meetings.size(), 1U);
  ASSERT_EQ(p.meetings[0].ops.size(), 1U);
  EXPECT_EQ(p.meetings[0].ops[0].kind, OpKind::RotateToken);
  EXPECT_TRUE(p.meetings[0].ops[0].redeliver);
  EXPECT_NE(render_text(p, {}).find("its last token was never delivered"), std::string::npos);
}

TEST(Plan, WriteOnlyValuesCompareByDigest) {
  const std::string ak = "recording_config.storage_config.access_key";
  const std::string sk = "recording_config.storage_config.secret";
  World w;
  auto& m = w.want(
      "m", {{"recording_config",
             {{"storage_config", {{"type", "aws"}, {"access_key", "AK1"}, {"secret", "S1"}}}}}});
  m.references[ak] = "${env:AK}";
  m.references[sk] = "${env:SK}";
  w.have("m", {{"recording_config", {{"storage_config", {{"type", "aws"}}}}}});
  w.state.meetings["m"].digests[ak] = model::secret_digest("salt", ak, "AK1");
  w.state.meetings["m"].digests[sk] = model::secret_digest("salt", sk, "S1");
  EXPECT_FALSE(w.plan().has_changes());

  w.desired.meetings["m"].fields["recording_config"]["storage_config"]["secret"] = "S2";  // rotated
  auto p = w.plan();
  ASSERT_EQ(p.meetings.size(), 1U);
  EXPECT_EQ(p.meetings[0].action, MeetingAction::Replace);
  const auto& body = p.meetings[0].ops[0].body;
  EXPECT_EQ(body["recording_config"]["storage_config"]["secret"], "${env:SK}");  // reference only
  EXPECT_EQ(body["recording_config"]["storage_config"]["access_key"], "${env:AK}");
  ASSERT_EQ(p.meetings[0].ops[0].changes.size(), 1U);
  EXPECT_TRUE(p.meetings[0].ops[0].changes[0].sensitive);
}

TEST(Plan, SecretsAreMaskedInEveryFormat) {
  World w;
  auto& m = w.want("m", {{"recording_config",
                          {{"storage_config",
                            {{"type", "sftp"},
                             {"password", "hunter2"},
                             {"secret", "S3CR3T"},
                             {"access_key", "AKIA"}}}}}});
  m.references["recording_config.storage_config.secret"] = "${env:SK}";
  m.references["recording_config.storage_config.access_key"] = "${env:AK}";
  m.references["recording_config.storage_config.password"] = "${env:PW}";
  auto p = w.plan();
  std::string text = render_text(p, {}) + render_markdown(p, {}) + render_json(p, {}).dump();
  SavedPlan saved{p, "acc", "app", "digest", "0.1.0", "now"};
  auto file = to_plan_file(saved);
  ASSERT_TRUE(file.ok()) << file.error().message;
  text += file->dump();
  for (const char* secret : {"hunter2", "S3CR3T", "AKIA"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(text.find("${env:PW}"), std::string::npos);  // shown by reference
}

// Every face of a plan: the three renderers and the plan file.
std::string all_faces(const Plan& p) {
  auto file = to_plan_file(SavedPlan{p, "acc", "app", "digest", "0.1.0", "now"});
  return render_text(p, {}) + render_markdown(p, {}) + render_json(p, {}).dump() +
         (file.ok() ? file->dump() : file.error().message);
}

TEST(Plan, ReferencedValuesAreSecretsWhereverTheyLand) {
  const std::string prefix = "recording_config.file_name_prefix";
  World w;
  auto& m =
      w.want("m", {{"title", "T-VALUE"}, {"recording_config", {{"file_name_prefix", "P-V"}}}});
  m.references["title"] = "${env:T}";
  m.references[prefix] = "rec-${file:p.txt}";
  m.participants_managed = true;
  auto alice = person("alice", {{"name", "N-VALUE"}});
  alice.references["name"] = "${env:N}";
  m.participants["alice"] = alice;

  auto created = w.plan();  // a create: bodies and changes carry the references
  const auto& create = created.meetings.at(0).ops.at(0);
  EXPECT_EQ(create.body["title"], "${env:T}");
  EXPECT_EQ(create.body["recording_config"]["file_name_prefix"], "rec-${file:p.txt}");
  EXPECT_EQ(created.meetings[0].ops.at(1).body["name"], "${env:N}");
  EXPECT_EQ(created.meetings[0].title, "${env:T}");
  std::string faces = all_faces(created);
  for (const char* v : {"T-VALUE", "P-V", "N-VALUE"}) EXPECT_EQ(faces.find(v), std::string::npos);
  EXPECT_NE(faces.find("title: ${env:T}"), std::string::npos) << faces;
  EXPECT_EQ(created.referenced.at("m"), (std::set<std::string>{"title", prefix}));

  // Bound, with the state's cache lacking the referenced values: compared by digest.
  w.have("m", {{"recording_config", json::object()}});
  w.observed.participants[kId] = {observed_person("alice")};
  w.observed.participants[kId][0]["name"] = "N-VALUE";
  auto& st = w.state.meetings["m"];
  st.digests["title"] = model::secret_digest("salt", "title", "T-VALUE");
  st.digests[prefix] = model::secret_digest("salt", prefix, "P-V");
  EXPECT_FALSE(w.plan().has_changes()) << render_text(w.plan(), {});
  st.digests["title"] = model::secret_digest("salt", "title", "OLD-VALUE");
  auto rotated = w.plan();
  ASSERT_EQ(rotated.meetings.size(), 1U);
  ASSERT_EQ(rotated.meetings[0].ops.at(0).changes.size(), 1U);
  EXPECT_EQ(rotated.meetings[0].ops[0].changes[0].path, "title");

  // Freshly read (a GET): compared by value, shown by reference.
  w.observed.meetings[kId]["title"] = "OTHER-VALUE";
  w.observed.meetings[kId]["recording_config"]["file_name_prefix"] = "P-V";
  w.observed.participants[kId][0]["name"] = "OLD-NAME";
  auto drift = w.plan();
  ASSERT_EQ(drift.meetings.size(), 1U);
  const auto& update = drift.meetings[0].ops.at(0);
  EXPECT_EQ(update.kind, OpKind::UpdateMeeting);
  EXPECT_EQ(update.body, (json{{"title", "${env:T}"}}));
  ASSERT_EQ(update.changes.size(), 1U);
  EXPECT_EQ(update.changes[0].before, "(sensitive)");
  EXPECT_EQ(update.changes[0].after, "${env:T}");
  EXPECT_EQ(drift.meetings[0].ops.at(1).body, (json{{"name", "${env:N}"}}));
  faces = all_faces(drift);
  for (const char* v : {"T-VALUE", "OTHER-VALUE", "P-V", "N-VALUE", "OLD-NAME"})
    EXPECT_EQ(faces.find(v), std::string::npos) << v << "\n" << faces;
  EXPECT_NE(faces.find("~ title: (sensitive) → ${env:T}"), std::string::npos) << faces;
  w.observed.meetings[kId]["title"] = "T-VALUE";
  w.observed.participants[kId][0]["name"] = "N-VALUE";
  EXPECT_FALSE(w.plan().has_changes());
}

TEST(Plan, PlanFileRefusesLiteralSecrets) {
  World w;
  w.want("m",
         {{"recording_config", {{"storage_config", {{"type", "sftp"}, {"password", "hunter2"}}}}}});
  auto file = to_plan_file(SavedPlan{w.plan(), "a", "b", "c", "d", "e"});
  ASSERT_FALSE(file.ok());
  EXPECT_NE(
      file.error().message.find("recording_config.storage_config.password is a literal secret"),
      std::string::npos);
}

TEST(Plan, RemovedFromYamlIsDeactivatedNeverDeleted) {
  World w;
  w.want("keep", {{"title", "k"}});
  w.have("keep", {{"title", "k"}}, "22222222-2222-4222-8222-222222222222");
  w.have("gone", {{"title", "g"}});
  auto p = w.plan();
  ASSERT_EQ(p.meetings.size(), 1U);
  EXPECT_EQ(p.meetings[0].key, "gone");
  EXPECT_EQ(p.meetings[0].action, MeetingAction::Deactivate);
  EXPECT_EQ(p.meetings[0].ops[0].kind, OpKind::DeactivateMeeting);
  EXPECT_EQ(http_method(p.meetings[0].ops[0].kind), "PATCH");
  EXPECT_EQ(p.meetings[0].ops[0].body, (json{{"status", "INACTIVE"}}));

  w.observed.summaries.back()["status"] = "INACTIVE";  // already inactive: nothing to do
  EXPECT_FALSE(w.plan().has_changes());
}

TEST(Plan, ProtectedMeetingIsNeverDeactivated) {
  World w;
  w.want("keep", {{"title", "k"}});
  w.have("keep", {{"title", "k"}}, "22222222-2222-4222-8222-222222222222");
  w.have("vip", {{"title", "v"}});
  w.state.meetings["vip"].protect = true;  // remembered although its YAML block is gone
  auto p = w.plan();
  EXPECT_FALSE(p.has_changes());
  ASSERT_EQ(p.warnings.size(), 1U);
  EXPECT_NE(p.warnings[0].find("is protected"), std::string::npos);
}

TEST(Plan, DeactivationSafetyLimit) {
  World w;
  w.want("keep", {{"title", "k"}});
  w.have("keep", {{"title", "k"}}, "22222222-2222-4222-8222-222222222220");
  for (int i = 0; i < 4; ++i) {
    w.have("gone" + std::to_string(i), {{"title", "g"}},
           "22222222-2222-4222-8222-22222222222" + std::to_string(i + 1));
  }
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 1U);
  EXPECT_NE(p.errors[0].find("deactivates 4 meetings"), std::string::npos);
  EXPECT_NE(p.errors[0].find("--allow-removals"), std::string::npos);
  w.project.limits.max_deactivations = 4;
  EXPECT_TRUE(w.plan().errors.empty());
  w.project.limits.max_deactivations = 3;
  w.allow_removals = true;
  EXPECT_TRUE(w.plan().errors.empty());
  EXPECT_EQ(w.plan().counts.deactivate, 4);
}

TEST(Plan, ExplicitInactiveIsADeactivation) {
  World w;
  w.want("m", {{"title", "t"}, {"status", "INACTIVE"}});
  w.have("m", {{"title", "old"}});
  auto p = w.plan();
  ASSERT_EQ(p.meetings.size(), 1U);
  EXPECT_EQ(p.meetings[0].action, MeetingAction::Deactivate);
  EXPECT_EQ(p.counts.deactivate, 1);
  EXPECT_EQ(p.counts.update, 0);
  ASSERT_EQ(p.meetings[0].ops.size(), 1U);  // one PATCH: title and status together
  EXPECT_EQ(p.meetings[0].ops[0].body, (json{{"title", "t"}, {"status", "INACTIVE"}}));
  EXPECT_NE(summary_line(p).find("1 to deactivate"), std::string::npos) << summary_line(p);
  EXPECT_NE(render_text(p, {}).find("- meeting m (deactivate"), std::string::npos);
  EXPECT_EQ(render_json(p, {})["meetings"][0]["action"], "deactivate");

  w.observed.meetings[kId]["status"] = "INACTIVE";  // already out of service: an update
  EXPECT_EQ(w.plan().meetings[0].action, MeetingAction::Update);
}

TEST(Plan, CreatingAnInactiveMeetingIsNotADeactivation) {
  World w;
  w.want("m", {{"title", "t"}, {"status", "INACTIVE"}});
  EXPECT_EQ(w.plan().counts.deactivate, 0);
  EXPECT_EQ(w.plan().counts.create, 1);
}

TEST(Plan, DeactivationsByStatusCountUnderTheLimit) {
  World w;  // as `defaults: {status: INACTIVE}` in the project file would make it
  for (int i = 0; i < 4; ++i) {
    std::string key = "m" + std::to_string(i);
    w.want(key, {{"title", key}, {"status", "INACTIVE"}});
    w.have(key, {{"title", key}}, "22222222-2222-4222-8222-22222222222" + std::to_string(i));
  }
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 1U);
  EXPECT_NE(p.errors[0].find("deactivates 4 meetings (m0, m1, m2, m3)"), std::string::npos)
      << p.errors[0];
  EXPECT_EQ(p.counts.deactivate, 4);
  w.allow_removals = true;
  EXPECT_TRUE(w.plan().errors.empty());
}

TEST(Plan, ProtectBlocksExplicitDeactivationAndParticipantRemoval) {
  World w;
  auto& m = w.want("vip", {{"title", "v"}, {"status", "INACTIVE"}});
  m.protect = true;
  m.participants_managed = true;
  m.participants["a"] = person("a");
  w.have("vip", {{"title", "v"}});
  w.observed.participants[kId] = {observed_person("a"), observed_person("b")};
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 2U);
  std::string all = p.errors[0] + "\n" + p.errors[1];
  EXPECT_NE(all.find("meeting vip is protected and the plan deactivates it"), std::string::npos)
      << all;
  EXPECT_NE(all.find("meeting vip is protected and the plan removes 1 participant (b)"),
            std::string::npos)
      << all;
  w.allow_removals = true;
  EXPECT_TRUE(w.plan().errors.empty());
}

TEST(Plan, MassUpdateThreshold) {
  World w;
  for (int i = 0; i < 10; ++i) {
    std::string key = "m" + std::to_string(i);
    w.want(key, {{"title", key}, {"persist_chat", i < 6}});  // 6 of 10 change
    w.have(key, {{"title", key}, {"persist_chat", false}},
           "22222222-2222-4222-8222-2222222222" + std::to_string(10 + i));
  }
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 1U);
  EXPECT_NE(p.errors[0].find("updates 6 of 10 meetings, over the safety limit (30% and more "
                             "than 5)"),
            std::string::npos)
      << p.errors[0];
  EXPECT_NE(p.errors[0].find("--allow-updates"), std::string::npos);
  w.allow_updates = true;
  EXPECT_TRUE(w.plan().errors.empty());
  w.allow_updates = false;
  w.project.limits.max_update_percent = 60;  // 60% is not over 60%
  EXPECT_TRUE(w.plan().errors.empty());
  w.project.limits.max_update_percent = 30;
  w.project.limits.min_updates = 6;  // 6 is not more than 6
  EXPECT_TRUE(w.plan().errors.empty());
}

TEST(Plan, EmptyConfigurationIsRefusedOutright) {
  World w;
  w.have("a", {{"title", "a"}});
  w.allow_removals = true;
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 1U);
  EXPECT_NE(p.errors[0].find("declares no meetings"), std::string::npos);
  EXPECT_FALSE(p.has_changes());
}

TEST(Plan, BoundMeetingMissingOnServerIsAnErrorWithTheFix) {
  World w;
  w.want("m", {{"title", "t"}});
  w.state.meetings["m"].id = kId;
  w.observed.missing.insert(kId);
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 1U);
  EXPECT_NE(p.errors[0].find("meeting m is bound to id " + kId), std::string::npos);
  EXPECT_NE(p.errors[0].find("rtksync state rm m"), std::string::npos);
}

TEST(Plan, ParticipantsAddEditRemoveAndRotate) {
  World w;
  auto& m = w.want("m", {{"title", "t"}});
  m.participants_managed = true;
  m.participants["new"] = person("new");
  m.participants["same"] = person("same", {{"name", "Same"}});
  m.participants["renamed"] = person("renamed", {{"name", "After"}, {"preset_name", "viewer"}});
  auto rot = person("rot");
  rot.token_rotation = 2;
  m.participants["rot"] = rot;
  w.have("m", {{"title", "t"}});
  w.state.meetings["m"].token_rotations["rot"] = 1;
  auto same = observed_person("same");
  same["name"] = "Same";
  auto renamed = observed_person("renamed");
  renamed["name"] = "Before";
  w.observed.participants[kId] = {same, renamed, observed_person("rot"), observed_person("old")};
  auto p = w.plan();
  ASSERT_EQ(p.meetings.size(), 1U);
  EXPECT_EQ(p.meetings[0].action, MeetingAction::None);
  std::vector<std::pair<OpKind, std::string>> ops;
  for (const auto& op : p.meetings[0].ops) ops.emplace_back(op.kind, op.participant);
  EXPECT_EQ(ops, (std::vector<std::pair<OpKind, std::string>>{{OpKind::AddParticipant, "new"},
                                                              {OpKind::EditParticipant, "renamed"},
                                                              {OpKind::RotateToken, "rot"},
                                                              {OpKind::RemoveParticipant, "old"}}));
  const auto& edit = p.meetings[0].ops[1];
  EXPECT_EQ(edit.body, (json{{"name", "After"}, {"preset_name", "viewer"}}));
  EXPECT_EQ(edit.participant_id, "pid-renamed");
  EXPECT_EQ(p.meetings[0].ops[3].participant_id, "pid-old");
  EXPECT_EQ(p.counts.add, 1);
  EXPECT_EQ(p.counts.edit, 1);
  EXPECT_EQ(p.counts.remove, 1);
  EXPECT_EQ(p.counts.rotate, 1);
  EXPECT_EQ(p.fingerprints.at("m").participants_digest,
            participants_digest(w.observed.participants[kId]));
}

TEST(Plan, ParticipantRemovalSafetyLimit) {
  World w;
  auto& m = w.want("m", {{"title", "t"}});
  m.participants_managed = true;
  w.have("m", {{"title", "t"}});
  std::vector<json> people;
  for (int i = 0; i < 20; ++i) {
    people.push_back(observed_person("p" + std::to_string(i)));
    if (i >= 6) m.participants["p" + std::to_string(i)] = person("p" + std::to_string(i));
  }
  w.observed.participants[kId] = people;  // 6 of 20 removed: 30% and more than 5
  auto p = w.plan();
  ASSERT_EQ(p.errors.size(), 1U);
  EXPECT_NE(p.errors[0].find("removes 6 of 20 participants"), std::string::npos);
  m.participants["p0"] = person("p0");  // 5 removed: not more than 5
  EXPECT_TRUE(w.plan().errors.empty());
}

TEST(Plan, UnmanagedParticipantListIsLeftAlone) {
  World w;
  w.want("m", {{"title", "t"}});  // no participants key
  w.have("m", {{"title", "t"}});
  w.observed.participants[kId] = {observed_person("x")};
  EXPECT_FALSE(w.plan().has_changes());
}

TEST(Plan, OutputIsDeterministic) {
  World w;
  for (const char* k : {"b", "a", "c"}) w.want(k, {{"title", k}, {"persist_chat", true}});
  auto one = w.plan();
  auto two = w.plan();
  EXPECT_EQ(render_text(one, {}), render_text(two, {}));
  EXPECT_EQ(render_json(one, {}).dump(), render_json(two, {}).dump());
  EXPECT_EQ(one.meetings[0].key, "a");
  EXPECT_EQ(one.meetings[2].key, "c");
}

TEST(Plan, SavedPlanRoundTrips) {
  World w;
  auto& m = w.want("m", {{"title", "t"}});
  m.participants_managed = true;
  m.participants["a"] = person("a");
  SavedPlan saved{w.plan(), "acc", "app", "cd", "0.1.0", "2026-01-01T00:00:00Z"};
  auto file = to_plan_file(saved);
  ASSERT_TRUE(file.ok());
  auto back = from_plan_file(*file);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(to_plan_file(*back)->dump(), file->dump());
}

}  // namespace
}  // namespace rtk::plan

namespace rtk::plan {
namespace {

TEST(EnumTraits, EveryKindAndActionReadsBackAndUnknownNamesAreRefused) {
  for (auto k : {OpKind::CreateMeeting, OpKind::UpdateMeeting, OpKind::ReplaceMeeting,
                 OpKind::DeactivateMeeting, OpKind::AddParticipant, OpKind::EditParticipant,
                 OpKind::RemoveParticipant, OpKind::RotateToken}) {
    EXPECT_EQ(parse_op_kind(to_string(k)), k) << to_string(k);
    EXPECT_EQ(traits(k).value, k);
  }
  for (auto a : {MeetingAction::None, MeetingAction::Create, MeetingAction::Update,
                 MeetingAction::Replace, MeetingAction::Deactivate}) {
    EXPECT_EQ(parse_meeting_action(to_string(a)), a) << to_string(a);
  }
  EXPECT_FALSE(parse_op_kind("explode_meeting"));
  EXPECT_FALSE(parse_meeting_action("explode"));
  auto file = to_plan_file(SavedPlan{});
  ASSERT_TRUE(file.ok());
  json bad = *file;
  bad["meetings"] = json::array(
      {{{"key", "m"}, {"id", ""}, {"action", "explode"}, {"operations", json::array()}}});
  auto parsed = from_plan_file(bad);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("unknown action explode"), std::string::npos);
}

}  // namespace
}  // namespace rtk::plan

namespace rtk::plan {
namespace {

TEST(Lifecycle, IgnoreChangesLeavesAFieldToAnotherSystem) {
  World w;
  auto& m = w.want("m", {{"title", "Ours"},
                         {"record_on_start", true},
                         {"ai_config", {{"transcription", {{"language", "de"}}}}}});
  m.ignore_changes = {"title", "ai_config"};
  w.have("m", {{"title", "Theirs"},
               {"record_on_start", false},
               {"ai_config", {{"transcription", {{"language", "fr"}}}}}});
  auto p = w.plan();
  ASSERT_EQ(p.meetings.size(), 1U);
  ASSERT_EQ(p.meetings[0].ops.size(), 1U);
  const auto& op = p.meetings[0].ops[0];
  EXPECT_EQ(op.body, (json{{"record_on_start", true}}));
  ASSERT_EQ(op.changes.size(), 1U);
  EXPECT_EQ(op.changes[0].path, "record_on_start");

  World fresh;  // a create still sets the ignored fields
  fresh.want("m", {{"title", "Ours"}}).ignore_changes = {"title"};
  auto created = fresh.plan();
  EXPECT_EQ(created.meetings.at(0).ops.at(0).body["title"], "Ours");
}

TEST(Lifecycle, AdditiveParticipantsAreNeverRemoved) {
  World w;
  auto& m = w.want("m", {{"title", "T"}});
  m.participants_managed = true;
  m.participants_additive = true;
  m.participants["alice"] = person("alice");
  w.have("m", {{"title", "T"}});
  w.observed.participants[kId] = {observed_person("alice"), observed_person("stranger")};
  auto p = w.plan();
  for (const auto& mp : p.meetings) {
    for (const auto& op : mp.ops) EXPECT_NE(op.kind, OpKind::RemoveParticipant);
  }
  m.participants_additive = false;
  auto authoritative = w.plan();
  ASSERT_EQ(authoritative.meetings.size(), 1U);
  EXPECT_EQ(authoritative.counts.remove, 1);
}

TEST(Lifecycle, TargetsPlanOnlyTheirKeysAndUnknownTargetsAreErrors) {
  World w;
  w.want("a", {{"title", "A"}});
  w.want("b", {{"title", "B"}});
  auto p = w.plan();
  EXPECT_EQ(p.counts.create, 2);
  w.overrides_targets = {"b"};
  auto only_b = w.plan();
  ASSERT_EQ(only_b.meetings.size(), 1U);
  EXPECT_EQ(only_b.meetings[0].key, "b");
  w.overrides_targets = {"nope"};
  auto unknown = w.plan();
  ASSERT_EQ(unknown.errors.size(), 1U);
  EXPECT_NE(unknown.errors[0].find("--target nope"), std::string::npos);
}

TEST(Lifecycle, MeetingsNobodyManagesAreReported) {
  World w;
  w.want("m", {{"title", "Mine"}});
  w.have("m", {{"title", "Mine"}});
  w.observed.summaries.push_back({{"id", "other-1"}, {"title", "Stray"}, {"status", "ACTIVE"}});
  auto p = w.plan();
  ASSERT_EQ(p.unmanaged.size(), 1U);
  EXPECT_EQ(p.unmanaged[0]["id"], "other-1");
  EXPECT_NE(render_text(p, {}).find("1 meeting on the server is not managed"), std::string::npos);
  EXPECT_EQ(render_json(p, {})["unmanaged"][0]["title"], "Stray");
}

}  // namespace
}  // namespace rtk::plan
