// At most once, proven at the socket level: a raw HTTP/1.1 server in the test counts the
// request bodies it reads per method and path, and closes a connection without answering
// after it has read a request. A create or an add participant whose connection dies that way
// reached the server exactly once and is reported OutcomeUnknown, even when libcurl had a
// kept-alive connection it could have used (and, on a reused connection that dies, re-sent on
// its own); an idempotent GET in the same position is sent again and succeeds.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "api/client.hpp"
#include "support/client_factory.hpp"
#include "support/emulator_process.hpp"

namespace rtk::testing {
namespace {

using json = nlohmann::json;

const std::string kAnswerId = "00000000-0000-4000-8000-00000000000a";

// One HTTP/1.1 server on 127.0.0.1 (port 0) with its own thread: a poll loop over the
// listening socket, every open connection and a wake-up pipe. Each complete request
// (Content-Length bodies only, which is what libcurl sends for these) is recorded, then the
// script decides: answer it (200, keep-alive) or close the connection without a byte.
class CountingServer {
 public:
  struct Request {
    std::string method;
    std::string path;  // without the query
    std::string body;
    int connection = 0;  // 1 for the first accepted connection, 2 for the next, ...
  };
  enum class Action {
    Answer,       // 200 with a success envelope, keep-alive
    Close,        // close the connection without a byte
    Error503,     // RealtimeKit's 503 envelope
    RateLimited,  // 429 with Retry-After: 0 (rejected before processing)
    Truncated,    // 201 whose body is cut short
    Hang,         // never answer (the connection stays open until the server stops)
  };
  // nth: how many requests with this method and path the server has read, this one included.
  using Script = std::function<Action(const Request&, int nth)>;

  explicit CountingServer(Script script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      throw std::runtime_error("bind/listen failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (::pipe2(wake_, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    thread_ = std::thread([this] { loop(); });
  }
  ~CountingServer() { stop(); }
  CountingServer(const CountingServer&) = delete;
  CountingServer& operator=(const CountingServer&) = delete;
  CountingServer(CountingServer&&) = delete;
  CountingServer& operator=(CountingServer&&) = delete;

  void stop() {
    if (!thread_.joinable()) return;
    const char c = 'x';
    (void)!::write(wake_[1], &c, 1);
    thread_.join();
    for (auto& [fd, buffer] : conns_) ::close(fd);
    conns_.clear();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string base_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/client/v4";
  }
  // Every request read with this method and path, in arrival order.
  [[nodiscard]] std::vector<Request> seen(const std::string& method,
                                          const std::string& path) const {
    std::lock_guard lock(mu_);
    std::vector<Request> out;
    for (const auto& r : requests_) {
      if (r.method == method && r.path == path) out.push_back(r);
    }
    return out;
  }
  [[nodiscard]] int connections() const {
    std::lock_guard lock(mu_);
    return accepted_;
  }
  // Waits until the client has closed all but `n` of its connections; false if it still holds
  // more after `limit` (a bound against hanging, not a measure of speed).
  bool until_open_at_most(size_t n, std::chrono::seconds limit) {
    std::unique_lock lock(mu_);
    return closed_.wait_for(lock, limit, [&] { return open_ <= n; });
  }

 private:
  struct Conn {
    int number = 0;
    std::string buffer;
  };

  void loop() {
    for (;;) {
      std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
      for (const auto& [fd, conn] : conns_) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[0].revents != 0) return;
      if (fds[1].revents != 0) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
          std::lock_guard lock(mu_);
          conns_[fd] = Conn{.number = ++accepted_, .buffer = {}};
          ++open_;
        }
      }
      for (size_t i = 2; i < fds.size(); ++i) {
        if (fds[i].revents != 0) serve(fds[i].fd);
      }
    }
  }

  void close_conn(int fd) {
    ::close(fd);
    conns_.erase(fd);
    std::lock_guard lock(mu_);
    --open_;
    closed_.notify_all();
  }

