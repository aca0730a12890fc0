#include "config/meeting_reader.hpp"

#include <set>
#include <string>

#include "config/references.hpp"
#include "model/field_table.hpp"
#include "model/printable.hpp"
#include "model/validate.hpp"

namespace rtk::config {
namespace {

using model::json;

// Meeting keys read here, not from the field table: the participant list, and the id an
// export writes where titles repeat (see `rtksync import --by-title`).
const std::set<std::string> kMeetingExtras{"participants", "import_id", "ignore_changes",
                                           "participants_policy"};

// ignore_changes: a list of the table's meeting field paths.
void read_ignore_changes(const YamlNode& node, const FileContext& ctx, model::DesiredMeeting& m) {
  if (!node.is_sequence()) {
    ctx.diags->error(ctx.pos(node), "ignore_changes must be a list of field paths");
    return;
  }
  for (const auto& item_node : node.items) {
    const YamlNode& item = *item_node;
    const std::string path = item.is_scalar() ? item.value : "";
    const model::Field* f = model::find_field(model::Resource::Meeting, path);
    if (f == nullptr || f->has(model::kReadOnly) || f->has(model::kLocal)) {
      ctx.diags->error(ctx.pos(item),
                       "ignore_changes: " + (path.empty() ? "(not a string)" : path) +
                           " is not a meeting field rtksync manages");
      continue;
    }
    m.ignore_changes.insert(path);
  }
}

void read_participants_policy(const YamlNode& node, const FileContext& ctx,
                              model::DesiredMeeting& m) {
  const std::string policy = node.is_scalar() ? node.value : "";
  if (policy != "authoritative" && policy != "additive") {
    ctx.diags->error(ctx.pos(node), "participants_policy must be authoritative or additive");
    return;
  }
  m.participants_additive = policy == "additive";
}

// Deep merge: values of over win; objects merge.
void merge_into(json& base, const json& over) {
  for (const auto& [k, v] : over.items()) {
    if (v.is_object() && base.contains(k) && base[k].is_object()) {
      merge_into(base[k], v);
    } else {
      base[k] = v;
    }
  }
}

// Checks a participant's required fields and its id; sets p.custom_participant_id.
bool identified(FieldSink& sink, model::DesiredParticipant& p, const FileContext& ctx) {
  bool complete = true;
  for (const auto name : model::required_on_create(model::Resource::Participant, "")) {
    const std::string required(name);
    if (!sink.fields.contains(required) && sink.positions.count(required) == 0U) {
      ctx.diags->error(p.pos, std::string(required) + " is required for every participant");
      complete = false;
    }
  }
  if (sink.references.count("custom_participant_id") != 0U) {
    ctx.diags->error(sink.positions["custom_participant_id"],
                     "custom_participant_id cannot come from a reference: it names the "
                     "participant in plans, the state and the tokens file");
    return false;
  }
  if (!complete || !sink.fields.contains("custom_participant_id")) return false;
  p.custom_participant_id = sink.fields["custom_participant_id"];
  if (model::has_control_characters(p.custom_participant_id)) {
    ctx.diags->error(sink.positions["custom_participant_id"],
                     "custom_participant_id " + model::json(p.custom_participant_id).dump() +
                         " holds a control character (a line break?)");
    return false;
  }
  return true;
}

void read_participants(const YamlNode& list, const FileContext& ctx, model::DesiredMeeting& m) {
  m.participants_managed = true;
  if (list.is_null()) {  // every entry commented out would otherwise remove everyone
    ctx.diags->error(ctx.pos(list),
                     "participants is empty: write `participants: []` to remove every "
                     "participant, or leave the key out to leave them unmanaged");
    return;
  }
  if (!list.is_sequence()) {
    ctx.diags->error(ctx.pos(list), "participants must be a list");
    return;
  }
  for (const auto& item_node : list.items) {
    const YamlNode& item = *item_node;
    if (!expect_map(item, ctx, "a participant")) continue;
    FieldSink sink;
    read_fields(item, model::Resource::Participant, "", ctx, sink, {},
                "participant of meeting " + m.key);
    model::DesiredParticipant p;
    p.pos = ctx.pos(item);
    if (!identified(sink, p, ctx)) continue;
    if (sink.fields.contains("token_rotation")) {
      p.token_rotation = sink.fields["token_rotation"].get<long>();
      sink.fields.erase("token_rotation");
    }
    p.fields = std::move(sink.fields);
    p.references = std::move(sink.references);
    auto [it, inserted] = m.participants.emplace(p.custom_participant_id, p);
    if (!inserted) {
      ctx.diags->error(sink.positions["custom_participant_id"],
                       "duplicate custom_participant_id " + p.custom_participant_id +
                           " in meeting " + m.key + " (first at line " +
                           std::to_string(it->second.pos.line) + ")");
    }
  }
}

void check_cross_fields(model::DesiredMeeting& m, const FileContext& ctx) {
  for (const auto& v : model::cross_field_rules(m.fields)) {
    auto pos = m.position_of(v.path);
    std::string message = v.message;  // may quote values: never a referenced one
    for (const auto& [path, ref] : m.references) {
      const json* value = model::get_path(m.fields, path);
      if (value != nullptr && value->is_string()) message = scrub(message, *value, ref);
    }
    if (v.error) {
      ctx.diags->error(pos, message);
    } else {
      ctx.diags->warning(pos, message);
    }
  }
}

void read_meeting(const std::string& key, const YamlNode& key_node, const YamlNode& body,
                  const FileContext& ctx, const FieldSink& defaults, model::DesiredState& desired) {
  model::DesiredMeeting m;
  m.key = key;
  m.pos = ctx.pos(key_node);
  if (!expect_map(body, ctx, "meeting " + key)) return;
  FieldSink sink;
  read_fields(body, model::Resource::Meeting, "", ctx, sink, kMeetingExtras, "meeting " + key);
  m.fields = defaults.fields;
  merge_into(m.fields, sink.fields);
  m.references = defaults.references;
  for (auto& [p, r] : sink.references) m.references[p] = r;
  m.positions = defaults.positions;
  for (auto& [p, pos] : sink.positions) m.positions[p] = pos;
  if (m.fields.contains("protect")) {
    m.protect = m.fields["protect"].get<bool>();
    m.fields.erase("protect");
  }
  if (m.fields.contains("allow_duplicate_title")) {
    m.allow_duplicate_title = m.fields["allow_duplicate_title"].get<bool>();
    m.fields.erase("allow_duplicate_title");
  }
  if (const auto* list = body.find("participants")) read_participants(*list, ctx, m);
  if (const auto* paths = body.find("ignore_changes")) read_ignore_changes(*paths, ctx, m);
  if (const auto* policy = body.find("participants_policy"))
    read_participants_policy(*policy, ctx, m);
  if (const auto* id = body.find("import_id")) {
    if (id->is_scalar() && !id->value.empty() && !has_reference(id->value)) {
      m.import_id = id->value;
    } else {
      ctx.diags->error(ctx.pos(*id), "import_id must be a meeting id (a string)");
    }
  }
  check_cross_fields(m, ctx);
  // A duplicate is still read in full above, so its own problems are reported too.
  if (auto found = desired.meetings.find(key); found != desired.meetings.end()) {
    const auto& first = found->second.pos;
    ctx.diags->error(m.pos, "duplicate meeting key " + key + " (first defined at " + first.file +
                                ":" + std::to_string(first.line) + ":" + std::to_string(first.col) +
                                ")");
    return;
  }
  desired.meetings.emplace(key, std::move(m));
}

// One entry under `meetings:`. A duplicate key is reported by read_meeting, across files too.
void read_meeting_entry(const YamlNode& key, const YamlNode& body, const FileContext& ctx,
                        const FieldSink& defaults, model::DesiredState& desired) {
  if (!key.is_scalar()) {
    ctx.diags->error(ctx.pos(key), "keys must be plain strings");
    return;
  }
  const std::string& k = key.value;
  if (k.empty() || model::has_control_characters(k) || k.front() == ' ' || k.back() == ' ') {
    ctx.diags->error(ctx.pos(key), "meeting key " + model::json(k).dump() +
                                       ": a key names the meeting in plans, the state and "
                                       "logs; write it without control characters or "
                                       "surrounding spaces");
    return;
  }
  read_meeting(k, key, body, ctx, defaults, desired);
}

}  // namespace

void read_meetings_file(std::string_view text, const FileContext& ctx, const FieldSink& defaults,
                        model::DesiredState& desired) {
  // Each meeting is read as soon as its entry is complete, then dropped (issue 12).
  auto read_entry = [&](const YamlNode& top_key, const YamlNode& key, const YamlNode& body) {
    if (top_key.is_scalar() && top_key.value == "meetings")
      read_meeting_entry(key, body, ctx, defaults, desired);
  };
  auto doc = read_yaml_document(text, ctx, read_entry);
  if (!doc || (*doc)->is_null()) return;  // an empty file declares nothing
  if (!expect_map(**doc, ctx, "a meeting file (write `meetings:` at the top)")) return;
  for_each_entry(
      **doc, ctx, [&](const std::string& key, const YamlNode& key_node, const YamlNode& value) {
        if (key != "meetings") {
          auto hint = suggest(key, {"meetings"});
          ctx.diags->error(
              ctx.pos(key_node),
              "unknown top-level key " + key + (hint.empty() ? "" : "; did you mean `meetings`?"));
          return;
        }
        if (value.is_null() || !expect_map(value, ctx, "meetings")) return;
        // Entries not handed over above: those of an anchored mapping.
        for (const auto& [mkey, body] : value.entries) {
          read_meeting_entry(*mkey, *body, ctx, defaults, desired);
        }
      });
}

}  // namespace rtk::config
