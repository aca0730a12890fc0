#include "emulator/store.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "emulator/request_rules.hpp"
#include "model/iso_time.hpp"
#include "model/json_path.hpp"
#include "model/projection.hpp"
#include "model/validate.hpp"

namespace rtk::emulator {
namespace {

using model::Resource;

}  // namespace

bool set_quirk(Quirks& q, const std::string& name) {
  if (name == "coarse-updated-at") return q.coarse_updated_at = true;
  if (name == "hide-inactive") return q.hide_inactive = true;
  if (name == "no-data") return q.no_data = true;
  if (name == "nested-defaults") return q.nested_defaults = true;
  if (name == "patch-merge") return q.patch_merge = true;
  return false;
}

Reply error_reply(int status, const std::string& message) {
  return Reply{status,
               json{{"success", false}, {"error", {{"code", status}, {"message", message}}}}};
}

Store::Store(StoreOptions options) : options_(std::move(options)), rng_(options_.seed) {
  for (const auto& app : options_.apps) apps_[app];
}

std::string Store::now_iso() {
  // Strictly increasing, so every change moves updated_at.
  last_ms_ = std::max<int64_t>(model::now_ms(), last_ms_ + 1);
  return model::iso_time(last_ms_);
}

std::string Store::new_uuid() {
  uint64_t a = rng_();
  uint64_t b = rng_();
  a = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFFF),
                static_cast<unsigned>(b >> 48),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::string Store::new_token() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out = "rtk_tok_";
  for (int i = 0; i < 40; ++i) out += kAlphabet[rng_() % (sizeof kAlphabet - 1)];
  return out;
}

Reply Store::written(json data, int status) const {
  if (options_.quirks.no_data) return Reply{status, json{{"success", true}}};
  return ok(std::move(data), status);
}

void Store::settle(json& meeting) const {
  if (options_.quirks.nested_defaults)
    meeting = model::with_nested_defaults(Resource::Meeting, meeting);
  model::apply_server_choices(meeting);
}

void Store::touch(json& after, const json& before) {
  if (options_.quirks.coarse_updated_at && !top_level_scalars_differ(after, before)) return;
  after["updated_at"] = now_iso();
}

Store::App* Store::find_app(const Target& t) {
  auto it = apps_.find({t.account_id, t.app_id});
  return it == apps_.end() ? nullptr : &it->second;
}

Store::Meeting* Store::find_meeting(const Target& t, const std::string& id, Reply& err) {
  App* app = find_app(t);
  if (app == nullptr) {
    err = error_reply(404, "app " + t.app_id + " not found in account " + t.account_id);
    return nullptr;
  }
  if (!is_uuid(id)) {
    err = error_reply(400, "meeting_id must be a UUID");
    return nullptr;
  }
  auto it = app->find(id);
  if (it == app->end()) {
    err = error_reply(404, "meeting " + id + " not found");
    return nullptr;
  }
  return &it->second;
}

Store::Participant* Store::find_participant(Meeting& m, const std::string& pid, Reply& err) {
  auto it = m.participants.find(pid);
  if (it != m.participants.end()) return &it->second;
  err = error_reply(404, "participant " + pid + " not found");
  return nullptr;
}

Reply Store::page(const std::vector<json>& items, const Query& q) const {
  int page_no = 1;
  int per_page = 20;
  if (!parse_paging(q, "page_no", 1, page_no)) {
    return error_reply(400, "page_no must be a number >= 0");
  }
  if (!parse_paging(q, "per_page", 20, per_page)) {
    return error_reply(400, "per_page must be a number >= 0");
  }
  per_page = std::min(per_page, options_.max_per_page);
  size_t start = static_cast<size_t>(page_no - 1) * static_cast<size_t>(per_page);
  json data = json::array();
  for (size_t i = start; i < items.size() && i < start + per_page; ++i) data.push_back(items[i]);
  json paging{{"total_count", items.size()},
              {"start_offset", data.empty() ? 0 : start + 1},
              {"end_offset", start + data.size()}};
  return Reply{200, json{{"success", true}, {"data", data}, {"paging", paging}}};
}

Reply Store::list_meetings(const Target& t, const Query& q) {
  std::lock_guard lock(mu_);
  App* app = find_app(t);
  if (app == nullptr) return error_reply(404, "app " + t.app_id + " not found");
  MeetingFilter filter;
  if (auto problem = parse_filter(q, filter)) return error_reply(400, *problem);
  std::vector<json> items;
  for (const auto& id : creation_order_[{t.account_id, t.app_id}]) {
    const json& m = app->at(id).data;
    bool hidden = options_.quirks.hide_inactive && filter.status.empty() &&
                  m.value("status", "") == "INACTIVE";
    if (!hidden && matches(filter, id, m)) items.push_back(model::summary_of(Resource::Meeting, m));
  }
  return page(items, q);
}

