"""The long jobs of `label-studio-sdk`: import (resumable), predictions import, export, storage sync.

Each job adds its options to the parser `main` built (which already has --url, --api-key, --timeout)
and runs with a client from `main.make_client`; failures propagate to `main`, which turns them into
one line on stderr and an exit code.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional

from label_studio_sdk.cli.main import PROG, UsageError, exit_code_for, fail, make_client, write_json

if TYPE_CHECKING:
    import argparse

STATE_VERSION = 1
FORMATS = ("auto", "json", "jsonl", "csv", "tsv")


# ---------------------------------------------------------------------------------------- reading


def _format_of(path: Path, given: str) -> str:
    if given != "auto":
        return given
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return suffix[1:]
    if suffix == ".json":
        return "json"
    raise UsageError(f"cannot tell the format of {path} from its name; pass --format json, jsonl, csv or tsv")


def read_records(path: Path, fmt: str) -> Iterator[Dict[str, Any]]:
    """The objects in one file: a JSON list (or one object), JSON lines, or CSV/TSV rows (header first)."""
    kind = _format_of(path, fmt)
    try:
        handle = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None
    with handle:
        if kind == "json":
            try:
                loaded = json.load(handle)
            except ValueError as error:
                raise UsageError(f"{path}: not valid JSON ({error})") from None
            for number, item in enumerate(loaded if isinstance(loaded, list) else [loaded]):
                yield _object(item, f"{path}: item {number}")
        elif kind == "jsonl":
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except ValueError as error:
                    raise UsageError(f"{path}:{number}: not valid JSON ({error})") from None
                yield _object(item, f"{path}:{number}")
        else:
            reader = csv.DictReader(handle, delimiter="\t" if kind == "tsv" else ",")
            for row in reader:
                yield dict(row)


def _object(item: Any, where: str) -> Dict[str, Any]:
    if not isinstance(item, dict):
        raise UsageError(f"{where}: expected a JSON object, got {type(item).__name__}")
    return item


def read_all(paths: List[Path], fmt: str) -> List[Dict[str, Any]]:
    records: List[Dict[str, Any]] = []
    for path in paths:
        records.extend(read_records(path, fmt))
    return records


class Progress:
    """A one-line progress counter on stderr, shown only when stderr is a terminal."""

    def __init__(self, label: str, total: Optional[int], enabled: Optional[bool] = None) -> None:
        self.label = label
        self.total = total
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.shown = False

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        if self.total:
            width = 30
            filled = int(width * done / self.total) if self.total else width
            text = f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}"
        else:
            text = f"\r{self.label} {done}"
        sys.stderr.write(text)
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            self.shown = False


# ---------------------------------------------------------------------------------------- import


def _state_path(namespace: argparse.Namespace) -> Path:
    if namespace.state_file:
        return Path(namespace.state_file)
    first = Path(namespace.files[0])
    return first.with_name(first.name + ".import-state.json")


def _load_state(path: Path, project: int, files: List[str], total: int) -> Dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise UsageError(f"--resume: no state file {path} (nothing to resume)") from None
    except ValueError:
        raise UsageError(f"--resume: {path} is not a state file written by `{PROG} import`") from None
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        raise UsageError(f"--resume: {path} is not a state file written by `{PROG} import`")
    if state.get("project") != project or state.get("files") != files:
        raise UsageError(
            f"--resume: {path} belongs to project {state.get('project')} and files {state.get('files')}, not these"
        )
    if state.get("tasks_total") != total:
        raise UsageError(
            f"--resume: the files now hold {total} tasks, the state was written for {state.get('tasks_total')}"
        )
    return state


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "project", type=int, metavar="PROJECT", help="ID of the project that receives the tasks"
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="task files: .json, .jsonl, .csv or .tsv")
    parser.add_argument(
        "--format", choices=FORMATS, default="auto", help="file format (default: from the name)"
    )
    parser.add_argument(
        "--chunk-size", type=int, default=1000, metavar="N", help="tasks per request (default 1000)"
    )
    parser.add_argument(
        "--state-file",
        metavar="PATH",
        help="where a failed import records its resume point (default: <first FILE>.import-state.json)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="go on from the resume point in the state file: nothing is sent twice",
    )
    parser.add_argument(
        "--progress",
        action=_bool_action(),
        default=None,
        help="progress bar on stderr (default: when a terminal)",
    )


def run_import(namespace: argparse.Namespace) -> int:
    from label_studio_sdk.core.errors import LabelStudioError
    from label_studio_sdk.projects.import_errors import ChunkedImportError

    if namespace.chunk_size < 1:
        raise UsageError("--chunk-size must be 1 or more")
    files = [str(Path(f).resolve()) for f in namespace.files]
    tasks = read_all([Path(f) for f in files], namespace.format)
    state_path = _state_path(namespace)
    start, imported_before = 0, 0
    if namespace.resume:
        state = _load_state(state_path, namespace.project, files, len(tasks))
        start, imported_before = int(state["next_task_index"]), int(state["tasks_imported"])
    elif state_path.exists():
        raise UsageError(
            f"{state_path} says an earlier import of these files stopped part-way; "
            "pass --resume to go on from there, or delete it to start again"
        )
    progress = Progress("importing", len(tasks), namespace.progress)
    progress.update(start)

    def on_progress(step: Any) -> None:
        progress.update(start + step.tasks_done)

    with make_client(namespace) as client:
        try:
            result = client.projects.import_tasks(
                namespace.project,
                request=tasks[start:],
                chunk_size=namespace.chunk_size,
                on_progress=on_progress,
            )
        except LabelStudioError as error:
            progress.close()
            if isinstance(error, ChunkedImportError):
                next_index = start + error.first_failed_task_index
                imported = imported_before + error.tasks_imported
                landed = error.may_have_landed
                cause: BaseException = error.__cause__ or error
            else:  # one request, refused as a whole
                next_index, imported, landed, cause = start, imported_before, False, error
            state = {
                "version": STATE_VERSION,
                "project": namespace.project,
                "files": files,
                "tasks_total": len(tasks),
                "next_task_index": next_index,
                "tasks_imported": imported,
                "may_have_landed": landed,
                "error": " ".join(str(cause).split()),
            }
            _write_atomic(state_path, json.dumps(state, indent=2) + "\n")
            warning = " (the failed chunk may have been saved: check the project first)" if landed else ""
            fail(
                f"import stopped at task {next_index} of {len(tasks)} ({imported} imported): {cause}; "
                f"resume point saved in {state_path}; fix the cause and run again with --resume{warning}",
                namespace.api_key,
            )
            return exit_code_for(cause if isinstance(cause, Exception) else error)
    progress.close()
    if namespace.resume:
        state_path.unlink(missing_ok=True)
    count = int(getattr(result, "task_count", 0) or 0)
    write_json(
        {
            "project": namespace.project,
            "tasks_total": len(tasks),
            "resumed_from": start,
            "tasks_imported": imported_before + count,
        },
        compact=False,
    )
    return 0


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _bool_action() -> Any:
    import argparse

    return argparse.BooleanOptionalAction


# ---------------------------------------------------------------------------------------- predictions


def add_predictions_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", type=int, metavar="PROJECT", help="ID of the project whose tasks get them")
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help='prediction files (.json or .jsonl), each with a "task" ID and "result"',
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="auto", help="file format (default: from the name)"
    )
    parser.add_argument("--chunk-size", type=int, default=1000, metavar="N", help="predictions per request")
    parser.add_argument("--progress", action=_bool_action(), default=None, help="progress bar on stderr")


def run_predictions(namespace: argparse.Namespace) -> int:
    if namespace.chunk_size < 1:
        raise UsageError("--chunk-size must be 1 or more")
    predictions = read_all([Path(f) for f in namespace.files], namespace.format)
    progress = Progress("importing predictions", len(predictions), namespace.progress)
    with make_client(namespace) as client:
        try:
            result = client.projects.import_predictions(
                namespace.project,
                request=predictions,
                chunk_size=namespace.chunk_size,
                on_progress=lambda step: progress.update(step.predictions_done),
            )
        finally:
            progress.close()
    write_json(
        {"project": namespace.project, "predictions": len(predictions), "result": result}, compact=False
    )
    return 0


# ---------------------------------------------------------------------------------------- export


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", type=int, metavar="PROJECT", help="ID of the project to export")
    parser.add_argument(
        "--format",
        dest="export_format",
        default="JSON",
        metavar="FORMAT",
        help="JSON, JSON_MIN, CSV, TSV, COCO, YOLO, ... (`projects exports list-formats` lists a project's)",
    )
    parser.add_argument(
        "--output", "-o", required=True, metavar="PATH", help="file to write (or an existing folder)"
    )
    parser.add_argument(
        "--download-resources", action=_bool_action(), default=None, help="include media files"
    )
    parser.add_argument(
        "--wait", type=float, default=600.0, metavar="SEC", help="give up after SEC seconds (600)"
    )
    parser.add_argument("--keep-snapshot", action="store_true", help="keep the snapshot on the server")
    parser.add_argument("--progress", action=_bool_action(), default=None, help="progress on stderr")


def run_export(namespace: argparse.Namespace) -> int:
    from label_studio_sdk.projects.exports.errors import ExportFormatNotOfferedError

    progress = Progress("downloading (bytes)", None, namespace.progress)
    with make_client(namespace) as client:
        try:
            path = client.projects.exports.as_file(
                namespace.project,
                namespace.output,
                export_type=namespace.export_format,
                download_resources=namespace.download_resources,
                timeout=namespace.wait,
                keep_snapshot=namespace.keep_snapshot,
                progress=progress.update if progress.enabled else None,
            )
        except ExportFormatNotOfferedError as error:
            raise UsageError(str(error)) from None
        finally:
            progress.close()
    write_json(
        {
            "project": namespace.project,
            "format": namespace.export_format,
            "path": str(path),
            "bytes": path.stat().st_size,
        },
        compact=False,
    )
    return 0


# ---------------------------------------------------------------------------------------- storage sync

SYNC_DONE = ("completed", "completed_with_errors")


def add_sync_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", metavar="KIND", help="storage type: local, s3, gcs, azure, redis, s3s")
    parser.add_argument("id", type=int, metavar="ID", help="ID of the storage")
    parser.add_argument(
        "--export", action="store_true", help="an export (target) storage; default: import storage"
    )
    parser.add_argument(
        "--wait", type=float, default=600.0, metavar="SEC", help="give up after SEC seconds (600)"
    )


def run_sync(namespace: argparse.Namespace) -> int:
    from label_studio_sdk.core.errors import LabelStudioError

    group = "export_storage" if namespace.export else "import_storage"
    with make_client(namespace) as client:
        storages = getattr(client, group)
        kinds = sorted(
            name for name in ("azure", "gcs", "local", "redis", "s3", "s3s") if hasattr(type(storages), name)
        )
        if namespace.kind not in kinds:
            raise UsageError(f"unknown storage kind {namespace.kind!r}; one of: {', '.join(kinds)}")
        storage = getattr(storages, namespace.kind)
        storage.sync(namespace.id)
        deadline = time.monotonic() + namespace.wait
        pause = 0.2
        while True:
            current = storage.get(namespace.id)
            status = getattr(current, "status", None)
            if status in SYNC_DONE:
                break
            if status == "failed":
                raise LabelStudioError(
                    f"sync of {group.replace('_', ' ')} {namespace.id} failed: {getattr(current, 'traceback', None) or 'no details'}"
                )
            if time.monotonic() > deadline:
                raise LabelStudioError(f"sync still {status} after {namespace.wait:g} s")
            time.sleep(pause)
            pause = min(pause * 1.5, 5.0)
    write_json(current, compact=False)
    return 0


# ---------------------------------------------------------------------------------------- entry points


def add_arguments(words: str, parser: argparse.ArgumentParser) -> None:
    {
        "import": add_import_arguments,
        "predictions import": add_predictions_arguments,
        "export": add_export_arguments,
        "storage sync": add_sync_arguments,
    }[words](parser)


def run(words: str, namespace: argparse.Namespace) -> int:
    return {
        "import": run_import,
        "predictions import": run_predictions,
        "export": run_export,
        "storage sync": run_sync,
    }[words](namespace)
