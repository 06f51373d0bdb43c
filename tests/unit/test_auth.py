"""Legacy tokens, personal access tokens (JWT refresh -> access), renewal, and concurrent refreshes."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import AsyncIterator, Callable, Iterator, List

import httpx
import pytest
import respx

from label_studio_sdk import ApiError, AsyncLabelStudio, LabelStudio, UnauthorizedError
from label_studio_sdk.core.auth import PersonalAccessTokenAuth, StaticAuth, auth_for_key, jwt_claims
from tests.conftest import BASE_URL

from .helpers import Api, access_token, make_jwt, refresh_token

REFRESH = refresh_token()
PATH = "api/projects/1/"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def issue_tokens(
    clock: Callable[[], float], lifetime: float = 300.0
) -> Callable[[httpx.Request], httpx.Response]:
    """A refresh endpoint that hands out access-1, access-2, ... each valid for ``lifetime`` seconds."""
    issued: List[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        issued.append(access_token(clock() + lifetime, name=f"access-{len(issued) + 1}"))
        return httpx.Response(200, json={"access": issued[-1]})

    handler.issued = issued  # type: ignore[attr-defined]
    return handler


def bearer(route: respx.Route) -> List[str]:
    return [call.request.headers["Authorization"] for call in route.calls]


@pytest.fixture
def pat_api(make_api: Callable[..., Api]) -> Api:
    return make_api(api_key=REFRESH)


def with_clock(api: Api, clock: Clock) -> None:
    api.http.auth = PersonalAccessTokenAuth(REFRESH, clock=clock)


# -- which scheme -------------------------------------------------------------------------------


async def test_legacy_key_is_sent_as_token(api: Api, respx_mock: respx.MockRouter) -> None:
    refresh = respx_mock.post("/api/token/refresh/")
    mocked = respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200))

    await api.request("GET", PATH)

    assert mocked.calls.last.request.headers["Authorization"] == "Token test-token"
    assert refresh.call_count == 0


def test_scheme_is_chosen_from_the_key() -> None:
    assert isinstance(auth_for_key("0123456789abcdef0123456789abcdef01234567"), StaticAuth)
    assert isinstance(auth_for_key(REFRESH), PersonalAccessTokenAuth)
    assert jwt_claims(REFRESH)["token_type"] == "refresh"  # type: ignore[index]
    assert jwt_claims("not.a-jwt.at all") is None
    assert jwt_claims("no-dots") is None


async def test_access_token_passed_directly_is_sent_as_bearer(
    make_api: Callable[..., Api], respx_mock: respx.MockRouter
) -> None:
    token = access_token(time.time() + 3600)
    api = make_api(api_key=token)
    refresh = respx_mock.post("/api/token/refresh/")
    mocked = respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200))

    await api.request("GET", PATH)
    await api.request("GET", PATH)

    assert bearer(mocked) == [f"Bearer {token}"] * 2
    assert refresh.call_count == 0


# -- personal access tokens -----------------------------------------------------------------------


async def test_refresh_token_is_exchanged_once_and_access_token_reused(
    pat_api: Api, respx_mock: respx.MockRouter
) -> None:
    handler = issue_tokens(time.time)
    refresh = respx_mock.post("/api/token/refresh/").mock(side_effect=handler)
    mocked = respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200))

    for _ in range(5):
        await pat_api.request("GET", PATH)

    assert refresh.call_count == 1
    assert json.loads(refresh.calls.last.request.content) == {"refresh": REFRESH}
    assert "Authorization" not in refresh.calls.last.request.headers
    assert bearer(mocked) == [f"Bearer {handler.issued[0]}"] * 5  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lifetime", "still_valid_at", "renewed_at"),
    [
        (300.0, 269.0, 271.0),  # renewed 30 s before expiry
        (100.0, 89.0, 91.0),  # short-lived: renewed at 90 % of its life
    ],
)
async def test_access_token_is_renewed_shortly_before_expiry(
    pat_api: Api,
    respx_mock: respx.MockRouter,
    lifetime: float,
    still_valid_at: float,
    renewed_at: float,
) -> None:
    clock = Clock()
    with_clock(pat_api, clock)
    start = clock.now
    handler = issue_tokens(clock, lifetime)
    refresh = respx_mock.post("/api/token/refresh/").mock(side_effect=handler)
    mocked = respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200))

    await pat_api.request("GET", PATH)
    clock.now = start + still_valid_at
    await pat_api.request("GET", PATH)
    assert refresh.call_count == 1

    clock.now = start + renewed_at
    await pat_api.request("GET", PATH)
    await pat_api.request("GET", PATH)

    assert refresh.call_count == 2
    first, second = handler.issued  # type: ignore[attr-defined]
    assert bearer(mocked) == [f"Bearer {first}"] * 2 + [f"Bearer {second}"] * 2


async def test_access_token_without_expiry_is_kept_until_a_401(
    pat_api: Api, respx_mock: respx.MockRouter
) -> None:
    clock = Clock()
    with_clock(pat_api, clock)
    no_exp = access_token(None, name="forever")
    refresh = respx_mock.post("/api/token/refresh/").mock(
        return_value=httpx.Response(200, json={"access": no_exp})
    )
    respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200))

    await pat_api.request("GET", PATH)
    clock.now += 10**7
    await pat_api.request("GET", PATH)

    assert refresh.call_count == 1


async def test_401_renews_the_access_token_once_and_repeats_the_request(
    pat_api: Api, respx_mock: respx.MockRouter, sleeps: List[float]
) -> None:
    handler = issue_tokens(time.time)
    refresh = respx_mock.post("/api/token/refresh/").mock(side_effect=handler)
    mocked = respx_mock.post("/" + PATH).mock(
        side_effect=[
            httpx.Response(401, json={"detail": "Token expired"}),
            httpx.Response(201, json={"id": 1}),
        ]
    )

    result = await pat_api.request("POST", PATH, json={"title": "x"}, cast_to=dict)

    assert result == {"id": 1}
    assert refresh.call_count == 2
    first, second = handler.issued  # type: ignore[attr-defined]
    assert bearer(mocked) == [f"Bearer {first}", f"Bearer {second}"]
    assert mocked.calls[1].request.content == b'{"title":"x"}'
    assert sleeps == []  # a renewal is not a retry


async def test_second_401_is_raised(pat_api: Api, respx_mock: respx.MockRouter) -> None:
    refresh = respx_mock.post("/api/token/refresh/").mock(side_effect=issue_tokens(time.time))
    mocked = respx_mock.get("/" + PATH).mock(
        return_value=httpx.Response(401, json={"detail": "Invalid token."})
    )

    with pytest.raises(UnauthorizedError) as info:
        await pat_api.request("GET", PATH)

    assert info.value.path == "/" + PATH
    assert mocked.call_count == 2
    assert refresh.call_count == 2


async def test_legacy_token_401_is_not_repeated(api: Api, respx_mock: respx.MockRouter) -> None:
    mocked = respx_mock.get("/" + PATH).mock(return_value=httpx.Response(401))

    with pytest.raises(UnauthorizedError):
        await api.request("GET", PATH)

    assert mocked.call_count == 1


@pytest.mark.parametrize("status", [401, 400])
async def test_refresh_failure_raises_without_leaking_the_token(
    pat_api: Api, respx_mock: respx.MockRouter, status: int
) -> None:
    refresh = respx_mock.post("/api/token/refresh/").mock(
        return_value=httpx.Response(
            status, json={"detail": "Token is invalid or expired", "code": "token_not_valid"}
        )
    )
    mocked = respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200))

    with pytest.raises(ApiError) as info:
        await pat_api.request("GET", PATH)

    error = info.value
    assert error.status_code == status
    assert isinstance(error, UnauthorizedError) == (status == 401)
    assert error.path == "/api/token/refresh/"
    assert "personal access token" in str(error)
    for text in (str(error), repr(error), repr(error.args), repr(error.body)):
        assert REFRESH not in text
    assert refresh.call_count == 1
    assert mocked.call_count == 0


async def test_refresh_answer_without_access_token(pat_api: Api, respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/api/token/refresh/").mock(return_value=httpx.Response(200, json={"refresh": "rotated"}))
    respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200))

    with pytest.raises(ApiError, match="without an access token"):
        await pat_api.request("GET", PATH)


async def test_transient_refresh_failure_is_retried(pat_api: Api, respx_mock: respx.MockRouter) -> None:
    """DESIGN: 503 is retried for every method; the token exchange is a request like any other."""
    refresh = respx_mock.post("/api/token/refresh/").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json={"access": access_token(time.time() + 300)}),
        ]
    )
    respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200, json={"ok": True}))

    assert await pat_api.request("GET", PATH, cast_to=dict) == {"ok": True}
    assert refresh.call_count == 2


async def test_refresh_connect_error_is_retried(pat_api: Api, respx_mock: respx.MockRouter) -> None:
    refresh = respx_mock.post("/api/token/refresh/").mock(
        side_effect=[
            httpx.ConnectError,
            httpx.Response(200, json={"access": access_token(time.time() + 300)}),
        ]
    )
    respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200))

    await pat_api.request("GET", PATH)

    assert refresh.call_count == 2


async def test_client_headers_reach_the_refresh_request(
    make_api: Callable[..., Api], respx_mock: respx.MockRouter
) -> None:
    """LabelStudio(headers=...) documents them as "added to every request" (e.g. a gateway's own key)."""
    api = make_api(api_key=REFRESH, headers={"X-Gateway-Key": "g"})
    refresh = respx_mock.post("/api/token/refresh/").mock(side_effect=issue_tokens(time.time))
    respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200))

    await api.request("GET", PATH)

    sent = refresh.calls.last.request.headers
    assert sent.get("X-Gateway-Key") == "g"
    assert sent["User-Agent"].startswith("label-studio-sdk-python/")


