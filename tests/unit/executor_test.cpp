// The executor under every failure at every operation, driven in process through the API seam:
// an apply that does every kind of operation is crashed, cut off or answered oddly at each of
// its mutating requests in turn, then re-run. Afterwards: no duplicate, nothing lost, every
// live join token delivered, and the next plan empty. The oracle is the emulator store's dump.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "apply/executor.hpp"
#include "apply/steps.hpp"
#include "config/loader.hpp"
#include "model/create_marker.hpp"
#include "support/fake_api.hpp"

namespace rtk::testing {
namespace {

namespace fs = std::filesystem;

const char* const kBefore = R"(meetings:
  keep:
    title: Keep
    participants:
      - { custom_participant_id: edited, name: Before, preset_name: host }
      - { custom_participant_id: removed, preset_name: guest }
      - { custom_participant_id: rotated, preset_name: guest }
  replaced:
    title: Replaced
    recording_config: { max_seconds: 600 }
  retired:
    title: Retired
)";

// Every kind of operation: create, create + status, PATCH, PUT + status, deactivate, and
// participant add, edit, remove and token rotation.
const char* const kAfter = R"(meetings:
  keep:
    title: Keep 2
    participants:
      - { custom_participant_id: edited, name: After, preset_name: host }
      - { custom_participant_id: rotated, preset_name: guest, token_rotation: 1 }
      - { custom_participant_id: added, preset_name: guest }
  replaced:
    title: Replaced
    status: INACTIVE
    recording_config: { max_seconds: 900 }
  fresh:
    title: Fresh
    participants:
      - { custom_participant_id: p1, preset_name: host }
      - { custom_participant_id: p2, preset_name: guest }
  dormant:
    title: Dormant
    status: INACTIVE
)";

struct ApplyOutcome {
  bool crashed = false;
  apply::ApplyReport report;
  int mutations = 0;
};

class World {
 public:
  World() : store_(emulator::StoreOptions{.apps = {{kFakeAccount, kFakeApp}}}), api_(store_) {
    // tmpfs when there is one: these tests count on fsync being correct, not on its speed.
    const fs::path base =
        fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    dir_ = base / ("rtksync-executor-" + model_random());
    fs::create_directories(dir_);
    project_.root = dir_.string();
    project_.account_id = kFakeAccount;
    project_.app_id = kFakeApp;
  }
  ~World() { fs::remove_all(dir_); }
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  World(World&&) = delete;
  World& operator=(World&&) = delete;

  model::DesiredState desired(const char* yaml) const {
    model::DesiredState d;
    config::Diagnostics diags;
    config::load_meeting_text(yaml, "m.yaml", project_, config::process_env(), d, diags);
    EXPECT_FALSE(diags.has_errors());
    return d;
  }

  std::string state_path() const { return (dir_ / "state.json").string(); }

  // The apply command's steps, with an injected fault; a simulated crash ends it where it is.
  ApplyOutcome apply(const char* yaml, Fault fault = Fault::None, int at = -1,
                     std::unique_ptr<state::JournalFile> journal = nullptr) {
    ApplyOutcome out;
    FaultyApi api(api_, fault, at);
    current_ = &api;
    auto loaded = state::load(state_path(), kFakeAccount, kFakeApp);
    EXPECT_TRUE(loaded.ok()) << loaded.error().message;
    try {
      if (!apply::resolve_earlier_creates(api, *loaded)) return out;
      state::Store store(state_path(), std::move(loaded).value(), std::move(journal));
      EXPECT_TRUE(store.open().ok());
      auto planned = apply::observe_and_plan(api, project_, desired(yaml), store.snapshot(), {});
      EXPECT_TRUE(planned.ok()) << planned.error().message();
      if (!planned) return out;
      EXPECT_TRUE(planned->plan.errors.empty()) << planned->plan.errors.front();
      EXPECT_TRUE(apply::refresh_state(store, planned->plan, &planned->observed).ok());
      apply::ApplyOptions options{.root = project_.root,
                                  .env = config::process_env(),
                                  .parallelism = 1,
                                  .tokens = keep_tokens ? &sink : nullptr};
      out.report = apply::execute(planned->plan, api, store, options, nullptr);
      (void)store.fold();  // a full disk may refuse this too; the journal keeps what it has
    } catch (const SimulatedCrash&) {
      out.crashed = true;
    }
    out.mutations = api.mutations();
    current_ = nullptr;
    return out;
  }

