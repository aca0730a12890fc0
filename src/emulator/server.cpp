#include "emulator/server.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include <httplib.h>

namespace rtk::emulator {
namespace {

constexpr const char* kPrefix = R"(/client/v4/accounts/([^/]+)/realtime/kit/([^/]+))";

int port_of(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  }
  return -1;
}

// Closes the TCP connection a request came in on, without answering: the handler has no
// socket handle, so the socket is found by its local and remote ports.
void drop_connection(const httplib::Request& req) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  while (dirent* entry = readdir(dir)) {
    int fd = std::atoi(entry->d_name);
    if (fd <= 2) continue;
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t len = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) continue;
    len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    if (port_of(local) == req.local_port && port_of(peer) == req.remote_port) {
      shutdown(fd, SHUT_RDWR);
      break;
    }
  }
  closedir(dir);
}

Target target_of(const httplib::Request& req) {
  return Target{req.matches[1], req.matches[2]};
}

Query query_of(const httplib::Request& req) {
  Query q;
  for (const auto& [k, v] : req.params) q[k] = v;
  return q;
}

void send(httplib::Response& res, const Reply& reply) {
  res.status = reply.status;
  res.set_content(reply.body.dump(), "application/json");
}

// Cloudflare's gateway envelope (used for 401 and 429, as the real edge does).
void send_gateway_error(httplib::Response& res, int status, int code, const std::string& msg) {
  res.status = status;
  json body{{"success", false},
            {"errors", json::array({{{"code", code}, {"message", msg}}})},
            {"messages", json::array()},
            {"result", nullptr}};
  res.set_content(body.dump(), "application/json");
}

}  // namespace

Server::Server(ServerOptions options, Store& store)
    : options_(std::move(options)),
      store_(store),
      http_(std::make_unique<httplib::Server>()),
      recorder_(options_.record_path),
      rng_(options_.seed ^ 0x9E3779B97F4A7C15ULL) {
  http_->new_task_queue = [] { return new httplib::ThreadPool(64); };
  http_->set_keep_alive_max_count(100000);
  http_->set_keep_alive_timeout(30);
  http_->set_tcp_nodelay(true);  // no Nagle delay on small JSON answers
  http_->set_socket_options([this](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_ = sock;
  });
  install_routes();
}

Server::~Server() = default;

int Server::bind(int port) {
  int bound = port == 0 ? http_->bind_to_any_port("127.0.0.1")
                        : (http_->bind_to_port("127.0.0.1", port) ? port : -1);
  // cpp-httplib listens with a backlog of 5: a burst of concurrent connects overflows it and
  // the kernel drops SYNs, which clients retry only after a second. Listening again on the
  // same socket raises the backlog.
  if (bound > 0 && listen_fd_ >= 0) ::listen(listen_fd_, 1024);
  return bound;
}

void Server::serve() {
  http_->listen_after_bind();
}
void Server::stop() {
  http_->stop();
}

Server::FaultDecision Server::decide_faults() {
  std::lock_guard lock(mu_);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  FaultDecision d;
  d.drop = options_.faults.drop_rate > 0 && u(rng_) < options_.faults.drop_rate;
  d.error = !d.drop && options_.faults.error_rate > 0 && u(rng_) < options_.faults.error_rate;
  d.after = u(rng_) < 0.5;
  return d;
}

int Server::rate_limited_retry_after() {
  if (options_.faults.rate_limit <= 0) return 0;
  std::lock_guard lock(mu_);
  long now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
                 .count();
  long window = options_.faults.rate_window_s;
  if (now - window_start_s_ >= window) {
    window_start_s_ = now - (now % window);
    window_count_ = 0;
  }
  if (window_count_ < options_.faults.rate_limit) {
    ++window_count_;
    return 0;
  }
  return static_cast<int>(std::max(1L, window_start_s_ + window - now));
}

