"""The exception hierarchy. Messages name the method, the URL as requested and the server's detail, never a secret.

Every exception a public call raises is a ``LabelStudioError``; the httpx, JSON, pydantic or OS error
behind it is chained as ``__cause__``. ``request_sent`` says whether the request may have reached the
server: False when it certainly did not (safe to send again), True when it did or may have, None when
that is unknown.

LabelStudioError
├── InvalidArgumentError          a bad argument, caught before anything is sent (also TypeError, ValueError)
├── FileAccessError               an upload could not be opened or read (also OSError)
├── ApiError                      the server answered with a non-2xx status
│   ├── BadRequestError           400
│   ├── UnauthorizedError         401
│   ├── ForbiddenError            403
│   ├── NotFoundError             404
│   ├── ConflictError             409
│   ├── UnprocessableEntityError  422
│   ├── TooManyRequestsError      429
│   └── InternalServerError       5xx
├── ApiConnectionError            no usable response (refused, reset, DNS, ...)
│   ├── ApiTimeoutError           a connect, read, write or pool timeout
│   ├── ResponseDecodingError     a body that could not be decoded (a bad Content-Encoding)
│   └── TooManyRedirectsError     a redirect loop, or more redirects than httpx follows
├── StreamError                   a download stream read twice, or read after it was closed
└── ResponseValidationError       a 2xx body that is not valid JSON or does not match the declared type
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Mapping, Optional, Type

_DETAIL_LIMIT = 500


class LabelStudioError(Exception):
    """Base class of every error a public call raises.

    ``request_sent``: False when the request certainly never reached the server, True when it did or
    may have (a write may have been applied), None when that is unknown.
    """

    request_sent: Optional[bool] = None


class InvalidArgumentError(LabelStudioError, TypeError, ValueError):
    """An argument the SDK refuses before sending anything; the message names the argument.

    Also a ``TypeError`` and a ``ValueError``, so code written for the built-in errors keeps working.
    """

    request_sent: Optional[bool] = False


class UsageError(LabelStudioError, RuntimeError):
    """The SDK used in an order it cannot serve, such as reading an async pager's items before
    awaiting it; nothing was sent. Also a ``RuntimeError``."""

    request_sent: Optional[bool] = False


class MissingDependencyError(LabelStudioError, ImportError):
    """A helper needs an optional package that is not installed; the message says what to install.
    Also an ``ImportError``."""

    request_sent: Optional[bool] = False


class FileAccessError(LabelStudioError, OSError):
    """A file to upload could not be opened or read (missing, a folder, no permission).

    Also an ``OSError``; the original is chained. Raised before the request is sent when the file is
    opened, or while it is being sent (``request_sent`` None: the server got an incomplete body).
    """

    def __init__(self, message: str, *, request_sent: Optional[bool] = False) -> None:
        super().__init__(message)
        self.request_sent = request_sent

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ApiError(LabelStudioError):
    """The server answered with a status code outside 2xx.

    ``body`` is the decoded JSON body when there is one, else the text (or None when empty).
    """

    def __init__(
        self,
        message: Optional[str] = None,
        *,
        status_code: Optional[int] = None,
        headers: Optional[Mapping[str, str]] = None,
        body: Any = None,
        method: Optional[str] = None,
        path: Optional[str] = None,
        url: Optional[str] = None,
    ) -> None:
        self.status_code = status_code
        self.headers: Dict[str, str] = dict(headers or {})
        self.body = body
        self.method = method
        self.path = path
        self.url = url
        if message is None:
            message = _status_message(method, url or path, status_code, body)
        super().__init__(message)

    request_sent: Optional[bool] = True

    @property
    def detail(self) -> Optional[str]:
        """The server's explanation, as found in the body (``detail``, ``error``, ...)."""
        return _detail(self.body)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code!r}, method={self.method!r}, url={(self.url or self.path)!r})"


class BadRequestError(ApiError):
    """400: the server rejected the arguments; ``detail`` or ``body`` says which."""


class UnauthorizedError(ApiError):
    """401: the API key is missing, wrong, expired or revoked."""


class ForbiddenError(ApiError):
    """403: the key is valid but may not do this."""


class NotFoundError(ApiError):
    """404: no such object, or not visible to this key."""


class ConflictError(ApiError):
    """409: the request conflicts with the object's current state."""


class UnprocessableEntityError(ApiError):
    """422: the request was well formed but could not be processed."""


class TooManyRequestsError(ApiError):
    """429: rate limited; retried automatically before this is raised."""


class InternalServerError(ApiError):
    """5xx: the server failed; retried automatically where that is safe."""


