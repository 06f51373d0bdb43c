"""The JSON_MIN export: one flat record per annotation, the task data beside each control's simplified value.

A record holds the task data, the task ``id``, one key per control that has results, then ``annotator``,
``annotation_id``, ``created_at``, ``updated_at``, ``lead_time`` and, when the task has one, ``agreement``.
Later keys replace task-data keys of the same name, as earlier releases did.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping

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


def indented_json(value: Any, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, byte for byte.

    The stdlib encodes indented JSON in pure Python through nested closures that form reference cycles, so
    a long export would leave garbage for the cyclic collector; here leaves go through the C encoder.
    """
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + "  " * (level + 1)
        deeper = level + 1
        members = [_key_text(key) + ": " + indented_json(item, deeper) for key, item in value.items()]
        return "{" + inner + ("," + inner).join(members) + "\n" + "  " * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = "\n" + "  " * (level + 1)
        deeper = level + 1
        items = [indented_json(item, deeper) for item in value]
        return "[" + inner + ("," + inner).join(items) + "\n" + "  " * level + "]"
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
