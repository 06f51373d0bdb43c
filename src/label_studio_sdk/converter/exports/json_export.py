"""The JSON export: the tasks exactly as read, written as one JSON array, one task per line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping

from label_studio_sdk.converter.exports._output import PathLike, atomic_text, file_in_dir

FILE_NAME = "result.json"


def write_json(tasks: Iterable[Mapping[str, Any]], output_dir: PathLike) -> Path:
    """Write ``tasks`` to ``<output_dir>/result.json`` as a JSON array, holding one task in memory at a time."""
    path = file_in_dir(output_dir, FILE_NAME)
    with atomic_text(path) as out:
        out.write("[")
        separator = "\n"
        for task in tasks:
            out.write(separator)
            out.write(json.dumps(task, ensure_ascii=False))
            separator = ",\n"
        out.write("\n]\n" if separator != "\n" else "]\n")
    return path
