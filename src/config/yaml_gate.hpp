// config/yaml_gate: the strict syntax gate in front of the tree reader (config/yaml_tree).
// Every file is first read by libfyaml, a conformant parser (it passes the whole YAML test
// suite), then by libyaml for portability; a file either rejects is never read further.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct fy_event;  // libfyaml's
struct fy_token;

namespace rtk::config {

// Deeper nesting is refused: no configuration needs it, and parsers pay for it (libfyaml's
// time grows with the square of a flow collection's depth).
inline constexpr int kMaxYamlDepth = 64;

struct SyntaxProblem {
  int line = 0;  // 1-based
  int col = 0;   // 1-based
  std::string message;
};

struct SyntaxCheck {
  std::vector<SyntaxProblem> errors;  // empty: the text is well-formed YAML
  int documents = 0;                  // documents in the stream
  int second_document_line = 0;       // where a second document starts (1-based), if any
  int second_document_col = 0;
  // With check_yaml: where libyaml reads otherwise (or not at all); empty when it agrees.
  std::vector<SyntaxProblem> unportable;
  [[nodiscard]] bool ok() const { return errors.empty(); }
};

// The whole gate in one pass of each parser: check_yaml_syntax and check_yaml_portability.
SyntaxCheck check_yaml(std::string_view text);

// Parses text as a YAML stream (events only, nothing is built). Pure.
SyntaxCheck check_yaml_syntax(std::string_view text);

// A second reading by libyaml, which most YAML tools are built on (PyYAML, Ruby's Psych,
// linters), event by event beside libfyaml's. libyaml rejects some valid YAML 1.2 (a tab as
// separation, a plain scalar starting with ':') and misreads some (an anchor holding ':', a
// plain scalar starting with '?', trailing blank lines of a block scalar); a meeting file must
// read the same everywhere, so rtksync rejects both. Empty when the readings agree. Pure.
std::vector<SyntaxProblem> check_yaml_portability(std::string_view text);

// A libfyaml token's text ("" for none), and where an event starts ({0, 0} if libfyaml gives
// no mark), with message: the helpers config/yaml_tree shares.
std::string fyaml_text(fy_token* token);
SyntaxProblem fyaml_problem_at(const fy_event& event, std::string message);

// Hands libfyaml's events for text to fn, in order, until fn returns false or the stream
// ends; returns the errors libfyaml reported (empty: none).
std::vector<SyntaxProblem> read_fyaml_events(std::string_view text,
                                             const std::function<bool(const fy_event&)>& fn);

}  // namespace rtk::config
