"""The CSV and TSV exports: one row per annotation, a column per task-data key, control and annotation field.

Rows are the JSON_MIN records with these changes: task-data keys named like a control that has results
anywhere in the export are renamed ``_data_<key>``; each chat control adds ``<name>_transcript``
(``role: text`` lines); a non-empty annotation ``history`` is added; the annotator is written as text;
dict and list values are JSON-encoded. Columns are the sorted union of the row keys, so the tasks are
read once: rows wait in a scratch file until the columns are known.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
from pathlib import Path
from typing import IO, Any, Callable, Dict, Iterable, Iterator, List, Mapping, Sequence, Set, Tuple, Union

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


def _encoder(item_separator: str, key_separator: str) -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False, separators=...)``, its C encoder built once, not per call."""
    encoder = json.JSONEncoder(
        ensure_ascii=False, check_circular=False, separators=(item_separator, key_separator)
    )
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator (another Python implementation)
        return encoder.encode
    iterencode = make(
        None,
        encoder.default,
        json.encoder.encode_basestring,
        None,
        key_separator,
        item_separator,
        False,
        False,
        True,
    )
    join = "".join

    def encode(value: Any) -> str:
        return join(iterencode(value, 0))

    return encode


_COMPACT = _encoder(",", ":")
_SPOOLED = _encoder(", ", ": ")
_NESTED = (dict, list, tuple)


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return _COMPACT(value)
    return value


def _cells(values: Mapping[str, Any]) -> Dict[str, Any]:
    """``values`` with dicts and lists already in their cell form (compact JSON text).

    Done before the row is spooled: the spool then holds a string instead of the structure, which is cheaper
    to write and read back, and the cell is the same text ``_cell`` would make of the structure read back.
    """
    return {key: _COMPACT(value) if isinstance(value, _NESTED) else value for key, value in values.items()}


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


def _row_parts(item: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any], Dict[str, Any]]:
    """A row in three parts, for ``_row``: what comes before the task data, the data, and what comes after it."""
    before: Dict[str, Any] = {"id": item["id"]}
    output: Mapping[str, List[Dict[str, Any]]] = item["output"]
    for name, values in output.items():
        before[name] = prettify(values)
    for name in _chat_controls(output):
        before[f"{name}_transcript"] = transcript(before[name])
    data = item.get("input")
    after: Dict[str, Any] = {}
    annotator = annotator_of(item["completed_by"])
    after["annotator"] = annotator if annotator is None or isinstance(annotator, str) else str(annotator)
    for key in _ANNOTATION_FIELDS:
        after[key] = item[key]
    if "agreement" in item:
        after["agreement"] = item["agreement"]
    if item.get("history"):
        after["history"] = item["history"]
    return _cells(before), _cells(data) if isinstance(data, dict) else {}, _cells(after)


def _row(parts: Sequence[Mapping[str, Any]], colliding: Set[str]) -> Dict[str, Any]:
    """One row; later assignments win: annotation fields over task data, task data over transcripts."""
    before, data, after = parts
    row = dict(before)
    for key, value in data.items():
        row[DATA_PREFIX + key if key in colliding else key] = value
    row.update(after)
    return row


def _items(
    tasks: Iterable[Mapping[str, Any]], index: ControlIndex, choose: Choose
) -> Iterator[Dict[str, Any]]:
    for task in tasks:
        yield from annotation_items(task, index, choose=choose)


class _Survey:
    """The colliding task-data keys and the columns, gathered row by row."""

    def __init__(self) -> None:
        self.control_names: Set[str] = set()
        self.data_keys: Set[str] = set()
        # These columns are there even without rows, as in earlier releases.
        self.other_keys: Set[str] = {"annotator", *_ANNOTATION_FIELDS}

    def add(self, item: Mapping[str, Any]) -> None:
        output: Mapping[str, Any] = item["output"]
        self.control_names.update(output)
        self.other_keys.update(f"{name}_transcript" for name in _chat_controls(output))
        data = item.get("input")
        if isinstance(data, dict):
            self.data_keys.update(data)
        self.other_keys.add("id")
        if "agreement" in item:
            self.other_keys.add("agreement")
        if item.get("history"):
            self.other_keys.add("history")

    def result(self) -> Tuple[Set[str], List[str]]:
        colliding = self.data_keys & self.control_names
        renamed = {DATA_PREFIX + key if key in colliding else key for key in self.data_keys}
        return colliding, sorted(self.control_names | self.other_keys | renamed)


@contextlib.contextmanager
def _spool(directory: Path) -> Iterator[IO[str]]:
    """A scratch file beside the output, removed afterwards: rows wait there until the columns are known."""
    path = directory / f".rows.{secrets.token_hex(6)}.jsonl"
    try:
        with open(path, "x+", encoding="utf-8", newline="\n") as handle:
            yield handle
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def write_csv(
    tasks: Union[Iterable[Mapping[str, Any]], TasksFactory],
    parsed_config: ParsedConfig,
    output_path_or_dir: PathLike,
    *,
    sep: str = ",",
    header: bool = True,
    choose: Choose = "all",
) -> Path:
    """Write the rows as CSV (``sep="\\t"`` for TSV), reading the tasks once (or a function returning them).

    The columns are the union of every row's keys, so rows are kept in a scratch file beside the output
    until the last task is read. The file is ``output_path_or_dir`` when it ends in .csv or .tsv, else
    ``result.csv`` (``result.tsv`` for a tab separator) inside that directory.
    """
    if len(sep) != 1:
        raise ExportOutputError(f"the CSV separator must be one character, not {sep!r}")
    path = output_file(output_path_or_dir, sep)
    index = ControlIndex(parsed_config)
    survey = _Survey()
    encode = _SPOOLED
    with _spool(path.parent) as spool:
        for item in _items(tasks() if callable(tasks) else tasks, index, choose):
            survey.add(item)
            spool.write(encode(_row_parts(item)))
            spool.write("\n")
        colliding, columns = survey.result()
        spool.seek(0)
        decode = json.JSONDecoder().decode
        with atomic_text(path, newline="") as out:
            writer = csv.writer(out, delimiter=sep, quoting=csv.QUOTE_NONNUMERIC)
            if header:
                writer.writerow(columns)
            for line in spool:
                row = _row(decode(line), colliding)
                writer.writerow([_cell(row.get(column, "")) for column in columns])
    return path
