// config/yaml_tree: a YAML document as a small tree of nodes with their source positions,
// built from libfyaml's events (the conformant parser of the syntax gate). A reader may ask for
// the entries of the mappings under the top-level keys (the meetings) one at a time, as each
// completes: they are handed over and dropped, so reading a file holds one meeting's nodes, not
// the whole file's tree (issue 12: memory that does not follow file size).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/yaml_gate.hpp"
#include "model/result.hpp"

namespace rtk::config {

struct YamlNode;
using YamlNodePtr = std::shared_ptr<const YamlNode>;

struct YamlNode {
  enum class Kind { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  std::string value;   // a scalar's text
  bool plain = false;  // untagged and unquoted: `5` may be a number, `"5"` and `!!str 5` not
  int line = 0;        // 1-based; 0 for the empty document
  int col = 0;
  std::vector<YamlNodePtr> items;                            // a sequence's
  std::vector<std::pair<YamlNodePtr, YamlNodePtr>> entries;  // a mapping's, in order

  [[nodiscard]] bool is_null() const { return kind == Kind::Null; }
  [[nodiscard]] bool is_scalar() const { return kind == Kind::Scalar; }
  [[nodiscard]] bool is_sequence() const { return kind == Kind::Sequence; }
  [[nodiscard]] bool is_map() const { return kind == Kind::Map; }
  // A mapping's value under a scalar key; nullptr when absent (or not a mapping).
  [[nodiscard]] const YamlNode* find(std::string_view key) const;
};

// Receives one entry of a mapping that is the value of a top-level key: that key, then the
// entry's key and value. A mapping with an anchor is kept whole instead (an alias may name it).
using YamlEntryFn =
    std::function<void(const YamlNode& top_key, const YamlNode& key, const YamlNode& value)>;

// Aliases may repeat at most this much YAML (or twice the text, if more): a billion laughs
// is refused, not expanded into memory by whoever reads the tree.
inline constexpr size_t kMaxAliasExpansion = size_t{16} << 20U;

// Reads the first document of text into a tree. Aliases share the anchored node; an alias
// must follow its anchor's end (no cycles), and nesting deeper than kMaxYamlDepth or aliases
// repeating more than kMaxAliasExpansion are errors. With on_entry, the mappings under top-level
// keys reach it entry by entry and stay empty in the tree. An error carries libyaml's position.
Result<YamlNodePtr, SyntaxProblem> parse_yaml_tree(std::string_view text,
                                                   const YamlEntryFn& on_entry = nullptr);

}  // namespace rtk::config
