// cli/export_command: `rtksync export`: YAML for meetings that already exist, so a team can
// adopt rtksync without recreating anything (follow with `rtksync import --by-title`).
#include <fstream>
#include <iostream>
#include <set>

#include <yaml-cpp/yaml.h>

#include "cli/command.hpp"
#include "cli/session.hpp"
#include "model/projection.hpp"

namespace rtk::cli {
namespace {

void emit_value(YAML::Emitter& out, const nlohmann::json& v) {
  if (v.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, item] : v.items()) {
      out << YAML::Key << k << YAML::Value;
      emit_value(out, item);
    }
    out << YAML::EndMap;
  } else if (v.is_array()) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& item : v) emit_value(out, item);
    out << YAML::EndSeq;
  } else if (v.is_string()) {
    out << v.get<std::string>();
  } else if (v.is_boolean()) {
    out << v.get<bool>();
  } else if (v.is_number_integer()) {
    out << v.get<long>();
  } else if (v.is_number()) {
    out << v.get<double>();
  } else {
    out << YAML::Null;
  }
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

// What a meeting file may say: writable, non-secret fields (secrets become references).
nlohmann::json writable(model::Resource r, const nlohmann::json& v) {
  auto kept = model::project(r, v, [](const model::Field& f) {
    return !f.has(model::kReadOnly) && !f.has(model::kSecret) && !f.has(model::kLocal) &&
           f.verbs != 0;
  });
  return model::without_server_chosen(r, kept);  // vorbis: validate would reject it
}

}  // namespace

int export_command(int argc, char** argv) {
  cxxopts::Options options("rtksync export",
                           "Write YAML for meetings that exist on the server (secrets are not "
                           "readable; write-only credentials must be added as ${env:...}).");
  add_common_options(options);
  add_api_options(options);
  options.add_options("export")("out", "write to FILE instead of stdout",
                                cxxopts::value<std::string>())("inactive",
                                                               "include INACTIVE meetings");
  int code = kExitOk;
  auto args = parse_args(options, argc, argv, code);
  if (!args) return code;
  set_log_level(*args);
  auto opts = load_options(*args);
  opts.strict_env = false;
  auto config = config::load(opts);
  if (config.project.account_id.empty() || config.project.app_id.empty()) {
    print_diagnostics(config.diagnostics, std::cerr);
    return kExitError;
  }
  auto copts = client_options(*args, config.project);
  if (!copts) return kExitError;
  api::Client client(*copts);
  auto list = client.list_meetings();
  if (!list) {
    std::cerr << "error: " << list.error().message() << "\n";
    return kExitError;
  }
  std::vector<nlohmann::json> wanted;
  for (const auto& s : *list) {
    if (args->count("inactive") != 0U || s.value("status", "ACTIVE") == "ACTIVE")
      wanted.push_back(s);
  }
  std::vector<nlohmann::json> meetings(wanted.size());
  std::vector<std::vector<nlohmann::json>> people(wanted.size());
  std::string failure;
  std::mutex mu;
  api::parallel_for(wanted.size(), copts->parallelism, [&](size_t i) {
    auto id = wanted[i].value("id", "");
    auto m = client.get_meeting(id);
    auto p = client.list_participants(id);
    std::lock_guard lock(mu);
    if (!m || !p) {
      failure = !m ? m.error().message() : p.error().message();
      return;
    }
    meetings[i] = *m;
    people[i] = *p;
  });
  if (!failure.empty()) {
    std::cerr << "error: " << failure << "\n";
    return kExitError;
  }
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "meetings" << YAML::Value << YAML::BeginMap;
  std::set<std::string> keys;
  for (size_t i = 0; i < meetings.size(); ++i) {
    std::string key = slug(meetings[i].value("title", "meeting"));
    for (int n = 2; keys.count(key) != 0U; ++n)
      key = slug(meetings[i].value("title", "meeting")) + "-" + std::to_string(n);
    keys.insert(key);
    auto fields = writable(model::Resource::Meeting, meetings[i]);
    fields["status"] = meetings[i].value("status", "ACTIVE");
    out << YAML::Key << key << YAML::Value;
    out << YAML::BeginMap;
    for (const auto& [k, v] : fields.items()) {
      out << YAML::Key << k << YAML::Value;
      emit_value(out, v);
    }
    out << YAML::Key << "participants" << YAML::Value << YAML::BeginSeq;
    for (const auto& p : people[i]) emit_value(out, writable(model::Resource::Participant, p));
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  std::string text = std::string("# Exported by rtksync from account ") +
                     config.project.account_id + ", app " + config.project.app_id +
                     ". Then: rtksync import --by-title\n" + out.c_str() + "\n";
  if (args->count("out") != 0U) {
    std::ofstream((*args)["out"].as<std::string>()) << text;
    std::cerr << "Wrote " << meetings.size() << " meetings to " << (*args)["out"].as<std::string>()
              << "\n";
  } else {
    std::cout << text;
  }
  return kExitOk;
}

}  // namespace rtk::cli
