// apply/tokens: where participants' join tokens go as they arrive. A token is a secret: it is
// never printed or logged, only written here. The file sink appends one JSON object a line
// ({"meeting", "meeting_id", "custom_participant_id", "participant_id", "token"}) to a mode
// 0600 file and syncs it before the apply moves on, so a crash loses no token already
// received; the last line for a participant holds its live token.
#pragma once

#include <memory>
#include <string>

#include "model/result.hpp"

namespace rtk::apply {

struct IssuedToken {
  std::string meeting_key;
  std::string meeting_id;
  std::string custom_participant_id;
  std::string participant_id;
  std::string token;
};

class TokenSink {
 public:
  virtual ~TokenSink() = default;
  TokenSink() = default;
  TokenSink(const TokenSink&) = delete;
  TokenSink& operator=(const TokenSink&) = delete;
  TokenSink(TokenSink&&) = delete;
  TokenSink& operator=(TokenSink&&) = delete;

  // Proves the sink can be written, before anything is mutated.
  [[nodiscard]] virtual Result<Unit> open() = 0;
  // Writes one token durably, or fails. Called from many threads.
  [[nodiscard]] virtual Result<Unit> write(const IssuedToken& token) = 0;
};

std::unique_ptr<TokenSink> file_token_sink(const std::string& path);

}  // namespace rtk::apply
