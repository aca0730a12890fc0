// Issue 10, item 4: exact onboarding. import refuses keys the configuration does not have and
// names every key it could not bind; export writes YAML that reads back as exactly what the
// API holds (odd titles, repeated titles, credentials it never returns), and the round trip
// export -> import -> plan shows no changes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/repo.hpp"
#include "support/text.hpp"

namespace rtk::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(Onboarding, ImportRefusesAKeyNotInTheConfiguration) {
  Repo repo;
  repo.meetings("meetings:\n  standup:\n    title: Standup\n");
  std::string id = repo.api("POST", "/meetings", {{"title", "Standup"}})["data"]["id"];
  auto r = repo.run({"import", "standpu", id});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "standpu is not a meeting key of the configuration")) << r.err;
  EXPECT_TRUE(contains(r.err, "did you mean `standup`?")) << r.err;
  EXPECT_FALSE(repo.state().is_object() && repo.state()["meetings"].contains("standpu"));
  for (const auto& m : repo.all_meetings()) EXPECT_EQ(m["status"], "ACTIVE");
}

TEST(Onboarding, ImportByTitleNamesEveryKeyItCouldNotBind) {
  Repo repo;
  repo.meetings(R"(meetings:
  found: { title: Found }
  missing: { title: Missing }
  twice: { title: Twice }
  untitled: { record_on_start: true }
)");
  repo.api("POST", "/meetings", {{"title", "Found"}});
  repo.api("POST", "/meetings", {{"title", "Twice"}});
  repo.api("POST", "/meetings", {{"title", "Twice"}});
  auto r = repo.run({"import", "--by-title"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.out, "imported found = ")) << r.out;
  EXPECT_TRUE(contains(r.err, "3 keys are not bound; the next plan would create them")) << r.err;
  EXPECT_TRUE(contains(r.err, "missing: no unbound meeting is titled \"Missing\"")) << r.err;
  EXPECT_TRUE(contains(r.err, "twice: 2 meetings are titled \"Twice\"")) << r.err;
  EXPECT_TRUE(contains(r.err, "untitled: no title to match")) << r.err;
  EXPECT_TRUE(repo.state()["meetings"].contains("found"));  // what could be bound, is
}

struct Made {
  std::string title;
  json extra = json::object();
};

