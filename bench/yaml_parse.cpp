// yaml_parse: the floor for loading a configuration. Parses each YAML file named on the command
// line with yaml-cpp (YAML::LoadFile: the whole document tree, as a loader built on yaml-cpp
// needs), counts the meetings under `meetings:`, and drops the tree before the next file.
// bench/run times it, and its peak RSS, next to `rtksync validate` and a no-op `rtksync plan`
// of the same files.
#include <cstdio>
#include <exception>

#include <yaml-cpp/yaml.h>

int main(int argc, char** argv) {
  size_t meetings = 0;
  for (int i = 1; i < argc; ++i) {
    try {
      YAML::Node doc = YAML::LoadFile(argv[i]);
      meetings += doc["meetings"].size();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "yaml_parse: %s: %s\n", argv[i], e.what());
      return 1;
    }
  }
  std::printf("%zu files, %zu meetings\n", static_cast<size_t>(argc - 1), meetings);
  return 0;
}
