"""Export helpers on ``client.projects.exports``: one call from a project to its exported data.

``as_json``, ``as_bytes``, ``as_file`` and ``as_pandas`` (and their async twins) each run the same
steps with the generated methods underneath:

1. ``create`` a snapshot of the project (title and the filter and serialization options are passed
   through);
2. ``get`` it again until its status is ``completed``, pausing 0.25 s at first and a little longer
   each time, up to 5 s, for at most ``timeout`` seconds in all (10 minutes unless told otherwise);
3. for any format but JSON, ``convert`` it and wait, the same way, for that very conversion: the
   entry of the snapshot's ``converted_formats`` that the convert call started, not the snapshot's
   own status (which is already ``completed``);
4. ``download`` the file as a stream, chunk by chunk;
5. ``delete`` the snapshot, whether or not the steps before succeeded, unless ``keep_snapshot=True``
   (a snapshot the server could not delete is reported in a warning of the ``label_studio_sdk`` logger,
   never by losing the exported data).

Before step 1, any format but JSON (which every project offers, as is) is looked up in the formats the
project offers (``list_formats``, decided by the server from the labeling config): one it does not
offer raises ExportFormatNotOfferedError, listing those it does, before any snapshot is made.

A snapshot or conversion the server marks as failed raises ExportFailedError; one still running when
the time is up raises ExportTimeoutError; both carry the project and snapshot IDs and the last status
(``label_studio_sdk.projects.exports.errors``). pandas and tqdm are optional and imported only by the
call that needs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import importlib
import io
import json
import logging
import math
import os
import re
import secrets
import tempfile
import time
import warnings
from pathlib import Path
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Callable,
    Dict,
    Iterator,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Union,
)

import httpx
import pydantic

from label_studio_sdk.core.errors import (
    FileAccessError,
    InvalidArgumentError,
    LabelStudioError,
    NotFoundError,
    ResponseValidationError,
)
from label_studio_sdk.core.files import AsyncByteStream, ByteStream
from label_studio_sdk.core.http import transport_error
from label_studio_sdk.core.options import OMIT, RequestOptions
from label_studio_sdk.projects.exports.client import AsyncExportsClient, ExportsClient
from label_studio_sdk.projects.exports.errors import (
    ExportFailedError,
    ExportFormatNotOfferedError,
    ExportTimeoutError,
)
from label_studio_sdk.projects.exports.types.exports_list_formats_response_item import (
    ExportsListFormatsResponseItem,
)
from label_studio_sdk.types.annotation_filter_options import AnnotationFilterOptions
from label_studio_sdk.types.converted_format import ConvertedFormat
from label_studio_sdk.types.export import Export
from label_studio_sdk.types.export_format import ExportFormat
from label_studio_sdk.types.export_snapshot import ExportSnapshot
from label_studio_sdk.types.serialization_options import SerializationOptions
from label_studio_sdk.types.task_filter_options import TaskFilterOptions

if TYPE_CHECKING:
    # pandas is optional and ships no type information: without pandas-stubs DataFrame is Any here,
    # with them it is the real class. Either way nothing is imported at run time.
    import pandas  # type: ignore[import-untyped, unused-ignore]

logger = logging.getLogger("label_studio_sdk")

DEFAULT_EXPORT_TIMEOUT = 600.0
"""Seconds the helpers wait, in all, for a snapshot to be built and converted."""
DEFAULT_MIN_POLL_INTERVAL = 0.25
"""Seconds between the first status checks."""
DEFAULT_MAX_POLL_INTERVAL = 5.0
"""The longest pause between two status checks."""
POLL_GROWTH = 1.5
"""Each pause is this many times the one before, up to the longest."""
SPOOL_MAX_BYTES = 16 * 1024 * 1024
"""A CSV for as_pandas is kept in memory up to this size, then in a temporary file."""

ProgressOption = Union[bool, Callable[[int], None], None]
"""``progress=``: a function called with the bytes downloaded so far, True for a tqdm bar, or None."""
JsonExportFormat = Literal["JSON", "JSON_MIN"]
TableExportFormat = Literal["CSV", "TSV"]
TaskFilterArg = Optional[Union[TaskFilterOptions, Mapping[str, Any]]]
AnnotationFilterArg = Optional[Union[AnnotationFilterOptions, Mapping[str, Any]]]
SerializationArg = Optional[Union[SerializationOptions, Mapping[str, Any]]]
PathArg = Union[str, "os.PathLike[str]"]

_Snapshot = Union[ExportSnapshot, Export]
_COMPLETED = "completed"
_FAILED = "failed"
_JSON_FORMATS = ("JSON", "JSON_MIN")
_TABLE_SEPARATORS = {"CSV": ",", "TSV": "\t"}
# File extensions for a file named by as_file when it is given a folder.
_EXTENSIONS = {"JSON": "json", "JSON_MIN": "json", "CSV": "csv", "TSV": "tsv", "CONLL2003": "conll"}
_SAFE_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,10})$")
_DISPOSITION_NAME = re.compile(r"""filename\*?=(?:[\w-]+'[\w-]*')?"?([^";]+)"?""", re.IGNORECASE)


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


async def _async_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


def _now() -> float:
    return time.monotonic()


# --------------------------------------------------------------------------- what to export, how long to wait


