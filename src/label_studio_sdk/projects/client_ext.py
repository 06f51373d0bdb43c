"""Hand-written overlay of the projects client: ``import_tasks`` and ``import_predictions`` for lists of any size.

A list of tasks is sent in chunks, one request per chunk, one chunk after the other: at most
``chunk_size`` tasks and at most ``max_chunk_bytes`` of JSON each (a task bigger than that goes alone).
A list that fits in one chunk is sent exactly as the generated method sends it. The result sums the
chunks' counts and joins their task IDs in order. When a chunk fails, ``ChunkedImportError`` says how
many tasks were imported and from which index to resume; no chunk is ever sent twice (the SDK's retry
policy already never replays a POST that may have reached the server).

Servers that import in the background (non-Community editions) answer each request with an import
job ID; ``wait=True`` polls ``tasks.create_many_status`` until each chunk's job ends, before the next
chunk goes. The open-source server imports synchronously and returns no job ID: nothing to wait for.

``import_tasks`` also takes one task dict (the server does): it is sent as a list of one.

``import_predictions`` splits a list of predictions the same way (``chunk_size``, ``max_chunk_bytes``);
every item must be a dict with ``task`` and ``result``, checked before anything is sent. When a chunk
fails, ``ChunkedPredictionImportError`` says how many predictions were stored and where to resume.
The planning and summing below are shared by the sync and async clients; ``_PredictionRun`` holds the
state of one split call, so the two drivers only send.

This module holds what the overlay decides, written once; the clients that send are
``projects/_async/client_ext.py`` (written by hand) and ``projects/_sync/client_ext.py`` (its generated twin).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from label_studio_sdk.core import clock
from label_studio_sdk.core.errors import ApiError, InvalidArgumentError, LabelStudioError
from label_studio_sdk.core.options import RequestOptions
from label_studio_sdk.core.serialization import dump_json
from label_studio_sdk.projects.import_errors import (
    ChunkedImportError,
    ChunkedPredictionImportError,
    ImportJobFailedError,
    ImportJobTimeoutError,
)
from label_studio_sdk.projects.types.projects_import_tasks_response import ProjectsImportTasksResponse
from label_studio_sdk.types.project_import import ProjectImport
from label_studio_sdk.types.projects_import_predictions_response import ProjectsImportPredictionsResponse

DEFAULT_CHUNK_SIZE = 1000
"""Tasks per request when a list is split."""
DEFAULT_MAX_CHUNK_BYTES = 50 * 1024 * 1024
"""Bytes of JSON per request: well under the 200 MB a Label Studio server accepts in one request."""
DEFAULT_WAIT_TIMEOUT = 3600.0
"""Seconds to wait for one import job when ``wait=True``."""
FIRST_POLL_INTERVAL = 0.5
POLL_GROWTH = 1.5
MAX_POLL_INTERVAL = 5.0

_SUMMED_COUNTS = ("task_count", "annotation_count", "prediction_count", "predictions_count")
_JOINED_LISTS = ("file_upload_ids", "task_ids")


# The overlay's own pauses and clock (its clients call them through this module, so tests can
# replace them here without touching the retry sleeps of core).
_sleep = clock.sleep
_async_sleep = clock.async_sleep
_now = clock.now


@dataclass(frozen=True)
class ImportProgress:
    """What ``on_progress`` receives after each chunk of a task list has been imported."""

    chunk_index: int
    """0-based index of the chunk just imported."""
    chunks_total: int
    """Number of chunks the list was split into."""
    tasks_done: int
    """Tasks of the list imported so far, this chunk included (resume from this index)."""
    tasks_total: int
    """Tasks in the whole list."""
    response: ProjectsImportTasksResponse
    """The server's answer for this chunk (the finished job's figures when waiting)."""


ProgressCallback = Callable[[ImportProgress], object]
"""A function called with an ``ImportProgress`` after each chunk (its return value is ignored)."""


@dataclass(frozen=True)
class PredictionImportProgress:
    """What ``on_progress`` of ``import_predictions`` receives after each chunk has been stored."""

    chunk_index: int
    """0-based index of the chunk just stored."""
    chunks_total: int
    """Number of chunks the list was split into."""
    predictions_done: int
    """Predictions of the list stored so far, this chunk included (resume from this index)."""
    predictions_total: int
    """Predictions in the whole list."""
    response: ProjectsImportPredictionsResponse
    """The server's answer for this chunk."""


