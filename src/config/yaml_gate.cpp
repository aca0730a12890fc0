#include "config/yaml_gate.hpp"

#include <libfyaml.h>
#include <yaml.h>

#include <memory>

namespace rtk::config {
namespace {

struct DiagDeleter {
  void operator()(fy_diag* d) const { fy_diag_destroy(d); }
};
struct ParserDeleter {
  void operator()(fy_parser* p) const { fy_parser_destroy(p); }
};

// A diagnostic object that prints nothing and keeps every error for us.
std::unique_ptr<fy_diag, DiagDeleter> collecting_diag() {
  fy_diag_cfg cfg{};
  fy_diag_cfg_default(&cfg);
  cfg.fp = nullptr;
  cfg.output_fn = [](fy_diag*, void*, const char*, size_t) {};
  std::unique_ptr<fy_diag, DiagDeleter> diag(fy_diag_create(&cfg));
  if (diag) fy_diag_set_collect_errors(diag.get(), true);
  return diag;
}

std::vector<SyntaxProblem> collected_errors(fy_diag* diag) {
  std::vector<SyntaxProblem> out;
  void* iter = nullptr;
  while (fy_diag_error* e = fy_diag_errors_iterate(diag, &iter)) {
    if (e->type < FYET_ERROR) continue;  // warnings (an unknown directive) are not errors
    out.push_back({e->line, e->column, e->msg != nullptr ? e->msg : "invalid YAML"});
  }
  return out;
}

constexpr std::string_view kUnportable =
    "; valid YAML 1.2, but libyaml and the tools built on it (PyYAML, linters) do not read it "
    "so: write it the common way (spaces, not tabs; quote odd scalars)";

// libyaml's events, one at a time (its parser pulls, as libfyaml's does).
class LibyamlReader {
 public:
  explicit LibyamlReader(std::string_view text) : text_(text) {
    ok_ = yaml_parser_initialize(&parser_) != 0;
    if (ok_) {
      yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                   text.size());
    }
  }
  ~LibyamlReader() {
    if (has_event_) yaml_event_delete(&event_);
    if (ok_) yaml_parser_delete(&parser_);
  }
  LibyamlReader(const LibyamlReader&) = delete;
  LibyamlReader& operator=(const LibyamlReader&) = delete;

  // The next event; nullptr on an error (see problem()).
  const yaml_event_t* next() {
    if (has_event_) yaml_event_delete(&event_);
    has_event_ = ok_ && yaml_parser_parse(&parser_, &event_) != 0;
    return has_event_ ? &event_ : nullptr;
  }

  [[nodiscard]] SyntaxProblem problem() const {
    if (!ok_) return {1, 1, "cannot start libyaml"};
    std::string message = parser_.problem != nullptr ? parser_.problem : "invalid YAML";
    if (parser_.error == YAML_READER_ERROR) {  // bytes no YAML allows; libyaml gives an offset
      return at_offset(parser_.problem_offset, message + " (a YAML file is printable UTF-8 text)");
    }
    if (parser_.context != nullptr) message += std::string(" (") + parser_.context + ")";
    message += kUnportable;
    return {static_cast<int>(parser_.problem_mark.line) + 1,
            static_cast<int>(parser_.problem_mark.column) + 1, message};
  }

 private:
  // The line and column (1-based, in bytes) of a byte offset.
  [[nodiscard]] SyntaxProblem at_offset(size_t offset, std::string message) const {
    int line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    return {line, static_cast<int>(offset - line_start) + 1, std::move(message)};
  }

