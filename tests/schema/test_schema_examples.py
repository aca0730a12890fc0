#!/usr/bin/env python3
"""examples/ against the JSON Schemas rtksync prints, with a standard validator.

`rtksync schema` (meeting files) and `rtksync schema --project` (rtksync.yaml) are what editors
load through yaml-language-server. This test checks them with python3-jsonschema, a validator
that shares no code with rtksync:

- both are valid Draft 2020-12 schemas;
- examples/rtksync.yaml and every meeting file it includes pass;
- every file under examples/invalid/ is rejected, with the errors listed below among the
  schema's findings. Some rules cannot be written in JSON Schema (uniqueness of a property
  across list items, keys unique across files, references to unset variables, cross-field
  rules, YAML syntax); for those the list says so, and `rtksync validate` is what catches them
  (tests/e2e/cli_test.cpp checks its counts). `rtksync validate` must reject the same files.

Run: test_schema_examples.py --rtksync build/src/rtksync --examples examples
"""

import argparse
import glob
import json
import os
import subprocess
import sys

import jsonschema
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from strict_yaml import strict  # noqa: E402

# Per invalid file: the schema errors that must be among the validator's findings (as
# "json/pointer: validator"), and the planted problems a JSON Schema cannot express.
INVALID = {
    "rtksync.yaml": {
        "schema": "project",
        # The project file of the broken set is itself fine: its errors are in meetings/.
        "valid": True,
        "not_expressible": [],
    },
    "meetings/syntax.yaml": {
        "schema": "meetings",
        "yaml_error": True,  # an unclosed flow sequence: no parser reads it, no schema applies
        "not_expressible": ["YAML syntax"],
    },
    "meetings/people.yaml": {
        "schema": "meetings",
        "errors": [
            "/meetings/bad-people/participants/2: required",  # no custom_participant_id
        ],
        "not_expressible": [
            "duplicate custom_participant_id (unique by one property of list items)",
            "participant picture 'just words' is not a URL (format: uri is an annotation for "
            "this validator without rfc3987; editors check it)",
            "literal access_key (a warning: secrets belong in ${env:...})",
            "${env:RTKSYNC_TEST_SURELY_UNSET} is not set (the environment, not the file)",
            "meeting key bad-types defined in two files (keys are unique across files)",
        ],
    },
    "meetings/types.yaml": {
        "schema": "meetings",
        "errors": [
            "/meetings/bad-types: additionalProperties",  # recod_on_start
            "/meetings/bad-types/persist_chat: type",  # "yes"
            "/meetings/bad-types/session_keep_alive_time_in_secs: minimum",  # 30
            "/meetings/bad-types/ai_config/summarization/word_limit: type",  # 300.5
            "/meetings/bad-types/ai_config/summarization/summary_type: enum",  # weekly
            "/meetings/bad-types/ai_config/transcription/language: enum",  # xx
            "/meetings/bad-types/recording_config/max_seconds: minimum",  # 10
            "/meetings/bad-types/recording_config/storage_config: required",  # no type
            "/meetings/bad-types/recording_config/video_config/width: maximum",  # 4000
            "/meetings/bad-types/recording_config/video_config/watermark/size/width: minimum",
        ],
        "not_expressible": [
            "audio codec with video codec VP8 (a cross-field rule)",
            "summarize_on_end without transcription (a cross-field warning)",
            "watermark url 'not-a-url' (format: uri, see above)",
            "sftp-only fields with storage type aws (a cross-field warning)",
        ],
    },
    "project/rtksync.yaml": {
        "schema": "project",
        "errors": [
            ": additionalProperties",  # inclde
            "/state: type",  # a list
            "/defaults/persist_chat: type",  # "yes"
            "/defaults: additionalProperties",  # record_on_strat
            "/limits/max_deactivations: minimum",  # -1
            "/limits/max_update_percent: maximum",  # 150
            "/limits: additionalProperties",  # max_removals
        ],
        "not_expressible": [],
    },
}