class _Plan:
    """The arguments of one helper call, checked before anything is sent."""

    __slots__ = (
        "annotation_filter_options",
        "download_resources",
        "export_type",
        "keep_snapshot",
        "max_poll_interval",
        "min_poll_interval",
        "project_id",
        "request_options",
        "serialization_options",
        "task_filter_options",
        "timeout",
        "title",
    )

    def __init__(
        self,
        project_id: int,
        *,
        export_type: str,
        title: Optional[str],
        task_filter_options: TaskFilterArg,
        annotation_filter_options: AnnotationFilterArg,
        serialization_options: SerializationArg,
        download_resources: Optional[bool],
        timeout: Optional[float],
        min_poll_interval: float,
        max_poll_interval: float,
        keep_snapshot: bool,
        request_options: Optional[RequestOptions],
    ) -> None:
        if not isinstance(export_type, str) or not export_type:
            raise InvalidArgumentError(
                f"export_type must be a format name such as 'JSON' or 'CSV', got {export_type!r}"
            )
        if timeout is not None and not (_is_number(timeout) and timeout > 0 and math.isfinite(timeout)):
            raise InvalidArgumentError(
                f"timeout must be a positive number of seconds or None, got {timeout!r}"
            )
        if not (
            _is_number(min_poll_interval)
            and _is_number(max_poll_interval)
            and 0 < min_poll_interval <= max_poll_interval
            and math.isfinite(max_poll_interval)
        ):
            raise InvalidArgumentError(
                "poll intervals must satisfy 0 < min_poll_interval <= max_poll_interval, got "
                f"{min_poll_interval!r} and {max_poll_interval!r}"
            )
        self.project_id = project_id
        self.export_type = export_type
        self.title: Any = OMIT if title is None else title
        self.task_filter_options: Any = _model_or_omit(
            "task_filter_options", TaskFilterOptions, task_filter_options
        )
        self.annotation_filter_options: Any = _model_or_omit(
            "annotation_filter_options", AnnotationFilterOptions, annotation_filter_options
        )
        self.serialization_options: Any = _model_or_omit(
            "serialization_options", SerializationOptions, serialization_options
        )
        self.download_resources: Any = OMIT if download_resources is None else download_resources
        self.timeout = timeout
        self.min_poll_interval = min_poll_interval
        self.max_poll_interval = max_poll_interval
        self.keep_snapshot = bool(keep_snapshot)
        self.request_options = request_options

    @property
    def converts(self) -> bool:
        """Whether the snapshot has to be converted: every format but plain JSON."""
        return self.export_type != "JSON"


def _check_offered(plan: _Plan, formats: Sequence[ExportsListFormatsResponseItem]) -> None:
    """ExportFormatNotOfferedError unless the project offers ``plan.export_type`` (not disabled)."""
    offered = [str(entry.name) for entry in formats if entry.name and not entry.disabled]
    if plan.export_type not in offered:
        raise ExportFormatNotOfferedError(
            project_id=plan.project_id, export_type=plan.export_type, offered=offered
        )


def _not_deleted(plan: _Plan, snapshot_id: int, error: LabelStudioError) -> None:
    """A snapshot that could not be deleted: a warning, never an error that would lose the export."""
    if isinstance(error, NotFoundError):
        return  # already gone
    logger.warning(
        "export snapshot %s of project %s was left on the server, deleting it failed: %s",
        snapshot_id,
        plan.project_id,
        error,
    )


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _model_or_omit(name: str, model: Any, value: Any) -> Any:
    """A filter or serialization option as its model (a mapping is validated into one), or OMIT for None."""
    if value is None:
        return OMIT
    if isinstance(value, model):
        return value
    if isinstance(value, Mapping):
        try:
            return model.model_validate(dict(value))
        except pydantic.ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, error['loc'])) or '(the dict)'}: {error['msg']}"
                for error in exc.errors()
            )
            raise InvalidArgumentError(f"{name} is not a valid {model.__name__}: {problems}") from exc
    raise InvalidArgumentError(f"{name}: expected {model.__name__} or a dict, got {type(value).__name__}")


class _Schedule:
    """When to look again: pauses that grow from the shortest to the longest, under one deadline."""

    def __init__(self, plan: _Plan) -> None:
        self._plan = plan
        self._deadline = None if plan.timeout is None else _now() + plan.timeout
        self._pause = plan.min_poll_interval

    def restart(self) -> None:
        """Start again from the shortest pause (a conversion is a new job); the deadline stays."""
        self._pause = self._plan.min_poll_interval

    def next_pause(self, snapshot_id: int, status: Optional[str], export_type: Optional[str]) -> float:
        """Seconds to sleep before the next look; ExportTimeoutError when the deadline has passed."""
        pause = self._pause
        self._pause = min(self._pause * POLL_GROWTH, self._plan.max_poll_interval)
        if self._deadline is None:
            return pause
        left = self._deadline - _now()
        if left <= 0:
            assert self._plan.timeout is not None
            raise ExportTimeoutError(
                project_id=self._plan.project_id,
                snapshot_id=snapshot_id,
                status=status,
                timeout=self._plan.timeout,
                export_type=export_type,
            )
        return min(pause, left)


def _built(plan: _Plan, snapshot: _Snapshot) -> bool:
    """True once the snapshot is complete; ExportFailedError when the server gave up on it."""
    if snapshot.status == _FAILED:
        raise ExportFailedError(project_id=plan.project_id, snapshot_id=snapshot.id, status=snapshot.status)
    return snapshot.status == _COMPLETED


def _conversion(
    snapshot: _Snapshot, export_type: str, conversion_id: Optional[int]
) -> Optional[ConvertedFormat]:
    """The snapshot's conversion with this ID, or (no ID known) its latest one into ``export_type``."""
    entries = snapshot.converted_formats or []
    if conversion_id is not None:
        return next((entry for entry in entries if entry.id == conversion_id), None)
    matching = [entry for entry in entries if entry.export_type == export_type]
    return max(matching, key=lambda entry: entry.id) if matching else None


def _converted(plan: _Plan, snapshot: _Snapshot, conversion_id: Optional[int]) -> bool:
    """True once the conversion is complete; ExportFailedError when it failed."""
    entry = _conversion(snapshot, plan.export_type, conversion_id)
    if entry is not None and entry.status == _FAILED:
        raise ExportFailedError(
            project_id=plan.project_id,
            snapshot_id=snapshot.id,
            status=entry.status,
            export_type=plan.export_type,
            traceback=entry.traceback,
        )
    return entry is not None and entry.status == _COMPLETED


def _conversion_status(plan: _Plan, snapshot: _Snapshot, conversion_id: Optional[int]) -> Optional[str]:
    entry = _conversion(snapshot, plan.export_type, conversion_id)
    return None if entry is None else entry.status


# --------------------------------------------------------------------------- progress, sinks, decoding


class _Progress:
    """Reports download progress to a callback (bytes so far) and/or a tqdm bar."""

    def __init__(self, option: ProgressOption) -> None:
        if option is not None and not isinstance(option, bool) and not callable(option):
            raise InvalidArgumentError(
                f"progress must be a callable, True, False or None, got {type(option).__name__}"
            )
        self._callback = option if callable(option) else None
        self._bar_class: Any = _tqdm_class() if option is True else None
        self._bar: Any = None
        self.received = 0

    def start(self, total: Optional[int], label: str) -> None:
        if self._bar_class is not None:
            self._bar = self._bar_class(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=label)

    def advance(self, size: int) -> None:
        self.received += size
        if self._bar is not None:
            self._bar.update(size)
        if self._callback is not None:
            self._callback(self.received)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _tqdm_class() -> Any:
    """tqdm's bar class when tqdm is installed; otherwise a warning and None (no bar)."""
    try:
        return importlib.import_module("tqdm.auto").tqdm
    except ImportError:
        warnings.warn(
            "progress=True shows a bar only when tqdm is installed (pip install tqdm); exporting without one",
            UserWarning,
            stacklevel=4,
        )
        return None