# -- explicit Authorization header ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["legacy-key", REFRESH])
async def test_additional_authorization_header_overrides_auth(
    make_api: Callable[..., Api], respx_mock: respx.MockRouter, key: str
) -> None:
    api = make_api(api_key=key)
    refresh = respx_mock.post("/api/token/refresh/")
    mocked = respx_mock.get("/" + PATH).mock(side_effect=[httpx.Response(200), httpx.Response(401)])
    options = {"additional_headers": {"authorization": "Bearer mine"}}

    await api.request("GET", PATH, request_options=options)
    with pytest.raises(UnauthorizedError):
        await api.request("GET", PATH, request_options=options)

    assert bearer(mocked) == ["Bearer mine", "Bearer mine"]
    assert refresh.call_count == 0  # neither before the call nor after its 401


# -- concurrency ----------------------------------------------------------------------------------


@pytest.fixture
def pat_client(sleeps: List[float]) -> Iterator[LabelStudio]:
    with LabelStudio(base_url=BASE_URL, api_key=REFRESH) as ls:
        yield ls


def test_concurrent_threads_share_one_refresh(pat_client: LabelStudio, respx_mock: respx.MockRouter) -> None:
    handler = issue_tokens(time.time)

    def slow_refresh(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)  # keep the exchange open while the other threads arrive
        return handler(request)

    refresh = respx_mock.post("/api/token/refresh/").mock(side_effect=slow_refresh)
    mocked = respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200))
    start = threading.Barrier(8)

    def call(_: int) -> None:
        start.wait()
        pat_client._client.request("GET", PATH)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(call, range(8)))

    assert refresh.call_count == 1
    assert set(bearer(mocked)) == {f"Bearer {handler.issued[0]}"}  # type: ignore[attr-defined]
    assert mocked.call_count == 8


