"""The CSV and TSV exports: one row per annotation, a column per task-data key, control and annotation field.

Rows are the JSON_MIN records with these changes: task-data keys named like a control that has results
anywhere in the export are renamed ``_data_<key>``; each chat control adds ``<name>_transcript``
(``role: text`` lines); a non-empty annotation ``history`` is added; the annotator is written as text;
dict and list values are JSON-encoded. Columns are the sorted union of the row keys, so the tasks are
read twice: once for the columns, once for the rows.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Set, Tuple

from label_studio_sdk.converter.exports._output import (
    ExportOutputError,
    PathLike,
    atomic_text,
    file_in_dir,
    prepare_dir,
)
from label_studio_sdk.converter.exports.json_min import CHAT_MESSAGE, annotator_of, prettify
from label_studio_sdk.converter.items import Choose, ControlIndex, ParsedConfig, annotation_items

TasksFactory = Callable[[], Iterable[Mapping[str, Any]]]

CSV_FILE_NAME = "result.csv"
TSV_FILE_NAME = "result.tsv"
_FILE_SUFFIXES = (".csv", ".tsv")
_ANNOTATION_FIELDS = ("annotation_id", "created_at", "updated_at", "lead_time")
DATA_PREFIX = "_data_"


def output_file(output_path_or_dir: PathLike, sep: str) -> Path:
    """The file to write: the path itself when it ends in .csv or .tsv (and is no directory), else a fixed name in it."""
    path = Path(output_path_or_dir)
    if path.suffix.lower() in _FILE_SUFFIXES and not path.is_dir():
        prepare_dir(path.parent)
        return path
    return file_in_dir(path, TSV_FILE_NAME if sep == "\t" else CSV_FILE_NAME)


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def _transcript_line(message: Any) -> str:
    if not isinstance(message, dict):
        return ""
    role, content = message.get("role"), message.get("content")
    text = "" if content is None else str(content)
    if not role:
        return text
    return f"{role}: {text}" if text else f"{role}:"


def transcript(messages: Any) -> str:
    """A chat control's messages as ``role: text`` lines."""
    lines = (_transcript_line(message) for message in messages) if isinstance(messages, list) else ()
    return "\n".join(line for line in lines if line)


def _chat_controls(output: Mapping[str, List[Dict[str, Any]]]) -> List[str]:
    return [name for name, values in output.items() if any(v.get("type") == CHAT_MESSAGE for v in values)]


def _row(item: Mapping[str, Any], colliding: Set[str]) -> Dict[str, Any]:
    """One row; later assignments win: annotation fields over task data, task data over transcripts."""
    row: Dict[str, Any] = {"id": item["id"]}
    output: Mapping[str, List[Dict[str, Any]]] = item["output"]
    for name, values in output.items():
        row[name] = prettify(values)
    for name in _chat_controls(output):
        row[f"{name}_transcript"] = transcript(row[name])
    data = item.get("input")
    for key, value in data.items() if isinstance(data, dict) else ():
        row[DATA_PREFIX + key if key in colliding else key] = value
    annotator = annotator_of(item["completed_by"])
    row["annotator"] = annotator if annotator is None or isinstance(annotator, str) else str(annotator)
    for key in _ANNOTATION_FIELDS:
        row[key] = item[key]
    if "agreement" in item:
        row["agreement"] = item["agreement"]
    if item.get("history"):
        row["history"] = item["history"]
    return row


def _items(
    tasks: Iterable[Mapping[str, Any]], index: ControlIndex, choose: Choose
) -> Iterator[Dict[str, Any]]:
    for task in tasks:
        yield from annotation_items(task, index, choose=choose)


def _survey(items: Iterable[Mapping[str, Any]]) -> Tuple[Set[str], List[str]]:
    """The colliding task-data keys and the sorted columns, from one pass over the items."""
    control_names: Set[str] = set()
    data_keys: Set[str] = set()
    # These columns are there even without rows, as in earlier releases.
    other_keys: Set[str] = {"annotator", *_ANNOTATION_FIELDS}
    for item in items:
        output: Mapping[str, Any] = item["output"]
        control_names.update(output)
        other_keys.update(f"{name}_transcript" for name in _chat_controls(output))
        data = item.get("input")
        if isinstance(data, dict):
            data_keys.update(data)
        other_keys.add("id")
        if "agreement" in item:
            other_keys.add("agreement")
        if item.get("history"):
            other_keys.add("history")
    colliding = data_keys & control_names
    renamed = {DATA_PREFIX + key if key in colliding else key for key in data_keys}
    return colliding, sorted(control_names | other_keys | renamed)


def write_csv(
    tasks: TasksFactory,
    parsed_config: ParsedConfig,
    output_path_or_dir: PathLike,
    *,
    sep: str = ",",
    header: bool = True,
    choose: Choose = "all",
) -> Path:
    """Write the rows as CSV (``sep="\\t"`` for TSV); ``tasks`` is called twice and must give the same tasks each time.

    The file is ``output_path_or_dir`` when it ends in .csv or .tsv, else ``result.csv`` (``result.tsv`` for
    a tab separator) inside that directory.
    """
    if not callable(tasks):
        raise TypeError(
            "write_csv reads the tasks twice: pass a function that returns a fresh iterable of them"
        )
    if len(sep) != 1:
        raise ExportOutputError(f"the CSV separator must be one character, not {sep!r}")
    path = output_file(output_path_or_dir, sep)
    index = ControlIndex(parsed_config)
    colliding, columns = _survey(_items(tasks(), index, choose))
    with atomic_text(path, newline="") as out:
        writer = csv.writer(out, delimiter=sep, quoting=csv.QUOTE_NONNUMERIC)
        if header:
            writer.writerow(columns)
        for item in _items(tasks(), index, choose):
            row = _row(item, colliding)
            writer.writerow([_cell(row.get(column, "")) for column in columns])
    return path
