"""Fault injection over real sockets: every failure leaves as a typed error that says whether the
request was sent, a GET is retried where that is safe, and nothing is written twice.

A small HTTP/1.1 server on 127.0.0.1 (plain sockets, a thread per connection) reads each request in
full, records it, and answers with the fault the test scripted for that request: a body cut short,
a lying Content-Encoding, a redirect loop, an HTML error page, a connection reset in the middle of a
download. Nothing in httpx is mocked; only the retry pauses are skipped (``sleeps``). Every test runs
with the sync and the async client (``make_api``).
"""

from __future__ import annotations

import json
import socket
import struct
from pathlib import Path
from typing import Any, Callable, Iterator, List

import httpx
import pytest

from label_studio_sdk import (
    ApiConnectionError,
    ApiError,
    ChunkedImportError,
    FileAccessError,
    InvalidArgumentError,
    LabelStudio,
    LabelStudioError,
    NotFoundError,
    ResponseDecodingError,
    ResponseValidationError,
    StreamError,
    TooManyRedirectsError,
)
from label_studio_sdk.types import Project
from tests.conftest import API_KEY
from tests.samples import sample

from .helpers import Api
from .local_server import LocalHttpServer, Request

Answer = Callable[[socket.socket, Request], bool]  # writes the answer; False closes the connection

PROJECT = sample(Project, id=7, title="Faults")
PROJECT_BODY = json.dumps(PROJECT).encode()
HTML_404 = (
    b"<!DOCTYPE html>\n<html><head>\n  <title>404 | Label Studio</title>\n</head><body>"
    + b"<div>" * 5000
    + b"<h1>Page not found</h1></body></html>"
)


# --------------------------------------------------------------------------- answers


def ok(body: bytes = PROJECT_BODY, status: int = 200, content_type: str = "application/json") -> Answer:
    def answer(conn: socket.socket, request: Request) -> bool:
        conn.sendall(
            f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        return True

    return answer


def cut_short(body: bytes = PROJECT_BODY, keep: int = 9) -> Answer:
    """200 with no Content-Length (the body ends when the connection closes), closed after ``keep`` bytes."""

    def answer(conn: socket.socket, request: Request) -> bool:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + body[:keep]
        )
        return False

    return answer


def bad_encoding(status: int = 200) -> Answer:
    """A body that claims to be gzip and is not."""

    def answer(conn: socket.socket, request: Request) -> bool:
        body = b"this is not gzip at all" * 10
        conn.sendall(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        return True

    return answer


def redirect_to_itself(status: int = 307) -> Answer:
    def answer(conn: socket.socket, request: Request) -> bool:
        conn.sendall(f"HTTP/1.1 {status} X\r\nLocation: {request[1]}\r\nContent-Length: 0\r\n\r\n".encode())
        return True

    return answer


def download_then_reset(total: int = 100_000, sent: int = 30_000) -> Answer:
    """Promises ``total`` bytes, sends ``sent``, then resets the connection."""

    def answer(conn: socket.socket, request: Request) -> bool:
        conn.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {total}\r\n\r\n".encode()
            + b"x" * sent
        )
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return False

    return answer


def reset(conn: socket.socket, request: Request) -> bool:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return False


class FaultServer(LocalHttpServer):
    """Answers request number ``n`` with ``answers[n]`` (the last one repeats), recording each request."""

    def __init__(self, answers: List[Answer]) -> None:
        self.answers = answers
        super().__init__(backlog=64)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        buffer = b""
        try:
            while not self._stop.is_set():
                request, buffer = self._read_request(conn, buffer)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                    answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
                if not answer(conn, request):
                    return
        finally:
            conn.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., FaultServer]]:
    started: List[FaultServer] = []

    def start(*answers: Answer) -> FaultServer:
        started.append(FaultServer(list(answers)))
        return started[-1]

    yield start
    for server in started:
        server.close()


async def raised(api: Api, call: Callable[[Any], Any]) -> LabelStudioError:
    """The error ``call(client)`` raises; it must be a LabelStudioError and must not carry the key."""
    with pytest.raises(Exception) as info:
        await api.run(call)
    error = info.value
    assert isinstance(error, LabelStudioError), f"untyped {type(error).__name__}: {error}"
    assert API_KEY not in str(error)
    return error


