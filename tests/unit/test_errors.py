"""Non-2xx responses become typed errors that say what failed and why, and never leak the API key."""

from __future__ import annotations

from typing import Callable

import httpx
import pytest
import respx

from label_studio_sdk import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    BadRequestError,
    ConflictError,
    ForbiddenError,
    InternalServerError,
    LabelStudioError,
    NotFoundError,
    Project,
    ResponseValidationError,
    TooManyRequestsError,
    UnauthorizedError,
    UnprocessableEntityError,
)
from tests.samples import sample

from .helpers import Api, refresh_token

SECRET = "s3cr3t-0f-the-test-9f8e7d6c5b4a"
NO_RETRY = {"max_retries": 0}


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, UnauthorizedError),
        (403, ForbiddenError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, TooManyRequestsError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (599, InternalServerError),
        (405, ApiError),
        (418, ApiError),
    ],
)
async def test_status_maps_to_error_class(
    api: Api, respx_mock: respx.MockRouter, status: int, error_class: type
) -> None:
    respx_mock.get("/api/projects/7/").mock(
        return_value=httpx.Response(
            status, json={"detail": "the server says no"}, headers={"X-Request-Id": "r-1"}
        )
    )

    with pytest.raises(ApiError) as info:
        await api.run(lambda c: c.projects.get(7, request_options=NO_RETRY))

    error = info.value
    assert type(error) is error_class
    assert isinstance(error, LabelStudioError)
    assert error.status_code == status
    assert error.method == "GET"
    assert error.path == "/api/projects/7/"
    assert error.headers["x-request-id"] == "r-1"
    message = str(error)
    assert "GET http://testserver/api/projects/7/" in message
    assert str(status) in message
    assert "the server says no" in message
    assert error.detail == "the server says no"


@pytest.mark.parametrize(
    ("response", "expected_body", "expected_detail"),
    [
        (httpx.Response(400, json={"detail": "bad", "code": 3}), {"detail": "bad", "code": 3}, "bad"),
        (httpx.Response(400, json={"error": "wrong field"}), {"error": "wrong field"}, "wrong field"),
        (httpx.Response(400, json=["first", "second"]), ["first", "second"], '["first","second"]'),
        (httpx.Response(400, text="  plain failure \n"), "  plain failure \n", "plain failure"),
        (httpx.Response(400, content=b""), None, None),
        (httpx.Response(400, content=b"\xff\xfe broken"), "\ufffd\ufffd broken", "\ufffd\ufffd broken"),
    ],
)
async def test_error_body_is_decoded(
    api: Api,
    respx_mock: respx.MockRouter,
    response: httpx.Response,
    expected_body: object,
    expected_detail: object,
) -> None:
    respx_mock.post("/api/projects/").mock(return_value=response)

    with pytest.raises(BadRequestError) as info:
        await api.run(lambda c: c.projects.create(title="t"))

    assert info.value.body == expected_body
    assert info.value.detail == expected_detail
    if expected_detail is None:
        assert str(info.value) == "POST http://testserver/api/projects/ failed with status 400"
    else:
        assert str(info.value).endswith(": " + expected_detail)


async def test_validation_errors_are_shown(api: Api, respx_mock: respx.MockRouter) -> None:
    body = {
        "detail": "Validation error",
        "validation_errors": {"label_config": ["Tag <Foo> is not supported"]},
        "id": "e1",
    }
    respx_mock.patch("/api/projects/3/").mock(return_value=httpx.Response(400, json=body))

    with pytest.raises(BadRequestError) as info:
        await api.run(lambda c: c.projects.update(3, label_config="<Foo/>"))

    message = str(info.value)
    assert "PATCH http://testserver/api/projects/3/" in message
    assert "Validation error" in message
    assert "label_config" in message
    assert "Tag <Foo> is not supported" in message


