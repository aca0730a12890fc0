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

// The base URL without trailing slashes: "https://host/client/v4/" + "/accounts" must not
// become a double slash.
std::string trimmed(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

Client::Client(ClientOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : system_clock()),
      prefix_("/accounts/" + escape(options_.account_id) + "/realtime/kit/" +
              escape(options_.app_id)),
      transport_(TransportOptions{.base_url = trimmed(options_.base_url),
                                  .token = options_.token,
                                  .connect_timeout_s = 10,
                                  .insecure = options_.insecure,
                                  .user_agent = std::string("rtksync/") + RTKSYNC_VERSION}),
      limiter_(options_.rate_budget, options_.rate_window_s, clock_,
               [this](RateLimiter::Duration wait) {
                 if (options_.on_budget_wait) {
                   options_.on_budget_wait(std::chrono::ceil<std::chrono::seconds>(wait));
                 }
               }),
      in_flight_(std::clamp(options_.parallelism, 1, 1024)) {}

std::chrono::milliseconds Client::backoff(int attempt) {
  // "Equal jitter": uniform in [cap/2, cap], cap = min(max, base * 2^attempt). Half the wait
  // is guaranteed, so a burst of failures never retries at once; the other half spreads them.
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

namespace {

ApiError failure(ApiError::Kind kind, const std::string& method, const std::string& path,
                 std::string detail) {
  ApiError e;
  e.kind = kind;
  e.method = method;
  e.path = path;
  e.detail = std::move(detail);
  return e;
}

std::chrono::milliseconds left(const Clock& clock, Clock::TimePoint deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now());
}

// The data of a success envelope: null when the answer has none (allowed for writes).
ApiResult<json> success_data(const HttpResponse& resp, const std::string& method,
                             const std::string& path, bool whole_envelope) {
  auto j = json::parse(resp.body, nullptr, false);
  const bool envelope = !j.is_discarded() && j.is_object() && j.value("success", false) == true;
  if (!envelope || (whole_envelope && !j.contains("data"))) {
    ApiError e = failure(ApiError::Kind::Malformed, method, path,
                         j.is_discarded() ? "body is not JSON (truncated or not the API)"
                                          : "not a success envelope with the data it needs");
    e.status = resp.status;
    return e;
  }
  if (whole_envelope) return j;
  return j.contains("data") ? std::move(j["data"]) : json();
}

}  // namespace

ApiResult<json> Client::send(const Call& call, Answer answer) {
  const std::string path = prefix_ + call.path;
  const bool once = call.idempotency == Idempotency::SendAtMostOnce;
  limiter_.acquire();
  const Clock::TimePoint deadline = clock_.now() + options_.deadline;
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0) limiter_.acquire();
    count(call.method + " " + call.route, attempt > 0);
    auto started = clock_.now();
    in_flight_.acquire();
    TransportResult r = transport_.perform(
        HttpRequest{.method = call.method,
                    .path = path,
                    .body = call.body,
                    .connection = once ? Connection::Fresh : Connection::MayReuse,
                    .timeout = std::max(left(clock_, deadline), std::chrono::milliseconds(1))});
    in_flight_.release();
    spdlog::trace(
        "{} {} -> {} in {} ms (attempt {})", call.method, path,
        r.failure == TransportFailure::None ? std::to_string(r.response.status) : r.error,
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - started).count(),
        attempt + 1);
    const bool exhausted = attempt >= options_.max_retries;
    // A wait is started only if a useful attempt still fits in the deadline after it;
    // otherwise the request fails now.
    auto may_wait = [&](std::chrono::milliseconds wait) {
      const auto useful =
          std::min<std::chrono::milliseconds>(std::chrono::seconds(1), options_.deadline / 4);
      return !exhausted && left(clock_, deadline) - wait >= useful;
    };
    if (r.failure != TransportFailure::None) {
      const bool may_resend = !once || r.failure == TransportFailure::NotSent;
      auto wait = backoff(attempt);
      if (may_resend && may_wait(wait)) {
        clock_.sleep_until(clock_.now() + wait);
        continue;
      }
      return failure(may_resend ? ApiError::Kind::Transport : ApiError::Kind::OutcomeUnknown,
                     call.method, path, r.error);
    }
    const auto& resp = r.response;
    if (resp.status == 429) {  // rejected before processing: safe to send again, any verb
      auto wait = retry_after(resp);
      if (may_wait(wait)) {
        spdlog::debug("rate limited; waiting {} ms as Retry-After says", wait.count());
        limiter_.pause_for(wait);
        continue;
      }
    }
    if (resp.status >= 500 && !once) {
      auto wait = backoff(attempt);
      if (may_wait(wait)) {
        clock_.sleep_until(clock_.now() + wait);
        continue;
      }
    }
    if (resp.status >= 500 && once) {
      ApiError e = error_from_response(resp.status, resp.body, call.method, path);
      e.kind = ApiError::Kind::OutcomeUnknown;
      e.detail = "HTTP " + std::to_string(resp.status);
      return e;
    }
    if (resp.status < 200 || resp.status >= 300) {
      return error_from_response(resp.status, resp.body, call.method, path);
    }
    auto data = success_data(resp, call.method, path, answer == Answer::Envelope);
    if (!data && once) {  // it took effect, but we cannot read what it made
      ApiError e = data.error();
      e.kind = ApiError::Kind::OutcomeUnknown;
      e.detail = "HTTP " + std::to_string(resp.status) + " with an unreadable body: " + e.detail;
      return e;
    }
    return data;
  }
}

