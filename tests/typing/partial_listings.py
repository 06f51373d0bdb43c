"""Listings that select fields (``include=``), as a type checker sees them (not run).

Without ``include`` the items are the full model, whose always-sent fields are not Optional; with
it they are the ``Partial`` form, every field Optional, because the server leaves the others out.
"""

from __future__ import annotations

from typing import Optional, Union

from typing_extensions import assert_type

from label_studio_sdk import (
    OMIT,
    AsyncLabelStudio,
    AsyncPager,
    LabelStudio,
    Omit,
    PartialProject,
    PartialProjectCounts,
    PartialTask,
    Project,
    ProjectCounts,
    SyncPager,
    Task,
)


def listings(client: LabelStudio, include: Union[str, Omit] = OMIT) -> None:
    assert_type(client.projects.list(), SyncPager[Project])
    assert_type(client.projects.list(include="id,title"), SyncPager[PartialProject])
    assert_type(client.projects.list(include=include), Union[SyncPager[Project], SyncPager[PartialProject]])
    assert_type(client.projects.list_counts(), SyncPager[ProjectCounts])
    assert_type(client.projects.list_counts(include="task_number"), SyncPager[PartialProjectCounts])
    assert_type(client.tasks.list(project=1), SyncPager[Task])
    assert_type(client.tasks.list(project=1, include="id"), SyncPager[PartialTask])
    for task in client.tasks.list(project=1, include="id"):
        task_id: Optional[int] = task.id
        print(task_id)


async def async_listings(client: AsyncLabelStudio) -> None:
    assert_type(client.tasks.list(project=1), AsyncPager[Task])
    assert_type(client.tasks.list(project=1, include="data"), AsyncPager[PartialTask])
    assert_type(await client.projects.list(include="id"), AsyncPager[PartialProject])
