// tests/support/fake_api: api::Api in process, over the emulator's store (the same semantics
// the rtksync-emulator binary serves, without HTTP), and a decorator that injects the
// failures the network and the process can cause, at a chosen call. Deterministic.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "api/api.hpp"
#include "apply/tokens.hpp"
#include "emulator/store.hpp"

namespace rtk::testing {

using json = nlohmann::json;

inline constexpr const char* kFakeAccount = "acct";
inline constexpr const char* kFakeApp = "app";

class FakeApi final : public api::Api {
 public:
  explicit FakeApi(emulator::Store& store) : store_(store) {}

  api::ApiResult<std::vector<json>> list_meetings(const api::ListQuery& q) override;
  api::ApiResult<json> get_meeting(const std::string& id) override;
  api::ApiResult<json> create_meeting(const json& body) override;
  api::ApiResult<json> patch_meeting(const std::string& id, const json& body) override;
  api::ApiResult<json> put_meeting(const std::string& id, const json& body) override;
  api::ApiResult<std::vector<json>> list_participants(const std::string& meeting_id) override;
  api::ApiResult<json> add_participant(const std::string& meeting_id, const json& body) override;
  api::ApiResult<json> edit_participant(const std::string& meeting_id, const std::string& pid,
                                        const json& body) override;
  api::ApiResult<json> delete_participant(const std::string& meeting_id,
                                          const std::string& pid) override;
  api::ApiResult<json> refresh_token(const std::string& meeting_id,
                                     const std::string& pid) override;
  [[nodiscard]] api::CallStats stats() const override;
  [[nodiscard]] int parallelism() const override { return 1; }

 private:
  api::ApiResult<json> answer(const char* method, const std::string& route,
                              const emulator::Reply& reply);
  api::ApiResult<std::vector<json>> all_pages(
      const std::string& route, const std::function<emulator::Reply(const emulator::Query&)>& get);

  emulator::Store& store_;
  emulator::Target target_{kFakeAccount, kFakeApp};
  mutable std::mutex mu_;
  api::CallStats stats_;
};

// Passes every call to another Api: a base for decorators that change one behaviour.
class ForwardingApi : public api::Api {
 public:
  explicit ForwardingApi(api::Api& inner) : inner_(inner) {}

  api::ApiResult<std::vector<json>> list_meetings(const api::ListQuery& q) override {
    return inner_.list_meetings(q);
  }
  api::ApiResult<json> get_meeting(const std::string& id) override {
    return inner_.get_meeting(id);
  }
  api::ApiResult<json> create_meeting(const json& b) override { return inner_.create_meeting(b); }
  api::ApiResult<json> patch_meeting(const std::string& i, const json& b) override {
    return inner_.patch_meeting(i, b);
  }
  api::ApiResult<json> put_meeting(const std::string& i, const json& b) override {
    return inner_.put_meeting(i, b);
  }
  api::ApiResult<std::vector<json>> list_participants(const std::string& i) override {
    return inner_.list_participants(i);
  }
  api::ApiResult<json> add_participant(const std::string& i, const json& b) override {
    return inner_.add_participant(i, b);
  }
  api::ApiResult<json> edit_participant(const std::string& i, const std::string& p,
                                        const json& b) override {
    return inner_.edit_participant(i, p, b);
  }
  api::ApiResult<json> delete_participant(const std::string& i, const std::string& p) override {
    return inner_.delete_participant(i, p);
  }
  api::ApiResult<json> refresh_token(const std::string& i, const std::string& p) override {
    return inner_.refresh_token(i, p);
  }
  [[nodiscard]] api::CallStats stats() const override { return inner_.stats(); }
  [[nodiscard]] int parallelism() const override { return inner_.parallelism(); }

 private:
  api::Api& inner_;
};

// Thrown by FaultyApi to end an apply the way SIGKILL would: nothing after it runs.
struct SimulatedCrash {};

enum class Fault {
  None,
  ErrorBefore,  // the request never reaches the server: a transport error
  LostAfter,    // the server acts, the answer is lost (POST: OutcomeUnknown)
  CrashBefore,  // the process dies before the request leaves
  CrashAfter,   // the server acts, the process dies before reading the answer
  NoData,       // the server acts and answers success without `data`
};
const char* to_string(Fault f);

// Injects `fault` at the `at`-th mutating call (0-based; GETs and lists are not counted).
// After a crash every call throws, as a dead process makes no calls.
class FaultyApi final : public api::Api {
 public:
  FaultyApi(api::Api& inner, Fault fault, int at) : inner_(inner), fault_(fault), at_(at) {}

  api::ApiResult<std::vector<json>> list_meetings(const api::ListQuery& q) override;
  api::ApiResult<json> get_meeting(const std::string& id) override;
  api::ApiResult<json> create_meeting(const json& body) override;
  api::ApiResult<json> patch_meeting(const std::string& id, const json& body) override;
  api::ApiResult<json> put_meeting(const std::string& id, const json& body) override;
  api::ApiResult<std::vector<json>> list_participants(const std::string& meeting_id) override;
  api::ApiResult<json> add_participant(const std::string& meeting_id, const json& body) override;
  api::ApiResult<json> edit_participant(const std::string& meeting_id, const std::string& pid,
                                        const json& body) override;
  api::ApiResult<json> delete_participant(const std::string& meeting_id,
                                          const std::string& pid) override;
  api::ApiResult<json> refresh_token(const std::string& meeting_id,
                                     const std::string& pid) override;
  [[nodiscard]] api::CallStats stats() const override { return inner_.stats(); }
  [[nodiscard]] int parallelism() const override { return 1; }

  [[nodiscard]] int mutations() const { return seen_; }
  [[nodiscard]] bool fired() const { return fired_; }

 private:
  api::ApiResult<json> mutate(const char* method, bool at_most_once,
                              const std::function<api::ApiResult<json>()>& call);
  void check_alive() const;

  api::Api& inner_;
  Fault fault_;
  int at_;
  int seen_ = 0;
  bool fired_ = false;
  bool dead_ = false;
};

// A durable in-memory tokens sink: the last token written per (meeting key, participant).
class MemoryTokenSink final : public apply::TokenSink {
 public:
  Result<Unit> open() override { return Unit{}; }
  Result<Unit> write(const apply::IssuedToken& t) override;
  [[nodiscard]] std::map<std::pair<std::string, std::string>, std::string> last() const;
  bool fail_writes = false;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::string> last_;
};

}  // namespace rtk::testing
