#include "config/yaml_tree.hpp"

#include <libfyaml.h>

#include <algorithm>
#include <map>
#include <optional>

namespace rtk::config {
namespace {

// YAML's null for an untagged plain scalar (and for an empty node).
bool is_null_text(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::shared_ptr<YamlNode> node_at(YamlNode::Kind kind, const fy_event& e) {
  auto node = std::make_shared<YamlNode>();
  node->kind = kind;
  const auto at = fyaml_problem_at(e, "");
  node->line = at.line;
  node->col = at.col;
  return node;
}

// A scalar's kind and plainness by its tag (YAML 1.2's core schema): untagged plain text may
// be a number, a bool or null; `!!int`, `!!float` and `!!bool` ask for that reading, `!!null`
// is null, and any other tag (`!!str`, `!`, `!custom`) makes the text a string.
std::shared_ptr<YamlNode> scalar_node(const fy_event& e) {
  const auto& s = e.scalar;
  std::string value = fyaml_text(s.value);
  bool plain = s.tag == nullptr && fy_token_scalar_style(s.value) == FYSS_PLAIN;
  bool null = plain && is_null_text(value);
  if (s.tag != nullptr) {
    const std::string tag = fyaml_text(s.tag);
    const std::string_view core = "tag:yaml.org,2002:";
    const std::string_view name =
        tag.rfind(core, 0) == 0 ? std::string_view(tag).substr(core.size()) : std::string_view();
    plain = name == "int" || name == "float" || name == "bool";
    null = name == "null";
  }
  auto node = node_at(null ? YamlNode::Kind::Null : YamlNode::Kind::Scalar, e);
  node->value = std::move(value);
  node->plain = plain;
  const auto style = fy_token_scalar_style(s.value);
  if ((style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED) && node->col > 1) {
    --node->col;  // libfyaml marks the text; a diagnostic points at the opening quote
  }
  return node;
}

// A collection being built.
struct Frame {
  std::shared_ptr<YamlNode> node;
  std::string anchor;
  YamlNodePtr pending_key;     // a mapping's key, waiting for its value
  YamlNodePtr streamed_under;  // set: entries go to on_entry with this top-level key
  size_t weight = 1;           // nodes and scalar bytes below, aliases expanded
};

// An anchored node and its weight (what an alias to it repeats).
struct Anchor {
  YamlNodePtr node;
  size_t weight = 0;
};

// Builds the first document's tree from libfyaml's events.
class TreeBuilder {
 public:
  TreeBuilder(const YamlEntryFn& on_entry, size_t max_expansion)
      : on_entry_(on_entry), max_expansion_(max_expansion) {}

  // False when the document is complete or an error was found.
  bool handle(const fy_event& e) {
    switch (e.type) {
      case FYET_SCALAR:
        scalar(e);
        break;
      case FYET_ALIAS:
        alias(e);
        break;
      case FYET_SEQUENCE_START:
        open(YamlNode::Kind::Sequence, e, e.sequence_start.anchor);
        break;
      case FYET_MAPPING_START:
        open(YamlNode::Kind::Map, e, e.mapping_start.anchor);
        break;
      case FYET_SEQUENCE_END:
      case FYET_MAPPING_END:
        close();
        break;
      case FYET_DOCUMENT_END:
        return false;
      default:
        break;
    }
    return !error_;
  }

  [[nodiscard]] const std::optional<SyntaxProblem>& error() const { return error_; }
  [[nodiscard]] YamlNodePtr root() const { return root_ ? root_ : std::make_shared<YamlNode>(); }

 private:
  void scalar(const fy_event& e) {
    auto node = scalar_node(e);
    if (node->line <= 0) place_by_context(*node);  // an empty value has no mark of its own
    const size_t weight = 1 + node->value.size();
    if (e.scalar.anchor != nullptr) anchors_[fyaml_text(e.scalar.anchor)] = {node, weight};
    add(node, weight);
  }

  void alias(const fy_event& e) {
    const std::string name = fyaml_text(e.alias.anchor);
    auto found = anchors_.find(name);
    if (found == anchors_.end()) {
      fail(e, "alias *" + name + " names no anchor completed before it");
      return;
    }
    expansion_ += found->second.weight;
    if (expansion_ > max_expansion_) {
      fail(e, "aliases repeat more than " + std::to_string(max_expansion_ >> 20U) +
                  " MB of YAML here; write the values out, or alias less");
      return;
    }
    add(found->second.node, found->second.weight);
  }

  // Where the key or the collection holding it is.
  void place_by_context(YamlNode& node) const {
    if (stack_.empty()) return;
    const Frame& top = stack_.back();
    const YamlNode& near = top.pending_key != nullptr ? *top.pending_key : *top.node;
    node.line = near.line;
    node.col = near.col;
  }

  void open(YamlNode::Kind kind, const fy_event& e, fy_token* anchor) {
    if (stack_.size() >= static_cast<size_t>(kMaxYamlDepth)) {
      fail(e, "nesting deeper than " + std::to_string(kMaxYamlDepth) + " levels");
      return;
    }
    Frame frame{node_at(kind, e), fyaml_text(anchor), nullptr, nullptr, 1};
    const bool under_top_key =
        stack_.size() == 1 && stack_[0].node->is_map() && stack_[0].pending_key != nullptr;
    if (on_entry_ && kind == YamlNode::Kind::Map && frame.anchor.empty() && under_top_key) {
      frame.streamed_under = stack_[0].pending_key;
    }
    stack_.push_back(std::move(frame));
  }

  void close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (!frame.anchor.empty()) anchors_[frame.anchor] = {frame.node, frame.weight};
    add(frame.node, frame.weight);
  }

  void add(YamlNodePtr node, size_t weight) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& top = stack_.back();
    top.weight += weight;
    if (top.node->is_sequence()) {
      top.node->items.push_back(std::move(node));
    } else if (top.pending_key == nullptr) {
      top.pending_key = std::move(node);
    } else if (top.streamed_under != nullptr) {
      on_entry_(*top.streamed_under, *top.pending_key, *node);
      top.pending_key = nullptr;
    } else {
      top.node->entries.emplace_back(std::move(top.pending_key), std::move(node));
      top.pending_key = nullptr;
    }
  }

  void fail(const fy_event& e, std::string message) {
    error_ = fyaml_problem_at(e, std::move(message));
  }

  const YamlEntryFn& on_entry_;
  size_t max_expansion_;
  size_t expansion_ = 0;  // what aliases have repeated so far
  std::vector<Frame> stack_;
  std::map<std::string, Anchor> anchors_;
  YamlNodePtr root_;
  std::optional<SyntaxProblem> error_;
};

}  // namespace

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k->is_scalar() && k->value == key) return v.get();
  }
  return nullptr;
}

Result<YamlNodePtr, SyntaxProblem> parse_yaml_tree(std::string_view text,
                                                   const YamlEntryFn& on_entry) {
  TreeBuilder builder(on_entry, std::max(kMaxAliasExpansion, 2 * text.size()));
  auto problems = read_fyaml_events(text, [&](const fy_event& e) { return builder.handle(e); });
  if (!problems.empty()) return problems.front();
  if (builder.error()) return *builder.error();
  return builder.root();
}

}  // namespace rtk::config
