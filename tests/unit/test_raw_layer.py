"""The public low-level layer (``LabelStudio.request``/``stream``/``build_request``/``send``/
``auth_headers``) and ``RawResponse``, sync and async, against a respx-mocked server."""

from __future__ import annotations

import inspect
from typing import Any, List, Union

import httpx
import pytest
import respx

from label_studio_sdk import (
    AsyncLabelStudio,
    InvalidArgumentError,
    LabelStudio,
    NotFoundError,
    RawResponse,
    ResponseValidationError,
)
from label_studio_sdk.types.project import Project
from tests.samples import sample

from ..conftest import API_KEY, BASE_URL

Client = Union[LabelStudio, AsyncLabelStudio]


PROJECT_3 = sample(Project, id=3, title="t")


@pytest.fixture(params=["sync", "async"])
def either(request: pytest.FixtureRequest, client: LabelStudio, async_client: AsyncLabelStudio) -> Client:
    return client if request.param == "sync" else async_client


async def run(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def test_request_returns_status_headers_and_body(either: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/projects/3/").respond(200, json=PROJECT_3, headers={"X-Seen": "1"})

    answer = await run(either.request("GET", "/api/projects/3/", params={"fields": ["a", "b"], "skip": None}))

    assert isinstance(answer, RawResponse)
    assert (answer.status_code, answer.headers["x-seen"], answer.body) == (200, "1", PROJECT_3)
    assert answer.parse(Project).id == 3
    assert answer.method == "GET" and answer.url == f"{BASE_URL}/api/projects/3/?fields=a&fields=b"
    sent = route.calls.last.request
    assert sent.headers["authorization"] == f"Token {API_KEY}"
    assert API_KEY not in repr(answer)


@pytest.mark.parametrize("path", ["/api/version", "api/version", f"{BASE_URL}/api/version"])
async def test_paths_and_urls_on_this_server(either: Client, respx_mock: respx.MockRouter, path: str) -> None:
    route = respx_mock.get("/api/version").respond(200, json={"release": "1"})
    assert (await run(either.request("GET", path))).body == {"release": "1"}
    assert route.call_count == 1


async def test_a_url_on_another_server_is_refused_before_sending(
    either: Client, respx_mock: respx.MockRouter
) -> None:
    with pytest.raises(InvalidArgumentError, match="not on http://testserver/"):
        await run(either.request("GET", "http://elsewhere.example/api/version"))
    assert respx_mock.calls.call_count == 0


async def test_json_body_and_request_options(either: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/api/projects/").respond(201, json=sample(Project, id=9))
    answer = await run(
        either.request(
            "post",
            "/api/projects/",
            json={"title": "x"},
            request_options={
                "additional_headers": {"X-Extra": "yes"},
                "additional_body_parameters": {"a": 1},
            },
        )
    )
    assert answer.status_code == 201
    sent = route.calls.last.request
    assert sent.headers["x-extra"] == "yes"
    assert sent.read() == b'{"title":"x","a":1}'


async def test_error_status_raises_unless_asked_and_retries_first(
    either: Client, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    respx_mock.get("/api/projects/1/").respond(404, json={"detail": "Not found."})
    with pytest.raises(NotFoundError, match="Not found"):
        await run(either.request("GET", "/api/projects/1/"))
    kept = await run(either.request("GET", "/api/projects/1/", raise_on_status=False))
    assert (kept.status_code, kept.body) == (404, {"detail": "Not found."})

    busy = respx_mock.get("/api/busy").mock(
        side_effect=[httpx.Response(503), httpx.Response(503), httpx.Response(503)]
    )
    answer = await run(either.request("GET", "/api/busy", raise_on_status=False))
    assert answer.status_code == 503
    assert busy.call_count == 3  # the retries the status allows came first
    assert len(sleeps) == 2


async def test_bodies_that_are_empty_text_or_not_the_model(
    either: Client, respx_mock: respx.MockRouter
) -> None:
    respx_mock.delete("/api/projects/1/").respond(204)
    respx_mock.get("/health").respond(200, text="<html>ok</html>", headers={"Content-Type": "text/html"})
    respx_mock.get("/api/list").respond(200, json=[1, 2])

    assert (await run(either.request("DELETE", "/api/projects/1/"))).body is None
    page = await run(either.request("GET", "/health"))
    assert page.body == "<html>ok</html>"
    with pytest.raises(ResponseValidationError, match="not JSON") as info:
        page.json()
    assert info.value.malformed and info.value.body == b"<html>ok</html>"
    listed = await run(either.request("GET", "/api/list"))
    assert listed.json() == [1, 2]
    with pytest.raises(ResponseValidationError, match="not Project"):
        listed.parse(Project)


async def test_stream(either: Client, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/big").respond(200, content=b"x" * 100_000)
    stream: Any = either.stream("GET", "/api/big", request_options={"chunk_size": 40_000})
    chunks = [chunk async for chunk in stream] if isinstance(either, AsyncLabelStudio) else list(stream)
    assert b"".join(chunks) == b"x" * 100_000
    assert len(chunks) == 3


async def test_build_request_and_send(
    either: Client, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    route = respx_mock.put("/api/raw").mock(
        side_effect=[httpx.Response(502), httpx.Response(200, json={"ok": 1})]
    )
    request = either.build_request(
        "PUT", "/api/raw", content=b"\x00bytes", headers={"Content-Type": "application/x"}
    )
    assert "authorization" not in request.headers

    response = await run(either.send(request))

    assert response.json() == {"ok": 1}
    assert route.call_count == 2  # an idempotent PUT retried after a 502
    sent = route.calls.last.request
    assert sent.read() == b"\x00bytes"
    assert sent.headers["authorization"] == f"Token {API_KEY}"
    assert sent.headers["user-agent"].startswith("label-studio-sdk-python/")


async def test_send_keeps_an_authorization_of_its_own(either: Client, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/who").respond(401, json={"detail": "bad"})
    request = either.build_request("GET", "/api/who", headers={"Authorization": "Token other"})
    response = await run(either.send(request, raise_on_status=False))
    assert response.status_code == 401
    assert route.calls.last.request.headers["authorization"] == "Token other"


async def test_auth_headers_and_the_httpx_client(either: Client) -> None:
    headers = await run(either.auth_headers())
    assert headers["Authorization"] == f"Token {API_KEY}"
    assert headers["User-Agent"].startswith("label-studio-sdk-python/")
    expected = httpx.AsyncClient if isinstance(either, AsyncLabelStudio) else httpx.Client
    assert isinstance(either.httpx_client, expected)
    assert either.follow_redirects is True
