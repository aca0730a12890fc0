// config/yaml_gate: the strict syntax gate in front of yaml-cpp. yaml-cpp accepts some
// documents the YAML spec rejects (an unterminated quoted scalar swallows the rest of the
// file); every file is first read by libfyaml, a conformant parser (it passes the whole YAML
// test suite), then by libyaml for portability, and a file either rejects never reaches
// yaml-cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rtk::config {

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
  [[nodiscard]] bool ok() const { return errors.empty(); }
};

// Parses text as a YAML stream (events only, nothing is built). Pure.
SyntaxCheck check_yaml_syntax(std::string_view text);

// A second reading by libyaml, which most YAML tools are built on (PyYAML, Ruby's Psych,
// linters). It rejects some valid YAML 1.2 (a tab as separation, a plain scalar starting with
// ':'); a meeting file must read the same everywhere, so rtksync rejects what it rejects.
// Empty when libyaml reads the whole stream. Pure.
std::vector<SyntaxProblem> check_yaml_portability(std::string_view text);

}  // namespace rtk::config