def test_concurrent_threads_share_one_renewal_after_401(
    pat_client: LabelStudio, respx_mock: respx.MockRouter
) -> None:
    handler = issue_tokens(time.time)

    def slow_refresh(request: httpx.Request) -> httpx.Response:
        time.sleep(0.02)
        return handler(request)

    def api_answer(request: httpx.Request) -> httpx.Response:
        first = handler.issued[0]  # type: ignore[attr-defined]
        return httpx.Response(401 if request.headers["Authorization"] == f"Bearer {first}" else 200)

    refresh = respx_mock.post("/api/token/refresh/").mock(side_effect=slow_refresh)
    mocked = respx_mock.get("/" + PATH).mock(side_effect=api_answer)
    # every thread starts with the first token, which the server no longer accepts
    http = pat_client._client
    http.auth.sync_header(http.http, http.refresh_url)
    start = threading.Barrier(8)

    def call(_: int) -> None:
        start.wait()
        pat_client._client.request("GET", PATH)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(call, range(8)))

    assert refresh.call_count == 2  # the first exchange, then one renewal shared by all eight
    second = handler.issued[1]  # type: ignore[attr-defined]
    assert bearer(mocked).count(f"Bearer {second}") == 8


@pytest.fixture
async def pat_async_client(sleeps: List[float]) -> AsyncIterator[AsyncLabelStudio]:
    async with AsyncLabelStudio(base_url=BASE_URL, api_key=REFRESH) as ls:
        yield ls


async def test_concurrent_tasks_share_one_refresh(
    pat_async_client: AsyncLabelStudio, respx_mock: respx.MockRouter
) -> None:
    handler = issue_tokens(time.time)

    async def slow_refresh(request: httpx.Request) -> httpx.Response:
        for _ in range(10):
            await asyncio.sleep(0)  # let every other task reach the lock
        return handler(request)

    refresh = respx_mock.post("/api/token/refresh/").mock(side_effect=slow_refresh)
    mocked = respx_mock.get("/" + PATH).mock(return_value=httpx.Response(200))

    await asyncio.gather(*(pat_async_client._client.request("GET", PATH) for _ in range(20)))

    assert refresh.call_count == 1
    assert mocked.call_count == 20
    assert set(bearer(mocked)) == {f"Bearer {handler.issued[0]}"}  # type: ignore[attr-defined]


async def test_concurrent_tasks_share_one_renewal_after_401(
    pat_async_client: AsyncLabelStudio, respx_mock: respx.MockRouter
) -> None:
    handler = issue_tokens(time.time)

    async def slow_refresh(request: httpx.Request) -> httpx.Response:
        for _ in range(10):
            await asyncio.sleep(0)
        return handler(request)

    def api_answer(request: httpx.Request) -> httpx.Response:
        first = handler.issued[0]  # type: ignore[attr-defined]
        return httpx.Response(401 if request.headers["Authorization"] == f"Bearer {first}" else 200)

    refresh = respx_mock.post("/api/token/refresh/").mock(side_effect=slow_refresh)
    mocked = respx_mock.get("/" + PATH).mock(side_effect=api_answer)

    await asyncio.gather(*(pat_async_client._client.request("GET", PATH) for _ in range(20)))

    assert refresh.call_count == 2
    second = handler.issued[1]  # type: ignore[attr-defined]
    assert bearer(mocked).count(f"Bearer {second}") == 20


def test_jwt_helper_round_trip() -> None:
    token = make_jwt({"token_type": "refresh", "exp": 1})
    assert jwt_claims(token) == {"token_type": "refresh", "exp": 1}