async def read_all(api: Api, stream: Any) -> bytes:
    if api.is_async:
        return b"".join([chunk async for chunk in stream])
    return b"".join(stream)


# --------------------------------------------------------------------------- a 2xx body cut short


async def test_a_get_whose_body_is_cut_short_is_read_again(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float]
) -> None:
    server = serve(cut_short(), ok())
    api = make_api(base_url=server.url, max_retries=2)
    project = await api.run(lambda c: c.projects.get(7))
    assert project.id == 7 and project.title == "Faults"
    assert server.methods() == ["GET", "GET"]
    assert len(sleeps) == 1


async def test_a_get_cut_short_every_time_raises_a_validation_error_after_the_retries(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float]
) -> None:
    server = serve(cut_short())
    api = make_api(base_url=server.url, max_retries=2)
    error = await raised(api, lambda c: c.projects.get(7))
    assert isinstance(error, ResponseValidationError)
    assert error.malformed is True and error.request_sent is True
    assert error.body == PROJECT_BODY[:9]
    assert server.methods() == ["GET"] * 3
    assert str(error).startswith(f"GET {server.url}/api/projects/7/: the response is not valid JSON")


async def test_a_post_whose_body_is_cut_short_is_not_sent_again(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float]
) -> None:
    server = serve(cut_short(), ok())
    api = make_api(base_url=server.url, max_retries=3)
    error = await raised(api, lambda c: c.projects.create(title="Faults"))
    assert isinstance(error, ResponseValidationError) and error.request_sent is True
    assert server.methods() == ["POST"]  # created once, never twice
    assert sleeps == []


async def test_a_body_of_the_wrong_shape_is_not_read_again(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float]
) -> None:
    server = serve(ok(b'{"title": "no id"}'))
    api = make_api(base_url=server.url, max_retries=2)
    error = await raised(api, lambda c: c.projects.get(7))
    assert isinstance(error, ResponseValidationError) and error.malformed is False
    assert server.methods() == ["GET"]  # the same answer would come again
    assert "does not match Project" in str(error)


# --------------------------------------------------------------------------- a bad Content-Encoding


async def test_a_get_with_an_undecodable_body_is_retried(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float]
) -> None:
    server = serve(bad_encoding(), ok())
    api = make_api(base_url=server.url, max_retries=2)
    project = await api.run(lambda c: c.projects.get(7))
    assert project.id == 7
    assert server.methods() == ["GET", "GET"] and len(sleeps) == 1


async def test_an_undecodable_body_every_time_is_a_typed_decoding_error(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float]
) -> None:
    server = serve(bad_encoding())
    api = make_api(base_url=server.url, max_retries=1)
    error = await raised(api, lambda c: c.projects.get(7))
    assert type(error) is ResponseDecodingError and isinstance(error, ApiConnectionError)
    assert error.request_sent is True
    assert isinstance(error.__cause__, httpx.DecodingError)
    assert server.methods() == ["GET", "GET"]
    text = str(error)
    assert text.startswith(f"GET {server.url}/api/projects/7/: the server answered but its body could not")
    assert text.endswith("; still failing after 1 retry")


@pytest.mark.parametrize("status", [201, 400])
async def test_a_post_with_an_undecodable_answer_is_not_replayed(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float], status: int
) -> None:
    server = serve(bad_encoding(status), ok())
    api = make_api(base_url=server.url, max_retries=3)
    error = await raised(api, lambda c: c.projects.create(title="Faults"))
    assert type(error) is ResponseDecodingError and error.request_sent is True
    assert server.methods() == ["POST"]
    assert str(error).endswith("; not retried because it may have been applied")


# --------------------------------------------------------------------------- redirect loops


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_redirect_loop_is_typed_and_not_retried(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float], method: str
) -> None:
    server = serve(redirect_to_itself())
    api = make_api(base_url=server.url, max_retries=2)
    if method == "GET":
        error = await raised(api, lambda c: c.projects.get(7))
    else:
        error = await raised(api, lambda c: c.projects.create(title="Faults"))
    assert type(error) is TooManyRedirectsError and isinstance(error, ApiConnectionError)
    assert error.request_sent is True
    assert isinstance(error.__cause__, httpx.TooManyRedirects)
    # httpx follows 20 redirects once: 21 requests, no retry on top.
    assert server.methods() == [method] * 21
    assert sleeps == []
    assert str(error).startswith(f"{method} {server.url}/api/projects/")
    assert "Check base_url" in str(error)


