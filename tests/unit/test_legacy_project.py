"""The 0.x ``Project`` on respx: every public method and property, its requests and its return shape.

The fixes of the 0.x bugs have their own tests in test_legacy_bugs.py.
"""

from __future__ import annotations

import inspect
import json
import random
from pathlib import Path
from typing import Any, Dict, Iterator, List

import httpx
import pytest
import respx

from label_studio_sdk import Annotation, BaseTask, DataManagerTaskSerializer, ExportSnapshot, Prediction, Task
from label_studio_sdk import Project as ProjectModel
from label_studio_sdk._legacy.client import Client
from label_studio_sdk._legacy.project import (
    AssignmentSamplingMethod,
    ExportSnapshotStatus,
    LabelStudioAttributeError,
    LabelStudioException,
    Project,
    ProjectSampling,
    ProjectStorage,
)
from label_studio_sdk._legacy.users import User
from label_studio_sdk.core.errors import LabelStudioError
from tests.conftest import API_KEY, BASE_URL
from tests.samples import sample

CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices>
</View>"""
PROJECT: Dict[str, Any] = sample(
    ProjectModel,
    id=3,
    title="Sentiment",
    label_config=CONFIG,
    task_number=4,
    sampling="Sequential sampling",
    model_version="",
    is_published=False,
)
P = "/api/projects/3"


def body(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


def query(request: httpx.Request) -> Dict[str, Any]:
    """The Data Manager ``query`` parameter, decoded (a literal % travels as %25)."""
    parsed: Dict[str, Any] = json.loads(request.url.params["query"].replace("%25", "%"))
    return parsed


def page(tasks: List[Dict[str, Any]], total: int) -> httpx.Response:
    return httpx.Response(
        200, json={"tasks": tasks, "total": total, "total_annotations": 0, "total_predictions": 0}
    )


@pytest.fixture
def legacy_client(sleeps: List[float]) -> Iterator[Client]:
    client = Client(url=BASE_URL, api_key=API_KEY)
    yield client
    client.close()


@pytest.fixture
def project(legacy_client: Client, respx_mock: respx.MockRouter) -> Project:
    return Project._create_from_id(legacy_client, 3, params=dict(PROJECT))


# -- module names -------------------------------------------------------------------------------------


def test_enums_and_constants_keep_the_0x_values() -> None:
    assert [m.value for m in ProjectSampling] == [
        "Uniform sampling",
        "Sequential sampling",
        "Uncertainty sampling",
    ]
    assert ProjectSampling.RANDOM.value == "Uniform sampling"
    assert {m.name: m.value for m in ProjectStorage} == {
        "GOOGLE": "gcs",
        "S3": "s3",
        "AZURE": "azure_blob",
        "LOCAL": "localfiles",
        "REDIS": "redis",
        "S3_SECURED": "s3s",
    }
    assert AssignmentSamplingMethod.RANDOM.value == 1
    assert (
        ExportSnapshotStatus.CREATED,
        ExportSnapshotStatus.IN_PROGRESS,
        ExportSnapshotStatus.FAILED,
        ExportSnapshotStatus.COMPLETED,
    ) == ("created", "in_progress", "failed", "completed")


def test_exceptions() -> None:
    assert issubclass(LabelStudioException, Exception)
    assert issubclass(LabelStudioException, LabelStudioError)
    assert issubclass(LabelStudioAttributeError, LabelStudioException)
    assert issubclass(LabelStudioAttributeError, AttributeError)


@pytest.mark.parametrize("status", ["created", "in_progress", "failed", "completed"])
def test_export_snapshot_status_predicates(status: str) -> None:
    state = ExportSnapshotStatus({"id": 1, "status": status})
    answers = {
        "created": state.is_created(),
        "in_progress": state.is_in_progress(),
        "failed": state.is_failed(),
        "completed": state.is_completed(),
    }
    assert [name for name, yes in answers.items() if yes] == [status]
    assert state.response == {"id": 1, "status": status}
    assert state.status == status
    assert status in repr(state)


# The 0.x surface (seed 000): every public method with its positional-or-keyword parameters, in order.
SEED_METHODS: Dict[str, List[str]] = {
    "get_members": [],
    "add_member": ["user"],
    "assign_annotators": ["users", "tasks_ids"],
    "delete_annotators_assignment": ["tasks_ids"],
    "delete_reviewers_assignment": ["tasks_ids"],
    "assign_reviewers": ["users", "tasks_ids"],
    "get_params": [],
    "get_model_versions": [],
    "update_params": [],
    "start_project": ["**kwargs"],
    "get_from_id": ["client", "project_id"],
    "import_tasks": ["tasks", "preannotated_from_fields"],
    # the last 0.x release added the four after export_type (tests/unit/test_legacy_0x.py)
    "export_tasks": ["export_type", "download_all_tasks", "download_resources", "ids", "export_location"],
    "set_params": ["**kwargs"],
    "set_sampling": ["sampling"],
    "set_published": ["is_published"],
    "set_model_version": ["model_version"],
    "get_tasks": ["filters", "ordering", "view_id", "selected_ids", "only_ids"],
    "get_paginated_tasks": ["filters", "ordering", "view_id", "selected_ids", "page", "page_size", "only_ids"],
    "get_tasks_ids": ["*args", "**kwargs"],
    "get_paginated_tasks_ids": ["*args", "**kwargs"],
    "get_views": [],
    "create_view": ["filters", "ordering", "title"],
    "get_labeled_tasks": ["only_ids"],
    "get_labeled_tasks_ids": [],
    "get_unlabeled_tasks": ["only_ids"],
    "get_unlabeled_tasks_ids": [],
    "get_task": ["task_id"],
    "update_task": ["task_id", "**kwargs"],
    "create_prediction": ["task_id", "result", "score", "model_version"],
    "create_predictions": ["predictions"],
    "create_annotations_from_predictions": ["model_versions"],
    "update_annotation": ["annotation_id", "**kwargs"],
    "get_predictions_coverage": [],
    "get_predictions_conflict": [],
    "get_predictions_precision": [],
    "connect_google_import_storage": [
        "bucket", "prefix", "regex_filter", "use_blob_urls", "google_application_credentials", "presign",
        "presign_ttl", "title", "description",
    ],
    "connect_google_export_storage": [
        "bucket", "prefix", "google_application_credentials", "title", "description", "can_delete_objects",
    ],
    "connect_s3_import_storage": [
        "bucket", "prefix", "regex_filter", "use_blob_urls", "presign", "presign_ttl", "title", "description",
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region_name", "s3_endpoint",
        "recursive_scan",  # added by the last 0.x release
    ],
    "connect_s3_export_storage": [
        "bucket", "prefix", "title", "description", "aws_access_key_id", "aws_secret_access_key",
        "aws_session_token", "region_name", "s3_endpoint", "can_delete_objects",
    ],
    "connect_azure_import_storage": [
        "container", "prefix", "regex_filter", "use_blob_urls", "presign", "presign_ttl", "title", "description",
        "account_name", "account_key",
    ],
    "connect_azure_export_storage": [
        "container", "prefix", "title", "description", "account_name", "account_key", "can_delete_objects",
    ],
    "assign_reviewers_by_sampling": ["users", "view_id", "method", "fraction", "overlap"],
    "assign_annotators_by_sampling": ["users", "view_id", "method", "fraction", "overlap"],
    "export_snapshot_list": [],
    "export_snapshot_create": [
        "title", "task_filter_options", "serialization_options_drafts", "serialization_options_predictions",
        "serialization_options_annotations__completed_by", "annotation_filter_options_usual",
        "annotation_filter_options_ground_truth", "annotation_filter_options_skipped", "interpolate_key_frames",
    ],
    "export_snapshot_status": ["export_id"],
    "export_snapshot_download": ["export_id", "export_type", "path"],
}  # fmt: skip
# Additions are keyword-only with a default, so every 0.x call still binds the same way.
ADDED_KEYWORDS = {
    "get_tasks": {"page_size"},
    "assign_reviewers_by_sampling": {"rng"},
    "assign_annotators_by_sampling": {"rng"},
}


def test_every_0x_method_and_property_keeps_its_signature() -> None:
    assert len(SEED_METHODS) == 48
    for name, expected in SEED_METHODS.items():
        method = getattr(Project, name)
        parameters = list(inspect.signature(method).parameters.values())
        if parameters and parameters[0].name in ("self", "cls"):
            parameters = parameters[1:]
        shown = [
            ("*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else "") + p.name
            for p in parameters
            if p.kind is not p.KEYWORD_ONLY
        ]
        assert shown == expected, name
        added = {p.name for p in parameters if p.kind is p.KEYWORD_ONLY}
        assert added == ADDED_KEYWORDS.get(name, set()), name
        assert all(p.default is not p.empty for p in parameters if p.kind is p.KEYWORD_ONLY), name
    for name in ("parsed_label_config", "tasks", "tasks_ids"):
        assert isinstance(inspect.getattr_static(Project, name), property), name
    assert isinstance(inspect.getattr_static(Project, "get_from_id"), classmethod)


# -- construction and params ----------------------------------------------------------------------------


def test_get_from_id_fetches_once(legacy_client: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json=PROJECT))
    project = Project.get_from_id(legacy_client, 3)
    assert route.call_count == 1
    assert project.params == PROJECT
    assert (project.id, project.title, project.task_number) == (3, "Sentiment", 4)
    assert route.call_count == 1  # fields come from the cache
    assert project.ls is legacy_client.ls  # one connection pool
    assert (project.url, project.api_key) == (BASE_URL, API_KEY)
    assert "Sentiment" in repr(project)
    assert "title" in dir(project)


def test_client_get_project_is_get_from_id(legacy_client: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json=PROJECT))
    project = legacy_client.get_project(3)
    assert isinstance(project, Project) and project.title == "Sentiment"


def test_fields_are_fetched_lazily(legacy_client: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json=PROJECT))
    project = Project._create_from_id(legacy_client, 3)
    assert route.call_count == 0
    assert project.label_config == CONFIG
    assert route.call_count == 1


def test_get_params_and_update_params(project: Project, respx_mock: respx.MockRouter) -> None:
    fresh = {**PROJECT, "title": "Renamed", "unknown_field": [1]}
    route = respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json=fresh))
    assert project.get_params() == fresh
    assert project.title == "Sentiment"  # get_params does not touch the cache
    assert project.update_params() is None
    assert project.title == "Renamed" and project.unknown_field == [1]
    assert route.call_count == 2


def test_parsed_label_config(project: Project) -> None:
    parsed = project.parsed_label_config
    assert parsed["sentiment"]["type"] == "Choices"
    assert parsed["sentiment"]["to_name"] == ["text"]
    assert parsed["sentiment"]["labels"] == ["Positive", "Negative"]


def test_set_params_sends_typed_and_extra_fields(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.patch(f"{P}/").mock(
        return_value=httpx.Response(200, json={**PROJECT, "title": "New", "show_ground_truth_first": True})
    )
    assert project.set_params(title="New", show_ground_truth_first=True) is None
    assert body(route) == {"title": "New", "show_ground_truth_first": True}
    assert project.title == "New"


@pytest.mark.parametrize(
    ("call", "sent"),
    [
        (lambda p: p.set_sampling(ProjectSampling.RANDOM), {"sampling": "Uniform sampling"}),
        (lambda p: p.set_published(True), {"is_published": True}),
        (lambda p: p.set_model_version("v2"), {"model_version": "v2"}),
    ],
    ids=["set_sampling", "set_published", "set_model_version"],
)
def test_set_helpers(project: Project, respx_mock: respx.MockRouter, call: Any, sent: Dict[str, Any]) -> None:
    route = respx_mock.patch(f"{P}/").mock(return_value=httpx.Response(200, json={**PROJECT, **sent}))
    assert call(project) is None
    assert body(route) == sent
    for key, value in sent.items():
        assert getattr(project, key) == value


def test_start_project(legacy_client: Client, respx_mock: respx.MockRouter) -> None:
    created = {**PROJECT, "id": 8, "title": "New"}
    route = respx_mock.post("/api/projects/").mock(return_value=httpx.Response(201, json=created))
    project = Project(url=BASE_URL, api_key=API_KEY, ls=legacy_client.ls)
    assert project.start_project(title="New", label_config=CONFIG, sampling="Uniform sampling") is project
    assert body(route) == {"title": "New", "label_config": CONFIG, "sampling": "Uniform sampling"}
    assert project.params == created and project.id == 8


def test_client_start_project(legacy_client: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/api/projects/").mock(return_value=httpx.Response(201, json={**PROJECT, "id": 9}))
    project = legacy_client.start_project(title="x")
    assert isinstance(project, Project) and project.id == 9 and project.ls is legacy_client.ls


def test_get_model_versions(project: Project, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{P}/model-versions").mock(return_value=httpx.Response(200, json={"v1": 3}))
    assert project.get_model_versions() == {"v1": 3}


# -- members and assignments ---------------------------------------------------------------------------


def test_get_members_and_add_member(project: Project, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{P}/members").mock(
        return_value=httpx.Response(200, json=[{"id": 5, "email": "a@x.org"}, {"id": 6, "email": "b@x.org"}])
    )
    members = project.get_members()
    assert [(m.id, m.email) for m in members] == [(5, "a@x.org"), (6, "b@x.org")]
    assert all(isinstance(m, User) and m.client is project for m in members)
    added = respx_mock.post(f"{P}/members").mock(return_value=httpx.Response(201, json={"user": 5}))
    assert project.add_member(members[0]) == {"user": 5}
    assert body(added) == {"user": 5}


def test_assign_annotators_in_chunks_of_1000(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(f"{P}/tasks/assignees").mock(
        side_effect=lambda request: httpx.Response(
            201, json={"assignments": len(json.loads(request.content)["selectedItems"]["included"])}
        )
    )
    users = [User(id=5), User(id=6)]
    assert project.assign_annotators(users, list(range(2500))) == {"assignments": 2500}
    assert route.call_count == 3
    assert body(route, 0) == {
        "users": [5, 6],
        "selectedItems": {"all": False, "included": list(range(1000))},
        "type": "AN",
    }
    assert body(route, 2)["selectedItems"]["included"] == list(range(2000, 2500))


def test_assign_reviewers(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(f"{P}/tasks/assignees").mock(
        return_value=httpx.Response(201, json={"assignments": 2})
    )
    assert project.assign_reviewers([User(id=5)], [1, 2]) == {"assignments": 2}
    assert body(route) == {"users": [5], "selectedItems": {"all": False, "included": [1, 2]}, "type": "RE"}


@pytest.mark.parametrize("action", ["delete_annotators", "delete_reviewers"])
def test_delete_assignments(project: Project, respx_mock: respx.MockRouter, action: str) -> None:
    route = respx_mock.post("/api/dm/actions/").mock(
        return_value=httpx.Response(200, json={"processed_items": 2, "detail": "ok"})
    )
    method = getattr(project, f"{action}_assignment")
    assert method([1, 2]) == {"processed_items": 2, "detail": "ok"}
    request = route.calls.last.request
    assert dict(request.url.params) == {"id": action, "project": "3"}
    assert body(route) == {"selectedItems": {"all": False, "included": [1, 2]}}


@pytest.mark.parametrize("kind", ["annotators", "reviewers"])
def test_assign_by_sampling(project: Project, respx_mock: respx.MockRouter, kind: str) -> None:
    respx_mock.get(f"{P}/members").mock(
        return_value=httpx.Response(200, json=[{"id": 5}, {"id": 6}, {"id": 7}])
    )
    respx_mock.get("/api/tasks/").mock(return_value=page([{"id": i} for i in range(1, 11)], 10))
    route = respx_mock.post(f"{P}/tasks/assignees").mock(
        side_effect=lambda request: httpx.Response(
            201, json={"assignments": len(json.loads(request.content)["selectedItems"]["included"])}
        )
    )
    method = getattr(project, f"assign_{kind}_by_sampling")
    results = method([7, 5], fraction=1.0, overlap=2, rng=random.Random(1))
    assert results == [{"assignments": 10}, {"assignments": 10}]
    sent = [body(route, i) for i in range(route.call_count)]
    assert [s["users"] for s in sent] == [[7], [5]]  # the caller's order
    assert {s["type"] for s in sent} == {"AN" if kind == "annotators" else "RE"}
    for s in sent:
        assert sorted(s["selectedItems"]["included"]) == list(range(1, 11))


# -- tasks -----------------------------------------------------------------------------------------------


def test_get_paginated_tasks(project: Project, respx_mock: respx.MockRouter) -> None:
    answer = {
        "tasks": [{"id": 1, "data": {"text": "a"}}],
        "total": 1,
        "total_annotations": 0,
        "total_predictions": 0,
    }
    route = respx_mock.get("/api/tasks").mock(return_value=httpx.Response(200, json=answer))
    filters = {
        "conjunction": "and",
        "items": [{"filter": "filter:tasks:id", "operator": "equal", "type": "Number", "value": 1}],
    }
    assert (
        project.get_paginated_tasks(
            filters=filters, ordering=["-tasks:id"], view_id=4, selected_ids=[1], page=2, page_size=10
        )
        == answer
    )
    request = route.calls.last.request
    params = dict(request.url.params)
    assert {k: params[k] for k in ("project", "page", "page_size", "view", "fields")} == {
        "project": "3",
        "page": "2",
        "page_size": "10",
        "view": "4",
        "fields": "all",
    }
    assert query(request) == {
        "filters": filters,
        "ordering": ["-tasks:id"],
        "selectedItems": {"all": False, "included": [1]},
    }


def test_get_paginated_tasks_defaults_to_one_page_of_everything(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get("/api/tasks").mock(return_value=page([{"id": 1}], 1))
    project.get_paginated_tasks()
    request = route.calls.last.request
    assert request.url.params["page"] == "1" and request.url.params["page_size"] == "-1"
    assert "view" not in request.url.params
    assert query(request) == {"filters": None, "ordering": [], "selectedItems": {"all": True, "excluded": []}}


def test_get_paginated_tasks_ids(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/tasks").mock(return_value=page([{"id": 1}, {"id": 2}], 2))
    data = project.get_paginated_tasks_ids(page_size=5)
    assert data["tasks"] == [1, 2] and data["total"] == 2
    assert route.calls.last.request.url.params["include"] == "id"


def _pages(tasks: List[Dict[str, Any]]) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        size = int(request.url.params["page_size"])
        chunk = tasks[(number - 1) * size : number * size]
        if not chunk:
            return httpx.Response(404, json={"detail": "Invalid page."})
        return page(chunk, len(tasks))

    return answer


def test_get_tasks_walks_every_page(project: Project, respx_mock: respx.MockRouter) -> None:
    tasks = [sample(Task, id=i, data={"text": str(i)}) for i in range(1, 251)]
    route = respx_mock.get("/api/tasks/").mock(side_effect=_pages(tasks))
    assert project.get_tasks() == tasks
    assert route.call_count == 3  # 100 + 100 + 50, then total is reached: no 404 needed
    assert [r.request.url.params["page_size"] for r in route.calls] == ["100"] * 3
    assert route.calls[0].request.url.params["fields"] == "all"


def test_get_tasks_ids_and_properties(project: Project, respx_mock: respx.MockRouter) -> None:
    tasks = [sample(Task, id=i) for i in range(1, 6)]
    respx_mock.get("/api/tasks/").mock(side_effect=_pages(tasks))
    assert project.get_tasks_ids() == [1, 2, 3, 4, 5]
    assert project.tasks_ids == [1, 2, 3, 4, 5]
    assert project.tasks == tasks


@pytest.mark.parametrize(
    ("name", "empty"),
    [
        ("get_labeled_tasks", False),
        ("get_labeled_tasks_ids", False),
        ("get_unlabeled_tasks", True),
        ("get_unlabeled_tasks_ids", True),
    ],
)
def test_labeled_and_unlabeled(
    project: Project, respx_mock: respx.MockRouter, name: str, empty: bool
) -> None:
    tasks = [sample(Task, id=1), sample(Task, id=2)]
    route = respx_mock.get("/api/tasks/").mock(return_value=page(tasks, 2))
    result = getattr(project, name)()
    assert result == ([1, 2] if name.endswith("_ids") else tasks)
    assert query(route.calls.last.request)["filters"] == {
        "conjunction": "and",
        "items": [
            {"filter": "filter:tasks:completed_at", "operator": "empty", "type": "Datetime", "value": empty}
        ],
    }


def test_get_task_and_update_task(project: Project, respx_mock: respx.MockRouter) -> None:
    task = sample(DataManagerTaskSerializer, id=7, data={"text": "a"}, annotations=[], meta={})
    respx_mock.get("/api/tasks/7/").mock(return_value=httpx.Response(200, json=task))
    assert project.get_task(7) == task
    route = respx_mock.patch("/api/tasks/7/").mock(
        return_value=httpx.Response(200, json=sample(BaseTask, id=7, data={"text": "b"}, meta={"m": 1}))
    )
    assert project.update_task(7, data={"text": "b"}, meta={"m": 1}) == {
        **sample(BaseTask),
        "id": 7,
        "data": {"text": "b"},
        "meta": {"m": 1},
    }
    assert body(route) == {"data": {"text": "b"}, "meta": {"m": 1}}


def test_get_views_and_create_view(project: Project, respx_mock: respx.MockRouter) -> None:
    view = {"id": 2, "project": 3, "user": 1, "data": {"title": "Tab"}}
    listed = respx_mock.get("/api/dm/views/").mock(return_value=httpx.Response(200, json=[view]))
    assert project.get_views() == [view]
    assert listed.calls.last.request.url.params["project"] == "3"
    created = respx_mock.post("/api/dm/views/").mock(return_value=httpx.Response(201, json=view))
    filters = {"conjunction": "or", "items": []}
    assert project.create_view(filters, title="Tab") == view
    assert body(created) == {"project": 3, "data": {"title": "Tab", "ordering": None, "filters": filters}}
    project.create_view(filters, ordering=["tasks:id"])
    assert body(created)["data"] == {"title": "Tasks", "ordering": ["tasks:id"], "filters": filters}


# -- import, export, predictions, annotations ---------------------------------------------------------------


def _imported(ids: List[int]) -> httpx.Response:
    return httpx.Response(201, json={"task_count": len(ids), "task_ids": ids})


def test_import_tasks_list_and_dict(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(f"{P}/import").mock(return_value=_imported([1, 2]))
    assert project.import_tasks(
        [{"text": "a"}, {"text": "b"}], preannotated_from_fields=["pred", "score"]
    ) == [1, 2]
    request = route.calls.last.request
    assert body(route) == [{"text": "a"}, {"text": "b"}]
    assert request.url.params["return_task_ids"] == "true"
    assert request.url.params["preannotated_from_fields"] == "pred,score"
    assert project.import_tasks({"text": "c"}) == [1, 2]
    assert body(route) == [{"text": "c"}]


def test_import_tasks_from_a_file(project: Project, respx_mock: respx.MockRouter, tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text('[{"text": "a"}]')
    route = respx_mock.post(f"{P}/import").mock(return_value=_imported([4]))
    assert project.import_tasks(str(path)) == [4]
    assert project.import_tasks(path) == [4]
    request = route.calls.last.request
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert b'filename="tasks.json"' in request.content and b'[{"text": "a"}]' in request.content


def test_export_tasks(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{P}/export").mock(return_value=httpx.Response(200, json=[{"id": 1}]))
    assert project.export_tasks() == [{"id": 1}]
    assert route.calls.last.request.url.params["exportType"] == "JSON"


def test_create_prediction_with_a_result_list(project: Project, respx_mock: respx.MockRouter) -> None:
    result = [
        {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}
    ]
    route = respx_mock.post("/api/predictions/").mock(
        return_value=httpx.Response(201, json=sample(Prediction, id=11, task=7, result=result, score=0.5))
    )
    assert project.create_prediction(7, result, score=0.5, model_version="m1") == {
        **sample(Prediction),
        "id": 11,
        "task": 7,
        "result": result,
        "score": 0.5,
    }
    assert body(route) == {"task": 7, "result": result, "score": 0.5, "model_version": "m1"}


def test_create_predictions(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(f"{P}/import/predictions").mock(
        return_value=httpx.Response(201, json={"created": 2})
    )
    predictions = [{"task": 1, "result": []}, {"task": 2, "result": []}]
    assert project.create_predictions(predictions) == {"created": 2}
    assert body(route) == predictions


def test_create_annotations_from_predictions(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/dm/actions/").mock(
        return_value=httpx.Response(200, json={"processed_items": 5})
    )
    assert project.create_annotations_from_predictions(model_versions=["v1"]) == {"processed_items": 5}
    request = route.calls.last.request
    assert dict(request.url.params) == {"id": "predictions_to_annotations", "project": "3"}
    assert body(route) == {
        "filters": {"conjunction": "and", "items": []},
        "model_version": ["v1"],
        "ordering": [],
        "project": 3,
        "selectedItems": {"all": True, "excluded": []},
    }


def test_update_annotation(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.patch("/api/annotations/12/").mock(
        return_value=httpx.Response(200, json=sample(Annotation, id=12, ground_truth=True, result=[]))
    )
    assert project.update_annotation(12, ground_truth=True, custom="x") == {
        **sample(Annotation),
        "id": 12,
        "ground_truth": True,
        "result": [],
    }
    assert body(route) == {"ground_truth": True, "custom": "x"}


def test_get_predictions_coverage(project: Project, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{P}/model-versions").mock(return_value=httpx.Response(200, json={"v1": 4, "v2": 1}))
    respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json=PROJECT))
    assert project.get_predictions_coverage() == {"v1": 1.0, "v2": 0.25}


@pytest.mark.parametrize("name", ["get_predictions_conflict", "get_predictions_precision"])
def test_not_implemented_stubs(project: Project, name: str) -> None:
    with pytest.raises(NotImplementedError):
        getattr(project, name)()


# -- storages --------------------------------------------------------------------------------------------------


STORAGE = {
    "id": 21,
    "type": "s3",
    "created_at": "2024-01-01T00:00:00Z",
    "last_sync": None,
    "last_sync_count": 0,
}


@pytest.mark.parametrize(
    ("name", "path", "args", "kwargs", "sent"),
    [
        (
            "connect_google_import_storage",
            "/api/storages/gcs/",
            ("bucket-1",),
            {"prefix": "p/", "google_application_credentials": '{"type": "service_account"}'},
            {
                "project": 3,
                "bucket": "bucket-1",
                "prefix": "p/",
                "use_blob_urls": True,
                "google_application_credentials": '{"type": "service_account"}',
                "presign": True,
                "presign_ttl": 1,
                "title": "",
                "description": "",
            },
        ),
        (
            "connect_google_export_storage",
            "/api/storages/export/gcs",
            ("bucket-1",),
            {"title": "out"},
            {
                "project": 3,
                "bucket": "bucket-1",
                "title": "out",
                "description": "",
                "can_delete_objects": False,
            },
        ),
        (
            "connect_s3_import_storage",
            "/api/storages/s3/",
            ("bucket-1", "pre", ".*json"),
            {
                "aws_access_key_id": "AK",
                "aws_secret_access_key": "SK",
                "region_name": "eu",
                "s3_endpoint": "http://minio",
            },
            {
                "project": 3,
                "bucket": "bucket-1",
                "prefix": "pre",
                "regex_filter": ".*json",
                "use_blob_urls": True,
                "aws_access_key_id": "AK",
                "aws_secret_access_key": "SK",
                "region_name": "eu",
                "s3_endpoint": "http://minio",
                "presign": True,
                "presign_ttl": 1,
                "title": "",
                "description": "",
            },
        ),
        (
            "connect_s3_export_storage",
            "/api/storages/export/s3",
            ("bucket-1",),
            {"can_delete_objects": True, "aws_session_token": "T"},
            {
                "project": 3,
                "bucket": "bucket-1",
                "aws_session_token": "T",
                "title": "",
                "description": "",
                "can_delete_objects": True,
            },
        ),
        (
            "connect_azure_import_storage",
            "/api/storages/azure/",
            ("container-1",),
            {"account_name": "acc", "account_key": "key", "presign_ttl": 5},
            {
                "project": 3,
                "container": "container-1",
                "use_blob_urls": True,
                "account_name": "acc",
                "account_key": "key",
                "presign": True,
                "presign_ttl": 5,
                "title": "",
                "description": "",
            },
        ),
        (
            "connect_azure_export_storage",
            "/api/storages/export/azure",
            ("container-1", "out/"),
            {"account_name": "acc"},
            {
                "project": 3,
                "container": "container-1",
                "prefix": "out/",
                "account_name": "acc",
                "title": "",
                "description": "",
                "can_delete_objects": False,
            },
        ),
    ],
)
def test_connect_storage(
    project: Project,
    respx_mock: respx.MockRouter,
    name: str,
    path: str,
    args: Any,
    kwargs: Dict[str, Any],
    sent: Dict[str, Any],
) -> None:
    route = respx_mock.post(path).mock(return_value=httpx.Response(201, json={**STORAGE, **sent}))
    assert getattr(project, name)(*args, **kwargs) == {**STORAGE, **sent}
    assert body(route) == sent


# -- export snapshots ------------------------------------------------------------------------------------------


SNAPSHOT = sample(ExportSnapshot, id=9, title="snap", status="completed", created_at="2024-01-01T00:00:00Z")


def test_export_snapshot_list(project: Project, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{P}/exports/").mock(return_value=httpx.Response(200, json=[SNAPSHOT]))
    assert project.export_snapshot_list() == [SNAPSHOT]


def test_export_snapshot_create(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(f"{P}/exports/").mock(
        return_value=httpx.Response(201, json={**SNAPSHOT, "status": "created"})
    )
    assert project.export_snapshot_create(
        "snap", task_filter_options={"view": 2}, serialization_options_drafts=False
    ) == {
        **SNAPSHOT,
        "status": "created",
    }
    assert body(route) == {
        "title": "snap",
        "task_filter_options": {"view": 2},
        "annotation_filter_options": {"usual": True, "ground_truth": True, "skipped": True},
        "serialization_options": {
            "drafts": {"only_id": False},
            "predictions": {"only_id": True},
            "annotations__completed_by": {"only_id": True},
            "interpolate_key_frames": False,
        },
    }
    project.export_snapshot_create("snap")
    assert body(route)["task_filter_options"] == {}


def test_export_snapshot_status(project: Project, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{P}/exports/9").mock(return_value=httpx.Response(200, json=SNAPSHOT))
    state = project.export_snapshot_status(9)
    assert isinstance(state, ExportSnapshotStatus)
    assert state.is_completed() and state.response == SNAPSHOT


def test_export_snapshot_download(project: Project, respx_mock: respx.MockRouter, tmp_path: Path) -> None:
    content = json.dumps([{"id": 1}]).encode()
    route = respx_mock.get(f"{P}/exports/9/download").mock(
        return_value=httpx.Response(200, content=content, headers={"filename": "project-3-at-2024.json"})
    )
    status, name = project.export_snapshot_download(9, path=str(tmp_path))
    assert (status, name) == (200, "project-3-at-2024.json")
    assert (tmp_path / name).read_bytes() == content
    assert route.calls.last.request.url.params["exportType"] == "JSON"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no leftover temporary file
