#include "config/yaml_export.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "model/field_table.hpp"
#include "model/json_path.hpp"
#include "model/projection.hpp"

namespace rtk::config {
namespace {

using model::Field;
using model::json;
using model::Resource;

bool reserved_word(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::set<std::string> words{"true", "false", "yes",  "no", "on",  "off",
                                           "y",    "n",     "null", "~",  "nan", "inf"};
  return words.count(s) != 0U;
}

bool plain_safe(const std::string& s) {
  if (s.empty() || reserved_word(s)) return false;
  if (std::isalpha(static_cast<unsigned char>(s.front())) == 0 && s.front() != '_') return false;
  if (s.back() == ' ') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    bool ok = std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.' || c == '/' || c == '@' ||
              (c == ' ' && s[i + 1] != ' ');
    if (!ok) return false;
  }
  return true;
}

std::string upper_snake(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += std::isalnum(static_cast<unsigned char>(c)) != 0
               ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
               : '_';
  }
  return out;
}

std::string slug(const std::string& title) {
  std::string out;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "meeting" : out;
}

std::string scrubbed(std::string text, const std::vector<SecretValue>& secrets) {
  for (const auto& s : secrets) {
    if (text == s.value) return s.reference;
  }
  for (const auto& s : secrets) {
    if (s.value.size() >= 4) text = scrub(text, s.value, s.reference);
  }
  return text;
}

// What a meeting file may say: writable fields, no secrets, no nulls, nothing only the server
// chooses.
json writable(Resource r, const json& v) {
  json out = model::project(r, v, [](const Field& f) {
    return !f.has(model::kReadOnly) && !f.has(model::kSecret) && !f.has(model::kLocal) &&
           f.verbs != 0;
  });
  model::for_each_leaf(r, json(out), [&](const Field& f, const json& value) {
    if (value.is_null()) model::erase_path(out, f.path);
  });
  return model::without_server_chosen(r, out);  // vorbis: validate would reject it
}

// Replaces every free-text leaf by its scrubbed form (enum values are public vocabulary, not
// secrets), then every referenced one by the configuration's reference.
void protect_values(Resource r, json& fields, const model::References* refs,
                    const std::vector<SecretValue>& secrets) {
  model::for_each_leaf(r, json(fields), [&](const Field& f, const json& value) {
    if (f.kind == model::Kind::String && value.is_string())
      model::set_path(fields, f.path, scrubbed(value, secrets));
    if (f.kind == model::Kind::StringList && value.is_array()) {
      json items = json::array();
      for (const auto& i : value) items.push_back(i.is_string() ? json(scrubbed(i, secrets)) : i);
      model::set_path(fields, f.path, items);
    }
  });
  if (refs == nullptr) return;
  for (const auto& [path, ref] : *refs) {
    if (model::get_path(fields, path) != nullptr) model::set_path(fields, path, ref);
  }
}

class Writer {
 public:
  void comment(int indent, const std::string& text) {
    out_ << std::string(indent, ' ') << "# " << text << "\n";
  }
  void key(int indent, const std::string& k, const std::string& rest = "") {
    out_ << std::string(indent, ' ') << yaml_string(k) << ":" << rest << "\n";
  }
  void scalar(int indent, const std::string& k, const json& v) {
    key(indent, k, " " + scalar_text(v));
  }
  void value(int indent, const std::string& k, const json& v,
             const std::map<std::string, std::string>& notes, const std::string& path) {
    if (auto n = notes.find(path); n != notes.end()) comment(indent, n->second);
    if (v.is_object()) {
      if (v.empty()) return key(indent, k, " {}");
      key(indent, k);
      for (const auto& [ck, cv] : v.items()) value(indent + 2, ck, cv, notes, path + "." + ck);
    } else if (v.is_array()) {
      if (v.empty()) return key(indent, k, " []");
      key(indent, k);
      for (const auto& item : v)
        out_ << std::string(indent + 2, ' ') << "- " << scalar_text(item) << "\n";
    } else {
      scalar(indent, k, v);
    }
  }
  void raw(const std::string& text) { out_ << text; }
  [[nodiscard]] std::string str() const { return out_.str(); }

 private:
  static std::string scalar_text(const json& v) {
    if (v.is_string()) return yaml_string(v.get<std::string>());
    return v.dump();
  }
  std::ostringstream out_;
};