# --------------------------------------------------------------------------- messages that help


async def test_an_html_404_for_a_base_url_ending_in_api_is_one_line_with_a_hint(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float]
) -> None:
    server = serve(ok(HTML_404, status=404, content_type="text/html; charset=utf-8"))
    api = make_api(base_url=server.url + "/api", max_retries=2)
    error = await raised(api, lambda c: c.projects.get(7))
    assert isinstance(error, NotFoundError) and error.request_sent is True
    assert error.url == f"{server.url}/api/api/projects/7/"
    text = str(error)
    assert text == (
        f"GET {server.url}/api/api/projects/7/ failed with status 404: an HTML page titled "
        "'404 | Label Studio' (the URL has /api/api/: base_url should be the server's root (without /api))"
    )
    assert "\n" not in text and "<div>" not in text
    assert error.detail == "an HTML page titled '404 | Label Studio'"
    assert server.methods() == ["GET"]


async def test_an_enterprise_only_group_on_an_open_source_server_says_so(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float]
) -> None:
    server = serve(ok(HTML_404, status=404, content_type="text/html"))
    api = make_api(base_url=server.url)
    error = await raised(api, lambda c: c.prompts.list())
    assert isinstance(error, NotFoundError)
    assert str(error).endswith(
        "(this endpoint exists only in Label Studio Enterprise; this server (the open-source edition) "
        "does not have it)"
    )


async def test_a_json_404_on_an_ordinary_path_has_no_hint(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer]
) -> None:
    server = serve(ok(b'{"detail": "Not found."}', status=404))
    api = make_api(base_url=server.url)
    error = await raised(
        api, lambda c: c.projects.get(7, request_options={"additional_query_parameters": {"a": 1}})
    )
    assert str(error) == f"GET {server.url}/api/projects/7/?a=1 failed with status 404: Not found."


# --------------------------------------------------------------------------- uploads


async def test_an_upload_of_a_missing_file_fails_before_sending(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], tmp_path: Path
) -> None:
    server = serve(ok())
    api = make_api(base_url=server.url)
    missing = tmp_path / "nope.json"
    error = await raised(api, lambda c: c.projects.import_tasks(7, files=[missing]))
    assert type(error) is FileAccessError and isinstance(error, OSError)
    assert error.request_sent is False
    assert isinstance(error.__cause__, FileNotFoundError)
    assert str(missing) in str(error)
    assert server.requests == []


async def test_an_upload_dropped_after_sending_is_not_replayed(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float], tmp_path: Path
) -> None:
    server = serve(reset, ok(b'{"task_count": 1}', status=201))
    upload = tmp_path / "tasks.json"
    upload.write_bytes(b'[{"text": "one"}]')
    api = make_api(base_url=server.url, max_retries=3)
    error = await raised(api, lambda c: c.projects.import_tasks(7, files=[upload]))
    assert type(error) is ApiConnectionError and error.request_sent is True
    assert server.methods() == ["POST"]
    assert b'{"text": "one"}' in server.requests[0][2]


async def test_an_upload_with_an_undecodable_answer_is_not_replayed(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float]
) -> None:
    server = serve(bad_encoding(201), ok(b'{"task_count": 1}', status=201))
    api = make_api(base_url=server.url, max_retries=3)
    error = await raised(api, lambda c: c.projects.import_tasks(7, files=[("t.json", b"[{}]")]))
    assert type(error) is ResponseDecodingError and error.request_sent is True
    assert server.methods() == ["POST"]


# --------------------------------------------------------------------------- streamed downloads


