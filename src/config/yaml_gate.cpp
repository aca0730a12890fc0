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

SyntaxCheck check_yaml_syntax(std::string_view text) {
  SyntaxCheck out;
  auto diag = collecting_diag();
  fy_parse_cfg cfg{};
  cfg.flags = static_cast<fy_parse_cfg_flags>(FYPCF_QUIET | FYPCF_DEFAULT_VERSION_AUTO);
  cfg.diag = diag.get();
  std::unique_ptr<fy_parser, ParserDeleter> parser(fy_parser_create(&cfg));
  if (!diag || !parser || fy_parser_set_string(parser.get(), text.data(), text.size()) != 0) {
    out.errors.push_back({1, 1, "cannot start the YAML parser"});
    return out;
  }
  while (fy_event* event = fy_parser_parse(parser.get())) {
    if (event->type == FYET_DOCUMENT_START && ++out.documents == 2) {
      if (const fy_mark* mark = fy_event_start_mark(event)) {
        out.second_document_line = mark->line + 1;
        out.second_document_col = mark->column + 1;
      }
    }
    fy_parser_event_free(parser.get(), event);
  }
  const bool failed = fy_parser_get_stream_error(parser.get());
  collect_errors(diag.get(), out);
  if (failed && out.errors.empty()) out.errors.push_back({1, 1, "invalid YAML"});
  return out;
}

std::vector<SyntaxProblem> check_yaml_portability(std::string_view text) {
  yaml_parser_t parser;
  if (yaml_parser_initialize(&parser) == 0) return {{1, 1, "cannot start libyaml"}};
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  std::vector<SyntaxProblem> out;
  for (bool done = false; !done;) {
    yaml_event_t event;
    if (yaml_parser_parse(&parser, &event) == 0) {
      std::string message = parser.problem != nullptr ? parser.problem : "invalid YAML";
      if (parser.context != nullptr) message += std::string(" (") + parser.context + ")";
      out.push_back({static_cast<int>(parser.problem_mark.line) + 1,
                     static_cast<int>(parser.problem_mark.column) + 1, message});
      break;
    }
    done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  return out;
}

}  // namespace rtk::config