  plan::Plan plan(const char* yaml) {
    auto loaded = state::load(state_path(), kFakeAccount, kFakeApp);
    EXPECT_TRUE(loaded.ok());
    EXPECT_TRUE(apply::resolve_earlier_creates(api_, *loaded).ok());
    auto planned = apply::observe_and_plan(api_, project_, desired(yaml), *loaded, {});
    EXPECT_TRUE(planned.ok());
    return planned ? planned->plan : plan::Plan{};
  }

  // Applies until the plan is empty (bounded); returns the number of applies it took.
  int converge(const char* yaml) {
    for (int runs = 1; runs <= 4; ++runs) {
      apply(yaml);
      if (!plan(yaml).has_changes()) return runs;
    }
    return 99;
  }

  json dump() const { return store_.dump()["apps"][0]["meetings"]; }
  FakeApi& api() { return api_; }
  // Mutating requests the apply under way has sent so far.
  int mutations_so_far() const { return current_ != nullptr ? current_->mutations() : -1; }
  state::State state() const { return *state::load(state_path(), kFakeAccount, kFakeApp); }

  MemoryTokenSink sink;
  bool keep_tokens = true;  // false: apply without --tokens-out

 private:
  static std::string model_random() {
    static int n = 0;
    return std::to_string(::getpid()) + "-" + std::to_string(++n);
  }

  emulator::Store store_;
  FakeApi api_;
  const FaultyApi* current_ = nullptr;
  model::Project project_;
  fs::path dir_;
};

// The server holds exactly what kAfter describes, once, and every live token was delivered.
void expect_converged(World& w, const std::string& trace) {
  SCOPED_TRACE(trace);
  const auto desired = w.desired(kAfter);
  const auto state = w.state();
  EXPECT_TRUE(state.intents.empty());
  std::map<std::string, std::string> key_of;  // id -> key
  for (const auto& [key, ms] : state.meetings) key_of[ms.id] = key;
  std::multiset<std::string> titles;
  const auto tokens = w.sink.last();
  for (const auto& m : w.dump()) {
    const std::string title = m["meeting"].value("title", "");
    titles.insert(title);
    EXPECT_EQ(model::create_nonce_of(title), "") << "a create marker was left: " << title;
    const std::string key = key_of[m["meeting"]["id"].get<std::string>()];
    ASSERT_FALSE(key.empty()) << "a meeting no key is bound to: " << title;
    std::set<std::string> people;
    for (const auto& p : m["participants"]) {
      const std::string cpid = p["custom_participant_id"];
      EXPECT_TRUE(people.insert(cpid).second) << "duplicate participant " << cpid;
      auto t = tokens.find({key, cpid});
      ASSERT_NE(t, tokens.end()) << "no token delivered for " << key << "/" << cpid;
      EXPECT_EQ(t->second, p["token"])
          << "the delivered token of " << key << "/" << cpid << " is not the live one";
    }
    auto want = desired.meetings.find(key);
    if (want == desired.meetings.end()) continue;  // retired
    std::set<std::string> wanted;
    for (const auto& [cpid, p] : want->second.participants) wanted.insert(cpid);
    EXPECT_EQ(people, wanted) << key;
  }
  for (const auto& t : titles) EXPECT_EQ(titles.count(t), 1U) << "duplicate meeting " << t;
  EXPECT_EQ(titles.size(), 5U);
  EXPECT_FALSE(w.plan(kAfter).has_changes());
}

TEST(Executor, TheScenarioDoesEveryKindOfOperation) {
  World w;
  ASSERT_EQ(w.converge(kBefore), 1);
  auto p = w.plan(kAfter);
  std::set<plan::OpKind> kinds;
  for (const auto& mp : p.meetings) {
    for (const auto& op : mp.ops) kinds.insert(op.kind);
  }
  EXPECT_EQ(kinds.size(), 8U);
  auto run = w.apply(kAfter);
  EXPECT_EQ(run.report.failed, 0);
  EXPECT_EQ(run.report.unrecorded, 0);
  expect_converged(w, "fault-free");
}

TEST(Executor, EveryFaultAtEveryMutationConverges) {
  int mutations = 0;
  {
    World w;
    w.converge(kBefore);
    mutations = w.apply(kAfter).mutations;
  }
  ASSERT_GE(mutations, 12);
  for (Fault fault : {Fault::ErrorBefore, Fault::LostAfter, Fault::CrashBefore, Fault::CrashAfter,
                      Fault::NoData}) {
    for (int at = 0; at < mutations; ++at) {
      const std::string trace =
          std::string(to_string(fault)) + " at mutation " + std::to_string(at);
      World w;
      ASSERT_EQ(w.converge(kBefore), 1);
      auto faulty = w.apply(kAfter, fault, at);
      EXPECT_EQ(faulty.crashed, fault == Fault::CrashBefore || fault == Fault::CrashAfter) << trace;
      EXPECT_LE(w.converge(kAfter), 3) << trace;
      expect_converged(w, trace);
    }
  }
}