  void serve(int fd) {
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return close_conn(fd);
    Conn& conn = conns_[fd];
    conn.buffer.append(buf, static_cast<size_t>(n));
    for (;;) {
      const size_t end = conn.buffer.find("\r\n\r\n");
      if (end == std::string::npos) return;
      const std::string head = conn.buffer.substr(0, end);
      const size_t length = content_length(head);
      if (conn.buffer.size() < end + 4 + length) return;
      Request r;
      const size_t sp1 = head.find(' ');
      const size_t sp2 = head.find(' ', sp1 + 1);
      r.method = head.substr(0, sp1);
      r.path = head.substr(sp1 + 1, sp2 - sp1 - 1);
      r.path = r.path.substr(0, r.path.find('?'));
      r.body = conn.buffer.substr(end + 4, length);
      r.connection = conn.number;
      conn.buffer.erase(0, end + 4 + length);
      int nth = 0;
      {
        std::lock_guard lock(mu_);
        requests_.push_back(r);
        for (const auto& seen : requests_) nth += seen.method == r.method && seen.path == r.path;
      }
      switch (script_(r, nth)) {
        case Action::Close:
          return close_conn(fd);
        case Action::Hang:
          return;
        case Action::Answer:
          reply(fd, 200, R"({"success":true,"data":{"id":")" + kAnswerId + R"(","title":"t"}})");
          break;
        case Action::Error503:
          reply(fd, 503, R"({"success":false,"error":{"code":503,"message":"busy"}})");
          break;
        case Action::RateLimited:
          reply(fd, 429,
                R"({"success":false,"errors":[{"code":971,"message":"slow down"}],)"
                R"("messages":[],"result":null})",
                "Retry-After: 0\r\n");
          break;
        case Action::Truncated:
          reply(fd, 201, R"({"success":true,"data":{"id":")" + kAnswerId + R"(","ti)");
          break;
      }
    }
  }

  static size_t content_length(const std::string& head) {
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const size_t at = lower.find("\r\ncontent-length:");
    if (at == std::string::npos) return 0;
    return std::stoul(lower.substr(at + 17));
  }

  static void reply(int fd, int status, const std::string& body, const std::string& extra = "") {
    const std::string text = "HTTP/1.1 " + std::to_string(status) +
                             " X\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n" +
                             extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                             body;
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

  Script script_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  std::thread thread_;
  std::map<int, Conn> conns_;  // only the server thread touches it while it runs
  mutable std::mutex mu_;
  std::vector<Request> requests_;
  int accepted_ = 0;
  size_t open_ = 0;
  std::condition_variable closed_;
};

const std::string kApp = std::string("/client/v4/accounts/") + EmulatorProcess::kAccount +
                         "/realtime/kit/" + EmulatorProcess::kApp;
const std::string kWarm = "00000000-0000-4000-8000-000000000001";
const std::string kMeeting = "00000000-0000-4000-8000-000000000002";

api::ClientOptions options_for(const CountingServer& server) {
  api::ClientOptions o = client_options(server.base_url());
  o.parallelism = 1;  // one connection at a time: the test counts them
  o.max_retries = 5;
  o.backoff_max = std::chrono::milliseconds(2);
  return o;
}

// Two GETs answered with keep-alive: libcurl keeps the connection and uses it again (one
// connection accepted), so the next request could go out on it.
void warm_up(api::Client& client, const CountingServer& server) {
  ASSERT_TRUE(client.get_meeting(kWarm).ok());
  ASSERT_TRUE(client.get_meeting(kWarm).ok());
  ASSERT_EQ(server.connections(), 1) << "libcurl did not keep the connection alive";
}

// A POST the server reads, counts and answers by closing the connection.
CountingServer::Script close_every(const std::string& method) {
  return [method](const CountingServer::Request& r, int /*nth*/) {
    return r.method == method ? CountingServer::Action::Close : CountingServer::Action::Answer;
  };
}

TEST(AtMostOnce, CreateWhoseConnectionDiesAfterItWasReadIsSentOnce) {
  CountingServer server(close_every("POST"));
  api::Client client(options_for(server));
  warm_up(client, server);
  auto created = client.create_meeting({{"title", "Once"}});
  const auto posts = server.seen("POST", kApp + "/meetings");
  server.stop();
  ASSERT_EQ(posts.size(), 1U) << "the create reached the server " << posts.size() << " times";
  EXPECT_EQ(json::parse(posts[0].body), (json{{"title", "Once"}}));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().kind, api::ApiError::Kind::OutcomeUnknown) << created.error().message();
}

TEST(AtMostOnce, AddParticipantWhoseConnectionDiesAfterItWasReadIsSentOnce) {
  CountingServer server(close_every("POST"));
  api::Client client(options_for(server));
  warm_up(client, server);
  const json body{{"custom_participant_id", "alice"}, {"preset_name", "host"}};
  auto added = client.add_participant(kMeeting, body);
  const auto posts = server.seen("POST", kApp + "/meetings/" + kMeeting + "/participants");
  server.stop();
  ASSERT_EQ(posts.size(), 1U) << "the add reached the server " << posts.size() << " times";
  EXPECT_EQ(json::parse(posts[0].body), body);
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().kind, api::ApiError::Kind::OutcomeUnknown) << added.error().message();
}

