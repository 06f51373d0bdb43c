"""The 0.x Client against a real server: connection, versions, the project life cycle, users."""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from label_studio_sdk import NotFoundError
from label_studio_sdk._legacy import Client, Project, User

from .conftest import API_KEY, TEXT_CONFIG, URL


@pytest.fixture
def legacy() -> Iterator[Client]:
    assert URL and API_KEY
    client = Client(url=URL, api_key=API_KEY)
    yield client
    client.close()


def test_check_connection(legacy: Client) -> None:
    assert legacy.check_connection() == {"status": "UP"}


def test_get_versions(legacy: Client) -> None:
    versions = legacy.get_versions()
    assert isinstance(versions, dict)
    assert versions["release"]
    assert "label-studio-os-package" in versions  # the server's own keys
    assert legacy.versions is versions
    assert legacy.is_enterprise() is bool(legacy.is_enterprise)


def test_project_life_cycle(legacy: Client) -> None:
    title = f"legacy-{uuid.uuid4().hex[:8]}"
    project = legacy.start_project(title=title, label_config=TEXT_CONFIG, description="from the 0.x client")
    try:
        assert isinstance(project, Project)
        project_id = project.params["id"]
        assert project.params["title"] == title

        fetched = legacy.get_project(project_id)
        assert fetched.params["id"] == project_id
        assert fetched.params["description"] == "from the 0.x client"
        assert fetched.params["label_config"].startswith("<View>")

        listed = {p.params["id"]: p for p in legacy.get_projects()}
        assert project_id in listed
        assert listed[project_id].params["title"] == title
        assert project_id in {p.params["id"] for p in legacy.list_projects(title=title)}
        assert [p.params["id"] for p in legacy.get_projects(title=title)] == [project_id]
    finally:
        response = legacy.delete_project(project.params["id"])
    assert response.status_code == 204
    with pytest.raises(NotFoundError):
        legacy.get_project(project_id)


def test_get_projects_walks_every_page(legacy: Client) -> None:
    prefix = f"legacy-pages-{uuid.uuid4().hex[:8]}"
    ids = [legacy.ls.projects.create(title=f"{prefix}-{i}").id for i in range(3)]
    try:
        found = legacy.get_projects(title=prefix, page_size=1)
        assert sorted(p.params["id"] for p in found) == sorted(ids)
        assert len(legacy.get_projects(title=prefix, page=1, page_size=1)) == 1
    finally:
        for project_id in ids:
            legacy.delete_project(project_id)


def test_get_users(legacy: Client) -> None:
    users = legacy.get_users()
    assert users and all(isinstance(u, User) for u in users)
    me = legacy.get_current_user()
    assert me.id in {u.id for u in users}
    assert legacy.get_user(me.id).email == me.email
    assert all(u.client is legacy for u in users)


def test_make_request_raw_endpoints(legacy: Client) -> None:
    response = legacy.make_request("GET", "/api/projects", {"page_size": 1})
    assert response.ok and "results" in response.json()
    missing = legacy.make_request("GET", "/api/projects/999999999/", raise_exceptions=False)
    assert missing.status_code == 404
    with pytest.raises(NotFoundError):
        missing.raise_for_status()
