"""What the send loop decides: the retry policy, the typed errors, and the request a call becomes.

The loop itself is ``core/_async/http.py`` (its sync twin, ``core/_sync/http.py``, is generated
from it); ``core/http.py`` is the public module that names both clients.

Retry policy (``max_retries`` extra attempts, default 2):

* any method: connection not established (the request never left), 408, 429 and 503 (the
  server turned the request away before working on it);
* idempotent methods only (GET, HEAD, PUT, DELETE, OPTIONS): 500, 502, 504, read/write timeouts,
  connections dropped after the request was sent, and a 2xx body that is cut short or cannot be
  decoded (bad Content-Encoding, not JSON at all). A POST or PATCH that may have reached the
  server is never replayed, so nothing is created twice: a 502 or 504 comes from a proxy that
  may have handed the request on, and Label Studio may still be importing it.

A transport failure is reported by what it means for the request: ``failed to connect`` (it never
left, safe to send again), ``connection dropped after the request was sent`` (it may have been applied;
for a POST or PATCH the message says that it was not retried for that reason), or a timeout naming the
phase. ``ApiConnectionError.request_sent`` tells the two cases apart in code. Every failure leaves as a
``LabelStudioError`` (httpx's whole ``HTTPError`` and ``StreamError`` families included), naming the
method and the full URL as requested; the original is chained as ``__cause__``.

Connections: a pool this module creates holds at most ``max_connections`` (10 by default) connections
to the server; further requests wait for a free one, without a time limit of their own (each request's
``timeout`` starts counting once it has a connection). A stock Label Studio (Django's development
server, listen backlog 10, SQLite) resets connections it has no room for, after the request was
written, once dozens arrive at the same moment: ten never overflow its backlog.

Delays grow from 0.5 s, doubling to at most 8 s, each shortened by up to 25 % at random; a
``Retry-After`` header (seconds or an HTTP date, capped at 60 s) takes precedence. A 401 with a
personal access token renews the access token once and repeats the request.
"""

from __future__ import annotations

import difflib
import email.utils
import gc
import logging
import os
import random
import time
from json import JSONDecodeError
from typing import IO, Any, Callable, Dict, List, Mapping, Optional, Type, TypeVar, Union

import httpx

from .._version import __version__
from ._uploads import to_httpx_files
from .auth import REFRESH_PATH, Auth, auth_for_key
from .errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    FileAccessError,
    InvalidArgumentError,
    LabelStudioError,
    ResponseDecodingError,
    ResponseValidationError,
    StreamError,
    TooManyRedirectsError,
    decode_error_body,
    error_class_for_status,
)
from .options import OMIT, Omit, RequestOptions
from .serialization import drop_omitted, dump_json, encode_query, json_validator

logger: logging.Logger = logging.getLogger("label_studio_sdk")

DEFAULT_BASE_URL = "http://localhost:8080"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_CONNECTIONS = 10
"""Connections a client's own pool opens to the server at most (Label Studio's listen backlog is 10)."""
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
# Bodies at least this big are parsed with the cyclic garbage collector paused (see _parse).
GC_PAUSE_BYTES = 32 * 1024

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_ANY_METHOD_STATUSES = frozenset({408, 429, 503})
RETRY_IDEMPOTENT_STATUSES = frozenset({500, 502, 504})
# The request never reached the server: safe to send again whatever the method.
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request may have reached the server: only idempotent methods are sent again.
MAYBE_SENT_ERRORS = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    httpx.CloseError,
    httpx.DecodingError,
)
_REQUEST_OPTION_KEYS = frozenset(RequestOptions.__annotations__)

Files = Mapping[str, Any]
T = TypeVar("T")
_RAW: Any = object()
"""``cast_to`` of a send that returns the response itself (streams), not its parsed body."""


def backoff_delay(attempt: int) -> float:
    """Exponential backoff with jitter for the ``attempt``-th retry (0-based)."""
    delay = min(INITIAL_RETRY_DELAY * (2.0**attempt), MAX_RETRY_DELAY)
    return delay * (1.0 - 0.25 * random.random())


