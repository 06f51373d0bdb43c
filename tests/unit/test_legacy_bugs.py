"""One test per 0.x ``project`` bug that the compatibility layer fixes (legacy-inventory.md section 3).

Each test is named after the bug it pins down; respx stands in for the server.
"""

from __future__ import annotations

import ast
import copy
import inspect
import json
import pickle
import random
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterator, List

import httpx
import pytest
import respx

from label_studio_sdk import ExportSnapshot, Prediction, Task
from label_studio_sdk import Project as ProjectModel
from label_studio_sdk._legacy import project as project_module
from label_studio_sdk._legacy import results, sampling, storage
from label_studio_sdk._legacy.client import Client
from label_studio_sdk._legacy.project import (
    ExportSnapshotStatus,
    LabelStudioAttributeError,
    LabelStudioException,
    Project,
    ProjectSampling,
    safe_file_name,
)
from label_studio_sdk._legacy.users import User
from label_studio_sdk.core.errors import (
    BadRequestError,
    InternalServerError,
    NotFoundError,
    UnauthorizedError,
)
from tests.conftest import API_KEY, BASE_URL
from tests.samples import sample

CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices>
  <Choices name="topic" toName="text"><Choice value="Sport"/><Choice value="News"/></Choices>
  <Taxonomy name="tax" toName="text"><Choice value="Animals"/></Taxonomy>
  <Labels name="ner" toName="text"><Label value="PER"/></Labels>
  <TextArea name="comment" toName="text"/>
