#include "config/glob.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace rtk::config {
namespace {

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool match_segments(const std::vector<std::string>& pat, size_t pi,
                    const std::vector<std::string>& path, size_t si) {
  if (pi == pat.size()) return si == path.size();
  if (pat[pi] == "**") {
    for (size_t k = si; k <= path.size(); ++k) {
      if (match_segments(pat, pi + 1, path, k)) return true;
    }
    return false;
  }
  if (si == path.size()) return false;
  if (fnmatch(pat[pi].c_str(), path[si].c_str(), FNM_PERIOD) != 0) return false;
  return match_segments(pat, pi + 1, path, si + 1);
}

}  // namespace

bool glob_match(const std::string& pattern, const std::string& relative_path) {
  return match_segments(split(pattern), 0, split(relative_path), 0);
}

GlobExpansion expand_globs(const std::string& root, const std::vector<std::string>& patterns) {
  namespace fs = std::filesystem;
  std::set<std::string> files;
  std::vector<bool> matched(patterns.size(), false);
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (it->is_directory() && (name == ".git" || name == ".rtksync")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::string rel = fs::relative(it->path(), root).generic_string();
    for (size_t i = 0; i < patterns.size(); ++i) {
      if (glob_match(patterns[i], rel)) {
        files.insert(rel);
        matched[i] = true;
      }
    }
  }
  GlobExpansion out;
  out.files.assign(files.begin(), files.end());
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (!matched[i]) out.unmatched_patterns.push_back(patterns[i]);
  }
  return out;
}

}  // namespace rtk::config
