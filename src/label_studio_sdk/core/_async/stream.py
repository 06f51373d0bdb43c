"""A streamed download: the body of a response, chunk by chunk, that never sits in memory whole."""

from __future__ import annotations

from typing import Any, AsyncIterator, Awaitable, Callable, Generator, Optional

import httpx

from .._http_base import download_error
from ..errors import UsageError

DEFAULT_CHUNK_SIZE = 64 * 1024


class AsyncByteStream(AsyncIterator[bytes]):
    """The body of a download, chunk by chunk; its status was checked before the first chunk.

    Iterate it once; the connection closes at the end. Use it as a context manager (or close it)
    when you stop early. A failure in the middle (a dropped connection, a body that cannot be
    decoded, a second iteration) raises a ``LabelStudioError`` naming the bytes received; it is
    never retried, since part of the body is already with the caller.

    The sync stream is sent when it is made. The async one is sent on first use: ``async for``
    it, ``await`` it (which raises any error and returns the stream) or ``async with`` it.
    """

    def __init__(
        self, open_response: Callable[[], Awaitable[httpx.Response]], chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> None:
        self._open_response = open_response
        self._chunk_size = chunk_size
        self._response: Optional[httpx.Response] = None
        self._chunks: Optional[AsyncIterator[bytes]] = None
        self.received: int = 0
        """Bytes handed out so far."""
        # unasync: sync-only
        # self.open()
        # unasync: end

    async def open(self) -> httpx.Response:
        """Send the request, unless it was sent already; the response, its status checked."""
        if self._response is None:
            self._response = await self._open_response()
            self._chunks = self._response.aiter_bytes(self._chunk_size)
        return self._response

    @property
    def response(self) -> httpx.Response:
        if self._response is None:  # only an async stream before its first use
            raise UsageError("await the stream (or start iterating) before reading the response")
        return self._response

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers

    # unasync: async-only
    def __await__(self) -> Generator[Any, None, AsyncByteStream]:
        return self._opened().__await__()

    async def _opened(self) -> AsyncByteStream:
        await self.open()
        return self

    # unasync: end
    def __aiter__(self) -> AsyncByteStream:
        return self

    async def __anext__(self) -> bytes:
        response = await self.open()
        assert self._chunks is not None
        try:
            chunk = await self._chunks.__anext__()
        except StopAsyncIteration:
            await response.aclose()
            raise
        except (httpx.HTTPError, httpx.StreamError) as exc:
            await response.aclose()
            raise download_error(response, exc, self.received) from exc
        except BaseException:
            await response.aclose()
            raise
        self.received += len(chunk)
        return chunk

    async def aclose(self) -> None:
        """Close the connection (the rest of the body is not read)."""
        if self._response is not None:
            await self._response.aclose()

    async def __aenter__(self) -> AsyncByteStream:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