Reply Store::create_meeting(const Target& t, const std::string& body) {
  json input;
  Reply err;
  if (!parse_body(body, Resource::Meeting, model::kPost, input, err)) return err;
  std::lock_guard lock(mu_);
  App* app = find_app(t);
  if (app == nullptr) return error_reply(404, "app " + t.app_id + " not found");
  json m = new_meeting_defaults();
  m.update(model::without_nulls(input));
  settle(m);
  std::string id = new_uuid();
  std::string now = now_iso();
  m["id"] = id;
  m["created_at"] = now;
  m["updated_at"] = now;
  (*app)[id].data = m;
  creation_order_[{t.account_id, t.app_id}].push_back(id);
  return written(model::without_write_only(Resource::Meeting, m), 201);
}

Reply Store::get_meeting(const Target& t, const std::string& meeting_id) {
  std::lock_guard lock(mu_);
  Reply err;
  Meeting* m = find_meeting(t, meeting_id, err);
  if (m == nullptr) return err;
  return ok(model::without_write_only(Resource::Meeting, m->data));
}

Reply Store::patch_meeting(const Target& t, const std::string& meeting_id,
                           const std::string& body) {
  json input;
  Reply err;
  if (!parse_body(body, Resource::Meeting, model::kPatch, input, err)) return err;
  std::lock_guard lock(mu_);
  Meeting* m = find_meeting(t, meeting_id, err);
  if (m == nullptr) return err;
  const json before = m->data;
  merge_top_level(Resource::Meeting, m->data, input, options_.quirks.patch_merge);
  settle(m->data);
  touch(m->data, before);
  return written(model::without_write_only(Resource::Meeting, m->data));
}

Reply Store::put_meeting(const Target& t, const std::string& meeting_id, const std::string& body) {
  json input;
  Reply err;
  if (!parse_body(body, Resource::Meeting, model::kPut, input, err)) return err;
  std::lock_guard lock(mu_);
  Meeting* m = find_meeting(t, meeting_id, err);
  if (m == nullptr) return err;
  const json before = m->data;
  replace_fields(Resource::Meeting, m->data, input);
  settle(m->data);
  touch(m->data, before);
  return written(model::without_write_only(Resource::Meeting, m->data));
}

Reply Store::list_participants(const Target& t, const std::string& meeting_id, const Query& q) {
  std::lock_guard lock(mu_);
  Reply err;
  Meeting* m = find_meeting(t, meeting_id, err);
  if (m == nullptr) return err;
  std::vector<json> items;
  items.reserve(m->participant_order.size());
  for (const auto& pid : m->participant_order) {
    items.push_back(model::summary_of(Resource::Participant, m->participants.at(pid).data));
  }
  return page(items, q);
}

Reply Store::add_participant(const Target& t, const std::string& meeting_id,
                             const std::string& body) {
  json input;
  Reply err;
  if (!parse_body(body, Resource::Participant, model::kPost, input, err)) return err;
  std::lock_guard lock(mu_);
  Meeting* m = find_meeting(t, meeting_id, err);
  if (m == nullptr) return err;
  const auto cpid = input["custom_participant_id"].get<std::string>();
  for (const auto& [id, p] : m->participants) {
    if (p.data["custom_participant_id"] == cpid) {
      return error_reply(409, "a participant with custom_participant_id " + cpid +
                                  " already exists in this meeting");
    }
  }
  json p = model::without_nulls(input);
  std::string id = new_uuid();
  std::string now = now_iso();
  p["id"] = id;
  p["created_at"] = now;
  p["updated_at"] = now;
  p["token"] = new_token();
  m->participants[id].data = p;
  m->participant_order.push_back(id);
  return written(p, 201);
}

Reply Store::get_participant(const Target& t, const std::string& meeting_id,
                             const std::string& pid) {
  std::lock_guard lock(mu_);
  Reply err;
  Meeting* m = find_meeting(t, meeting_id, err);
  if (m == nullptr) return err;
  Participant* p = find_participant(*m, pid, err);
  if (p == nullptr) return err;
  return ok(model::summary_of(Resource::Participant, p->data));
}

