// cli/registry: the list of subcommands: names, help texts, flags and formats, in one place
// (main dispatches on it; `rtksync --help` lists it).
#include "cli/command.hpp"

namespace rtk::cli {

namespace {

using F = Format;

// The table itself (data, read only through commands()).
const std::vector<Command> kCommands{
    {.name = "validate",
     .summary = "check the configuration offline (no token, no network)",
     .description = "Check the project file and every meeting file, offline.\n"
                    "Prints file:line:col diagnostics; exit 0 when there are no errors.",
     .add_options = add_validate_options,
     .formats = {F::Text, F::Json},
     .run = validate_command},
    {.name = "plan",
     .summary = "show what apply would change; --out FILE saves the plan",
     .description = "Show what apply would change. Reads the API; changes nothing.\n"
                    "Exit 0: no changes (or changes without --detailed-exitcode); 1: error; "
                    "2: changes present with --detailed-exitcode.\n"
                    "Formats: text, json, markdown (a PR comment), github (markdown, also "
                    "appended to $GITHUB_STEP_SUMMARY).",
     .add_options = add_plan_options,
     .formats = {F::Text, F::Json, F::Markdown, F::Github},
     .run = plan_command},
    {.name = "apply",
     .summary = "make the API match the files (or apply a saved plan file)",
     .description = "Make the API match the configuration, or apply a saved plan FILE "
                    "exactly (refused if anything it touches changed since).\n"
                    "Formats: text, json (one document: the plan and every operation's "
                    "outcome), markdown.",
     .add_options = add_apply_options,
     .formats = {F::Text, F::Json, F::Markdown},
     .run = apply_command},
    {.name = "import",
     .summary = "bind existing meetings to keys, so nothing is recreated",
     .description = "Bind existing meetings to keys of the configuration, so nothing is "
                    "recreated.\n  rtksync import KEY MEETING_ID\n  rtksync import --by-title",
     .add_options = add_import_options,
     .formats = {F::Text},
     .run = import_command},
    {.name = "export",
     .summary = "write YAML for meetings that already exist",
     .description = "Write YAML for meetings that exist on the server. Secrets are never "
                    "written: write-only credentials become ${env:...} placeholders.",
     .add_options = add_export_options,
     .formats = {F::Yaml},
     .run = export_command},
    {.name = "state",
     .summary = "list | show KEY | rm KEY | mv OLD NEW | unlock",
     .description = "Inspect and edit the state file.\n"
                    "  list          keys, meeting ids and flags (--format json: all of it)\n"
                    "  show KEY      one entry as JSON (secrets masked)\n"
                    "  rm KEY        forget a key (the meeting is left as it is)\n"
                    "  mv OLD NEW    rename a key (after renaming it in the YAML), so the "
                    "meeting keeps its id and join links\n"
                    "  unlock        remove a lock file no live process holds",
     .add_options = add_state_options,
     .formats = {F::Text, F::Json},
     .run = state_command},
    {.name = "schema",
     .summary = "print the JSON Schema of meeting files (--project: of rtksync.yaml)",
     .description = "Print the JSON Schema of meeting files, or with --project of the "
                    "project file, for editor completion and checking.",
     .add_options = add_schema_options,
     .formats = {F::Json},
     .run = schema_command},
};

}  // namespace

const std::vector<Command>& commands() {
  return kCommands;
}

const Command* find_command(std::string_view name) {
  for (const auto& c : commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace rtk::cli