TEST(Onboarding, ExportImportPlanRoundTripsOddAndRepeatedTitles) {
  Repo repo;
  const std::vector<Made> made{
      {"yes", {{"record_on_start", true}}},
      {"123"},
      {"007", {{"persist_chat", true}}},
      {""},
      {"Café ☕ 会議 – “quoted” \\ back"},
      {"null"},
      {"~"},
      {"1e3"},
      {".inf"},
      {"true: not a key # nor a comment"},
      {"Dup"},
      {"Dup", {{"session_keep_alive_time_in_secs", 120}}},
      {" leading and trailing "},
  };
  for (const auto& m : made) {
    json body = m.extra;
    body["title"] = m.title;
    std::string id = repo.api("POST", "/meetings", body)["data"]["id"];
    repo.api("POST", "/meetings/" + id + "/participants",
             {{"custom_participant_id", "007"}, {"name", "no"}, {"preset_name", "1.0"}});
  }
  repo.api("PATCH", "/meetings/" + repo.all_meetings().back()["id"].get<std::string>(),
           {{"status", "INACTIVE"}});
  std::string out = (repo.dir() / "meetings/exported.yaml").string();
  auto exported = repo.run({"export", "--inactive", "--out", out});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::string yaml = slurp(out);
  for (const char* quoted :
       {"title: \"yes\"", "title: \"123\"", "title: \"007\"", "title: \"\"", "title: \"null\"",
        "title: \"~\"", "title: \"1e3\"", "title: \".inf\"", "custom_participant_id: \"007\"",
        "name: \"no\"", "preset_name: \"1.0\""}) {
    EXPECT_TRUE(contains(yaml, quoted)) << quoted << "\n" << yaml;
  }
  int ids = 0;
  for (size_t at = yaml.find("import_id:"); at != std::string::npos;
       at = yaml.find("import_id:", at + 1))
    ++ids;
  EXPECT_EQ(ids, 2) << yaml;  // only where titles repeat

  auto valid = repo.run({"validate"});
  EXPECT_EQ(valid.exit_code, 0) << valid.out << "\n" << yaml;
  auto schema = run_command({RTKSYNC_BIN, "schema"});
  ASSERT_EQ(schema.exit_code, 0);
  repo.write("schema.json", schema.out);
  auto checked = run_command({"/usr/bin/env", "python3", "-c",
                              "import json, sys, yaml, jsonschema\n"
                              "schema = json.load(open(sys.argv[1]))\n"
                              "doc = yaml.safe_load(open(sys.argv[2], encoding='utf-8'))\n"
                              "jsonschema.validators.validator_for(schema)(schema).validate(doc)\n"
                              "print('valid', len(doc['meetings']))\n",
                              (repo.dir() / "schema.json").string(), out});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_TRUE(contains(checked.out, "valid " + std::to_string(made.size()))) << checked.out;

  auto imported = repo.run({"import", "--by-title"});
  EXPECT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_TRUE(contains(imported.out, std::to_string(made.size()) + " meetings imported."));
  auto plan = repo.run({"plan", "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_EQ(repo.all_meetings().size(), made.size());  // nothing recreated
}

TEST(Onboarding, ExportWritesPlaceholdersForCredentialsTheApiDoesNotReturn) {
  Repo repo;
  repo.api(
      "POST", "/meetings",
      {{"title", "Recorded"},
       {"recording_config",
        {{"storage_config",
          {{"type", "aws"}, {"bucket", "b"}, {"access_key", "AK-VALUE"}, {"secret", "SK"}}}}}});
  auto r = repo.run({"export"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out,
                       "# access_key is write-only: the API never returns it. Set the "
                       "variable.\n        access_key: \"${env:RTK_RECORDED_ACCESS_KEY}\""))
      << r.out;
  EXPECT_TRUE(contains(r.out, "secret: \"${env:RTK_RECORDED_SECRET}\"")) << r.out;
  EXPECT_FALSE(contains(r.out, "AK-VALUE"));
}

TEST(Onboarding, ExportSelectsBySearchAndById) {
  Repo repo;
  std::string a = repo.api("POST", "/meetings", {{"title", "Alpha room"}})["data"]["id"];
  repo.api("POST", "/meetings", {{"title", "Beta room"}});
  repo.api("POST", "/meetings", {{"title", "Gamma"}});
  auto searched = repo.run({"export", "--search", "room"});
  ASSERT_EQ(searched.exit_code, 0) << searched.err;
  EXPECT_TRUE(contains(searched.out, "alpha-room:"));
  EXPECT_TRUE(contains(searched.out, "beta-room:"));
  EXPECT_FALSE(contains(searched.out, "gamma:"));
  auto by_id = repo.run({"export", "--id", a});
  ASSERT_EQ(by_id.exit_code, 0) << by_id.err;
  EXPECT_TRUE(contains(by_id.out, "alpha-room:"));
  EXPECT_FALSE(contains(by_id.out, "beta-room:"));
  auto unknown = repo.run({"export", "--id", "00000000-0000-4000-8000-000000000000"});
  EXPECT_EQ(unknown.exit_code, 1);
}

TEST(Onboarding, ExportExitsOneWhenItCannotWrite) {
  Repo repo;
  repo.api("POST", "/meetings", {{"title", "Alpha"}});
  repo.write("a-file", "x");
  auto r = repo.run({"export", "--out", (repo.dir() / "a-file/exported.yaml").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "error: cannot write")) << r.err;
  EXPECT_FALSE(contains(r.err, "Wrote"));
}

}  // namespace
}  // namespace rtk::testing