def retry_after_seconds(headers: httpx.Headers) -> Optional[float]:
    """Seconds the server asks us to wait (``Retry-After`` / ``retry-after-ms``), capped; None if absent or unreadable."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return min(max(float(raw_ms) / 1000.0, 0.0), MAX_RETRY_AFTER)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        parsed = email.utils.parsedate_tz(raw)
        if parsed is None:
            return None
        seconds = email.utils.mktime_tz(parsed) - time.time()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def should_retry_status(method: str, status_code: int) -> bool:
    if status_code in RETRY_ANY_METHOD_STATUSES:
        return True
    return status_code in RETRY_IDEMPOTENT_STATUSES and method in IDEMPOTENT_METHODS


def should_retry_error(method: str, error: httpx.HTTPError) -> bool:
    if isinstance(error, NOT_SENT_ERRORS):
        return True
    return isinstance(error, MAYBE_SENT_ERRORS) and method in IDEMPOTENT_METHODS


def transport_error(
    method: str, path: str, error: httpx.HTTPError, *, retries: int = 0, url: Optional[str] = None
) -> ApiConnectionError:
    """Our typed error for an httpx failure (the original is chained as ``__cause__`` by the caller).

    The message says whether the request can have reached the server: ``failed to connect`` when it
    never left, ``... after the request was sent`` when it may have been applied. ``retries`` is how
    many times it was sent again before this failure; ``url`` (the full URL as requested) is named
    instead of ``path`` when given.
    """
    kind = type(error).__name__
    reason = str(error)
    cause = f"({kind}): {reason}" if reason and reason != kind else f"({kind})"
    where = f"{method} {url or path}"
    if isinstance(error, httpx.TooManyRedirects):
        return TooManyRedirectsError(
            f"{where}: the server kept redirecting {cause}; not retried. Check base_url "
            "(http or https, host, no path prefix)",
            method=method,
            path=path,
            url=url,
            request_sent=True,
        )
    if isinstance(error, MAYBE_SENT_ERRORS):
        if isinstance(error, httpx.DecodingError):
            what = f"{where}: the server answered but its body could not be decoded {cause}"
        elif isinstance(error, httpx.ReadTimeout):
            what = f"{where} timed out waiting for the response after the request was sent {cause}"
        elif isinstance(error, httpx.WriteTimeout):
            what = f"{where} timed out while the request was being sent {cause}"
        elif isinstance(error, httpx.WriteError):
            what = f"{where}: connection dropped while the request was being sent {cause}"
        else:
            what = f"{where}: connection dropped after the request was sent {cause}"
        if method in IDEMPOTENT_METHODS:
            if retries:
                what += f"; still failing after {retries} {'retry' if retries == 1 else 'retries'}"
        else:
            what += "; not retried because it may have been applied"
        error_class: Type[ApiConnectionError] = ApiConnectionError
        if isinstance(error, httpx.TimeoutException):
            error_class = ApiTimeoutError
        elif isinstance(error, httpx.DecodingError):
            error_class = ResponseDecodingError
        return error_class(what, method=method, path=path, url=url, request_sent=True)

    again = f"; still failing after {retries} {'retry' if retries == 1 else 'retries'}" if retries else ""
    if isinstance(error, httpx.PoolTimeout):
        return ApiTimeoutError(
            f"{where} timed out waiting for a free connection of the pool {cause}; the request was "
            f"not sent{again}",
            method=method,
            path=path,
            url=url,
            request_sent=False,
        )
    if isinstance(error, NOT_SENT_ERRORS):
        error_class = ApiTimeoutError if isinstance(error, httpx.TimeoutException) else ApiConnectionError
        return error_class(
            f"{where} failed to connect {cause}; the request was not sent{again}",
            method=method,
            path=path,
            url=url,
            request_sent=False,
        )
    # Proxy failures, unsupported URLs, requests httpx could not write: nothing the server applied.
    error_class = ApiTimeoutError if isinstance(error, httpx.TimeoutException) else ApiConnectionError
    return error_class(f"{where} failed {cause}", method=method, path=path, url=url)


def download_error(response: httpx.Response, error: BaseException, received: int) -> LabelStudioError:
    """Our typed error for a failure in the middle of a streamed download (``received`` bytes in).

    Never retried: part of the body is already with the caller.
    """
    request = response.request
    where = f"{request.method} {request.url}"
    if isinstance(error, httpx.StreamError):
        return StreamError(f"{where}: the download stream {_stream_problem(error)} ({type(error).__name__})")
    assert isinstance(error, httpx.HTTPError)
    kind = type(error).__name__
    reason = str(error)
    cause = f"({kind}): {reason}" if reason and reason != kind else f"({kind})"
    what = "timed out" if isinstance(error, httpx.TimeoutException) else "broke"
    if isinstance(error, httpx.DecodingError):
        what = "could not be decoded"
    error_class: Type[ApiConnectionError] = ApiConnectionError
    if isinstance(error, httpx.TimeoutException):
        error_class = ApiTimeoutError
    elif isinstance(error, httpx.DecodingError):
        error_class = ResponseDecodingError
    return error_class(
        f"{where}: the download {what} after {received} bytes {cause}; not retried (start it again)",
        method=request.method,
        path=request.url.path,
        url=str(request.url),
        request_sent=True,
    )


def _stream_problem(error: BaseException) -> str:
    if isinstance(error, httpx.StreamConsumed):
        return "was already read (iterate it once)"
    if isinstance(error, httpx.StreamClosed):
        return "was closed before it was read"
    return "was used in a way it cannot be"


def _limits(max_connections: int) -> httpx.Limits:
    """The pool of a client we create: ``max_connections`` at most, all of them kept alive between calls."""
    if isinstance(max_connections, bool) or not isinstance(max_connections, int) or max_connections < 1:
        raise InvalidArgumentError(
            f"max_connections must be a whole number of 1 or more, got {max_connections!r}"
        )
    return httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)


def _pool_free_timeout(timeout: Any) -> Any:
    """``timeout`` for every phase of a request except waiting for a pooled connection, which is unbounded.

    Requests queued behind ``max_connections`` busy connections wait their turn: a big ``asyncio.gather``
    must not fail because our own pool is small, and each request's clock starts once it is on the wire.
    """
    if isinstance(timeout, httpx.Timeout):
        return httpx.Timeout(connect=timeout.connect, read=timeout.read, write=timeout.write, pool=None)
    return httpx.Timeout(timeout, pool=None)


def status_error(method: str, path: str, response: httpx.Response, url: Optional[str] = None) -> ApiError:
    """The ApiError for a non-2xx response; ``url`` (the URL as requested) defaults to the response's."""
    if url is None:
        try:
            url = str(response.request.url)
        except RuntimeError:  # a response built by hand, without its request
            url = None
    try:
        content = response.content
    except httpx.ResponseNotRead:  # a streamed error body that could not be read
        content = b""
    error_class = error_class_for_status(response.status_code)
    return error_class(
        status_code=response.status_code,
        headers=response.headers,
        body=decode_error_body(content),
        method=method,
        path=path,
        url=url,
    )