void Server::count(const std::string& route, const std::string& outcome) {
  std::lock_guard lock(mu_);
  ++calls_[route][outcome];
}

std::string Server::stats_json() {
  std::lock_guard lock(mu_);
  json routes = json::object();
  long total = 0;
  for (const auto& [route, outcomes] : calls_) {
    long n = 0;
    for (const auto& [outcome, c] : outcomes) n += c;
    routes[route] = json{{"count", n}, {"outcomes", outcomes}};
    total += n;
  }
  return json{{"total", total}, {"routes", routes}}.dump();
}

namespace {

// A request without Content-Length or chunked Transfer-Encoding has no body (RFC 9112,
// 6.3); reading one anyway would wait until the client gives up (curl -X POST, no -d).
std::string read_body(const httplib::Request& req, const httplib::ContentReader& reader) {
  bool chunked = req.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos;
  if (!req.has_header("Content-Length") && !chunked) return "";
  std::string body;
  reader([&](const char* data, size_t n) {
    body.append(data, n);
    return true;
  });
  return body;
}

// The contract's request bodies are application/json only.
bool is_json_content(const std::string& content_type) {
  auto semi = content_type.find(';');
  std::string media = content_type.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.pop_back();
  return media == "application/json";
}

}  // namespace

void Server::record(const httplib::Request& req, const std::string& method,
                    const std::string& route, const std::string& body, const httplib::Response& res,
                    const std::string& outcome) {
  Exchange e;
  e.method = method;
  e.route = route;
  e.path = req.path;
  for (const auto& [k, v] : req.params) e.query[k] = v;
  e.content_type = req.get_header_value("Content-Type");
  e.user_agent = req.get_header_value("User-Agent");
  e.request_body = body;
  e.outcome = outcome;
  e.status = outcome.rfind("dropped", 0) == 0 ? 0 : res.status;
  if (e.status != 0) e.response_body = res.body;
  recorder_.record(e);
}