class ApiConnectionError(LabelStudioError):
    """The request got no usable response: connection refused or reset, DNS failure, broken protocol.

    ``request_sent`` is False when the request never left (refused, unreachable, no free pooled
    connection: safe to send again), True when the connection failed after the request, or part of
    it, was written (the server may have applied it), None when that is unknown.
    """

    def __init__(
        self,
        message: str,
        *,
        method: Optional[str] = None,
        path: Optional[str] = None,
        request_sent: Optional[bool] = None,
        url: Optional[str] = None,
    ) -> None:
        self.method = method
        self.path = path
        self.url = url
        self.request_sent = request_sent
        super().__init__(message)


class ApiTimeoutError(ApiConnectionError):
    """The request timed out (connect, read, write, or waiting for a pooled connection)."""


class ResponseDecodingError(ApiConnectionError):
    """The server answered, but its body could not be decoded (a bad or lying ``Content-Encoding``).

    ``request_sent`` is True. Retried for idempotent methods, like a dropped connection.
    """


class TooManyRedirectsError(ApiConnectionError):
    """The server kept redirecting (a loop, or more hops than httpx follows); ``request_sent`` is True.

    Never retried: the same request would be redirected the same way. A wrong ``base_url`` (http for
    an https server, a path prefix) is the usual cause.
    """


class StreamError(LabelStudioError):
    """A download stream used wrongly: iterated a second time, or read after it was closed."""

    request_sent: Optional[bool] = True


class ResponseValidationError(LabelStudioError):
    """A successful response whose body does not fit the declared return type.

    ``body`` holds the raw bytes, so nothing the server sent is lost.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: bytes,
        method: Optional[str] = None,
        path: Optional[str] = None,
        url: Optional[str] = None,
        malformed: bool = False,
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.method = method
        self.path = path
        self.url = url
        self.malformed = malformed
        """True when the body is not even valid JSON (cut short, say): a GET is retried on that."""
        super().__init__(message)

    request_sent: Optional[bool] = True


_STATUS_ERRORS: Dict[int, Type[ApiError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: TooManyRequestsError,
}


def error_class_for_status(status_code: int) -> Type[ApiError]:
    """The ApiError subclass that stands for this status code."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, ApiError)


def decode_error_body(content: bytes) -> Any:
    """JSON when the body is JSON, else text; None when empty."""
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")


def _detail(body: Any) -> Optional[str]:
    if body is None or body == "":
        return None
    if isinstance(body, dict):
        for key in ("detail", "error", "message"):
            value = body.get(key)
            if isinstance(value, str) and value:
                extra = body.get("validation_errors")
                return f"{value} {_compact(extra)}" if extra else value
        return _compact(body)
    if isinstance(body, str):
        page = html_summary(body)
        return page if page is not None else _shorten(body.strip())
    return _compact(body)


def _compact(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return _shorten(text)


def _shorten(text: str) -> str:
    return text if len(text) <= _DETAIL_LIMIT else text[:_DETAIL_LIMIT] + "..."


_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_HTML_START = re.compile(r"\s*(<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)
# URL paths of groups that only Label Studio Enterprise serves (the open-source server answers 404).
_ENTERPRISE_PATHS = re.compile(
    r"/api/(?:comments|prompts|workspaces|inference-runs|model-provider-connections|model-run"
    r"|storages/(?:export/)?s3s|annotations/bulk|projects/[^/]+/members/[^/]+/pauses)(?:/|$)"
)


def html_summary(text: str) -> Optional[str]:
    """One line for an HTML page: ``an HTML page titled '...'``; None when ``text`` is not HTML."""
    if not _HTML_START.match(text[:1024]):
        return None
    # Imported here: html (and its entity table) would add ~2 ms to every import of the package.
    import html

    match = _TITLE.search(text, 0, 64 * 1024)
    title = " ".join(html.unescape(match.group(1)).split()) if match else ""
    return f"an HTML page titled {_shorten(title)!r}" if title else "an HTML page without a title"


def url_hint(url: Optional[str], status_code: Optional[int], body: Any) -> Optional[str]:
    """Advice for a URL that looks wrong: ``/api/api/`` (base_url ending in /api), an Enterprise-only group."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]*", "", url).split("?", 1)[0]
    if "/api/api/" in path:
        return "the URL has /api/api/: base_url should be the server's root (without /api)"
    # An Enterprise server answers a missing object with JSON; only a page means "no such route".
    is_page = isinstance(body, str) and html_summary(body) is not None
    if status_code == 404 and is_page and _ENTERPRISE_PATHS.search(path):
        return (
            "this endpoint exists only in Label Studio Enterprise; "
            "this server (the open-source edition) does not have it"
        )
    return None


def _status_message(
    method: Optional[str], where: Optional[str], status_code: Optional[int], body: Any
) -> str:
    target = f"{method} {where}" if method and where else "request"
    message = f"{target} failed with status {status_code}"
    detail = _detail(body)
    if detail:
        message = f"{message}: {detail}"
    hint = url_hint(where, status_code, body)
    return f"{message} ({hint})" if hint else message
