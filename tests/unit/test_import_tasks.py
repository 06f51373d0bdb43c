"""projects.import_tasks takes a list of task dicts (JSON) or files (multipart), exactly one of them."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from label_studio_sdk import AsyncLabelStudio, LabelStudio

IMPORTED = {
    "task_count": 2,
    "annotation_count": 0,
    "prediction_count": 0,
    "duration": 0.1,
    "file_upload_ids": [5],
}


@pytest.fixture
def route(respx_mock: respx.MockRouter) -> respx.Route:
    return respx_mock.post("/api/projects/3/import").mock(return_value=httpx.Response(201, json=IMPORTED))


def test_tasks_go_as_a_json_list(client: LabelStudio, route: respx.Route) -> None:
    result = client.projects.import_tasks(3, request=[{"text": "a"}, {"text": "b"}], return_task_ids=True)
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == [{"text": "a"}, {"text": "b"}]
    assert request.url.params["return_task_ids"] == "true"
    assert result.task_count == 2


def test_files_go_as_multipart_with_their_names(
    client: LabelStudio, route: respx.Route, tmp_path: Path
) -> None:
    csv = tmp_path / "reviews.csv"
    csv.write_bytes(b"text\ngood\nbad\n")
    client.projects.import_tasks(3, files=[csv, ("more.json", b'[{"text": "c"}]', "application/json")])
    request = route.calls.last.request
    assert request.headers["content-type"].startswith("multipart/form-data")
    body = request.content
    # One form field per file: the server keeps only the last file of a repeated field name.
    assert b'name="file"; filename="reviews.csv"' in body and b"text\ngood\nbad\n" in body
    assert b'name="file_1"; filename="more.json"' in body and b'[{"text": "c"}]' in body


@pytest.mark.parametrize(
    "kwargs", [{}, {"request": [{"text": "a"}], "files": [b"x"]}], ids=["neither", "both"]
)
def test_exactly_one_of_request_or_files(client: LabelStudio, route: respx.Route, kwargs: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(TypeError, match="exactly one of request= or files="):
        client.projects.import_tasks(3, **kwargs)
    assert route.call_count == 0


async def test_async_files(async_client: AsyncLabelStudio, route: respx.Route) -> None:
    result = await async_client.projects.import_tasks(3, files=[("tasks.txt", b"one\ntwo\n", "text/plain")])
    assert b'filename="tasks.txt"' in route.calls.last.request.content
    assert result.file_upload_ids == [5]


def test_a_single_file_tuple_is_one_file(client: LabelStudio, route: respx.Route) -> None:
    client.projects.import_tasks(3, files=("tasks.json", b"[]", "application/json"))  # type: ignore[arg-type]
    body = route.calls.last.request.content
    assert body.count(b"filename=") == 1 and b'name="file"; filename="tasks.json"' in body
