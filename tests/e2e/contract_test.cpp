// The contract probe: one scenario that makes every operation of the OpenAPI contract happen,
// through rtksync (plan, apply, export) and through direct requests for what rtksync never
// sends (participant PUT, filters, nulls, error classes). Its emulator records the exchanges
// like every other e2e test's, so `contract.check` validates them; this test makes sure the
// recording covers all twelve operations.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "support/repo.hpp"

namespace rtk::testing {
namespace {

using nlohmann::json;

// Requests with this User-Agent are validated by the contract checker like rtksync's.
class Probe {
 public:
  explicit Probe(Repo& repo) : repo_(repo), http_("127.0.0.1", repo.emulator().port()) {}

  struct Answer {
    int status = 0;
    json body;
  };
  Answer operator()(const std::string& method, const std::string& rest,
                    const json* body = nullptr) {
    httplib::Headers h{{"Authorization", std::string("Bearer ") + EmulatorProcess::kToken},
                       {"User-Agent", "rtksync-contract-probe"}};
    std::string path = repo_.api_path(rest);
    std::string text = body != nullptr ? body->dump() : "";
    httplib::Result r = method == "POST" && body == nullptr ? http_.Post(path, h)
                        : method == "POST"   ? http_.Post(path, h, text, "application/json")
                        : method == "PUT"    ? http_.Put(path, h, text, "application/json")
                        : method == "PATCH"  ? http_.Patch(path, h, text, "application/json")
                        : method == "DELETE" ? http_.Delete(path, h)
                                             : http_.Get(path, h);
    if (!r) return {};
    return {r->status, json::parse(r->body, nullptr, false)};
  }

 private:
  Repo& repo_;
  httplib::Client http_;
};

// "METHOD /route" of every operation in the contract.
std::set<std::string> contract_operations() {
  std::ifstream in(std::string(RTKSYNC_SHARED_DIR) + "/api/realtimekit-meetings.openapi.json");
  json doc = json::parse(in);
  const std::string prefix = "/accounts/{account_id}/realtime/kit/{app_id}";
  std::set<std::string> out;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (!op.is_object() || !op.contains("operationId")) continue;
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.insert(upper + " " + path.substr(prefix.size()));
    }
  }
  return out;
}

std::set<std::string> answered_2xx(const std::string& file) {
  std::set<std::string> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    json e = json::parse(line, nullptr, false);
    if (e.is_discarded()) continue;
    int status = e.value("status", 0);
    if (status >= 200 && status < 300)
      out.insert(e["method"].get<std::string>() + " " + e["route"].get<std::string>());
  }
  return out;
}

std::vector<std::string> record_args() {
  if (std::getenv("RTKSYNC_CONTRACT_RECORD_DIR") != nullptr) return {};  // already recording
  return {"--record",
          ::testing::TempDir() + "/contract-probe-" + std::to_string(::getpid()) + ".jsonl"};
}

const char* kFull = R"(meetings:
  full:
    title: Full
    record_on_start: true
    live_stream_on_start: false
    persist_chat: true
    summarize_on_end: true
    transcribe_on_end: true
    session_keep_alive_time_in_secs: 120
    ai_config:
      transcription: { language: de, keywords: [Kit], profanity_filter: true }
      summarization: { summary_type: lecture, text_format: plain_text, word_limit: 300 }
    recording_config:
      file_name_prefix: rec
      max_seconds: 600
      audio_config: { channel: mono, codec: MP3, export_file: false }
      video_config:
        codec: H264
        width: 1280
        height: 720
        export_file: true
        watermark: { position: left top, url: "https://example.com/w.png", size: { width: 10, height: 10 } }
      live_streaming_config: { rtmp_url: "rtmp://live.example.com/app" }
      realtimekit_bucket_config: { enabled: true }
      storage_config:
        type: aws
        bucket: b
        region: us-east-1
        path: recordings
        access_key: ${env:REC_ACCESS_KEY}
        secret: ${env:REC_SECRET}
    participants:
      - { custom_participant_id: alice, name: Alice, picture: "https://example.com/a.png", preset_name: host }
      - { custom_participant_id: bob, preset_name: guest }
  webinar:
    title: Webinar
    status: INACTIVE
    recording_config: { video_config: { codec: VP8 } }
)";

