#!/usr/bin/env python3
"""Checks recorded API exchanges against the OpenAPI contract.

The emulator's `--record FILE` writes one JSON line per exchange (see
src/emulator/recorder.hpp). For every line this script finds the operation in
../shared/api/realtimekit-meetings.openapi.json by method and route template, then:

- requests sent by rtksync (User-Agent "rtksync/...") or by the contract probe of the
  end-to-end suite ("rtksync-contract-probe") must match the contract: path parameters,
  query parameters (declared, typed, in range, in the enum), content type, and the request
  body against the operation's requestBody schema (readOnly properties forbidden);
- every response the emulator gave, whoever asked, must match: a 2xx status the operation
  declares and its schema (writeOnly properties forbidden); other statuses the RealtimeKit
  error envelope, or Cloudflare's gateway envelope for 401 and 429.

Decided differences between the contract and the emulator are listed in DEVIATIONS; each
has a section in docs/api-fidelity.md (checked). Exit 0 when there is no violation.
"""
import argparse
import copy
import datetime
import glob
import json
import os
import re
import sys
import uuid

import jsonschema

PREFIX = "/accounts/{account_id}/realtime/kit/{app_id}"
BASE_PATH = "/client/v4"
CHECKED_CLIENTS = ("rtksync/", "rtksync-contract-probe")

# Deviation id -> what it changes. Each id is a heading "### <id>" in docs/api-fidelity.md.
DEVIATIONS = {
    "vorbis": "responses may report recording_config.audio_config.codec \"vorbis\" "
              "(the codec's own description says the server sets it with VP8)",
}

# Cloudflare's gateway envelope (401, 429): not in the RealtimeKit contract; the brief and
# Cloudflare's API conventions define it.
GATEWAY_ERROR = {
    "type": "object",
    "required": ["success", "errors"],
    "properties": {
        "success": {"const": False},
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "number"}, "message": {"type": "string"}},
            },
        },
        "messages": {"type": "array"},
        "result": {"type": "null"},
    },
}

DROPPED_KEYS = {"nullable", "readOnly", "writeOnly", "example", "discriminator", "xml",
                "externalDocs", "deprecated", "title"}

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")


def format_checker():
    checker = jsonschema.FormatChecker(())

    @checker.checks("uuid", raises=ValueError)
    def is_uuid(value):
        if not isinstance(value, str):
            return True
        return len(value) == 36 and str(uuid.UUID(value)) == value.lower()

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value):
        if not isinstance(value, str):
            return True
        if not RFC3339.match(value):
            return False
        datetime.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
        return True

    @checker.checks("uri")
    def is_uri(value):
        return not isinstance(value, str) or bool(URI.match(value))

    return checker


