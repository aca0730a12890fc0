#include "plan/meeting_diff.hpp"

#include <functional>

#include "model/digest.hpp"
#include "model/json_path.hpp"
#include "model/projection.hpp"
#include "plan/changes.hpp"
#include "plan/diff.hpp"

namespace rtk::plan {
namespace {

using model::Field;
using model::Resource;

bool digest_matches(const state::MeetingState& st, const std::string& salt, const std::string& path,
                    const json& value) {
  auto it = st.digests.find(path);
  return it != st.digests.end() &&
         it->second == model::secret_digest(
                           salt, path, value.is_string() ? value.get<std::string>() : value.dump());
}

// Calls fn for every managed value of desired: each leaf, and each object set to null (a
// removal; what lies below a null is not visited).
void for_each_managed(const json& desired,
                      const std::function<void(const Field&, const json&)>& fn) {
  for (const auto& f : model::fields(Resource::Meeting)) {
    if (f.has(model::kLocal)) continue;
    const json* v = model::get_path(desired, f.path);
    if (v == nullptr || (f.kind == model::Kind::Object && !v->is_null())) continue;
    fn(f, *v);
  }
}

}  // namespace

std::string top_of(const std::string& path) {
  return path.substr(0, path.find('.'));
}

MeetingDiff diff_meeting(const model::DesiredMeeting& d, const json& observed,
                         const state::MeetingState& st, const std::string& salt) {
  MeetingDiff out;
  json desired = d.fields;
  if (st.deactivated && !desired.contains("status"))
    desired["status"] = model::kActive;  // undo ours
  for_each_managed(desired, [&](const Field& f, const json& value) {
    std::string path(f.path);
    const json* fresh = model::get_path(observed, path);
    const bool secret = f.has(model::kSecret) || d.references.count(path) != 0U;
    FieldChange c = change_of(f, fresh, value, d.references);
    if (secret && (f.has(model::kWriteOnly) || fresh == nullptr)) {
      // Never returned (write-only), or kept out of the state's cached copy: by digest.
      if (digest_matches(st, salt, path, value)) return;
    } else if (same_value(f, value, fresh)) {
      return;
    }
    const Field* top = model::find_field(Resource::Meeting, top_of(path));
    // A removal goes by PATCH only where PATCH takes null; else by PUT, which replaces all
    // the details (so what it omits is removed, whether PATCH replaces or merges objects).
    bool removal = value.is_null();
    if (top != nullptr && top->accepts(model::kPatch) &&
        (!removal || f.accepts_null(model::kPatch))) {
      if (path == "status") out.status_changed = true;
      out.patchable.push_back(std::move(c));
    } else {
      out.needs_put.push_back(std::move(c));
    }
  });
  return out;
}

json replace_body(const json& desired, const json& observed) {
  json body = json::object();
  for (const Field* f : model::children(Resource::Meeting, "")) {
    if (!f->accepts(model::kPut)) continue;
    std::string key(f->name());
    if (desired.contains(key)) {
      body[key] = observed.contains(key) ? overlay(observed[key], desired[key]) : desired[key];
    } else if (observed.contains(key)) {
      body[key] = observed[key];
    }
  }
  return model::body_for(Resource::Meeting, body, model::kPut);
}

// Write-only credentials a PUT would erase: the server has a storage_config and the body lacks
// a credential its storage type uses (field table: storage_types) that the state says was set.
// When the state knows nothing of them (an imported meeting), a body that supplies none of
// the type's credentials would surely erase what is there.
std::vector<std::string> erased_credentials(const json& body, const json& observed,
                                            const state::MeetingState& st) {
  std::vector<std::string> out;
  if (model::get_path(observed, "recording_config.storage_config") == nullptr) return out;
  const json* sent = model::get_path(body, "recording_config.storage_config");
  if (sent == nullptr || sent->is_null()) return out;  // the YAML removes it: nothing to keep
  const json* type = model::get_path(body, "recording_config.storage_config.type");
  const std::string storage = type != nullptr && type->is_string() ? type->get<std::string>() : "";
  bool knows_nothing = true;  // no digest of any secret: rtksync never set credentials here
  for (const auto& [path, digest] : st.digests) {
    const Field* f = model::find_field(Resource::Meeting, path);
    if (f != nullptr && f->has(model::kSecret)) knows_nothing = false;
  }
  bool supplies_any = false;
  std::vector<std::string> missing_known, missing;
  for (const Field* f : model::children(Resource::Meeting, "recording_config.storage_config")) {
    if (!f->has(model::kWriteOnly) || !f->used_by_storage(storage)) continue;
    std::string path(f->path);
    if (model::get_path(body, path) != nullptr) {
      supplies_any = true;
      continue;
    }
    missing.emplace_back(f->name());
    if (st.digests.count(path) != 0U) missing_known.emplace_back(f->name());
  }
  if (!missing_known.empty()) return missing_known;
  if (knows_nothing && !supplies_any) return missing;
  return out;
}

}  // namespace rtk::plan
