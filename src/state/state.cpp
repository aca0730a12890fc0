#include "state/state.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/digest.hpp"
#include "model/iso_time.hpp"
#include "model/projection.hpp"
#include "state/journal.hpp"

namespace rtk::state {

namespace {

bool has_reference(const json* v) {
  if (v == nullptr || !v->is_string()) return false;
  const auto& s = v->get_ref<const std::string&>();
  return s.find("${env:") != std::string::npos || s.find("${file:") != std::string::npos;
}

}  // namespace

void MeetingState::remember(const json& observed) {
  object = model::without_secrets(model::Resource::Meeting, observed);
  updated_at = observed.value("updated_at", "");
}

namespace {

std::string digest_of(const std::string& salt, const std::string& path, const json& value) {
  return model::secret_digest(salt, path,
                              value.is_string() ? value.get<std::string>() : value.dump());
}

}  // namespace

// The meeting as the file may hold it: each referenced value it caches becomes a digest.
MeetingState without_referenced(MeetingState ms, const std::set<std::string>& paths,
                                const std::string& salt) {
  for (const auto& path : paths) {
    if (const json* v = model::get_path(ms.object, path)) {
      ms.digests[path] = digest_of(salt, path, *v);
      model::erase_path(ms.object, path);
    }
  }
  return ms;
}

void MeetingState::record_sent(const std::string& salt, const json& sent, const json& resolved,
                               bool replaces) {
  for (const auto& f : model::fields(model::Resource::Meeting)) {
    if (f.kind == model::Kind::Object) continue;
    const std::string path(f.path);
    const json* value = model::get_path(resolved, path);
    const bool from_reference = has_reference(model::get_path(sent, path));
    if (value != nullptr && (from_reference || f.has(model::kSecret))) {
      digests[path] = digest_of(salt, path, *value);
      model::erase_path(object, path);
    } else if (value != nullptr || (replaces && f.has(model::kSecret))) {
      digests.erase(path);  // sent literally (no longer a secret here), or erased by a PUT
    }
  }
}

void State::drop_intent(const std::string& key) {
  std::erase_if(intents, [&](const CreateIntent& i) { return i.key == key; });
}

std::string State::key_of(const std::string& id) const {
  for (const auto& [key, m] : meetings) {
    if (m.id == id) return key;
  }
  return "";
}

json to_json(const MeetingState& m) {
  json out{{"id", m.id},
           {"updated_at", m.updated_at},
           {"object", m.object},
           {"protect", m.protect},
           {"deactivated", m.deactivated},
           {"digests", m.digests},
           {"token_rotations", m.token_rotations}};
  if (!m.undelivered_tokens.empty()) out["undelivered_tokens"] = m.undelivered_tokens;
  return out;
}

MeetingState meeting_from_json(const json& m) {
  MeetingState ms;
  ms.id = m.at("id").get<std::string>();
  ms.updated_at = m.value("updated_at", "");
  ms.object = m.value("object", json::object());
  ms.protect = m.value("protect", false);
  ms.deactivated = m.value("deactivated", false);
  ms.digests = m.value("digests", std::map<std::string, std::string>{});
  ms.token_rotations = m.value("token_rotations", std::map<std::string, long>{});
  ms.undelivered_tokens = m.value("undelivered_tokens", std::set<std::string>{});
  return ms;
}

json to_json(const CreateIntent& i) {
  return {{"key", i.key}, {"nonce", i.nonce}, {"title", i.title}, {"started_at", i.started_at}};
}

CreateIntent intent_from_json(const json& i) {
  return {i.at("key").get<std::string>(), i.value("nonce", ""), i.value("title", ""),
          i.value("started_at", "")};
}

json to_json(const State& s) {
  json meetings = json::object();
  for (const auto& [key, kept] : s.meetings) {
    auto policy = s.referenced.find(key);
    meetings[key] = to_json(
        policy == s.referenced.end() ? kept : without_referenced(kept, policy->second, s.salt));
  }
  json intents = json::array();
  for (const auto& i : s.intents) intents.push_back(to_json(i));
  return json{{"version", s.version},      {"account_id", s.account_id},
              {"app_id", s.app_id},        {"salt", s.salt},
              {"meetings", meetings},      {"intents", intents},
              {"referenced", s.referenced}};
}

Result<State> from_json(const json& j) {
  try {
    State s;
    s.version = j.at("version").get<int>();
    if (s.version != kStateVersion) {
      return Error{"state version " + std::to_string(s.version) + " is not supported (expected " +
                   std::to_string(kStateVersion) + ")"};
    }
    s.account_id = j.at("account_id").get<std::string>();
    s.app_id = j.at("app_id").get<std::string>();
    s.salt = j.value("salt", "");
    for (const auto& [key, m] : j.at("meetings").items()) {
      s.meetings.emplace(key, meeting_from_json(m));
    }
    s.referenced = j.value("referenced", std::map<std::string, std::set<std::string>>{});
    for (const auto& i : j.value("intents", json::array())) {
      s.intents.push_back(intent_from_json(i));
    }
    return s;
  } catch (const json::exception& e) {
    return Error{std::string("state file is not valid: ") + e.what()};
  }
}

Result<State> load(const std::string& path, const std::string& account_id,
                   const std::string& app_id) {
  State s;
  std::ifstream in(path);
  if (in) {
    auto j = json::parse(in, nullptr, false);
    if (j.is_discarded()) return Error{"state file " + path + " is not valid JSON"};
    auto parsed = from_json(j);
    if (!parsed) return Error{path + ": " + parsed.error().message};
    s = std::move(parsed).value();
  } else if (std::filesystem::exists(path)) {
    return Error{"cannot read state file " + path};
  } else {
    s.account_id = account_id;
    s.app_id = app_id;
  }
  if (s.salt.empty()) s.salt = model::random_hex(16);
  if (s.account_id != account_id || s.app_id != app_id) {
    return Error{"state file " + path + " belongs to account " + s.account_id + ", app " +
                 s.app_id + "; this configuration targets account " + account_id + ", app " +
                 app_id + ". Use another state path for another target."};
  }
  auto replayed = replay(journal_path(path), s);
  if (!replayed) return replayed.error();
  return s;
}

Result<Unit> write_atomically(const std::string& path, const std::string& text, unsigned mode) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string tmp =
      (dir / ("." + target.filename().string() + ".tmp." + std::to_string(getpid()))).string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error{"cannot write " + tmp + ": " + std::strerror(errno)};
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error{"cannot write " + tmp + ": " + std::strerror(errno)};
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Error{"cannot flush " + tmp + ": " + std::strerror(errno)};
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Error{"cannot replace " + path + ": " + std::strerror(errno)};
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Unit{};
}

Result<Unit> save(const std::string& path, State& s) {
  if (s.salt.empty()) s.salt = model::random_hex(16);
  return write_atomically(path, to_json(s).dump(2) + "\n", 0644);
}

std::string now_iso() {
  return model::iso_time(model::now_ms());
}

}  // namespace rtk::state
