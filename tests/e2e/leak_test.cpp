// Issue 10, item 1: a value that came from ${env:...} or ${file:...} is a secret wherever it
// lands. Distinctive values sit behind references in every kind of field; every command runs
// at trace level; no output and no file written holds any of them.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/repo.hpp"
#include "support/text.hpp"

namespace rtk::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* kLeakyMeetings = R"(meetings:
  leaky:
    title: ${env:LEAK_TITLE}
    status: ${env:LEAK_STATUS}
    record_on_start: true
    ai_config:
      transcription: { language: de }
      summarization: { summary_type: "${env:LEAK_SUMMARY_TYPE}", word_limit: 300 }
    recording_config:
      file_name_prefix: ${file:secrets/prefix.txt}
      live_streaming_config: { rtmp_url: "rtmp://live.example.com/app/${env:LEAK_STREAM}" }
      storage_config:
        type: aws
        bucket: ${env:LEAK_BUCKET}
        region: us-east-1
        path: ${file:secrets/path.txt}
        access_key: ${env:LEAK_AK}
        secret: ${file:secrets/sk.txt}
      video_config:
        watermark: { url: "https://img.example.com/${env:LEAK_WM}.png" }
    participants:
      - custom_participant_id: alice
        name: ${env:LEAK_NAME}
        picture: https://pics.example.com/${file:secrets/pic.txt}
        preset_name: ${env:LEAK_PRESET}
  sftp-room:
    title: Plain title
    recording_config:
      storage_config:
        type: sftp
        host: ${env:LEAK_HOST}
        username: ${env:LEAK_USER}
        password: ${env:LEAK_PW}
        auth_method: PASSWORD
        port: 22
)";

struct LeakRepo : Repo {
  std::map<std::string, std::string> env_values{
      {"LEAK_TITLE", "LEAKTITLE-7f3a"},   {"LEAK_STATUS", "ACTIVE"},
      {"LEAK_SUMMARY_TYPE", "lecture"},   {"LEAK_STREAM", "LEAKSTREAM-55d1"},
      {"LEAK_BUCKET", "leakbucket-2b8e"}, {"LEAK_AK", "LEAKAK-9e01"},
      {"LEAK_WM", "LEAKWM-3c77"},         {"LEAK_NAME", "LEAKNAME-6a12"},
      {"LEAK_PRESET", "LEAKPRESET-48f0"}, {"LEAK_HOST", "leakhost-d41d.example.com"},
      {"LEAK_USER", "LEAKUSER-8b2c"},     {"LEAK_PW", "LEAKPW-e5f6"}};
  std::map<std::string, std::string> file_values{{"secrets/prefix.txt", "LEAKPREFIX-91c2"},
                                                 {"secrets/path.txt", "LEAKPATH-0c4d"},
                                                 {"secrets/sk.txt", "LEAKSK-a0b9"},
                                                 {"secrets/pic.txt", "LEAKPIC-17e3"}};
  std::string everything;  // every output of every command

  LeakRepo() {
    for (const auto& [rel, value] : file_values) write(rel, value + "\n");
    meetings(kLeakyMeetings);
  }
  std::vector<std::string> env() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : env_values) out.push_back(k + "=" + v);
    return out;
  }
  // The values that must never show; enum values ("ACTIVE", "lecture") are not distinctive.
  std::vector<std::string> distinctive() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : env_values) {
      if (v.find('-') != std::string::npos) out.push_back(v);
    }
    for (const auto& [k, v] : file_values) out.push_back(v);
    return out;
  }
  CommandResult go(std::vector<std::string> args) {
    auto r = run(std::move(args), env());
    everything += r.out + r.err;
    return r;
  }
  // Every file under the repository except the secrets themselves.
  std::string files_written() const {
    std::string all;
    for (const auto& e : fs::recursive_directory_iterator(dir())) {
      if (!e.is_regular_file()) continue;
      if (e.path().parent_path().filename() == "secrets") continue;
      all += e.path().string() + "\n" + slurp(e.path()) + "\n";
    }
    return all;
  }
};

