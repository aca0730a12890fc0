#include "config/yaml_tree.hpp"

#include <libfyaml.h>

#include <map>
#include <optional>

namespace rtk::config {
namespace {

// YAML's null for an untagged plain scalar (and for an empty node).
bool is_null_text(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::string text_of(fy_token* token) {
  size_t length = 0;
  const char* text = token != nullptr ? fy_token_get_text(token, &length) : nullptr;
  return text != nullptr ? std::string(text, length) : "";
}

const fy_mark* mark_of(const fy_event& e) {
  return fy_event_start_mark(const_cast<fy_event*>(&e));  // NOLINT: the C API takes no const
}

std::shared_ptr<YamlNode> node_at(YamlNode::Kind kind, const fy_event& e) {
  auto node = std::make_shared<YamlNode>();
  node->kind = kind;
  if (const fy_mark* mark = mark_of(e)) {
    node->line = mark->line + 1;
    node->col = mark->column + 1;
  }
  return node;
}

// A scalar's kind and plainness by its tag (YAML 1.2's core schema): untagged plain text may
// be a number, a bool or null; `!!int`, `!!float` and `!!bool` ask for that reading, `!!null`
// is null, and any other tag (`!!str`, `!`, `!custom`) makes the text a string.
std::shared_ptr<YamlNode> scalar_node(const fy_event& e) {
  const auto& s = e.scalar;
  const std::string tag = text_of(s.tag);
  std::string value = text_of(s.value);
  const std::string core = "tag:yaml.org,2002:";
  bool plain = s.tag == nullptr && fy_token_scalar_style(s.value) == FYSS_PLAIN;
  if (tag == core + "int" || tag == core + "float" || tag == core + "bool") plain = true;
  const bool null = tag == core + "null" || (plain && s.tag == nullptr && is_null_text(value));
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
};

// Builds the first document's tree from libyaml's events.
class TreeBuilder {
 public:
  explicit TreeBuilder(const YamlEntryFn& on_entry) : on_entry_(on_entry) {}

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
    if (e.scalar.anchor != nullptr) anchors_[text_of(e.scalar.anchor)] = node;
    add(node);
  }

  void alias(const fy_event& e) {
    const std::string name = text_of(e.alias.anchor);
    auto found = anchors_.find(name);
    if (found == anchors_.end()) {
      fail(e, "alias *" + name + " names no anchor completed before it");
      return;
    }
    add(found->second);
  }

  void open(YamlNode::Kind kind, const fy_event& e, fy_token* anchor) {
    if (stack_.size() >= static_cast<size_t>(kMaxYamlDepth)) {
      fail(e, "nesting deeper than " + std::to_string(kMaxYamlDepth) + " levels");
      return;
    }
    Frame frame{node_at(kind, e), text_of(anchor), nullptr, nullptr};
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
    if (!frame.anchor.empty()) anchors_[frame.anchor] = frame.node;
    add(frame.node);
  }

  void add(YamlNodePtr node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& top = stack_.back();
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
    const fy_mark* mark = mark_of(e);
    error_ = SyntaxProblem{mark != nullptr ? mark->line + 1 : 1,
                           mark != nullptr ? mark->column + 1 : 1, std::move(message)};
  }

  const YamlEntryFn& on_entry_;
  std::vector<Frame> stack_;
  std::map<std::string, YamlNodePtr> anchors_;
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
  TreeBuilder builder(on_entry);
  auto problems = read_fyaml_events(text, [&](const fy_event& e) { return builder.handle(e); });
  if (!problems.empty()) return problems.front();
  if (builder.error()) return *builder.error();
  return builder.root();
}

}  // namespace rtk::config