async def test_a_download_dropped_in_the_middle_is_a_typed_error(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float]
) -> None:
    server = serve(download_then_reset(), ok(b"x" * 100_000, content_type="application/octet-stream"))
    api = make_api(base_url=server.url, max_retries=2)
    stream = await api.run(lambda c: c.files.download("7/data.csv", request_options={"chunk_size": 1000}))
    received: List[bytes] = []
    with pytest.raises(LabelStudioError) as info:
        if api.is_async:
            async for chunk in stream:
                received.append(chunk)
        else:
            for chunk in stream:
                received.append(chunk)
    error = info.value
    assert type(error) is ApiConnectionError and error.request_sent is True
    assert isinstance(error.__cause__, httpx.TransportError)
    assert stream.received == sum(map(len, received)) == 30_000
    assert str(error).startswith(
        f"GET {server.url}/data/upload/7%2Fdata.csv: the download broke after 30000 bytes"
    )
    assert server.methods() == ["GET"]  # half a body is with the caller: not sent again by itself


async def test_a_download_with_a_bad_encoding_is_a_typed_error(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer]
) -> None:
    server = serve(bad_encoding())
    api = make_api(base_url=server.url)
    stream = await api.run(lambda c: c.files.download("a.csv"))
    with pytest.raises(ResponseDecodingError) as info:
        await read_all(api, stream)
    assert info.value.request_sent is True
    assert isinstance(info.value.__cause__, httpx.DecodingError)
    assert "could not be decoded after 0 bytes" in str(info.value)


async def test_a_download_read_after_closing_is_a_stream_error(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer]
) -> None:
    server = serve(ok(b"y" * 10_000, content_type="application/octet-stream"))
    api = make_api(base_url=server.url)
    stream = await api.run(lambda c: c.files.download("a.csv"))
    await api.run(lambda c: stream.aclose() if api.is_async else stream.close())
    with pytest.raises(StreamError) as info:
        await read_all(api, stream)
    assert isinstance(info.value.__cause__, httpx.StreamError)
    assert "closed" in str(info.value)


async def test_an_error_status_on_a_download_with_an_unreadable_body_keeps_the_status(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer]
) -> None:
    server = serve(bad_encoding(status=403))
    api = make_api(base_url=server.url)
    error = await raised(api, lambda c: c.files.download("a.csv"))
    assert isinstance(error, ApiError) and error.status_code == 403


# --------------------------------------------------------------------------- chunked imports


def import_answer(count: int) -> Answer:
    return ok(
        json.dumps({"task_count": count, "annotation_count": 0, "prediction_count": 0}).encode(), status=201
    )


@pytest.mark.parametrize(
    ("fault", "cause", "may_have_landed", "requests"),
    [
        (bad_encoding(201), ResponseDecodingError, True, 2),
        (cut_short(b'{"task_count": 2}', keep=5), ResponseValidationError, True, 2),
        (redirect_to_itself(302), TooManyRedirectsError, True, 22),
        (ok(HTML_404, status=404, content_type="text/html"), NotFoundError, False, 2),
    ],
)
async def test_a_chunked_import_that_fails_in_its_second_chunk_says_how_far_it_got(
    make_api: Callable[..., Api],
    serve: Callable[..., FaultServer],
    sleeps: List[float],
    fault: Answer,
    cause: type,
    may_have_landed: bool,
    requests: int,
) -> None:
    server = serve(import_answer(2), fault)  # the fault answers every request after the first
    api = make_api(base_url=server.url, max_retries=3)
    tasks = [{"text": str(n)} for n in range(6)]
    error = await raised(api, lambda c: c.projects.import_tasks(7, request=tasks, chunk_size=2))
    assert isinstance(error, ChunkedImportError)
    assert type(error.__cause__) is cause
    assert error.__cause__.request_sent is True
    assert (error.chunk_index, error.chunks_total, error.first_failed_task_index) == (1, 3, 2)
    assert error.partial.task_count == 2
    assert error.may_have_landed is may_have_landed
    assert sleeps == []
    # The second chunk went out once (a 302 loop turns it into GETs); the third never did.
    posted = [json.loads(body) for method, _, body in server.requests if method == "POST"]
    assert posted == [tasks[0:2], tasks[2:4]]
    assert len(server.requests) == requests


