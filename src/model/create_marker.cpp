#include "model/create_marker.hpp"

#include <algorithm>

#include "model/digest.hpp"

namespace rtk::model {
namespace {

constexpr std::string_view kOpen = " (rtksync create ";
constexpr size_t kNonceLength = 16;

bool is_nonce(std::string_view s) {
  return s.size() == kNonceLength && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Where the marker starts in title, or npos.
size_t marker_at(std::string_view title) {
  const size_t length = kOpen.size() + kNonceLength + 1;
  if (title.size() < length || title.back() != ')') return std::string_view::npos;
  const size_t at = title.size() - length;
  if (title.substr(at, kOpen.size()) != kOpen) return std::string_view::npos;
  if (!is_nonce(title.substr(at + kOpen.size(), kNonceLength))) return std::string_view::npos;
  return at;
}

}  // namespace

std::string new_create_nonce() {
  return random_hex(kNonceLength / 2);
}

std::string marked_title(std::string_view title, std::string_view nonce) {
  std::string out(title);
  out += kOpen;
  out += nonce;
  out += ')';
  return out;
}

std::string create_nonce_of(std::string_view title) {
  size_t at = marker_at(title);
  if (at == std::string_view::npos) return "";
  return std::string(title.substr(at + kOpen.size(), kNonceLength));
}

std::string unmarked_title(std::string_view title) {
  size_t at = marker_at(title);
  return std::string(at == std::string_view::npos ? title : title.substr(0, at));
}

}  // namespace rtk::model