// A journal on a disk that fills up after `room` appends; writes how many mutating requests
// had been sent when it first failed into *failed_at (which outlives the journal: the store
// that owns the journal is gone when the test looks).
class FillingJournal final : public state::JournalFile {
 public:
  FillingJournal(const World& w, int room, int* failed_at)
      : world_(w),
        file_(state::open_file_journal(w.state_path() + ".journal")),
        room_(room),
        failed_at_(failed_at) {}
  Result<Unit> append(const std::string& line) override {
    if (room_-- > 0) return file_->append(line);
    if (*failed_at_ < 0) *failed_at_ = world_.mutations_so_far();
    return Error{"injected: No space left on device"};
  }
  Result<Unit> clear() override { return file_->clear(); }

 private:
  const World& world_;
  std::unique_ptr<state::JournalFile> file_;
  int room_;
  int* failed_at_;
};

TEST(Executor, AFullDiskStopsFurtherMutationAndNothingIsDuplicated) {
  World probe;
  probe.converge(kBefore);
  const int mutations = probe.apply(kAfter).mutations;
  for (int room = 1; room < mutations + 4; ++room) {
    const std::string trace = "journal full after " + std::to_string(room) + " appends";
    World w;
    ASSERT_EQ(w.converge(kBefore), 1);
    int failed_at = -1;
    auto run =
        w.apply(kAfter, Fault::None, -1, std::make_unique<FillingJournal>(w, room, &failed_at));
    // Once the journal failed, no further mutating request left (parallelism 1: the one in
    // flight had already been sent), and the one it failed to record is reported.
    if (failed_at >= 0) {
      EXPECT_EQ(run.mutations, failed_at) << trace;
      EXPECT_LE(run.report.unrecorded, 1) << trace;
    }
    EXPECT_LE(w.converge(kAfter), 3) << trace;
    expect_converged(w, trace);
  }
}

TEST(Executor, AFailedTokensWriteIsReportedAndTheTokenRotatedNextRun) {
  World w;
  ASSERT_EQ(w.converge(kBefore), 1);
  w.sink.fail_writes = true;
  auto run = w.apply(kAfter);
  EXPECT_GT(run.report.unrecorded, 0);
  EXPECT_GT(run.report.tokens_undelivered, 0);
  w.sink.fail_writes = false;
  auto p = w.plan(kAfter);
  int redeliveries = 0;
  for (const auto& mp : p.meetings) {
    for (const auto& op : mp.ops) redeliveries += op.redeliver ? 1 : 0;
  }
  EXPECT_GT(redeliveries, 0);
  EXPECT_LE(w.converge(kAfter), 3);
  expect_converged(w, "tokens file failed once");
}

// Without a tokens file, rotating an undelivered token would only lose the new one too, on
// every apply: those rotations wait for a run that keeps tokens.
TEST(Executor, UndeliveredTokensWaitForARunThatKeepsThem) {
  World w;
  ASSERT_EQ(w.converge(kBefore), 1);
  w.sink.fail_writes = true;
  w.apply(kAfter);
  w.sink.fail_writes = false;
  w.keep_tokens = false;
  auto without = w.apply(kAfter);
  EXPECT_EQ(without.report.failed, 0);
  EXPECT_GT(without.report.skipped, 0);
  EXPECT_TRUE(w.plan(kAfter).has_changes()) << "the undelivered tokens are still owed";
  w.keep_tokens = true;
  EXPECT_LE(w.converge(kAfter), 2);
  expect_converged(w, "delivered by a later run with a tokens file");
}

TEST(Executor, WithoutATokensSinkTokensAreCountedNotKept) {
  World w;
  ASSERT_EQ(w.converge(kBefore), 1);
  auto loaded = state::load(w.state_path(), kFakeAccount, kFakeApp);
  state::Store store(w.state_path(), std::move(loaded).value());
  ASSERT_TRUE(store.open().ok());
  auto planned =
      apply::observe_and_plan(w.api(), model::Project{}, w.desired(kAfter), store.snapshot(), {});
  ASSERT_TRUE(planned.ok());
  apply::ApplyOptions options{.parallelism = 1, .tokens = nullptr};
  auto report = apply::execute(planned->plan, w.api(), store, options, nullptr);
  EXPECT_EQ(report.tokens_kept, 0);
  EXPECT_EQ(report.tokens_not_kept, 5);  // edited, rotated, added, p1, p2
  EXPECT_TRUE(store.snapshot().meetings["keep"].undelivered_tokens.empty());
}

}  // namespace
}  // namespace rtk::testing
