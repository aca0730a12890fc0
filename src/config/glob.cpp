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

// Whether pattern may match a file somewhere below the directory dir.
bool could_contain(const std::string& pattern, const std::string& dir) {
  const auto pat = split(pattern);
  const auto segs = split(dir);
  for (size_t i = 0; i < segs.size(); ++i) {
    if (i < pat.size() && pat[i] == "**") return true;
    if (i + 1 >= pat.size()) return false;  // the pattern's last segment names the file
    if (fnmatch(pat[i].c_str(), segs[i].c_str(), FNM_PERIOD) != 0) return false;
  }
  return true;
}

bool inside(const std::filesystem::path& path, const std::filesystem::path& root) {
  auto [root_end, path_at] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

}  // namespace

bool glob_match(const std::string& pattern, const std::string& relative_path) {
  return match_segments(split(pattern), 0, split(relative_path), 0);
}

GlobExpansion expand_globs(const std::string& root, const std::vector<std::string>& patterns) {
  namespace fs = std::filesystem;
  std::set<std::string> files;
  std::set<std::string> outside;
  std::vector<bool> matched(patterns.size(), false);
  std::error_code ec;
  const fs::path real_root = fs::weakly_canonical(root, ec);
  std::set<fs::path> seen_dirs{real_root};  // a linked directory is read once: no loops
  auto any_reaches = [&](const std::string& rel, bool dir) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
      return dir ? could_contain(p, rel) : glob_match(p, rel);
    });
  };
  const auto options = fs::directory_options::skip_permission_denied |
                       fs::directory_options::follow_directory_symlink;
  fs::recursive_directory_iterator it(root, options, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    const std::string rel = it->path().lexically_relative(root).generic_string();
    std::error_code status_ec;
    const bool dir = it->is_directory(status_ec);
    if (dir && (name == ".git" || name == ".rtksync")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(status_ec) &&
        !inside(fs::weakly_canonical(it->path(), status_ec), real_root)) {
      if (dir) it.disable_recursion_pending();
      if (any_reaches(rel, dir)) outside.insert(rel);
      continue;
    }
    if (dir) {
      if (!seen_dirs.insert(fs::weakly_canonical(it->path(), status_ec)).second)
        it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(status_ec)) continue;
    for (size_t i = 0; i < patterns.size(); ++i) {
      if (glob_match(patterns[i], rel)) {
        files.insert(rel);
        matched[i] = true;
      }
    }
  }
  GlobExpansion out;
  out.files.assign(files.begin(), files.end());
  out.outside_links.assign(outside.begin(), outside.end());
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (!matched[i]) out.unmatched_patterns.push_back(patterns[i]);
  }
  return out;
}

}  // namespace rtk::config
