"""The projects overlay: ``projects/_async/client_ext.py`` is written by hand, ``projects/_sync/`` is generated from it.

``import_tasks`` and ``import_predictions`` for lists of any size; what they decide (chunk plans,
sums, failures, job polling) is ``projects/client_ext.py``, written once.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

from label_studio_sdk.core.errors import LabelStudioError
from label_studio_sdk.core.files import File
from label_studio_sdk.core.options import OMIT, Omit, RequestOptions
from label_studio_sdk.projects import client_ext as _shared
from label_studio_sdk.projects.client import AsyncProjectsClient
from label_studio_sdk.projects.client_ext import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_MAX_CHUNK_BYTES,
    DEFAULT_WAIT_TIMEOUT,
    PredictionProgressCallback,
    ProgressCallback,
    _check_settings,
    _chunk_failure,
    _JobWatch,
    _plan_chunks,
    _poll_options,
    _PredictionRun,
    _progress,
    _sum_results,
    _task_list,
)
from label_studio_sdk.projects.types.projects_import_tasks_response import ProjectsImportTasksResponse
from label_studio_sdk.types.projects_import_predictions_response import ProjectsImportPredictionsResponse


class AsyncProjectsClientExt(AsyncProjectsClient):
    """Projects, with ``import_tasks`` and ``import_predictions`` taking lists of any size."""

    async def import_predictions(
        self,
        id: int,
        *,
        request: Union[Dict[str, Any], Sequence[Dict[str, Any]]],
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_chunk_bytes: int = DEFAULT_MAX_CHUNK_BYTES,
        on_progress: Optional[PredictionProgressCallback] = None,
        request_options: Optional[RequestOptions] = None,
    ) -> ProjectsImportPredictionsResponse:
        """Add predictions to tasks of a project: a list of any size goes in chunks, one request per chunk.

        A list that fits in one chunk is sent as one request, exactly as the plain API call, and its
        errors come back unchanged. A longer list is split; the chunks go one after the other and the
        result adds up their ``created`` counts. When a chunk fails, ``ChunkedPredictionImportError``
        (the cause chained) tells how many predictions were stored and that
        ``request[error.first_failed_prediction_index:]`` is what is left; no chunk is sent twice.

        Args:
            id: Numeric ID of the project whose tasks get the predictions.
            request: Predictions (or one prediction): dicts with a "task" ID and a "result" list,
                optionally "score" and "model_version".
            chunk_size: Most predictions sent in one request.
            max_chunk_bytes: Most bytes of JSON sent in one request; a bigger single prediction goes alone.
            on_progress: Called with a ``PredictionImportProgress`` after each chunk is stored.
            request_options: Per-call timeout, retries, extra headers, query or body fields (for every chunk).

        Returns:
            The server's answer (``created``) for one request; for several chunks, their sum.

        Raises:
            InvalidArgumentError: bad predictions or settings, before anything is sent.
            ChunkedPredictionImportError: a chunk of a split list failed (cause chained).
        """
        run = _PredictionRun(id, request, chunk_size, max_chunk_bytes, on_progress)
        for index, predictions in run.chunks():
            try:
                answer = await super().import_predictions(
                    id, request=predictions, request_options=request_options
                )
            except LabelStudioError as exc:
                failure = run.failure(index, exc)
                if failure is exc:
                    raise
                raise failure from exc
            run.stored(index, answer)
        return run.total()

    async def import_tasks(
        self,
        id: int,
        *,
        request: Union[Dict[str, Any], Sequence[Dict[str, Any]], Omit] = OMIT,
        commit_to_project: Union[bool, Omit] = OMIT,
        return_task_ids: Union[bool, Omit] = OMIT,
        preannotated_from_fields: Union[str, Sequence[str], Omit] = OMIT,
        files: Union[Sequence[File], Omit] = OMIT,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_chunk_bytes: int = DEFAULT_MAX_CHUNK_BYTES,
        wait: bool = False,
        wait_timeout: Optional[float] = DEFAULT_WAIT_TIMEOUT,
        on_progress: Optional[ProgressCallback] = None,
        request_options: Optional[RequestOptions] = None,
    ) -> ProjectsImportTasksResponse:
        """Add tasks to a project: a list of any size goes in chunks, one request per chunk.

        A list that fits in one chunk (and ``files=``) is sent as one request, exactly as the plain API
        call, and its errors come back unchanged. A longer list is split; the chunks go one after the
        other and the result adds up their counts and joins their ``task_ids`` / ``file_upload_ids`` in
        order (job IDs of background imports, if any, under the extra field ``import_ids``). When a
        chunk fails, ``ChunkedImportError`` (the cause chained) tells how many tasks were imported and
        that ``request[error.first_failed_task_index:]`` is what is left; no chunk is sent twice.

        Args:
            id: Numeric ID of the project that receives the tasks.
            request: Tasks to import (or one task); each is either a bare data dict or a task object with a "data" key.
            commit_to_project: When true, the imported tasks are saved into the project right away.
            return_task_ids: When true, the response lists the IDs of the created tasks.
            preannotated_from_fields: Task data keys whose values should be turned into predictions during import.
            files: Files of tasks to upload instead of `request`; each is parsed by its format (JSON, CSV, TSV, TXT).
            chunk_size: Most tasks sent in one request.
            max_chunk_bytes: Most bytes of JSON sent in one request; a bigger single task goes alone.
            wait: Wait for the server's background import job of each request (non-Community editions)
                before going on; the open-source server imports at once and has no job to wait for.
            wait_timeout: Seconds to wait for one import job (None: no limit); then ImportJobTimeoutError.
            on_progress: Called with an ``ImportProgress`` after each chunk of a task list is imported.
            request_options: Per-call timeout, retries, extra headers, query or body fields (for every chunk).

        Returns:
            The server's answer for one request; for several chunks, their sum.

        Raises:
            InvalidArgumentError: bad tasks or settings, before anything is sent.
            ChunkedImportError: a chunk of a split list failed (cause chained).
            ImportJobFailedError, ImportJobTimeoutError: waiting for a single request's job.
        """
        _check_settings(chunk_size, max_chunk_bytes, wait_timeout, on_progress)
        if request is OMIT or files is not OMIT:
            answer = await super().import_tasks(
                id,
                request=_task_list(request) if isinstance(request, dict) else request,
                commit_to_project=commit_to_project,
                return_task_ids=return_task_ids,
                preannotated_from_fields=preannotated_from_fields,
                files=files,
                request_options=request_options,
            )
            return await self._finish(id, answer, wait, wait_timeout, request_options)

        tasks = _task_list(request)
        bounds = _plan_chunks(tasks, chunk_size, max_chunk_bytes)
        single = len(bounds) == 1
        results: List[ProjectsImportTasksResponse] = []
        for index, (start, end) in enumerate(bounds):
            accepted = False
            try:
                answer = await super().import_tasks(
                    id,
                    request=tasks if single else tasks[start:end],
                    commit_to_project=commit_to_project,
                    return_task_ids=return_task_ids,
                    preannotated_from_fields=preannotated_from_fields,
                    request_options=request_options,
                )
                accepted = True
                answer = await self._finish(id, answer, wait, wait_timeout, request_options)
            except LabelStudioError as exc:
                if single:
                    raise
                raise _chunk_failure(id, bounds, index, results, exc, accepted) from exc
            results.append(answer)
            if on_progress is not None:
                on_progress(_progress(bounds, index, answer))
        return results[0] if len(results) == 1 else _sum_results(results)

    async def _finish(
        self,
        project_id: int,
        answer: ProjectsImportTasksResponse,
        wait: bool,
        wait_timeout: Optional[float],
        request_options: Optional[RequestOptions],
    ) -> ProjectsImportTasksResponse:
        """The answer itself, or the figures of its import job once it ends when waiting for it."""
        if not wait or answer.import_ is None:
            return answer
        from label_studio_sdk.tasks.client import AsyncTasksClient

        tasks = AsyncTasksClient(self._client)
        watch = _JobWatch(project_id, answer.import_, wait_timeout)
        options = _poll_options(request_options)
        while True:
            job = await tasks.create_many_status(project_id, answer.import_, request_options=options)
            done = watch.check(job)
            if done is not None:
                return done
            await _shared._async_sleep(watch.next_delay())
