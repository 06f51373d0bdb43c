"""Transport failures over real sockets: what the error says, what is retried, how many connections.

A small HTTP server on 127.0.0.1 (a thread, plain sockets) reads each request whole and then does
what the test asks: drops the connection (reset or plain close) without answering, never answers,
or answers after a pause. Nothing in httpx is mocked; only the retry pauses are skipped (``sleeps``).
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from typing import Any, Callable, Iterator, List

import httpx
import pytest

from label_studio_sdk import ApiConnectionError, ApiTimeoutError, AsyncLabelStudio, LabelStudio
from label_studio_sdk.core.http import DEFAULT_MAX_CONNECTIONS

from .helpers import Api
from .local_server import LocalHttpServer

NOT_RETRIED = "not retried because it may have been applied"
DROPPED = "connection dropped after the request was sent"


class SocketServer(LocalHttpServer):
    """An HTTP/1.1 server that reads every request in full, then acts as ``mode`` says.

    Modes: ``reset`` (close with RST, the client reads ECONNRESET), ``close`` (close with FIN, no
    answer), ``hang`` (never answer), ``ok`` (answer ``{"id": 1}`` after ``delay`` seconds and keep
    the connection open for the next request).
    """

    def __init__(self, mode: str, delay: float = 0.0) -> None:
        self.mode = mode
        self.delay = delay
        self.open_connections = 0
        self.most_open_connections = 0
        super().__init__(backlog=128)

    def _serve(self, conn: socket.socket) -> None:
        with self._lock:
            self.open_connections += 1
            self.most_open_connections = max(self.most_open_connections, self.open_connections)
        conn.settimeout(0.1)
        buffer = b""
        try:
            while not self._stop.is_set():
                request, buffer = self._read_request(conn, buffer)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                if self.mode == "reset":
                    # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                if self.mode == "close":
                    return
                if self.mode == "hang":
                    self._stop.wait()
                    return
                time.sleep(self.delay)
                body = b'{"id": 1}'
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
        finally:
            with self._lock:
                self.open_connections -= 1
            conn.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., SocketServer]]:
    started: List[SocketServer] = []

    def start(mode: str, delay: float = 0.0) -> SocketServer:
        started.append(SocketServer(mode, delay))
        return started[-1]

    yield start
    for server in started:
        server.close()


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def failure(api: Api, method: str, **kwargs: Any) -> ApiConnectionError:
    json = None if method in ("GET", "DELETE") else {"task": 1}
    with pytest.raises(ApiConnectionError) as info:
        if json is None:
            await api.request(method, "api/predictions/", **kwargs)
        else:
            await api.request(method, "api/predictions/", json=json, **kwargs)
    return info.value


# --------------------------------------------------------------------------- dropped after sending


@pytest.mark.parametrize("mode", ["reset", "close"])
@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_a_post_or_patch_dropped_after_sending_is_not_replayed(
    make_api: Callable[..., Api],
    serve: Callable[..., SocketServer],
    sleeps: List[float],
    mode: str,
    method: str,
) -> None:
    server = serve(mode)
    api = make_api(base_url=server.url, max_retries=3)
    error = await failure(api, method)

    assert server.methods() == [method]  # reached the server once, never sent again
    assert sleeps == []
    assert not isinstance(error, ApiTimeoutError)
    assert error.request_sent is True
    text = str(error)
    assert text.startswith(f"{method} {server.url}/api/predictions/: {DROPPED} (")
    assert text.endswith(f"; {NOT_RETRIED}")
    assert "failed to connect" not in text
    cause = httpx.ReadError if mode == "reset" else httpx.RemoteProtocolError
    assert isinstance(error.__cause__, cause)
    assert (error.method, error.path) == (method, "/api/predictions/")


@pytest.mark.parametrize("mode", ["reset", "close"])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_an_idempotent_request_dropped_after_sending_is_retried(
    make_api: Callable[..., Api],
    serve: Callable[..., SocketServer],
    sleeps: List[float],
    mode: str,
    method: str,
) -> None:
    server = serve(mode)
    api = make_api(base_url=server.url, max_retries=2)
    error = await failure(api, method)

    assert server.methods() == [method] * 3  # the first try and two retries, each on the wire
    assert len(sleeps) == 2
    assert error.request_sent is True
    text = str(error)
    assert text.startswith(f"{method} {server.url}/api/predictions/: {DROPPED} (")
    assert text.endswith("; still failing after 2 retries")
    assert NOT_RETRIED not in text


async def test_one_retry_is_one_retry(
    make_api: Callable[..., Api], serve: Callable[..., SocketServer], sleeps: List[float]
) -> None:
    server = serve("reset")
    error = await failure(make_api(base_url=server.url, max_retries=1), "GET")
    assert len(server.methods()) == 2
    assert str(error).endswith("; still failing after 1 retry")


async def test_with_retries_off_an_idempotent_failure_just_says_what_happened(
    make_api: Callable[..., Api], serve: Callable[..., SocketServer], sleeps: List[float]
) -> None:
    server = serve("reset")
    error = await failure(make_api(base_url=server.url, max_retries=0), "GET")
    assert server.methods() == ["GET"]
    assert str(error).startswith(f"GET {server.url}/api/predictions/: {DROPPED} (ReadError")
    assert "retr" not in str(error)


# --------------------------------------------------------------------------- timeouts


async def test_a_post_without_an_answer_times_out_and_is_not_replayed(
    make_api: Callable[..., Api], serve: Callable[..., SocketServer], sleeps: List[float]
) -> None:
    server = serve("hang")
    api = make_api(base_url=server.url, max_retries=2, timeout=0.3)
    error = await failure(api, "POST")

    assert server.methods() == ["POST"]
    assert isinstance(error, ApiTimeoutError) and error.request_sent is True
    text = str(error)
    assert text.startswith(
        f"POST {server.url}/api/predictions/ timed out waiting for the response after the request was sent (ReadTimeout"
    )
    assert text.endswith(f"; {NOT_RETRIED}")


async def test_a_get_without_an_answer_is_retried_then_times_out(
    make_api: Callable[..., Api], serve: Callable[..., SocketServer], sleeps: List[float]
) -> None:
    server = serve("hang")
    api = make_api(base_url=server.url, max_retries=1, timeout=0.2)
    error = await failure(api, "GET")
    assert server.methods() == ["GET", "GET"]
    assert isinstance(error, ApiTimeoutError)
    assert "timed out waiting for the response after the request was sent (ReadTimeout)" in str(error)
    assert str(error).endswith("; still failing after 1 retry")


async def test_a_per_call_timeout_still_applies(
    make_api: Callable[..., Api], serve: Callable[..., SocketServer], sleeps: List[float]
) -> None:
    server = serve("hang")
    api = make_api(base_url=server.url, max_retries=0, timeout=30)
    started = time.perf_counter()
    error = await failure(api, "POST", request_options={"timeout": 0.2})
    assert time.perf_counter() - started < 5
    assert isinstance(error, ApiTimeoutError) and "(ReadTimeout)" in str(error)


# --------------------------------------------------------------------------- connect failures


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_refused_connection_is_retried_for_any_method(
    make_api: Callable[..., Api], sleeps: List[float], method: str
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    api = make_api(base_url=url, max_retries=2)
    error = await failure(api, method)

    assert len(sleeps) == 2  # never left, so even a POST is sent again
    assert not isinstance(error, ApiTimeoutError)
    assert error.request_sent is False
    text = str(error)
    assert text.startswith(f"{method} {url}/api/predictions/ failed to connect (ConnectError")
    assert text.endswith("; the request was not sent; still failing after 2 retries")
    assert DROPPED not in text and NOT_RETRIED not in text


# --------------------------------------------------------------------------- the pool


async def test_the_default_pool_opens_at_most_ten_connections(
    make_api: Callable[..., Api], serve: Callable[..., SocketServer]
) -> None:
    assert DEFAULT_MAX_CONNECTIONS == 10
    server = serve("ok", delay=0.05)
    api = make_api(base_url=server.url)
    results = await gather(api, 40)
    assert results == [{"id": 1}] * 40
    assert len(server.requests) == 40
    if api.is_async:
        assert server.most_open_connections == DEFAULT_MAX_CONNECTIONS
    else:
        assert server.most_open_connections <= DEFAULT_MAX_CONNECTIONS


async def test_max_connections_bounds_the_pool_and_queued_requests_wait_their_turn(
    make_api: Callable[..., Api], serve: Callable[..., SocketServer]
) -> None:
    # 12 requests of 0.1 s through 2 connections take about 0.6 s: longer than the 0.4 s timeout,
    # which counts only once a request has its connection.
    server = serve("ok", delay=0.1)
    api = make_api(base_url=server.url, max_connections=2, timeout=0.4, max_retries=0)
    started = time.perf_counter()
    results = await gather(api, 12)
    elapsed = time.perf_counter() - started
    assert results == [{"id": 1}] * 12
    assert server.most_open_connections <= 2
    if api.is_async:
        assert server.most_open_connections == 2
        assert elapsed > 0.4


async def gather(api: Api, count: int) -> List[Any]:
    """``count`` POSTs at once: asyncio.gather for the async client, a thread each for the sync one."""
    if api.is_async:
        client = api.client
        assert isinstance(client, AsyncLabelStudio)
        return list(
            await asyncio.gather(
                *[client._client.request("POST", "api/x/", json={"n": i}, cast_to=dict) for i in range(count)]
            )
        )
    client_sync = api.client
    assert isinstance(client_sync, LabelStudio)
    results: List[Any] = [None] * count

    def one(i: int) -> None:
        results[i] = client_sync._client.request("POST", "api/x/", json={"n": i}, cast_to=dict)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("bad", [0, -1, True, 2.5, "10"])
@pytest.mark.parametrize("cls", [LabelStudio, AsyncLabelStudio])
def test_max_connections_must_be_a_positive_whole_number(cls: Any, bad: Any) -> None:
    with pytest.raises(ValueError, match="max_connections must be a whole number of 1 or more"):
        cls(base_url="http://127.0.0.1:1", api_key="k", max_connections=bad)


async def test_max_connections_with_an_own_httpx_client_is_refused() -> None:
    with httpx.Client() as own, pytest.raises(ValueError, match=r"limits=httpx\.Limits"):
        LabelStudio(base_url="http://127.0.0.1:1", api_key="k", httpx_client=own, max_connections=4)
    async with httpx.AsyncClient() as own_async:
        with pytest.raises(ValueError, match=r"limits=httpx\.Limits"):
            AsyncLabelStudio(
                base_url="http://127.0.0.1:1", api_key="k", httpx_client=own_async, max_connections=4
            )


async def test_an_own_httpx_client_keeps_its_own_limits(serve: Callable[..., SocketServer]) -> None:
    server = serve("ok", delay=0.05)
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=3)) as own:
        client = AsyncLabelStudio(base_url=server.url, api_key="k", httpx_client=own)
        assert client._client.max_connections is None
        results = await gather(Api(client), 15)
        await client.close()
        assert not own.is_closed  # the caller's client stays open
    assert results == [{"id": 1}] * 15
    assert server.most_open_connections == 3