class Contract:
    def __init__(self, document):
        self.doc = document
        response_doc = copy.deepcopy(document)
        codec = response_doc["components"]["schemas"]["realtimekit_AudioConfig"]["properties"]["codec"]
        codec["enum"] = codec["enum"] + ["vorbis"]  # deviation "vorbis"
        self.views = {"request": document, "response": response_doc}
        self.checker = format_checker()
        self.validators = {}

    def resolve(self, node, doc):
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            assert ref.startswith("#/"), ref
            target = doc
            for part in ref[2:].split("/"):
                target = target[part]
            node = target
        return node

    def convert(self, node, view):
        """OpenAPI 3.0 schema -> JSON Schema (draft 7) for one direction."""
        doc = self.views[view]
        node = self.resolve(node, doc)
        if isinstance(node, list):
            return [self.convert(item, view) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key in DROPPED_KEYS or key.startswith("x-"):
                continue
            if key == "properties":
                props = {}
                for name, prop in value.items():
                    resolved = self.resolve(prop, doc)
                    forbidden = (view == "request" and resolved.get("readOnly")) or (
                        view == "response" and resolved.get("writeOnly"))
                    props[name] = False if forbidden else self.convert(prop, view)
                out[key] = props
            elif key in ("items", "not", "additionalProperties") and isinstance(value, dict):
                out[key] = self.convert(value, view)
            elif key in ("allOf", "anyOf", "oneOf"):
                out[key] = [self.convert(item, view) for item in value]
            else:
                out[key] = value
        if node.get("nullable"):
            return {"anyOf": [out, {"type": "null"}]}
        return out

    def validator(self, key, schema_fn):
        if key not in self.validators:
            self.validators[key] = jsonschema.Draft7Validator(schema_fn(),
                                                              format_checker=self.checker)
        return self.validators[key]

    def operation(self, method, route):
        item = self.doc["paths"].get(PREFIX + route)
        if item is None or method.lower() not in item:
            return None, None
        return item, item[method.lower()]

    def parameters(self, item, op):
        params = {}
        for p in item.get("parameters", []) + op.get("parameters", []):
            p = self.resolve(p, self.doc)
            params[(p["name"], p["in"])] = p
        return params


def errors_of(validator, instance):
    return sorted(f"{'/'.join(str(x) for x in e.absolute_path) or '(body)'}: {e.message}"
                  for e in validator.iter_errors(instance))


def coerce(text, schema):
    kind = schema.get("type")
    if kind in ("number", "integer"):
        value = float(text)
        if kind == "integer" or value.is_integer():
            return int(value) if value.is_integer() else value
        return value
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    return text


def check_request(contract, item, op, ex):
    problems = []
    params = contract.parameters(item, op)
    pattern = re.escape(BASE_PATH + PREFIX + ex["route"])
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", pattern)
    match = re.fullmatch(pattern, ex["path"])
    if match is None:
        problems.append(f"path {ex['path']} does not match the route template")
    else:
        for name, value in match.groupdict().items():
            p = params.get((name, "path"))
            if p is None:
                problems.append(f"path parameter {name} is not in the contract")
                continue
            v = contract.validator(("param", id(p)), lambda: contract.convert(p["schema"], "request"))
            problems += [f"path parameter {name}={value!r}: {e}" for e in errors_of(v, value)]
    for name, text in ex["query"].items():
        p = params.get((name, "query"))
        if p is None:
            problems.append(f"query parameter {name} is not in the contract")
            continue
        schema = contract.resolve(p["schema"], contract.doc)
        try:
            value = coerce(text, schema)
        except ValueError:
            problems.append(f"query parameter {name}={text!r} is not a {schema.get('type')}")
            continue
        v = contract.validator(("param", id(p)), lambda: contract.convert(p["schema"], "request"))
        problems += [f"query parameter {name}={text!r}: {e}" for e in errors_of(v, value)]
    body_spec = op.get("requestBody")
    if body_spec is None:
        if ex["request_body"]:
            problems.append("a request body was sent; the operation takes none")
        return problems
    body_spec = contract.resolve(body_spec, contract.doc)
    if not ex["request_body"]:
        if body_spec.get("required"):
            problems.append("the operation requires a request body; none was sent")
        return problems
    media = ex["content_type"].split(";")[0].strip()
    if media not in body_spec["content"]:
        problems.append(f"request content type {ex['content_type']!r} is not in the contract")
        return problems
    try:
        body = json.loads(ex["request_body"])
    except ValueError:
        return problems + ["the request body is not JSON"]
    schema = body_spec["content"][media]["schema"]
    v = contract.validator(("request", id(schema)), lambda: contract.convert(schema, "request"))
    return problems + [f"request body {e}" for e in errors_of(v, body)]


def check_response(contract, op, ex):
    status = ex["status"]
    body = ex["response_body"]
    if status == 0:
        return []  # dropped unanswered (injected fault)
    if body is None or isinstance(body, str):
        return [f"HTTP {status}: the response body is not JSON"]
    if status in (401, 429):
        v = contract.validator("gateway", lambda: GATEWAY_ERROR)
        return [f"HTTP {status} body {e}" for e in errors_of(v, body)]
    if 200 <= status < 300:
        declared = op["responses"].get(str(status))
        if declared is None:
            return [f"HTTP {status} is not a response the operation declares "
                    f"({', '.join(sorted(op['responses']))})"]
        declared = contract.resolve(declared, contract.doc)
        schema = declared["content"]["application/json"]["schema"]
        v = contract.validator(("response", id(schema)), lambda: contract.convert(schema, "response"))
        return [f"HTTP {status} body {e}" for e in errors_of(v, body)]
    schema = {"$ref": "#/components/schemas/realtimekit_GenericErrorResponse"}
    v = contract.validator("error", lambda: contract.convert(schema, "response"))
    problems = [f"HTTP {status} body {e}" for e in errors_of(v, body)]
    if body.get("success") is not False:
        problems.append(f"HTTP {status} body: success must be false")
    return problems


def check_deviations_documented(doc_path):
    try:
        with open(doc_path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return [f"{doc_path} is missing"]
    return [f"{doc_path} has no section '### {d}' for deviation {d}"
            for d in DEVIATIONS if f"### {d}" not in text]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contract", required=True, help="the OpenAPI document")
    parser.add_argument("--fidelity-doc", help="docs/api-fidelity.md: must document DEVIATIONS")
    parser.add_argument("recordings", nargs="+", help="JSONL files or directories of them")
    args = parser.parse_args()

    with open(args.contract, encoding="utf-8") as f:
        contract = Contract(json.load(f))
    files = []
    for r in args.recordings:
        files += sorted(glob.glob(os.path.join(r, "*.jsonl"))) if os.path.isdir(r) else [r]

    violations = {}  # message -> [count, first place]
    seen = set()
    exchanges = 0
    checked_requests = 0
    covered = set()

    def violation(message, place):
        entry = violations.setdefault(message, [0, place])
        entry[0] += 1

    for path in files:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                place = f"{os.path.basename(path)}:{number}"
                try:
                    ex = json.loads(line)
                except ValueError:
                    violation("a recording line is not JSON (torn write?)", place)
                    continue
                exchanges += 1
                name = f"{ex['method']} {ex['route']}"
                item, op = contract.operation(ex["method"], ex["route"])
                if op is None:
                    violation(f"{name}: not an operation of the contract", place)
                    continue
                if 200 <= ex["status"] < 300:
                    covered.add(op["operationId"])
                key = json.dumps([ex["method"], ex["route"], sorted(ex["query"]),
                                  ex["content_type"], ex["user_agent"].startswith(CHECKED_CLIENTS),
                                  ex["request_body"], ex["status"], ex["response_body"]],
                                 sort_keys=True)
                if key in seen:
                    continue  # identical exchange already checked
                seen.add(key)
                problems = []
                if ex["user_agent"].startswith(CHECKED_CLIENTS):
                    checked_requests += 1
                    problems += [f"request: {p}" for p in check_request(contract, item, op, ex)]
                problems += [f"response: {p}" for p in check_response(contract, op, ex)]
                for p in problems:
                    violation(f"{name}: {p}", place)
    if args.fidelity_doc:
        for p in check_deviations_documented(args.fidelity_doc):
            violation(p, args.fidelity_doc)

    all_ops = {op["operationId"] for item in contract.doc["paths"].values()
               for m, op in item.items() if isinstance(op, dict) and "operationId" in op}
    print(f"{len(files)} recordings, {exchanges} exchanges ({len(seen)} distinct, "
          f"{checked_requests} distinct client requests checked)")
    print(f"operations answered 2xx: {len(covered & all_ops)} of {len(all_ops)}"
          + (f"; not seen: {', '.join(sorted(all_ops - covered))}" if all_ops - covered else ""))
    for message, (count, place) in sorted(violations.items()):
        print(f"VIOLATION ({count}x, first at {place}): {message}")
    print(f"{sum(c for c, _ in violations.values())} violations")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