@strict
class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, stricter: a duplicate key is an error (rtksync reports one too),
    and timestamps stay strings (JSON has no dates)."""


StrictLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=StrictLoader)  # noqa: S506 (a SafeLoader subclass)


def schema_of(rtksync, *args):
    out = subprocess.run([rtksync, "schema", *args], capture_output=True, text=True, check=True)
    schema = json.loads(out.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def findings(validator, doc):
    return sorted("/".join([""] + [str(p) for p in e.absolute_path]) + ": " + e.validator
                  for e in validator.iter_errors(doc))


def included_files(project_path, project):
    root = os.path.dirname(project_path)
    patterns = project.get("include", ["meetings/**/*.yaml"])
    if isinstance(patterns, str):
        patterns = [patterns]
    files = set()
    for pattern in patterns:
        files.update(glob.glob(os.path.join(root, pattern), recursive=True))
    return sorted(files)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rtksync", required=True)
    parser.add_argument("--examples", required=True)
    args = parser.parse_args()
    validators = {"meetings": schema_of(args.rtksync), "project": schema_of(args.rtksync,
                                                                             "--project")}
    failures = []

    # examples/: the project file and every meeting file it includes pass.
    project_path = os.path.join(args.examples, "rtksync.yaml")
    project = load_yaml(project_path)
    checked = [(project_path, "project")]
    checked += [(f, "meetings") for f in included_files(project_path, project)]
    if len(checked) < 3:
        failures.append("examples/rtksync.yaml includes too few meeting files: %s" % checked)
    for path, kind in checked:
        errors = findings(validators[kind], load_yaml(path))
        print("valid   %-45s %s" % (os.path.relpath(path, args.examples),
                                    "ok" if not errors else errors))
        if errors:
            failures.append("%s should pass the %s schema: %s" % (path, kind, errors))

    # examples/invalid/: every file is covered by INVALID, and each is rejected.
    invalid_dir = os.path.join(args.examples, "invalid")
    present = sorted(os.path.relpath(p, invalid_dir)
                     for p in glob.glob(os.path.join(invalid_dir, "**", "*.y*ml"), recursive=True))
    if present != sorted(INVALID):
        failures.append("examples/invalid/ holds %s; this test describes %s: describe every file"
                        % (present, sorted(INVALID)))
    for rel, expect in sorted(INVALID.items()):
        path = os.path.join(invalid_dir, rel)
        if not os.path.exists(path):
            continue
        try:
            doc = load_yaml(path)
        except yaml.YAMLError as e:
            doc = None
            if not expect.get("yaml_error"):
                failures.append("%s: unexpected YAML error %s" % (rel, e))
            print("invalid %-45s rejected by the YAML parser" % ("invalid/" + rel))
        else:
            if expect.get("yaml_error"):
                failures.append("%s: expected a YAML syntax error" % rel)
        if doc is not None:
            found = findings(validators[expect["schema"]], doc)
            if expect.get("valid"):
                if found:
                    failures.append("%s should pass the %s schema: %s" % (rel, expect["schema"],
                                                                          found))
                print("valid   %-45s ok (its meeting files carry the errors)" % ("invalid/" + rel))
            else:
                missing = [e for e in expect["errors"] if e not in found]
                if not found:
                    failures.append("%s: the %s schema accepted it" % (rel, expect["schema"]))
                if missing:
                    failures.append("%s: the schema did not report %s (it reported %s)"
                                    % (rel, missing, found))
                print("invalid %-45s rejected: %d schema errors" % ("invalid/" + rel, len(found)))
        for note in expect["not_expressible"]:
            print("        beyond a schema (rtksync validate catches it): %s" % note)

    # rtksync validate agrees: the invalid project file is rejected by the loader too.
    bad_project = os.path.join(invalid_dir, "project", "rtksync.yaml")
    out = subprocess.run([args.rtksync, "validate", "--format", "json", "-c", bad_project],
                         capture_output=True, text=True, check=False)
    errors = [d for d in json.loads(out.stdout or "[]") if d.get("severity") == "error"]
    lines = sorted({d.get("line") for d in errors})
    if out.returncode != 1 or len(lines) < 7:
        failures.append("rtksync validate on %s: exit %d, errors on lines %s (expected 7 "
                        "lines):\n%s%s" % (bad_project, out.returncode, lines, out.stdout,
                                           out.stderr))

    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
