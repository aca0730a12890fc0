// End-to-end tests of rtksync-emulator: the real binary, over HTTP, every endpoint of seed
// 001 and every error class the foundation issue names.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <set>

#include "support/emulator_process.hpp"

namespace rtk::testing {
namespace {

using json = nlohmann::json;

class Emulator : public ::testing::Test {
 protected:
  void start(std::vector<std::string> args = {}) {
    emu_ = std::make_unique<EmulatorProcess>(std::move(args));
    http_ = std::make_unique<httplib::Client>("127.0.0.1", emu_->port());
  }
  void SetUp() override { start({"--max-per-page", "3"}); }

  std::string path(const std::string& rest) const {
    return std::string("/client/v4/accounts/") + EmulatorProcess::kAccount + "/realtime/kit/" +
           EmulatorProcess::kApp + rest;
  }
  httplib::Headers auth(const std::string& token = EmulatorProcess::kToken) const {
    return {{"Authorization", "Bearer " + token}};
  }
  struct Resp {
    int status;
    json body;
  };
  Resp call(const std::string& method, const std::string& rest, const json* body = nullptr,
            const std::string& token = EmulatorProcess::kToken) {
    std::string p = path(rest);
    std::string text = body != nullptr ? body->dump() : "";
    auto send = [&]() -> httplib::Result {
      if (method == "POST") return http_->Post(p, auth(token), text, "application/json");
      if (method == "PATCH") return http_->Patch(p, auth(token), text, "application/json");
      if (method == "PUT") return http_->Put(p, auth(token), text, "application/json");
      if (method == "DELETE") return http_->Delete(p, auth(token));
      return http_->Get(p, auth(token));
    };
    auto r = send();
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  std::string create(const json& body) {
    auto r = call("POST", "/meetings", &body);
    EXPECT_EQ(r.status, 201);
    return r.body["data"]["id"];
  }

  std::unique_ptr<EmulatorProcess> emu_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(Emulator, CreateGetPatchPutLifecycle) {
  json body{{"title", "Standup"},
            {"record_on_start", true},
            {"ai_config", {{"transcription", {{"language", "de"}}}}},
            {"recording_config",
             {{"max_seconds", 600},
              {"storage_config",
               {{"type", "aws"},
                {"bucket", "b"},
                {"access_key", "AKIA-SECRET"},
                {"secret", "S3CR3T"}}}}}};
  auto created = call("POST", "/meetings", &body);
  ASSERT_EQ(created.status, 201);
  EXPECT_EQ(created.body["success"], true);
  const auto& m = created.body["data"];
  std::string id = m["id"];
  EXPECT_EQ(id.size(), 36U);
  EXPECT_EQ(m["status"], "ACTIVE");
  EXPECT_EQ(m["session_keep_alive_time_in_secs"], 60);
  EXPECT_EQ(m["created_at"], m["updated_at"]);
  EXPECT_EQ(created.body.dump().find("AKIA-SECRET"), std::string::npos);

  auto got = call("GET", "/meetings/" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["data"]["recording_config"]["storage_config"]["bucket"], "b");
  EXPECT_EQ(got.body.dump().find("AKIA-SECRET"), std::string::npos);
  EXPECT_EQ(got.body.dump().find("S3CR3T"), std::string::npos);

  json patch{{"status", "INACTIVE"}, {"title", "Daily"}};
  auto patched = call("PATCH", "/meetings/" + id, &patch);
  ASSERT_EQ(patched.status, 200);
  EXPECT_EQ(patched.body["data"]["status"], "INACTIVE");
  EXPECT_EQ(patched.body["data"]["record_on_start"], true);  // PATCH keeps what it omits
  EXPECT_EQ(patched.body["data"]["recording_config"]["max_seconds"], 600);
  EXPECT_GT(patched.body["data"]["updated_at"].get<std::string>(),
            m["updated_at"].get<std::string>());

  json put{{"title", "Replaced"}, {"recording_config", {{"max_seconds", 120}}}};
  auto replaced = call("PUT", "/meetings/" + id, &put);
  ASSERT_EQ(replaced.status, 200);
  const auto& r = replaced.body["data"];
  EXPECT_EQ(r["title"], "Replaced");
  EXPECT_EQ(r["status"], "INACTIVE");                              // PUT does not touch status
  EXPECT_EQ(r["record_on_start"], false);                          // omitted → default
  EXPECT_FALSE(r.contains("ai_config"));                           // omitted → gone
  EXPECT_FALSE(r["recording_config"].contains("storage_config"));  // credentials erased too
  EXPECT_EQ(r["recording_config"]["max_seconds"], 120);
}

TEST_F(Emulator, CreateIgnoresNothingButRejectsStatus) {
  json with_status{{"title", "x"}, {"status", "INACTIVE"}};
  auto r = call("POST", "/meetings", &with_status);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["success"], false);
  EXPECT_EQ(r.body["error"]["code"], 400);
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("status"), std::string::npos);
}

TEST_F(Emulator, ListPagesSummariesAndFilters) {
  std::set<std::string> ids;
  for (int i = 0; i < 8; ++i) {
    ids.insert(create({{"title", "Meeting " + std::to_string(i)},
                       {"ai_config", {{"transcription", {{"language", "en-US"}}}}}}));
  }
  std::set<std::string> seen;
  for (size_t page = 1; page <= 3; ++page) {
    auto r = call("GET", "/meetings?per_page=50&page_no=" + std::to_string(page));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body["paging"]["total_count"], 8);
    size_t expected = page < 3 ? 3 : 2;  // per_page capped at --max-per-page 3
    ASSERT_EQ(r.body["data"].size(), expected);
    EXPECT_EQ(r.body["paging"]["start_offset"], (page - 1) * 3 + 1);
    EXPECT_EQ(r.body["paging"]["end_offset"], (page - 1) * 3 + expected);
    for (const auto& m : r.body["data"]) {
      EXPECT_FALSE(m.contains("ai_config"));  // list returns the summary only
      seen.insert(m["id"].get<std::string>());
    }
  }
  EXPECT_EQ(seen, ids);
  auto empty = call("GET", "/meetings?page_no=4");
  EXPECT_TRUE(empty.body["data"].empty());