TEST(Contract, EveryOperationThroughRtksyncAndTheProbe) {
  Repo repo(record_args());
  ASSERT_FALSE(repo.emulator().record_file().empty());
  repo.meetings(kFull);
  ASSERT_EQ(repo.run({"plan"}).exit_code, 0);
  auto first = repo.apply();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  // Every change kind: PATCH, PUT, participant edit, removal, token rotation, deactivation.
  std::string changed = kFull;
  changed.replace(changed.find("title: Full"), 11, "title: Full 2");
  changed.replace(changed.find("max_seconds: 600"), 16, "max_seconds: 900");
  changed.replace(changed.find("name: Alice,"), 12, "name: Alicia, token_rotation: 1,");
  changed.replace(
      changed.find("      - { custom_participant_id: bob"),
      std::string("      - { custom_participant_id: bob, preset_name: guest }\n").size(), "");
  changed = changed.substr(0, changed.find("  webinar:"));
  repo.meetings(changed);
  auto second = repo.apply();
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(repo.run({"plan", "--detailed-exitcode"}).exit_code, 0);
  EXPECT_EQ(repo.run({"export", "--inactive"}).exit_code, 0);

  // What rtksync never sends, straight from the probe.
  Probe probe(repo);
  std::string id = repo.id_of("full");
  EXPECT_EQ(probe("GET",
                  "/meetings?page_no=1&per_page=1&search=full&status=ACTIVE&start_time="
                  "2000-01-01T00:00:00Z&end_time=2999-01-01T00:00:00.000Z")
                .status,
            200);
  EXPECT_EQ(probe("GET", "/meetings/" + id).status, 200);
  json nulls{{"title", nullptr},
             {"record_on_start", nullptr},
             {"live_stream_on_start", nullptr},
             {"transcribe_on_end", true},
             {"recording_config", {{"storage_config", nullptr}, {"max_seconds", 60}}}};
  auto created = probe("POST", "/meetings", &nulls);
  ASSERT_EQ(created.status, 201);
  std::string other = created.body["data"]["id"];
  json replace{{"title", nullptr}, {"recording_config", {{"storage_config", nullptr}}}};
  EXPECT_EQ(probe("PUT", "/meetings/" + other, &replace).status, 200);
  json carol{{"custom_participant_id", "carol"}, {"preset_name", "guest"}, {"name", nullptr}};
  auto added = probe("POST", "/meetings/" + other + "/participants", &carol);
  ASSERT_EQ(added.status, 201);
  std::string pid = added.body["data"]["id"];
  EXPECT_EQ(probe("GET", "/meetings/" + other + "/participants?page_no=1&per_page=10").status, 200);
  EXPECT_EQ(probe("GET", "/meetings/" + other + "/participants/" + pid).status, 200);
  json clear{{"name", nullptr}, {"picture", nullptr}, {"preset_name", nullptr}};
  EXPECT_EQ(probe("PATCH", "/meetings/" + other + "/participants/" + pid, &clear).status, 200);
  json replaced{{"custom_participant_id", "carol2"},
                {"preset_name", "host"},
                {"name", "Carol"},
                {"picture", "https://example.com/c.png"}};
  EXPECT_EQ(probe("PUT", "/meetings/" + other + "/participants/" + pid, &replaced).status, 200);
  EXPECT_EQ(probe("POST", "/meetings/" + other + "/participants/" + pid + "/token").status, 200);
  EXPECT_EQ(probe("DELETE", "/meetings/" + other + "/participants/" + pid).status, 200);
  // Error answers are checked against the error envelope.
  EXPECT_EQ(probe("GET", "/meetings/00000000-0000-4000-8000-000000000000").status, 404);
  EXPECT_EQ(probe("GET", "/meetings/" + other + "/participants/nope").status, 404);
  auto dup = probe("POST", "/meetings/" + id + "/participants", &carol);
  EXPECT_EQ(probe("POST", "/meetings/" + id + "/participants", &carol).status, 409);
  EXPECT_EQ(dup.status, 201);

  std::set<std::string> missing;
  const auto answered = answered_2xx(repo.emulator().record_file());
  for (const auto& op : contract_operations()) {
    if (answered.count(op) == 0U) missing.insert(op);
  }
  EXPECT_TRUE(missing.empty()) << "operations never answered 2xx: "
                               << ::testing::PrintToString(missing);
  EXPECT_EQ(contract_operations().size(), 12U);
}

}  // namespace
}  // namespace rtk::testing
