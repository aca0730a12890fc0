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

// Whether a pattern may match the file rel, or a file below the directory rel.
bool reaches(const std::vector<std::string>& patterns, const std::string& rel, bool directory) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    return directory ? could_contain(p, rel) : glob_match(p, rel);
  });
}

enum class Entry { File, Directory, OutsideLink, Other };

// What an entry of the project's tree is to the expansion. Links are followed while they stay
// inside root; a directory (linked or not) is entered once, so a link loop ends.
class DirectoryWalk {
 public:
  explicit DirectoryWalk(const std::string& root) {
    std::error_code ec;
    real_root_ = std::filesystem::weakly_canonical(root, ec);
    seen_dirs_.insert(real_root_);
  }

  struct Seen {
    Entry kind = Entry::Other;
    bool directory = false;
    bool skip_below = false;  // do not enter it
  };

  Seen classify(const std::filesystem::directory_entry& e) {
    std::error_code ec;
    Seen out;
    out.directory = e.is_directory(ec);
    const auto name = e.path().filename().string();
    if (out.directory && (name == ".git" || name == ".rtksync")) {
      out.skip_below = true;
      return out;
    }
    const bool link = e.is_symlink(ec);
    if (link && !inside(std::filesystem::weakly_canonical(e.path(), ec), real_root_)) {
      out.kind = Entry::OutsideLink;
      out.skip_below = out.directory;
      return out;
    }
    if (out.directory) {
      out.kind = Entry::Directory;
      out.skip_below = !seen_dirs_.insert(std::filesystem::weakly_canonical(e.path(), ec)).second;
      return out;
    }
    if (e.is_regular_file(ec)) out.kind = Entry::File;
    return out;
  }

 private:
  std::filesystem::path real_root_;
  std::set<std::filesystem::path> seen_dirs_;
};

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
  DirectoryWalk walk(root);
  const auto options = fs::directory_options::skip_permission_denied |
                       fs::directory_options::follow_directory_symlink;
  fs::recursive_directory_iterator it(root, options, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(root).generic_string();
    const auto seen = walk.classify(*it);
    if (seen.skip_below) it.disable_recursion_pending();
    if (seen.kind == Entry::OutsideLink && reaches(patterns, rel, seen.directory))
      outside.insert(rel);
    if (seen.kind != Entry::File) continue;
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
