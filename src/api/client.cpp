#include "api/client.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <random>
#include <set>
#include <thread>

namespace rtk::api {
namespace {

std::string escape(const std::string& s) {
  char* e = curl_easy_escape(nullptr, s.c_str(), static_cast<int>(s.size()));
  std::string out = e != nullptr ? e : "";
  curl_free(e);
  return out;
}

std::chrono::milliseconds retry_after(const HttpResponse& r) {
  auto it = r.headers.find("retry-after");
  if (it == r.headers.end()) return std::chrono::milliseconds(1000);
  try {
    return std::chrono::milliseconds(static_cast<long>(std::stod(it->second) * 1000));
  } catch (const std::exception&) {
    return std::chrono::milliseconds(1000);
  }
}

}  // namespace

Client::Client(ClientOptions options)
    : options_(std::move(options)),
      prefix_("/accounts/" + escape(options_.account_id) + "/realtime/kit/" +
              escape(options_.app_id)),
      transport_(TransportOptions{options_.base_url, options_.token, options_.timeout_s, 10,
                                  options_.insecure, std::string("rtksync/") + RTKSYNC_VERSION}),
      limiter_(options_.rate_budget, options_.rate_window_s),
      in_flight_(std::clamp(options_.parallelism, 1, 1024)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/')
    options_.base_url.pop_back();
}

std::chrono::milliseconds Client::backoff(int attempt) {
  // Full jitter: uniform in [0, min(max, base * 2^attempt)].
  thread_local std::mt19937 rng(std::random_device{}());
  long cap = std::min<long>(options_.backoff_max.count(),
                            options_.backoff_base.count() * (1L << std::min(attempt, 16)));
  return std::chrono::milliseconds(std::uniform_int_distribution<long>(cap / 2, cap)(rng));
}

void Client::count(const std::string& route, bool retry) {
  std::lock_guard lock(stats_mu_);
  ++stats_.calls[route];
  ++stats_.total;
  if (retry) ++stats_.retries;
}

CallStats Client::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

ApiResult<json> Client::send(const Call& call, bool whole_envelope) {
  const std::string path = prefix_ + call.path;
  for (int attempt = 0;; ++attempt) {
    limiter_.acquire();
    count(call.method + " " + call.route, attempt > 0);
    auto started = std::chrono::steady_clock::now();
    in_flight_.acquire();
    TransportResult r = transport_.perform(HttpRequest{call.method, path, call.body});
    in_flight_.release();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    spdlog::trace("{} {} -> {} in {} ms (attempt {})", call.method, path,
                  r.failure == TransportFailure::None ? std::to_string(r.response.status) : r.error,
                  ms, attempt + 1);
    bool exhausted = attempt >= options_.max_retries;
    if (r.failure != TransportFailure::None) {
      bool may_retry = call.idempotent || r.failure == TransportFailure::NotSent;
      if (may_retry && !exhausted) {
        std::this_thread::sleep_for(backoff(attempt));
        continue;
      }
      ApiError e;
      e.kind = may_retry ? ApiError::Kind::Transport : ApiError::Kind::OutcomeUnknown;
      e.method = call.method;
      e.path = path;
      e.detail = r.error;
      return e;
    }
    const auto& resp = r.response;
    if (resp.status == 429 && !exhausted) {  // rejected before processing: safe for any verb
      auto wait = retry_after(resp);
      spdlog::debug("rate limited; waiting {} ms as Retry-After says", wait.count());
      limiter_.pause_for(wait);
      continue;
    }
    if (resp.status >= 500 && !exhausted && call.idempotent) {
      std::this_thread::sleep_for(backoff(attempt));
      continue;
    }
    if (resp.status >= 500 && !call.idempotent) {
      ApiError e = error_from_response(resp.status, resp.body, call.method, path);
      e.kind = ApiError::Kind::OutcomeUnknown;
      e.detail = "HTTP " + std::to_string(resp.status);
      return e;
    }
    if (resp.status < 200 || resp.status >= 300) {
      return error_from_response(resp.status, resp.body, call.method, path);
    }
    auto j = json::parse(resp.body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("success", false) != true ||
        !j.contains("data")) {
      ApiError e;
      e.kind = ApiError::Kind::Malformed;
      e.status = resp.status;
      e.method = call.method;
      e.path = path;
      e.detail = j.is_discarded() ? "body is not JSON (truncated or not the API)"
                                  : "success envelope without success:true and data";
      return e;
    }
    if (whole_envelope) return j;
    return std::move(j["data"]);
  }
}

ApiResult<std::vector<json>> Client::list_all(const std::string& route, const std::string& path,
                                              const std::string& extra_query) {
  auto page_path = [&](int page) {
    return path + "?page_no=" + std::to_string(page) +
           "&per_page=" + std::to_string(options_.per_page) + extra_query;
  };
  auto first = send(Call{"GET", route, page_path(1), "", true}, true);
  if (!first) return first.error();
  std::vector<json> items;
  for (auto& item : (*first)["data"]) items.push_back(std::move(item));
  const size_t page_size = items.size();
  const size_t total = (*first).value("/paging/total_count"_json_pointer, size_t{0});
  if (page_size == 0 || items.size() >= total) return items;
  // The server may cap per_page: the first page's length is the real page size.
  const int pages = static_cast<int>((total + page_size - 1) / page_size);
  std::vector<ApiResult<json>> rest(static_cast<size_t>(pages - 1), ApiError{});
  parallel_for(rest.size(), options_.parallelism, [&](size_t i) {
    rest[i] = send(Call{"GET", route, page_path(static_cast<int>(i) + 2), "", true}, true);
  });
  std::set<std::string> seen;
  for (const auto& item : items) seen.insert(item.value("id", ""));
  for (auto& page : rest) {
    if (!page) return page.error();
    for (auto& item : (*page)["data"]) {
      if (seen.insert(item.value("id", "")).second) items.push_back(std::move(item));
    }
  }
  return items;
}

ApiResult<std::vector<json>> Client::list_meetings(const ListQuery& q) {
  std::string extra;
  if (!q.search.empty()) extra += "&search=" + escape(q.search);
  if (!q.status.empty()) extra += "&status=" + escape(q.status);
  return list_all("/meetings", "/meetings", extra);
}

ApiResult<json> Client::get_meeting(const std::string& id) {
  return send(Call{"GET", "/meetings/{meeting_id}", "/meetings/" + escape(id), "", true});
}

ApiResult<json> Client::create_meeting(const json& body) {
  return send(Call{"POST", "/meetings", "/meetings", body.dump(), false});
}

ApiResult<json> Client::patch_meeting(const std::string& id, const json& body) {
  return send(
      Call{"PATCH", "/meetings/{meeting_id}", "/meetings/" + escape(id), body.dump(), true});
}

ApiResult<json> Client::put_meeting(const std::string& id, const json& body) {
  return send(Call{"PUT", "/meetings/{meeting_id}", "/meetings/" + escape(id), body.dump(), true});
}

ApiResult<std::vector<json>> Client::list_participants(const std::string& meeting_id) {
  return list_all("/meetings/{meeting_id}/participants",
                  "/meetings/" + escape(meeting_id) + "/participants", "");
}

ApiResult<json> Client::add_participant(const std::string& meeting_id, const json& body) {
  return send(Call{"POST", "/meetings/{meeting_id}/participants",
                   "/meetings/" + escape(meeting_id) + "/participants", body.dump(), false});
}

namespace {
const char* kParticipantRoute = "/meetings/{meeting_id}/participants/{participant_id}";
}

ApiResult<json> Client::get_participant(const std::string& meeting_id, const std::string& pid) {
  return send(Call{"GET", kParticipantRoute,
                   "/meetings/" + escape(meeting_id) + "/participants/" + escape(pid), "", true});
}

ApiResult<json> Client::edit_participant(const std::string& meeting_id, const std::string& pid,
                                         const json& body) {
  return send(Call{"PATCH", kParticipantRoute,
                   "/meetings/" + escape(meeting_id) + "/participants/" + escape(pid), body.dump(),
                   true});
}

ApiResult<json> Client::delete_participant(const std::string& meeting_id, const std::string& pid) {
  return send(Call{"DELETE", kParticipantRoute,
                   "/meetings/" + escape(meeting_id) + "/participants/" + escape(pid), "", true});
}

ApiResult<json> Client::refresh_token(const std::string& meeting_id, const std::string& pid) {
  // Rotating twice is harmless, so a lost answer may be retried.
  return send(Call{"POST", std::string(kParticipantRoute) + "/token",
                   "/meetings/" + escape(meeting_id) + "/participants/" + escape(pid) + "/token",
                   "", true});
}

void parallel_for(size_t n, int parallelism, const std::function<void(size_t)>& fn) {
  size_t workers = std::min<size_t>(n, static_cast<size_t>(std::max(1, parallelism)));
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mu;
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) {
        try {
          fn(i);
        } catch (...) {
          std::lock_guard lock(failure_mu);
          if (!failure) failure = std::current_exception();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace rtk::api
