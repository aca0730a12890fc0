#include "config/diagnostics.hpp"

#include <algorithm>

#include "model/printable.hpp"

namespace rtk::config {

void Diagnostics::error(const model::SourcePos& pos, std::string message) {
  items_.push_back({pos, Severity::Error, std::move(message)});
}

void Diagnostics::warning(const model::SourcePos& pos, std::string message) {
  items_.push_back({pos, Severity::Warning, std::move(message)});
}

size_t Diagnostics::error_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::Error;
  }));
}

size_t Diagnostics::warning_count() const {
  return items_.size() - error_count();
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  auto out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.col) <
           std::tie(b.pos.file, b.pos.line, b.pos.col);
  });
  return out;
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

std::string count_text(size_t errors, size_t warnings) {
  return std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") +
         std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings");
}

std::string format(const Diagnostic& d) {
  std::string out = model::printable(d.pos.file);
  if (d.pos.line > 0) out += ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col);
  out += d.severity == Severity::Error ? ": error: " : ": warning: ";
  return out + model::printable(d.message);  // a quoted key or value may hold a line break
}

nlohmann::json to_json(const std::vector<Diagnostic>& diags) {
  auto out = nlohmann::json::array();
  for (const auto& d : diags) {
    out.push_back({{"file", d.pos.file},
                   {"line", d.pos.line},
                   {"column", d.pos.col},
                   {"severity", d.severity == Severity::Error ? "error" : "warning"},
                   {"message", d.message}});
  }
  return out;
}

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1);
  std::vector<size_t> cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string suggest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace rtk::config