  auto search = call("GET", "/meetings?search=meeting%205");
  ASSERT_EQ(search.body["data"].size(), 1U);
  std::string id5 = search.body["data"][0]["id"];
  auto by_id = call("GET", "/meetings?search=" + id5);
  ASSERT_EQ(by_id.body["data"].size(), 1U);
  json inactive{{"status", "INACTIVE"}};
  call("PATCH", "/meetings/" + id5, &inactive);
  auto filtered = call("GET", "/meetings?status=INACTIVE");
  ASSERT_EQ(filtered.body["data"].size(), 1U);
  EXPECT_EQ(filtered.body["data"][0]["id"], id5);
  EXPECT_EQ(call("GET", "/meetings?page_no=0").status, 400);
}

TEST_F(Emulator, ParticipantsLifecycleAndTokens) {
  std::string id = create({{"title", "Room"}});
  json alice{{"custom_participant_id", "alice@example.com"},
             {"preset_name", "group_call_host"},
             {"name", "Alice"},
             {"picture", "https://example.com/a.png"}};
  auto added = call("POST", "/meetings/" + id + "/participants", &alice);
  ASSERT_EQ(added.status, 201);
  std::string pid = added.body["data"]["id"];
  std::string token = added.body["data"]["token"];
  EXPECT_FALSE(token.empty());

  EXPECT_EQ(call("POST", "/meetings/" + id + "/participants", &alice).status, 409);
  for (int i = 0; i < 4; ++i) {
    json p{{"custom_participant_id", "p" + std::to_string(i)}, {"preset_name", "webinar_viewer"}};
    ASSERT_EQ(call("POST", "/meetings/" + id + "/participants", &p).status, 201);
  }
  auto page2 = call("GET", "/meetings/" + id + "/participants?page_no=2");
  EXPECT_EQ(page2.body["paging"]["total_count"], 5);
  EXPECT_EQ(page2.body["data"].size(), 2U);
  EXPECT_FALSE(page2.body["data"][0].contains("token"));

  auto got = call("GET", "/meetings/" + id + "/participants/" + pid);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["data"]["name"], "Alice");
  EXPECT_FALSE(got.body["data"].contains("token"));

  json edit{{"name", "Alice B"}, {"preset_name", "group_call_participant"}};
  auto edited = call("PATCH", "/meetings/" + id + "/participants/" + pid, &edit);
  ASSERT_EQ(edited.status, 200);
  EXPECT_EQ(edited.body["data"]["name"], "Alice B");
  EXPECT_EQ(edited.body["data"]["picture"], "https://example.com/a.png");
  EXPECT_TRUE(edited.body["data"].contains("token"));
  json cpid{{"custom_participant_id", "other"}};
  EXPECT_EQ(call("PATCH", "/meetings/" + id + "/participants/" + pid, &cpid).status, 400);

  auto refreshed = call("POST", "/meetings/" + id + "/participants/" + pid + "/token");
  ASSERT_EQ(refreshed.status, 200);
  EXPECT_NE(refreshed.body["data"]["token"], token);

  auto deleted = call("DELETE", "/meetings/" + id + "/participants/" + pid);
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body["data"]["custom_participant_id"], "alice@example.com");
  EXPECT_TRUE(deleted.body["data"].contains("preset_id"));
  EXPECT_EQ(call("GET", "/meetings/" + id + "/participants/" + pid).status, 404);
}

