"""The JSON_MIN export: one flat record per annotation, the task data beside each control's simplified value.

A record holds the task data, the task ``id``, one key per control that has results, then ``annotator``,
``annotation_id``, ``created_at``, ``updated_at``, ``lead_time`` and, when the task has one, ``agreement``.
Later keys replace task-data keys of the same name, as earlier releases did.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional

from label_studio_sdk.converter.exports._output import PathLike, atomic_text, file_in_dir
from label_studio_sdk.converter.items import Choose, ControlIndex, ParsedConfig, annotation_items

FILE_NAME = "result.json"
CHAT_MESSAGE = "chatmessage"
# Controls whose single answer is written as a bare string: (control type, value key).
_SCALAR_KEYS = {"Choices": "choices", "TextArea": "text"}


def annotator_of(completed_by: Any) -> Any:
    """The annotator as exports show it: the email of a user dict, an int id as is, anything else as text."""
    if isinstance(completed_by, dict):
        return completed_by.get("email")
    if isinstance(completed_by, int):
        return completed_by
    return str(completed_by)


def _without_type(value: Mapping[str, Any]) -> Dict[str, Any]:
    return {key: item for key, item in value.items() if key != "type"}


def _simple_value(value: Mapping[str, Any]) -> Any:
    """One result value: a lone choice or text as a string, a chat turn as its message, else the value dict."""
    result_type = value.get("type")
    if result_type == CHAT_MESSAGE:
        return value["chatmessage"] if "chatmessage" in value else _without_type(value)
    scalar_key = _SCALAR_KEYS.get(str(result_type))
    if scalar_key is not None:
        answers = value.get(scalar_key)
        if isinstance(answers, (list, str)) and len(answers) == 1:
            return answers[0]
    return _without_type(value)


def prettify(values: List[Dict[str, Any]]) -> Any:
    """A control's results as one value; Choices and TextArea with a single result drop the enclosing list."""
    simple = [_simple_value(value) for value in values]
    if len(values) == 1 and values[0].get("type") in _SCALAR_KEYS:
        return simple[0]
    return simple


def _task_data(item: Mapping[str, Any]) -> Dict[str, Any]:
    data = item.get("input")
    return dict(data) if isinstance(data, dict) else {}


def record_of(item: Mapping[str, Any]) -> Dict[str, Any]:
    """The JSON_MIN record of one annotation item of ``items.annotation_items``."""
    record = _task_data(item)
    record["id"] = item["id"]
    for name, values in item["output"].items():
        record[name] = prettify(values)
    record["annotator"] = annotator_of(item["completed_by"])
    for key in ("annotation_id", "created_at", "updated_at", "lead_time"):
        record[key] = item[key]
    if "agreement" in item:
        record["agreement"] = item["agreement"]
    return record


_ENCODE_LEAF = json.JSONEncoder(ensure_ascii=False).encode  # one C-backed encoder, not one per call
_ENCODE_STRING: Callable[[str], str] = json.encoder.encode_basestring
_FLOAT_REPR = float.__repr__
_INT_REPR = int.__repr__


