"""projects.import_tasks in chunks against a real server: 20,000 tasks, byte-bounded chunks, a failure midway.

The timing of the 20,000-task import is printed (run with -s to see it) and kept as a test property.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List

import pytest

from label_studio_sdk import BadRequestError
from label_studio_sdk.projects.client_ext import ImportProgress
from label_studio_sdk.projects.import_errors import ChunkedImportError

from .conftest import Flavour, tasks

BIG = 20_000


async def count_on_server(ls: Flavour, project_id: int) -> int:
    """The number of tasks the server holds for the project, as its task list reports it."""
    pager = await ls.tasks.list(project=project_id, page_size=1, fields="task_only")
    assert pager.total is not None
    return int(pager.total)


async def texts_on_server(ls: Flavour, project_id: int) -> List[str]:
    pager = await ls.tasks.list(project=project_id, page_size=1000, fields="task_only")
    return [task.data["text"] async for task in pager]


async def test_twenty_thousand_tasks_go_in_chunks_and_all_land(
    ls: Flavour, project: Any, record_property: Any
) -> None:
    sent = tasks(BIG, prefix="bulk")
    seen: List[ImportProgress] = []

    started = time.perf_counter()
    result = await ls.projects.import_tasks(
        project.id, request=sent, return_task_ids=True, on_progress=seen.append
    )
    elapsed = time.perf_counter() - started

    flavour = "async" if ls.is_async else "sync"
    record_property(f"import_{BIG}_seconds_{flavour}", round(elapsed, 2))
    print(f"\n{flavour}: imported {BIG} tasks in {len(seen)} chunks in {elapsed:.2f} s")

    assert len(seen) == BIG // 1000
    assert [p.tasks_done for p in seen] == list(range(1000, BIG + 1, 1000))
    assert result.task_count == BIG
    assert result.task_ids is not None and len(result.task_ids) == len(set(result.task_ids)) == BIG
    assert await count_on_server(ls, project.id) == BIG
    fetched = await ls.projects.get(project.id)
    assert fetched.task_number == BIG


async def test_chunks_bounded_by_bytes_all_land(ls: Flavour, project: Any) -> None:
    sent = [{"text": f"{i:04d} " + "x" * 2000} for i in range(120)]  # about 2 KB of JSON each
    seen: List[ImportProgress] = []

    result = await ls.projects.import_tasks(
        project.id, request=sent, max_chunk_bytes=32 * 1024, on_progress=seen.append
    )

    assert len(seen) == 8  # 16 tasks of 2,016 bytes fit in 32 KB
    assert result.task_count == 120
    assert sorted(await texts_on_server(ls, project.id)) == sorted(t["text"] for t in sent)


async def test_a_chunk_refused_midway_lands_nothing_and_the_resume_imports_the_rest_once(
    ls: Flavour, project: Any
) -> None:
    sent: List[Dict[str, Any]] = tasks(2500, prefix="resume")
    sent[1500] = {"not_text": "the label config needs $text"}

    with pytest.raises(ChunkedImportError) as info:
        await ls.projects.import_tasks(project.id, request=sent, return_task_ids=True)

    error = info.value
    assert isinstance(error.__cause__, BadRequestError)
    assert (error.chunk_index, error.chunks_total, error.tasks_imported) == (1, 3, 1000)
    assert error.may_have_landed is False
    assert error.partial.task_count == 1000 and len(error.partial.task_ids or []) == 1000
    assert await count_on_server(ls, project.id) == 1000  # the refused chunk left nothing behind

    sent[1500] = {"text": "resume 1500"}
    rest = await ls.projects.import_tasks(project.id, request=sent[error.first_failed_task_index :])

    assert rest.task_count == 1500
    texts = await texts_on_server(ls, project.id)
    assert sorted(texts) == sorted(t["text"] for t in sent)  # every task once, none twice


async def test_wait_on_the_open_source_server_returns_at_once(ls: Flavour, project: Any) -> None:
    result = await ls.projects.import_tasks(project.id, request=tasks(3), chunk_size=2, wait=True)
    assert result.task_count == 3 and result.import_ is None
    assert await count_on_server(ls, project.id) == 3


async def test_one_chunk_errors_are_the_servers_own(ls: Flavour, project: Any) -> None:
    with pytest.raises(BadRequestError, match="No tasks added"):
        await ls.projects.import_tasks(project.id, request=[])
