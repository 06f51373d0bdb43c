"""Local-files storages: tasks read from a folder on the server, annotations written back to one."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any, Iterator, List

import pytest

from label_studio_sdk import BadRequestError, NotFoundError

from .conftest import Flavour, tasks

TEXTS = ["from storage 0", "from storage 1", "from storage 2"]


@pytest.fixture
def folder(files_root: Path) -> Iterator[Path]:
    """files_root, removed afterwards with whatever the server wrote into it."""
    yield files_root
    shutil.rmtree(files_root, ignore_errors=True)


async def texts_of(ls: Flavour, project_id: int, expected: int) -> List[str]:
    """The task texts of a project, waiting briefly (at most ~10 s) for `expected` tasks to appear."""
    for _ in range(40):
        found = sorted([t.data["text"] async for t in await ls.tasks.list(project=project_id)])
        if len(found) >= expected:
            return found
        await asyncio.sleep(0.25)
    return found


async def test_both_directions_support_local_files(ls: Flavour) -> None:
    assert "localfiles" in [t.name for t in await ls.import_storage.list_types()]
    assert "localfiles" in [t.name for t in await ls.export_storage.list_types()]


async def test_local_import_storage_lifecycle(ls: Flavour, project: Any, folder: Path, unique: str) -> None:
    for i, text in enumerate(TEXTS):
        (folder / f"task-{i}.json").write_text(json.dumps({"text": text}))
    (folder / "notes.txt").write_text("skipped by the regex filter")
    settings = dict(project=project.id, path=str(folder), regex_filter=".*json", use_blob_urls=False)

    await ls.import_storage.local.validate(**settings)
    with pytest.raises(BadRequestError):
        await ls.import_storage.local.validate(**{**settings, "path": str(folder / "missing")})

    created = await ls.import_storage.local.create(title=f"in-{unique}", **settings)
    try:
        assert (created.path, created.regex_filter, created.use_blob_urls) == (str(folder), ".*json", False)
        fetched = await ls.import_storage.local.get(created.id)
        assert (fetched.title, fetched.project) == (f"in-{unique}", project.id)
        assert [s.id for s in await ls.import_storage.local.list(project=project.id)] == [created.id]

        synced = await ls.import_storage.local.sync(created.id)
        assert synced.id == created.id
        assert await texts_of(ls, project.id, 3) == TEXTS
        after = await ls.import_storage.local.get(created.id)
        assert after.status == "completed" and after.last_sync_count == 3

        await ls.import_storage.local.update(created.id, title=f"renamed-{unique}", path=str(folder))
        assert (await ls.import_storage.local.get(created.id)).title == f"renamed-{unique}"
    finally:
        await ls.import_storage.local.delete(created.id)
    with pytest.raises(NotFoundError):
        await ls.import_storage.local.get(created.id)
    assert await ls.import_storage.local.list(project=project.id) == []
    # The imported tasks stay after their storage is gone.
    assert await texts_of(ls, project.id, 3) == TEXTS


async def test_local_export_storage_writes_annotations_to_disk(
    ls: Flavour, project: Any, folder: Path, unique: str
) -> None:
    target = folder / "export"
    target.mkdir()
    imported = await ls.projects.import_tasks(project.id, request=tasks(2), return_task_ids=True)
    task_id = imported.task_ids[0]
    result = [
        {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}
    ]
    annotation = await ls.annotations.create(task_id, result=result)

    created = await ls.export_storage.local.create(
        title=f"out-{unique}", project=project.id, path=str(target)
    )
    try:
        assert created.path == str(target)
        assert [s.id for s in await ls.export_storage.local.list(project=project.id)] == [created.id]
        synced = await ls.export_storage.local.sync(created.id)
        assert synced.id == created.id

        written = target / str(annotation.id)
        for _ in range(40):
            if written.exists() and (await ls.export_storage.local.get(created.id)).status == "completed":
                break
            await asyncio.sleep(0.25)
        assert [p.name for p in target.iterdir()] == [str(annotation.id)]
        exported = json.loads(written.read_text())
        assert exported["id"] == annotation.id
        assert exported["result"] == result
        assert exported["task"]["id"] == task_id
        assert (await ls.export_storage.local.get(created.id)).title == f"out-{unique}"
    finally:
        await ls.export_storage.local.delete(created.id)
    with pytest.raises(NotFoundError):
        await ls.export_storage.local.get(created.id)
    assert await ls.export_storage.local.list(project=project.id) == []
