"""files: uploads made through projects.import_tasks(files=...), read back, downloaded and removed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Sequence

import pytest

from label_studio_sdk import NotFoundError

from .conftest import Flavour, read_all

CSV_BYTES = b"text\nhello from csv\nbye from csv\n"
JSON_BYTES = json.dumps([{"text": "hello from json"}]).encode()


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    path = tmp_path / "tasks.csv"
    path.write_bytes(CSV_BYTES)
    return path


async def upload(ls: Flavour, project_id: int, files: Sequence[Any]) -> Dict[str, Any]:
    """projects.import_tasks(files=...) through the SDK, answered as the server's fields."""
    imported = await ls.projects.import_tasks(project_id, files=files, return_task_ids=True)
    return imported.model_dump(by_alias=True)


def upload_name(stored: str) -> str:
    """The `filename` for files.download: the record's `file` ("upload/<project>/<name>") below "upload/"."""
    assert stored.startswith("upload/"), stored
    return stored[len("upload/") :]


async def test_file_import_answer_parses(ls: Flavour, project: Any) -> None:
    imported = await ls.projects.import_tasks(
        project.id, files=[("tasks.json", JSON_BYTES)], return_task_ids=True
    )
    assert imported.task_count == 1
    assert imported.file_upload_ids and len(imported.file_upload_ids) == 1
    assert imported.data_columns == ["text"]


async def test_import_of_a_csv_path_and_json_bytes_creates_tasks_from_both(
    ls: Flavour, project: Any, csv_path: Path
) -> None:
    imported = await upload(ls, project.id, [csv_path, ("tasks.json", JSON_BYTES)])
    texts = sorted([t.data["text"] async for t in await ls.tasks.list(project=project.id)])
    # Both files must arrive: two upload records, two CSV rows plus one JSON task.
    assert len(imported["file_upload_ids"]) == 2, imported
    assert texts == ["bye from csv", "hello from csv", "hello from json"]
    assert imported["task_count"] == 3


async def test_uploads_are_fetched_and_downloaded_byte_for_byte(
    ls: Flavour, project: Any, csv_path: Path
) -> None:
    # One file per call, so each upload is independent of how several files share a request.
    csv_ids = (await upload(ls, project.id, [csv_path]))["file_upload_ids"]
    json_ids = (await upload(ls, project.id, [("tasks.json", JSON_BYTES)]))["file_upload_ids"]
    assert len(csv_ids) == len(json_ids) == 1
    texts = sorted([t.data["text"] async for t in await ls.tasks.list(project=project.id)])
    assert texts == ["bye from csv", "hello from csv", "hello from json"]

    listed = await ls.files.list(project.id, all_=True)
    assert sorted(f.id for f in listed) == sorted(csv_ids + json_ids)

    for upload_id, sent, suffix in (
        (csv_ids[0], CSV_BYTES, "tasks.csv"),
        (json_ids[0], JSON_BYTES, "tasks.json"),
    ):
        record = await ls.files.get(upload_id)
        assert record.id == upload_id
        assert record.file and record.file.startswith(f"upload/{project.id}/")
        assert record.file.endswith(suffix)
        assert record.size == len(sent)
        assert await read_all(await ls.files.download(upload_name(record.file))) == sent


async def test_uploads_are_listed_by_the_ids_of_the_import(ls: Flavour, project: Any, csv_path: Path) -> None:
    ids: List[int] = []
    ids += (await upload(ls, project.id, [csv_path]))["file_upload_ids"]
    ids += (await upload(ls, project.id, [("tasks.json", JSON_BYTES)]))["file_upload_ids"]
    listed = await ls.files.list(project.id, ids=ids)
    assert sorted(f.id for f in listed) == sorted(ids)
    only_first = await ls.files.list(project.id, ids=ids[0])
    assert [f.id for f in only_first] == [ids[0]]


async def test_delete_one_upload(ls: Flavour, project: Any, csv_path: Path) -> None:
    [gone] = (await upload(ls, project.id, [csv_path]))["file_upload_ids"]
    [kept] = (await upload(ls, project.id, [("tasks.json", JSON_BYTES)]))["file_upload_ids"]
    await ls.files.delete(gone)
    with pytest.raises(NotFoundError) as info:
        await ls.files.get(gone)
    assert info.value.status_code == 404
    assert [f.id for f in await ls.files.list(project.id, all_=True)] == [kept]
    assert (await ls.files.get(kept)).id == kept


async def test_delete_many_removes_every_upload_of_the_project(
    ls: Flavour, project: Any, csv_path: Path
) -> None:
    ids = (await upload(ls, project.id, [csv_path]))["file_upload_ids"]
    ids += (await upload(ls, project.id, [("tasks.json", JSON_BYTES)]))["file_upload_ids"]
    assert len(await ls.files.list(project.id, all_=True)) == 2
    removed = await ls.files.delete_many(project.id)
    assert removed.deleted == 2
    assert await ls.files.list(project.id, all_=True) == []
    for upload_id in ids:
        with pytest.raises(NotFoundError):
            await ls.files.get(upload_id)
