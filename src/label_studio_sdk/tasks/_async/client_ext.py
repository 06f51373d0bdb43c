"""The tasks overlay: ``tasks/_async/client_ext.py`` is written by hand, ``tasks/_sync/`` is generated from it.

``tasks.list`` with ``filters=`` and ``ordering=``; the query they become is ``tasks/client_ext.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence, Union, overload

from label_studio_sdk.core.options import OMIT, Omit, RequestOptions
from label_studio_sdk.core.pagination import AsyncPager
from label_studio_sdk.tasks.client import AsyncTasksClient

if TYPE_CHECKING:
    from label_studio_sdk.tasks.types.tasks_list_request_fields import TasksListRequestFields
    from label_studio_sdk.types.partial_task import PartialTask
    from label_studio_sdk.types.task import Task

from label_studio_sdk.tasks.client_ext import (
    TaskFilters,
    _pick_query,
)


class AsyncTasksClientExt(AsyncTasksClient):
    """Tasks, plus ``filters=`` and ``ordering=`` on ``list``."""

    @overload
    def list(
        self,
        *,
        page: Union[int, Omit] = OMIT,
        page_size: Union[int, Omit] = OMIT,
        view: Union[int, Omit] = OMIT,
        project: Union[int, Omit] = OMIT,
        resolve_uri: Union[bool, Omit] = OMIT,
        fields: Union[TasksListRequestFields, Omit] = "all",
        review: Union[bool, Omit] = OMIT,
        include: Omit = OMIT,
        query: Union[str, Omit] = OMIT,
        filters: Optional[TaskFilters] = None,
        ordering: Optional[Sequence[str]] = None,
        request_options: Optional[RequestOptions] = None,
    ) -> AsyncPager[Task]: ...

    @overload
    def list(
        self,
        *,
        page: Union[int, Omit] = OMIT,
        page_size: Union[int, Omit] = OMIT,
        view: Union[int, Omit] = OMIT,
        project: Union[int, Omit] = OMIT,
        resolve_uri: Union[bool, Omit] = OMIT,
        fields: Union[TasksListRequestFields, Omit] = "all",
        review: Union[bool, Omit] = OMIT,
        include: str,
        query: Union[str, Omit] = OMIT,
        filters: Optional[TaskFilters] = None,
        ordering: Optional[Sequence[str]] = None,
        request_options: Optional[RequestOptions] = None,
    ) -> AsyncPager[PartialTask]: ...

    @overload
    def list(
        self,
        *,
        page: Union[int, Omit] = OMIT,
        page_size: Union[int, Omit] = OMIT,
        view: Union[int, Omit] = OMIT,
        project: Union[int, Omit] = OMIT,
        resolve_uri: Union[bool, Omit] = OMIT,
        fields: Union[TasksListRequestFields, Omit] = "all",
        review: Union[bool, Omit] = OMIT,
        include: Union[str, Omit] = OMIT,
        query: Union[str, Omit] = OMIT,
        filters: Optional[TaskFilters] = None,
        ordering: Optional[Sequence[str]] = None,
        request_options: Optional[RequestOptions] = None,
    ) -> Union[AsyncPager[Task], AsyncPager[PartialTask]]: ...

    def list(
        self,
        *,
        page: Union[int, Omit] = OMIT,
        page_size: Union[int, Omit] = OMIT,
        view: Union[int, Omit] = OMIT,
        project: Union[int, Omit] = OMIT,
        resolve_uri: Union[bool, Omit] = OMIT,
        fields: Union[TasksListRequestFields, Omit] = "all",
        review: Union[bool, Omit] = OMIT,
        include: Union[str, Omit] = OMIT,
        query: Union[str, Omit] = OMIT,
        filters: Optional[TaskFilters] = None,
        ordering: Optional[Sequence[str]] = None,
        request_options: Optional[RequestOptions] = None,
    ) -> Union[AsyncPager[Task], AsyncPager[PartialTask]]:
        """Page through the tasks of a project or a Data Manager view, optionally filtered and sorted.

        Args:
            page: One-based number of the page to fetch.
            page_size: How many tasks to put on one page.
            view: ID of a Data Manager view (tab) whose filters and ordering apply.
            project: ID of the project whose tasks are listed; the server needs this or a view.
            resolve_uri: When true, storage URIs inside task data are turned into fetchable links.
            fields: "all" (the default) lists each task with its annotations and predictions; "task_only"
                leaves them out, which is faster for large projects.
            review: When true, list the tasks in reviewing mode.
            include: Comma-separated task fields to return; other fields are left out, and the tasks are
                ``PartialTask`` (every field optional).
            query: The raw Data Manager query as JSON text; not together with filters or ordering.
            filters: Conditions the tasks must meet, e.g. ``Filters.all_of(F.id.greater(5))``.
            ordering: Columns to sort by, e.g. ``["-tasks:id"]`` (a leading "-" sorts descending).
            request_options: Per-call timeout, retries, extra headers, query or body fields.

        Returns:
            A pager of ``Task`` (``PartialTask`` with ``include=``): iterate it with ``async for``, await
            ``to_list()``, or call ``iter_pages()``.
        """
        return super().list(
            page=page,
            page_size=page_size,
            view=view,
            project=project,
            resolve_uri=resolve_uri,
            fields=fields,
            review=review,
            include=include,
            query=_pick_query(query, filters, ordering),
            request_options=request_options,
        )
