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

void collect_errors(fy_diag* diag, SyntaxCheck& out) {
  void* iter = nullptr;
  while (fy_diag_error* e = fy_diag_errors_iterate(diag, &iter)) {
    if (e->type < FYET_ERROR) continue;  // warnings (an unknown directive) are not errors
    out.errors.push_back({e->line, e->column, e->msg != nullptr ? e->msg : "invalid YAML"});
  }
}

}  // namespace

std::vector<SyntaxProblem> read_fyaml_events(std::string_view text,
                                             const std::function<bool(const fy_event&)>& fn) {
  SyntaxCheck out;
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
  collect_errors(diag.get(), out);
  if (failed && out.errors.empty()) out.errors.push_back({1, 1, "invalid YAML"});
  return out.errors;
}

SyntaxCheck check_yaml_syntax(std::string_view text) {
  SyntaxCheck out;
  out.errors = read_fyaml_events(text, [&](const fy_event& event) {
    if (event.type == FYET_DOCUMENT_START && ++out.documents == 2) {
      if (const fy_mark* mark = fy_event_start_mark(const_cast<fy_event*>(&event))) {
        out.second_document_line = mark->line + 1;
        out.second_document_col = mark->column + 1;
      }
    }
    return true;
  });
  return out;
}

std::optional<SyntaxProblem> read_libyaml_events(
    std::string_view text, const std::function<bool(const yaml_event_s&)>& fn) {
  yaml_parser_t parser;
  if (yaml_parser_initialize(&parser) == 0) return SyntaxProblem{1, 1, "cannot start libyaml"};
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  std::optional<SyntaxProblem> problem;
  for (bool more = true; more;) {
    yaml_event_t event;
    if (yaml_parser_parse(&parser, &event) == 0) {
      std::string message = parser.problem != nullptr ? parser.problem : "invalid YAML";
      if (parser.context != nullptr) message += std::string(" (") + parser.context + ")";
      problem = SyntaxProblem{static_cast<int>(parser.problem_mark.line) + 1,
                              static_cast<int>(parser.problem_mark.column) + 1, message};
      break;
    }
    more = event.type != YAML_STREAM_END_EVENT && fn(event);
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  return problem;
}

std::vector<SyntaxProblem> check_yaml_portability(std::string_view text) {
  auto problem = read_libyaml_events(text, [](const yaml_event_s&) { return true; });
  if (problem) return {*problem};
  return {};
}

}  // namespace rtk::config
