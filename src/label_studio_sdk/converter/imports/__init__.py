"""Datasets in other formats turned into Label Studio tasks: ``imports.yolo`` and ``imports.coco``.

An import writes its tasks as one JSON list, a task at a time (memory does not grow with the dataset), and
a labeling config next to it; it returns an ``ImportSummary``. This module holds what both share: the task
file, region ids, the handling of malformed records and the setup instructions.

Region ids are derived from where the region comes from (label file and line, COCO annotation id), so
importing the same dataset twice gives the same tasks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator, Literal, Mapping, Optional, Type, Union
from urllib.parse import unquote_plus, urlsplit

from label_studio_sdk.converter.exports._output import ExportOutputError, atomic_text
from label_studio_sdk.core.errors import LabelStudioError

PathLike = Union[str, "os.PathLike[str]"]
OnError = Literal["skip", "raise"]
OutType = Literal["annotations", "predictions"]

_OUT_TYPES = ("annotations", "predictions")
_LOGGED_PROBLEMS = 20  # then one line says the rest go to the debug log


class ImportInputError(LabelStudioError, ValueError):
    """The dataset being imported is missing a part or holds a malformed record; the message says where."""


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote: the two files, counts, and how to set up a project for them."""

    tasks_file: Path
    label_config_file: Path
    label_config: str
    tasks: int
    """Tasks written (one per image)."""
    regions: int
    """Results written, over all tasks."""
    unlabelled: int
    """Tasks written without an annotation (or prediction): images with nothing to read labels from."""
    skipped: int
    """Malformed records left out (each one logged)."""
    instructions: str


def region_id(*origin: Any) -> str:
    """A 10-hex-digit result id derived from where the region comes from (so imports are reproducible)."""
    text = "\x1f".join(str(part) for part in origin)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def check_out_type(out_type: str) -> OutType:
    if out_type == "annotations":
        return "annotations"
    if out_type == "predictions":
        return "predictions"
    raise ValueError(f"out_type must be one of {', '.join(_OUT_TYPES)}, not {out_type!r}")


def check_on_error(on_error: str) -> OnError:
    if on_error == "skip":
        return "skip"
    if on_error == "raise":
        return "raise"
    raise ValueError(f"on_error must be 'skip' or 'raise', not {on_error!r}")


class Problems:
    """Malformed input records: with ``on_error="skip"`` each is counted and logged (the first few as
    warnings), with ``"raise"`` the first one raises ``error``."""

    def __init__(self, on_error: OnError, error: Type[ImportInputError], log: logging.Logger) -> None:
        self.on_error = on_error
        self.error = error
        self.log = log
        self.count = 0

    def __call__(self, message: str) -> None:
        if self.on_error == "raise":
            raise self.error(message)
        self.count += 1
        if self.count <= _LOGGED_PROBLEMS:
            self.log.warning("skipped: %s", message)
            if self.count == _LOGGED_PROBLEMS:
                self.log.warning("further skipped records are logged at debug level only")
        else:
            self.log.debug("skipped: %s", message)


class TaskFile:
    """The JSON list being written: ``write`` adds one task."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self.count = 0

    def write(self, task: Mapping[str, Any]) -> None:
        self.write_json(json.dumps(task, ensure_ascii=False))

    def write_json(self, task_json: str) -> None:
        """Add a task given as JSON text."""
        self._handle.write(",\n" if self.count else "\n")
        self._handle.write(task_json)
        self.count += 1


@contextlib.contextmanager
def task_file(path: PathLike) -> Iterator[TaskFile]:
    """A tasks file that appears at ``path`` (its folder created when missing) only when the block succeeds."""
    target = Path(path)
    if target.is_dir():
        raise ExportOutputError(f"the tasks file {str(target)!r} is a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_text(target) as handle:
        handle.write("[")
        tasks = TaskFile(handle)
        yield tasks
        handle.write("\n]\n" if tasks.count else "]\n")


def _local_files_folder(image_root_url: str) -> Optional[str]:
    """The folder in the ``d`` parameter of a ``/data/local-files/`` root, or None for another kind of root."""
    parts = urlsplit(image_root_url)
    if not parts.path.rstrip("/").endswith("/data/local-files"):
        return None
    for field in parts.query.split("&"):
        name, _, value = field.partition("=")
        if name == "d":
            return unquote_plus(value).strip("/")
    return None


def _document_root(images_dir: Path, folder: str) -> Optional[Path]:
    """The folder that ``folder`` (a ``d=`` path) is relative to, when ``images_dir`` ends with it."""
    if not folder:
        return images_dir
    tail = Path(folder).parts
    if images_dir.parts[-len(tail) :] != tail:
        return None
    return Path(*images_dir.parts[: -len(tail)])


def setup_instructions(
    tasks_file: Path,
    config_file: Path,
    image_root_url: str,
    images_dir: Optional[Path],
    example: Optional[str],
) -> str:
    """Step-by-step text for using the files in Label Studio; ``images_dir`` is where the images are,
    when known, and ``example`` one image URL written to the tasks."""
    steps = [f'Create a project whose labeling config is the content of "{config_file}".']
    folder = _local_files_folder(image_root_url)
    if folder is None:
        steps.append(f"Serve the images so that their URLs (such as {example or image_root_url}) answer.")
    else:
        root = _document_root(images_dir.resolve(), folder) if images_dir is not None else None
        where = f'"{root}"' if root is not None else f'the folder that "{folder or "."}" is relative to'
        storage = f'"{images_dir.resolve()}"' if images_dir is not None else "the folder of the images"
        steps.append(
            "Start Label Studio with LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED=true and "
            f"LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT={where}: image URLs such as "
            f"{example or image_root_url} are read relative to it."
        )
        steps.append(
            f"In the project settings, add a Local Storage whose absolute local path is {storage} "
            "(it lets the project read these files; do not sync it, the tasks come from the next step)."
        )
    steps.append(f'Import "{tasks_file}" into the project.')
    return "To use these tasks in Label Studio:\n" + "\n".join(
        f"  {number}. {step}" for number, step in enumerate(steps, 1)
    )