PredictionProgressCallback = Callable[[PredictionImportProgress], object]
"""A function called with a ``PredictionImportProgress`` after each chunk (its return value is ignored)."""


# -- planning and summing (shared by the sync and async clients) ------------------------------------


def _check_settings(
    chunk_size: int, max_chunk_bytes: int, wait_timeout: Optional[float], on_progress: object = None
) -> None:
    """InvalidArgumentError naming the first bad setting; nothing has been sent yet."""
    for name, value in (("chunk_size", chunk_size), ("max_chunk_bytes", max_chunk_bytes)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidArgumentError(f"{name} must be an int, got {type(value).__name__}")
        if value < 1:
            raise InvalidArgumentError(f"{name} must be 1 or more, got {value}")
    if wait_timeout is not None and (
        isinstance(wait_timeout, bool) or not isinstance(wait_timeout, (int, float)) or not wait_timeout > 0
    ):
        raise InvalidArgumentError(
            f"wait_timeout must be a positive number of seconds or None, got {wait_timeout!r}"
        )
    if on_progress is not None and not callable(on_progress):
        raise InvalidArgumentError(
            f"on_progress must be a callable or None, got {type(on_progress).__name__}"
        )


def _task_list(request: object, noun: str = "task") -> Sequence[Dict[str, Any]]:
    """``request`` as a sequence: one dict is a list of one (its items are checked by _plan_chunks)."""
    if isinstance(request, dict):
        return [request]
    if isinstance(request, (str, bytes, bytearray)) or not isinstance(request, Sequence):
        raise InvalidArgumentError(f"request must be a list of {noun} dicts, got {type(request).__name__}")
    return request


def _plan_chunks(
    request: Sequence[Dict[str, Any]],
    chunk_size: int,
    max_chunk_bytes: int,
    noun: str = "task",
) -> List[Tuple[int, int]]:
    """``(start, end)`` of each chunk of ``request``; checks every item before anything is sent.

    A chunk holds at most ``chunk_size`` items and at most ``max_chunk_bytes`` of compact JSON
    (brackets and commas counted), unless one item alone is bigger. An empty list is one empty chunk.
    """
    bounds: List[Tuple[int, int]] = []
    start = count = 0
    used = 2  # the enclosing brackets
    for index, task in enumerate(request):
        if not isinstance(task, dict):
            raise InvalidArgumentError(f"request[{index}] must be a {noun} dict, got {type(task).__name__}")
        try:
            size = len(dump_json(task))
        except (TypeError, ValueError) as exc:
            raise InvalidArgumentError(f"request[{index}] cannot be sent as JSON: {exc}") from exc
        if count and (count >= chunk_size or used + 1 + size > max_chunk_bytes):
            bounds.append((start, index))
            start, count, used = index, 0, 2
        used += size + (1 if count else 0)
        count += 1
    bounds.append((start, len(request)))
    return bounds


def _check_keys(request: Sequence[Dict[str, Any]], required: Tuple[str, ...], noun: str) -> None:
    """Raise InvalidArgumentError naming the first item that lacks one of the ``required`` keys."""
    for index, item in enumerate(request):
        missing = [key for key in required if key not in item]
        if missing:
            names = " or ".join(repr(key) for key in missing)
            raise InvalidArgumentError(f"request[{index}] has no {names}: every {noun} needs it")


def _ordered_union(lists: Sequence[Sequence[Any]]) -> List[Any]:
    seen: Dict[Any, None] = {}
    for values in lists:
        for value in values:
            seen.setdefault(value, None)
    return list(seen)


def _merge_formats(values: List[Union[List[str], Dict[str, int]]]) -> Union[List[str], Dict[str, int]]:
    """Formats of several chunks: extension counts added up, or names listed once each."""
    dicts = [value for value in values if isinstance(value, dict)]
    if len(dicts) == len(values):
        counts: Dict[str, int] = {}
        for value in dicts:
            for name, number in value.items():
                counts[name] = counts.get(name, 0) + number
        return counts
    return _ordered_union([list(value) for value in values])


def _sum_results(results: Sequence[ProjectsImportTasksResponse]) -> ProjectsImportTasksResponse:
    """One summary of several chunks: counts and durations added, ID lists joined in chunk order.

    Job IDs of servers that import in the background are listed, in chunk order, under the extra
    field ``import_ids``. Fields no chunk reported stay unset.
    """
    fields: Dict[str, Any] = {}
    for name in _SUMMED_COUNTS:
        counts = [getattr(result, name) for result in results if getattr(result, name) is not None]
        if counts:
            fields[name] = sum(counts)
    durations = [result.duration for result in results if result.duration is not None]
    if durations:
        fields["duration"] = sum(durations)
    for name in _JOINED_LISTS:
        lists = [getattr(result, name) for result in results]
        if results and all(value is not None for value in lists):
            fields[name] = [item for value in lists for item in value]
    columns = [result.data_columns for result in results if result.data_columns is not None]
    if columns:
        fields["data_columns"] = _ordered_union(columns)
    formats = [result.found_formats for result in results if result.found_formats is not None]
    if formats:
        fields["found_formats"] = _merge_formats(formats)
    flags = [result.could_be_tasks_list for result in results if result.could_be_tasks_list is not None]
    if flags:
        fields["could_be_tasks_list"] = any(flags)
    import_ids = [result.import_ for result in results if result.import_ is not None]
    if import_ids:
        fields["import_ids"] = import_ids
    return ProjectsImportTasksResponse.model_validate(fields)


def _may_have_landed(error: BaseException, accepted: bool) -> bool:
    """Whether a chunk that failed with ``error`` could still have been saved by the server."""
    if isinstance(error, ImportJobFailedError):
        return False
    if accepted:  # the server took the chunk; its job timed out or could not be looked up
        return True
    if isinstance(error, ApiError):
        return (error.status_code or 0) >= 500
    # False only when the request certainly never reached the server (refused, a bad argument);
    # a dropped connection, an unreadable 2xx body or an unknown fate may all have saved the chunk.
    return getattr(error, "request_sent", None) is not False


def _chunk_failure(
    project_id: int,
    bounds: Sequence[Tuple[int, int]],
    index: int,
    results: Sequence[ProjectsImportTasksResponse],
    error: LabelStudioError,
    accepted: bool,
) -> ChunkedImportError:
    start, end = bounds[index]
    text = str(error).strip()
    return ChunkedImportError(
        project_id=project_id,
        chunk_index=index,
        chunks_total=len(bounds),
        first_failed_task_index=start,
        chunk_task_count=end - start,
        tasks_total=bounds[-1][1],
        partial=_sum_results(results),
        may_have_landed=_may_have_landed(error, accepted),
        reason=f"{type(error).__name__}: {text}" if text else type(error).__name__,
    )


def _progress(
    bounds: Sequence[Tuple[int, int]], index: int, response: ProjectsImportTasksResponse
) -> ImportProgress:
    return ImportProgress(
        chunk_index=index,
        chunks_total=len(bounds),
        tasks_done=bounds[index][1],
        tasks_total=bounds[-1][1],
        response=response,
    )


def _poll_options(options: Optional[RequestOptions]) -> Optional[RequestOptions]:
    """The caller's timeout, retries and headers, without query or body extras meant for the import."""
    if not options:
        return None
    kept = RequestOptions()
    if "timeout" in options:
        kept["timeout"] = options["timeout"]
    if "max_retries" in options:
        kept["max_retries"] = options["max_retries"]
    if "additional_headers" in options:
        kept["additional_headers"] = options["additional_headers"]
    return kept or None


def _int_list(value: Any) -> Optional[List[int]]:
    if isinstance(value, list) and all(isinstance(item, int) for item in value):
        return list(value)
    return None


def _from_job(job: ProjectImport) -> ProjectsImportTasksResponse:
    """The figures of a finished import job, shaped like a synchronous import's answer."""
    fields: Dict[str, Any] = {
        "import": job.id,
        "task_count": job.task_count,
        "annotation_count": job.annotation_count,
        "prediction_count": job.prediction_count,
        "duration": job.duration,
        "file_upload_ids": _int_list(job.file_upload_ids),
        "could_be_tasks_list": job.could_be_tasks_list,
        "found_formats": job.found_formats if isinstance(job.found_formats, (list, dict)) else None,
        "data_columns": job.data_columns if isinstance(job.data_columns, list) else None,
    }
    if job.return_task_ids or job.task_ids:
        fields["task_ids"] = _int_list(job.task_ids)
    return ProjectsImportTasksResponse.model_validate({k: v for k, v in fields.items() if v is not None})


class _JobWatch:
    """The state of waiting for one import job: when it started, how long to sleep next."""

    def __init__(self, project_id: int, import_id: int, timeout: Optional[float]) -> None:
        self.project_id = project_id
        self.import_id = import_id
        self.timeout = timeout
        self.started = _now()
        self.interval = FIRST_POLL_INTERVAL

    def check(self, job: ProjectImport) -> Optional[ProjectsImportTasksResponse]:
        """The job's figures once completed; None while it runs; raises when it failed or time is up."""
        if job.status == "completed":
            return _from_job(job)
        if job.status == "failed":
            raise ImportJobFailedError(project_id=self.project_id, import_id=self.import_id, job=job)
        waited = _now() - self.started
        if self.timeout is not None and waited >= self.timeout:
            raise ImportJobTimeoutError(
                project_id=self.project_id, import_id=self.import_id, job=job, waited=waited
            )
        return None

    def next_delay(self) -> float:
        """Seconds to sleep before the next look: growing, capped, never past the timeout."""
        delay = self.interval
        self.interval = min(self.interval * POLL_GROWTH, MAX_POLL_INTERVAL)
        if self.timeout is not None:
            delay = min(delay, max(self.timeout - (_now() - self.started), 0.0))
        return delay


class _PredictionRun:
    """The state of one ``import_predictions`` call: its chunks, the answers so far, its failure."""

    def __init__(
        self,
        project_id: int,
        request: object,
        chunk_size: int,
        max_chunk_bytes: int,
        on_progress: Optional[PredictionProgressCallback],
    ) -> None:
        _check_settings(chunk_size, max_chunk_bytes, None, on_progress)
        self.project_id = project_id
        self.items = _task_list(request, "prediction")
        self.bounds = _plan_chunks(self.items, chunk_size, max_chunk_bytes, "prediction")
        if len(self.bounds) > 1:
            # A split list is checked whole before the first chunk goes, so that a bad item deep in
            # it cannot leave the import half done; one chunk goes as it is and the server judges it.
            _check_keys(self.items, ("task", "result"), "prediction")
        self.on_progress = on_progress
        self.results: List[ProjectsImportPredictionsResponse] = []

    def chunks(self) -> Iterator[Tuple[int, Sequence[Dict[str, Any]]]]:
        """``(index, predictions)`` of each chunk; a list that fits in one chunk is sent as it is."""
        if len(self.bounds) == 1:
            yield 0, self.items
            return
        for index, (start, end) in enumerate(self.bounds):
            yield index, self.items[start:end]

    def stored(self, index: int, answer: ProjectsImportPredictionsResponse) -> None:
        self.results.append(answer)
        if self.on_progress is not None:
            self.on_progress(
                PredictionImportProgress(
                    chunk_index=index,
                    chunks_total=len(self.bounds),
                    predictions_done=self.bounds[index][1],
                    predictions_total=self.bounds[-1][1],
                    response=answer,
                )
            )

    def failure(self, index: int, error: LabelStudioError) -> LabelStudioError:
        """What to raise when chunk ``index`` failed: the error itself for an unsplit list."""
        if len(self.bounds) == 1:
            return error
        start, end = self.bounds[index]
        text = str(error).strip()
        return ChunkedPredictionImportError(
            project_id=self.project_id,
            chunk_index=index,
            chunks_total=len(self.bounds),
            first_failed_prediction_index=start,
            chunk_prediction_count=end - start,
            predictions_total=self.bounds[-1][1],
            partial=self.total(),
            may_have_landed=_may_have_landed(error, False),
            reason=f"{type(error).__name__}: {text}" if text else type(error).__name__,
        )

    def total(self) -> ProjectsImportPredictionsResponse:
        """The answer of one chunk, or the sum of the ``created`` counts of several."""
        if len(self.results) == 1:
            return self.results[0]
        return ProjectsImportPredictionsResponse(created=sum(result.created for result in self.results))
