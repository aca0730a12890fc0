// model/printable: user and server text made safe for a terminal or a CI log. A meeting key,
// a participant id or a YAML value may hold a line break or an escape sequence; printed raw it
// could fake a `file:line: error:` line or drive the terminal. Control characters (C0, DEL and
// UTF-8's C1) become visible escapes; everything else is kept.
#pragma once

#include <string>
#include <string_view>

namespace rtk::model {

std::string printable(std::string_view text);

// Whether text holds a character printable() would escape.
bool has_control_characters(std::string_view text);

}  // namespace rtk::model
