"""Errors of the chunked ``projects.import_tasks`` / ``import_predictions`` and of waiting for import jobs.

LabelStudioError
├── ChunkedImportError              one chunk of a split task import failed; says what landed and where to resume
├── ChunkedPredictionImportError    the same for a split ``import_predictions``
├── ImportJobFailedError            an asynchronous import job ended with status "failed"
└── ImportJobTimeoutError           an asynchronous import job was still running when the wait ran out

Hand-written (not generated). Importing this module does not import pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from label_studio_sdk.core.errors import LabelStudioError

if TYPE_CHECKING:
    from label_studio_sdk.projects.types.projects_import_tasks_response import ProjectsImportTasksResponse
    from label_studio_sdk.types.project_import import ProjectImport
    from label_studio_sdk.types.projects_import_predictions_response import ProjectsImportPredictionsResponse


class ImportJobFailedError(LabelStudioError):
    """The server ran an import job in the background and it failed.

    ``job`` is the job record as last read (its ``error`` holds the server's explanation).
    """

    def __init__(self, *, project_id: int, import_id: int, job: ProjectImport) -> None:
        self.project_id = project_id
        self.import_id = import_id
        self.job = job
        reason = (job.error or "").strip() or "the server gave no reason"
        super().__init__(f"import job {import_id} of project {project_id} failed: {reason}")


class ImportJobTimeoutError(LabelStudioError):
    """An import job was still queued or running after ``wait_timeout`` seconds.

    The job goes on on the server: its tasks may still land. Look it up with
    ``client.tasks.create_many_status(project_id, str(import_id))``.
    """

    def __init__(self, *, project_id: int, import_id: int, job: ProjectImport, waited: float) -> None:
        self.project_id = project_id
        self.import_id = import_id
        self.job = job
        self.waited = waited
        super().__init__(
            f"import job {import_id} of project {project_id} was still {job.status or 'unfinished'!s} "
            f"after {waited:.0f} s; it may still finish: check "
            f"client.tasks.create_many_status({project_id}, {str(import_id)!r})"
        )


class ChunkedImportError(LabelStudioError):
    """A chunk of a split ``import_tasks`` call failed; the chunks before it were imported.

    The error that stopped the chunk (an ``ApiError``, ``ApiConnectionError``, ``ImportJobFailedError``,
    ...) is chained as ``__cause__``. No chunk is sent again: to go on, import
    ``request[first_failed_task_index:]`` (after checking the project when ``may_have_landed``).

    Attributes:
        project_id: The project the tasks went to.
        tasks_imported: Tasks of the chunks the server accepted before the failure.
        tasks_total: Tasks in the whole request.
        chunk_index: 0-based index of the failed chunk.
        chunks_total: Number of chunks the request was split into.
        chunk_task_count: Tasks in the failed chunk.
        first_failed_task_index: Index in the request of the failed chunk's first task: resume from there.
        partial: The summed result of the chunks that were accepted (counts, task IDs, ...).
        may_have_landed: True when the failure leaves open whether the server saved the failed chunk
            (a 5xx, a connection lost after sending, a job wait that ran out): check before resuming.
    """

    def __init__(
        self,
        *,
        project_id: int,
        chunk_index: int,
        chunks_total: int,
        first_failed_task_index: int,
        chunk_task_count: int,
        tasks_total: int,
        partial: ProjectsImportTasksResponse,
        may_have_landed: bool,
        reason: str,
    ) -> None:
        self.project_id = project_id
        self.chunk_index = chunk_index
        self.chunks_total = chunks_total
        self.first_failed_task_index = first_failed_task_index
        self.tasks_imported = first_failed_task_index
        self.chunk_task_count = chunk_task_count
        self.tasks_total = tasks_total
        self.partial = partial
        self.may_have_landed = may_have_landed
        super().__init__(self._message(reason))

    def _message(self, reason: str) -> str:
        start = self.first_failed_task_index
        end = start + self.chunk_task_count - 1
        head = (
            f"import into project {self.project_id}: chunk {self.chunk_index + 1} of {self.chunks_total} "
            f"(chunk_index={self.chunk_index}, request[{start}:{end + 1}]) failed: {reason}. "
            f"{self.tasks_imported} of {self.tasks_total} tasks were imported before it"
        )
        if start:
            head += f" (item numbers in the server's message count from request[{start}])"
        resume = f"import_tasks({self.project_id}, request=request[{start}:], <the same options>)"
        if self.may_have_landed:
            return (
                f"{head}; the server may have saved some of this chunk before failing: count the "
                f"project's tasks first, and if none of request[{start}:{end + 1}] is there, resume with {resume}"
            )
        return f"{head}; nothing of this chunk was saved: resume with {resume}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(project_id={self.project_id!r}, chunk_index={self.chunk_index!r}, "
            f"chunks_total={self.chunks_total!r}, first_failed_task_index={self.first_failed_task_index!r}, "
            f"may_have_landed={self.may_have_landed!r})"
        )


class ChunkedPredictionImportError(LabelStudioError):
    """A chunk of a split ``import_predictions`` call failed; the chunks before it were stored.

    The error that stopped the chunk (an ``ApiError``, ``ApiConnectionError``, ...) is chained as
    ``__cause__``. No chunk is sent again: to go on, import ``request[first_failed_prediction_index:]``
    (after checking the tasks' predictions when ``may_have_landed``).

    Attributes:
        project_id: The project whose tasks get the predictions.
        predictions_imported: Predictions of the chunks the server accepted before the failure.
        predictions_total: Predictions in the whole request.
        chunk_index: 0-based index of the failed chunk.
        chunks_total: Number of chunks the request was split into.
        chunk_prediction_count: Predictions in the failed chunk.
        first_failed_prediction_index: Index in the request of the failed chunk's first prediction.
        partial: The summed answer of the chunks that were accepted (``created``).
        may_have_landed: True when the failure leaves open whether the server stored the failed chunk
            (a 5xx, a connection lost after sending): check before resuming.
    """

    def __init__(
        self,
        *,
        project_id: int,
        chunk_index: int,
        chunks_total: int,
        first_failed_prediction_index: int,
        chunk_prediction_count: int,
        predictions_total: int,
        partial: ProjectsImportPredictionsResponse,
        may_have_landed: bool,
        reason: str,
    ) -> None:
        self.project_id = project_id
        self.chunk_index = chunk_index
        self.chunks_total = chunks_total
        self.first_failed_prediction_index = first_failed_prediction_index
        self.predictions_imported = first_failed_prediction_index
        self.chunk_prediction_count = chunk_prediction_count
        self.predictions_total = predictions_total
        self.partial = partial
        self.may_have_landed = may_have_landed
        start, end = first_failed_prediction_index, first_failed_prediction_index + chunk_prediction_count
        head = (
            f"prediction import into project {project_id}: chunk {chunk_index + 1} of {chunks_total} "
            f"(chunk_index={chunk_index}, request[{start}:{end}]) failed: {reason}. "
            f"{start} of {predictions_total} predictions were stored before it"
        )
        if start:
            head += f" (item numbers in the server's message count from request[{start}])"
        resume = f"import_predictions({project_id}, request=request[{start}:])"
        if may_have_landed:
            message = (
                f"{head}; the server may have stored this chunk before failing: check the predictions "
                f"of its tasks first, and if none of request[{start}:{end}] is there, resume with {resume}"
            )
        else:
            message = f"{head}; nothing of this chunk was stored: resume with {resume}"
        super().__init__(message)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(project_id={self.project_id!r}, chunk_index={self.chunk_index!r}, "
            f"chunks_total={self.chunks_total!r}, "
            f"first_failed_prediction_index={self.first_failed_prediction_index!r}, "
            f"may_have_landed={self.may_have_landed!r})"
        )


__all__ = [
    "ChunkedImportError",
    "ChunkedPredictionImportError",
    "ImportJobFailedError",
    "ImportJobTimeoutError",
]
