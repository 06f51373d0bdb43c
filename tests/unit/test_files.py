"""Streamed downloads (chunked, closed, errors before any byte) and uploads (every accepted file shape)."""

from __future__ import annotations

import io
import pathlib
from typing import Any, AsyncIterator, Iterator, List

import httpx
import pytest
import respx

from label_studio_sdk import (
    ApiConnectionError,
    AsyncByteStream,
    AsyncLabelStudio,
    ByteStream,
    InternalServerError,
    LabelStudio,
    NotFoundError,
)
from label_studio_sdk.core import _uploads as files_module
from label_studio_sdk.core.errors import UsageError

from .helpers import Api

BODY = b"0123456789"
CHUNKED = [b"0123", b"4567", b"89"]


# -- downloads ------------------------------------------------------------------------------------


class RecordingStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body served chunk by chunk, remembering how much was pulled and whether it was closed."""

    def __init__(self, chunks: List[bytes]) -> None:
        self.chunks = chunks
        self.served = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.served += 1
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.served += 1
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


@pytest.fixture
def download(respx_mock: respx.MockRouter) -> respx.Route:
    return respx_mock.get("/some/path").mock(return_value=httpx.Response(200, content=BODY))


def test_sync_stream_yields_chunks_and_closes(client: LabelStudio, download: respx.Route) -> None:
    stream = client._client.stream("GET", "some/path", request_options={"chunk_size": 4})

    assert isinstance(stream, ByteStream)
    assert stream.headers["content-length"] == "10"
    assert list(stream) == CHUNKED
    assert stream.response.is_closed


def test_sync_stream_default_chunk_size(client: LabelStudio, respx_mock: respx.MockRouter) -> None:
    body = bytes(range(256)) * 1024  # 256 KiB
    respx_mock.get("/big").mock(return_value=httpx.Response(200, content=body))

    chunks = list(client._client.stream("GET", "big"))

    assert [len(c) for c in chunks] == [64 * 1024] * 4
    assert b"".join(chunks) == body


def test_sync_stream_is_lazy_and_closes_when_stopped_early(
    client: LabelStudio, respx_mock: respx.MockRouter
) -> None:
    source = RecordingStream([b"a" * 10] * 100)
    respx_mock.get("/big").mock(return_value=httpx.Response(200, stream=source))

    with client._client.stream("GET", "big", request_options={"chunk_size": 10}) as stream:
        assert next(stream) == b"a" * 10
        assert source.served < 100  # the body is not read ahead into memory

    assert stream.response.is_closed
    assert source.closed


def test_sync_stream_error_before_any_byte(client: LabelStudio, respx_mock: respx.MockRouter) -> None:
    source = RecordingStream([b'{"detail": "No such file"}'])
    respx_mock.get("/missing").mock(return_value=httpx.Response(404, stream=source))

    with pytest.raises(NotFoundError) as info:
        client._client.stream("GET", "missing")

    assert info.value.detail == "No such file"  # the error body was read for the message
    assert source.closed


def test_sync_stream_retries_before_streaming(client: LabelStudio, respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/some/path").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, content=BODY)]
    )

    assert b"".join(client._client.stream("GET", "some/path")) == BODY
    assert route.call_count == 2


async def test_async_stream_iterated_directly(async_client: AsyncLabelStudio, download: respx.Route) -> None:
    stream = async_client._client.stream("GET", "some/path", request_options={"chunk_size": 4})

    assert isinstance(stream, AsyncByteStream)
    assert download.call_count == 0  # sent on first use
    with pytest.raises(UsageError, match="await the stream"):
        _ = stream.response

    assert [chunk async for chunk in stream] == CHUNKED
    assert stream.response.is_closed
    assert download.call_count == 1


async def test_async_stream_after_await(async_client: AsyncLabelStudio, download: respx.Route) -> None:
    stream = await async_client._client.stream("GET", "some/path", request_options={"chunk_size": 4})

    assert download.call_count == 1
    assert stream.headers["content-length"] == "10"
    assert [chunk async for chunk in stream] == CHUNKED
    assert stream.response.is_closed


async def test_async_stream_is_lazy_and_closes_when_stopped_early(
    async_client: AsyncLabelStudio, respx_mock: respx.MockRouter
) -> None:
    source = RecordingStream([b"a" * 10] * 100)
    respx_mock.get("/big").mock(return_value=httpx.Response(200, stream=source))

    async with async_client._client.stream("GET", "big", request_options={"chunk_size": 10}) as stream:
        assert await stream.__anext__() == b"a" * 10
        assert source.served < 100

    assert stream.response.is_closed
    assert source.closed


@pytest.mark.parametrize("how", ["await", "async for"])
async def test_async_stream_error_before_any_byte(
    async_client: AsyncLabelStudio, respx_mock: respx.MockRouter, how: str
) -> None:
    source = RecordingStream([b'{"detail": "No such file"}'])
    respx_mock.get("/missing").mock(return_value=httpx.Response(404, stream=source))
    stream = async_client._client.stream("GET", "missing")
    received: List[bytes] = []

    with pytest.raises(NotFoundError) as info:
        if how == "await":
            await stream
        else:
            async for chunk in stream:
                received.append(chunk)

    assert received == []
    assert info.value.detail == "No such file"
    assert source.closed


# -- uploads --------------------------------------------------------------------------------------


@pytest.fixture
def upload(respx_mock: respx.MockRouter) -> respx.Route:
    return respx_mock.post("/upload/").mock(return_value=httpx.Response(201, json={"id": 1}))


@pytest.fixture
def photo(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG fake image")
    return path


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[List[Any]]:
    """Every file the SDK opens from a path (closed at teardown, so that a leak fails only its test)."""
    handles: List[Any] = []

    def tracking_open(*args: Any, **kwargs: Any) -> Any:
        handles.append(open(*args, **kwargs))  # noqa: SIM115
        return handles[-1]

    monkeypatch.setattr(files_module, "open", tracking_open, raising=False)
    yield handles
    for handle in handles:
        handle.close()


def part(name: str, filename: str, content_type: str, content: bytes) -> bytes:
    return (
        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
    )


def sent(route: respx.Route) -> bytes:
    return route.calls.last.request.content


async def test_upload_from_path(
    api: Api, upload: respx.Route, photo: pathlib.Path, opened: List[Any]
) -> None:
    await api.request("POST", "upload/", files={"file": photo, "again": str(photo)})

    body = sent(upload)
    assert part("file", "photo.png", "image/png", b"\x89PNG fake image") in body
    assert part("again", "photo.png", "image/png", b"\x89PNG fake image") in body
    assert upload.calls.last.request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert len(opened) == 2
    assert all(handle.closed for handle in opened)


@pytest.mark.parametrize(
    ("make_value", "expected"),
    [
        (lambda: b"raw bytes", part("file", "upload", "application/octet-stream", b"raw bytes")),
        (lambda: io.BytesIO(b"in memory"), part("file", "upload", "application/octet-stream", b"in memory")),
        (
            lambda: ("data.csv", b"a,b\n1,2\n", "text/csv"),
            part("file", "data.csv", "text/csv", b"a,b\n1,2\n"),
        ),
        (lambda: ("tasks.json", b"[]"), part("file", "tasks.json", "application/json", b"[]")),
        (
            lambda: ("blob", io.BytesIO(b"xyz"), None),
            part("file", "blob", "application/octet-stream", b"xyz"),
        ),
    ],
    ids=["bytes", "bytesio", "tuple3", "tuple2", "tuple-fileobj"],
)
async def test_upload_shapes(api: Api, upload: respx.Route, make_value: Any, expected: bytes) -> None:
    await api.request("POST", "upload/", files={"file": make_value()})

    assert expected in sent(upload)


async def test_upload_binary_file_object(api: Api, upload: respx.Route, photo: pathlib.Path) -> None:
    with photo.open("rb") as handle:
        await api.request("POST", "upload/", files={"file": handle})
        assert not handle.closed  # the caller's file is the caller's to close

    assert part("file", "photo.png", "image/png", b"\x89PNG fake image") in sent(upload)


async def test_upload_many_files_and_form_fields(api: Api, upload: respx.Route) -> None:
    await api.request(
        "POST",
        "upload/",
        data={"commit": True, "meta": {"a": 1}, "skip": None},
        files={"file": [("a.txt", b"A"), ("b.txt", b"B")]},
    )

    body = sent(upload)
    assert part("file", "a.txt", "text/plain", b"A") in body
    assert part("file", "b.txt", "text/plain", b"B") in body
    assert b'name="commit"\r\n\r\ntrue' in body
    assert b'name="meta"\r\n\r\n{"a":1}' in body
    assert b'name="skip"' not in body


@pytest.mark.parametrize(
    "make_value",
    [
        lambda path: path.open("r"),
        lambda path: io.StringIO("text"),
        lambda path: 42,
        lambda path: ("a", b"b", "c", "d"),
        lambda path: ("notes.txt", path.open("r")),
    ],
    ids=["text-mode-file", "stringio", "int", "long-tuple", "tuple-with-text-file"],
)
async def test_invalid_upload_raises_type_error(
    api: Api, upload: respx.Route, photo: pathlib.Path, make_value: Any
) -> None:
    value = make_value(photo)
    try:
        with pytest.raises(TypeError):
            await api.request("POST", "upload/", files={"file": value})
    finally:
        for item in value if isinstance(value, tuple) else [value]:
            if hasattr(item, "close"):
                item.close()
    assert upload.call_count == 0


async def test_upload_resent_whole_after_retry(
    api: Api, respx_mock: respx.MockRouter, photo: pathlib.Path, opened: List[Any]
) -> None:
    route = respx_mock.post("/upload/").mock(side_effect=[httpx.Response(503), httpx.Response(201)])

    await api.request("POST", "upload/", files={"file": photo})

    expected = part("file", "photo.png", "image/png", b"\x89PNG fake image")
    assert [expected in call.request.content for call in route.calls] == [True, True]
    assert opened[0].closed


@pytest.mark.parametrize(
    ("effect", "error"),
    [
        (httpx.Response(500, json={"detail": "disk full"}), InternalServerError),
        (httpx.ConnectError("refused"), ApiConnectionError),
    ],
    ids=["500", "connect-error"],
)
async def test_files_from_paths_are_closed_when_the_request_fails(
    make_api: Any,
    respx_mock: respx.MockRouter,
    photo: pathlib.Path,
    opened: List[Any],
    effect: Any,
    error: type,
) -> None:
    api = make_api(max_retries=0)
    respx_mock.post("/upload/").mock(side_effect=[effect])

    with pytest.raises(error):
        await api.request("POST", "upload/", files={"file": photo})

    assert len(opened) == 1
    assert opened[0].closed


@pytest.mark.parametrize(
    "bad",
    [lambda path: io.StringIO("text"), lambda path: 42],
    ids=["stringio", "int"],
)
async def test_files_from_paths_are_closed_when_preparing_the_request_fails(
    api: Api, upload: respx.Route, photo: pathlib.Path, opened: List[Any], bad: Any
) -> None:
    with pytest.raises(TypeError):
        await api.request("POST", "upload/", files={"first": photo, "second": bad(photo)})

    assert len(opened) == 1
    assert opened[0].closed
    assert upload.call_count == 0


@pytest.mark.parametrize("content", [123, "text", None])
async def test_a_file_tuple_with_bad_content_is_a_type_error(
    api: Api, upload: respx.Route, content: Any
) -> None:
    with pytest.raises(TypeError, match="file tuple must be bytes or a binary file object"):
        await api.request("POST", "upload/", files={"file": ("a.txt", content)})
    assert upload.call_count == 0
