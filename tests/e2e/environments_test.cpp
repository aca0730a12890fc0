// Environments (issue 13 item 4): one repository describing a staging and a production app.
// --environment selects the target, the state file and the values ${var:...} reads;
// validate checks every environment; ${env:...} works in rtksync.yaml.
#include <gtest/gtest.h>

#include "support/repo.hpp"
#include "support/text.hpp"

namespace rtk::testing {
namespace {

using nlohmann::json;

const std::string kAccount = EmulatorProcess::kAccount;

std::string project_file() {
  return "account_id: " + kAccount +
         "\n"
         "environments:\n"
         "  staging:\n"
         "    app_id: ${env:STAGING_APP}\n"
         "    values: { prefix: stg }\n"
         "  production:\n"
         "    app_id: prod-app\n"
         "    state: .rtksync/prod.json\n"
         "    values: { prefix: prod }\n";
}

const char* kMeetings = R"(meetings:
  standup:
    title: ${var:prefix} Standup
)";

class Environments : public ::testing::Test {
 protected:
  Environments() : repo_({"--app", kAccount + "/stg-app", "--app", kAccount + "/prod-app"}) {
    repo_.write("rtksync.yaml", project_file());
    repo_.meetings(kMeetings);
  }
  CommandResult run(std::vector<std::string> args) {
    return repo_.run(std::move(args), {"STAGING_APP=stg-app"});
  }
  // Titles of the meetings in one app, through the emulator's fault-free dump.
  std::vector<std::string> titles_in(const std::string& app) {
    httplib::Client http("127.0.0.1", repo_.emulator().port());
    auto dump = json::parse(http.Get("/__emulator/dump")->body);
    std::vector<std::string> out;
    for (const auto& a : dump["apps"]) {
      if (a.value("app_id", "") != app) continue;
      for (const auto& m : a["meetings"]) out.push_back(m["meeting"].value("title", ""));
    }
    return out;
  }
  Repo repo_;
};

TEST_F(Environments, EachEnvironmentHasItsTargetStateAndValues) {
  auto staging = run({"apply", "--auto-approve", "--environment", "staging"});
  ASSERT_EQ(staging.exit_code, 0) << staging.out << staging.err;
  auto production = run({"apply", "--auto-approve", "-e", "production"});
  ASSERT_EQ(production.exit_code, 0) << production.out << production.err;
  EXPECT_EQ(titles_in("stg-app"), std::vector<std::string>{"stg Standup"});
  EXPECT_EQ(titles_in("prod-app"), std::vector<std::string>{"prod Standup"});
  EXPECT_TRUE(std::filesystem::exists(repo_.dir() / ".rtksync/state-staging.json"));
  EXPECT_TRUE(std::filesystem::exists(repo_.dir() / ".rtksync/prod.json"));
  EXPECT_EQ(run({"plan", "--detailed-exitcode", "-e", "staging"}).exit_code, 0);
  EXPECT_EQ(run({"plan", "--detailed-exitcode", "-e", "production"}).exit_code, 0);
}

TEST_F(Environments, ValidateChecksEveryEnvironment) {
  auto ok = run({"validate"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_TRUE(contains(ok.out, "environment production: 1 meetings, 0 participants: OK")) << ok.out;
  EXPECT_TRUE(contains(ok.out, "environment staging: 1 meetings")) << ok.out;
  repo_.meetings("meetings:\n  standup:\n    title: ${var:prefix} ${var:team}\n");
  auto missing = run({"validate"});
  EXPECT_EQ(missing.exit_code, 1) << missing.out;
  EXPECT_TRUE(contains(missing.out, "${var:team} is not among the selected environment's values"))
      << missing.out;
}

TEST_F(Environments, AVarNeedsAnEnvironmentAndAnUnknownOneIsAnError) {
  auto none = run({"plan"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_TRUE(contains(none.err, "needs an environment")) << none.err;
  auto unknown = run({"plan", "-e", "qa"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(
      contains(unknown.err, "unknown environment qa (rtksync.yaml declares production, staging)"))
      << unknown.err;
}

}  // namespace
}  // namespace rtk::testing
