// model/digest: SHA-256 digests (OpenSSL libcrypto): salted digests of write-only values,
// participant-set fingerprints and configuration digests.
#pragma once

#include <string>
#include <string_view>

namespace rtk::model {

std::string sha256_hex(std::string_view data);
// Digest of a write-only value: salt, field path and value, so equal values in different
// fields or states do not share digests.
std::string secret_digest(std::string_view salt, std::string_view path, std::string_view value);
std::string random_hex(size_t bytes);

}  // namespace rtk::model
