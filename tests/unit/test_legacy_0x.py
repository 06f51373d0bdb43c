"""The last 0.x release's additions to ``Client`` / ``Project``: signatures, unknown names, sign-in edge cases.

The signatures below were read with ``inspect.signature`` from the published label-studio-sdk 2.1.2
(``label_studio_sdk._legacy``), run as a black box in the test server's virtualenv; the integration
tests (tests/integration/test_legacy_0x.py) check the behaviour against a real server. respx stands in
for the server here, for the paths a real one cannot be made to take (no login form, refused CSRF, ...).
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import httpx
import pytest
import respx

from label_studio_sdk import Project as ProjectModel
from label_studio_sdk._legacy import (
    Client,
    ClientCredentials,
    CredentialsNotSupportedError,
    LabelStudioAttributeError,
    LoginFailedError,
    Project,
)
from label_studio_sdk._legacy.login import read_credentials
from label_studio_sdk._legacy.project import _media_references, known_project_fields
from label_studio_sdk.core.errors import ApiConnectionError, InternalServerError
from tests.conftest import API_KEY, BASE_URL
from tests.samples import sample

P = "/api/projects/3"
PROJECT: Dict[str, Any] = sample(ProjectModel, id=3, title="Sentiment", label_config="<View/>", task_number=4)

# name -> [(parameter, default or EMPTY)], positional-or-keyword parameters after self, as 2.1.2 has them.
EMPTY = inspect.Parameter.empty
LAST_0X_PROJECT: Dict[str, List[Tuple[str, Any]]] = {
    "create_annotation": [("task_id", EMPTY), ("**kwargs", EMPTY)],
    "get_annotation": [("annotation_id", EMPTY)],
    "update_annotation": [("annotation_id", EMPTY), ("**kwargs", EMPTY)],
    "delete_annotation": [("annotation_id", EMPTY)],
    "list_annotations": [("task_id", EMPTY)],
    "delete_task": [("task_id", EMPTY)],
    "delete_tasks": [("task_ids", EMPTY)],
    "delete_all_tasks": [("excluded_ids", None)],
    "delete_view": [("view_id", EMPTY)],
    "export": [
        ("filters", None), ("title", "SDK Export"), ("export_type", "JSON"), ("output_dir", "."), ("**kwargs", EMPTY),
    ],
    "export_tasks": [
        ("export_type", "JSON"), ("download_all_tasks", False), ("download_resources", False), ("ids", None),
        ("export_location", None),
    ],
    "export_snapshot_delete": [("export_id", EMPTY)],
    "get_files_from_tasks": [("tasks", EMPTY), ("get_tasks", False)],
    "connect_local_import_storage": [
        ("local_store_path", EMPTY), ("regex_filter", None), ("use_blob_urls", True), ("title", ""),
        ("description", ""),
    ],
    "connect_s3s_iam_import_storage": [
        ("role_arn", EMPTY), ("external_id", None), ("bucket", None), ("prefix", None), ("regex_filter", None),
        ("use_blob_urls", True), ("presign", True), ("presign_ttl", 1), ("title", ""), ("description", ""),
        ("region_name", None), ("s3_endpoint", None), ("recursive_scan", False), ("aws_sse_kms_key_id", None),
    ],
    "get_import_storages": [],
    "get_export_storages": [],
    "sync_import_storage": [("storage_type", EMPTY), ("storage_id", EMPTY)],
    "sync_export_storage": [("storage_type", EMPTY), ("storage_id", EMPTY)],
}  # fmt: skip
LAST_0X_CLIENT: Dict[str, List[Tuple[str, Any]]] = {
    "get_api_key": [("credentials", EMPTY)],
    "get_url": [("suffix", EMPTY)],
}


def _shown(method: Any) -> List[Tuple[str, Any]]:
    parameters = list(inspect.signature(method).parameters.values())[1:]
    return [
        (("**" if p.kind is p.VAR_KEYWORD else "*" if p.kind is p.VAR_POSITIONAL else "") + p.name, p.default)
        for p in parameters
        if p.kind is not p.KEYWORD_ONLY
    ]


@pytest.mark.parametrize("name", sorted(LAST_0X_PROJECT))
def test_project_methods_have_the_last_0x_signatures(name: str) -> None:
    assert _shown(getattr(Project, name)) == LAST_0X_PROJECT[name]


@pytest.mark.parametrize("name", sorted(LAST_0X_CLIENT))
def test_client_methods_have_the_last_0x_signatures(name: str) -> None:
    assert _shown(getattr(Client, name)) == LAST_0X_CLIENT[name]


def test_connect_s3_import_storage_takes_recursive_scan_last() -> None:
    shown = _shown(Project.connect_s3_import_storage)
    assert shown[-1] == ("recursive_scan", False) and shown[-2] == ("s3_endpoint", None)


# -- names that do not exist -------------------------------------------------------------------------


@pytest.fixture
def legacy_client(sleeps: List[float]) -> Iterator[Client]:
    client = Client(url=BASE_URL, api_key=API_KEY)
    yield client
    client.close()


@pytest.fixture
def project(legacy_client: Client) -> Project:
    return Project._create_from_id(legacy_client, 3, params=dict(PROJECT))


def test_unknown_name_says_no_such_method_and_sends_nothing(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get(f"{P}/").mock(return_value=httpx.Response(200, json=PROJECT))
    with pytest.raises(LabelStudioAttributeError) as raised:
        project.delete_all_task  # noqa: B018
    assert isinstance(raised.value, AttributeError)
    message = str(raised.value)
    assert message.startswith("'Project' object has no attribute 'delete_all_task': no such method")
    assert "did you mean 'delete_all_tasks'" in message and "field is not set" not in message
    with pytest.raises(AttributeError, match="no such method") as unrelated:
        project.qqqqqq  # noqa: B018
    assert "did you mean" not in str(unrelated.value)
    assert route.call_count == 0 and not respx_mock.calls


def test_unknown_name_on_a_subclass_names_the_subclass(legacy_client: Client) -> None:
    class MyProject(Project):
        pass

    mine = MyProject._create_from_id(legacy_client, 3, params=dict(PROJECT))
    with pytest.raises(AttributeError, match=r"^'MyProject' object has no attribute 'exportz'"):
        mine.exportz  # noqa: B018


def test_known_fields_are_still_fetched_once(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{P}/").mock(
        return_value=httpx.Response(200, json={**PROJECT, "color": "#FF0000", "brand_new_field": 1})
    )
    assert project.color == "#FF0000"  # a field of the typed Project model
    assert project.brand_new_field == 1  # any field the server sent is in params after the fetch
    assert route.call_count == 1
    assert {"title", "label_config", "task_number", "sampling", "color"} <= known_project_fields()


def test_client_unknown_name_is_a_plain_attribute_error(legacy_client: Client) -> None:
    with pytest.raises(AttributeError, match="create_annotation"):
        legacy_client.create_annotation  # type: ignore[attr-defined]  # noqa: B018


# -- requests that need no server answer -------------------------------------------------------------


def test_delete_tasks_with_no_ids_sends_nothing(project: Project, respx_mock: respx.MockRouter) -> None:
    answer = project.delete_tasks([])
    assert answer.status_code == 200 and answer.json()["processed_items"] == 0
    assert not respx_mock.calls


def test_delete_all_tasks_body(project: Project, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/dm/actions").mock(
        return_value=httpx.Response(
            200, json={"processed_items": 2, "reload": False, "detail": "Deleted 2 tasks"}
        )
    )
    assert project.delete_all_tasks(excluded_ids=[4, 5]).json()["processed_items"] == 2
    request = route.calls.last.request
    assert dict(request.url.params) == {"id": "delete_tasks", "project": "3"}
    assert json.loads(request.content) == {"selectedItems": {"all": True, "excluded": [4, 5]}}
    project.delete_tasks([7])
    assert json.loads(route.calls.last.request.content) == {"selectedItems": {"all": False, "included": [7]}}


def test_export_tasks_sends_ids_as_the_server_reads_them(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    route = respx_mock.get(f"{P}/export").mock(return_value=httpx.Response(200, json=[{"id": 1}]))
    assert project.export_tasks(ids=[1, 2]) == [{"id": 1}]
    assert route.calls.last.request.url.params.get_list("ids[]") == ["1", "2"]
    assert "ids" not in route.calls.last.request.url.params


def test_export_tasks_into_a_folder_never_uses_an_unsafe_server_name(
    project: Project, respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    headers = {"content-disposition": 'attachment; filename="../../escape.json"'}
    respx_mock.get(f"{P}/export").mock(return_value=httpx.Response(200, content=b"[]", headers=headers))
    written = project.export_tasks(export_location=tmp_path)
    assert written == tmp_path / "escape.json"  # the last component only
    headers = {"content-disposition": 'attachment; filename=".hidden"'}
    respx_mock.get(f"{P}/export").mock(return_value=httpx.Response(200, content=b"[]", headers=headers))
    assert project.export_tasks(export_location=tmp_path) == tmp_path / "project-3-export.json"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["escape.json", "project-3-export.json"]


def test_export_rejects_unknown_arguments_before_any_request(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    with pytest.raises(TypeError, match="download_all_tasks"):
        project.export(download_all_tasks=True)
    with pytest.raises(TypeError, match="task_filter_options"):
        project.export(task_filter_options={})  # export builds it from filters
    assert not respx_mock.calls


def test_export_deletes_its_temporary_view_when_the_snapshot_fails(
    project: Project, respx_mock: respx.MockRouter
) -> None:
    respx_mock.post("/api/dm/views/").mock(return_value=httpx.Response(201, json={"id": 9, "project": 3}))
    respx_mock.post(f"{P}/exports/").mock(return_value=httpx.Response(500, json={"detail": "boom"}))
    deleted = respx_mock.delete("/api/dm/views/9/").mock(return_value=httpx.Response(204))
    with pytest.raises(InternalServerError):
        project.export(filters={"conjunction": "and", "items": []})
    assert deleted.call_count == 1


def test_storage_type_is_checked(project: Project, respx_mock: respx.MockRouter) -> None:
    with pytest.raises(ValueError, match="storage_type"):
        project.sync_import_storage("s3/../../projects", 1)
    with pytest.raises(ValueError, match="storage_type"):
        project.sync_export_storage("", 1)
    route = respx_mock.post("/api/storages/export/azure/5/sync").mock(
        return_value=httpx.Response(200, json={"id": 5})
    )
    assert project.sync_export_storage("azure", 5) == {"id": 5}
    assert route.call_count == 1


def test_media_references_walk_nested_data() -> None:
    data = {
        "image": "http://host/data/upload/1/a.png",
        "text": "plain words",
        "n": 3,
        "more": [{"u": "/data/local-files/?d=x/b.txt"}, "s3://bucket/c.png", None],
        "rel": "a/b.png",
    }
    assert list(_media_references(data)) == [
        "http://host/data/upload/1/a.png",
        "/data/local-files/?d=x/b.txt",
        "s3://bucket/c.png",
    ]


# -- credentials and sign-in ---------------------------------------------------------------------------


def test_client_credentials_validation_and_repr() -> None:
    with pytest.raises(ValueError, match="api_key, or an email"):
        ClientCredentials()
    with pytest.raises(ValueError, match="both email and password"):
        ClientCredentials(email="a@b.c")
    shown = repr(ClientCredentials(email="a@b.c", password="secret"))
    assert "secret" not in shown and "a@b.c" in shown
    assert "k1" not in repr(ClientCredentials(api_key="k1"))


def test_read_credentials_accepts_objects_and_dicts() -> None:
    assert read_credentials(ClientCredentials(api_key="k")) == ("k", None, None)
    assert read_credentials({"email": "a@b.c", "password": "pw"}) == (None, "a@b.c", "pw")
    with pytest.raises(CredentialsNotSupportedError):
        read_credentials({})
    with pytest.raises(CredentialsNotSupportedError, match="password"):
        read_credentials({"email": "a@b.c"})


def _login_routes(router: respx.MockRouter, *, post: httpx.Response, token: httpx.Response) -> Dict[str, Any]:
    form = router.get("/user/login/").mock(
        return_value=httpx.Response(200, text="<form/>", headers={"set-cookie": "csrftoken=abc; Path=/"})
    )
    login = router.post("/user/login/").mock(return_value=post)
    handed = router.get("/api/current-user/token").mock(return_value=token)
    return {"form": form, "login": login, "token": handed}


def test_sign_in_posts_the_form_with_its_csrf_token(respx_mock: respx.MockRouter) -> None:
    routes = _login_routes(
        respx_mock,
        post=httpx.Response(302, headers={"location": "/projects/", "set-cookie": "sessionid=s1; Path=/"}),
        token=httpx.Response(200, json={"token": "from-login"}),
    )
    client = Client(
        url=BASE_URL, credentials={"email": "a@b.c", "password": "pw"}, extra_headers={"X-A": "1"}
    )
    assert client.api_key == "from-login"
    sent = routes["login"].calls.last.request
    form = dict(httpx.QueryParams(sent.content.decode()))
    assert form == {"email": "a@b.c", "password": "pw", "csrfmiddlewaretoken": "abc"}
    assert sent.headers["X-CSRFToken"] == "abc" and sent.headers["X-A"] == "1"
    assert "authorization" not in sent.headers
    assert "sessionid=s1" in routes["token"].calls.last.request.headers["cookie"]
    client.close()


@pytest.mark.parametrize(
    ("form", "post", "token", "error", "match"),
    [
        (httpx.Response(404), None, None, CredentialsNotSupportedError, "no email/password sign-in"),
        (httpx.Response(200, text="<html/>"), None, None, CredentialsNotSupportedError, "CSRF"),
        (None, httpx.Response(200, text="<form/>"), None, LoginFailedError, "wrong email or password"),
        (None, httpx.Response(403, text="CSRF failed"), None, LoginFailedError, "403"),
        (None, httpx.Response(302), httpx.Response(401), CredentialsNotSupportedError, "no legacy API token"),
        (None, httpx.Response(302), httpx.Response(200, json={}), CredentialsNotSupportedError, "no token"),
    ],
)
def test_sign_in_failures_are_typed_and_never_show_the_password(
    respx_mock: respx.MockRouter,
    form: Any,
    post: Any,
    token: Any,
    error: type,
    match: str,
) -> None:
    routes = _login_routes(
        respx_mock, post=post or httpx.Response(302), token=token or httpx.Response(200, json={"token": "t"})
    )
    if form is not None:
        routes["form"].mock(return_value=form)
    with pytest.raises(error, match=match) as raised:
        Client(url=BASE_URL, credentials=ClientCredentials(email="a@b.c", password="hunter2-secret"))
    assert "hunter2-secret" not in str(raised.value)


def test_sign_in_to_an_unreachable_server_is_a_connection_error() -> None:
    with pytest.raises(ApiConnectionError):
        Client(url="http://127.0.0.1:9", credentials={"email": "a@b.c", "password": "pw"})


def test_api_key_wins_over_credentials(respx_mock: respx.MockRouter) -> None:
    client = Client(url=BASE_URL, api_key="given", credentials={"email": "a@b.c", "password": "pw"})
    assert client.api_key == "given" and not respx_mock.calls