TEST_F(Emulator, ErrorClasses) {
  std::string id = create({{"title", "x"}});
  // Auth: Cloudflare's gateway envelope.
  auto unauth = call("GET", "/meetings", nullptr, "wrong");
  EXPECT_EQ(unauth.status, 401);
  EXPECT_EQ(unauth.body["errors"][0]["code"], 10000);
  // Unknown account/app, meeting, participant.
  auto r = http_->Get("/client/v4/accounts/nope/realtime/kit/none/meetings", auth());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(call("GET", "/meetings/00000000-0000-4000-8000-000000000000").status, 404);
  EXPECT_EQ(call("GET", "/meetings/not-a-uuid").status, 400);
  EXPECT_EQ(
      call("GET", "/meetings/" + id + "/participants/00000000-0000-4000-8000-000000000000").status,
      404);
  // Validation: types, enums, ranges, required, unknown fields, malformed JSON.
  const json bad_bodies[] = {
      {{"title", 5}},
      {{"record_on_start", "yes"}},
      {{"session_keep_alive_time_in_secs", 30}},
      {{"ai_config", {{"summarization", {{"word_limit", 2000}}}}}},
      {{"ai_config", {{"summarization", {{"word_limit", 200.5}}}}}},
      {{"ai_config", {{"transcription", {{"language", "xx"}}}}}},
      {{"recording_config", {{"storage_config", {{"bucket", "b"}}}}}},
      {{"recording_config", {{"video_config", {{"width", 4000}}}}}},
      {{"recording_config", {{"live_streaming_config", {{"rtmp_url", "nope"}}}}}},
      {{"recording_config",
        {{"video_config", {{"codec", "VP8"}}}, {"audio_config", {{"codec", "AAC"}}}}}},
      {{"no_such_field", true}},
  };
  for (const auto& body : bad_bodies) {
    auto resp = call("POST", "/meetings", &body);
    EXPECT_EQ(resp.status, 400) << body.dump();
    EXPECT_EQ(resp.body["success"], false);
    EXPECT_TRUE(resp.body["error"]["message"].is_string());
  }
  json no_preset{{"custom_participant_id", "a"}};
  EXPECT_EQ(call("POST", "/meetings/" + id + "/participants", &no_preset).status, 400);
  auto malformed = http_->Post(path("/meetings"), auth(), "{not json", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
}

TEST_F(Emulator, StatsCountPerRouteAndResetClears) {
  std::string id = create({{"title", "x"}});
  call("GET", "/meetings/" + id);
  call("GET", "/meetings/" + id);
  auto stats = http_->Get("/__emulator/stats");
  ASSERT_TRUE(stats);
  auto s = json::parse(stats->body);
  EXPECT_EQ(s["routes"]["GET /meetings/{meeting_id}"]["count"], 2);
  EXPECT_EQ(s["routes"]["POST /meetings"]["count"], 1);
  ASSERT_TRUE(http_->Post("/__emulator/reset"));
  EXPECT_EQ(call("GET", "/meetings/" + id).status, 404);
  auto after = json::parse(http_->Get("/__emulator/stats")->body);
  EXPECT_EQ(after["routes"]["GET /meetings/{meeting_id}"]["count"], 1);
}

TEST_F(Emulator, RateLimitAnswers429WithRetryAfter) {
  start({"--rate-limit", "2/60"});
  EXPECT_EQ(call("GET", "/meetings").status, 200);
  EXPECT_EQ(call("GET", "/meetings").status, 200);
  auto r = http_->Get(path("/meetings"), auth());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_TRUE(r->has_header("Retry-After"));
  EXPECT_GE(std::stoi(r->get_header_value("Retry-After")), 1);
  EXPECT_EQ(json::parse(r->body)["errors"][0]["code"], 971);
}

TEST_F(Emulator, InjectedErrorsAndDrops) {
  start({"--error-rate", "1"});
  auto r = call("GET", "/meetings");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body["error"]["code"], 503);
  start({"--drop-rate", "1"});
  auto dropped = http_->Get(path("/meetings"), auth());
  EXPECT_FALSE(dropped);  // connection closed without an answer
}

TEST_F(Emulator, StatePersistsAcrossRestarts) {
  std::string file = ::testing::TempDir() + "/emu-state.json";
  std::remove(file.c_str());
  start({"--state", file});
  std::string id = create({{"title", "Persisted"}});
  EXPECT_EQ(emu_->stop(), 0);
  start({"--state", file});
  auto got = call("GET", "/meetings/" + id);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body["data"]["title"], "Persisted");
}

}  // namespace
}  // namespace rtk::testing
