"""The retry policy of the send loop: what is retried, how often, how long it waits, what is raised."""

from __future__ import annotations

import email.utils
import time
from typing import Callable, List

import httpx
import pytest
import respx

from label_studio_sdk import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    InternalServerError,
    NotFoundError,
    TooManyRequestsError,
)
from label_studio_sdk.core import _http_base as http_module
from label_studio_sdk.core.http import SyncHttpClient

from .helpers import Api

PATH = "api/things/1/"
OK = httpx.Response(200, json={"ok": True})


def route(respx_mock: respx.MockRouter, method: str, *effects: object) -> respx.Route:
    return respx_mock.route(method=method, path="/" + PATH).mock(side_effect=list(effects))


# -- which statuses and methods are retried ----------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("status", [408, 429, 503])
async def test_transient_status_is_retried_for_any_method(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float], method: str, status: int
) -> None:
    mocked = route(respx_mock, method, httpx.Response(status), OK)

    result = await api.request(method, PATH, json={"title": "x"}, cast_to=dict)

    assert result == {"ok": True}
    assert mocked.call_count == 2
    assert len(sleeps) == 1
    # the retried request is the same request, body included
    first, second = (call.request for call in mocked.calls)
    assert second.content == first.content == b'{"title":"x"}'


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("status", [500, 502, 504])
async def test_server_and_gateway_errors_are_retried_for_idempotent_methods(
    api: Api, respx_mock: respx.MockRouter, method: str, status: int
) -> None:
    mocked = route(respx_mock, method, httpx.Response(status), httpx.Response(status), OK)

    assert await api.request(method, PATH, cast_to=dict) == {"ok": True}
    assert mocked.call_count == 3


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize("status", [500, 502, 504])
async def test_server_and_gateway_errors_are_never_replayed_for_post_or_patch(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float], method: str, status: int
) -> None:
    """A 502/504 comes from a proxy that may have passed the request on: replaying could import twice."""
    mocked = route(respx_mock, method, httpx.Response(status, json={"detail": "boom"}), OK)

    with pytest.raises(InternalServerError) as info:
        await api.request(method, PATH, json={"title": "x"})

    assert info.value.status_code == status
    assert mocked.call_count == 1
    assert sleeps == []


async def test_create_through_generated_method_is_sent_once_on_500(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    mocked = respx_mock.post("/api/projects/").mock(return_value=httpx.Response(500))

    with pytest.raises(InternalServerError):
        await api.run(lambda c: c.projects.create(title="once"))

    assert mocked.call_count == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501])
async def test_other_errors_are_not_retried(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float], status: int
) -> None:
    mocked = route(respx_mock, "GET", httpx.Response(status), OK)

    with pytest.raises(ApiError) as info:
        await api.request("GET", PATH)

    assert info.value.status_code == status
    assert mocked.call_count == 1  # only 500 among the 5xx is retried (501 will not start working)


# -- transport failures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError]
)
async def test_maybe_sent_failure_is_retried_for_get(
    api: Api, respx_mock: respx.MockRouter, error: type
) -> None:
    mocked = route(respx_mock, "GET", error, OK)

    assert await api.request("GET", PATH, cast_to=dict) == {"ok": True}
    assert mocked.call_count == 2


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_read_timeout_is_not_retried_for_post(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float], method: str
) -> None:
    mocked = route(respx_mock, method, httpx.ReadTimeout, OK)

    with pytest.raises(ApiTimeoutError) as info:
        await api.request(method, PATH, json={"title": "x"})

    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert mocked.call_count == 1
    assert sleeps == []


async def test_dropped_connection_after_send_is_not_retried_for_post(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    mocked = route(respx_mock, "POST", httpx.RemoteProtocolError, OK)

    with pytest.raises(ApiConnectionError) as info:
        await api.request("POST", PATH, json={})

    assert not isinstance(info.value, ApiTimeoutError)
    assert mocked.call_count == 1


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
async def test_request_that_never_left_is_retried_for_post(
    api: Api, respx_mock: respx.MockRouter, error: type
) -> None:
    mocked = route(respx_mock, "POST", error, httpx.Response(201, json={"id": 1}))

    assert await api.request("POST", PATH, json={}, cast_to=dict) == {"id": 1}
    assert mocked.call_count == 2


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx.ConnectError("refused"), ApiConnectionError),
        (httpx.ReadTimeout("slow"), ApiTimeoutError),
        (httpx.ConnectTimeout("slow to connect"), ApiTimeoutError),
    ],
)
async def test_transport_failure_raises_typed_error_with_cause(
    make_api: Callable[..., Api], respx_mock: respx.MockRouter, error: Exception, expected: type
) -> None:
    api = make_api(max_retries=0)
    route(respx_mock, "GET", error)

    with pytest.raises(expected) as info:
        await api.request("GET", PATH)

    assert type(info.value) is expected
    assert info.value.__cause__ is error
    assert info.value.method == "GET"
    assert info.value.path == "/" + PATH
    assert f"GET http://testserver/{PATH}" in str(info.value)


