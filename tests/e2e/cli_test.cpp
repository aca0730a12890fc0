// The rtksync binary end to end against the emulator: plan, apply, drift, call counts, every
// change kind converging, stale plans, the lock, secrets, import and export.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>

#include "state/lock.hpp"
#include "support/repo.hpp"
#include "support/text.hpp"

namespace rtk::testing {
namespace {

using nlohmann::json;

const char* kTwoMeetings = R"(meetings:
  standup:
    title: Standup
    record_on_start: true
    participants:
      - { custom_participant_id: alice, name: Alice, preset_name: host }
      - { custom_participant_id: bob, name: Bob, preset_name: guest }
  review:
    title: Review
    participants: []
)";

TEST(Cli, ValidateExamplesAndInvalid) {
  auto ok = run_command(
      {RTKSYNC_BIN, "validate", "-c", std::string(RTKSYNC_SOURCE_DIR) + "/examples/rtksync.yaml"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_TRUE(contains(ok.out, "4 meetings, 12 participants: OK"));
  auto bad = run_command({RTKSYNC_BIN, "validate", "-c",
                          std::string(RTKSYNC_SOURCE_DIR) + "/examples/invalid/rtksync.yaml"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(contains(bad.out, "18 errors, 4 warnings")) << bad.out;
  auto as_json = run_command({RTKSYNC_BIN, "validate", "--format", "json", "-c",
                              std::string(RTKSYNC_SOURCE_DIR) + "/examples/invalid/rtksync.yaml"});
  auto diags = json::parse(as_json.out);
  EXPECT_EQ(diags.size(), 22U);
  EXPECT_EQ(diags[0]["severity"], "warning");
  EXPECT_TRUE(diags[0].contains("line"));
}

TEST(Cli, FreshRepoPlansCreatesThenConverges) {
  Repo repo;
  repo.meetings(kTwoMeetings);
  auto plan = repo.run({"plan", "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 2) << plan.err;
  EXPECT_TRUE(contains(plan.out,
                       "Plan: 2 to create, 0 to update, 0 to replace, 0 to deactivate; "
                       "participants: 2 to add, 0 to edit, 0 to remove."))
      << plan.out;
  EXPECT_EQ(repo.all_meetings().size(), 0U);  // plan changed nothing
  auto apply = repo.apply();
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_TRUE(contains(apply.out, "Apply complete: 4 done, 0 unrecorded, 0 failed, 0 skipped."));
  auto again = repo.run({"plan", "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_TRUE(contains(again.out, "No changes. Meetings match the configuration."));
}

TEST(Cli, ExamplesApplyFromEmptyThenPlanIsEmpty) {
  Repo repo;
  repo.copy_examples();
  ASSERT_EQ(repo.apply().exit_code, 0);
  auto plan = repo.run({"plan", "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_EQ(repo.state()["meetings"]["incident-bridge"]["protect"], true);
}

TEST(Cli, DriftMadeByHandShowsTheExactField) {
  Repo repo;
  repo.meetings(kTwoMeetings);
  ASSERT_EQ(repo.apply().exit_code, 0);
  repo.api("PATCH", "/meetings/" + repo.id_of("standup"),
           {{"title", "Hacked"}, {"persist_chat", true}});
  auto plan = repo.run({"plan", "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 2);
  EXPECT_TRUE(contains(plan.out, "~ title: \"Hacked\" → \"Standup\"")) << plan.out;
  EXPECT_FALSE(contains(plan.out, "persist_chat"));  // unmanaged: not compared
  auto j = json::parse(repo.run({"plan", "--format", "json"}).out);
  EXPECT_EQ(j["meetings"][0]["operations"][0]["changes"][0]["path"], "title");
  EXPECT_EQ(j["summary"]["meetings"]["update"], 1);
}

TEST(Cli, NoOpPlanMakesTheMinimumCalls) {
  Repo repo({"--max-per-page", "2"});
  std::string yaml = "meetings:\n";
  const int managed = 5;
  for (int i = 0; i < managed; ++i) {
    yaml += "  m" + std::to_string(i) + ":\n    title: M" + std::to_string(i) +
            "\n    participants:\n      - { custom_participant_id: p, preset_name: host }\n";
  }
  repo.meetings(yaml);
  ASSERT_EQ(repo.apply().exit_code, 0);
  for (int i = 0; i < 4; ++i)
    repo.api("POST", "/meetings", {{"title", "unmanaged " + std::to_string(i)}});
  auto count = [&](const json& stats, const std::string& route) {
    return stats["routes"].contains(route) ? stats["routes"][route]["count"].get<int>() : 0;
  };
  auto before = repo.stats();
  auto plan = repo.run({"plan", "--detailed-exitcode"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out;
  auto after = repo.stats();
  auto delta = [&](const std::string& route) { return count(after, route) - count(before, route); };
  const int total = managed + 4;
  EXPECT_EQ(delta("GET /meetings"), (total + 1) / 2);  // ceil(9 / 2) list pages
  EXPECT_EQ(delta("GET /meetings/{meeting_id}/participants"), managed);
  EXPECT_EQ(delta("GET /meetings/{meeting_id}"), 0);  // no GETs: updated_at unchanged
  EXPECT_EQ(after["total"].get<int>() - before["total"].get<int>(), (total + 1) / 2 + managed);
  EXPECT_TRUE(
      contains(plan.out, std::to_string((total + 1) / 2 + managed) + " API calls (0 retries)."));
}

TEST(Cli, PlanRefreshFullGetsEveryBoundMeeting) {
  Repo repo;
  repo.meetings(kTwoMeetings);
  ASSERT_EQ(repo.apply().exit_code, 0);
  auto gets = [&] {
    auto routes = repo.stats()["routes"];
    return routes.contains("GET /meetings/{meeting_id}")
               ? routes["GET /meetings/{meeting_id}"]["count"].get<int>()
               : 0;
  };
  int before = gets();
  EXPECT_EQ(repo.run({"plan", "--detailed-exitcode"}).exit_code, 0);
  EXPECT_EQ(gets(), before);  // the default trusts an unchanged updated_at
  EXPECT_EQ(repo.run({"plan", "--detailed-exitcode", "--refresh=full"}).exit_code, 0);
  EXPECT_EQ(gets(), before + 2);  // one GET per bound meeting
  auto bad = repo.run({"plan", "--refresh=sometimes"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(contains(bad.err, "--refresh must be auto or full")) << bad.err;
}

TEST(Cli, EveryChangeKindAppliesAndConverges) {
  Repo repo;
  repo.meetings(R"(meetings:
  room:
    title: Room
    recording_config: { max_seconds: 600 }
    participants:
      - { custom_participant_id: alice, name: Alice, preset_name: host }
      - { custom_participant_id: bob, name: Bob, preset_name: guest }
  old:
    title: Old
)");
  ASSERT_EQ(repo.apply().exit_code, 0);
  std::string room = repo.id_of("room");
  std::string old = repo.id_of("old");
  // A field edit (PATCH), a recording_config change (PUT), participant add/edit/remove, a
  // meeting removed from the YAML (deactivate) and a token rotation, all at once.
  repo.meetings(R"(meetings:
  room:
    title: Room 2
    recording_config: { max_seconds: 900 }
    participants:
      - { custom_participant_id: alice, name: Alice Liddell, preset_name: host, token_rotation: 1 }
      - { custom_participant_id: carol, name: Carol, preset_name: guest }
)");
  std::string tokens = (repo.dir() / "tokens.json").string();
  auto apply = repo.apply({"--tokens-out", tokens});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  auto m = repo.api("GET", "/meetings/" + room)["data"];
  EXPECT_EQ(m["title"], "Room 2");
  EXPECT_EQ(m["recording_config"]["max_seconds"], 900);
  EXPECT_EQ(repo.api("GET", "/meetings/" + old)["data"]["status"], "INACTIVE");
  std::map<std::string, std::string> people;
  const json listed = repo.api("GET", "/meetings/" + room + "/participants");
  for (const auto& p : listed["data"]) {
    people[p["custom_participant_id"]] = p.value("name", "");
  }
  EXPECT_EQ(people,
            (std::map<std::string, std::string>{{"alice", "Alice Liddell"}, {"carol", "Carol"}}))
      << apply.out;
  auto stats = repo.stats()["routes"];
  EXPECT_EQ(stats["PUT /meetings/{meeting_id}"]["count"], 1);
  EXPECT_EQ(stats["POST /meetings/{meeting_id}/participants/{participant_id}/token"]["count"], 1);
  EXPECT_EQ(stats["DELETE /meetings/{meeting_id}/participants/{participant_id}"]["count"], 1);
  // Tokens: only in the 0600 file, never on the terminal.
  struct stat st {};
  ASSERT_EQ(::stat(tokens.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  std::ifstream in(tokens);
  std::string alice_token;
  for (std::string line; std::getline(in, line);) {
    auto t = json::parse(line);
    if (t["meeting"] == "room" && t["custom_participant_id"] == "alice") alice_token = t["token"];
  }
  EXPECT_FALSE(alice_token.empty());
  EXPECT_FALSE(contains(apply.out + apply.err, alice_token));
  EXPECT_EQ(repo.run({"plan", "--detailed-exitcode"}).exit_code, 0);
  // The rotation is remembered: the next apply does not rotate again.
  auto noop = repo.apply();
  EXPECT_EQ(noop.exit_code, 0);
  EXPECT_EQ(
      repo.stats()["routes"]["POST /meetings/{meeting_id}/participants/{participant_id}/token"]
                  ["count"],
      1);
}

TEST(Cli, StalePlanIsRefusedAndChangesNothing) {
  Repo repo;
  repo.meetings(kTwoMeetings);
  ASSERT_EQ(repo.apply().exit_code, 0);
  repo.meetings(
      std::string(kTwoMeetings).replace(std::string(kTwoMeetings).find("Standup"), 7, "Standup 2") +
      "  extra:\n    title: Extra\n");
  std::string file = (repo.dir() / "plan.json").string();
  ASSERT_EQ(repo.run({"plan", "--out", file}).exit_code, 0);
  repo.api("PATCH", "/meetings/" + repo.id_of("standup"),
           {{"persist_chat", true}});  // the world moves
  auto writes_before = repo.stats()["routes"];
  auto apply = repo.run({"apply", file});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_TRUE(contains(apply.err, "the plan is stale; nothing was changed")) << apply.err;
  EXPECT_TRUE(contains(apply.err, "meeting standup changed since the plan was made"));
  auto writes_after = repo.stats()["routes"];
  EXPECT_EQ(writes_after["POST /meetings"], writes_before["POST /meetings"]);
  EXPECT_EQ(writes_after["PATCH /meetings/{meeting_id}"],
            writes_before["PATCH /meetings/{meeting_id}"]);
  EXPECT_EQ(repo.all_meetings().size(), 2U);
  EXPECT_EQ(repo.api("GET", "/meetings/" + repo.id_of("standup"))["data"]["title"], "Standup");
}

TEST(Cli, SavedPlanAppliesExactly) {
  Repo repo;
  repo.meetings(kTwoMeetings);
  std::string file = (repo.dir() / "plan.json").string();
  ASSERT_EQ(repo.run({"plan", "--out", file}).exit_code, 0);
  auto apply = repo.run({"apply", file});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_EQ(repo.run({"plan", "--detailed-exitcode"}).exit_code, 0);
  auto again = repo.run({"apply", file});  // the same plan twice: its creates are now stale
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(repo.all_meetings().size(), 2U);
}

TEST(Cli, SecondApplyFailsFastWithTheHolder) {
  Repo repo;
  repo.meetings(kTwoMeetings);
  auto lock =
      state::Lock::acquire((repo.dir() / ".rtksync/state.json").string(), std::chrono::seconds(0));
  ASSERT_TRUE(lock.ok());
  auto apply = repo.apply();
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_TRUE(contains(apply.err, "the state is locked by pid " + std::to_string(::getpid())))
      << apply.err;
  EXPECT_EQ(repo.all_meetings().size(), 0U);  // it mutated nothing
}

TEST(Cli, SecretsNeverReachOutputStateOrPlanFiles) {
  Repo repo;
  repo.copy_examples();
  std::string file = (repo.dir() / "plan.json").string();
  auto plan = repo.run({"plan", "--out", file, "--log-level", "trace"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  auto apply = repo.apply({"--log-level", "trace"});
  ASSERT_EQ(apply.exit_code, 0);
  std::ifstream pf(file);
  std::string plan_file((std::istreambuf_iterator<char>(pf)), std::istreambuf_iterator<char>());
  std::ifstream sf(repo.dir() / ".rtksync/state.json");
  std::string state_file((std::istreambuf_iterator<char>(sf)), std::istreambuf_iterator<char>());
  std::string everything = plan.out + plan.err + apply.out + apply.err + plan_file + state_file;
  for (const std::string& secret :
       {std::string("ak-SECRET-VALUE-1"), std::string("sk-SECRET-VALUE-2"),
        std::string(EmulatorProcess::kToken)}) {
    EXPECT_FALSE(contains(everything, secret)) << secret;
  }
  EXPECT_TRUE(contains(plan_file, "${env:REC_SECRET}"));
  EXPECT_TRUE(contains(plan.out, "recording_config.storage_config.secret: ${env:REC_SECRET}"));
}

TEST(Cli, RotatedSecretPlansAReplace) {
  Repo repo;
  repo.copy_examples();
  ASSERT_EQ(repo.apply().exit_code, 0);
  auto plan = repo.run({"plan", "--detailed-exitcode"}, {"REC_SECRET=rotated-value"});
  EXPECT_EQ(plan.exit_code, 2);
  EXPECT_TRUE(contains(plan.out, "± meeting weekly-standup (replace via PUT"));
  EXPECT_TRUE(contains(plan.out, "recording_config.storage_config.secret: (sensitive)"));
  ASSERT_EQ(repo.apply({}, {"REC_SECRET=rotated-value"}).exit_code, 0);
  EXPECT_EQ(repo.run({"plan", "--detailed-exitcode"}, {"REC_SECRET=rotated-value"}).exit_code, 0);
}

TEST(Cli, ImportBindsInsteadOfCreating) {
  Repo repo;
  repo.meetings("meetings:\n  standup:\n    title: Standup\n");
  std::string id = repo.api("POST", "/meetings", {{"title", "Standup"}})["data"]["id"];
  auto plan = repo.run({"plan"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_TRUE(contains(plan.err + plan.out, "`rtksync import standup " + id + "`")) << plan.out;
  auto imported = repo.run({"import", "--by-title"});
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(repo.id_of("standup"), id);
  EXPECT_EQ(repo.run({"plan", "--detailed-exitcode"}).exit_code, 0);
}

TEST(Cli, ImportByTitleRefusesAmbiguity) {
  Repo repo;
  repo.meetings("meetings:\n  standup:\n    title: Standup\n");
  repo.api("POST", "/meetings", {{"title", "Standup"}});
  repo.api("POST", "/meetings", {{"title", "Standup"}});
  auto imported = repo.run({"import", "--by-title"});
  EXPECT_EQ(imported.exit_code, 1);
  EXPECT_TRUE(contains(imported.err, "standup: 2 meetings are titled \"Standup\"")) << imported.err;
  EXPECT_FALSE(repo.state()["meetings"].contains("standup"));
}

TEST(Cli, ApplyWithoutATerminalNeedsAutoApprove) {
  Repo repo;
  repo.meetings(kTwoMeetings);
  auto apply = repo.run({"apply"});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_TRUE(contains(apply.err, "pass --auto-approve")) << apply.err;
  EXPECT_TRUE(repo.all_meetings().empty());
}

TEST(Cli, ExportWritesYamlThatValidates) {
  Repo repo;
  repo.copy_examples();
  ASSERT_EQ(repo.apply().exit_code, 0);
  auto exported = repo.run({"export"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_TRUE(contains(exported.out, "  all-hands:"));  // bound meetings keep their keys
  std::filesystem::remove_all(repo.dir() / "meetings");
  repo.write("meetings/exported.yaml", exported.out);
  auto valid = repo.run({"validate"});
  EXPECT_EQ(valid.exit_code, 0) << valid.out;
}

TEST(Cli, ServerChosenVorbisIsNeverEchoedNorExported) {
  // With video codec VP8 the server reports audio codec "vorbis", which no request may send.
  Repo repo;
  repo.meetings(R"(meetings:
  webinar:
    title: Webinar
    recording_config: { max_seconds: 600, video_config: { codec: VP8 } }
)");
  ASSERT_EQ(repo.apply().exit_code, 0);
  EXPECT_EQ(
      repo.api("GET",
               "/meetings/" +
                   repo.id_of("webinar"))["data"]["recording_config"]["audio_config"]["codec"],
      "vorbis");
  repo.meetings(R"(meetings:
  webinar:
    title: Webinar
    recording_config: { max_seconds: 900, video_config: { codec: VP8 } }
)");
  auto apply = repo.apply();  // a PUT: observed values for the rest, but never vorbis
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_EQ(repo.run({"plan", "--detailed-exitcode"}).exit_code, 0);
  auto exported = repo.run({"export"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_FALSE(contains(exported.out, "vorbis")) << exported.out;
  repo.write("meetings/m.yaml", exported.out);
  auto valid = repo.run({"validate"});
  EXPECT_EQ(valid.exit_code, 0) << valid.out << exported.out;
}

TEST(Cli, NullRemovesAndThePlanShowsIt) {
  // Leaving a field out stops managing it; null removes it (issue 10, item 5).
  Repo repo;
  repo.meetings(R"(meetings:
  show:
    title: Show
    ai_config: { transcription: { language: de }, summarization: { word_limit: 300 } }
    recording_config:
      max_seconds: 600
      live_streaming_config: { rtmp_url: "rtmp://live.example.com/app" }
      storage_config: { type: aws, bucket: b, access_key: "${env:REC_ACCESS_KEY}", secret: "${env:REC_SECRET}" }
    participants:
      - { custom_participant_id: alice, name: Alice, picture: "https://example.com/a.png", preset_name: host }
)");
  ASSERT_EQ(repo.apply().exit_code, 0);
  repo.meetings(R"(meetings:
  show:
    title: null
    ai_config: { summarization: null }
    recording_config:
      live_streaming_config: null
      storage_config: ~
    participants:
      - { custom_participant_id: alice, name: Alice, picture: null, preset_name: host }
)");
  auto plan = repo.run({"plan", "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "- title: \"Show\" → (removed)")) << plan.out;
  EXPECT_TRUE(contains(plan.out,
                       "- recording_config.live_streaming_config: "
                       "{\"rtmp_url\":\"rtmp://live.example.com/app\"} → (removed)"))
      << plan.out;
  EXPECT_TRUE(contains(plan.out, "- ai_config.summarization: {\"word_limit\":300} → (removed)"));
  EXPECT_TRUE(contains(plan.out,
                       "participant alice: picture: \"https://example.com/a.png\" → "
                       "(removed)"))
      << plan.out;
  auto md = repo.run({"plan", "--format", "markdown"});
  EXPECT_TRUE(contains(md.out, "- recording_config.storage_config: ")) << md.out;
  std::string file = (repo.dir() / "plan.json").string();  // through a saved plan
  ASSERT_EQ(repo.run({"plan", "--out", file}).exit_code, 0);
  auto apply = repo.run({"apply", file});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  auto m = repo.api("GET", "/meetings/" + repo.id_of("show"))["data"];
  EXPECT_FALSE(m.contains("title"));
  EXPECT_EQ(m["ai_config"], (json{{"transcription", {{"language", "de"}}}}));
  EXPECT_EQ(m["recording_config"], (json{{"max_seconds", 600}}));  // left out: kept
  auto people = repo.api("GET", "/meetings/" + repo.id_of("show") + "/participants")["data"];
  EXPECT_FALSE(people[0].contains("picture"));
  EXPECT_EQ(repo.run({"plan", "--detailed-exitcode"}).exit_code, 0);
  auto schema = json::parse(run_command({RTKSYNC_BIN, "schema"}).out);
  auto meeting = schema["properties"]["meetings"]["additionalProperties"];
  EXPECT_EQ(meeting["properties"]["title"]["type"], (json{"string", "null"}));
  EXPECT_EQ(meeting["properties"]["persist_chat"]["type"], "boolean");
}

TEST(Cli, EmptyConfigurationIsRefused) {
  Repo repo;
  repo.meetings(kTwoMeetings);
  ASSERT_EQ(repo.apply().exit_code, 0);
  repo.meetings("meetings: {}\n");
  auto apply = repo.apply({"--allow-removals"});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_TRUE(contains(apply.out, "declares no meetings")) << apply.out;
  for (const auto& m : repo.all_meetings()) EXPECT_EQ(m["status"], "ACTIVE");
}

TEST(Cli, StateCommands) {
  Repo repo;
  repo.meetings(kTwoMeetings);
  ASSERT_EQ(repo.apply().exit_code, 0);
  auto list = repo.run({"state", "list"});
  EXPECT_TRUE(contains(list.out, "standup\t" + repo.id_of("standup")));
  auto show = repo.run({"state", "show", "standup"});
  EXPECT_EQ(json::parse(show.out)["id"], repo.id_of("standup"));
  EXPECT_EQ(repo.run({"state", "rm", "review"}).exit_code, 0);
  EXPECT_FALSE(repo.state()["meetings"].contains("review"));
  EXPECT_EQ(repo.run({"state", "unlock"}).exit_code, 0);
  EXPECT_EQ(repo.run({"state", "show", "nope"}).exit_code, 1);
}

}  // namespace
}  // namespace rtk::testing

namespace rtk::testing {
namespace {

long mutating_calls(Repo& repo) {
  long n = 0;
  const auto routes = repo.stats()["routes"];  // iterated below: keep it alive
  for (const auto& [route, s] : routes.items()) {
    if (route.rfind("GET", 0) != 0 && route.rfind("/__", 0) == std::string::npos)
      n += s["count"].get<long>();
  }
  return n;
}

// Before: a state that could not be written was a warning; apply went on mutating, exited 0,
// and the next run duplicated what it had created.
TEST(Cli, AStateThatCannotBeWrittenStopsApplyBeforeAnyChange) {
  Repo repo;
  repo.copy_examples();
  // Root ignores file modes, so the journal's place is taken by a directory instead.
  std::filesystem::create_directories(repo.dir() / ".rtksync/state.json.journal");
  auto apply = repo.apply();
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_TRUE(contains(apply.err, "the state cannot be recorded, so nothing was changed"))
      << apply.err;
  EXPECT_EQ(mutating_calls(repo), 0);
}

// Without --tokens-out the tokens an apply receives are counted, and the way to get them said.
TEST(Cli, TokensNotKeptAreCountedWithTheWayToGetThem) {
  Repo repo;
  repo.copy_examples();
  auto apply = repo.apply();
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_TRUE(contains(apply.err, "12 join tokens were issued and not kept; pass --tokens-out"))
      << apply.err;
}

// A second checkout (its own, empty state) plans no duplicates: it refuses.
TEST(Cli, ASecondCheckoutRefusesToDoubleEverything) {
  Repo repo;
  repo.copy_examples();
  ASSERT_EQ(repo.apply().exit_code, 0);
  std::filesystem::remove_all(repo.dir() / ".rtksync");
  auto again = repo.apply();
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(contains(again.out + again.err, "rtksync import")) << again.out;
  EXPECT_EQ(repo.all_meetings().size(), 4U);
}

}  // namespace
}  // namespace rtk::testing

namespace rtk::testing {
namespace {

// Before: the JSON plan followed by text progress lines; stdout was not JSON.
TEST(Cli, ApplyFormatJsonIsOneJsonDocument) {
  Repo repo;
  repo.copy_examples();
  auto apply = repo.apply({"--format", "json"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  auto doc = nlohmann::json::parse(apply.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << apply.out;
  EXPECT_EQ(doc["summary"]["done"], 16);
  EXPECT_EQ(doc["summary"]["complete"], true);
  EXPECT_EQ(doc["results"].size(), 16U);
  EXPECT_TRUE(doc["plan"].contains("meetings"));
}

// Before: the saved plan's config_digest was written and never checked.
TEST(Cli, ASavedPlanIsRefusedWhenTheConfigurationChanged) {
  Repo repo;
  repo.meetings("meetings:\n  standup:\n    title: Standup\n");
  const std::string saved = (repo.dir() / "plan.json").string();
  ASSERT_EQ(repo.run({"plan", "--out", saved}).exit_code, 0);
  repo.meetings("meetings:\n  standup:\n    title: Standup 2\n");
  auto apply = repo.run({"apply", saved});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_TRUE(contains(apply.err, "the configuration changed since the plan was made"))
      << apply.err;
  EXPECT_TRUE(repo.all_meetings().empty());
}

}  // namespace
}  // namespace rtk::testing