async def test_a_chunked_import_whose_second_chunk_is_refused_knows_it_never_landed(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], sleeps: List[float]
) -> None:
    server = serve(import_answer(2))
    api = make_api(base_url=server.url, max_retries=0)
    tasks = [{"text": str(n)} for n in range(4)]
    calls = 0

    def first_then_refused(c: Any) -> Any:
        nonlocal calls
        original = c._client.http.send

        def send(request: httpx.Request, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 2:
                raise httpx.ConnectError("refused", request=request)
            return original(request, **kwargs)

        c._client.http.send = send
        return c.projects.import_tasks(7, request=tasks, chunk_size=2)

    error = await raised(api, first_then_refused)
    assert isinstance(error, ChunkedImportError) and error.may_have_landed is False
    assert isinstance(error.__cause__, ApiConnectionError) and error.__cause__.request_sent is False
    assert server.methods() == ["POST"]


# --------------------------------------------------------------------------- bad arguments


async def test_a_model_passed_as_an_id_names_the_argument(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer]
) -> None:
    server = serve(ok())
    api = make_api(base_url=server.url)
    project = Project.model_validate(PROJECT)
    error = await raised(api, lambda c: c.projects.get(project))  # type: ignore[arg-type]
    assert type(error) is InvalidArgumentError and isinstance(error, TypeError)
    assert error.request_sent is False
    assert (
        str(error)
        == "get(): 'id' must be an ID (an int or a str), not a Project object: did you mean project.id?"
    )
    for bad, shown in ((None, "not None"), (True, "not True"), (2.5, "not a float"), ([7], "not a list")):
        error = await raised(api, lambda c, bad=bad: c.projects.get(bad))
        assert isinstance(error, InvalidArgumentError) and str(error).endswith(shown)
    assert server.requests == []


@pytest.mark.parametrize("page_size", ["10", 2.5, 0, -1, True])
async def test_a_page_size_that_is_not_a_whole_number_is_refused_before_sending(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], page_size: Any
) -> None:
    server = serve(ok(b'{"tasks": [], "total": 0}'))
    api = make_api(base_url=server.url)
    error = await raised(api, lambda c: c.tasks.list(project=7, page_size=page_size))
    assert isinstance(error, InvalidArgumentError)
    assert str(error) == f"page_size must be a whole number of 1 or more, got {page_size!r}"
    assert server.requests == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timout": 5}, "request_options has no option 'timout' (did you mean 'timeout'?); known: "),
        ({"retries": 5}, "request_options has no option 'retries' (did you mean 'max_retries'?)"),
        ({"max_retries": -1}, "request_options['max_retries'] must be a whole number of 0 or more, got -1"),
        ({"max_retries": "3"}, "request_options['max_retries'] must be a whole number of 0 or more, got '3'"),
        ({"timeout": "5"}, "request_options['timeout'] must be a number of seconds above 0 or None, got '5'"),
        ({"additional_headers": ["X-A"]}, "request_options['additional_headers'] must be a dict, not list"),
        ({"chunk_size": 0}, "request_options['chunk_size'] must be a whole number of 1 or more, got 0"),
        ([("timeout", 5)], "request_options must be a dict (RequestOptions), not list"),
    ],
)
async def test_bad_request_options_are_refused_before_sending(
    make_api: Callable[..., Api], serve: Callable[..., FaultServer], options: Any, message: str
) -> None:
    server = serve(ok())
    api = make_api(base_url=server.url)
    error = await raised(api, lambda c: c.projects.get(7, request_options=options))
    assert isinstance(error, InvalidArgumentError) and str(error).startswith(message)
    error = await raised(api, lambda c: c.tasks.list(project=7, request_options=options))
    assert isinstance(error, InvalidArgumentError) and str(error).startswith(message)
    assert server.requests == []


def test_the_suggestion_uses_the_callers_own_variable_name() -> None:
    with LabelStudio(base_url="http://127.0.0.1:9", api_key=API_KEY) as client:
        created = Project.model_validate(PROJECT)
        with pytest.raises(InvalidArgumentError, match=r"'id' must be an ID .* did you mean created\.id\?$"):
            client.projects.get(created)  # type: ignore[arg-type]
        with pytest.raises(
            InvalidArgumentError, match=r"^list\(\): 'project_id' must be an ID .* created\.id\?$"
        ):
            client.projects.exports.list(created)  # type: ignore[arg-type]