async def test_transport_failure_after_all_retries(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    mocked = respx_mock.get("/" + PATH).mock(side_effect=httpx.ConnectError)

    with pytest.raises(ApiConnectionError) as info:
        await api.request("GET", PATH)

    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert mocked.call_count == 3  # default max_retries=2
    assert len(sleeps) == 2


# -- how many retries ---------------------------------------------------------------------------


@pytest.mark.parametrize(("client_retries", "expected_calls"), [(0, 1), (1, 2), (5, 6)])
async def test_max_retries_from_client(
    make_api: Callable[..., Api], respx_mock: respx.MockRouter, client_retries: int, expected_calls: int
) -> None:
    api = make_api(max_retries=client_retries)
    mocked = respx_mock.get("/" + PATH).mock(return_value=httpx.Response(503))

    with pytest.raises(InternalServerError) as info:
        await api.request("GET", PATH)

    assert info.value.status_code == 503
    assert mocked.call_count == expected_calls


@pytest.mark.parametrize(("request_retries", "expected_calls"), [(0, 1), (4, 5)])
async def test_max_retries_per_request_overrides_client(
    make_api: Callable[..., Api],
    respx_mock: respx.MockRouter,
    sleeps: List[float],
    request_retries: int,
    expected_calls: int,
) -> None:
    api = make_api(max_retries=2)
    mocked = respx_mock.get("/" + PATH).mock(return_value=httpx.Response(429))

    with pytest.raises(TooManyRequestsError):
        await api.request("GET", PATH, request_options={"max_retries": request_retries})

    assert mocked.call_count == expected_calls
    assert len(sleeps) == expected_calls - 1


async def test_max_retries_per_request_through_generated_method(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    mocked = respx_mock.get("/api/projects/7/").mock(return_value=httpx.Response(502))

    with pytest.raises(InternalServerError):
        await api.run(lambda c: c.projects.get(7, request_options={"max_retries": 0}))

    assert mocked.call_count == 1


def test_negative_max_retries_is_rejected() -> None:
    with pytest.raises(ValueError):
        SyncHttpClient(base_url="http://testserver", api_key="k", max_retries=-1)


@pytest.mark.parametrize(
    ("responses", "expected_class", "expected_status"),
    [
        ([503, 502, 429], TooManyRequestsError, 429),
        ([429, 429, 500], InternalServerError, 500),
        ([429, 503, 404], NotFoundError, 404),
    ],
)
async def test_last_typed_error_is_raised_when_retries_run_out(
    api: Api,
    respx_mock: respx.MockRouter,
    responses: List[int],
    expected_class: type,
    expected_status: int,
) -> None:
    route(respx_mock, "GET", *(httpx.Response(s, json={"detail": f"status {s}"}) for s in responses))

    with pytest.raises(expected_class) as info:
        await api.request("GET", PATH)

    assert info.value.status_code == expected_status
    assert info.value.body == {"detail": f"status {expected_status}"}


# -- how long it waits --------------------------------------------------------------------------


def http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": "2.5"}, 2.5),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "3600"}, 60.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),
        ({"retry-after-ms": "999999"}, 60.0),
        ({"Retry-After": "-5"}, 0.0),
    ],
)
async def test_retry_after_is_honoured(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float], headers: dict, expected: float
) -> None:
    route(respx_mock, "GET", httpx.Response(429, headers=headers), OK)

    await api.request("GET", PATH)

    assert sleeps == [pytest.approx(expected)]


@pytest.mark.parametrize(("offset", "expected"), [(30, 30.0), (3600, 60.0), (-120, 0.0)])
async def test_retry_after_as_http_date(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float], offset: float, expected: float
) -> None:
    route(respx_mock, "GET", httpx.Response(503, headers={"Retry-After": http_date(offset)}), OK)

    await api.request("GET", PATH)

    assert len(sleeps) == 1
    assert sleeps[0] == pytest.approx(expected, abs=1.5)  # HTTP dates have whole seconds


async def test_unreadable_retry_after_falls_back_to_backoff(
    api: Api, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    route(respx_mock, "GET", httpx.Response(503, headers={"Retry-After": "soon"}), OK)

    await api.request("GET", PATH)

    assert len(sleeps) == 1
    assert 0.375 <= sleeps[0] <= 0.5


def backoff_base(retry: int) -> float:
    return min(0.5 * 2**retry, 8.0)


async def test_backoff_without_retry_after_stays_within_jitter_bounds(
    make_api: Callable[..., Api], respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    api = make_api(max_retries=7)
    respx_mock.get("/" + PATH).mock(return_value=httpx.Response(503))

    with pytest.raises(InternalServerError):
        await api.request("GET", PATH)

    assert len(sleeps) == 7
    for retry, delay in enumerate(sleeps):
        base = backoff_base(retry)
        assert 0.75 * base <= delay <= base, (retry, delay)


@pytest.mark.parametrize(("random_value", "factor"), [(0.0, 1.0), (0.999999, 0.75)])
async def test_backoff_doubles_up_to_the_cap(
    make_api: Callable[..., Api],
    respx_mock: respx.MockRouter,
    sleeps: List[float],
    monkeypatch: pytest.MonkeyPatch,
    random_value: float,
    factor: float,
) -> None:
    monkeypatch.setattr(http_module.random, "random", lambda: random_value)
    api = make_api(max_retries=6)
    respx_mock.get("/" + PATH).mock(side_effect=httpx.ConnectError)

    with pytest.raises(ApiConnectionError):
        await api.request("GET", PATH)

    expected = [factor * base for base in (0.5, 1.0, 2.0, 4.0, 8.0, 8.0)]
    assert sleeps == pytest.approx(expected, abs=1e-4)
