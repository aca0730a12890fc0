#include "model/printable.hpp"

#include <cstdio>

namespace rtk::model {
namespace {

// The length of the control character at text[i], 0 when there is none.
size_t control_at(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x20 || c == 0x7f) return 1;
  if (c == 0xc2 && i + 1 < text.size()) {  // U+0080..U+009F, C1 controls (0x9b: CSI)
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if (next >= 0x80 && next <= 0x9f) return 2;
  }
  return 0;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t n = control_at(text, i);
    if (n == 0) {
      out += text[i++];
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i + n - 1]);
    char escaped[8];
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      std::snprintf(escaped, sizeof escaped, n == 2 ? "\\u%04x" : "\\x%02x", c);
      out += escaped;
    }
    i += n;
  }
  return out;
}

bool has_control_characters(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (control_at(text, i) != 0) return true;
  }
  return false;
}

}  // namespace rtk::model