Reply Store::edit_participant(const Target& t, const std::string& meeting_id,
                              const std::string& pid, const std::string& body) {
  json input;
  Reply err;
  if (!parse_body(body, Resource::Participant, model::kPatch, input, err)) return err;
  std::lock_guard lock(mu_);
  Meeting* m = find_meeting(t, meeting_id, err);
  if (m == nullptr) return err;
  Participant* p = find_participant(*m, pid, err);
  if (p == nullptr) return err;
  merge_top_level(Resource::Participant, p->data, input, false);
  if (!options_.quirks.coarse_updated_at) p->data["updated_at"] = now_iso();
  return written(p->data);
}

Reply Store::replace_participant(const Target& t, const std::string& meeting_id,
                                 const std::string& pid, const std::string& body) {
  json input;
  Reply err;
  if (!parse_body(body, Resource::Participant, model::kPut, input, err)) return err;
  std::lock_guard lock(mu_);
  Meeting* m = find_meeting(t, meeting_id, err);
  if (m == nullptr) return err;
  Participant* p = find_participant(*m, pid, err);
  if (p == nullptr) return err;
  const auto cpid = input["custom_participant_id"].get<std::string>();
  for (const auto& [id, other] : m->participants) {
    if (id != pid && other.data["custom_participant_id"] == cpid) {
      return error_reply(409, "a participant with custom_participant_id " + cpid +
                                  " already exists in this meeting");
    }
  }
  replace_fields(Resource::Participant, p->data, input);
  if (!options_.quirks.coarse_updated_at) p->data["updated_at"] = now_iso();
  return written(p->data);
}

Reply Store::delete_participant(const Target& t, const std::string& meeting_id,
                                const std::string& pid) {
  std::lock_guard lock(mu_);
  Reply err;
  Meeting* m = find_meeting(t, meeting_id, err);
  if (m == nullptr) return err;
  Participant* found = find_participant(*m, pid, err);
  if (found == nullptr) return err;
  const json p = found->data;
  // The preset's id is stable per preset name, as a server-side preset table would make it.
  uint64_t h = std::hash<std::string>{}(p.value("preset_name", ""));
  char preset_id[40];
  std::snprintf(preset_id, sizeof preset_id, "%08x-0000-4000-8000-%012llx",
                static_cast<unsigned>(h >> 32),
                static_cast<unsigned long long>(h & 0xFFFFFFFFFFFFULL));
  json data{{"created_at", p["created_at"]},
            {"custom_participant_id", p["custom_participant_id"]},
            {"preset_id", preset_id},
            {"updated_at", now_iso()}};
  m->participants.erase(pid);
  std::erase(m->participant_order, pid);
  return written(data);
}

Reply Store::refresh_token(const Target& t, const std::string& meeting_id, const std::string& pid) {
  std::lock_guard lock(mu_);
  Reply err;
  Meeting* m = find_meeting(t, meeting_id, err);
  if (m == nullptr) return err;
  Participant* p = find_participant(*m, pid, err);
  if (p == nullptr) return err;
  p->data["token"] = new_token();
  return ok(json{{"token", p->data["token"]}});
}

json Store::dump() const {
  std::lock_guard lock(mu_);
  json apps = json::array();
  for (const auto& [key, app] : apps_) {
    json meetings = json::array();
    auto order_it = creation_order_.find(key);
    if (order_it != creation_order_.end()) {
      for (const auto& id : order_it->second) {
        const Meeting& m = app.at(id);
        json participants = json::array();
        for (const auto& pid : m.participant_order)
          participants.push_back(m.participants.at(pid).data);
        meetings.push_back({{"meeting", m.data}, {"participants", participants}});
      }
    }
    apps.push_back({{"account_id", key.first}, {"app_id", key.second}, {"meetings", meetings}});
  }
  return json{{"apps", apps}};
}

void Store::load(const json& data) {
  std::lock_guard lock(mu_);
  for (const auto& app : data.at("apps")) {
    std::pair<std::string, std::string> key{app.at("account_id"), app.at("app_id")};
    App& target = apps_[key];
    for (const auto& entry : app.at("meetings")) {
      std::string id = entry.at("meeting").at("id");
      Meeting& m = target[id];
      m.data = entry.at("meeting");
      for (const auto& p : entry.at("participants")) {
        std::string pid = p.at("id");
        m.participants[pid].data = p;
        m.participant_order.push_back(pid);
      }
      creation_order_[key].push_back(id);
    }
  }
}

void Store::clear() {
  std::lock_guard lock(mu_);
  for (auto& [key, app] : apps_) app.clear();
  creation_order_.clear();
}

}  // namespace rtk::emulator
