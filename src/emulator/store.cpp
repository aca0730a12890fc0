#include "emulator/store.hpp"

#include <algorithm>
#include <cstdio>

#include "model/iso_time.hpp"
#include "model/projection.hpp"
#include "model/validate.hpp"

namespace rtk::emulator {
namespace {

using model::Resource;

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && std::isxdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  }
  return true;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Reply ok(json data, int status = 200) {
  return Reply{status, json{{"success", true}, {"data", std::move(data)}}};
}

// Parses a JSON body and validates it for a verb; on failure fills err.
bool parse_body(const std::string& text, Resource r, model::Verb verb, json& out, Reply& err) {
  out = json::parse(text.empty() ? std::string("{}") : text, nullptr, false);
  if (out.is_discarded()) {
    err = error_reply(400, "request body is not valid JSON");
    return false;
  }
  auto violations = model::validate_body(r, out, verb);
  if (!violations.empty()) {
    std::string msg;
    for (const auto& v : violations) msg += (msg.empty() ? "" : "; ") + v.message;
    err = error_reply(400, msg);
    return false;
  }
  return true;
}

// PUT semantics: every replaceable field takes the body's value or returns to its default.
void replace_fields(json& meeting, const json& body) {
  for (const model::Field* f : model::children(Resource::Meeting, "")) {
    if (!f->accepts(model::kPut)) continue;
    std::string key(f->name());
    if (body.contains(key)) {
      meeting[key] = body[key];
    } else if (!f->default_json.empty()) {
      meeting[key] = json::parse(f->default_json);
    } else {
      meeting.erase(key);
    }
  }
}

// Top-level defaults a new meeting starts with (POST ignores status: always ACTIVE).
json new_meeting_defaults() {
  json out = json::object();
  for (const model::Field* f : model::children(Resource::Meeting, "")) {
    if (!f->default_json.empty()) out[std::string(f->name())] = json::parse(f->default_json);
  }
  return out;
}

bool parse_positive(const Query& q, const std::string& key, int fallback, int& out) {
  auto it = q.find(key);
  if (it == q.end()) {
    out = fallback;
    return true;
  }
  try {
    size_t used = 0;
    out = std::stoi(it->second, &used);
    return used == it->second.size() && out >= 1;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

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
  if (!parse_positive(q, "page_no", 1, page_no)) {
    return error_reply(400, "page_no must be a positive integer");
  }
  if (!parse_positive(q, "per_page", 20, per_page)) {
    return error_reply(400, "per_page must be a positive integer");
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
  auto get = [&](const char* k) {
    auto it = q.find(k);
    return it == q.end() ? std::string() : it->second;
  };
  std::string search = lower(get("search"));
  std::string status = get("status");
  std::string start_time = get("start_time");
  std::string end_time = get("end_time");
  std::vector<json> items;
  for (const auto& id : creation_order_[{t.account_id, t.app_id}]) {
    const json& m = app->at(id).data;
    std::string title = lower(m.value("title", ""));
    if (!search.empty() && lower(id) != search && title.find(search) == std::string::npos) continue;
    if (!status.empty() && m.value("status", "") != status) continue;
    std::string created = m.value("created_at", "");
    if (!start_time.empty() && created < start_time) continue;
    if (!end_time.empty() && created > end_time) continue;
    items.push_back(model::summary_of(Resource::Meeting, m));
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
  m.update(input);
  std::string id = new_uuid();
  std::string now = now_iso();
  m["id"] = id;
  m["created_at"] = now;
  m["updated_at"] = now;
  (*app)[id].data = m;
  creation_order_[{t.account_id, t.app_id}].push_back(id);
  return ok(model::without_write_only(Resource::Meeting, m), 201);
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
  for (const auto& [key, value] : input.items()) m->data[key] = value;  // top-level merge
  m->data["updated_at"] = now_iso();
  return ok(model::without_write_only(Resource::Meeting, m->data));
}

Reply Store::put_meeting(const Target& t, const std::string& meeting_id, const std::string& body) {
  json input;
  Reply err;
  if (!parse_body(body, Resource::Meeting, model::kPut, input, err)) return err;
  std::lock_guard lock(mu_);
  Meeting* m = find_meeting(t, meeting_id, err);
  if (m == nullptr) return err;
  replace_fields(m->data, input);
  m->data["updated_at"] = now_iso();
  return ok(model::without_write_only(Resource::Meeting, m->data));
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
  json p = input;
  std::string id = new_uuid();
  std::string now = now_iso();
  p["id"] = id;
  p["created_at"] = now;
  p["updated_at"] = now;
  p["token"] = new_token();
  m->participants[id].data = p;
  m->participant_order.push_back(id);
  return ok(p, 201);
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
  for (const auto& [key, value] : input.items()) p->data[key] = value;
  p->data["updated_at"] = now_iso();
  return ok(p->data);
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
  return ok(data);
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
