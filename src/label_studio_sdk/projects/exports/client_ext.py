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

This module holds what the overlay decides, written once; the clients that send are
``projects/exports/_async/client_ext.py`` (written by hand) and ``projects/exports/_sync/client_ext.py`` (its generated twin).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import importlib
import json
import logging
import math
import os
import re
import secrets
import tempfile
import warnings
from pathlib import Path
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Union,
)

import httpx
import pydantic

from label_studio_sdk.core import clock
from label_studio_sdk.core.errors import (
    FileAccessError,
    InvalidArgumentError,
    LabelStudioError,
    MissingDependencyError,
    NotFoundError,
    ResponseValidationError,
)
from label_studio_sdk.core.http import transport_error
from label_studio_sdk.core.options import OMIT, RequestOptions
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
from label_studio_sdk.types.export_snapshot import ExportSnapshot
from label_studio_sdk.types.serialization_options import SerializationOptions
from label_studio_sdk.types.task_filter_options import TaskFilterOptions

if TYPE_CHECKING:
    # pandas is optional and ships no type information: without pandas-stubs DataFrame is Any here,
    # with them it is the real class. Either way nothing is imported at run time.
    import pandas  # type: ignore[import-untyped, unused-ignore]

logger: logging.Logger = logging.getLogger("label_studio_sdk")

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


# The overlay's own pauses and clock (its clients call them through this module, so tests can
# replace them here without touching the retry sleeps of core).
_sleep = clock.sleep
_async_sleep = clock.async_sleep
_now = clock.now


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
        raise MissingDependencyError(
            "as_pandas needs pandas, an optional extra: pip install 'label-studio-sdk[pandas]'; "
            "no export was made"
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

    def discard(self) -> None:
        """Close and remove the part file; never raises an OS error (that would hide the first failure)."""
        with contextlib.suppress(OSError):
            self.handle.close()  # closes the descriptor even when flushing the buffer fails
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _spool() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES, mode="w+b")


# --------------------------------------------------------------------------- the clients
