"""projects.exports.as_json / as_file / as_bytes / as_pandas against a real Label Studio, sync and async.

One project of 2,000 annotated tasks is shared by the module (importing it takes a few seconds);
every helper call makes its own snapshot in it, and deletes it afterwards unless told to keep it.
Durations are printed (``pytest -s``) as a measurement, never asserted.
"""

from __future__ import annotations

import csv
import io
import time
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterator, List, TypeVar

import pytest

from label_studio_sdk import InternalServerError, LabelStudio
from label_studio_sdk.projects.exports.errors import ExportFormatNotOfferedError

from .conftest import API_KEY, TEXT_CONFIG, URL, Flavour

TASK_COUNT = 2_000
T = TypeVar("T")


def annotated(text: str) -> Dict[str, Any]:
    choice = {
        "from_name": "sentiment",
        "to_name": "text",
        "type": "choices",
        "value": {"choices": ["Negative" if text.endswith("7") else "Positive"]},
    }
    return {"data": {"text": text}, "annotations": [{"result": [choice]}]}


TEXTS = [f"review {i}" for i in range(TASK_COUNT)]


@pytest.fixture(scope="module")
def big_project() -> Iterator[Any]:
    """A project with 2,000 tasks, each with one annotation; deleted (with its snapshots) at the end."""
    assert URL and API_KEY
    with LabelStudio(base_url=URL, api_key=API_KEY) as client:
        project = client.projects.create(
            title=f"it-export-helpers-{uuid.uuid4().hex[:8]}", label_config=TEXT_CONFIG
        )
        try:
            imported = client.projects.import_tasks(project.id, request=[annotated(t) for t in TEXTS])
            assert (imported.task_count, imported.annotation_count) == (TASK_COUNT, TASK_COUNT)
            yield project
        finally:
            client.projects.delete(project.id)


async def converting(call: Callable[[], Awaitable[T]]) -> T:
    """Run a helper that converts; retry only Label Studio 1.23.2's own conversion crash.

    Without a worker queue the server converts inside the request; when SQLite is busy that write
    fails with "database is locked" and the failure handler itself crashes (a 500 naming
    set_convert_background_failure). That server fault, and nothing else, is retried with a fresh
    snapshot (each call makes its own), at most twice; any other error fails the test.
    """
    for attempt in range(3):
        try:
            return await call()
        except InternalServerError as error:
            if "set_convert_background_failure" not in str(error) or attempt == 2:
                raise
    raise AssertionError("unreachable")


async def snapshot_ids(ls: Flavour, project_id: int) -> List[int]:
    return sorted(s.id for s in await ls.projects.exports.list(project_id))


async def test_as_json_exports_2000_tasks(ls: Flavour, big_project: Any, unique: str) -> None:
    before = await snapshot_ids(ls, big_project.id)
    started = time.perf_counter()
    tasks: List[Dict[str, Any]] = await ls.projects.exports.as_json(big_project.id, title=f"json-{unique}")
    elapsed = time.perf_counter() - started
    print(f"\nas_json, {TASK_COUNT} tasks, {'async' if ls.is_async else 'sync'}: {elapsed:.2f} s")

    assert len(tasks) == TASK_COUNT
    assert sorted(t["data"]["text"] for t in tasks) == sorted(TEXTS)
    assert all(len(t["annotations"]) == 1 for t in tasks)
    assert await snapshot_ids(ls, big_project.id) == before  # the snapshot was deleted


async def test_keep_snapshot_leaves_it_for_later(ls: Flavour, big_project: Any, unique: str) -> None:
    before = await snapshot_ids(ls, big_project.id)
    tasks = await ls.projects.exports.as_json(
        big_project.id, export_type="JSON", title=f"kept-{unique}", keep_snapshot=True
    )
    assert len(tasks) == TASK_COUNT
    kept = [s for s in await ls.projects.exports.list(big_project.id) if s.id not in before]
    assert [(s.title, s.status) for s in kept] == [(f"kept-{unique}", "completed")]
    await ls.projects.exports.delete(big_project.id, str(kept[0].id))
    assert await snapshot_ids(ls, big_project.id) == before