TEST(Leaks, ReferencedValuesNeverReachOutputStatePlanOrExport) {
  LeakRepo repo;
  const std::vector<std::string> trace{"--log-level", "trace"};
  auto with_trace = [&](std::vector<std::string> args) {
    args.insert(args.end(), trace.begin(), trace.end());
    return args;
  };
  EXPECT_EQ(repo.go(with_trace({"validate"})).exit_code, 0) << repo.everything;
  EXPECT_EQ(repo.go({"validate", "--format", "json"}).exit_code, 0);
  for (const char* format : {"text", "json", "markdown"}) {
    auto plan = repo.go(with_trace({"plan", "--format", format}));
    EXPECT_EQ(plan.exit_code, 0) << format << "\n" << plan.out << plan.err;
  }
  auto text_plan = repo.go({"plan"});
  EXPECT_NE(text_plan.out.find("title: ${env:LEAK_TITLE}"), std::string::npos) << text_plan.out;
  EXPECT_NE(text_plan.out.find("+ participant alice (${env:LEAK_PRESET})"), std::string::npos)
      << text_plan.out;
  const std::string plan_file = (repo.dir() / "plan.json").string();
  ASSERT_EQ(repo.go(with_trace({"plan", "--out", plan_file})).exit_code, 0) << repo.everything;
  auto apply = repo.go(
      with_trace({"apply", plan_file, "--tokens-out", (repo.dir() / "tokens.json").string()}));
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  // The API got the real values.
  std::string id = repo.id_of("leaky");
  auto m = repo.api("GET", "/meetings/" + id)["data"];
  EXPECT_EQ(m["title"], "LEAKTITLE-7f3a");
  EXPECT_EQ(m["recording_config"]["file_name_prefix"], "LEAKPREFIX-91c2");
  EXPECT_EQ(m["recording_config"]["live_streaming_config"]["rtmp_url"],
            "rtmp://live.example.com/app/LEAKSTREAM-55d1");
  auto people = repo.api("GET", "/meetings/" + id + "/participants")["data"];
  ASSERT_EQ(people.size(), 1U);
  EXPECT_EQ(people[0]["name"], "LEAKNAME-6a12");

  // Converged: referenced values compare by digest, not by a kept copy.
  auto again = repo.go(with_trace({"plan", "--detailed-exitcode"}));
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;

  // A changed value behind a reference is a change, shown by its reference.
  repo.env_values["LEAK_TITLE"] = "LEAKTITLE-NEW-1d2e";
  repo.env_values["LEAK_STREAM"] = "LEAKSTREAM-NEW-0f9a";
  auto changed = repo.go(with_trace({"plan", "--detailed-exitcode"}));
  EXPECT_EQ(changed.exit_code, 2) << changed.out << changed.err;
  EXPECT_NE(changed.out.find("~ title: (sensitive) → ${env:LEAK_TITLE}"), std::string::npos)
      << changed.out;
  ASSERT_EQ(repo.go(with_trace({"apply", "--auto-approve"})).exit_code, 0) << repo.everything;
  EXPECT_EQ(repo.api("GET", "/meetings/" + id)["data"]["title"], "LEAKTITLE-NEW-1d2e");
  EXPECT_EQ(repo.go({"plan", "--detailed-exitcode"}).exit_code, 0) << repo.everything;

  // Drift made by hand on a referenced field is seen, and still not shown.
  repo.api("PATCH", "/meetings/" + id, {{"title", "LEAKTITLE-HAND-77aa"}});
  auto drift = repo.go({"plan", "--detailed-exitcode", "--format", "json"});
  EXPECT_EQ(drift.exit_code, 2) << drift.out;

  auto exported = repo.go(with_trace({"export"}));
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("${env:LEAK_NAME}"), std::string::npos) << exported.out;
  EXPECT_EQ(
      repo.go(with_trace({"export", "--out", (repo.dir() / "exported.yaml").string()})).exit_code,
      0);
  EXPECT_EQ(repo.go(with_trace({"state", "list"})).exit_code, 0);
  EXPECT_EQ(repo.go(with_trace({"state", "show", "leaky"})).exit_code, 0);
  EXPECT_EQ(repo.go(with_trace({"state", "show", "sftp-room"})).exit_code, 0);

  std::vector<std::string> values = repo.distinctive();
  for (const char* v : {"LEAKTITLE-NEW-1d2e", "LEAKSTREAM-NEW-0f9a", "LEAKTITLE-HAND-77aa"})
    values.emplace_back(v);
  const std::string files = repo.files_written();
  EXPECT_NE(files.find(".rtksync/state.json"), std::string::npos);  // the files were read
  EXPECT_NE(files.find("exported.yaml"), std::string::npos);
  for (const auto& v : values) {
    EXPECT_EQ(repo.everything.find(v), std::string::npos) << v << " in an output";
    auto at = files.find(v);
    EXPECT_EQ(at, std::string::npos)
        << v << " in a file: " << files.substr(at == std::string::npos ? 0 : at - 200, 400);
  }
}

TEST(Leaks, FileReferencesStayInsideTheRepository) {
  Repo repo;
  fs::path outside = repo.dir().parent_path() / ("outside-" + repo.dir().filename().string());
  fs::create_directories(outside);
  std::ofstream(outside / "secret.txt") << "OUTSIDE-VALUE-5e5e\n";
  fs::create_symlink(outside / "secret.txt", repo.dir() / "link.txt");
  repo.write("inside/ok.txt", "inside-ok\n");
  for (const std::string& ref :
       {(outside / "secret.txt").string(), "../" + outside.filename().string() + "/secret.txt",
        std::string("inside/../../") + outside.filename().string() + "/secret.txt",
        std::string("link.txt")}) {
    repo.meetings("meetings:\n  m:\n    title: \"${file:" + ref + "}\"\n");
    auto r = repo.run({"validate"});
    EXPECT_EQ(r.exit_code, 1) << ref << "\n" << r.out;
    EXPECT_EQ((r.out + r.err).find("OUTSIDE-VALUE"), std::string::npos);
  }
  repo.meetings("meetings:\n  m:\n    title: \"${file:inside/ok.txt}\"\n");
  EXPECT_EQ(repo.run({"validate"}).exit_code, 0);
  fs::remove_all(outside);
}

}  // namespace
}  // namespace rtk::testing
