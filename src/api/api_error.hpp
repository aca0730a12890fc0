// api/api_error: the typed error every client call returns: HTTP status, the API's error
// codes and messages (RealtimeKit's {"error":{}} or Cloudflare's {"errors":[]}), method and
// path, and whether the request's outcome is unknown.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/result.hpp"

namespace rtk::api {

struct ApiError {
  enum class Kind {
    Http,            // the server answered with an error status
    Transport,       // no answer (after retries)
    OutcomeUnknown,  // a non-idempotent request may or may not have taken effect
    Malformed,       // an answer that is not the API's JSON envelope
  };
  Kind kind = Kind::Http;
  long status = 0;
  std::vector<std::pair<int, std::string>> errors;  // (code, message)
  std::string method;
  std::string path;
  std::string detail;  // transport or parse detail

  [[nodiscard]] bool not_found() const { return kind == Kind::Http && status == 404; }
  [[nodiscard]] std::string message() const;
  operator Error() const { return Error{message()}; }  // NOLINT(google-explicit-constructor)
};

template <class T>
using ApiResult = Result<T, ApiError>;

// Parses an error answer into an ApiError (either envelope; anything else is Malformed).
ApiError error_from_response(long status, const std::string& body, std::string method,
                             std::string path);

}  // namespace rtk::api
