// Resilience: repeated applies under injected 5xx and dropped connections, and applies
// killed with SIGKILL at seeded points. Afterwards: no duplicate meetings, no lost
// participants, a state file that parses, and an empty plan.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "support/repo.hpp"

namespace rtk::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kFast{"--retry-base-ms", "1",        "--max-retries", "8",
                                     "--rate-limit",    "1000000/1"};

// Every title once, and every example participant present.
void expect_examples_converged(Repo& repo) {
  auto meetings = repo.all_meetings();
  std::multiset<std::string> titles;
  for (const auto& m : meetings) titles.insert(m.value("title", ""));
  for (const auto& t : titles) EXPECT_EQ(titles.count(t), 1U) << "duplicate meeting titled " << t;
  EXPECT_EQ(titles.size(), 4U);
  size_t participants = 0;
  for (const auto& m : meetings) {
    const json listed =
        repo.api("GET", "/meetings/" + m["id"].get<std::string>() + "/participants?per_page=100");
    participants += listed["data"].size();
  }
  EXPECT_EQ(participants, 12U);
  auto state = repo.state();
  ASSERT_FALSE(state.is_discarded()) << "state file does not parse";
  EXPECT_TRUE(state["intents"].empty());
  auto plan = repo.run({"plan", "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
}

TEST(Resilience, RepeatedAppliesConvergeUnderInjectedFaults) {
  Repo repo({"--error-rate", "0.2", "--drop-rate", "0.05", "--seed", "42"});
  repo.copy_examples();
  auto args = kFast;
  int runs = 0;
  for (; runs < 12; ++runs) {
    auto apply = repo.apply(args);
    if (apply.exit_code == 0) {
      auto check =
          repo.run({"plan", "--detailed-exitcode", "--retry-base-ms", "1", "--max-retries", "8"});
      if (check.exit_code == 0) break;
    }
  }
  EXPECT_LT(runs, 12) << "did not converge";
  auto stats = repo.stats()["routes"];
  long injected = 0;
  for (const auto& [route, s] : stats.items()) {
    for (const auto& [outcome, n] : s["outcomes"].items()) {
      if (outcome.find("503") != std::string::npos || outcome.find("dropped") != std::string::npos)
        injected += n.get<long>();
    }
  }
  EXPECT_GT(injected, 0);  // faults really happened
  // Check the result on a well-behaved emulator view: the admin dump is fault-free.
  httplib::Client http("127.0.0.1", repo.emulator().port());
  auto dump = json::parse(http.Get("/__emulator/dump")->body);
  std::multiset<std::string> titles;
  size_t participants = 0;
  for (const auto& app : dump["apps"]) {
    for (const auto& m : app["meetings"]) {
      titles.insert(m["meeting"].value("title", ""));
      participants += m["participants"].size();
    }
  }
  EXPECT_EQ(titles.size(), 4U);
  for (const auto& t : titles) EXPECT_EQ(titles.count(t), 1U) << "duplicate meeting titled " << t;
  EXPECT_EQ(participants, 12U);
}

TEST(Resilience, KilledAppliesRecoverWithoutDuplicates) {
  Repo repo;
  repo.copy_examples();
  const int trials = 30;
  int killed = 0;
  int recovered_creates = 0;
  for (int seed = 1; seed <= trials; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    repo.reset();
    std::filesystem::remove_all(repo.dir() / ".rtksync");
    std::mt19937 rng(static_cast<unsigned>(seed));
    int kill_after = 1 + static_cast<int>(rng() % 22);  // the full apply takes 21 responses
    auto crashed =
        repo.apply({}, {"RTKSYNC_TEST_KILL_AFTER_RESPONSES=" + std::to_string(kill_after)});
    ASSERT_TRUE(crashed.exit_code == 137 || crashed.exit_code == 0)
        << crashed.exit_code << crashed.err;
    killed += crashed.exit_code == 137 ? 1 : 0;
    auto state = repo.state();
    if (std::filesystem::exists(repo.dir() / ".rtksync/state.json")) {
      ASSERT_FALSE(state.is_discarded()) << "state file torn by the kill";
    }
    auto rerun = repo.apply();
    ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
    if (rerun.err.find("an interrupted create had succeeded") != std::string::npos)
      ++recovered_creates;
    expect_examples_converged(repo);
  }
  EXPECT_GE(killed, 25);
  EXPECT_GT(recovered_creates, 0);  // some kills fell between a create's answer and its journal
}

TEST(Resilience, PartialFailureIsSummarisedAndARerunFinishes) {
  // No retries against an emulator failing half its requests: some operations fail, their
  // dependents are skipped, the rest is done and journaled; reruns with retries finish.
  bool saw_partial = false;
  for (int seed = 1; seed <= 20 && !saw_partial; ++seed) {
    Repo repo({"--error-rate", "0.5", "--seed", std::to_string(seed)});
    repo.copy_examples();
    auto first = repo.apply({"--max-retries", "0", "--parallelism", "1"});
    if (first.exit_code != 1 || first.out.find("Apply incomplete:") == std::string::npos) continue;
    saw_partial = true;
    EXPECT_NE(first.out.find("failed: "), std::string::npos) << first.out;
    EXPECT_NE(first.out.find("service temporarily unavailable"), std::string::npos) << first.out;
    EXPECT_NE(first.out.find("Run apply again to finish"), std::string::npos);
    int runs = 0;
    while (runs++ < 10 && repo.apply(kFast).exit_code != 0) {
    }
    EXPECT_LE(runs, 10);
    httplib::Client http("127.0.0.1", repo.emulator().port());
    auto dump = json::parse(http.Get("/__emulator/dump")->body);
    std::multiset<std::string> titles;
    for (const auto& m : dump["apps"][0]["meetings"])
      titles.insert(m["meeting"].value("title", ""));
    EXPECT_EQ(titles.size(), 4U);
    for (const auto& t : titles) EXPECT_EQ(titles.count(t), 1U) << t;
  }
  EXPECT_TRUE(saw_partial) << "no seed produced a partial failure";
}

}  // namespace
}  // namespace rtk::testing
