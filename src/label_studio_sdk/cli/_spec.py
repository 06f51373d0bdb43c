"""The shapes of the generated command table (`_commands.py`): plain tuples, cheap to import."""

from __future__ import annotations

from typing import NamedTuple, Tuple


class Opt(NamedTuple):
    """One parameter of an operation as a command-line option (or a positional, for path parameters)."""

    flag: str  # the option without its dashes: "page-size"
    name: str  # the client method's keyword argument: "page_size"
    wire: str  # the name on the wire, which --data JSON keys may also use
    kind: str  # str, int, float, bool, file, json, scalar, list:<kind>
    where: str  # path, query, body, whole_body, form, file
    required: bool
    choices: Tuple[str, ...]  # the values the spec lists (others are accepted too)
    help: str


class Command(NamedTuple):
    """One operation: which client method the command calls, and how."""

    group: str  # dotted attribute path on LabelStudio: "projects.exports"
    method: str  # method name in that group: "list"
    summary: str
    returns: str  # none, json, stream, pager
    http: str  # "GET /api/projects/" (shown in --help)
    options: Tuple[Opt, ...]
