// api/http_transport: one HTTP exchange over libcurl. Knows nothing of RealtimeKit; never logs
// bodies or headers.
//
// Threads: easy handles are pooled; a handle is used by one thread at a time and keeps its own
// keep-alive connections (libcurl does not support sharing a connection cache between
// concurrent threads). The handles share only what libcurl supports sharing across threads
// with locks: the DNS cache and TLS sessions.
//
// At most once: a request marked Connection::Fresh goes out on a new connection. libcurl
// re-sends a request by itself only when a *reused* connection dies before the answer, so a
// fresh connection makes a second send impossible; the cost is one TCP (and TLS) handshake.
// A handle keeps one connection (CURLOPT_MAXCONNECTS 1), so the fresh one replaces it instead
// of piling up beside it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rtk::api {

struct TransportOptions {
  std::string base_url;  // e.g. https://api.cloudflare.com/client/v4
  std::string token;     // bearer token; only ever placed in the Authorization header
  long connect_timeout_s = 10;
  bool insecure = false;
  std::string user_agent;
};

// Whether a request may go out on a kept-alive connection.
enum class Connection { MayReuse, Fresh };

struct HttpRequest {
  std::string method;  // GET POST PATCH PUT DELETE
  std::string path;    // appended to base_url, query included
  std::string body;    // JSON, or empty
  Connection connection = Connection::MayReuse;
  std::chrono::milliseconds timeout{30000};  // this attempt's whole exchange
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// How a request failed below HTTP, which decides whether it may be sent again.
enum class TransportFailure {
  None,
  NotSent,  // connect or DNS failure: the server surely never saw the request
  Unknown,  // sent, but no complete answer (timeout, reset, empty reply)
};

struct TransportResult {
  TransportFailure failure = TransportFailure::None;
  std::string error;  // libcurl's message when failure != None
  HttpResponse response;
};

class HttpTransport {
 public:
  explicit HttpTransport(TransportOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  TransportResult perform(const HttpRequest& request);

  struct Shared;  // libcurl share handle (DNS, TLS sessions) and its locks

 private:
  void* take_handle();
  void give_back(void* handle);

  TransportOptions options_;
  std::unique_ptr<Shared> shared_;
  std::mutex pool_mu_;
  std::vector<void*> pool_;
};

}  // namespace rtk::api
