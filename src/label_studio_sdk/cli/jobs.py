"""The long jobs of `label-studio-sdk`: import (resumable), predictions import, export, storage sync.

Each job adds its options to the parser `main` built (which already has --url, --api-key, --timeout)
and runs with a client from `main.make_client`; failures propagate to `main`, which turns them into
one line on stderr and an exit code.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, NamedTuple, Optional

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


# ---------------------------------------------------------------------------------------- resumable jobs


class Resumable(NamedTuple):
    """What `import` and `predictions import` differ in; the state file and the run are shared.

    The state file (JSON) holds: version, job, project, files (resolved paths), `<noun>_total`,
    `next_<singular>_index` (the resume point) and `<noun>_imported`, may_have_landed, error.
    """

    job: str  # the command: "import"
    noun: str  # "tasks"
    singular: str  # "task"
    suffix: str  # default state file: <first FILE><suffix>
    label: str  # progress label
    done: str  # the progress step's attribute with the items done in this run


IMPORT = Resumable("import", "tasks", "task", ".import-state.json", "importing", "tasks_done")
PREDICTIONS = Resumable(
    "predictions import",
    "predictions",
    "prediction",
    ".predictions-state.json",
    "importing predictions",
    "predictions_done",
)


def _state_path(namespace: argparse.Namespace, kind: Resumable) -> Path:
    if namespace.state_file:
        return Path(namespace.state_file)
    first = Path(namespace.files[0])
    return first.with_name(first.name + kind.suffix)


def _load_state(path: Path, kind: Resumable, project: int, files: List[str], total: int) -> Dict[str, Any]:
    not_ours = f"--resume: {path} is not a state file written by `{PROG} {kind.job}`"
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise UsageError(f"--resume: no state file {path} (nothing to resume)") from None
    except ValueError:
        raise UsageError(not_ours) from None
    if (
        not isinstance(state, dict)
        or state.get("version") != STATE_VERSION
        or state.get("job", IMPORT.job) != kind.job  # files written before "job" existed are import's
    ):
        raise UsageError(not_ours)
    if state.get("project") != project or state.get("files") != files:
        raise UsageError(
            f"--resume: {path} belongs to project {state.get('project')} and files {state.get('files')}, not these"
        )
    written_for = state.get(f"{kind.noun}_total")
    if written_for != total:
        raise UsageError(
            f"--resume: the files now hold {total} {kind.noun}, the state was written for {written_for}"
        )
    for key in (f"next_{kind.singular}_index", f"{kind.noun}_imported"):
        value = state.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= total:
            raise UsageError(f"{not_ours} ({key} is {value!r})")
    return state


def add_resumable_arguments(parser: argparse.ArgumentParser, kind: Resumable) -> None:
    parser.add_argument(
        "--format", choices=FORMATS, default="auto", help="file format (default: from the name)"
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=1000,
        metavar="N",
        help=f"{kind.noun} per request (default 1000)",
    )
    parser.add_argument(
        "--state-file",
        metavar="PATH",
        help=f"where a failed run records its resume point (default: <first FILE>{kind.suffix})",
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


Send = Callable[[Any, List[Dict[str, Any]], Callable[[Any], None]], int]
"""(client, records, on_progress) -> how many the server took; raises the client's errors."""


