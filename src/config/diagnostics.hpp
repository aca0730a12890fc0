// config/diagnostics: what the config layer reports: file:line:col, severity, message.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/desired.hpp"

namespace rtk::config {

enum class Severity { Error, Warning };

struct Diagnostic {
  model::SourcePos pos;
  Severity severity = Severity::Error;
  std::string message;
};

class Diagnostics {
 public:
  void error(const model::SourcePos& pos, std::string message);
  void warning(const model::SourcePos& pos, std::string message);
  [[nodiscard]] size_t error_count() const;
  [[nodiscard]] size_t warning_count() const;
  [[nodiscard]] bool has_errors() const { return error_count() > 0; }
  // Sorted by file, line, column; stable for equal positions.
  [[nodiscard]] std::vector<Diagnostic> sorted() const;
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
};

// "N errors, M warnings" (singular where one).
std::string count_text(size_t errors, size_t warnings);

// "path/to/file.yaml:LINE:COL: error: message"
std::string format(const Diagnostic& d);
nlohmann::json to_json(const std::vector<Diagnostic>& diags);

// The closest candidate by edit distance, when close enough to be a likely typo.
std::string suggest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace rtk::config