def _content_length(headers: httpx.Headers) -> Optional[int]:
    raw = headers.get("content-length")
    return int(raw) if raw and raw.isdigit() else None


def _label(plan: _Plan, snapshot_id: int) -> str:
    return f"export {snapshot_id} ({plan.export_type})"


def _broken_download(response: httpx.Response, error: httpx.TransportError) -> Exception:
    return transport_error("GET", response.request.url.path, error)


def _drain(stream: ByteStream, write: Callable[[bytes], object], progress: _Progress, label: str) -> None:
    """Pass every chunk of a download to ``write``, reporting progress; closes the stream."""
    try:
        progress.start(_content_length(stream.headers), label)
        for chunk in stream:
            write(chunk)
            progress.advance(len(chunk))
    except httpx.TransportError as exc:
        raise _broken_download(stream.response, exc) from exc
    finally:
        stream.close()
        progress.close()


async def _adrain(
    stream: AsyncByteStream,
    write: Callable[[bytes], object],
    progress: _Progress,
    label: str,
    *,
    in_thread: bool,
) -> None:
    """The async twin of _drain; with ``in_thread`` each write runs in a worker thread (disk I/O)."""
    try:
        progress.start(_content_length(stream.headers), label)
        async for chunk in stream:
            if in_thread:
                await asyncio.to_thread(write, chunk)
            else:
                write(chunk)
            progress.advance(len(chunk))
    except httpx.TransportError as exc:
        raise _broken_download(stream.response, exc) from exc
    finally:
        await stream.aclose()
        progress.close()


def _tasks_from_json(body: bytes, response: httpx.Response) -> List[Dict[str, Any]]:
    """The exported tasks; ResponseValidationError (with the raw body) when it is not a JSON list."""
    try:
        if len(body) > 32 * 1024 and gc.isenabled():
            # Thousands of nested dicts that all outlive the parse: the collector would only rescan them.
            gc.disable()
            try:
                tasks = json.loads(body)
            finally:
                gc.enable()
        else:
            tasks = json.loads(body)
    except ValueError as exc:
        raise _not_a_task_list(body, response, f"it is not JSON: {exc}") from exc
    if not isinstance(tasks, list):
        raise _not_a_task_list(body, response, f"it is a JSON {type(tasks).__name__}, not a list")
    return tasks


def _not_a_task_list(body: bytes, response: httpx.Response, reason: str) -> ResponseValidationError:
    path = response.request.url.path
    return ResponseValidationError(
        f"GET {path}: the export is not a list of tasks: {reason}",
        status_code=response.status_code,
        body=body,
        method="GET",
        path=path,
    )


def _import_pandas() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError as exc:
        raise ImportError(
            "as_pandas needs pandas, an optional extra: pip install 'label-studio-sdk[pandas]'"
        ) from exc


def _read_table(module: Any, source: IO[bytes], export_type: str) -> pandas.DataFrame:
    """A DataFrame from a CSV or TSV export; an empty file gives an empty DataFrame."""
    source.seek(0)
    frame: pandas.DataFrame
    try:
        frame = module.read_csv(source, sep=_TABLE_SEPARATORS[export_type])
    except module.errors.EmptyDataError:
        frame = module.DataFrame()
    return frame


def _check_format(export_type: str, allowed: Sequence[str], helper: str) -> None:
    if export_type not in allowed:
        raise InvalidArgumentError(
            f"{helper} takes export_type {' or '.join(map(repr, allowed))}, got {export_type!r}"
        )


# --------------------------------------------------------------------------- writing files


class _FolderNotFoundError(FileAccessError, FileNotFoundError):
    """The folder as_file should write into does not exist: a FileAccessError and a FileNotFoundError."""


def _file_error(
    message: str, path: Union[str, Path], cause: Optional[OSError], *, request_sent: Optional[bool]
) -> FileAccessError:
    """A FileAccessError naming ``path``, with the errno of the OS error behind it; no ``cause``: a missing folder."""
    if cause is None:
        cause = FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
    error_class = _FolderNotFoundError if isinstance(cause, FileNotFoundError) else FileAccessError
    error = error_class(message, request_sent=request_sent)
    error.errno = cause.errno
    error.strerror = cause.strerror
    error.filename = str(path)
    return error


def _save_error(target: Path, cause: OSError) -> FileAccessError:
    """A failure to write the downloaded export (no permission, a folder in the way, disk full)."""
    reason = cause.strerror or str(cause) or type(cause).__name__
    message = f"could not save the export to {str(target)!r}: {reason}"
    return _file_error(message, target, cause, request_sent=True)


def _can_write_into(folder: Path) -> bool:
    """Whether this process may create files in ``folder`` (by its permission bits; root may anyway)."""
    if os.access in os.supports_effective_ids:
        return os.access(folder, os.W_OK | os.X_OK, effective_ids=True)
    return os.access(folder, os.W_OK | os.X_OK)


class _Destination:
    """Where as_file writes: a file path, or an existing folder in which the helper names the file.

    Checked before the snapshot is created. A name the server suggests (Content-Disposition) is
    never used as a path; at most a plain extension of letters and digits is taken from it.
    """

    def __init__(self, path: PathArg) -> None:
        try:
            raw: object = os.fspath(path)
        except TypeError:
            raw = None
        if not isinstance(raw, str) or not raw:
            raise InvalidArgumentError(f"path must be a non-empty str or os.PathLike[str], got {path!r}")
        self.path = Path(raw).expanduser()
        self.is_folder = self.path.is_dir()
        if not self.is_folder and raw.endswith((os.sep, "/")):
            raise _file_error(f"no such folder to export into: {raw!r}", raw, None, request_sent=False)
        folder = self.path if self.is_folder else self.path.parent
        if not folder.is_dir():
            raise _file_error(
                f"the folder of {raw!r} does not exist: {str(folder)!r}", folder, None, request_sent=False
            )
        if not _can_write_into(folder):
            raise _file_error(
                f"cannot export into {str(folder)!r}: no permission to create files there",
                folder,
                PermissionError(errno.EACCES, os.strerror(errno.EACCES)),
                request_sent=False,
            )

    def target(self, plan: _Plan, snapshot_id: int, headers: httpx.Headers) -> Path:
        if not self.is_folder:
            return self.path
        extension = _EXTENSIONS.get(plan.export_type) or _server_extension(headers) or "bin"
        return self.path / f"project-{plan.project_id}-export-{snapshot_id}.{extension}"


