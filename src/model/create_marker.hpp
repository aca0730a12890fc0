// model/create_marker: the one-time marker that makes create recovery exact. A create is sent
// with a random nonce appended to its title (" (rtksync create NONCE)"); the request that
// follows sets the real title. If the create's answer is lost, a search for the nonce finds
// exactly the meeting that create made, never someone else's, whatever the clocks say.
#pragma once

#include <string>
#include <string_view>

namespace rtk::model {

std::string new_create_nonce();  // 16 lower-case hex digits
std::string marked_title(std::string_view title, std::string_view nonce);
// The nonce in a marked title, or "".
std::string create_nonce_of(std::string_view title);
// The title without a create marker (unchanged when it has none).
std::string unmarked_title(std::string_view title);

}  // namespace rtk::model
