// api/api: the seam between rtksync and the RealtimeKit API: the operations of seed 001 that
// rtksync uses, as an interface. The libcurl client (api/client) implements it for real; tests
// implement it in process over the emulator's store, and decorate it to inject faults
// (tests/support).
//
// Answers: a success is the envelope's `data`. The reference marks `data` optional on the
// create, PATCH, PUT, add, edit and delete answers; when it is absent the value is JSON null
// and the caller reads the object back instead of guessing. List answers always carry data.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.hpp"

namespace rtk::api {

using json = nlohmann::json;

struct CallStats {
  std::map<std::string, long> calls;  // "GET /meetings/{meeting_id}" -> requests sent
  long total = 0;
  long retries = 0;
};

struct ListQuery {
  std::string search;  // the API's `search`: matches a meeting's id or title
  std::string status;  // ACTIVE, INACTIVE or "" for any
};

class Api {
 public:
  virtual ~Api() = default;
  Api() = default;
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;
  Api(Api&&) = delete;
  Api& operator=(Api&&) = delete;

  virtual ApiResult<std::vector<json>> list_meetings(const ListQuery& q) = 0;
  virtual ApiResult<json> get_meeting(const std::string& id) = 0;
  virtual ApiResult<json> create_meeting(const json& body) = 0;
  virtual ApiResult<json> patch_meeting(const std::string& id, const json& body) = 0;
  virtual ApiResult<json> put_meeting(const std::string& id, const json& body) = 0;

  virtual ApiResult<std::vector<json>> list_participants(const std::string& meeting_id) = 0;
  virtual ApiResult<json> add_participant(const std::string& meeting_id, const json& body) = 0;
  virtual ApiResult<json> edit_participant(const std::string& meeting_id, const std::string& pid,
                                           const json& body) = 0;
  virtual ApiResult<json> delete_participant(const std::string& meeting_id,
                                             const std::string& pid) = 0;
  virtual ApiResult<json> refresh_token(const std::string& meeting_id, const std::string& pid) = 0;

  [[nodiscard]] virtual CallStats stats() const = 0;
  // How many requests may be in flight at once: the bound the caller's pool should use.
  [[nodiscard]] virtual int parallelism() const = 0;
};

}  // namespace rtk::api