  std::string_view text_;
  yaml_parser_t parser_{};
  yaml_event_t event_{};
  bool ok_ = false;
  bool has_event_ = false;
};

// Views, not copies: the gate compares every scalar of every file.
std::string_view text_of(fy_token* token) {
  size_t length = 0;
  const char* text = token != nullptr ? fy_token_get_text(token, &length) : nullptr;
  return text != nullptr ? std::string_view(text, length) : std::string_view();
}

std::string_view text_of(const yaml_char_t* s) {
  return s != nullptr ? reinterpret_cast<const char*>(s) : "";
}

// The two parsers' event kinds, in one order.
int kind_of(fy_event_type t) {
  switch (t) {
    case FYET_STREAM_START:
      return YAML_STREAM_START_EVENT;
    case FYET_STREAM_END:
      return YAML_STREAM_END_EVENT;
    case FYET_DOCUMENT_START:
      return YAML_DOCUMENT_START_EVENT;
    case FYET_DOCUMENT_END:
      return YAML_DOCUMENT_END_EVENT;
    case FYET_MAPPING_START:
      return YAML_MAPPING_START_EVENT;
    case FYET_MAPPING_END:
      return YAML_MAPPING_END_EVENT;
    case FYET_SEQUENCE_START:
      return YAML_SEQUENCE_START_EVENT;
    case FYET_SEQUENCE_END:
      return YAML_SEQUENCE_END_EVENT;
    case FYET_SCALAR:
      return YAML_SCALAR_EVENT;
    case FYET_ALIAS:
      return YAML_ALIAS_EVENT;
    default:
      return YAML_NO_EVENT;
  }
}

// What libyaml reads otherwise than libfyaml (the spec) at one event; nullopt when they agree.
// Never the texts themselves: a scalar may be a literal secret.
std::optional<std::string> difference(const fy_event& spec, const yaml_event_t& other) {
  if (kind_of(spec.type) != static_cast<int>(other.type)) return "another structure";
  switch (other.type) {
    case YAML_SCALAR_EVENT: {
      const auto& s = other.data.scalar;
      const std::string_view text(reinterpret_cast<const char*>(s.value), s.length);
      if (text != text_of(spec.scalar.value)) return "another text";
      const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
      if (plain != (fy_token_scalar_style(spec.scalar.value) == FYSS_PLAIN)) return "another style";
      if (text_of(s.anchor) != text_of(spec.scalar.anchor)) return "another anchor";
      if (text_of(s.tag) != text_of(spec.scalar.tag)) return "another tag";
      return std::nullopt;
    }
    case YAML_ALIAS_EVENT:
      if (text_of(other.data.alias.anchor) != text_of(spec.alias.anchor)) return "another alias";
      return std::nullopt;
    case YAML_MAPPING_START_EVENT:
      if (text_of(other.data.mapping_start.anchor) != text_of(spec.mapping_start.anchor))
        return "another anchor";
      return std::nullopt;
    case YAML_SEQUENCE_START_EVENT:
      if (text_of(other.data.sequence_start.anchor) != text_of(spec.sequence_start.anchor))
        return "another anchor";
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string fyaml_text(fy_token* token) {
  return std::string(text_of(token));
}

SyntaxProblem fyaml_problem_at(const fy_event& event, std::string message) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): the C API takes no const
  const fy_mark* mark = fy_event_start_mark(const_cast<fy_event*>(&event));
  if (mark == nullptr) return {0, 0, std::move(message)};  // libfyaml has none (an empty value)
  return {mark->line + 1, mark->column + 1, std::move(message)};
}

std::vector<SyntaxProblem> read_fyaml_events(std::string_view text,
                                             const std::function<bool(const fy_event&)>& fn) {
  auto diag = collecting_diag();
  fy_parse_cfg cfg{};
  cfg.flags = static_cast<fy_parse_cfg_flags>(FYPCF_QUIET | FYPCF_DEFAULT_VERSION_AUTO);
  cfg.diag = diag.get();
  std::unique_ptr<fy_parser, ParserDeleter> parser(fy_parser_create(&cfg));
  if (!diag || !parser || fy_parser_set_string(parser.get(), text.data(), text.size()) != 0) {
    return {{1, 1, "cannot start the YAML parser"}};
  }
  bool more = true;
  while (fy_event* event = more ? fy_parser_parse(parser.get()) : nullptr) {
    more = fn(*event);
    fy_parser_event_free(parser.get(), event);
  }
  const bool failed = fy_parser_get_stream_error(parser.get());
  auto errors = collected_errors(diag.get());
  if (failed && errors.empty()) errors.push_back({1, 1, "invalid YAML"});
  return errors;
}

namespace {

// One libfyaml pass: its errors, the document count, the depth limit and, with compare, libyaml
// in lockstep (its reading checked only while it agrees and the syntax holds).
SyntaxCheck gate(std::string_view text, bool compare) {
  SyntaxCheck out;
  int depth = 0;
  std::optional<SyntaxProblem> too_deep;
  std::optional<LibyamlReader> libyaml;
  if (compare) libyaml.emplace(text);
  std::optional<SyntaxProblem> unportable;
  out.errors = read_fyaml_events(text, [&](const fy_event& event) {
    if (event.type == FYET_SEQUENCE_START || event.type == FYET_MAPPING_START) {
      if (++depth > kMaxYamlDepth) {
        too_deep = fyaml_problem_at(
            event, "nesting deeper than " + std::to_string(kMaxYamlDepth) + " levels");
        return false;
      }
    } else if (event.type == FYET_SEQUENCE_END || event.type == FYET_MAPPING_END) {
      --depth;
    }
    if (event.type == FYET_DOCUMENT_START && ++out.documents == 2) {
      const auto at = fyaml_problem_at(event, "");
      out.second_document_line = at.line;
      out.second_document_col = at.col;
    }
    if (libyaml && !unportable) {
      if (const yaml_event_t* other = libyaml->next(); other == nullptr) {
        unportable = libyaml->problem();
      } else if (auto what = difference(event, *other)) {
        unportable = fyaml_problem_at(event, "libyaml reads " + *what + " here than YAML 1.2 does" +
                                                 std::string(kUnportable));
      }
    }
    return true;
  });
  if (too_deep) out.errors.insert(out.errors.begin(), *too_deep);
  if (out.errors.empty() && unportable) out.unportable.push_back(*unportable);
  return out;
}

}  // namespace

SyntaxCheck check_yaml(std::string_view text) {
  return gate(text, true);
}

SyntaxCheck check_yaml_syntax(std::string_view text) {
  return gate(text, false);
}

std::vector<SyntaxProblem> check_yaml_portability(std::string_view text) {
  return gate(text, true).unportable;
}

}  // namespace rtk::config
