"""The exports overlay: ``exports/_async/client_ext.py`` is written by hand, ``exports/_sync/`` is generated from it.

``as_json``, ``as_bytes``, ``as_file`` and ``as_pandas``; what they decide (the plan, the polling
schedule, where a file goes, which error to raise) is ``projects/exports/client_ext.py``, written once.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Callable,
    Dict,
    List,
    Optional,
)

import httpx

from label_studio_sdk.core.errors import (
    LabelStudioError,
)
from label_studio_sdk.core.files import AsyncByteStream
from label_studio_sdk.core.options import RequestOptions
from label_studio_sdk.projects.exports.client import AsyncExportsClient
from label_studio_sdk.types.export_format import ExportFormat

if TYPE_CHECKING:
    # pandas is optional and ships no type information: without pandas-stubs DataFrame is Any here,
    # with them it is the real class. Either way nothing is imported at run time.
    import pandas  # type: ignore[import-untyped, unused-ignore]

from label_studio_sdk.core.threads import to_thread
from label_studio_sdk.projects.exports import client_ext as _shared
from label_studio_sdk.projects.exports.client_ext import (
    _JSON_FORMATS,
    _TABLE_SEPARATORS,
    DEFAULT_EXPORT_TIMEOUT,
    DEFAULT_MAX_POLL_INTERVAL,
    DEFAULT_MIN_POLL_INTERVAL,
    AnnotationFilterArg,
    JsonExportFormat,
    PathArg,
    ProgressOption,
    SerializationArg,
    TableExportFormat,
    TaskFilterArg,
    _broken_download,
    _built,
    _check_format,
    _check_offered,
    _content_length,
    _conversion,
    _conversion_status,
    _converted,
    _Destination,
    _import_pandas,
    _label,
    _not_deleted,
    _PartFile,
    _Plan,
    _Progress,
    _read_table,
    _Schedule,
    _Snapshot,
    _spool,
    _tasks_from_json,
    logger,
)


async def _drain(
    stream: AsyncByteStream,
    write: Callable[[bytes], object],
    progress: _Progress,
    label: str,
    *,
    in_thread: bool,
) -> None:
    """Pass every chunk of a download to ``write``, reporting progress; closes the stream. With
    ``in_thread``, async code writes in a worker thread (disk I/O)."""
    try:
        progress.start(_content_length(stream.headers), label)
        async for chunk in stream:
            if in_thread:
                await to_thread(write, chunk)
            else:
                write(chunk)
            progress.advance(len(chunk))
    except httpx.TransportError as exc:
        raise _broken_download(stream.response, exc) from exc
    finally:
        await stream.aclose()
        progress.close()


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
        The async client writes the chunks, and flushes the file to disk, in a worker thread.

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
                await _drain(stream, part.write, reporter, _label(plan, snapshot_id), in_thread=True)
                await to_thread(part.flush)
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
            MissingDependencyError: pandas is not installed (also an ImportError).
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
            # Parsing a big table takes a while: async code does it in a worker thread.
            return await to_thread(_read_table, pandas, spool, export_type)

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
                    await self.delete(plan.project_id, snapshot.id, request_options=plan.request_options)
                except LabelStudioError as error:
                    _not_deleted(plan, snapshot.id, error)

    async def _ready(self, plan: _Plan, snapshot: _Snapshot) -> int:
        """Wait until the snapshot is built and, unless JSON was asked for, converted."""
        schedule = _Schedule(plan)
        while not _built(plan, snapshot):
            await _shared._async_sleep(schedule.next_pause(snapshot.id, snapshot.status, None))
            snapshot = await self.get(plan.project_id, snapshot.id, request_options=plan.request_options)
        if not plan.converts:
            return snapshot.id

        schedule.restart()
        existing = _conversion(snapshot, plan.export_type, None)
        conversion_id = existing.id if existing is not None else None
        if existing is None:
            started = await self.convert(
                plan.project_id,
                snapshot.id,
                export_type=plan.export_type,
                download_resources=plan.download_resources,
                request_options=plan.request_options,
            )
            conversion_id = started.converted_format
            snapshot = await self.get(plan.project_id, snapshot.id, request_options=plan.request_options)
        while not _converted(plan, snapshot, conversion_id):
            status = _conversion_status(plan, snapshot, conversion_id)
            await _shared._async_sleep(schedule.next_pause(snapshot.id, status, plan.export_type))
            snapshot = await self.get(plan.project_id, snapshot.id, request_options=plan.request_options)
        return snapshot.id

    async def _open_download(self, plan: _Plan, snapshot_id: int) -> AsyncByteStream:
        return await self.download(
            plan.project_id,
            snapshot_id,
            export_type=plan.export_type,
            request_options=plan.request_options,
        )

    async def _fetch(
        self, plan: _Plan, write: Callable[[bytes], object], progress: _Progress, *, in_thread: bool
    ) -> httpx.Response:
        """Prepare the snapshot, then pass its file to ``write`` chunk by chunk; returns the response."""
        async with self._snapshot(plan) as snapshot_id:
            stream = await self._open_download(plan, snapshot_id)
            await _drain(stream, write, progress, _label(plan, snapshot_id), in_thread=in_thread)
            return stream.response
