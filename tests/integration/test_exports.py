"""projects.exports: snapshots built, listed, converted, downloaded and removed; one-request exports."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from typing import Any, Dict, List

import pytest

from label_studio_sdk import InternalServerError, NotFoundError

from .conftest import Flavour, read_all

TEXTS = [f"export {i}" for i in range(5)]


def annotated(text: str) -> Dict[str, Any]:
    choice = {
        "from_name": "sentiment",
        "to_name": "text",
        "type": "choices",
        "value": {"choices": ["Positive"]},
    }
    return {"data": {"text": text}, "annotations": [{"result": [choice]}]}


async def import_annotated(ls: Flavour, project_id: int) -> List[int]:
    imported = await ls.projects.import_tasks(
        project_id, request=[annotated(t) for t in TEXTS], return_task_ids=True
    )
    assert (imported.task_count, imported.annotation_count) == (5, 5)
    assert imported.task_ids and len(imported.task_ids) == 5
    return list(imported.task_ids)


async def completed_snapshot(ls: Flavour, project_id: int, title: str) -> Any:
    """Create a snapshot and wait (at most ~30 s) until the server has built it."""
    snapshot = await ls.projects.exports.create(project_id, title=title)
    assert snapshot.title == title
    for _ in range(100):
        fetched = await ls.projects.exports.get(project_id, str(snapshot.id))
        if fetched.status == "completed":
            return fetched
        assert fetched.status != "failed", fetched
        await asyncio.sleep(0.3)
    pytest.fail(f"snapshot {snapshot.id} not completed after ~30 s: {fetched.status}")


async def test_formats_include_json_and_csv(ls: Flavour, project: Any) -> None:
    names = [f.name for f in await ls.projects.exports.list_formats(project.id)]
    assert {"JSON", "CSV"} <= set(names)


async def test_snapshot_lifecycle(ls: Flavour, project: Any, unique: str) -> None:
    await import_annotated(ls, project.id)
    snapshot = await completed_snapshot(ls, project.id, f"snap-{unique}")
    assert snapshot.counters == {"task_number": 5}
    assert [e.id for e in await ls.projects.exports.list(project.id)] == [snapshot.id]

    exported = json.loads(await read_all(await ls.projects.exports.download(project.id, str(snapshot.id))))
    assert len(exported) == 5
    assert sorted(t["data"]["text"] for t in exported) == TEXTS
    assert all(len(t["annotations"]) == 1 for t in exported)

    await ls.projects.exports.delete(project.id, str(snapshot.id))
    with pytest.raises(NotFoundError) as info:
        await ls.projects.exports.get(project.id, str(snapshot.id))
    assert info.value.status_code == 404
    assert await ls.projects.exports.list(project.id) == []


async def test_snapshot_converts_to_csv(ls: Flavour, project: Any, unique: str) -> None:
    await import_annotated(ls, project.id)
    # 1.23.2 converts inside the request when no worker queue is set up; on a busy SQLite server
    # that write can hit "database is locked", after which its failure handler itself crashes (500,
    # "set_convert_background_failure() missing ... 'traceback_obj'") and leaves the conversion
    # stuck. Only that server failure is retried, on a fresh snapshot.
    for attempt in range(3):
        snapshot = await completed_snapshot(ls, project.id, f"csv-{unique}-{attempt}")
        try:
            started = await ls.projects.exports.convert(project.id, str(snapshot.id), export_type="CSV")
            break
        except InternalServerError as error:
            if "set_convert_background_failure" not in str(error) or attempt == 2:
                raise
    assert started.export_type == "CSV" and started.converted_format

    status = None
    for _ in range(100):
        fetched = await ls.projects.exports.get(project.id, str(snapshot.id))
        formats = {c.export_type: c for c in fetched.converted_formats or []}
        status = formats["CSV"].status if "CSV" in formats else None
        if status in ("completed", "failed"):
            break
        await asyncio.sleep(0.3)
    assert status == "completed", fetched
    assert formats["CSV"].id == started.converted_format

    body = await read_all(await ls.projects.exports.download(project.id, str(snapshot.id), export_type="CSV"))
    header, *lines = list(csv.reader(io.StringIO(body.decode())))
    assert {"annotation_id", "id", "text", "sentiment"} <= set(header)
    rows = [dict(zip(header, line)) for line in lines]
    assert sorted(r["text"] for r in rows) == TEXTS
    assert {r["sentiment"] for r in rows} == {"Positive"}


async def test_download_sync_exports_all_tasks_or_the_chosen_ones(ls: Flavour, project: Any) -> None:
    task_ids = await import_annotated(ls, project.id)

    stream = await ls.projects.exports.download_sync(project.id, export_type="JSON", download_all_tasks=True)
    everything = json.loads(await read_all(stream))
    assert sorted(t["id"] for t in everything) == sorted(task_ids)
    assert sorted(t["data"]["text"] for t in everything) == TEXTS

    chosen = task_ids[1:3]
    stream = await ls.projects.exports.download_sync(
        project.id, export_type="JSON", download_all_tasks=True, ids=chosen
    )
    some = json.loads(await read_all(stream))
    assert sorted(t["id"] for t in some) == sorted(chosen)