async def test_long_detail_is_shortened(api: Api, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/projects/1/").mock(return_value=httpx.Response(404, text="x" * 5000))

    with pytest.raises(NotFoundError) as info:
        await api.run(lambda c: c.projects.get(1))

    assert len(str(info.value)) < 700
    assert info.value.body == "x" * 5000  # the body itself is kept whole


# -- the API key stays secret ---------------------------------------------------------------------


def assert_secret_absent(error: BaseException, *secrets: str) -> None:
    texts = [str(error), repr(error), *map(repr, error.args)]
    texts += [repr(getattr(error, name, "")) for name in ("headers", "body", "method", "path")]
    for secret in secrets:
        for text in texts:
            assert secret not in text


@pytest.mark.parametrize(
    "effect",
    [
        httpx.Response(401, json={"detail": "Invalid token."}),
        httpx.Response(403, json={"detail": "You do not have permission to perform this action."}),
        httpx.Response(500, text="Internal Server Error"),
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("read timed out"),
        httpx.Response(200, json={"title": "no id"}),  # ResponseValidationError
    ],
    ids=["401", "403", "500", "connect", "timeout", "validation"],
)
async def test_api_key_never_appears_in_errors(
    make_api: Callable[..., Api], respx_mock: respx.MockRouter, effect: object
) -> None:
    api = make_api(api_key=SECRET, max_retries=0)
    respx_mock.get("/api/projects/1/").mock(side_effect=[effect])

    with pytest.raises(LabelStudioError) as info:
        await api.run(lambda c: c.projects.get(1))

    assert_secret_absent(info.value, SECRET)
    if info.value.__cause__ is not None:
        assert_secret_absent(info.value.__cause__, SECRET)


@pytest.mark.parametrize("key", [SECRET, refresh_token(sub=SECRET)])
async def test_api_key_never_appears_in_client_repr(make_api: Callable[..., Api], key: str) -> None:
    api = make_api(api_key=key)

    for text in (repr(api.client), repr(api.http), repr(api.http.auth), str(api.client)):
        assert key not in text
        assert SECRET not in text
    assert "http://testserver" in repr(api.client)


# -- 2xx bodies that do not fit the declared type -------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b'{"title": "project without an id"}', b"<html>not json</html>", b'{"id": "seven"}'],
)
async def test_response_validation_error_keeps_the_raw_body(
    api: Api, respx_mock: respx.MockRouter, content: bytes
) -> None:
    respx_mock.get("/api/projects/7/").mock(return_value=httpx.Response(200, content=content))

    with pytest.raises(ResponseValidationError) as info:
        await api.run(lambda c: c.projects.get(7))

    error = info.value
    assert not isinstance(error, ApiError)
    assert error.body == content
    assert error.status_code == 200
    assert "GET http://testserver/api/projects/7/" in str(error)
    assert "Project" in str(error)


async def test_unknown_fields_and_enum_values_do_not_break_parsing(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    body = sample(Project, id=7, sampling="Brand new sampling", added_in_a_later_version=[1, 2])
    respx_mock.get("/api/projects/7/").mock(return_value=httpx.Response(200, json=body))

    project = await api.run(lambda c: c.projects.get(7))

    assert project.id == 7
    assert project.sampling == "Brand new sampling"
    assert project.model_extra == {"added_in_a_later_version": [1, 2]}


def test_error_hierarchy() -> None:
    assert issubclass(ApiTimeoutError, ApiConnectionError)
    for error_class in (ApiError, ApiConnectionError, ResponseValidationError):
        assert issubclass(error_class, LabelStudioError)
    for error_class in (
        BadRequestError,
        UnauthorizedError,
        ForbiddenError,
        NotFoundError,
        ConflictError,
        UnprocessableEntityError,
        TooManyRequestsError,
        InternalServerError,
    ):
        assert issubclass(error_class, ApiError)
    assert "status_code=404" in repr(NotFoundError(status_code=404, method="GET", path="/x"))