// Placeholders for the credentials the API does not return (write-only), and for secrets it
// returns (never exported): ${env:RTK_<KEY>_<FIELD>}, or the configuration's reference.
void put_placeholders(const ExportedMeeting& m, const std::string& key, json& fields,
                      std::map<std::string, std::string>& notes) {
  const json* storage = model::get_path(m.meeting, "recording_config.storage_config");
  if (storage == nullptr || !storage->is_object()) return;
  const std::string type = storage->value("type", "");
  for (const Field* f : model::children(Resource::Meeting, "recording_config.storage_config")) {
    if (!f->has(model::kSecret)) continue;
    const std::string name(f->name());
    bool needed = f->has(model::kWriteOnly) ? !(name == "access_key" && type == "gcs")
                                            : storage->contains(name);
    if (!needed) continue;
    const std::string path(f->path);
    std::string ref = "${env:RTK_" + upper_snake(key) + "_" + upper_snake(name) + "}";
    if (m.desired != nullptr) {
      if (auto it = m.desired->references.find(path); it != m.desired->references.end())
        ref = it->second;
    }
    model::set_path(fields, path, ref);
    notes[path] = f->has(model::kWriteOnly)
                      ? name + " is write-only: the API never returns it. Set the variable."
                      : name + " is a secret: never exported. Set the variable.";
  }
}

std::string unique_key(const ExportedMeeting& m, const std::vector<SecretValue>& secrets,
                       std::set<std::string>& taken) {
  if (!m.bound_key.empty()) {
    taken.insert(m.bound_key);
    return m.bound_key;
  }
  const std::string base = slug(scrubbed(model::string_at(m.meeting, "title"), secrets));
  std::string key = base;
  for (int n = 2; taken.count(key) != 0U; ++n) key = base + "-" + std::to_string(n);
  taken.insert(key);
  return key;
}

}  // namespace

std::string yaml_string(const std::string& s) {
  if (plain_safe(s)) return s;
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<SecretValue> secret_values(const model::DesiredState& desired, const std::string& root,
                                       const EnvLookup& env) {
  std::vector<SecretValue> out;
  auto add = [&](const json& fields, const model::References& refs) {
    for (const auto& [path, ref] : refs) {
      const json* v = model::get_path(fields, path);
      if (v != nullptr && v->is_string() && *v != ref) out.push_back({v->get<std::string>(), ref});
      for (size_t at = ref.find("${"); at != std::string::npos; at = ref.find("${", at + 2)) {
        size_t close = ref.find('}', at);
        if (close == std::string::npos) break;
        std::string token = ref.substr(at, close - at + 1);
        auto value = resolve_references(token, root, env);
        if (value && !value->empty()) out.push_back({*value, token});
      }
    }
  };
  for (const auto& [key, m] : desired.meetings) {
    add(m.fields, m.references);
    for (const auto& [cpid, p] : m.participants) add(p.fields, p.references);
  }
  // Longest first, so a value inside another is replaced after it.
  std::sort(out.begin(), out.end(), [](const SecretValue& a, const SecretValue& b) {
    return a.value.size() > b.value.size();
  });
  return out;
}

std::string export_yaml(const ExportInput& input) {
  Writer w;
  w.comment(0, input.header);
  if (input.meetings.empty()) {
    w.raw("meetings: {}\n");
    return w.str();
  }
  w.key(0, "meetings");
  std::set<std::string> taken;
  for (const auto& m : input.meetings) taken.insert(m.bound_key);
  taken.erase("");
  for (const auto& m : input.meetings) {
    const std::string key = unique_key(m, input.secrets, taken);
    json fields = writable(Resource::Meeting, m.meeting);
    fields["status"] = m.meeting.contains("status") ? m.meeting["status"] : json(model::kActive);
    protect_values(Resource::Meeting, fields, m.desired ? &m.desired->references : nullptr,
                   input.secrets);
    std::map<std::string, std::string> notes;
    put_placeholders(m, key, fields, notes);
    w.key(2, key);
    if (m.bound_key.empty() && (m.same_title > 1 || !m.meeting.contains("title"))) {
      w.comment(4, m.same_title > 1 ? std::to_string(m.same_title) +
                                          " meetings share this title: import binds this id"
                                    : "no title to match: import binds this id");
      w.scalar(4, "import_id", m.meeting.value("id", ""));
    }
    for (const auto& [k, v] : fields.items()) w.value(4, k, v, notes, k);
    if (m.participants.empty()) {
      w.key(4, "participants", " []");
      continue;
    }
    w.key(4, "participants");
    for (const auto& p : m.participants) {
      json pf = writable(Resource::Participant, p);
      const model::References* refs = nullptr;
      if (m.desired != nullptr) {
        auto dp = m.desired->participants.find(p.value("custom_participant_id", ""));
        if (dp != m.desired->participants.end()) refs = &dp->second.references;
      }
      protect_values(Resource::Participant, pf, refs, input.secrets);
      bool first = true;
      for (const auto& [k, v] : pf.items()) {
        w.raw(std::string(6, ' ') + (first ? "- " : "  "));
        w.raw(yaml_string(k) + ": " +
              (v.is_string() ? yaml_string(v.get<std::string>()) : v.dump()) + "\n");
        first = false;
      }
    }
  }
  return w.str();
}

}  // namespace rtk::config