TEST(AtMostOnce, CreateWithoutAKeptConnectionIsAlsoSentOnce) {
  // No warm-up: the first request of a client, on the connection it opens for it.
  CountingServer server(close_every("POST"));
  api::Client client(options_for(server));
  auto created = client.create_meeting({{"title", "Cold"}});
  const auto posts = server.seen("POST", kApp + "/meetings");
  server.stop();
  EXPECT_EQ(posts.size(), 1U);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().kind, api::ApiError::Kind::OutcomeUnknown);
}

TEST(AtMostOnce, IdempotentGetOnADeadKeptConnectionIsSentAgainAndSucceeds) {
  // The first GET of the meeting is read and its connection closed; the next is answered.
  CountingServer server([](const CountingServer::Request& r, int nth) {
    return r.method == "GET" && r.path == kApp + "/meetings/" + kMeeting && nth == 1
               ? CountingServer::Action::Close
               : CountingServer::Action::Answer;
  });
  api::Client client(options_for(server));
  warm_up(client, server);
  auto got = client.get_meeting(kMeeting);
  const auto gets = server.seen("GET", kApp + "/meetings/" + kMeeting);
  server.stop();
  EXPECT_EQ(gets.size(), 2U);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ((*got)["title"], "t");
}

TEST(AtMostOnce, FreshConnectionsDoNotPileUp) {
  // Each create goes out on a new connection; the one it replaces must be closed, not kept
  // idle beside it. (libcurl keeps up to 5 a handle by default: with --parallelism 16 that is
  // 80 idle connections, more than the emulator has threads, and applies stalled for its
  // 30 s keep-alive timeout.)
  CountingServer server(
      [](const CountingServer::Request&, int) { return CountingServer::Action::Answer; });
  api::Client client(options_for(server));  // parallelism 1: one handle
  ASSERT_TRUE(client.get_meeting(kWarm).ok());
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(client.create_meeting({{"title", "Room " + std::to_string(i)}}).ok());
  }
  ASSERT_TRUE(client.get_meeting(kWarm).ok());
  EXPECT_EQ(server.connections(), 7);  // the GET's, then one per create
  EXPECT_TRUE(server.until_open_at_most(1, std::chrono::seconds(10)))
      << "the client still holds more than one connection";
  server.stop();
}

// The client's own policy, on a connection that stays up: what it may send again.
struct Case {
  const char* name;
  CountingServer::Action first;  // the server's answer to the first create
  size_t sent;                   // how many creates the server reads
  bool ok;                       // whether the create then succeeds
  api::ApiError::Kind kind;      // the error's kind when it does not
};

class CreateAnswered : public ::testing::TestWithParam<Case> {};

TEST_P(CreateAnswered, IsSentAgainOnlyWhenItWasSurelyNotProcessed) {
  const Case c = GetParam();
  CountingServer server([&](const CountingServer::Request& r, int nth) {
    return r.method == "POST" && nth == 1 ? c.first : CountingServer::Action::Answer;
  });
  auto options = options_for(server);
  options.deadline = std::chrono::milliseconds(300);  // bounds the Hang case
  api::Client client(options);
  auto created = client.create_meeting({{"title", "Policy"}});
  const auto posts = server.seen("POST", kApp + "/meetings");
  server.stop();
  EXPECT_EQ(posts.size(), c.sent);
  ASSERT_EQ(created.ok(), c.ok) << (created ? "" : created.error().message());
  if (!c.ok) {
    EXPECT_EQ(created.error().kind, c.kind) << created.error().message();
  }
}

using Action = CountingServer::Action;
using Kind = api::ApiError::Kind;
INSTANTIATE_TEST_SUITE_P(
    AtMostOnce, CreateAnswered,
    ::testing::Values(Case{"Error503", Action::Error503, 1, false, Kind::OutcomeUnknown},
                      Case{"TruncatedBody", Action::Truncated, 1, false, Kind::OutcomeUnknown},
                      Case{"NoAnswerBeforeTheDeadline", Action::Hang, 1, false,
                           Kind::OutcomeUnknown},
                      Case{"RateLimited", Action::RateLimited, 2, true, Kind::Http}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rtk::testing