def _key_text(key: Any) -> str:
    """A dict key as ``json.dumps`` writes it (non-string scalars become strings)."""
    if isinstance(key, str):
        return _ENCODE_STRING(key)
    if key is None or isinstance(key, (bool, int, float)):
        return _ENCODE_STRING(_ENCODE_LEAF(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _leaf_text(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _ENCODE_STRING(value)
    if kind is int:
        return _INT_REPR(value)
    if kind is float and value == value and value not in (float("inf"), float("-inf")):
        return _FLOAT_REPR(value)
    return _ENCODE_LEAF(value)  # bools, None, NaN, subclasses: exactly as json.dumps


def _no_default(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


_CONTAINERS = (dict, list, tuple)
_JOIN = "".join
_make_encoder = getattr(json.encoder, "c_make_encoder", None)


class _Level:
    """What ``json.dumps(indent=2)`` writes around the members of a container at one depth."""

    __slots__ = ("close", "encode", "open", "separator")

    def __init__(self, depth: int) -> None:
        inner = "\n" + "  " * (depth + 1)
        self.open = inner
        self.separator = "," + inner
        self.close = "\n" + "  " * depth
        if _make_encoder is not None:
            # A C encoder whose item separator carries this depth's indentation: it writes a run of scalar
            # members (and empty containers) at once, exactly as the indented encoder would.
            encoder = _make_encoder(
                None, _no_default, _ENCODE_STRING, None, ": ", self.separator, False, False, True
            )
            self.encode: Callable[[Any], str] = lambda value: _JOIN(encoder(value, 0))
        else:  # another Python implementation: the stdlib encoder, same text
            self.encode = json.JSONEncoder(ensure_ascii=False, separators=(self.separator, ": ")).encode


_LEVELS: List[_Level] = []


def _level(depth: int) -> _Level:
    while len(_LEVELS) <= depth:
        _LEVELS.append(_Level(len(_LEVELS)))
    return _LEVELS[depth]


def indented_json(value: Any, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, byte for byte.

    The stdlib encodes indented JSON in pure Python, a few calls per value, through nested closures that
    form reference cycles (garbage for the cyclic collector on a long export). Here the scalar members of a
    container go through a C encoder in runs, with the separators of their depth, and only nested
    non-empty containers recurse.
    """
    if isinstance(value, dict):
        if not value:
            return "{}"
        depth = _LEVELS[level] if level < len(_LEVELS) else _level(level)
        parts: List[str] = []
        run: Optional[Dict[Any, Any]] = None
        for key, item in value.items():
            if item and isinstance(item, _CONTAINERS):
                if run is not None:
                    parts.append(depth.encode(run)[1:-1])
                    run = None
                name = _ENCODE_STRING(key) if type(key) is str else _key_text(key)
                parts.append(name + ": " + indented_json(item, level + 1))
            elif run is None:
                run = {key: item}
            else:
                run[key] = item
        if run is not None:
            parts.append(depth.encode(run)[1:-1])
        return "{" + depth.open + depth.separator.join(parts) + depth.close + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        depth = _LEVELS[level] if level < len(_LEVELS) else _level(level)
        parts = []
        members: Optional[List[Any]] = None
        for item in value:
            if item and isinstance(item, _CONTAINERS):
                if members is not None:
                    parts.append(depth.encode(members)[1:-1])
                    members = None
                parts.append(indented_json(item, level + 1))
            elif members is None:
                members = [item]
            else:
                members.append(item)
        if members is not None:
            parts.append(depth.encode(members)[1:-1])
        return "[" + depth.open + depth.separator.join(parts) + depth.close + "]"
    return _leaf_text(value)


def iter_records(
    tasks: Iterable[Mapping[str, Any]], parsed_config: ParsedConfig, *, choose: Choose = "all"
) -> Iterator[Dict[str, Any]]:
    """The JSON_MIN records of ``tasks``, one annotation at a time (all of them, newest first, by default)."""
    index = ControlIndex(parsed_config)
    for task in tasks:
        for item in annotation_items(task, index, choose=choose):
            yield record_of(item)


def write_json_min(
    tasks: Iterable[Mapping[str, Any]],
    parsed_config: ParsedConfig,
    output_dir: PathLike,
    *,
    choose: Choose = "all",
) -> Path:
    """Write the records to ``<output_dir>/result.json`` as an indented JSON array, one record in memory at a time."""
    path = file_in_dir(output_dir, FILE_NAME)
    with atomic_text(path) as out:
        # The layout of earlier releases, byte for byte: "[\n", records joined by ",\n", "\n]".
        out.write("[\n")
        separator = ""
        for record in iter_records(tasks, parsed_config, choose=choose):
            out.write(separator)
            out.write(indented_json(record))
            separator = ",\n"
        out.write("\n]")
    return path