def check_request_options(options: Any) -> None:
    """Refuse request_options that are not a dict of known keys with usable values, before sending."""
    if not isinstance(options, Mapping):
        raise InvalidArgumentError(
            f"request_options must be a dict (RequestOptions), not {type(options).__name__}"
        )
    for key in options:
        if key not in _REQUEST_OPTION_KEYS:
            close = difflib.get_close_matches(str(key), sorted(_REQUEST_OPTION_KEYS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InvalidArgumentError(
                f"request_options has no option {key!r}{hint}; known: {', '.join(sorted(_REQUEST_OPTION_KEYS))}"
            )
    if "timeout" in options:
        timeout = options["timeout"]
        if not (
            timeout is None
            or isinstance(timeout, httpx.Timeout)
            or (isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0)
        ):
            raise InvalidArgumentError(
                f"request_options['timeout'] must be a number of seconds above 0 or None, got {timeout!r}"
            )
    for key, least in (("max_retries", 0), ("chunk_size", 1)):
        if key in options:
            value = options[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise InvalidArgumentError(
                    f"request_options[{key!r}] must be a whole number of {least} or more, got {value!r}"
                )
    for key in ("additional_headers", "additional_query_parameters", "additional_body_parameters"):
        value = options.get(key)
        if value is not None and not isinstance(value, Mapping):
            raise InvalidArgumentError(f"request_options[{key!r}] must be a dict, not {type(value).__name__}")


_logging_configured = False


def _configure_logging_from_env() -> None:
    """``LABEL_STUDIO_LOG=debug`` (or info, warning) turns on the SDK's logger once per process."""
    global _logging_configured
    if _logging_configured:
        return
    _logging_configured = True
    level_name = os.environ.get("LABEL_STUDIO_LOG", "").strip().upper()
    level = logging.getLevelName(level_name) if level_name else None
    if isinstance(level, int):
        logger.setLevel(level)
        if not logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
            logger.addHandler(handler)


class _Call:
    """One prepared call: what to send and how many retries it may take."""

    __slots__ = ("auth_override", "max_retries", "method", "opened_files", "path", "request")

    def __init__(
        self,
        method: str,
        path: str,
        request: httpx.Request,
        max_retries: int,
        auth_override: bool,
        opened_files: List[IO[bytes]],
    ) -> None:
        self.method = method
        self.path = path
        self.request = request
        self.max_retries = max_retries
        self.auth_override = auth_override
        self.opened_files = opened_files

    def close_files(self) -> None:
        for handle in self.opened_files:
            handle.close()


class BaseHttpClient:
    """Configuration shared by the sync and async clients: where, who, how long, how often."""

    def __init__(
        self,
        *,
        base_url: Optional[str],
        api_key: Optional[str],
        timeout: Optional[float],
        max_retries: int,
        headers: Optional[Mapping[str, str]],
        follow_redirects: bool,
    ) -> None:
        _configure_logging_from_env()
        url = (base_url or os.environ.get("LABEL_STUDIO_URL") or DEFAULT_BASE_URL).strip()
        if not url.startswith(("http://", "https://")):
            raise LabelStudioError(f"base_url must start with http:// or https://, got {url!r}")
        self.base_url: str = url.rstrip("/") + "/"
        key = (api_key or os.environ.get("LABEL_STUDIO_API_KEY") or "").strip()
        if not key:
            raise LabelStudioError(
                "no API key: pass api_key=... or set LABEL_STUDIO_API_KEY "
                "(find it in Label Studio under Account & Settings)"
            )
        if max_retries < 0:
            raise InvalidArgumentError("max_retries must be 0 or more")
        self.auth: Auth = auth_for_key(key)
        self.max_retries: int = max_retries
        self.timeout: Optional[float] = timeout
        self.follow_redirects: bool = follow_redirects
        self.refresh_url: str = self.base_url + REFRESH_PATH
        self._owns_http = False
        self.http: Any = None  # the httpx client, set by the sync or async client
        self.max_connections: Optional[int] = None
        # What each request is sent with: see _pool_limits.
        self._request_timeout: Any = timeout
        self.headers: Dict[str, str] = {
            "User-Agent": f"label-studio-sdk-python/{__version__}",
            "Accept": "application/json",
        }
        if headers:
            self.headers.update(headers)
        # Pre-encoded once: httpx merges an httpx.Headers much faster than a plain dict.
        self._default_headers = httpx.Headers(self.headers)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _pool_limits(self, httpx_client: Any, max_connections: int) -> httpx.Limits:
        """The limits of the pool to create; only checked when the caller brought their own httpx client."""
        limits = _limits(max_connections)
        if httpx_client is None:
            self._owns_http = True
            self.max_connections = max_connections
            self._request_timeout = _pool_free_timeout(self.timeout)
        elif max_connections != DEFAULT_MAX_CONNECTIONS:
            raise InvalidArgumentError(
                "max_connections sizes the pool the client creates; with httpx_client=..., set "
                "limits=httpx.Limits(max_connections=...) on that httpx client instead"
            )
        return limits

    def url_for(self, path: str) -> str:
        """The absolute URL of a server path (``/api/projects/``), or of a URL on this server.

        A URL on another host is refused: the API key travels with every request."""
        if path.startswith(("http://", "https://")):
            if not path.startswith(self.base_url) and path.rstrip("/") + "/" != self.base_url:
                raise InvalidArgumentError(
                    f"{path!r} is not on {self.base_url} (the API key must not go to another server); "
                    "pass a path such as '/api/projects/'"
                )
            return path
        return self.base_url + path.lstrip("/")

    def relative_path(self, path: str) -> str:
        """``path`` (a server path or a URL on this server) as the part after ``base_url``."""
        return self.url_for(path)[len(self.base_url) :]

    def build_request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        content: Optional[bytes] = None,
        data: Any = None,
        files: Any = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Union[float, httpx.Timeout, Omit, None] = OMIT,
    ) -> httpx.Request:
        """A request for ``send``: ``path`` is a server path or a URL on this server; it carries the
        client's headers (``headers`` on top) and timeout unless given. ``send`` adds the key, unless
        ``headers`` has its own ``Authorization``."""
        merged = httpx.Headers(None if self._owns_http else self._default_headers)
        if headers:
            merged.update(headers)
        request: httpx.Request = self.http.build_request(
            method.upper(),
            self.url_for(path),
            params=params,
            content=content,
            data=data,
            files=files,
            headers=merged,
            timeout=self._request_timeout if timeout is OMIT else timeout,
        )
        return request

    def _call_for(self, request: httpx.Request) -> _Call:
        """A request built by hand (``build_request``), as the send loop takes it."""
        auth_override = "authorization" in request.headers
        return _Call(
            request.method, "/" + request.url.path.lstrip("/"), request, self.max_retries, auth_override, []
        )

    def _prepare(
        self,
        http: Union[httpx.Client, httpx.AsyncClient],
        method: str,
        path: str,
        params: Optional[Mapping[str, Any]],
        json: Any,
        data: Optional[Mapping[str, Any]],
        files: Optional[Files],
        options: Optional[RequestOptions],
    ) -> _Call:
        # A client we created carries our default headers itself; an injected one gets them per request.
        headers: Any = None if self._owns_http else self._default_headers
        query = encode_query(params)
        timeout: Any = self._request_timeout
        max_retries = self.max_retries
        auth_override = False
        if options is not None:
            check_request_options(options)
        if options:
            extra_headers = options.get("additional_headers")
            if extra_headers:
                headers = httpx.Headers(headers)
                headers.update(extra_headers)
                auth_override = any(name.lower() == "authorization" for name in extra_headers)
            extra_query = options.get("additional_query_parameters")
            if extra_query:
                query.extend(encode_query(extra_query))
            extra_body = options.get("additional_body_parameters")
            if extra_body:
                if json is OMIT:
                    json = {}
                if not isinstance(json, dict):
                    raise InvalidArgumentError(
                        "request_options['additional_body_parameters'] needs a method whose body is a JSON object"
                    )
                json = {**json, **extra_body}
            if "timeout" in options:
                timeout = options["timeout"]
                if self._owns_http:
                    timeout = _pool_free_timeout(timeout)
            max_retries = options.get("max_retries", max_retries)

        content: Optional[bytes] = None
        opened: List[IO[bytes]] = []
        httpx_files: Any = None
        form: Any = None
        if json is not OMIT:
            if isinstance(json, dict):
                json = drop_omitted(json)
            try:
                content = dump_json(json)
            except (TypeError, ValueError) as exc:
                raise InvalidArgumentError(f"{method} /{path}: {exc}") from exc
            headers = httpx.Headers(headers)
            headers["Content-Type"] = "application/json"
        elif files is not None or data is not None:
            form = {k: _form_value(v) for k, v in drop_omitted(data or {}).items() if v is not None}
            httpx_files = to_httpx_files(drop_omitted(files or {}), opened) or None

        try:
            request = http.build_request(
                method,
                self.base_url + path,
                params=query or None,
                content=content,
                data=form,
                files=httpx_files,
                headers=headers,
                timeout=timeout,
            )
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            for handle in opened:
                handle.close()
            raise InvalidArgumentError(
                f"{method} {self.base_url}{path}: cannot build the request: {exc}"
            ) from exc
        except BaseException:
            for handle in opened:
                handle.close()
            raise
        return _Call(method, "/" + path, request, max_retries, auth_override, opened)

    def _parse(
        self,
        call: _Call,
        response: httpx.Response,
        cast_to: Any,
        on_parsed: Optional[Callable[[], None]] = None,
    ) -> Any:
        """The body as ``cast_to``. ``on_parsed`` runs right after a successful parse, while the
        collector is still paused: a pager drops the page it has finished with there (see
        core/pagination.py)."""
        content = response.content
        if cast_to is None or not content:
            return None
        validate = json_validator(cast_to)
        # A page of tasks becomes thousands of models that all outlive the parse, so the collector
        # would rescan them over and over for nothing (a quarter of the parse time). It resumes as
        # soon as the parse returns.
        pause_gc = len(content) >= GC_PAUSE_BYTES and gc.isenabled()
        try:
            if pause_gc:
                gc.disable()
            try:
                result = validate(content)
                if on_parsed is not None:
                    on_parsed()
            finally:
                if pause_gc:
                    gc.enable()
        except ValueError as exc:
            type_name = getattr(cast_to, "__name__", None) or repr(cast_to)
            malformed = _not_json(exc)
            what = (
                f"the response is not valid JSON (cut short?), {len(content)} bytes"
                if malformed
                else f"the response does not match {type_name}"
            )
            url = str(call.request.url)
            raise ResponseValidationError(
                f"{call.method} {url}: {what}: {_first_line(exc)}",
                status_code=response.status_code,
                body=content,
                method=call.method,
                path=call.path,
                url=url,
                malformed=malformed,
            ) from exc
        return result

    def _log_done(self, call: _Call, status: int, started: float, attempt: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            elapsed_ms = (time.perf_counter() - started) * 1000.0
            retries = f" after {attempt} retries" if attempt else ""
            logger.debug("%s %s -> %d in %.1f ms%s", call.method, call.path, status, elapsed_ms, retries)

    def _log_retry(self, call: _Call, reason: str, delay: float, attempt: int) -> None:
        logger.info(
            "%s %s: %s; retry %d of %d in %.2f s",
            call.method,
            call.path,
            reason,
            attempt + 1,
            call.max_retries,
            delay,
        )


def _not_json(error: ValueError) -> bool:
    """Whether a parse failed because the bytes are not JSON at all (rather than the wrong shape)."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        try:
            return any(item.get("type") == "json_invalid" for item in errors())
        except Exception:  # a foreign ValueError with an unusual errors()
            return False
    return isinstance(error, JSONDecodeError)


def _first_line(error: BaseException) -> str:
    text = str(error)
    return text if len(text) <= 1000 else text[:1000] + "..."


def _may_retry_body(call: _Call, error: ResponseValidationError, attempt: int) -> bool:
    """A 2xx body that is not JSON (cut short) is read again, for idempotent methods only."""
    return error.malformed and call.method in IDEMPOTENT_METHODS and attempt < call.max_retries


def _file_error(call: _Call, error: OSError) -> FileAccessError:
    return FileAccessError(
        f"{call.method} {call.request.url}: a file to upload could not be read ({type(error).__name__}: {error}); "
        "the request was cut off while being sent",
        request_sent=None,
    )


def _form_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return dump_json(value).decode("utf-8")
    return value


def _first_page(params: Mapping[str, Any]) -> int:
    page = params.get("page", OMIT)
    return 1 if page is OMIT or page is None else _whole_number("page", page)


def _page_size(params: Mapping[str, Any]) -> Optional[int]:
    size = params.get("page_size", OMIT)
    return None if size is OMIT or size is None else _whole_number("page_size", size)


def _whole_number(name: str, value: Any) -> int:
    """A page number or size as given, refused before any request unless it is an int of 1 or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(f"{name} must be a whole number of 1 or more, got {value!r}")
    return value