def _server_extension(headers: httpx.Headers) -> Optional[str]:
    match = _DISPOSITION_NAME.search(headers.get("content-disposition", ""))
    if not match:
        return None
    name = match.group(1).replace("\\", "/").rsplit("/", 1)[-1]
    safe = _SAFE_EXTENSION.search(name)
    return safe.group(1).lower() if safe else None


class _PartFile:
    """A temporary file beside the target; ``commit`` renames it over the target, ``discard`` removes it.

    Every OS error (no permission, a folder where the file should go, disk full) is raised as a
    FileAccessError naming the target, the OS error chained; the caller then calls ``discard``, so the
    target keeps what it held before and no part file is left.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        while True:
            candidate = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
            try:
                self.handle = open(candidate, "xb")  # noqa: SIM115 - closed by commit or discard
            except FileExistsError:
                continue
            except OSError as exc:
                raise _save_error(target, exc) from exc
            self.path = candidate
            break

    def write(self, chunk: bytes) -> None:
        try:
            self.handle.write(chunk)
        except OSError as exc:
            raise _save_error(self.target, exc) from exc

    def flush(self) -> None:
        """Push everything written to the disk, so that the renamed file is complete even after a crash."""
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
        except OSError as exc:
            raise _save_error(self.target, exc) from exc

    def install(self) -> Path:
        """Close the (flushed) file and rename it over the target."""
        try:
            self.handle.close()
            os.replace(self.path, self.target)
        except OSError as exc:
            raise _save_error(self.target, exc) from exc
        return self.target

    def commit(self) -> Path:
        self.flush()
        return self.install()

    def discard(self) -> None:
        """Close and remove the part file; never raises an OS error (that would hide the first failure)."""
        with contextlib.suppress(OSError):
            self.handle.close()  # closes the descriptor even when flushing the buffer fails
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _spool() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES, mode="w+b")


# --------------------------------------------------------------------------- the clients


class ExportsClientExt(ExportsClient):
    """ExportsClient plus helpers that create a snapshot, wait for it and download it in one call."""

    def as_json(
        self,
        project_id: int,
        *,
        export_type: JsonExportFormat = "JSON",
        title: Optional[str] = None,
        task_filter_options: TaskFilterArg = None,
        annotation_filter_options: AnnotationFilterArg = None,
        serialization_options: SerializationArg = None,
        timeout: Optional[float] = DEFAULT_EXPORT_TIMEOUT,
        min_poll_interval: float = DEFAULT_MIN_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        progress: ProgressOption = None,
        keep_snapshot: bool = False,
        request_options: Optional[RequestOptions] = None,
    ) -> List[Dict[str, Any]]:
        """Export a project as JSON and return the parsed list of tasks.

        Args:
            project_id: Numeric ID of the project to export.
            export_type: "JSON" (tasks with annotations in full) or "JSON_MIN" (one flat record per task).
            title: Name of the snapshot; the server makes one up when it is left out.
            task_filter_options: Which tasks go into the snapshot (a TaskFilterOptions or a dict).
            annotation_filter_options: Which of their annotations go in (an AnnotationFilterOptions or a dict).
            serialization_options: How related records are written (a SerializationOptions or a dict).
            timeout: Seconds to wait, in all, for the snapshot and its conversion; None waits as long as it takes.
            min_poll_interval: Seconds between the first status checks.
            max_poll_interval: The longest pause between two status checks.
            progress: A function called with the bytes downloaded so far, or True for a tqdm bar.
            keep_snapshot: Leave the snapshot on the server; by default it is deleted once the file is
                downloaded, or the helper failed.
            request_options: Per-request timeout, retries and extra headers, for every request made.

        Returns:
            The exported tasks, as decoded from the JSON file.

        Raises:
            ExportFormatNotOfferedError: the project does not offer ``export_type`` (before any snapshot).
            ExportFailedError: the server failed to build or convert the snapshot.
            ExportTimeoutError: the snapshot was not ready within ``timeout`` seconds.
        """
        _check_format(export_type, _JSON_FORMATS, "as_json")
        plan = _Plan(
            project_id,
            export_type=export_type,
            title=title,
            task_filter_options=task_filter_options,
            annotation_filter_options=annotation_filter_options,
            serialization_options=serialization_options,
            download_resources=None,
            timeout=timeout,
            min_poll_interval=min_poll_interval,
            max_poll_interval=max_poll_interval,
            keep_snapshot=keep_snapshot,
            request_options=request_options,
        )
        buffer = io.BytesIO()
        response = self._fetch(plan, buffer.write, _Progress(progress))
        return _tasks_from_json(buffer.getvalue(), response)

    def as_bytes(
        self,
        project_id: int,
        *,
        export_type: ExportFormat = "JSON",
        title: Optional[str] = None,
        task_filter_options: TaskFilterArg = None,
        annotation_filter_options: AnnotationFilterArg = None,
        serialization_options: SerializationArg = None,
        download_resources: Optional[bool] = None,
        timeout: Optional[float] = DEFAULT_EXPORT_TIMEOUT,
        min_poll_interval: float = DEFAULT_MIN_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        progress: ProgressOption = None,
        keep_snapshot: bool = False,
        request_options: Optional[RequestOptions] = None,
    ) -> bytes:
        """Export a project in any format and return the file's content.

        Args:
            project_id: Numeric ID of the project to export.
            export_type: Format of the file, such as "JSON", "CSV" or "COCO"; anything but JSON is converted first.
            title: Name of the snapshot; the server makes one up when it is left out.
            task_filter_options: Which tasks go into the snapshot (a TaskFilterOptions or a dict).
            annotation_filter_options: Which of their annotations go in (an AnnotationFilterOptions or a dict).
            serialization_options: How related records are written (a SerializationOptions or a dict).
            download_resources: For a converted format: when true, media files are packed in too.
            timeout: Seconds to wait, in all, for the snapshot and its conversion; None waits as long as it takes.
            min_poll_interval: Seconds between the first status checks.
            max_poll_interval: The longest pause between two status checks.
            progress: A function called with the bytes downloaded so far, or True for a tqdm bar.
            keep_snapshot: Leave the snapshot on the server; by default it is deleted once the file is
                downloaded, or the helper failed.
            request_options: Per-request timeout, retries and extra headers, for every request made.

        Returns:
            The exported file, whole, in memory; as_file keeps big exports out of memory.

        Raises:
            ExportFormatNotOfferedError: the project does not offer ``export_type`` (before any snapshot).
            ExportFailedError: the server failed to build or convert the snapshot.
            ExportTimeoutError: the snapshot or its conversion was not ready within ``timeout`` seconds.
        """
        plan = _Plan(
            project_id,
            export_type=export_type,
            title=title,
            task_filter_options=task_filter_options,
            annotation_filter_options=annotation_filter_options,
            serialization_options=serialization_options,
            download_resources=download_resources,
            timeout=timeout,
            min_poll_interval=min_poll_interval,
            max_poll_interval=max_poll_interval,
            keep_snapshot=keep_snapshot,
            request_options=request_options,
        )
        buffer = io.BytesIO()
        self._fetch(plan, buffer.write, _Progress(progress))
        return buffer.getvalue()

    def as_file(
        self,
        project_id: int,
        path: PathArg,
        *,
        export_type: ExportFormat = "JSON",
        title: Optional[str] = None,
        task_filter_options: TaskFilterArg = None,
        annotation_filter_options: AnnotationFilterArg = None,
        serialization_options: SerializationArg = None,
        download_resources: Optional[bool] = None,
        timeout: Optional[float] = DEFAULT_EXPORT_TIMEOUT,
        min_poll_interval: float = DEFAULT_MIN_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        progress: ProgressOption = None,
        keep_snapshot: bool = False,
        request_options: Optional[RequestOptions] = None,
    ) -> Path:
        """Export a project into a file, streamed to disk chunk by chunk.

        The data goes into a temporary file beside the target, renamed over it only once complete, so
        the target never holds half an export. A name the server suggests is never used as a path.

        Args:
            project_id: Numeric ID of the project to export.
            path: The file to write (replaced if it exists), or an existing folder: the file is then
                named ``project-<project_id>-export-<snapshot id>.<extension>`` inside it.
            export_type: Format of the file, such as "JSON", "CSV" or "COCO"; anything but JSON is converted first.
            title: Name of the snapshot; the server makes one up when it is left out.
            task_filter_options: Which tasks go into the snapshot (a TaskFilterOptions or a dict).
            annotation_filter_options: Which of their annotations go in (an AnnotationFilterOptions or a dict).
            serialization_options: How related records are written (a SerializationOptions or a dict).
            download_resources: For a converted format: when true, media files are packed in too.
            timeout: Seconds to wait, in all, for the snapshot and its conversion; None waits as long as it takes.
            min_poll_interval: Seconds between the first status checks.
            max_poll_interval: The longest pause between two status checks.
            progress: A function called with the bytes downloaded so far, or True for a tqdm bar.
            keep_snapshot: Leave the snapshot on the server; by default it is deleted once the file is
                downloaded, or the helper failed.
            request_options: Per-request timeout, retries and extra headers, for every request made.

        Returns:
            The path of the file written.

        Raises:
            FileAccessError: the folder to write into does not exist (also a FileNotFoundError) or
                cannot be written to (checked before anything is sent), or saving the file failed: no
                permission, a folder in the way, the disk full (the OS error chained; the target
                keeps what it held and no part file is left).
            ExportFormatNotOfferedError: the project does not offer ``export_type`` (before any snapshot).
            ExportFailedError: the server failed to build or convert the snapshot.
            ExportTimeoutError: the snapshot or its conversion was not ready within ``timeout`` seconds.
        """
        destination = _Destination(path)
        plan = _Plan(
            project_id,
            export_type=export_type,
            title=title,
            task_filter_options=task_filter_options,
            annotation_filter_options=annotation_filter_options,
            serialization_options=serialization_options,
            download_resources=download_resources,
            timeout=timeout,
            min_poll_interval=min_poll_interval,
            max_poll_interval=max_poll_interval,
            keep_snapshot=keep_snapshot,
            request_options=request_options,
        )
        reporter = _Progress(progress)
        with self._snapshot(plan) as snapshot_id:
            stream = self._open_download(plan, snapshot_id)
            try:
                part = _PartFile(destination.target(plan, snapshot_id, stream.headers))
            except BaseException:
                stream.close()
                raise
            try:
                _drain(stream, part.write, reporter, _label(plan, snapshot_id))
                return part.commit()
            except BaseException:
                part.discard()
                raise

    def as_pandas(
        self,
        project_id: int,
        *,
        export_type: TableExportFormat = "CSV",
        title: Optional[str] = None,
        task_filter_options: TaskFilterArg = None,
        annotation_filter_options: AnnotationFilterArg = None,
        serialization_options: SerializationArg = None,
        timeout: Optional[float] = DEFAULT_EXPORT_TIMEOUT,
        min_poll_interval: float = DEFAULT_MIN_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        progress: ProgressOption = None,
        keep_snapshot: bool = False,
        request_options: Optional[RequestOptions] = None,
    ) -> pandas.DataFrame:
        """Export a project as CSV (or TSV) and read it into a pandas DataFrame.

        Needs pandas, an optional extra (``pip install 'label-studio-sdk[pandas]'``); without it an
        ImportError saying so is raised before anything is sent.

        Args:
            project_id: Numeric ID of the project to export.
            export_type: "CSV" or "TSV"; the snapshot is converted into it.
            title: Name of the snapshot; the server makes one up when it is left out.
            task_filter_options: Which tasks go into the snapshot (a TaskFilterOptions or a dict).
            annotation_filter_options: Which of their annotations go in (an AnnotationFilterOptions or a dict).
            serialization_options: How related records are written (a SerializationOptions or a dict).
            timeout: Seconds to wait, in all, for the snapshot and its conversion; None waits as long as it takes.
            min_poll_interval: Seconds between the first status checks.
            max_poll_interval: The longest pause between two status checks.
            progress: A function called with the bytes downloaded so far, or True for a tqdm bar.
            keep_snapshot: Leave the snapshot on the server; by default it is deleted once the file is
                downloaded, or the helper failed.
            request_options: Per-request timeout, retries and extra headers, for every request made.

        Returns:
            A ``pandas.DataFrame`` with one row per exported record (empty for an empty export).

        Raises:
            ImportError: pandas is not installed.
            ExportFormatNotOfferedError: the project does not offer ``export_type`` (before any snapshot).
            ExportFailedError: the server failed to build or convert the snapshot.
            ExportTimeoutError: the snapshot or its conversion was not ready within ``timeout`` seconds.
        """
        _check_format(export_type, tuple(_TABLE_SEPARATORS), "as_pandas")
        pandas = _import_pandas()
        plan = _Plan(
            project_id,
            export_type=export_type,
            title=title,
            task_filter_options=task_filter_options,
            annotation_filter_options=annotation_filter_options,
            serialization_options=serialization_options,
            download_resources=None,
            timeout=timeout,
            min_poll_interval=min_poll_interval,
            max_poll_interval=max_poll_interval,
            keep_snapshot=keep_snapshot,
            request_options=request_options,
        )
        with _spool() as spool:
            self._fetch(plan, spool.write, _Progress(progress))
            return _read_table(pandas, spool, export_type)

    # ----------------------------------------------------------------------- the steps

    @contextlib.contextmanager
    def _snapshot(self, plan: _Plan) -> Iterator[int]:
        """Check the format, create the snapshot, wait until it is ready and yield its ID; delete it
        afterwards, whatever happened in between, unless the plan keeps it."""
        if plan.converts:
            _check_offered(plan, self.list_formats(plan.project_id, request_options=plan.request_options))
        snapshot: _Snapshot = self.create(
            plan.project_id,
            title=plan.title,
            task_filter_options=plan.task_filter_options,
            annotation_filter_options=plan.annotation_filter_options,
            serialization_options=plan.serialization_options,
            request_options=plan.request_options,
        )
        logger.debug("export snapshot %s of project %s: %s", snapshot.id, plan.project_id, snapshot.status)
        try:
            yield self._ready(plan, snapshot)
        finally:
            if not plan.keep_snapshot:
                try:
                    self.delete(plan.project_id, str(snapshot.id), request_options=plan.request_options)
                except LabelStudioError as error:
                    _not_deleted(plan, snapshot.id, error)

    def _ready(self, plan: _Plan, snapshot: _Snapshot) -> int:
        """Wait until the snapshot is built and, unless JSON was asked for, converted."""
        schedule = _Schedule(plan)
        while not _built(plan, snapshot):
            _sleep(schedule.next_pause(snapshot.id, snapshot.status, None))
            snapshot = self.get(plan.project_id, str(snapshot.id), request_options=plan.request_options)
        if not plan.converts:
            return snapshot.id

        schedule.restart()
        existing = _conversion(snapshot, plan.export_type, None)
        conversion_id = existing.id if existing is not None else None
        if existing is None:
            started = self.convert(
                plan.project_id,
                str(snapshot.id),
                export_type=plan.export_type,
                download_resources=plan.download_resources,
                request_options=plan.request_options,
            )
            conversion_id = started.converted_format
            snapshot = self.get(plan.project_id, str(snapshot.id), request_options=plan.request_options)
        while not _converted(plan, snapshot, conversion_id):
            status = _conversion_status(plan, snapshot, conversion_id)
            _sleep(schedule.next_pause(snapshot.id, status, plan.export_type))
            snapshot = self.get(plan.project_id, str(snapshot.id), request_options=plan.request_options)
        return snapshot.id

    def _open_download(self, plan: _Plan, snapshot_id: int) -> ByteStream:
        return self.download(
            plan.project_id,
            str(snapshot_id),
            export_type=plan.export_type,
            request_options=plan.request_options,
        )

    def _fetch(self, plan: _Plan, write: Callable[[bytes], object], progress: _Progress) -> httpx.Response:
        """Prepare the snapshot, then pass its file to ``write`` chunk by chunk; returns the response."""
        with self._snapshot(plan) as snapshot_id:
            stream = self._open_download(plan, snapshot_id)
            _drain(stream, write, progress, _label(plan, snapshot_id))
            return stream.response


class AsyncExportsClientExt(AsyncExportsClient):
    """AsyncExportsClient plus helpers that create a snapshot, wait for it and download it in one call."""

    async def as_json(
        self,
        project_id: int,
        *,
        export_type: JsonExportFormat = "JSON",
        title: Optional[str] = None,
        task_filter_options: TaskFilterArg = None,
        annotation_filter_options: AnnotationFilterArg = None,
        serialization_options: SerializationArg = None,
        timeout: Optional[float] = DEFAULT_EXPORT_TIMEOUT,
        min_poll_interval: float = DEFAULT_MIN_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        progress: ProgressOption = None,
        keep_snapshot: bool = False,
        request_options: Optional[RequestOptions] = None,
    ) -> List[Dict[str, Any]]:
        """Export a project as JSON and return the parsed list of tasks.

        Args:
            project_id: Numeric ID of the project to export.
            export_type: "JSON" (tasks with annotations in full) or "JSON_MIN" (one flat record per task).
            title: Name of the snapshot; the server makes one up when it is left out.
            task_filter_options: Which tasks go into the snapshot (a TaskFilterOptions or a dict).
            annotation_filter_options: Which of their annotations go in (an AnnotationFilterOptions or a dict).
            serialization_options: How related records are written (a SerializationOptions or a dict).
            timeout: Seconds to wait, in all, for the snapshot and its conversion; None waits as long as it takes.
            min_poll_interval: Seconds between the first status checks.
            max_poll_interval: The longest pause between two status checks.
            progress: A function called with the bytes downloaded so far, or True for a tqdm bar.
            keep_snapshot: Leave the snapshot on the server; by default it is deleted once the file is
                downloaded, or the helper failed.
            request_options: Per-request timeout, retries and extra headers, for every request made.

        Returns:
            The exported tasks, as decoded from the JSON file.

        Raises:
            ExportFormatNotOfferedError: the project does not offer ``export_type`` (before any snapshot).
            ExportFailedError: the server failed to build or convert the snapshot.
            ExportTimeoutError: the snapshot was not ready within ``timeout`` seconds.
        """
        _check_format(export_type, _JSON_FORMATS, "as_json")
        plan = _Plan(
            project_id,
            export_type=export_type,
            title=title,
            task_filter_options=task_filter_options,
            annotation_filter_options=annotation_filter_options,
            serialization_options=serialization_options,
            download_resources=None,
            timeout=timeout,
            min_poll_interval=min_poll_interval,
            max_poll_interval=max_poll_interval,
            keep_snapshot=keep_snapshot,
            request_options=request_options,
        )
        buffer = io.BytesIO()
        response = await self._fetch(plan, buffer.write, _Progress(progress), in_thread=False)
        return _tasks_from_json(buffer.getvalue(), response)

    async def as_bytes(
        self,
        project_id: int,
        *,
        export_type: ExportFormat = "JSON",
        title: Optional[str] = None,
        task_filter_options: TaskFilterArg = None,
        annotation_filter_options: AnnotationFilterArg = None,
        serialization_options: SerializationArg = None,
        download_resources: Optional[bool] = None,
        timeout: Optional[float] = DEFAULT_EXPORT_TIMEOUT,
        min_poll_interval: float = DEFAULT_MIN_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        progress: ProgressOption = None,
        keep_snapshot: bool = False,
        request_options: Optional[RequestOptions] = None,
    ) -> bytes:
        """Export a project in any format and return the file's content.

        Args:
            project_id: Numeric ID of the project to export.
            export_type: Format of the file, such as "JSON", "CSV" or "COCO"; anything but JSON is converted first.
            title: Name of the snapshot; the server makes one up when it is left out.
            task_filter_options: Which tasks go into the snapshot (a TaskFilterOptions or a dict).
            annotation_filter_options: Which of their annotations go in (an AnnotationFilterOptions or a dict).
            serialization_options: How related records are written (a SerializationOptions or a dict).
            download_resources: For a converted format: when true, media files are packed in too.
            timeout: Seconds to wait, in all, for the snapshot and its conversion; None waits as long as it takes.
            min_poll_interval: Seconds between the first status checks.
            max_poll_interval: The longest pause between two status checks.
            progress: A function called with the bytes downloaded so far, or True for a tqdm bar.
            keep_snapshot: Leave the snapshot on the server; by default it is deleted once the file is
                downloaded, or the helper failed.
            request_options: Per-request timeout, retries and extra headers, for every request made.

        Returns:
            The exported file, whole, in memory; as_file keeps big exports out of memory.

        Raises:
            ExportFormatNotOfferedError: the project does not offer ``export_type`` (before any snapshot).
            ExportFailedError: the server failed to build or convert the snapshot.
            ExportTimeoutError: the snapshot or its conversion was not ready within ``timeout`` seconds.
        """
        plan = _Plan(
            project_id,
            export_type=export_type,
            title=title,
            task_filter_options=task_filter_options,
            annotation_filter_options=annotation_filter_options,
            serialization_options=serialization_options,
            download_resources=download_resources,
            timeout=timeout,
            min_poll_interval=min_poll_interval,
            max_poll_interval=max_poll_interval,
            keep_snapshot=keep_snapshot,
            request_options=request_options,
        )
        buffer = io.BytesIO()
        await self._fetch(plan, buffer.write, _Progress(progress), in_thread=False)
        return buffer.getvalue()

    async def as_file(
        self,
        project_id: int,
        path: PathArg,
        *,
        export_type: ExportFormat = "JSON",
        title: Optional[str] = None,
        task_filter_options: TaskFilterArg = None,
        annotation_filter_options: AnnotationFilterArg = None,
        serialization_options: SerializationArg = None,
        download_resources: Optional[bool] = None,
        timeout: Optional[float] = DEFAULT_EXPORT_TIMEOUT,
        min_poll_interval: float = DEFAULT_MIN_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        progress: ProgressOption = None,
        keep_snapshot: bool = False,
        request_options: Optional[RequestOptions] = None,
    ) -> Path:
        """Export a project into a file, streamed to disk chunk by chunk.

        The data goes into a temporary file beside the target, renamed over it only once complete, so
        the target never holds half an export. A name the server suggests is never used as a path.
        Chunks are written, and the file flushed to disk, in a worker thread, off the event loop.

        Args:
            project_id: Numeric ID of the project to export.
            path: The file to write (replaced if it exists), or an existing folder: the file is then
                named ``project-<project_id>-export-<snapshot id>.<extension>`` inside it.
            export_type: Format of the file, such as "JSON", "CSV" or "COCO"; anything but JSON is converted first.
            title: Name of the snapshot; the server makes one up when it is left out.
            task_filter_options: Which tasks go into the snapshot (a TaskFilterOptions or a dict).
            annotation_filter_options: Which of their annotations go in (an AnnotationFilterOptions or a dict).
            serialization_options: How related records are written (a SerializationOptions or a dict).
            download_resources: For a converted format: when true, media files are packed in too.
            timeout: Seconds to wait, in all, for the snapshot and its conversion; None waits as long as it takes.
            min_poll_interval: Seconds between the first status checks.
            max_poll_interval: The longest pause between two status checks.
            progress: A function called with the bytes downloaded so far, or True for a tqdm bar.
            keep_snapshot: Leave the snapshot on the server; by default it is deleted once the file is
                downloaded, or the helper failed.
            request_options: Per-request timeout, retries and extra headers, for every request made.

        Returns:
            The path of the file written.

        Raises:
            FileAccessError: the folder to write into does not exist (also a FileNotFoundError) or
                cannot be written to (checked before anything is sent), or saving the file failed: no
                permission, a folder in the way, the disk full (the OS error chained; the target
                keeps what it held and no part file is left).
            ExportFormatNotOfferedError: the project does not offer ``export_type`` (before any snapshot).
            ExportFailedError: the server failed to build or convert the snapshot.
            ExportTimeoutError: the snapshot or its conversion was not ready within ``timeout`` seconds.
        """
        destination = _Destination(path)
        plan = _Plan(
            project_id,
            export_type=export_type,
            title=title,
            task_filter_options=task_filter_options,
            annotation_filter_options=annotation_filter_options,
            serialization_options=serialization_options,
            download_resources=download_resources,
            timeout=timeout,
            min_poll_interval=min_poll_interval,
            max_poll_interval=max_poll_interval,
            keep_snapshot=keep_snapshot,
            request_options=request_options,
        )
        reporter = _Progress(progress)
        async with self._snapshot(plan) as snapshot_id:
            stream = await self._open_download(plan, snapshot_id)
            try:
                part = _PartFile(destination.target(plan, snapshot_id, stream.headers))
            except BaseException:
                await stream.aclose()
                raise
            try:
                await _adrain(stream, part.write, reporter, _label(plan, snapshot_id), in_thread=True)
                await asyncio.to_thread(part.flush)
                return part.install()
            except BaseException:
                part.discard()
                raise

    async def as_pandas(
        self,
        project_id: int,
        *,
        export_type: TableExportFormat = "CSV",
        title: Optional[str] = None,
        task_filter_options: TaskFilterArg = None,
        annotation_filter_options: AnnotationFilterArg = None,
        serialization_options: SerializationArg = None,
        timeout: Optional[float] = DEFAULT_EXPORT_TIMEOUT,
        min_poll_interval: float = DEFAULT_MIN_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        progress: ProgressOption = None,
        keep_snapshot: bool = False,
        request_options: Optional[RequestOptions] = None,
    ) -> pandas.DataFrame:
        """Export a project as CSV (or TSV) and read it into a pandas DataFrame.

        Needs pandas, an optional extra (``pip install 'label-studio-sdk[pandas]'``); without it an
        ImportError saying so is raised before anything is sent.

        Args:
            project_id: Numeric ID of the project to export.
            export_type: "CSV" or "TSV"; the snapshot is converted into it.
            title: Name of the snapshot; the server makes one up when it is left out.
            task_filter_options: Which tasks go into the snapshot (a TaskFilterOptions or a dict).
            annotation_filter_options: Which of their annotations go in (an AnnotationFilterOptions or a dict).
            serialization_options: How related records are written (a SerializationOptions or a dict).
            timeout: Seconds to wait, in all, for the snapshot and its conversion; None waits as long as it takes.
            min_poll_interval: Seconds between the first status checks.
            max_poll_interval: The longest pause between two status checks.
            progress: A function called with the bytes downloaded so far, or True for a tqdm bar.
            keep_snapshot: Leave the snapshot on the server; by default it is deleted once the file is
                downloaded, or the helper failed.
            request_options: Per-request timeout, retries and extra headers, for every request made.

        Returns:
            A ``pandas.DataFrame`` with one row per exported record (empty for an empty export).

        Raises:
            ImportError: pandas is not installed.
            ExportFormatNotOfferedError: the project does not offer ``export_type`` (before any snapshot).
            ExportFailedError: the server failed to build or convert the snapshot.
            ExportTimeoutError: the snapshot or its conversion was not ready within ``timeout`` seconds.
        """
        _check_format(export_type, tuple(_TABLE_SEPARATORS), "as_pandas")
        pandas = _import_pandas()
        plan = _Plan(
            project_id,
            export_type=export_type,
            title=title,
            task_filter_options=task_filter_options,
            annotation_filter_options=annotation_filter_options,
            serialization_options=serialization_options,
            download_resources=None,
            timeout=timeout,
            min_poll_interval=min_poll_interval,
            max_poll_interval=max_poll_interval,
            keep_snapshot=keep_snapshot,
            request_options=request_options,
        )
        with _spool() as spool:
            await self._fetch(plan, spool.write, _Progress(progress), in_thread=False)
            # Parsing a big table takes a while: off the event loop.
            return await asyncio.to_thread(_read_table, pandas, spool, export_type)

    # ----------------------------------------------------------------------- the steps

    @contextlib.asynccontextmanager
    async def _snapshot(self, plan: _Plan) -> AsyncIterator[int]:
        """Check the format, create the snapshot, wait until it is ready and yield its ID; delete it
        afterwards, whatever happened in between, unless the plan keeps it."""
        if plan.converts:
            formats = await self.list_formats(plan.project_id, request_options=plan.request_options)
            _check_offered(plan, formats)
        snapshot: _Snapshot = await self.create(
            plan.project_id,
            title=plan.title,
            task_filter_options=plan.task_filter_options,
            annotation_filter_options=plan.annotation_filter_options,
            serialization_options=plan.serialization_options,
            request_options=plan.request_options,
        )
        logger.debug("export snapshot %s of project %s: %s", snapshot.id, plan.project_id, snapshot.status)
        try:
            yield await self._ready(plan, snapshot)
        finally:
            if not plan.keep_snapshot:
                try:
                    await self.delete(plan.project_id, str(snapshot.id), request_options=plan.request_options)
                except LabelStudioError as error:
                    _not_deleted(plan, snapshot.id, error)

    async def _ready(self, plan: _Plan, snapshot: _Snapshot) -> int:
        """Wait until the snapshot is built and, unless JSON was asked for, converted."""
        schedule = _Schedule(plan)
        while not _built(plan, snapshot):
            await _async_sleep(schedule.next_pause(snapshot.id, snapshot.status, None))
            snapshot = await self.get(plan.project_id, str(snapshot.id), request_options=plan.request_options)
        if not plan.converts:
            return snapshot.id

        schedule.restart()
        existing = _conversion(snapshot, plan.export_type, None)
        conversion_id = existing.id if existing is not None else None
        if existing is None:
            started = await self.convert(
                plan.project_id,
                str(snapshot.id),
                export_type=plan.export_type,
                download_resources=plan.download_resources,
                request_options=plan.request_options,
            )
            conversion_id = started.converted_format
            snapshot = await self.get(plan.project_id, str(snapshot.id), request_options=plan.request_options)
        while not _converted(plan, snapshot, conversion_id):
            status = _conversion_status(plan, snapshot, conversion_id)
            await _async_sleep(schedule.next_pause(snapshot.id, status, plan.export_type))
            snapshot = await self.get(plan.project_id, str(snapshot.id), request_options=plan.request_options)
        return snapshot.id

    async def _open_download(self, plan: _Plan, snapshot_id: int) -> AsyncByteStream:
        return await self.download(
            plan.project_id,
            str(snapshot_id),
            export_type=plan.export_type,
            request_options=plan.request_options,
        )

    async def _fetch(
        self, plan: _Plan, write: Callable[[bytes], object], progress: _Progress, *, in_thread: bool
    ) -> httpx.Response:
        """Prepare the snapshot, then pass its file to ``write`` chunk by chunk; returns the response."""
        async with self._snapshot(plan) as snapshot_id:
            stream = await self._open_download(plan, snapshot_id)
            await _adrain(stream, write, progress, _label(plan, snapshot_id), in_thread=in_thread)
            return stream.response