def run_resumable(namespace: argparse.Namespace, kind: Resumable, send: Send) -> int:
    """Read the files, skip what an earlier failed run sent (--resume), send the rest, record a failure."""
    from label_studio_sdk.core.errors import LabelStudioError
    from label_studio_sdk.projects.client_ext import _may_have_landed  # the client's own rule
    from label_studio_sdk.projects.import_errors import ChunkedImportError, ChunkedPredictionImportError

    if namespace.chunk_size < 1:
        raise UsageError("--chunk-size must be 1 or more")
    files = [str(Path(f).resolve()) for f in namespace.files]
    records = read_all([Path(f) for f in files], namespace.format)
    total = len(records)
    state_path = _state_path(namespace, kind)
    start, imported_before = 0, 0
    if namespace.resume:
        state = _load_state(state_path, kind, namespace.project, files, total)
        start = state[f"next_{kind.singular}_index"]
        imported_before = state[f"{kind.noun}_imported"]
    elif state_path.exists():
        raise UsageError(
            f"{state_path} says an earlier `{kind.job}` of these files stopped part-way; "
            "pass --resume to go on from there, or delete it to start again"
        )
    progress = Progress(kind.label, total, namespace.progress)
    progress.update(start)

    def on_progress(step: Any) -> None:
        progress.update(start + int(getattr(step, kind.done)))

    with make_client(namespace) as client:
        try:
            count = send(client, records[start:], on_progress) if start < total else 0
        except LabelStudioError as error:
            progress.close()
            cause: BaseException = error
            if isinstance(error, ChunkedImportError):
                failed_at, landed = error.first_failed_task_index, error.may_have_landed
                cause = error.__cause__ or error  # the chunk's own error says what went wrong
            elif isinstance(error, ChunkedPredictionImportError):
                failed_at, landed = error.first_failed_prediction_index, error.may_have_landed
                cause = error.__cause__ or error
            else:  # the rest went as one request: none of it was taken, unless it may have landed
                failed_at, landed = 0, _may_have_landed(error, False)
            # Chunks before the failed one were all taken whole, so what was imported is where it failed.
            next_index, imported = start + failed_at, imported_before + failed_at
            state = {
                "version": STATE_VERSION,
                "job": kind.job,
                "project": namespace.project,
                "files": files,
                f"{kind.noun}_total": total,
                f"next_{kind.singular}_index": next_index,
                f"{kind.noun}_imported": imported,
                "may_have_landed": landed,
                "error": " ".join(str(cause).split()),
            }
            _write_atomic(state_path, json.dumps(state, indent=2) + "\n")
            warning = " (the failed chunk may have been saved: check the project first)" if landed else ""
            fail(
                f"{kind.job} stopped at {kind.singular} {next_index} of {total} ({imported} imported): "
                f"{cause}; resume point saved in {state_path}; fix the cause and run again with --resume"
                f"{warning}",
                namespace.api_key,
            )
            return exit_code_for(cause if isinstance(cause, Exception) else error)
    progress.close()
    if namespace.resume:
        state_path.unlink(missing_ok=True)
    write_json(
        {
            "project": namespace.project,
            f"{kind.noun}_total": total,
            "resumed_from": start,
            f"{kind.noun}_imported": imported_before + count,
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


# ---------------------------------------------------------------------------------------- import


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "project", type=int, metavar="PROJECT", help="ID of the project that receives the tasks"
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="task files: .json, .jsonl, .csv or .tsv")
    add_resumable_arguments(parser, IMPORT)


def run_import(namespace: argparse.Namespace) -> int:
    def send(client: Any, tasks: List[Dict[str, Any]], on_progress: Callable[[Any], None]) -> int:
        result = client.projects.import_tasks(
            namespace.project, request=tasks, chunk_size=namespace.chunk_size, on_progress=on_progress
        )
        return int(getattr(result, "task_count", 0) or 0)

    return run_resumable(namespace, IMPORT, send)


# ---------------------------------------------------------------------------------------- predictions


def add_predictions_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", type=int, metavar="PROJECT", help="ID of the project whose tasks get them")
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help='prediction files (.json or .jsonl), each with a "task" ID and "result"',
    )
    add_resumable_arguments(parser, PREDICTIONS)


def run_predictions(namespace: argparse.Namespace) -> int:
    def send(client: Any, predictions: List[Dict[str, Any]], on_progress: Callable[[Any], None]) -> int:
        result = client.projects.import_predictions(
            namespace.project, request=predictions, chunk_size=namespace.chunk_size, on_progress=on_progress
        )
        return int(result.created)

    return run_resumable(namespace, PREDICTIONS, send)