void Server::install_routes() {
  using Handler = std::function<Reply(const httplib::Request&, const std::string& body)>;
  using Api = std::function<void(const httplib::Request&, httplib::Response&, const std::string&)>;
  // Wraps an API handler with auth, rate limit, content type, faults, latency, counting and
  // recording.
  auto api = [this](const std::string& method, const std::string& route,
                    const Handler& handler) -> Api {
    return [this, method, route, handler](const httplib::Request& req, httplib::Response& res,
                                          const std::string& body) {
      const std::string name = method + " " + route;
      auto finish = [&](const std::string& outcome) {
        count(name, outcome);
        record(req, method, route, body, res, outcome);
      };
      auto auth = req.get_header_value("Authorization");
      if (auth != "Bearer " + options_.token) {
        send_gateway_error(res, 401, 10000, "Authentication error");
        return finish("401");
      }
      if (int retry_after = rate_limited_retry_after(); retry_after > 0) {
        res.set_header("Retry-After", std::to_string(retry_after));
        send_gateway_error(res, 429, 971, "Please wait and consider throttling your request speed");
        return finish("429");
      }
      if (!body.empty() && !is_json_content(req.get_header_value("Content-Type"))) {
        send(res, error_reply(415, "request body must be application/json"));
        return finish("415");
      }
      if (options_.faults.latency_ms > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(options_.faults.latency_ms));
      }
      FaultDecision fault = decide_faults();
      bool strike_before = (fault.drop || fault.error) && !fault.after;
      Reply reply;
      if (!strike_before) reply = handler(req, body);
      if (fault.drop) {
        drop_connection(req);
        return finish(fault.after ? "dropped-after-processing" : "dropped");
      }
      if (fault.error) {
        send(res, error_reply(503, "service temporarily unavailable (injected fault)"));
        return finish(fault.after ? "503-after-processing" : "503");
      }
      send(res, reply);
      finish(std::to_string(reply.status));
    };
  };
  auto& s = *http_;
  auto get = [&s](const std::string& pattern, const Api& fn) {
    s.Get(pattern, [fn](const httplib::Request& req, httplib::Response& res) { fn(req, res, ""); });
  };
  auto del = [&s](const std::string& pattern, const Api& fn) {
    s.Delete(pattern,
             [fn](const httplib::Request& req, httplib::Response& res) { fn(req, res, req.body); });
  };
  using Reader = const httplib::ContentReader&;
  auto with_body = [](const Api& fn) {
    return [fn](const httplib::Request& req, httplib::Response& res, Reader reader) {
      fn(req, res, read_body(req, reader));
    };
  };
  const std::string p = kPrefix;
  const std::string meeting = p + "/meetings/([^/]+)";
  const std::string participant = meeting + "/participants/([^/]+)";
  get(p + "/meetings", api("GET", "/meetings", [this](const auto& r, const auto&) {
        return store_.list_meetings(target_of(r), query_of(r));
      }));
  s.Post(p + "/meetings", with_body(api("POST", "/meetings", [this](const auto& r, const auto& b) {
           return store_.create_meeting(target_of(r), b);
         })));
  get(meeting, api("GET", "/meetings/{meeting_id}", [this](const auto& r, const auto&) {
        return store_.get_meeting(target_of(r), r.matches[3]);
      }));
  s.Patch(meeting,
          with_body(api("PATCH", "/meetings/{meeting_id}", [this](const auto& r, const auto& b) {
            return store_.patch_meeting(target_of(r), r.matches[3], b);
          })));
  s.Put(meeting,
        with_body(api("PUT", "/meetings/{meeting_id}", [this](const auto& r, const auto& b) {
          return store_.put_meeting(target_of(r), r.matches[3], b);
        })));
  get(meeting + "/participants",
      api("GET", "/meetings/{meeting_id}/participants", [this](const auto& r, const auto&) {
        return store_.list_participants(target_of(r), r.matches[3], query_of(r));
      }));
  s.Post(meeting + "/participants", with_body(api("POST", "/meetings/{meeting_id}/participants",
                                                  [this](const auto& r, const auto& b) {
                                                    return store_.add_participant(target_of(r),
                                                                                  r.matches[3], b);
                                                  })));
  const std::string pr = "/meetings/{meeting_id}/participants/{participant_id}";
  get(participant, api("GET", pr, [this](const auto& r, const auto&) {
        return store_.get_participant(target_of(r), r.matches[3], r.matches[4]);
      }));
  s.Patch(participant, with_body(api("PATCH", pr, [this](const auto& r, const auto& b) {
            return store_.edit_participant(target_of(r), r.matches[3], r.matches[4], b);
          })));
  s.Put(participant, with_body(api("PUT", pr, [this](const auto& r, const auto& b) {
          return store_.replace_participant(target_of(r), r.matches[3], r.matches[4], b);
        })));
  del(participant, api("DELETE", pr, [this](const auto& r, const auto&) {
        return store_.delete_participant(target_of(r), r.matches[3], r.matches[4]);
      }));
  s.Post(participant + "/token",
         with_body(api("POST", pr + "/token", [this](const auto& r, const auto&) {
           return store_.refresh_token(target_of(r), r.matches[3], r.matches[4]);
         })));

  s.Get("/__emulator/stats", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(stats_json(), "application/json");
  });
  s.Post("/__emulator/reset",
         [this](const httplib::Request& req, httplib::Response& res, Reader reader) {
           read_body(req, reader);  // ignored; a bodiless POST must not wait for one
           store_.clear();
           {
             std::lock_guard lock(mu_);
             calls_.clear();
           }
           res.set_content(R"({"success":true})", "application/json");
         });
  s.Get("/__emulator/dump", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(store_.dump().dump(), "application/json");
  });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) {
      send(res, error_reply(404, "no route for " + req.method + " " + req.path));
    }
  });
}

}  // namespace rtk::emulator
