#!/usr/bin/env python3
"""Report where openapi.yaml and a running Label Studio server's own schema disagree.

    .venv/bin/python scripts/spec_drift.py [--url URL] [--api-key KEY] [--spec PATH]
        [--allowlist PATH] [--server-schema FILE] [--strict] [--verbose]

The server schema comes from ``GET <url>/docs/api/schema/?format=json`` (URL and key default to
LABEL_STUDIO_TEST_URL and LABEL_STUDIO_TEST_API_KEY). For every operation both documents have (same
HTTP method, same path once placeholder names are replaced by ``{}``) it compares:

* path parameters: how many are declared, and the type at each position;
* query parameters: names;
* request body (JSON and multipart): the encodings, the top-level type, field names, which
  fields are required and which accept null (read-only fields left out: the server ignores them);
* success response (lowest 2xx): status, top-level type, field names and field types (type,
  format, array-ness), descending into nested objects both sides describe (write-only fields
  left out: the server never sends them).

``$ref`` and ``allOf`` are resolved. In responses ``nullable`` (or a ``null`` alternative) is
ignored: our spec marks many fields nullable because the server really sends null. In request
bodies it is compared, as it decides whether ``None`` is a valid argument. Unless ``--strict``, there is
nothing to compare where the server leaves a field or object untyped, and size or validation
formats (int64, double, email, uri) are not compared, as they change neither the JSON nor the
Python type; formats that do (date-time, binary) are.

Each difference is one line with a stable ID, such as
``GET /api/projects/{} query: +foo (server only)``. IDs listed in the allowlist (a YAML list of
``{id, reason}``) are deliberate; any other difference makes the script exit with status 1.
Allowlist entries that match nothing are reported as stale (a warning). A server operation our spec
lacks is a difference too (``GET /api/foo/{} operation: server only``): it fails the run unless the
allowlist says why it is left out. Operations only our spec has (Enterprise-only groups) are listed
for information and never fail the run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "openapi.yaml"
DEFAULT_ALLOWLIST = ROOT / "scripts" / "spec_drift_allowlist.yaml"
SCHEMA_PATH = "/docs/api/schema/?format=json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Request encodings we compare, under the short name used in IDs. Form-urlencoded is left out:
# DRF offers it on every view and the SDK never sends it.
BODY_KINDS = {"application/json": "json", "multipart/form-data": "multipart"}
# Formats that only narrow a value (size, validation) without changing its JSON or Python type.
HINT_FORMATS = re.compile(r"/(int32|int64|float|double|email|uri|url|hostname|ipv4|ipv6|slug)\b")
# How deep response comparison descends into nested objects (``results[].created_by.email``).
MAX_DEPTH = 3

Spec = Dict[str, Any]
Schema = Dict[str, Any]
OpKey = Tuple[str, str]  # (METHOD, path with every placeholder written as {})


@dataclass(frozen=True)
class Diff:
    kind: str  # "added" (server only), "removed" (ours only) or "changed"
    id: str


@dataclass(frozen=True)
class Docs:
    """The two documents being compared, and how strictly."""

    ours: Spec
    server: Spec
    strict: bool = False


# ------------------------------------------------------------------------------------ loading


def fetch_server_schema(url: str, api_key: str) -> Spec:
    """The server's OpenAPI document. A legacy key goes as ``Token``, a JWT access token as ``Bearer``."""
    scheme = "Bearer" if api_key.count(".") == 2 else "Token"
    request = urllib.request.Request(
        url.rstrip("/") + SCHEMA_PATH,
        headers={"Authorization": f"{scheme} {api_key}", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        document: Spec = json.load(response)
    return document


def load_allowlist(path: Path) -> Dict[str, str]:
    """id -> reason. A missing file is an empty allowlist; an entry without a reason is an error."""
    if not path.exists():
        return {}
    allowed: Dict[str, str] = {}
    for entry in yaml.safe_load(path.read_text()) or []:
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("reason"):
            raise SystemExit(f"{path}: every entry needs an id and a reason, got {entry!r}")
        allowed[str(entry["id"])] = str(entry["reason"])
    return allowed


# ---------------------------------------------------------------------------- schema walking


def normalise_path(path: str) -> str:
    """Placeholder names are ours to choose (``{id}`` vs ``{project_id}``); their positions are not."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def operations(spec: Spec) -> Dict[OpKey, Schema]:
    """Every operation of a document by (METHOD, normalised path), path-level parameters merged in."""
    found: Dict[OpKey, Schema] = {}
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method in item:
                operation = dict(item[method])
                operation["parameters"] = shared + operation.get("parameters", [])
                found[(method.upper(), normalise_path(path))] = operation
    return found


def resolve(spec: Spec, schema: Any) -> Schema:
    """Follow ``$ref`` chains to a concrete schema object."""
    for _ in range(50):
        if not (isinstance(schema, dict) and "$ref" in schema):
            return schema if isinstance(schema, dict) else {}
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    raise ValueError("$ref chain too long (a loop?)")


def flatten(spec: Spec, schema: Any) -> Schema:
    """Resolve ``$ref`` and merge ``allOf`` parts into one schema (properties, required, the rest)."""
    resolved = resolve(spec, schema)
    if "allOf" not in resolved:
        return resolved
    merged: Schema = {k: v for k, v in resolved.items() if k != "allOf"}
    properties: Dict[str, Any] = dict(merged.get("properties", {}))
    required: List[str] = list(merged.get("required", []))
    for part in (flatten(spec, p) for p in resolved["allOf"]):
        properties.update(part.get("properties", {}))
        required.extend(part.get("required", []))
        for key, value in part.items():
            merged.setdefault(key, value)
    merged["properties"], merged["required"] = properties, required
    if not properties:
        del merged["properties"]  # an allOf around a plain type (drf-spectacular's enum wrapper)
    return merged


def alternatives(spec: Spec, schema: Schema) -> List[Schema]:
    """The branches of a oneOf/anyOf, without a ``null`` branch (that is only nullability)."""
    branches = [flatten(spec, b) for b in schema.get("oneOf") or schema.get("anyOf") or []]
    return [b for b in branches if b.get("type") != "null" and b != {"enum": [None]}]


def single(spec: Spec, schema: Any) -> Schema:
    """A flattened schema, or its only real branch when it is a oneOf/anyOf with ``null``."""
    schema = flatten(spec, schema)
    branches = alternatives(spec, schema)
    return branches[0] if len(branches) == 1 else schema


def accepts_null(spec: Spec, schema: Any) -> bool:
    """Whether a field's schema admits null (``nullable``, a ``null`` branch or type)."""
    flat = flatten(spec, schema)
    if flat.get("nullable") or resolve(spec, schema).get("nullable"):
        return True
    kind = flat.get("type")
    if isinstance(kind, list) and "null" in kind:
        return True
    branches = [resolve(spec, b) for b in flat.get("oneOf") or flat.get("anyOf") or []]
    return any(b.get("type") == "null" or b == {"enum": [None]} or b.get("nullable") for b in branches)


def type_of(spec: Spec, schema: Any) -> str:
    """A short description of a type: ``string/date-time``, ``array of integer``, ``object``, ``any``."""
    schema = single(spec, schema)
    branches = alternatives(spec, schema)
    if branches:
        return "oneOf(" + " | ".join(sorted({type_of(spec, b) for b in branches})) + ")"
    kind = schema.get("type")
    if isinstance(kind, list):  # OpenAPI 3.1 spelling of nullable: ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    if kind == "array":
        return "array of " + type_of(spec, schema.get("items", {}))
    if kind is None:
        kind = "object" if "properties" in schema else "any"
    fmt = schema.get("format")
    return f"{kind}/{fmt}" if fmt else str(kind)


def fields(spec: Spec, schema: Any, skip: str) -> Tuple[Dict[str, Schema], Set[str]]:
    """Properties and required names of an object, or of its items when it is an array.

    ``skip`` is ``readOnly`` for requests (the server ignores those fields) and ``writeOnly`` for
    responses (the server never sends them).
    """
    schema = single(spec, schema)
    if schema.get("type") == "array":
        schema = single(spec, schema.get("items", {}))
    props = {
        name: prop for name, prop in schema.get("properties", {}).items() if not resolve(spec, prop).get(skip)
    }
    return props, set(schema.get("required", [])) & set(props)


def body_schemas(operation: Schema) -> Dict[str, Any]:
    """Compared encodings ("json", "multipart") -> body schema."""
    content = (operation.get("requestBody") or {}).get("content", {})
    return {kind: content[media].get("schema", {}) for media, kind in BODY_KINDS.items() if media in content}


def success_response(operation: Schema) -> Tuple[Optional[str], Optional[Schema]]:
    """The lowest 2xx status and its body schema (None when it has no body).

    The JSON schema when there is one, else the first other media type's: a file download is
    ``application/octet-stream`` in our spec and (wrongly) ``application/json`` in the server's,
    and both describe it as a binary string.
    """
    codes = sorted(str(c) for c in operation.get("responses", {}) if str(c).startswith("2"))
    if not codes:
        return None, None
    content = operation["responses"][codes[0]].get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    return codes[0], None if media is None else media.get("schema", {})


# ------------------------------------------------------------------------------------ comparing


def set_diffs(prefix: str, ours: Iterable[str], server: Iterable[str]) -> List[Diff]:
    """``+name (server only)`` and ``-name (ours only)`` lines for two sets of names."""
    ours_set, server_set = set(ours), set(server)
    return [Diff("added", f"{prefix}: +{n} (server only)") for n in sorted(server_set - ours_set)] + [
        Diff("removed", f"{prefix}: -{n} (ours only)") for n in sorted(ours_set - server_set)
    ]


def changed(prefix: str, what: str, ours: str, server: str) -> Diff:
    return Diff("changed", f"{prefix}: {what} {ours} (ours) vs {server} (server)")


def same_type(docs: Docs, ours: str, server: str) -> bool:
    """Whether two type descriptions agree for a Python client (see the module docstring)."""
    if docs.strict:
        return ours == server
    if server == "any":  # the server does not say (a JSONField, say): nothing to compare
        return True
    return HINT_FORMATS.sub("", ours) == HINT_FORMATS.sub("", server)


def compare_path_params(docs: Docs, op: str, mine: Schema, theirs: Schema) -> List[Diff]:
    # Matching paths have their placeholders at the same positions; what can still differ is how
    # many parameters are declared and their types, which become the method's argument types.
    mine_params = [p for p in mine["parameters"] if p.get("in") == "path"]
    their_params = [p for p in theirs["parameters"] if p.get("in") == "path"]
    if len(mine_params) != len(their_params):
        return [changed(f"{op} path", "count", str(len(mine_params)), str(len(their_params)))]
    diffs = []
    for position, (a, b) in enumerate(zip(mine_params, their_params)):
        a_type = type_of(docs.ours, a.get("schema", {}))
        b_type = type_of(docs.server, b.get("schema", {}))
        if not same_type(docs, a_type, b_type):
            diffs.append(changed(f"{op} path[{position}]", "type", a_type, b_type))
    return diffs


def compare_query(op: str, mine: Schema, theirs: Schema) -> List[Diff]:
    def names(operation: Schema) -> List[str]:
        return [p["name"] for p in operation["parameters"] if p.get("in") == "query"]

    return set_diffs(f"{op} query", names(mine), names(theirs))


def compare_fields(
    docs: Docs, prefix: str, mine: Any, theirs: Any, *, request: bool, path: str = "", depth: int = MAX_DEPTH
) -> List[Diff]:
    """Field names of two objects (or of their items). For a request body also which are required;
    for a response also field types, descending into nested objects both sides describe."""
    skip = "readOnly" if request else "writeOnly"
    mine_props, mine_required = fields(docs.ours, mine, skip)
    their_props, their_required = fields(docs.server, theirs, skip)
    if not mine_props or not their_props:
        # A free-form object on one side: one line for that, not one per field of the other side.
        # Where only the server leaves it free-form there is nothing to compare (unless strict).
        if mine_props == their_props or (not their_props and not docs.strict):
            return []
        described = {True: "declared", False: "free-form"}
        return [changed(prefix, f"{path}fields", described[bool(mine_props)], described[bool(their_props)])]

    diffs = set_diffs(prefix, [path + n for n in mine_props], [path + n for n in their_props])
    for name in sorted(set(mine_props) & set(their_props)):
        if request:
            if (name in mine_required) != (name in their_required):
                state = {True: "required", False: "optional"}
                diffs.append(
                    changed(prefix, name, state[name in mine_required], state[name in their_required])
                )
            mine_null, their_null = (
                accepts_null(docs.ours, mine_props[name]),
                accepts_null(docs.server, their_props[name]),
            )
            if mine_null != their_null:
                kinds = {True: "nullable", False: "not nullable"}
                diffs.append(changed(prefix, name, kinds[mine_null], kinds[their_null]))
            continue
        a, b = type_of(docs.ours, mine_props[name]), type_of(docs.server, their_props[name])
        if not same_type(docs, a, b):
            diffs.append(changed(prefix, f"{path}{name} type", a, b))
            continue  # the children of a field whose type differs would only repeat that
        diffs += compare_nested(docs, prefix, mine_props[name], their_props[name], f"{path}{name}", depth)
    return diffs


def compare_nested(docs: Docs, prefix: str, mine: Any, theirs: Any, path: str, depth: int) -> List[Diff]:
    """The fields of a nested response object (``created_by.email``) or object array (``results[].id``)."""
    mine, theirs = single(docs.ours, mine), single(docs.server, theirs)
    separator = "."
    if mine.get("type") == "array":
        mine, theirs, separator = (
            single(docs.ours, mine.get("items")),
            single(docs.server, theirs.get("items")),
            "[].",
        )
    if depth <= 1 or not (mine.get("properties") and theirs.get("properties")):
        return []
    return compare_fields(docs, prefix, mine, theirs, request=False, path=path + separator, depth=depth - 1)


def compare_body(docs: Docs, op: str, mine: Schema, theirs: Schema) -> List[Diff]:
    mine_bodies, their_bodies = body_schemas(mine), body_schemas(theirs)
    # DRF offers JSON, form and multipart parsers on every view, so a server that accepts more
    # encodings than the one we send is no drift. What matters is an encoding we send that the
    # server does not declare, or a body the server takes that we never send.
    prefix = f"{op} body content"
    diffs = [
        Diff("removed", f"{prefix}: -{k} (ours only)") for k in sorted(set(mine_bodies) - set(their_bodies))
    ]
    if not mine_bodies:
        diffs += [Diff("added", f"{prefix}: +{k} (server only)") for k in sorted(their_bodies)]
    for kind in sorted(set(mine_bodies) & set(their_bodies)):
        prefix = f"{op} body" if kind == "json" else f"{op} body[{kind}]"
        a, b = type_of(docs.ours, mine_bodies[kind]), type_of(docs.server, their_bodies[kind])
        if not same_type(docs, a, b):
            diffs.append(changed(prefix, "type", a, b))
            continue
        diffs += compare_fields(docs, prefix, mine_bodies[kind], their_bodies[kind], request=True)
    return diffs


def compare_response(docs: Docs, op: str, mine: Schema, theirs: Schema) -> List[Diff]:
    mine_code, mine_schema = success_response(mine)
    their_code, their_schema = success_response(theirs)
    prefix = f"{op} response"
    diffs = []
    if mine_code != their_code:
        diffs.append(changed(prefix, "status", str(mine_code), str(their_code)))
    if mine_schema is None or their_schema is None:
        if (mine_schema is None) != (their_schema is None):
            kinds = {True: "none", False: "present"}
            diffs.append(changed(prefix, "body", kinds[mine_schema is None], kinds[their_schema is None]))
        return diffs
    a, b = type_of(docs.ours, mine_schema), type_of(docs.server, their_schema)
    if not same_type(docs, a, b):
        return [*diffs, changed(prefix, "type", a, b)]
    return diffs + compare_fields(docs, prefix, mine_schema, their_schema, request=False)


def compare_operation(docs: Docs, key: OpKey, mine: Schema, theirs: Schema) -> List[Diff]:
    op = f"{key[0]} {key[1]}"
    return (
        compare_path_params(docs, op, mine, theirs)
        + compare_query(op, mine, theirs)
        + compare_body(docs, op, mine, theirs)
        + compare_response(docs, op, mine, theirs)
    )


# ------------------------------------------------------------------------------------ reporting


def by_path(keys: Iterable[OpKey]) -> List[OpKey]:
    return sorted(keys, key=lambda k: (k[1], k[0]))


def report(diffs: List[Diff], allowlist: Dict[str, str], compared: int, verbose: bool) -> int:
    """Print the differences; the exit status is 1 when one of them is not allowlisted."""
    unexpected = [d for d in diffs if d.id not in allowlist]
    allowed = [d for d in diffs if d.id in allowlist]
    stale = sorted(set(allowlist) - {d.id for d in diffs})

    print(f"compared {compared} operations: {len(diffs)} differences, {len(allowed)} allowlisted")
    titles = {"added": "added (server only)", "removed": "removed (ours only)", "changed": "changed"}
    for kind, title in titles.items():
        lines = [d.id for d in unexpected if d.kind == kind]
        if lines:
            print(f"\nNOT ALLOWLISTED, {title}: {len(lines)}")
            print("\n".join(f"  {line}" for line in lines))
    if verbose and allowed:
        print(f"\nallowlisted: {len(allowed)}")
        print("\n".join(f"  {d.id}\n      ({allowlist[d.id]})" for d in allowed))
    if stale:
        print(f"\nWARNING: {len(stale)} stale allowlist entries (they match no difference):")
        print("\n".join(f"  {entry}" for entry in stale))
    return 1 if unexpected else 0


def report_unmatched(title: str, keys: List[OpKey]) -> None:
    """Operations only one side has: information, never a failure."""
    print(f"\ninfo: {title}: {len(keys)}")
    print("\n".join(f"  {method} {path}" for method, path in keys))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("LABEL_STUDIO_TEST_URL"))
    parser.add_argument("--api-key", default=os.environ.get("LABEL_STUDIO_TEST_API_KEY"))
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--allowlist", type=Path, default=DEFAULT_ALLOWLIST)
    parser.add_argument("--server-schema", type=Path, help="read the server schema from a JSON file instead")
    parser.add_argument(
        "--strict", action="store_true", help="also compare hint formats and untyped server fields"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="also list allowlisted differences")
    args = parser.parse_args(argv)

    if args.server_schema:
        server = json.loads(args.server_schema.read_text())
    elif args.url and args.api_key:
        try:
            server = fetch_server_schema(args.url, args.api_key)
        except (OSError, ValueError) as exc:  # URLError is an OSError; bad JSON a ValueError
            parser.exit(2, f"spec_drift.py: cannot read the server schema at {args.url}: {exc}\n")
    else:
        parser.error("pass --url and --api-key (or set LABEL_STUDIO_TEST_URL/_API_KEY), or --server-schema")
    docs = Docs(ours=yaml.safe_load(args.spec.read_text()), server=server, strict=args.strict)

    our_ops, server_ops = operations(docs.ours), operations(docs.server)
    shared = by_path(set(our_ops) & set(server_ops))
    diffs = [d for key in shared for d in compare_operation(docs, key, our_ops[key], server_ops[key])]
    diffs += [
        Diff("added", f"{method} {path} operation: server only")
        for method, path in by_path(set(server_ops) - set(our_ops))
    ]
    status = report(diffs, load_allowlist(args.allowlist), len(shared), args.verbose)
    report_unmatched("our operations not on the server", by_path(set(our_ops) - set(server_ops)))
    return status


if __name__ == "__main__":
    sys.exit(main())