async def test_as_file_writes_2000_tasks_as_csv(ls: Flavour, big_project: Any, tmp_path: Path) -> None:
    before = await snapshot_ids(ls, big_project.id)
    target = tmp_path / "reviews.csv"
    received: List[int] = []
    started = time.perf_counter()
    written = await converting(
        lambda: ls.projects.exports.as_file(
            big_project.id, target, export_type="CSV", progress=received.append
        )
    )
    elapsed = time.perf_counter() - started
    print(f"\nas_file CSV, {TASK_COUNT} tasks, {'async' if ls.is_async else 'sync'}: {elapsed:.2f} s")

    assert written == target
    assert [p.name for p in tmp_path.iterdir()] == ["reviews.csv"]  # no temporary file left
    assert received and received[-1] == target.stat().st_size
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == TASK_COUNT
    assert {"annotation_id", "id", "text", "sentiment"} <= set(rows[0])
    assert sorted(r["text"] for r in rows) == sorted(TEXTS)
    negatives = sum(1 for t in TEXTS if t.endswith("7"))
    assert sum(1 for r in rows if r["sentiment"] == "Negative") == negatives
    assert await snapshot_ids(ls, big_project.id) == before  # the snapshot and its CSV were deleted


async def test_as_pandas_reads_2000_tasks_into_a_data_frame(ls: Flavour, big_project: Any) -> None:
    pandas = pytest.importorskip("pandas")
    before = await snapshot_ids(ls, big_project.id)
    started = time.perf_counter()
    frame = await converting(lambda: ls.projects.exports.as_pandas(big_project.id))
    elapsed = time.perf_counter() - started
    print(f"\nas_pandas CSV, {TASK_COUNT} tasks, {'async' if ls.is_async else 'sync'}: {elapsed:.2f} s")

    assert isinstance(frame, pandas.DataFrame)
    assert len(frame) == TASK_COUNT
    assert sorted(frame["text"]) == sorted(TEXTS)
    assert int((frame["sentiment"] == "Negative").sum()) == sum(1 for t in TEXTS if t.endswith("7"))
    assert await snapshot_ids(ls, big_project.id) == before


@pytest.mark.parametrize("export_type", ["COCO", "YOLO", "BRUSH_TO_PNG", "NOT_A_FORMAT"])
async def test_a_format_the_project_does_not_offer_fails_before_any_snapshot(
    ls: Flavour, project: Any, tmp_path: Path, export_type: str
) -> None:
    # A text-classification project: the server offers the table and text formats, not image ones.
    listed = await ls.projects.exports.list_formats(project.id)
    offered = [str(f.name) for f in listed if not f.disabled]
    assert {"JSON", "JSON_MIN", "CSV", "TSV"} <= set(offered) and export_type not in offered

    started = time.perf_counter()
    with pytest.raises(ExportFormatNotOfferedError) as info:
        await ls.projects.exports.as_file(project.id, tmp_path, export_type=export_type)
    assert time.perf_counter() - started < 10
    assert info.value.offered == offered
    assert str(info.value) == (
        f"project {project.id} cannot be exported as {export_type!r}; it offers: {', '.join(offered)}"
    )
    assert await ls.projects.exports.list(project.id) == []  # no snapshot was made
    assert list(tmp_path.iterdir()) == []


async def test_as_file_into_a_folder_names_the_file_itself(
    ls: Flavour, big_project: Any, tmp_path: Path
) -> None:
    written = await converting(
        lambda: ls.projects.exports.as_file(big_project.id, tmp_path, export_type="TSV")
    )
    assert written.parent == tmp_path
    assert written.name.startswith(f"project-{big_project.id}-export-") and written.suffix == ".tsv"
    header, *lines = written.read_text(encoding="utf-8").splitlines()
    assert "\t" in header and len(lines) == TASK_COUNT


async def test_an_empty_project_exports_nothing(ls: Flavour, project: Any, tmp_path: Path) -> None:
    assert await ls.projects.exports.as_json(project.id) == []
    body = await converting(lambda: ls.projects.exports.as_bytes(project.id, export_type="CSV"))
    assert len(body.decode().splitlines()) == 1  # the header alone
    assert await ls.projects.exports.list(project.id) == []
