#include "api/http_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <cstdlib>

namespace rtk::api {

struct HttpTransport::Shared {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
};

namespace {

void lock_cb(CURL* /*h*/, curl_lock_data data, curl_lock_access /*a*/, void* user) {
  static_cast<HttpTransport::Shared*>(user)->locks.at(data).lock();  // NOLINT
}
void unlock_cb(CURL* /*h*/, curl_lock_data data, void* user) {
  static_cast<HttpTransport::Shared*>(user)->locks.at(data).unlock();  // NOLINT
}

size_t write_cb(char* ptr, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(ptr, size * n);
  return size * n;
}

size_t header_cb(char* ptr, size_t size, size_t n, void* user) {
  std::string line(ptr, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    auto first = value.find_first_not_of(" \t");
    auto last = value.find_last_not_of(" \t\r\n");
    value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
  }
  return size * n;
}

TransportFailure classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
      return TransportFailure::NotSent;
    default:
      return TransportFailure::Unknown;
  }
}

// Test seam for crash tests: RTKSYNC_TEST_KILL_AFTER_RESPONSES=N makes the process kill
// itself with SIGKILL as the Nth response arrives, before anyone has acted on it.
void maybe_crash_for_test() {
  static const long limit = [] {
    const char* v = std::getenv("RTKSYNC_TEST_KILL_AFTER_RESPONSES");
    return v == nullptr ? 0L : std::atol(v);
  }();
  static std::atomic<long> seen{0};
  if (limit > 0 && ++seen >= limit) std::raise(SIGKILL);
}

}  // namespace

HttpTransport::HttpTransport(TransportOptions options)
    : options_(std::move(options)), shared_(std::make_unique<Shared>()) {
  static const bool initialised = [] {
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  }();
  (void)initialised;
  shared_->share = curl_share_init();
  curl_share_setopt(shared_->share, CURLSHOPT_LOCKFUNC, lock_cb);
  curl_share_setopt(shared_->share, CURLSHOPT_UNLOCKFUNC, unlock_cb);
  curl_share_setopt(shared_->share, CURLSHOPT_USERDATA, shared_.get());
  curl_share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  // Not CURL_LOCK_DATA_CONNECT: libcurl documents a shared connection cache as unsupported
  // across concurrent threads. Each pooled handle keeps its own connections instead.
}

HttpTransport::~HttpTransport() {
  for (void* h : pool_) curl_easy_cleanup(static_cast<CURL*>(h));
  curl_share_cleanup(shared_->share);
}

void* HttpTransport::take_handle() {
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      void* h = pool_.back();
      pool_.pop_back();
      return h;
    }
  }
  CURL* h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_SHARE, shared_->share);
  return h;
}

void HttpTransport::give_back(void* handle) {
  std::lock_guard lock(pool_mu_);
  pool_.push_back(handle);
}

TransportResult HttpTransport::perform(const HttpRequest& request) {
  CURL* h = static_cast<CURL*>(take_handle());
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_SHARE, shared_->share);
  // A handle runs one transfer at a time, so one kept connection is all it can reuse. More
  // only linger: each Fresh request adds one, and libcurl keeps up to 5 per handle by default.
  curl_easy_setopt(h, CURLOPT_MAXCONNECTS, 1L);
  TransportResult result;
  std::string url = options_.base_url + request.path;
  std::string auth = "Authorization: Bearer " + options_.token;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, "Accept: application/json");
  if (!request.body.empty()) headers = curl_slist_append(headers, "Content-Type: application/json");
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "GET") curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  if (!request.body.empty() || request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
  curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
  // gzip only: advertising every encoding makes brotli-capable servers spend milliseconds
  // compressing small JSON answers at brotli quality 11.
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::max<long>(1, request.timeout.count())));
  if (request.connection == Connection::Fresh) curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_s);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.insecure ? 0L : 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.insecure ? 0L : 2L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &result.response.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &result.response.headers);
  CURLcode code = curl_easy_perform(h);
  if (code == CURLE_OK) {
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.response.status);
    maybe_crash_for_test();
  } else {
    result.failure = classify(code);
    result.error = curl_easy_strerror(code);
  }
  curl_slist_free_all(headers);
  give_back(h);
  return result;
}

}  // namespace rtk::api
