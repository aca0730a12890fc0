// CLI conventions (issue 13 item 6, issue 14): errors for what a user mistypes, formats a
// command cannot print refused, --quiet, --log-format json, $GITHUB_STEP_SUMMARY, state mv,
// and the markdown plan a pull request comment shows.
#include <gtest/gtest.h>

#include <sstream>

#include "support/repo.hpp"
#include "support/text.hpp"

namespace rtk::testing {
namespace {

using nlohmann::json;

const char* kOne = R"(meetings:
  standup:
    title: Standup
    participants:
      - { custom_participant_id: alice, name: Alice, preset_name: host }
)";

long writes(Repo& repo) {
  long n = 0;
  const json routes = repo.stats()["routes"];  // iterated below: keep it alive
  for (const auto& [route, s] : routes.items()) {
    if (route.rfind("GET", 0) != 0 && route.find("/__") == std::string::npos)
      n += s["count"].get<long>();
  }
  return n;
}

TEST(Conventions, AStrayArgumentIsAnErrorNotAPlanOfEverything) {
  Repo repo;
  repo.meetings(kOne);
  auto r = repo.run({"plan", "weekly-standup"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "error: unexpected argument: weekly-standup")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(Conventions, UnknownOptionValuesAreErrors) {
  Repo repo;
  repo.meetings(kOne);
  auto level = repo.run({"validate", "--log-level", "bogus"});
  EXPECT_EQ(level.exit_code, 1);
  EXPECT_TRUE(contains(level.err, "--log-level must be")) << level.err;
  auto logs = repo.run({"validate", "--log-format", "xml"});
  EXPECT_EQ(logs.exit_code, 1);
  auto format = repo.run({"plan", "--format", "yaml"});
  EXPECT_EQ(format.exit_code, 1);
  EXPECT_TRUE(contains(format.err, "rtksync plan prints text, json, markdown or github"))
      << format.err;
}

TEST(Conventions, EveryCommandHonoursFormatJsonOrRejectsIt) {
  Repo repo;
  repo.meetings(kOne);
  ASSERT_EQ(repo.apply().exit_code, 0);
  auto list = repo.run({"state", "list", "--format", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto j = json::parse(list.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << list.out;
  EXPECT_EQ(j["meetings"]["standup"]["id"], repo.id_of("standup"));
  auto exported = repo.run({"export", "--format", "json"});
  EXPECT_EQ(exported.exit_code, 1);
  EXPECT_TRUE(contains(exported.err, "rtksync export prints yaml")) << exported.err;
  auto imported = repo.run({"import", "--by-title", "--format", "json"});
  EXPECT_EQ(imported.exit_code, 1);
  auto valid = repo.run({"validate", "--format", "json"});
  EXPECT_EQ(valid.exit_code, 0);
  EXPECT_FALSE(json::parse(valid.out, nullptr, false).is_discarded()) << valid.out;
}

TEST(Conventions, QuietLeavesTheResultAndDropsProgressAndNotes) {
  Repo repo;
  repo.meetings(kOne);
  const std::string tokens = (repo.dir() / "tokens.jsonl").string();
  auto quiet = repo.apply({"--quiet", "--tokens-out", tokens});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_FALSE(contains(quiet.out, "done: standup")) << quiet.out;  // no progress lines
  EXPECT_TRUE(contains(quiet.out, "Apply complete")) << quiet.out;
  EXPECT_FALSE(contains(quiet.err, "Wrote")) << quiet.err;
  repo.meetings(std::string(kOne) + "  extra:\n    title: Extra\n");
  auto loud = repo.apply();
  EXPECT_TRUE(contains(loud.out, "done: extra")) << loud.out;
}

TEST(Conventions, JsonLogsAreOneObjectALine) {
  Repo repo;
  repo.meetings(kOne);
  auto r = repo.run({"plan", "--log-level", "trace", "--log-format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.err);
  int logged = 0;
  for (std::string line; std::getline(lines, line);) {
    auto j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_TRUE(j.contains("level") && j.contains("message")) << line;
    // A name a log shipper can filter on (it was once an array of the name's bytes).
    EXPECT_TRUE(j.value("level", json()) == "trace" || j.value("level", json()) == "debug" ||
                j.value("level", json()) == "info" || j.value("level", json()) == "warning")
        << line;
    EXPECT_TRUE(j.value("message", json()).is_string()) << line;
    ++logged;
  }
  EXPECT_GT(logged, 0);
}

TEST(Conventions, GithubFormatAlsoWritesTheStepSummary) {
  Repo repo;
  repo.meetings(kOne);
  const auto summary = repo.dir() / "summary.md";
  auto r = repo.run({"plan", "--format", "github"}, {"GITHUB_STEP_SUMMARY=" + summary.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("<!-- rtksync plan: ", 0), 0U) << r.out;
  EXPECT_EQ(slurp(summary), r.out);
  auto unwritable = repo.run({"plan", "--format", "github"},
                             {"GITHUB_STEP_SUMMARY=" + (repo.dir() / "no/such/dir").string()});
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_TRUE(contains(unwritable.err, "GITHUB_STEP_SUMMARY")) << unwritable.err;
}

TEST(Conventions, StateMvKeepsTheMeetingWhenAKeyIsRenamed) {
  Repo repo;
  repo.meetings(kOne);
  ASSERT_EQ(repo.apply().exit_code, 0);
  const std::string id = repo.id_of("standup");
  std::string renamed = kOne;
  renamed.replace(renamed.find("standup:"), 8, "daily:");
  repo.meetings(renamed);
  auto mv = repo.run({"state", "mv", "standup", "daily"});
  ASSERT_EQ(mv.exit_code, 0) << mv.err;
  EXPECT_EQ(repo.id_of("daily"), id);
  const long before = writes(repo);
  auto plan = repo.run({"plan", "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_EQ(repo.apply().exit_code, 0);
  EXPECT_EQ(writes(repo), before);
  EXPECT_EQ(repo.all_meetings().size(), 1U);
  EXPECT_EQ(repo.run({"state", "mv", "nope", "other"}).exit_code, 1);
  EXPECT_EQ(repo.run({"state", "mv", "daily"}).exit_code, 1);
}

TEST(Conventions, RefreshOnlyRecordsWhatTheServerHoldsAndChangesNothing) {
  Repo repo;
  repo.meetings(kOne);
  ASSERT_EQ(repo.apply().exit_code, 0);
  const std::string id = repo.id_of("standup");
  repo.api("PATCH", "/meetings/" + id, {{"title", "Hacked"}});
  const long before = writes(repo);
  auto look = repo.run({"plan", "--refresh-only"});
  ASSERT_EQ(look.exit_code, 0) << look.err;
  EXPECT_TRUE(contains(look.out, "Would refresh the state's cached copy of 1 meeting")) << look.out;
  EXPECT_EQ(repo.state()["meetings"]["standup"]["object"]["title"], "Standup");
  auto record = repo.run({"apply", "--refresh-only"});  // no terminal, no --auto-approve
  ASSERT_EQ(record.exit_code, 0) << record.err;
  EXPECT_TRUE(contains(
      record.out,
      "Refreshed the state's cached copy of 1 meeting the server changed outside rtksync: standup"))
      << record.out;
  EXPECT_EQ(repo.state()["meetings"]["standup"]["object"]["title"], "Hacked");
  EXPECT_EQ(writes(repo), before);  // nothing changed on the server
  EXPECT_EQ(repo.run({"plan", "--detailed-exitcode"}).exit_code, 2);  // the drift is still shown
  auto again = repo.run({"plan", "--refresh-only", "--format", "json"});
  EXPECT_EQ(json::parse(again.out)["refreshed"], json::array()) << again.out;
}

// On a terminal (script(1) gives the command a pseudo-terminal) plan shows a progress line
// while it reads the server; with --quiet, or without a terminal, none.
TEST(Conventions, ATerminalShowsProgressWhileReadingTheServer) {
  Repo repo;
  repo.meetings(kOne);
  ASSERT_EQ(repo.apply().exit_code, 0);
  const std::vector<std::string> env{
      "CLOUDFLARE_API_BASE_URL=" + repo.emulator().base_url(),
      std::string("CLOUDFLARE_API_TOKEN=") + EmulatorProcess::kToken};
  const std::string plan = std::string(RTKSYNC_BIN) + " plan --refresh=full -c " +
                           (repo.dir() / "rtksync.yaml").string();
  auto shown = run_command({"/usr/bin/script", "-qec", plan, "/dev/null"}, env);
  EXPECT_EQ(shown.exit_code, 0) << shown.out;
  EXPECT_TRUE(contains(shown.out, "reading the server: 2/2")) << shown.out;
  auto quiet = run_command({"/usr/bin/script", "-qec", plan + " --quiet", "/dev/null"}, env);
  EXPECT_FALSE(contains(quiet.out, "reading the server")) << quiet.out;
  auto piped = repo.run({"plan", "--refresh=full"});
  EXPECT_FALSE(contains(piped.err + piped.out, "reading the server")) << piped.err;
}

// Issue 12 item 4: a plan over the request budget says how long its apply must take, and an
// apply the budget holds back says that it waits (a note line when stderr is no terminal).
TEST(Conventions, TheRequestBudgetsWaitsAreSaid) {
  Repo repo;
  repo.meetings(kOne);
  auto plan = repo.run({"plan", "--rate-limit", "2/3"});
  EXPECT_TRUE(contains(plan.out,
                       "Applying this plan makes about 4 API calls; the request budget (2 per 3 "
                       "s, --rate-limit) makes that take at least 3 s."))
      << plan.out;
  auto within = repo.run({"plan"});
  EXPECT_FALSE(contains(within.out, "request budget")) << within.out;
  // The list and the POST go at once; the marker PATCH waits for the window (waits of a
  // second or less are not worth a line).
  auto applied = repo.apply({"--rate-limit", "2/3"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_TRUE(contains(applied.err, "note: waiting "));
  EXPECT_TRUE(contains(applied.err, " s for the API's request budget (2 requests per 3 s)"))
      << applied.err;
}

// Colour only on a terminal, and never with NO_COLOR (https://no-color.org) or --no-color.
TEST(Conventions, ColourOnlyOnATerminalWithoutNoColor) {
  Repo repo;
  repo.meetings(kOne);
  std::vector<std::string> env{"CLOUDFLARE_API_BASE_URL=" + repo.emulator().base_url(),
                               std::string("CLOUDFLARE_API_TOKEN=") + EmulatorProcess::kToken};
  const std::string plan =
      std::string(RTKSYNC_BIN) + " plan -c " + (repo.dir() / "rtksync.yaml").string();
  const std::string escape = "\033[";
  auto coloured = run_command({"/usr/bin/script", "-qec", plan, "/dev/null"}, env);
  EXPECT_TRUE(contains(coloured.out, escape + "32m+ meeting standup")) << coloured.out;
  auto flag = run_command({"/usr/bin/script", "-qec", plan + " --no-color", "/dev/null"}, env);
  EXPECT_FALSE(contains(flag.out, escape + "32m")) << flag.out;
  env.emplace_back("NO_COLOR=1");
  auto variable = run_command({"/usr/bin/script", "-qec", plan, "/dev/null"}, env);
  EXPECT_FALSE(contains(variable.out, escape + "32m")) << variable.out;
  EXPECT_FALSE(contains(repo.run({"plan"}).out, escape));  // not a terminal
}

TEST(Conventions, MarkdownNamesItsTargetAndShowsDeactivationsAsRemovals) {
  Repo repo;
  repo.meetings(std::string(kOne) + "  old:\n    title: Old\n");
  ASSERT_EQ(repo.apply().exit_code, 0);
  repo.meetings(kOne);
  auto r = repo.run({"plan", "--format", "markdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string target = std::string(EmulatorProcess::kAccount) + "/" + EmulatorProcess::kApp;
  EXPECT_EQ(r.out.rfind("<!-- rtksync plan: " + target + " -->\n", 0), 0U) << r.out;
  EXPECT_TRUE(contains(r.out, "### rtksync plan: `" + target + "`")) << r.out;
  EXPECT_TRUE(contains(r.out, "- status: \"ACTIVE\" → \"INACTIVE\"")) << r.out;
  EXPECT_FALSE(contains(r.out, "! status")) << r.out;
}

}  // namespace
}  // namespace rtk::testing
