"""The 0.x Client (label_studio_sdk._legacy.client) on a respx-mocked server."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any, Dict, Iterator, List
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from label_studio_sdk import (
    ApiConnectionError,
    BadRequestError,
    BaseUser,
    InternalServerError,
    LabelStudio,
    NotFoundError,
    Project,
    UnauthorizedError,
)
from label_studio_sdk._legacy import Client, CredentialsNotSupportedError, Response, User
from label_studio_sdk._legacy.workspaces import Workspace
from tests.conftest import API_KEY, BASE_URL
from tests.samples import sample

USER = sample(
    BaseUser,
    **{
        "id": 1,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "username": "ada",
        "email": "ada@example.com",
        "last_activity": "2024-05-01T10:00:00Z",
        "avatar": None,
        "initials": "AL",
        "phone": "",
        "active_organization": 7,
        "org_membership": [{"role": "AD", "active": True, "organization_id": 7}],
    },
)


def project_body(project_id: int, **extra: Any) -> Dict[str, Any]:
    return sample(
        Project, **{"id": project_id, "title": f"P{project_id}", "label_config": "<View></View>", **extra}
    )


@pytest.fixture
def legacy(sleeps: List[float]) -> Iterator[Client]:
    client = Client(url=BASE_URL, api_key=API_KEY, versions={"release": "1.0"})
    yield client
    client.close()


def sent_json(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


# -- construction --------------------------------------------------------------------------------


def test_constructor_keeps_the_legacy_attributes() -> None:
    client = Client(
        url="http://testserver/",
        api_key="secret-key",
        extra_headers={"X-Team": "a"},
        cookies={"sid": "1"},
        oidc_token="oidc-secret",
        make_request_raise=False,
    )
    assert client.url == "http://testserver"
    assert client.api_key == "secret-key"
    assert client.headers == {"Proxy-Authorization": "Bearer oidc-secret", "X-Team": "a"}
    assert client.cookies == {"sid": "1"}
    assert client.session is None
    assert client.make_request_raise is False
    assert isinstance(client.ls, LabelStudio)
    assert client.ls.base_url == "http://testserver/"


def test_repr_holds_no_secret() -> None:
    client = Client(url=BASE_URL, api_key="secret-key", oidc_token="oidc-secret")
    assert "secret" not in repr(client)
    assert repr(client) == "Client(url='http://testserver')"


def test_url_and_api_key_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://env-host:9000/")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "env-key")
    client = Client()
    assert client.url == "http://env-host:9000"
    assert client.api_key == "env-key"


def test_default_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    assert Client(api_key="k").url == "http://localhost:8080"


def test_missing_api_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    with pytest.raises(Exception, match="no API key"):
        Client(url=BASE_URL)


def test_credentials_with_an_api_key_are_accepted() -> None:
    assert Client(url=BASE_URL, credentials={"api_key": "from-credentials"}).api_key == "from-credentials"

    class Credentials:
        email = None
        password = None
        api_key = "from-object"

    assert Client(url=BASE_URL, credentials=Credentials()).api_key == "from-object"


def test_email_without_password_raises_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # Signing in with an email and a password works (tests/unit/test_legacy_0x.py, and against the
    # real server in tests/integration/test_legacy_0x.py); an email alone cannot.
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    with pytest.raises(CredentialsNotSupportedError, match="password") as raised:
        Client(url=BASE_URL, credentials={"email": "a@b.c"})
    assert isinstance(raised.value, ValueError)


def test_url_must_be_http() -> None:
    with pytest.raises(Exception, match="http"):
        Client(url="ftp://host", api_key="k")


def test_no_request_at_construction(respx_mock: respx.MockRouter) -> None:
    Client(url=BASE_URL, api_key=API_KEY)
    assert respx_mock.calls.call_count == 0  # 0.x fetched /api/version in every constructor


def test_ls_is_built_once_and_can_be_shared() -> None:
    client = Client(url=BASE_URL, api_key=API_KEY)
    assert client.ls is client.ls
    other = Client(url=BASE_URL, api_key=API_KEY, ls=client.ls)
    assert other.ls is client.ls


def test_an_httpx_client_passed_as_session_sends_the_requests(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/health").respond(json={"status": "UP"})
    with httpx.Client(headers={"X-From-Session": "yes"}) as session:
        client = Client(url=BASE_URL, api_key=API_KEY, session=session)
        assert client.get_session() is session
        client.check_connection()
        client.close()
        assert not session.is_closed  # not ours to close
    assert route.calls.last.request.headers["X-From-Session"] == "yes"


def test_pickle_round_trip_rebuilds_the_connection() -> None:
    client = Client(url=BASE_URL, api_key=API_KEY, versions={"release": "1"})
    _ = client.ls
    copy = pickle.loads(pickle.dumps(client))
    assert copy.url == client.url and copy.api_key == client.api_key
    assert copy.ls is not client.ls


# -- server ---------------------------------------------------------------------------------------


def test_check_connection(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/health").respond(json={"status": "UP"})
    assert legacy.check_connection() == {"status": "UP"}
    assert route.calls.last.request.headers["Authorization"] == f"Token {API_KEY}"


def test_check_connection_raises_when_the_server_is_down(
    legacy: Client, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    respx_mock.get("/health").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(ApiConnectionError):
        legacy.check_connection()
    assert len(sleeps) == 2  # our retry policy: a connection never made is retried


def test_get_versions_and_is_enterprise(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/version").respond(
        json={"release": "1.20.0", "label-studio-os-package": {"version": "1.20.0"}, "edition": "Community"}
    )
    client = Client(url=BASE_URL, api_key=API_KEY)
    assert client.get_versions() == {
        "release": "1.20.0",
        "label-studio-os-package": {"version": "1.20.0"},
        "edition": "Community",
    }
    assert client.versions["release"] == "1.20.0"
    assert not client.is_enterprise
    assert client.is_enterprise() is False
    assert client.is_enterprise == False  # noqa: E712 - 0.x code compares the attribute
    assert route.call_count == 1


def test_versions_are_fetched_once_on_first_use(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/version").respond(
        json={"release": "2", "label-studio-enterprise-backend": {}}
    )
    client = Client(url=BASE_URL, api_key=API_KEY)
    assert client.is_enterprise
    assert client.is_enterprise() is True
    assert client.versions["release"] == "2"
    assert route.call_count == 1


def test_versions_given_to_the_constructor_are_not_fetched(respx_mock: respx.MockRouter) -> None:
    client = Client(url=BASE_URL, api_key=API_KEY, versions={"edition": "Enterprise"})
    assert client.is_enterprise
    assert respx_mock.calls.call_count == 0


def test_get_organization(legacy: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/current-user/whoami").respond(json=USER)
    respx_mock.get("/api/organizations/7").respond(json={"id": 7, "title": "Org"})
    assert legacy.get_organization() == {"id": 7, "title": "Org"}


@pytest.mark.parametrize(
    ("storage_type", "path"),
    [("s3", "/api/storages/s3/4/sync"), ("export/gcs", "/api/storages/export/gcs/4/sync")],
)
def test_sync_storage(legacy: Client, respx_mock: respx.MockRouter, storage_type: str, path: str) -> None:
    route = respx_mock.post(path).respond(json={"id": 4, "type": "s3", "last_sync_count": 3})
    assert legacy.sync_storage(storage_type, 4) == {"id": 4, "type": "s3", "last_sync_count": 3}
    assert route.call_count == 1


def test_sync_storage_encodes_its_arguments(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(path__regex=r"^/api/storages/").respond(json={})
    legacy.sync_storage("s3", "1?x=y")
    assert route.calls.last.request.url.raw_path == b"/api/storages/s3/1%3Fx%3Dy/sync"
    with pytest.raises(ValueError):
        legacy.sync_storage("", 1)


def test_get_session_url_and_default_headers(legacy: Client) -> None:
    assert isinstance(legacy.get_session(), httpx.Client)
    assert legacy.get_url("/api/projects") == "http://testserver/api/projects"
    assert legacy.get_url("api/x") == "http://testserver/api/x"
    headers = legacy.get_default_headers()
    assert headers["Authorization"] == f"Token {API_KEY}"
    assert "User-Agent" in headers


def test_get_api_key_returns_a_given_key_without_a_request(legacy: Client) -> None:
    assert legacy.get_api_key({"api_key": "k2"}) == "k2"
    with pytest.raises(CredentialsNotSupportedError):
        legacy.get_api_key({"email": "a@b.c"})


# -- projects -------------------------------------------------------------------------------------


def test_get_projects_returns_every_page(legacy: Client, respx_mock: respx.MockRouter) -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        if page == 1:
            return httpx.Response(
                200, json={"count": 3, "next": "p2", "results": [project_body(1), project_body(2)]}
            )
        return httpx.Response(
            200, json={"count": 3, "next": None, "results": [project_body(3, task_number=5)]}
        )

    route = respx_mock.get("/api/projects/").mock(side_effect=pages)
    projects = legacy.get_projects()
    assert [p.params["id"] for p in projects] == [1, 2, 3]
    assert projects[2].params["task_number"] == 5  # the server's keys are kept
    assert projects[0].params["title"] == "P1"
    assert route.call_count == 2
    assert all(p.url == legacy.url and p.api_key == legacy.api_key for p in projects)
    # list_projects is the same call
    assert [p.params["id"] for p in legacy.list_projects()] == [1, 2, 3]


def test_get_projects_passes_query_params(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/projects/").respond(
        json={"count": 1, "next": None, "results": [project_body(9)]}
    )
    projects = legacy.get_projects(title="cats", ids=[9, 10], filter="pinned_only")
    assert [p.params["id"] for p in projects] == [9]
    query = parse_qs(route.calls.last.request.url.query.decode())
    assert query["title"] == ["cats"]
    assert query["ids"] == ["9,10"]
    assert query["filter"] == ["pinned_only"]


def test_get_projects_with_page_returns_that_page_only(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/projects/").respond(
        json={"count": 30, "next": "more", "results": [project_body(11), project_body(12)]}
    )
    projects = legacy.get_projects(page=2, page_size=2)
    assert [p.params["id"] for p in projects] == [11, 12]
    assert route.call_count == 1
    assert route.calls.last.request.url.params["page"] == "2"


def test_get_project(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/projects/5/").respond(json=project_body(5))
    project = legacy.get_project(5)
    assert project.params["id"] == 5
    assert project.params["title"] == "P5"
    assert route.call_count == 1


def test_get_project_missing_raises_not_found(legacy: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/projects/404/").respond(404, json={"detail": "Not found."})
    with pytest.raises(NotFoundError):
        legacy.get_project(404)


def test_start_project(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/projects/").respond(201, json=project_body(8, title="New"))
    project = legacy.start_project(title="New", label_config="<View></View>")
    assert project.params["id"] == 8
    assert sent_json(route)["title"] == "New"
    assert project.ls is legacy.ls  # one connection pool for the client and its projects
    assert legacy.create_project(title="Again").params["id"] == 8


def test_delete_project_returns_the_response(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.delete("/api/projects/3/").respond(204)
    response = legacy.delete_project(3)
    assert isinstance(response, Response)
    assert response.status_code == 204
    assert route.call_count == 1


def test_delete_all_projects_lists_once_then_deletes(legacy: Client, respx_mock: respx.MockRouter) -> None:
    listing = respx_mock.get("/api/projects/").respond(
        json={"count": 2, "next": None, "results": [project_body(1), project_body(2)]}
    )
    one = respx_mock.delete("/api/projects/1/").respond(204)
    two = respx_mock.delete("/api/projects/2/").respond(204)
    responses = legacy.delete_all_projects()
    assert [r.status_code for r in responses] == [204, 204]
    # 0.x fetched every project again (get_params) before deleting it
    assert listing.call_count == 1 and one.call_count == 1 and two.call_count == 1
    assert respx_mock.calls.call_count == 3


# -- users and workspaces -----------------------------------------------------------------------


def test_get_users(legacy: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/users/").respond(
        json=[USER, sample(BaseUser, id=2, email="b@example.com", extra_key=1)]
    )
    users = legacy.get_users()
    assert [u.id for u in users] == [1, 2]
    ada = users[0]
    assert isinstance(ada, User)
    assert ada.client is legacy
    assert (ada.first_name, ada.last_name, ada.username, ada.email) == (
        "Ada",
        "Lovelace",
        "ada",
        "ada@example.com",
    )
    assert ada.initials == "AL" and ada.phone == "" and ada.active_organization == 7 and ada.avatar is None
    assert ada.last_activity is not None and ada.last_activity.year == 2024
    assert ada.org_membership[0].organization_id == 7
    # a user without phone or last_activity is fine (0.x failed validation)
    assert users[1].phone is None and users[1].extra_key == 1
    assert "ada@example.com" in repr(ada) and "client" not in repr(ada)


def test_get_user_and_current_user(legacy: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/users/1/").respond(json=USER)
    respx_mock.get("/api/current-user/whoami").respond(json=USER)
    assert legacy.get_user(1).email == "ada@example.com"
    assert legacy.get_current_user().id == 1


def test_create_user(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/users/").respond(201, json={**USER, "id": 3, "email": "c@example.com"})
    user = legacy.create_user({"email": "c@example.com", "first_name": "C", "role": "AN"})
    assert user is not None and user.id == 3 and user.client is legacy
    assert sent_json(route) == {
        "email": "c@example.com",
        "first_name": "C",
        "username": "c@example.com",
        "role": "AN",
    }


def test_create_user_from_a_user_object(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/users/").respond(201, json=USER)
    legacy.create_user(User(email="ada@example.com", first_name="Ada", last_name="Lovelace"))
    assert sent_json(route) == {
        "username": "ada@example.com",
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
    }


def test_create_user_that_exists_returns_the_existing_user(
    legacy: Client, respx_mock: respx.MockRouter
) -> None:
    respx_mock.post("/api/users/").respond(400, json={"email": ["user with this email already exists."]})
    respx_mock.get("/api/users/").respond(json=[USER])
    user = legacy.create_user({"email": "ADA@example.com"})
    assert user is not None and user.id == 1  # 0.x returned None


def test_create_user_that_exists_without_exist_ok_raises(
    legacy: Client, respx_mock: respx.MockRouter
) -> None:
    respx_mock.post("/api/users/").respond(400, json={"email": ["user with this email already exists."]})
    with pytest.raises(BadRequestError):
        legacy.create_user({"email": "ada@example.com"}, exist_ok=False)


def test_create_user_other_errors_raise(legacy: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/api/users/").respond(400, json={"email": ["Enter a valid email address."]})
    with pytest.raises(BadRequestError):  # 0.x logged the error and returned None
        legacy.create_user({"email": "not-an-email"})


def test_user_set_role_updates_the_membership(legacy: Client, respx_mock: respx.MockRouter) -> None:
    from label_studio_sdk._legacy import UserRole

    route = respx_mock.patch("/api/organizations/7/memberships").respond(json={})
    user = User(client=legacy, **USER)
    user.set_role(UserRole.REVIEWER)
    assert sent_json(route) == {"user_id": 1, "role": "RE"}
    assert user.org_membership[0].role is UserRole.REVIEWER  # 0.x stored the UserRole class


def test_get_workspaces(legacy: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/workspaces").respond(
        json=[{"id": 1, "title": "Team", "color": "#fff", "is_personal": False, "created_by": 1}]
    )
    workspaces = legacy.get_workspaces()
    assert len(workspaces) == 1 and isinstance(workspaces[0], Workspace)
    assert (workspaces[0].id, workspaces[0].title, workspaces[0].client) == (1, "Team", legacy)
    assert legacy.get_workspace_by_title("Team") is not None
    assert legacy.get_workspace_by_title("Nope") is None


def test_get_workspaces_on_open_source_raises_not_found(legacy: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/workspaces").respond(404, json={"detail": "Not found."})
    with pytest.raises(NotFoundError):
        legacy.get_workspaces()


def test_workspace_projects_in_one_request(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/workspaces/1/projects").respond(json=[project_body(4), project_body(5)])
    members = respx_mock.post("/api/workspaces/1/memberships").respond(201, json={"workspace": 1, "user": 2})
    workspace = Workspace(client=legacy, id=1, title="Team")
    assert [p.params["id"] for p in workspace.get_projects()] == [4, 5]
    assert respx_mock.calls.call_count == 1 and route.call_count == 1
    assert workspace.add_user(User(id=2)) == {"workspace": 1, "user": 2}
    assert sent_json(members) == {"workspace": 1, "user": 2}


# -- make_request ---------------------------------------------------------------------------------


def test_make_request_params_positional(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/tasks").respond(json={"tasks": []})
    response = legacy.make_request("GET", "/api/tasks", {"project": 1, "page": 2, "fields": "all"})
    assert response.json() == {"tasks": []}
    assert dict(route.calls.last.request.url.params) == {"project": "1", "page": "2", "fields": "all"}


def test_make_request_params_keyword_and_lists(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/things").respond(json=[])
    legacy.make_request("GET", "api/things", params={"ids": [1, 2], "flag": True, "skip": None})
    assert route.calls.last.request.url.query == b"ids=1&ids=2&flag=true"


def test_make_request_json(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/things").respond(201, json={"id": 1})
    response = legacy.make_request("POST", "/api/things", json={"title": "x"}, params={"a": 1})
    assert response.status_code == 201
    request = route.calls.last.request
    assert json.loads(request.content) == {"title": "x"}
    assert request.headers["Content-Type"] == "application/json"
    assert request.url.params["a"] == "1"


def test_make_request_form_data_and_raw_data(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/form").respond(200)
    legacy.make_request("POST", "/api/form", data={"a": "1", "b": 2})
    assert route.calls.last.request.content == b"a=1&b=2"
    assert route.calls.last.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    legacy.make_request(
        "POST", "/api/form", data='{"raw": true}', headers={"Content-Type": "application/json"}
    )
    assert route.calls.last.request.content == b'{"raw": true}'
    assert route.calls.last.request.headers["Content-Type"] == "application/json"


def test_make_request_files(legacy: Client, respx_mock: respx.MockRouter, tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_bytes(b'[{"text": "a"}]')
    route = respx_mock.post("/api/projects/1/import").respond(201, json={"task_count": 1})
    with path.open("rb") as handle:
        response = legacy.make_request(
            "POST", "/api/projects/1/import", files={"file": handle}, params={"return_task_ids": "1"}
        )
    assert response.json() == {"task_count": 1}
    request = route.calls.last.request
    assert request.headers["Content-Type"].startswith("multipart/form-data")
    assert b'filename="tasks.json"' in request.content and b'[{"text": "a"}]' in request.content
    assert request.url.params["return_task_ids"] == "1"


def test_make_request_files_with_form_fields(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/upload").respond(201)
    legacy.make_request("POST", "/api/upload", data={"title": "T"}, files={"file": ("a.csv", b"x,y\n")})
    body = route.calls.last.request.content
    assert b'name="title"' in body and b"T" in body and b'filename="a.csv"' in body


def test_make_request_headers_merge(respx_mock: respx.MockRouter) -> None:
    client = Client(url=BASE_URL, api_key=API_KEY, extra_headers={"X-Team": "a", "X-Keep": "k"})
    route = respx_mock.get("/api/x").respond(200)
    client.make_request("GET", "/api/x", headers={"X-Team": "b", "X-Call": "c"})
    headers = route.calls.last.request.headers
    assert headers["X-Team"] == "b"  # the call wins
    assert headers["X-Keep"] == "k"
    assert headers["X-Call"] == "c"
    assert headers["Authorization"] == f"Token {API_KEY}"
    client.make_request("GET", "/api/x")
    assert route.calls.last.request.headers["X-Team"] == "a"  # not remembered


def test_make_request_cookies(respx_mock: respx.MockRouter) -> None:
    client = Client(url=BASE_URL, api_key=API_KEY, cookies={"sid": "1"})
    route = respx_mock.get("/api/x").respond(200)
    client.make_request("GET", "/api/x")
    assert route.calls.last.request.headers["Cookie"] == "sid=1"
    client.make_request("GET", "/api/x", cookies={"extra": "2"})
    assert route.calls.last.request.headers["Cookie"] == "sid=1; extra=2"


def test_oidc_token_is_sent_as_proxy_authorization(respx_mock: respx.MockRouter) -> None:
    client = Client(url=BASE_URL, api_key=API_KEY, oidc_token="oidc")
    route = respx_mock.get("/health").respond(json={"status": "UP"})
    client.check_connection()
    assert route.calls.last.request.headers["Proxy-Authorization"] == "Bearer oidc"
    assert route.calls.last.request.headers["Authorization"] == f"Token {API_KEY}"


def test_make_request_raises_typed_errors(legacy: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/missing").respond(404, json={"detail": "Not found."})
    with pytest.raises(NotFoundError) as raised:
        legacy.make_request("GET", "/api/missing")
    assert raised.value.status_code == 404
    assert raised.value.detail == "Not found."
    assert raised.value.path == "/api/missing"


def test_raise_exceptions_false_returns_the_error_response(
    legacy: Client, respx_mock: respx.MockRouter
) -> None:
    respx_mock.post("/api/bad").respond(400, json={"title": ["required"]}, headers={"X-Trace": "t"})
    response = legacy.make_request("POST", "/api/bad", json={}, raise_exceptions=False)
    assert response.status_code == 400
    assert not response.ok and not response
    assert response.json() == {"title": ["required"]}
    assert response.headers["x-trace"] == "t"
    assert response.reason == "Bad Request"
    assert response.url == "http://testserver/api/bad"
    with pytest.raises(BadRequestError) as raised:
        response.raise_for_status()
    assert raised.value.body == {"title": ["required"]}


def test_make_request_raise_false_on_the_client(respx_mock: respx.MockRouter, sleeps: List[float]) -> None:
    client = Client(url=BASE_URL, api_key=API_KEY, make_request_raise=False)
    respx_mock.get("/api/gone").respond(401, text="bad token")
    response = client.make_request("GET", "/api/gone")
    assert response.status_code == 401
    assert response.text == "bad token"
    with pytest.raises(UnauthorizedError):
        response.raise_for_status()
    # the call's raise_exceptions wins over the client's setting
    with pytest.raises(UnauthorizedError):
        client.make_request("GET", "/api/gone", raise_exceptions=True)


def test_response_api(legacy: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/ok").respond(200, json={"a": 1}, headers={"X-Total": "3"})
    with legacy.make_request("GET", "/api/ok") as response:
        assert response.status_code == 200
        assert response.ok and bool(response)
        assert response.headers["x-total"] == "3"
        assert response.content == b'{"a":1}'
        assert response.text == '{"a":1}'
        assert response.json() == {"a": 1}
        assert list(response.iter_content(chunk_size=3)) == [b'{"a', b'":1', b"}"]
        assert response.raise_for_status() is None
        assert repr(response) == "<Response [200]>"
        assert isinstance(response.raw_response, httpx.Response)


def test_stream_reads_the_body_only_when_iterated(legacy: Client, respx_mock: respx.MockRouter) -> None:
    body = b"x" * 10_000
    stream = httpx.ByteStream(body)
    respx_mock.get("/api/export").mock(return_value=httpx.Response(200, stream=stream))
    response = legacy.make_request("GET", "/api/export", stream=True)
    assert not response.raw_response.is_stream_consumed
    chunks = list(response.iter_content(chunk_size=4096))
    assert [len(c) for c in chunks] == [4096, 4096, 1808]
    assert b"".join(chunks) == body
    assert response.raw_response.is_closed
    response.close()


def test_stream_error_raises_before_the_body(legacy: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/export").respond(404, json={"detail": "no export"})
    with pytest.raises(NotFoundError):
        legacy.make_request("GET", "/api/export", stream=True)


def test_iter_content_decoded(legacy: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/t").respond(200, text="héllo\nworld")
    response = legacy.make_request("GET", "/api/t")
    assert "".join(response.iter_content(chunk_size=2, decode_unicode=True)) == "héllo\nworld"
    assert list(response.iter_lines()) == ["héllo", "world"]


def test_retries_follow_our_policy(legacy: Client, respx_mock: respx.MockRouter, sleeps: List[float]) -> None:
    route = respx_mock.get("/api/flaky").mock(
        side_effect=[httpx.Response(503), httpx.Response(502), httpx.Response(200, json={"ok": True})]
    )
    assert legacy.make_request("GET", "/api/flaky").json() == {"ok": True}
    assert route.call_count == 3 and len(sleeps) == 2


def test_post_is_not_replayed_after_a_server_error(
    legacy: Client, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    route = respx_mock.post("/api/create").respond(500)
    with pytest.raises(InternalServerError):
        legacy.make_request("POST", "/api/create", json={"a": 1})
    assert route.call_count == 1 and sleeps == []


def test_retried_requests_then_returned_without_raising(
    legacy: Client, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    route = respx_mock.get("/api/busy").respond(503, text="busy")
    response = legacy.make_request("GET", "/api/busy", raise_exceptions=False)
    assert response.status_code == 503 and response.text == "busy"
    assert route.call_count == 3  # 1 + max_retries


def test_timeout_forms(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/t").respond(200)
    legacy.make_request("GET", "/api/t", timeout=5)
    assert route.calls.last.request.extensions["timeout"]["read"] == 5
    legacy.make_request("GET", "/api/t", timeout=(1.0, 30.0))
    timeouts = route.calls.last.request.extensions["timeout"]
    assert (timeouts["connect"], timeouts["read"]) == (1.0, 30.0)
    legacy.make_request("GET", "/api/t")
    assert route.calls.last.request.extensions["timeout"]["read"] == 60.0


def test_make_request_rejects_what_it_cannot_honour(legacy: Client) -> None:
    with pytest.raises(TypeError, match="verify"):
        legacy.make_request("GET", "/api/x", verify=False)
    with pytest.raises(TypeError, match="unexpected"):
        legacy.make_request("GET", "/api/x", bogus=1)
    with pytest.raises(TypeError, match="multiple values"):
        legacy.make_request("GET", "/api/x", {"a": 1}, params={"b": 2})
    with pytest.raises(TypeError, match="allow_redirects"):
        legacy.make_request("GET", "/api/x", allow_redirects=False)


def test_make_request_keeps_the_key_on_its_host(legacy: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/abs").respond(200)
    legacy.make_request("GET", "http://testserver/api/abs")
    assert route.call_count == 1
    with pytest.raises(ValueError, match="another host"):
        legacy.make_request("GET", "http://evil.example/api/abs")
    with pytest.raises(ValueError, match="another host"):
        legacy.make_request("GET", "http://testserver.evil.example/api/abs")


def test_make_request_does_not_log_the_key(
    legacy: Client, respx_mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    respx_mock.get("/api/x").respond(500)
    caplog.set_level("DEBUG", logger="label_studio_sdk")
    with pytest.raises(InternalServerError):
        legacy.make_request("GET", "/api/x")
    assert API_KEY not in caplog.text
