// api/http_transport: one HTTP exchange over libcurl. Easy handles are pooled and share a
// connection, DNS and TLS-session cache, so concurrent requests reuse keep-alive
// connections. Knows nothing of RealtimeKit; never logs bodies or headers.
#pragma once

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
  long timeout_s = 30;
  long connect_timeout_s = 10;
  bool insecure = false;
  std::string user_agent;
};

struct HttpRequest {
  std::string method;  // GET POST PATCH PUT DELETE
  std::string path;    // appended to base_url, query included
  std::string body;    // JSON, or empty
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

  struct Shared;  // libcurl share handle and its locks

 private:
  void* take_handle();
  void give_back(void* handle);

  TransportOptions options_;
  std::unique_ptr<Shared> shared_;
  std::mutex pool_mu_;
  std::vector<void*> pool_;
};

}  // namespace rtk::api