ApiResult<std::vector<json>> Client::list_all(const std::string& route, const std::string& path,
                                              const std::string& extra_query) {
  auto page_path = [&](size_t page) {
    return path + "?page_no=" + std::to_string(page) +
           "&per_page=" + std::to_string(options_.per_page) + extra_query;
  };
  auto get_page = [&](size_t page) {
    return send(Call{.method = "GET", .route = route, .path = page_path(page)}, Answer::Envelope);
  };
  auto first = get_page(1);
  if (!first) return first.error();
  std::vector<json> items;
  std::set<std::string> seen;
  auto take = [&](json& page) {
    size_t n = 0;
    if (!page["data"].is_array()) return n;
    for (auto& item : page["data"]) {
      ++n;
      if (seen.insert(item.value("id", "")).second) items.push_back(std::move(item));
    }
    return n;
  };
  // The server may cap per_page: the first page's length is the real page size.
  const size_t page_size = take(*first);
  const size_t total = (*first).value("/paging/total_count"_json_pointer, size_t{0});
  if (page_size == 0 || items.size() >= total) return items;
  // total_count is a hint, not a promise: pages are fetched in batches of at most
  // `parallelism` (never past the count it announces), and paging stops at the first short or
  // empty page, so a wrong count costs at most one batch, never an endless walk.
  const size_t announced = (total + page_size - 1) / page_size;
  const size_t batch = static_cast<size_t>(std::max(1, options_.parallelism));
  for (size_t next = 2; next <= announced;) {
    const size_t n = std::min(batch, announced - next + 1);
    std::vector<ApiResult<json>> pages(n, ApiError{});
    parallel_for(n, options_.parallelism, [&](size_t i) { pages[i] = get_page(next + i); });
    bool short_page = false;
    for (auto& page : pages) {
      if (!page) return page.error();
      short_page = short_page || take(*page) < page_size;
    }
    if (short_page) break;
    next += n;
  }
  return items;
}

ApiResult<std::vector<json>> Client::list_meetings(const ListQuery& q) {
  std::string extra;
  if (!q.search.empty()) extra += "&search=" + escape(q.search);
  if (!q.status.empty()) extra += "&status=" + escape(q.status);
  return list_all("/meetings", "/meetings", extra);
}

namespace {

const char* const kMeetingRoute = "/meetings/{meeting_id}";
const char* const kParticipantsRoute = "/meetings/{meeting_id}/participants";
const char* const kParticipantRoute = "/meetings/{meeting_id}/participants/{participant_id}";
const char* const kTokenRoute = "/meetings/{meeting_id}/participants/{participant_id}/token";

std::string meeting_path(const std::string& id) {
  return "/meetings/" + escape(id);
}
std::string participant_path(const std::string& id, const std::string& pid) {
  return meeting_path(id) + "/participants/" + escape(pid);
}

}  // namespace

ApiResult<json> Client::get_meeting(const std::string& id) {
  return send(Call{.method = "GET", .route = kMeetingRoute, .path = meeting_path(id)});
}

ApiResult<json> Client::create_meeting(const json& body) {
  return send(Call{.method = "POST",
                   .route = "/meetings",
                   .path = "/meetings",
                   .body = body.dump(),
                   .idempotency = Idempotency::SendAtMostOnce});
}

ApiResult<json> Client::patch_meeting(const std::string& id, const json& body) {
  return send(Call{
      .method = "PATCH", .route = kMeetingRoute, .path = meeting_path(id), .body = body.dump()});
}

ApiResult<json> Client::put_meeting(const std::string& id, const json& body) {
  return send(
      Call{.method = "PUT", .route = kMeetingRoute, .path = meeting_path(id), .body = body.dump()});
}

ApiResult<std::vector<json>> Client::list_participants(const std::string& meeting_id) {
  return list_all(kParticipantsRoute, meeting_path(meeting_id) + "/participants", "");
}

ApiResult<json> Client::add_participant(const std::string& meeting_id, const json& body) {
  return send(Call{.method = "POST",
                   .route = kParticipantsRoute,
                   .path = meeting_path(meeting_id) + "/participants",
                   .body = body.dump(),
                   .idempotency = Idempotency::SendAtMostOnce});
}

ApiResult<json> Client::get_participant(const std::string& meeting_id, const std::string& pid) {
  return send(
      Call{.method = "GET", .route = kParticipantRoute, .path = participant_path(meeting_id, pid)});
}

ApiResult<json> Client::edit_participant(const std::string& meeting_id, const std::string& pid,
                                         const json& body) {
  return send(Call{.method = "PATCH",
                   .route = kParticipantRoute,
                   .path = participant_path(meeting_id, pid),
                   .body = body.dump()});
}

ApiResult<json> Client::delete_participant(const std::string& meeting_id, const std::string& pid) {
  return send(Call{
      .method = "DELETE", .route = kParticipantRoute, .path = participant_path(meeting_id, pid)});
}

ApiResult<json> Client::refresh_token(const std::string& meeting_id, const std::string& pid) {
  // Rotating twice is harmless (the second token supersedes the first), so a lost answer may
  // be retried.
  return send(Call{.method = "POST",
                   .route = kTokenRoute,
                   .path = participant_path(meeting_id, pid) + "/token"});
}

namespace {
thread_local bool in_parallel_for = false;  // this thread is a parallel_for worker
}  // namespace

void parallel_for(size_t n, int parallelism, const std::function<void(size_t)>& fn) {
  size_t workers = std::min<size_t>(n, static_cast<size_t>(std::max(1, parallelism)));
  if (workers <= 1 || in_parallel_for) {  // inside a worker: no second pool, no P² threads
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
      in_parallel_for = true;
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
