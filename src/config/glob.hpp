// config/glob: "**"-aware glob matching of repository-relative paths, and expansion of the
// project's include patterns into a sorted, deterministic file list. Symbolic links are
// followed while they stay inside the project (a linked file keeps its own path); one that
// leads out of it is named, never silently skipped: a skipped file's meetings would be
// planned away.
#pragma once

#include <string>
#include <vector>

namespace rtk::config {

// "**" matches zero or more directories; "*", "?" and "[...]" match within one segment.
bool glob_match(const std::string& pattern, const std::string& relative_path);

struct GlobExpansion {
  std::vector<std::string> files;  // relative to root, sorted, unique
  std::vector<std::string> unmatched_patterns;
  // Links a pattern reaches that lead out of root (relative to root, sorted): not read.
  std::vector<std::string> outside_links;
};
GlobExpansion expand_globs(const std::string& root, const std::vector<std::string>& patterns);

}  // namespace rtk::config
