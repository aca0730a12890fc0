#include "support/fake_api.hpp"

namespace rtk::testing {

using api::ApiError;
using api::ApiResult;

api::ApiResult<json> FakeApi::answer(const char* method, const std::string& route,
                                     const emulator::Reply& reply) {
  {
    std::lock_guard lock(mu_);
    ++stats_.calls[std::string(method) + " " + route];
    ++stats_.total;
  }
  if (reply.status < 200 || reply.status >= 300) {
    return api::error_from_response(reply.status, reply.body.dump(), method, route);
  }
  return reply.body.contains("data") ? reply.body["data"] : json();
}

ApiResult<std::vector<json>> FakeApi::all_pages(
    const std::string& route, const std::function<emulator::Reply(const emulator::Query&)>& get) {
  std::vector<json> out;
  for (int page = 1;; ++page) {
    emulator::Reply r = get({{"page_no", std::to_string(page)}, {"per_page", "100"}});
    auto data = answer("GET", route, r);
    if (!data) return data.error();
    for (auto& item : *data) out.push_back(std::move(item));
    if (data->empty() || out.size() >= r.body["paging"]["total_count"].get<size_t>()) return out;
  }
}

ApiResult<std::vector<json>> FakeApi::list_meetings(const api::ListQuery& q) {
  return all_pages("/meetings", [&](emulator::Query query) {
    if (!q.search.empty()) query["search"] = q.search;
    if (!q.status.empty()) query["status"] = q.status;
    return store_.list_meetings(target_, query);
  });
}
ApiResult<json> FakeApi::get_meeting(const std::string& id) {
  return answer("GET", "/meetings/{id}", store_.get_meeting(target_, id));
}
ApiResult<json> FakeApi::create_meeting(const json& body) {
  return answer("POST", "/meetings", store_.create_meeting(target_, body.dump()));
}
ApiResult<json> FakeApi::patch_meeting(const std::string& id, const json& body) {
  return answer("PATCH", "/meetings/{id}", store_.patch_meeting(target_, id, body.dump()));
}
ApiResult<json> FakeApi::put_meeting(const std::string& id, const json& body) {
  return answer("PUT", "/meetings/{id}", store_.put_meeting(target_, id, body.dump()));
}
ApiResult<std::vector<json>> FakeApi::list_participants(const std::string& meeting_id) {
  return all_pages("/meetings/{id}/participants", [&](const emulator::Query& query) {
    return store_.list_participants(target_, meeting_id, query);
  });
}
ApiResult<json> FakeApi::add_participant(const std::string& meeting_id, const json& body) {
  return answer("POST", "/meetings/{id}/participants",
                store_.add_participant(target_, meeting_id, body.dump()));
}
ApiResult<json> FakeApi::edit_participant(const std::string& meeting_id, const std::string& pid,
                                          const json& body) {
  return answer("PATCH", "/meetings/{id}/participants/{pid}",
                store_.edit_participant(target_, meeting_id, pid, body.dump()));
}
ApiResult<json> FakeApi::delete_participant(const std::string& meeting_id, const std::string& pid) {
  return answer("DELETE", "/meetings/{id}/participants/{pid}",
                store_.delete_participant(target_, meeting_id, pid));
}
ApiResult<json> FakeApi::refresh_token(const std::string& meeting_id, const std::string& pid) {
  return answer("POST", "/meetings/{id}/participants/{pid}/token",
                store_.refresh_token(target_, meeting_id, pid));
}
api::CallStats FakeApi::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

const char* to_string(Fault f) {
  switch (f) {
    case Fault::None:
      return "none";
    case Fault::ErrorBefore:
      return "error-before";
    case Fault::LostAfter:
      return "lost-after";
    case Fault::CrashBefore:
      return "crash-before";
    case Fault::CrashAfter:
      return "crash-after";
    case Fault::NoData:
      return "no-data";
  }
  return "?";
}

void FaultyApi::check_alive() const {
  if (dead_) throw SimulatedCrash{};
}

ApiResult<json> FaultyApi::mutate(const char* method, bool at_most_once,
                                  const std::function<ApiResult<json>()>& call) {
  check_alive();
  if (seen_++ != at_ || fault_ == Fault::None) return call();
  fired_ = true;
  ApiError lost;
  lost.method = method;
  lost.path = "(injected)";
  switch (fault_) {
    case Fault::ErrorBefore:
      lost.kind = ApiError::Kind::Transport;
      lost.detail = "injected: connection refused";
      return lost;
    case Fault::CrashBefore:
      dead_ = true;
      throw SimulatedCrash{};
    case Fault::CrashAfter:
      (void)call();
      dead_ = true;
      throw SimulatedCrash{};
    case Fault::LostAfter:
      (void)call();
      lost.kind = at_most_once ? ApiError::Kind::OutcomeUnknown : ApiError::Kind::Transport;
      lost.detail = "injected: the answer was lost";
      return lost;
    case Fault::NoData: {
      auto r = call();
      if (!r) return r;
      return json();
    }
    case Fault::None:
      break;
  }
  return call();
}

ApiResult<std::vector<json>> FaultyApi::list_meetings(const api::ListQuery& q) {
  check_alive();
  return inner_.list_meetings(q);
}
ApiResult<json> FaultyApi::get_meeting(const std::string& id) {
  check_alive();
  return inner_.get_meeting(id);
}
ApiResult<json> FaultyApi::create_meeting(const json& body) {
  return mutate("POST", true, [&] { return inner_.create_meeting(body); });
}
ApiResult<json> FaultyApi::patch_meeting(const std::string& id, const json& body) {
  return mutate("PATCH", false, [&] { return inner_.patch_meeting(id, body); });
}
ApiResult<json> FaultyApi::put_meeting(const std::string& id, const json& body) {
  return mutate("PUT", false, [&] { return inner_.put_meeting(id, body); });
}
ApiResult<std::vector<json>> FaultyApi::list_participants(const std::string& meeting_id) {
  check_alive();
  return inner_.list_participants(meeting_id);
}
ApiResult<json> FaultyApi::add_participant(const std::string& meeting_id, const json& body) {
  return mutate("POST", true, [&] { return inner_.add_participant(meeting_id, body); });
}
ApiResult<json> FaultyApi::edit_participant(const std::string& meeting_id, const std::string& pid,
                                            const json& body) {
  return mutate("PATCH", false, [&] { return inner_.edit_participant(meeting_id, pid, body); });
}
ApiResult<json> FaultyApi::delete_participant(const std::string& meeting_id,
                                              const std::string& pid) {
  return mutate("DELETE", false, [&] { return inner_.delete_participant(meeting_id, pid); });
}
ApiResult<json> FaultyApi::refresh_token(const std::string& meeting_id, const std::string& pid) {
  return mutate("POST", false, [&] { return inner_.refresh_token(meeting_id, pid); });
}

Result<Unit> MemoryTokenSink::write(const apply::IssuedToken& t) {
  std::lock_guard lock(mu_);
  if (fail_writes) return Error{"injected: the tokens file cannot be written"};
  last_[{t.meeting_key, t.custom_participant_id}] = t.token;
  return Unit{};
}

std::map<std::pair<std::string, std::string>, std::string> MemoryTokenSink::last() const {
  std::lock_guard lock(mu_);
  return last_;
}

}  // namespace rtk::testing
