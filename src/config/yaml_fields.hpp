// config/yaml_fields: reads YAML documents (through the syntax gate) and their mappings into
// JSON values by the field table, with source positions, secret references resolved, and a
// diagnostic for every problem found.
#pragma once

#include <set>
#include <string>

#include "config/diagnostics.hpp"
#include "config/references.hpp"
#include "config/yaml_tree.hpp"
#include "model/desired.hpp"
#include "model/field_table.hpp"

namespace rtk::config {

struct FileContext {
  std::string file;  // as shown in diagnostics
  std::string root;  // for ${file:...}
  const EnvLookup* env;
  Diagnostics* diags;
  bool strict_env = true;  // missing env variables: error (true) or warning (false)
  // The selected environment's values for ${var:NAME} (nullptr: none selected).
  const std::map<std::string, std::string>* vars = nullptr;
  [[nodiscard]] model::SourcePos pos(const YamlNode& node) const;
};

// Where converted values go.
struct FieldSink {
  model::json fields = model::json::object();
  std::map<std::string, std::string> references;
  std::map<std::string, model::SourcePos> positions;
};

// Reads text as one YAML document through the syntax gate (config/yaml_gate) into a tree;
// every problem becomes a diagnostic and nullopt. on_entry: see parse_yaml_tree.
std::optional<YamlNodePtr> read_yaml_document(std::string_view text, const FileContext& ctx,
                                              const YamlEntryFn& on_entry = nullptr);

// Reads a mapping of resource fields at parent_path into sink. Keys in extra_keys are
// skipped (the caller reads them); every other unknown key is an error with a suggestion.
void read_fields(const YamlNode& map, model::Resource r, const std::string& parent_path,
                 const FileContext& ctx, FieldSink& sink, const std::set<std::string>& extra_keys,
                 const std::string& where);

// Checks that node is a mapping; reports "expected a mapping for <what>" otherwise.
bool expect_map(const YamlNode& node, const FileContext& ctx, const std::string& what);

// Calls fn(key, key_node, value_node) for each entry, reporting duplicate keys once.
void for_each_entry(
    const YamlNode& map, const FileContext& ctx,
    const std::function<void(const std::string&, const YamlNode&, const YamlNode&)>& fn);

// Reads a plain scalar as an integer; nullopt when it is not one.
std::optional<long> scalar_integer(const YamlNode& node);

}  // namespace rtk::config
