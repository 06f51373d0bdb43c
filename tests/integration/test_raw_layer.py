"""The public low-level layer against a real server: ``request``, ``stream``, ``build_request`` +
``send`` and ``auth_headers``, sync and async (the ``ls`` fixture runs each test in both)."""

from __future__ import annotations

from typing import Any

import pytest

from label_studio_sdk import NotFoundError, RawResponse
from label_studio_sdk.types.project import Project

from .conftest import TEXT_CONFIG, Flavour, read_all


async def test_request_returns_status_headers_and_parsed_body(ls: Flavour, project: Any) -> None:
    answer = await ls.request("GET", f"/api/projects/{project.id}/")

    assert isinstance(answer, RawResponse)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.body["id"] == project.id
    assert answer.body["title"] == project.title
    assert answer.parse(Project).label_config == project.label_config
    assert answer.url.endswith(f"/api/projects/{project.id}/")


async def test_request_sends_a_json_body_and_query(ls: Flavour, unique: str) -> None:
    created = await ls.request(
        "POST", "/api/projects/", json={"title": f"raw-{unique}", "label_config": TEXT_CONFIG}
    )
    try:
        assert created.status_code == 201
        project_id = created.body["id"]
        listed = await ls.request("GET", "/api/projects/", params={"title": f"raw-{unique}", "page_size": 5})
        assert [item["id"] for item in listed.body["results"]] == [project_id]
    finally:
        gone = await ls.request("DELETE", f"/api/projects/{created.body['id']}/")
    assert gone.status_code == 204
    assert gone.body is None


async def test_error_status_raises_typed_or_comes_back_when_asked(ls: Flavour) -> None:
    with pytest.raises(NotFoundError) as info:
        await ls.request("GET", "/api/projects/999999999/")
    assert info.value.status_code == 404
    assert "/api/projects/999999999/" in str(info.value)

    answer = await ls.request("GET", "/api/projects/999999999/", raise_on_status=False)
    assert answer.status_code == 404
    assert isinstance(answer.body, dict) and answer.body  # the server's detail, parsed


async def test_stream_downloads_a_body(ls: Flavour, project: Any) -> None:
    body = await read_all(
        await ls.stream("GET", f"/api/projects/{project.id}/export", params={"exportType": "JSON"})
    )
    assert body.startswith(b"[")


async def test_built_request_goes_through_the_loop_with_the_key(ls: Flavour, project: Any) -> None:
    request = await ls.build_request("GET", f"/api/projects/{project.id}/", params={"fields": "all"})
    assert "authorization" not in request.headers  # added by send, per attempt
    response = await ls.send(request)
    assert response.status_code == 200
    assert response.json()["id"] == project.id

    headers = await ls.auth_headers()
    assert headers["Authorization"].split(" ", 1)[0] in ("Token", "Bearer")
    wrong = await ls.build_request(
        "GET", "/api/current-user/whoami", headers={"Authorization": "Token wrong"}
    )
    assert (await ls.send(wrong, raise_on_status=False)).status_code == 401
