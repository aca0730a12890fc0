#include "plan/saved_plan.hpp"

#include "config/references.hpp"
#include "model/digest.hpp"
#include "model/projection.hpp"
#include "plan/render.hpp"

namespace rtk::plan {
namespace {

model::Resource resource_of(OpKind k) {
  return is_meeting_op(k) ? model::Resource::Meeting : model::Resource::Participant;
}

std::optional<std::string> literal_secret(const Operation& op) {
  std::optional<std::string> found;
  model::for_each_leaf(resource_of(op.kind), op.body, [&](const model::Field& f, const json& v) {
    if (f.has(model::kSecret) && (!v.is_string() || !config::has_reference(v.get<std::string>()))) {
      found = std::string(f.path);
    }
  });
  return found;
}

json change_to_json(const FieldChange& c) {
  json out{{"path", c.path},
           {"before", masked_before(c)},
           {"after", masked_after(c)},
           {"sensitive", c.sensitive}};
  if (!c.reference.empty()) out["reference"] = c.reference;
  return out;
}

}  // namespace

Result<json> to_plan_file(const SavedPlan& saved) {
  json meetings = json::array();
  for (const auto& mp : saved.plan.meetings) {
    json ops = json::array();
    for (const auto& op : mp.ops) {
      if (auto path = literal_secret(op)) {
        return Error{"meeting " + mp.key + ": " + *path +
                     " is a literal secret; a plan file "
                     "stores secrets only as ${env:...} references. Use a reference, or apply "
                     "without --out."};
      }
      json changes = json::array();
      for (const auto& c : op.changes) changes.push_back(change_to_json(c));
      ops.push_back({{"kind", to_string(op.kind)},
                     {"participant", op.participant},
                     {"participant_id", op.participant_id},
                     {"body", op.body},
                     {"changes", changes},
                     {"token_rotation", op.token_rotation},
                     {"redeliver", op.redeliver}});
    }
    meetings.push_back({{"key", mp.key},
                        {"id", mp.id},
                        {"title", mp.title},
                        {"action", to_string(mp.action)},
                        {"operations", ops},
                        {"notes", mp.notes}});
  }
  json fingerprints = json::object();
  for (const auto& [key, fp] : saved.plan.fingerprints) {
    fingerprints[key] = {{"meeting_id", fp.meeting_id},
                         {"updated_at", fp.updated_at},
                         {"participants_digest", fp.participants_digest},
                         {"object_digest", fp.object_digest}};
  }
  return json{{"rtksync_plan", kPlanFileVersion},
              {"tool_version", saved.tool_version},
              {"created_at", saved.created_at},
              {"target", {{"account_id", saved.account_id}, {"app_id", saved.app_id}}},
              {"config_digest", saved.config_digest},
              {"meetings", meetings},
              {"fingerprints", fingerprints},
              {"protect", saved.plan.protect},
              {"referenced", saved.plan.referenced},
              {"warnings", saved.plan.warnings}};
}

Result<SavedPlan> from_plan_file(const json& j) {
  try {
    if (j.at("rtksync_plan").get<int>() != kPlanFileVersion) {
      return Error{"unsupported plan file version " + j.at("rtksync_plan").dump()};
    }
    SavedPlan s;
    s.tool_version = j.at("tool_version");
    s.created_at = j.at("created_at");
    s.account_id = j.at("target").at("account_id");
    s.app_id = j.at("target").at("app_id");
    s.config_digest = j.at("config_digest");
    for (const auto& m : j.at("meetings")) {
      MeetingPlan mp;
      mp.key = m.at("key");
      mp.id = m.at("id");
      mp.title = m.value("title", "");
      const std::string action = m.at("action");
      auto parsed_action = parse_meeting_action(action);
      if (!parsed_action) return Error{"not a valid rtksync plan file: unknown action " + action};
      mp.action = *parsed_action;
      for (const auto& o : m.at("operations")) {
        Operation op;
        const std::string kind = o.at("kind");
        auto parsed_kind = parse_op_kind(kind);
        if (!parsed_kind) return Error{"not a valid rtksync plan file: unknown operation " + kind};
        op.kind = *parsed_kind;
        op.participant = o.value("participant", "");
        op.participant_id = o.value("participant_id", "");
        op.body = o.at("body");
        op.token_rotation = o.value("token_rotation", 0L);
        op.redeliver = o.value("redeliver", false);
        for (const auto& c : o.at("changes")) {
          op.changes.push_back({c.at("path"), c.at("before"), c.at("after"),
                                c.value("sensitive", false), c.value("reference", "")});
        }
        mp.ops.push_back(std::move(op));
      }
      mp.notes = m.value("notes", std::vector<std::string>{});
      s.plan.meetings.push_back(std::move(mp));
    }
    for (const auto& [key, fp] : j.at("fingerprints").items()) {
      s.plan.fingerprints[key] = {.meeting_id = fp.at("meeting_id"),
                                  .updated_at = fp.at("updated_at"),
                                  .participants_digest = fp.at("participants_digest"),
                                  .object_digest = fp.value("object_digest", "")};
    }
    s.plan.protect = j.value("protect", std::map<std::string, bool>{});
    s.plan.referenced = j.value("referenced", std::map<std::string, std::set<std::string>>{});
    s.plan.warnings = j.value("warnings", std::vector<std::string>{});
    return s;
  } catch (const std::exception& e) {
    return Error{std::string("not a valid rtksync plan file: ") + e.what()};
  }
}

std::string config_digest(const model::DesiredState& desired) {
  json all = json::object();
  for (const auto& [key, m] : desired.meetings) {
    json fields = m.fields;
    for (const auto& [path, ref] : m.references) model::set_path(fields, path, ref);
    json people = json::object();
    for (const auto& [cpid, p] : m.participants) {
      people[cpid] = {{"fields", p.fields}, {"token_rotation", p.token_rotation.value_or(0)}};
    }
    all[key] = {{"fields", fields},
                {"protect", m.protect},
                {"participants", people},
                {"participants_managed", m.participants_managed}};
  }
  return model::sha256_hex(all.dump());
}

}  // namespace rtk::plan
