"""The client that sends every request: one loop that sends, retries, renews the token and raises.

``core/_async/http.py`` is written by hand and ``core/_sync/http.py`` is generated from it
(codegen/unasync.py). The policy they apply (what to retry, how long to wait, which error to raise)
is ``core/_http_base.py``.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Mapping, Optional, Type, overload

import httpx

from .. import clock
from .._http_base import (
    _RAW,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseHttpClient,
    Files,
    T,
    _Call,
    _file_error,
    _first_page,
    _may_retry_body,
    _page_size,
    backoff_delay,
    check_request_options,
    retry_after_seconds,
    should_retry_error,
    should_retry_status,
    status_error,
    transport_error,
)
from .._pages import Page, PageFields
from ..errors import ApiError, ResponseValidationError
from ..options import OMIT, RequestOptions
from ..response import RawResponse
from .pager import AsyncPager
from .stream import DEFAULT_CHUNK_SIZE, AsyncByteStream


class AsyncHttpClient(BaseHttpClient):
    """Sends requests through an ``httpx.AsyncClient`` (created here, with at most ``max_connections``
    connections, unless one is passed in). The one send loop of the SDK: see ``core/_http_base.py``
    for what it decides."""

    http: httpx.AsyncClient

    def __init__(
        self,
        *,
        base_url: Optional[str] = None,
        api_key: Optional[str] = None,
        timeout: Optional[float] = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Optional[Mapping[str, str]] = None,
        httpx_client: Optional[httpx.AsyncClient] = None,
        follow_redirects: bool = True,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            follow_redirects=follow_redirects,
        )
        limits = self._pool_limits(httpx_client, max_connections)
        self.http = (
            httpx_client
            if httpx_client is not None
            else httpx.AsyncClient(timeout=self._request_timeout, headers=self.headers, limits=limits)
        )

    async def close(self) -> None:
        """Close the connection pool, unless it belongs to an httpx client passed in by the caller."""
        if self._owns_http:
            await self.http.aclose()

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = OMIT,
        data: Optional[Mapping[str, Any]] = None,
        files: Optional[Files] = None,
        cast_to: Type[T],
        request_options: Optional[RequestOptions] = None,
    ) -> T: ...

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = OMIT,
        data: Optional[Mapping[str, Any]] = None,
        files: Optional[Files] = None,
        cast_to: None = None,
        request_options: Optional[RequestOptions] = None,
    ) -> None: ...

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = OMIT,
        data: Optional[Mapping[str, Any]] = None,
        files: Optional[Files] = None,
        cast_to: Any,
        request_options: Optional[RequestOptions] = None,
    ) -> Any: ...

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = OMIT,
        data: Optional[Mapping[str, Any]] = None,
        files: Optional[Files] = None,
        cast_to: Any = None,
        request_options: Optional[RequestOptions] = None,
    ) -> Any:
        """Send a request and return its body parsed as ``cast_to`` (None for no body)."""
        call = self._prepare(self.http, method, path, params, json, data, files, request_options)
        return await self._send(call, stream=False, cast_to=cast_to)

    def stream(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = OMIT,
        request_options: Optional[RequestOptions] = None,
    ) -> AsyncByteStream:
        """The body of a request as a stream of bytes; errors are raised before any byte.

        The sync client sends the request now; the async one when the stream is first awaited or
        iterated."""
        call = self._prepare(self.http, method, path, params, json, None, None, request_options)
        chunk_size = (request_options or {}).get("chunk_size", DEFAULT_CHUNK_SIZE)
        return AsyncByteStream(lambda: self._send(call, stream=True), chunk_size)

    def paginate(
        self,
        method: str,
        path: str,
        *,
        params: Dict[str, Any],
        cast_to: Any,
        fields: PageFields,
        request_options: Optional[RequestOptions] = None,
    ) -> AsyncPager[Any]:
        """A pager over a page-number list (see ``core/_async/pager.py`` for when it fetches)."""

        async def fetch(number: int, release: Callable[[], None]) -> Page[Any]:
            page_params = {**params, "page": number}
            call = self._prepare(self.http, method, path, page_params, OMIT, None, None, request_options)
            body = await self._send(call, stream=False, cast_to=cast_to, on_parsed=release)
            return fields.page(body, number)

        first, size = _first_page(params), _page_size(params)
        if request_options is not None:
            check_request_options(request_options)
        return AsyncPager(fetch, first, size)

    async def send(
        self, request: httpx.Request, *, stream: bool = False, raise_on_status: bool = True
    ) -> httpx.Response:
        """Send a request from ``build_request`` through the loop: the key, retries, token renewal and
        typed errors. The response is read unless ``stream``; a status of 400 or more raises its
        ``ApiError`` unless ``raise_on_status=False`` (after the retries the status allows)."""
        return await self._send(self._call_for(request), stream=stream, raise_on_status=raise_on_status)

    async def request_raw(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = OMIT,
        data: Optional[Mapping[str, Any]] = None,
        files: Optional[Files] = None,
        raise_on_status: bool = True,
        request_options: Optional[RequestOptions] = None,
    ) -> RawResponse:
        """Send any request to a server path and return it as sent: status, headers, body."""
        relative = self.relative_path(path)
        call = self._prepare(self.http, method.upper(), relative, params, json, data, files, request_options)
        response = await self._send(call, stream=False, raise_on_status=raise_on_status)
        return RawResponse(response)

    async def auth_headers(self) -> Dict[str, str]:
        """The headers a request carries now, ``Authorization`` included (renewing the token if due)."""
        headers = dict(self.headers)
        headers["Authorization"] = await self.auth.async_header(
            self.http, self.refresh_url, self._default_headers
        )
        return headers

    @overload
    async def _send(self, call: _Call, *, stream: bool, raise_on_status: bool = True) -> httpx.Response: ...

    @overload
    async def _send(
        self, call: _Call, *, stream: bool, cast_to: Any, on_parsed: Optional[Callable[[], None]] = None
    ) -> Any: ...

    async def _send(
        self,
        call: _Call,
        *,
        stream: bool,
        cast_to: Any = _RAW,
        on_parsed: Optional[Callable[[], None]] = None,
        raise_on_status: bool = True,
    ) -> Any:
        """Send ``call`` with retries; the response (``cast_to`` left out) or its body parsed as ``cast_to``.

        With ``raise_on_status=False`` (responses only) an error status is returned, not raised."""
        attempt = 0
        renewed_token = False
        try:
            while True:
                started = time.perf_counter()
                used_header = ""
                try:
                    if not call.auth_override:
                        used_header = await self.auth.async_header(
                            self.http, self.refresh_url, self._default_headers
                        )
                        call.request.headers["Authorization"] = used_header
                    response = await self.http.send(
                        call.request, stream=stream, follow_redirects=self.follow_redirects
                    )
                except httpx.HTTPError as exc:
                    if attempt < call.max_retries and should_retry_error(call.method, exc):
                        delay = backoff_delay(attempt)
                        self._log_retry(call, type(exc).__name__, delay, attempt)
                        await clock.async_sleep(delay)
                        attempt += 1
                        continue
                    url = str(call.request.url)
                    raise transport_error(call.method, call.path, exc, retries=attempt, url=url) from exc
                except OSError as exc:  # a file being uploaded could not be read
                    raise _file_error(call, exc) from exc
                except ApiError as exc:
                    # Only the token exchange raises ApiError here. It creates nothing, so a
                    # transient failure is as safe to repeat as an idempotent request.
                    status = exc.status_code or 0
                    if attempt < call.max_retries and should_retry_status("PUT", status):
                        wait = retry_after_seconds(httpx.Headers(exc.headers))
                        delay = backoff_delay(attempt) if wait is None else wait
                        self._log_retry(call, f"token refresh status {status}", delay, attempt)
                        await clock.async_sleep(delay)
                        attempt += 1
                        continue
                    raise

                status = response.status_code
                self._log_done(call, status, started, attempt)
                if status < 400:
                    if cast_to is _RAW:
                        return response
                    try:
                        return self._parse(call, response, cast_to, on_parsed)
                    except ResponseValidationError as exc:
                        if not _may_retry_body(call, exc, attempt):
                            raise
                        delay = backoff_delay(attempt)
                        self._log_retry(call, "a body that is not JSON", delay, attempt)
                        await clock.async_sleep(delay)
                        attempt += 1
                        continue
                if status == 401 and self.auth.refreshable and not renewed_token and not call.auth_override:
                    await response.aclose()
                    self.auth.invalidate(used_header)
                    renewed_token = True
                    continue
                if attempt < call.max_retries and should_retry_status(call.method, status):
                    wait = retry_after_seconds(response.headers)
                    delay = backoff_delay(attempt) if wait is None else wait
                    await response.aclose()
                    self._log_retry(call, f"status {status}", delay, attempt)
                    await clock.async_sleep(delay)
                    attempt += 1
                    continue
                if not raise_on_status:
                    return response
                if stream:
                    try:
                        await response.aread()
                        await response.aclose()
                    except httpx.HTTPError:
                        pass  # the status says enough; an unreadable error body is left out
                raise status_error(call.method, call.path, response, str(call.request.url))
        finally:
            call.close_files()
