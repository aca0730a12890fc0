#include "api/api_error.hpp"

#include <nlohmann/json.hpp>

namespace rtk::api {

std::string ApiError::message() const {
  std::string out = method + " " + path + ": ";
  switch (kind) {
    case Kind::Transport:
      return out + "no answer from the API (" + detail + ")";
    case Kind::OutcomeUnknown:
      return out + "outcome unknown (" + detail + "); it may or may not have taken effect";
    case Kind::Malformed:
      return out + "malformed answer (HTTP " + std::to_string(status) + "): " + detail;
    case Kind::Http:
      break;
  }
  out += "HTTP " + std::to_string(status);
  if (status == 401 || status == 403) out += " (check CLOUDFLARE_API_TOKEN and its permissions)";
  for (const auto& [code, msg] : errors) out += "; [" + std::to_string(code) + "] " + msg;
  return out;
}

ApiError error_from_response(long status, const std::string& body, std::string method,
                             std::string path) {
  ApiError e;
  e.status = status;
  e.method = std::move(method);
  e.path = std::move(path);
  auto j = nlohmann::json::parse(body, nullptr, false);
  auto add = [&](const nlohmann::json& item) {
    if (!item.is_object()) return;
    int code =
        item.contains("code") && item["code"].is_number_integer() ? item["code"].get<int>() : 0;
    std::string msg = item.contains("message") && item["message"].is_string()
                          ? item["message"].get<std::string>()
                          : std::string("(no message)");
    e.errors.emplace_back(code, msg);
  };
  if (j.is_object() && j.contains("error")) add(j["error"]);
  if (j.is_object() && j.contains("errors") && j["errors"].is_array()) {
    for (const auto& item : j["errors"]) add(item);
  }
  if (e.errors.empty()) {
    e.kind = ApiError::Kind::Malformed;
    e.detail = body.empty() ? "empty body" : "body is not the API's error envelope";
  }
  return e;
}

}  // namespace rtk::api