</View>"""
PROJECT: Dict[str, Any] = sample(ProjectModel, id=3, title="Sentiment", label_config=CONFIG, task_number=4)
P = "/api/projects/3"


def body(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


def page(tasks: List[Dict[str, Any]], total: int) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "tasks": [sample(Task, **task) for task in tasks],
            "total": total,
            "total_annotations": 0,
            "total_predictions": 0,
        },
    )


@pytest.fixture
def legacy_client(sleeps: List[float]) -> Iterator[Client]:
    client = Client(url=BASE_URL, api_key=API_KEY)
    yield client
    client.close()


@pytest.fixture
def project(legacy_client: Client, respx_mock: respx.MockRouter) -> Project:
    return Project._create_from_id(legacy_client, 3, params=dict(PROJECT))


# -- 3.1 the project object -------------------------------------------------------------------------


def test_missing_field_raises_attribute_error_so_hasattr_and_getattr_default_work(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json=PROJECT))
    assert hasattr(project, "no_such_field") is False
    assert getattr(project, "no_such_field", "default") == "default"
    with pytest.raises(AttributeError, match="no_such_field"):
        project.no_such_field  # noqa: B018
    with pytest.raises(LabelStudioAttributeError):
        project.no_such_field  # noqa: B018


def test_missing_field_probes_fetch_the_project_at_most_once(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json=PROJECT))
    for _ in range(5):
        hasattr(project, "color")  # a project field this project's params lack
    assert route.call_count == 1  # 0.x fetched the project on every probe
    hasattr(project, "no_such_field")  # not a field at all: no request (tests/unit/test_legacy_0x.py)
    assert route.call_count == 1


def test_private_and_dunder_names_never_reach_the_server(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json=PROJECT))
    for name in (
        "_repr_html_",
        "__deepcopy__",
        "_ipython_canary_method_should_not_exist_",
        "__length_hint__",
    ):
        assert not hasattr(project, name)
    assert route.call_count == 0


def test_getattr_without_params_does_not_recurse() -> None:
    bare = Project.__new__(Project)  # what unpickling and copy see before the state is restored
    with pytest.raises(AttributeError):
        bare.title  # noqa: B018
    with pytest.raises(AttributeError):
        bare.params  # noqa: B018


def test_project_without_id_does_not_recurse(legacy_client: Client, respx_mock: respx.MockRouter) -> None:
    fresh = Project(url=BASE_URL, api_key=API_KEY, ls=legacy_client.ls)
    with pytest.raises(LabelStudioAttributeError, match="no id yet"):
        fresh.title  # noqa: B018
    with pytest.raises(LabelStudioAttributeError):
        fresh.get_params()


def test_copy_and_pickle_keep_the_fields_without_a_request(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json=PROJECT))
    assert copy.copy(project).title == "Sentiment"
    assert copy.deepcopy(project.params) == PROJECT
    restored = pickle.loads(pickle.dumps(project))
    assert restored.title == "Sentiment" and restored.params == PROJECT
    restored.close()
    assert route.call_count == 0


def test_attribute_error_inside_a_property_is_not_masked_by_the_field_lookup(
    legacy_client: Client, respx_mock: respx.MockRouter
) -> None:
    fresh = Project(url=BASE_URL, api_key=API_KEY, ls=legacy_client.ls)
    # parsed_label_config needs label_config; the error must name it, not "parsed_label_config".
    with pytest.raises(LabelStudioAttributeError, match='"label_config"'):
        fresh.parsed_label_config  # noqa: B018


def test_set_params_refreshes_the_cached_params(project: Project, respx_mock: respx.MockRouter) -> None:
    stored = dict(PROJECT)

    def patch(request: httpx.Request) -> httpx.Response:
        stored.update(json.loads(request.content))
        return httpx.Response(200, json=stored)

    respx_mock.patch(f"{P}/").mock(side_effect=patch)
    project.set_params(title="Renamed")
    project.set_sampling(ProjectSampling.SEQUENCE)
    project.set_published(True)
    project.set_model_version("v7")
    assert (project.title, project.sampling, project.is_published, project.model_version) == (
        "Renamed",
        "Sequential sampling",
        True,
        "v7",
    )


def test_set_params_raises_the_typed_error_instead_of_asserting(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    respx_mock.patch(f"{P}/").mock(return_value=httpx.Response(400, json={"detail": "bad sampling"}))
    with pytest.raises(BadRequestError, match="bad sampling"):
        project.set_params(sampling="nope")


def test_create_from_id_copies_the_params_it_is_given(legacy_client: Client) -> None:
    listing = {"title": "From a listing"}
    project = Project._create_from_id(legacy_client, 5, params=listing)
    assert listing == {"title": "From a listing"}  # 0.x wrote "id" into the caller's dict
    project.params["title"] = "changed"
    assert listing["title"] == "From a listing"
    assert project.id == 5


def test_no_assert_statements_for_runtime_checks() -> None:
    for module in (project_module, sampling, storage, results):
        tree = ast.parse(inspect.getsource(module))
        asserts = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
        assert asserts == [], f"{module.__name__} uses assert at lines {asserts}"


def test_export_snapshot_status_without_status_raises_instead_of_asserting() -> None:
    state = ExportSnapshotStatus({"id": 1})
    for check in (state.is_created, state.is_in_progress, state.is_failed, state.is_completed):
        with pytest.raises(LabelStudioException, match='"status"'):
            check()


def test_start_project_failure_names_the_server_reason(
    legacy_client: Client, respx_mock: respx.MockRouter
) -> None:
    respx_mock.post("/api/projects/").mock(
        return_value=httpx.Response(400, json={"label_config": ["Invalid XML"]})
    )
    fresh = Project(url=BASE_URL, api_key=API_KEY, ls=legacy_client.ls)
    with pytest.raises(LabelStudioException, match=r"Project not created.*Invalid XML") as caught:
        fresh.start_project(title="x", label_config="<View")
    assert isinstance(caught.value, BadRequestError)  # our typed error, and the 0.x exception
    assert caught.value.status_code == 400 and caught.value.body == {"label_config": ["Invalid XML"]}
    assert isinstance(caught.value.__cause__, BadRequestError)


def test_get_paginated_tasks_errors_are_typed_and_still_legacy_exceptions(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get("/api/tasks").mock(return_value=httpx.Response(404, json={"detail": "Invalid page."}))
    # the 0.x loop idiom: stop on LabelStudioException past the last page
    with pytest.raises(LabelStudioException, match="Error loading tasks") as caught:
        project.get_paginated_tasks(page=9, page_size=10)
    assert isinstance(caught.value, NotFoundError) and caught.value.status_code == 404


# -- 3.2 tasks and pagination ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequestError), (401, UnauthorizedError), (500, InternalServerError)],
)
def test_get_tasks_raises_server_errors_instead_of_returning_a_partial_list(
    project: Project, respx_mock: respx.MockRouter, status: int, error: type
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "1":
            return page([{"id": i} for i in range(100)], 300)
        return httpx.Response(status, json={"detail": "broken"})

    respx_mock.get("/api/tasks/").mock(side_effect=answer)
    with pytest.raises(error):
        project.get_tasks()


def test_get_tasks_treats_a_404_past_the_first_page_as_the_end(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "1":
            return page([{"id": i} for i in range(100)], 1000)  # the total overstates what exists
        return httpx.Response(404, json={"detail": "Invalid page."})

    respx_mock.get("/api/tasks/").mock(side_effect=answer)
    assert project.get_tasks_ids() == list(range(100))


def test_get_tasks_raises_a_404_on_the_first_page(project: Project, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/tasks/").mock(return_value=httpx.Response(404, json={"detail": "No project"}))
    with pytest.raises(NotFoundError):
        project.get_tasks()


def test_get_tasks_stops_on_an_empty_page_without_a_404(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        tasks = [{"id": 1}, {"id": 2}] if number == 1 else []
        return page(tasks, 99)  # a server whose total is wrong and that never answers 404

    route = respx_mock.get("/api/tasks/").mock(side_effect=answer)
    assert project.get_tasks_ids(page_size=2) == [1, 2]
    assert route.call_count == 2


def test_get_tasks_stops_when_total_is_reached(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/tasks/").mock(return_value=page([{"id": 1}, {"id": 2}], 2))
    assert project.get_tasks_ids(page_size=2) == [1, 2]
    assert route.call_count == 1


def test_get_tasks_page_size_is_configurable(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/tasks/").mock(return_value=page([{"id": 1}], 1))
    project.get_tasks(page_size=500)
    assert route.calls.last.request.url.params["page_size"] == "500"
    assert inspect.signature(Project.get_tasks).parameters["page_size"].kind is inspect.Parameter.KEYWORD_ONLY
    with pytest.raises(ValueError, match="page_size"):
        project.get_tasks(page_size=0)


def test_only_ids_does_not_fetch_all_fields(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/tasks/").mock(return_value=page([{"id": 1}], 1))
    project.get_tasks(only_ids=True)
    params = route.calls.last.request.url.params
    assert params["include"] == "id" and "fields" not in params
    one_page = respx_mock.get("/api/tasks").mock(return_value=page([{"id": 1}], 1))
    project.get_paginated_tasks(only_ids=True)
    params = one_page.calls.last.request.url.params
    assert params["include"] == "id" and "fields" not in params


def test_empty_selected_ids_still_means_all_tasks_as_documented(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get("/api/tasks/").mock(return_value=page([{"id": 1}], 1))
    project.get_tasks(selected_ids=[])
    sent = json.loads(route.calls.last.request.url.params["query"])
    assert sent["selectedItems"] == {"all": True, "excluded": []}


def test_percent_in_filter_values_survives_the_servers_second_decoding(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get("/api/tasks/").mock(return_value=page([], 0))
    filters = {
        "conjunction": "and",
        "items": [
            {"filter": "filter:tasks:data.t", "operator": "equal", "type": "String", "value": "100%41"}
        ],
    }
    project.get_tasks(filters=filters)
    raw = route.calls.last.request.url.params["query"]
    assert "100%2541" in raw  # the server decodes once more and gets 100%41 back


# -- 3.3 import, export, predictions -------------------------------------------------------------------


def test_import_tasks_sends_large_lists_in_chunks_and_joins_the_ids(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    counter = iter(range(1, 10**6))

    def answer(request: httpx.Request) -> httpx.Response:
        tasks = json.loads(request.content)
        return httpx.Response(
            201, json={"task_count": len(tasks), "task_ids": [next(counter) for _ in tasks]}
        )

    route = respx_mock.post(f"{P}/import").mock(side_effect=answer)
    ids = project.import_tasks([{"text": str(i)} for i in range(2500)])
    assert ids == list(range(1, 2501))
    assert route.call_count == 3


def test_import_tasks_without_task_ids_in_the_answer_returns_an_empty_list(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    respx_mock.post(f"{P}/import").mock(return_value=httpx.Response(201, json={"task_count": 1}))
    assert project.import_tasks([{"text": "a"}]) == []  # 0.x: KeyError after a successful import


def test_import_tasks_missing_file_raises_clearly(
    project: Project, respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(LabelStudioException, match="no such file"):
        project.import_tasks(str(missing))
    with pytest.raises(LabelStudioException, match=r"nope\.json"):
        project.import_tasks(missing)
    with pytest.raises(TypeError, match="int"):
        project.import_tasks(42)  # type: ignore[arg-type]


def test_import_tasks_from_a_url_is_not_file_not_found(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post(f"{P}/import").mock(return_value=httpx.Response(201, json={"task_ids": [8, 9]}))
    assert project.import_tasks("https://example.org/tasks.json") == [8, 9]
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == b"url=https%3A%2F%2Fexample.org%2Ftasks.json"
    assert request.url.params["return_task_ids"] == "true"


@pytest.mark.parametrize(
    ("export_type", "content"),
    [("CSV", b"id,text\n1,a\n"), ("COCO", b"PK\x03\x04zip-bytes"), ("YOLO", b"PK\x03\x04")],
)
def test_export_tasks_returns_bytes_for_formats_that_are_not_json(
    project: Project, respx_mock: respx.MockRouter, export_type: str, content: bytes
) -> None:
    route = respx_mock.get(f"{P}/export").mock(return_value=httpx.Response(200, content=content))
    assert project.export_tasks(export_type) == content
    assert route.calls.last.request.url.params["exportType"] == export_type


def test_export_tasks_encodes_the_export_type(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{P}/export").mock(return_value=httpx.Response(200, content=b"x"))
    project.export_tasks("CSV&download_all_tasks=true")
    assert dict(route.calls.last.request.url.params) == {
        "exportType": "CSV&download_all_tasks=true",
        "download_all_tasks": "false",  # always sent, as the last 0.x release did
        "download_resources": "false",
    }
    respx_mock.get(f"{P}/export").mock(return_value=httpx.Response(200, json=[{"id": 1}]))
    assert project.export_tasks("JSON_MIN") == [{"id": 1}]


def test_export_snapshot_create_sends_interpolate_key_frames_once_as_a_json_bool(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post(f"{P}/exports/").mock(
        return_value=httpx.Response(201, json=sample(ExportSnapshot, id=9))
    )
    project.export_snapshot_create("snap", interpolate_key_frames=True)
    request = route.calls.last.request
    assert "interpolate_key_frames" not in request.url.params  # 0.x: "?interpolate_key_frames=True"
    assert body(route)["serialization_options"]["interpolate_key_frames"] is True


@pytest.mark.parametrize(
    ("header", "saved"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/cron.d/evil.json", "evil.json"),
        ("..\\..\\windows\\evil.json", "evil.json"),
        ("export/project-3.json", "project-3.json"),
        ("..", "project-3-export-9.json"),
        (".bashrc", "project-3-export-9.json"),
        ("C:evil.json", "project-3-export-9.json"),
        ("bad\x01name.json", "project-3-export-9.json"),
        (None, "project-3-export-9.json"),
    ],
)
def test_export_snapshot_download_never_uses_the_server_file_name_as_a_path(
    project: Project, respx_mock: respx.MockRouter, tmp_path: Path, header: Any, saved: str
) -> None:
    headers = {} if header is None else {"filename": header}
    respx_mock.get(f"{P}/exports/9/download").mock(
        return_value=httpx.Response(200, content=b"[]", headers=headers)
    )
    target = tmp_path / "out"
    status, name = project.export_snapshot_download(9, path=str(target))
    assert (status, name) == (200, saved)
    assert [p.name for p in target.iterdir()] == [saved]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing written outside the folder


def test_export_snapshot_download_creates_the_folder_and_streams(
    project: Project, respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    content = b"x" * (3 * 65536 + 5)
    respx_mock.get(f"{P}/exports/9/download").mock(
        return_value=httpx.Response(
            200,
            stream=httpx.ByteStream(content),
            headers={"content-disposition": 'attachment; filename="p3.zip"'},
        )
    )
    folder = tmp_path / "a" / "b"
    assert project.export_snapshot_download(9, export_type="COCO", path=str(folder)) == (200, "p3.zip")
    assert (folder / "p3.zip").read_bytes() == content


def test_export_snapshot_download_error_is_raised_and_nothing_is_left(
    project: Project, respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    respx_mock.get(f"{P}/exports/9/download").mock(
        return_value=httpx.Response(404, json={"detail": "not converted"})
    )
    with pytest.raises(NotFoundError):
        project.export_snapshot_download(9, export_type="CSV", path=str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_safe_file_name() -> None:
    assert (
        safe_file_name("project-1-at-2024-01-01-10-00-abc.json") == "project-1-at-2024-01-01-10-00-abc.json"
    )
    assert safe_file_name("a/b/../c.json") == "c.json"
    for bad in ("", ".", "..", "../", ".hidden", "x" * 300, "a\nb", "a:b", None):
        assert safe_file_name(bad) is None


@pytest.mark.parametrize(
    ("given", "full"),
    [
        (
            "Positive",
            [
                {
                    "from_name": "sentiment",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": ["Positive"]},
                }
            ],
        ),
        (
            "Sport",
            [{"from_name": "topic", "to_name": "text", "type": "choices", "value": {"choices": ["Sport"]}}],
        ),
        (
            "Animals",
            [
                {
                    "from_name": "tax",
                    "to_name": "text",
                    "type": "taxonomy",
                    "value": {"taxonomy": [["Animals"]]},
                }
            ],
        ),
        (
            {"choices": ["News"]},
            [{"from_name": "topic", "to_name": "text", "type": "choices", "value": {"choices": ["News"]}}],
        ),
        (
            {"text": ["a remark"]},
            [
                {
                    "from_name": "comment",
                    "to_name": "text",
                    "type": "textarea",
                    "value": {"text": ["a remark"]},
                }
            ],
        ),
        (
            {
                "from_name": "sentiment",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": ["Negative"]},
            },
            [
                {
                    "from_name": "sentiment",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": ["Negative"]},
                }
            ],
        ),
    ],
)
def test_create_prediction_turns_a_label_or_a_value_into_a_full_result(
    project: Project, respx_mock: respx.MockRouter, given: Any, full: List[Dict[str, Any]]
) -> None:
    route = respx_mock.post("/api/predictions/").mock(
        return_value=httpx.Response(201, json=sample(Prediction, id=1))
    )
    project.create_prediction(7, given)
    assert body(route) == {"task": 7, "result": full}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("Unknown", "no Choices or Taxonomy tag"),
        ("PER", "no Choices or Taxonomy tag"),  # a region label needs a region: no guessing
        ({"choices": ["Sport", "Positive"]}, "several control tags"),
        ({"rating": 4}, "no control tag"),
    ],
)
def test_create_prediction_refuses_what_it_cannot_complete(
    project: Project, respx_mock: respx.MockRouter, given: Any, message: str
) -> None:
    route = respx_mock.post("/api/predictions/").mock(
        return_value=httpx.Response(201, json=sample(Prediction, id=1))
    )
    with pytest.raises(ValueError, match=message):
        project.create_prediction(7, given)
    assert route.call_count == 0


def test_create_prediction_sends_score_only_when_given(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post("/api/predictions/").mock(
        return_value=httpx.Response(201, json=sample(Prediction, id=1))
    )
    result = [
        {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}
    ]
    project.create_prediction(7, result)
    assert "score" not in body(route) and "model_version" not in body(route)
    project.create_prediction(7, result, score=0)
    assert body(route)["score"] == 0


@pytest.mark.parametrize(
    ("versions", "expected"),
    [
        ([{"model_version": "v1", "count": 2}, "v2"], {"v1": 0.5}),  # a list answer: no crash
        ([], {}),
        ({"v1": 2}, {"v1": 0.5}),
    ],
)
def test_predictions_coverage_survives_a_list_answer(
    project: Project, respx_mock: respx.MockRouter, versions: Any, expected: Dict[str, float]
) -> None:
    respx_mock.get(f"{P}/model-versions").mock(return_value=httpx.Response(200, json=versions))
    respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json=PROJECT))
    assert project.get_predictions_coverage() == expected


def test_predictions_coverage_with_zero_tasks(project: Project, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{P}/model-versions").mock(return_value=httpx.Response(200, json={"v1": 0}))
    respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json={**PROJECT, "task_number": 0}))
    assert project.get_predictions_coverage() == {"v1": 0.0}


def test_predictions_coverage_without_task_number_counts_the_tasks(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(f"{P}/model-versions").mock(return_value=httpx.Response(200, json={"v1": 3}))
    respx_mock.get(f"{P}/").mock(
        return_value=httpx.Response(200, json=sample(ProjectModel, id=3, task_number=None))
    )
    tasks = respx_mock.get("/api/tasks").mock(return_value=page([{"id": 1}], 6))
    assert project.get_predictions_coverage() == {"v1": 0.5}
    assert tasks.calls.last.request.url.params["page_size"] == "1"


# -- 3.4 assignment ---------------------------------------------------------------------------------------


def _assignees(respx_mock: respx.MockRouter) -> respx.Route:
    return respx_mock.post(f"{P}/tasks/assignees").mock(
        side_effect=lambda request: httpx.Response(
            201, json={"assignments": len(json.loads(request.content)["selectedItems"]["included"])}
        )
    )


def test_assign_reviewers_is_chunked_like_annotators(project: Project, respx_mock: respx.MockRouter) -> None:
    route = _assignees(respx_mock)
    assert project.assign_reviewers([User(id=5)], list(range(1500))) == {"assignments": 1500}
    assert route.call_count == 2


def test_assign_with_no_tasks_sends_nothing(project: Project, respx_mock: respx.MockRouter) -> None:
    route = _assignees(respx_mock)
    assert project.assign_annotators([User(id=5)], []) == {"assignments": 0}
    assert project.assign_reviewers([5], []) == {"assignments": 0}
    assert route.call_count == 0


def test_delete_assignments_are_chunked_and_use_query_parameters(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.post("/api/dm/actions/").mock(
        side_effect=lambda request: httpx.Response(
            200, json={"processed_items": len(json.loads(request.content)["selectedItems"]["included"])}
        )
    )
    assert project.delete_annotators_assignment(list(range(1200))) == {"processed_items": 1200}
    assert route.call_count == 2
    assert dict(route.calls.last.request.url.params) == {"id": "delete_annotators", "project": "3"}


def _sampling_server(respx_mock: respx.MockRouter, task_count: int, members: List[int]) -> respx.Route:
    respx_mock.get(f"{P}/members").mock(return_value=httpx.Response(200, json=[{"id": i} for i in members]))
    respx_mock.get("/api/tasks/").mock(
        return_value=page([{"id": i} for i in range(1, task_count + 1)], task_count)
    )
    return _assignees(respx_mock)


def _plan(route: respx.Route) -> Dict[int, List[int]]:
    plan: Dict[int, List[int]] = {}
    for call in route.calls:
        sent = json.loads(call.request.content)
        (user,) = sent["users"]
        plan.setdefault(user, []).extend(sent["selectedItems"]["included"])
    return plan


@pytest.mark.parametrize("seed", range(40))
def test_sampling_never_gives_a_user_the_same_task_twice(
    project: Project, respx_mock: respx.MockRouter, seed: int
) -> None:
    rng = random.Random(seed)
    users = rng.randint(2, 6)
    overlap = rng.randint(2, users)
    tasks = rng.randint(1, 23)
    route = _sampling_server(respx_mock, tasks, list(range(100, 100 + users)))
    project.assign_annotators_by_sampling(list(range(100, 100 + users)), overlap=overlap, rng=rng)
    plan = _plan(route)
    for assigned in plan.values():
        assert len(assigned) == len(set(assigned))
    per_task = Counter(task for assigned in plan.values() for task in assigned)
    assert per_task == Counter({task: overlap for task in range(1, tasks + 1)})
    loads = [len(assigned) for assigned in plan.values()]
    assert max(loads) - min(loads) <= 1 or len(plan) < users


@pytest.mark.parametrize("fraction", [0, -0.5, 1.5, "half", True])
def test_sampling_validates_fraction(project: Project, respx_mock: respx.MockRouter, fraction: Any) -> None:
    route = _sampling_server(respx_mock, 10, [5, 6])
    with pytest.raises((ValueError, TypeError), match="fraction"):
        project.assign_annotators_by_sampling([5, 6], fraction=fraction)
    assert route.call_count == 0


def test_sampling_fraction_that_selects_no_task_is_an_error(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = _sampling_server(respx_mock, 3, [5, 6])
    with pytest.raises(ValueError, match="selects no task"):
        project.assign_annotators_by_sampling([5, 6], fraction=0.1)
    assert route.call_count == 0


def test_sampling_fraction_picks_that_share(project: Project, respx_mock: respx.MockRouter) -> None:
    route = _sampling_server(respx_mock, 10, [5, 6])
    project.assign_reviewers_by_sampling([5, 6], fraction=0.5, rng=random.Random(3))
    assigned = [task for tasks in _plan(route).values() for task in tasks]
    assert len(assigned) == 5 and len(set(assigned)) == 5


def test_sampling_checks_overlap_after_dropping_non_members(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = _sampling_server(respx_mock, 10, [5])
    with pytest.raises(ValueError, match="overlap 2 is more than the number of users to assign \\(1\\)"):
        project.assign_annotators_by_sampling([5, 99], overlap=2)  # 99 is not a member
    with pytest.raises(ValueError, match="none of the given users"):
        project.assign_annotators_by_sampling([98, 99])  # 0.x returned [] silently
    assert route.call_count == 0


def test_sampling_is_repeatable_with_a_seeded_rng(project: Project, respx_mock: respx.MockRouter) -> None:
    route = _sampling_server(respx_mock, 30, [5, 6, 7])
    project.assign_annotators_by_sampling([5, 6, 7], fraction=0.5, rng=random.Random(42))
    first = _plan(route)
    route.calls.clear()
    project.assign_annotators_by_sampling([5, 6, 7], fraction=0.5, rng=random.Random(42))
    assert _plan(route) == first


def test_sampling_follows_the_callers_order_and_accepts_mixed_lists(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = _sampling_server(respx_mock, 5, [5, 6, 7])
    project.assign_annotators_by_sampling([7, User(id=42), 5], rng=random.Random(0))
    assert [json.loads(c.request.content)["users"] for c in route.calls] == [[7], [42], [5]]


def test_sampling_without_tasks_raises(project: Project, respx_mock: respx.MockRouter) -> None:
    route = _sampling_server(respx_mock, 0, [5])
    with pytest.raises(LabelStudioException, match="no tasks"):
        project.assign_annotators_by_sampling([5])
    assert route.call_count == 0


def test_sampling_plan_is_even_and_distinct() -> None:
    plan = sampling.plan_assignments(["a", "b", "c", "d"], list(range(10)), overlap=3)
    loads = {user: len(tasks) for user, tasks in plan}
    assert sorted(loads.values()) == [7, 7, 8, 8]
    assert all(len(tasks) == len(set(tasks)) for _, tasks in plan)


# -- 3.5 storage ---------------------------------------------------------------------------------------

STORAGE = {"id": 1, "type": "gcs", "project": 3, "created_at": "2024-01-01T00:00:00Z"}


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("connect_google_import_storage", "/api/storages/gcs/"),
        ("connect_google_export_storage", "/api/storages/export/gcs"),
    ],
)
def test_gcs_helpers_work_without_credentials(
    project: Project, respx_mock: respx.MockRouter, name: str, path: str
) -> None:
    route = respx_mock.post(path).mock(return_value=httpx.Response(201, json=STORAGE))
    getattr(project, name)("bucket")  # 0.x: TypeError from os.path.isfile(None)
    assert "google_application_credentials" not in body(route)


def test_gcs_credentials_file_is_read(project: Project, respx_mock: respx.MockRouter, tmp_path: Path) -> None:
    creds = tmp_path / "creds.json"
    creds.write_text('{"type": "service_account"}')
    route = respx_mock.post("/api/storages/gcs/").mock(return_value=httpx.Response(201, json=STORAGE))
    project.connect_google_import_storage("bucket", google_application_credentials=str(creds))
    assert body(route)["google_application_credentials"] == '{"type": "service_account"}'
    project.connect_google_import_storage("bucket", google_application_credentials=creds)  # type: ignore[arg-type]
    assert body(route)["google_application_credentials"] == '{"type": "service_account"}'


def test_gcs_credentials_path_that_does_not_exist_is_not_sent(
    project: Project, respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    route = respx_mock.post("/api/storages/export/gcs").mock(return_value=httpx.Response(201, json=STORAGE))
    with pytest.raises(FileNotFoundError):
        project.connect_google_export_storage(
            "bucket", google_application_credentials=str(tmp_path / "missing.json")
        )
    assert route.call_count == 0


def test_storage_bodies_omit_none_values(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/storages/s3/").mock(return_value=httpx.Response(201, json=STORAGE))
    project.connect_s3_import_storage("bucket", title=None, description=None)
    sent = body(route)
    assert None not in sent.values()
    assert sent == {
        "project": 3,
        "bucket": "bucket",
        "use_blob_urls": True,
        "presign": True,
        "presign_ttl": 1,
    }


# -- 3.7 naming clash ----------------------------------------------------------------------------------------


def test_legacy_export_snapshot_status_is_not_the_root_one() -> None:
    import label_studio_sdk
    from label_studio_sdk.types import ExportSnapshotStatus as TypedStatus

    assert label_studio_sdk.ExportSnapshotStatus is TypedStatus
    assert label_studio_sdk.ExportSnapshotStatus is not ExportSnapshotStatus