# ---------------------------------------------------------------------------------------- export


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", type=int, metavar="PROJECT", help="ID of the project to export")
    parser.add_argument(
        "--format",
        dest="export_format",
        default="JSON",
        metavar="FORMAT",
        help="JSON, JSON_MIN, CSV, TSV, COCO, YOLO, ...: a format the server offers for the project "
        "(`projects exports list-formats`), else one this package converts to locally (CSV_OLD, ...)",
    )
    parser.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="PATH",
        help="file to write (or an existing folder); for a local conversion, a folder (created, "
        "must be empty) or a .zip file",
    )
    parser.add_argument(
        "--convert-locally",
        action="store_true",
        help="download the JSON export and convert it here, even when the server offers the format",
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

    fmt = namespace.export_format
    progress = Progress("downloading (bytes)", None, namespace.progress)
    with make_client(namespace) as client:
        exports = client.projects.exports
        local: Optional[Any] = None  # a Converter, when the conversion is done here
        if fmt != "JSON" or namespace.convert_locally:
            offered = [
                str(f.name) for f in exports.list_formats(namespace.project) if f.name and not f.disabled
            ]
            if namespace.convert_locally or fmt not in offered:
                local = _converter(client, namespace)
                if fmt not in local.supported_formats:
                    raise UsageError(
                        f"project {namespace.project} cannot be exported as {fmt!r}; the server offers: "
                        f"{', '.join(offered) or 'none'}; converted locally: {', '.join(local.supported_formats)}"
                    )
        # A local target is checked before the snapshot is made.
        target = _LocalTarget(Path(namespace.output)) if local is not None else None
        try:
            if local is None or target is None:
                path = exports.as_file(
                    namespace.project,
                    namespace.output,
                    export_type=fmt,
                    download_resources=namespace.download_resources,
                    timeout=namespace.wait,
                    keep_snapshot=namespace.keep_snapshot,
                    progress=progress.update if progress.enabled else None,
                )
            else:
                with target.work() as work:
                    source = exports.as_file(
                        namespace.project,
                        work / "export.json",
                        export_type="JSON",
                        timeout=namespace.wait,
                        keep_snapshot=namespace.keep_snapshot,
                        progress=progress.update if progress.enabled else None,
                    )
                    progress.close()
                    with _no_docker_hint():
                        local.convert(source, work / "out", fmt)
                    path = target.install(work / "out")
        except ExportFormatNotOfferedError as error:
            raise UsageError(str(error)) from None
        finally:
            progress.close()
    write_json(
        {
            "project": namespace.project,
            "format": fmt,
            "converted": "locally" if local is not None else "by the server",
            "path": str(path),
            "bytes": _size(path),
        },
        compact=False,
    )
    return 0


def _converter(client: Any, namespace: argparse.Namespace) -> Any:
    """Our converter for the project's labeling config (media fetched from the same server, same key)."""
    from label_studio_sdk.converter import Converter

    config = client.projects.get(namespace.project).label_config
    return Converter(
        config or None,
        project_dir=None,
        download_resources=bool(namespace.download_resources),
        hostname=client.base_url,
        access_token=namespace.api_key,
    )


class _DockerHint(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "not reachable from inside a Docker container" not in str(record.msg)


@contextlib.contextmanager
def _no_docker_hint() -> Iterator[None]:
    """Mute the media helpers' hint that localhost is unreachable from a container: the CLI runs on the host."""
    from label_studio_sdk._extensions.label_studio_tools.core.utils import io

    hint = _DockerHint()
    io.logger.addFilter(hint)
    try:
        yield
    finally:
        io.logger.removeFilter(hint)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


class _LocalTarget:
    """Where a local conversion goes: a folder (made; refused if it holds anything) or a .zip file.

    The conversion runs in a scratch folder beside the target, which is renamed (or zipped) into
    place only when complete: the target never holds half an export.
    """

    def __init__(self, path: Path) -> None:
        self.path = path.expanduser()
        self.is_zip = self.path.suffix.lower() == ".zip"
        if not self.is_zip and self.path.exists():
            if not self.path.is_dir():
                raise UsageError(f"--output {path}: a local conversion writes a folder or a .zip file")
            if any(self.path.iterdir()):
                raise UsageError(f"--output {path}: the folder is not empty")
        if not self.path.parent.is_dir():
            raise UsageError(f"--output {path}: no folder {self.path.parent}")

    def work(self) -> Any:
        import tempfile

        return _TemporaryFolder(tempfile.mkdtemp(prefix=f".{self.path.name}.", dir=self.path.parent))

    def install(self, produced: Path) -> Path:
        if self.is_zip:
            import zipfile

            part = produced.parent / "export.zip"
            with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
                for item in sorted(produced.rglob("*")):  # folders too, empty ones included
                    archive.write(item, item.relative_to(produced).as_posix())
            os.replace(part, self.path)
        elif self.path.exists():  # an empty folder: move the files in
            for item in produced.iterdir():
                os.replace(item, self.path / item.name)
        else:
            os.replace(produced, self.path)
        return self.path


class _TemporaryFolder:
    def __init__(self, name: str) -> None:
        self.path = Path(name)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc: object) -> None:
        import shutil

        shutil.rmtree(self.path, ignore_errors=True)


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
