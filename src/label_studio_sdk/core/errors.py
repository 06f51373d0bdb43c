"""The exception hierarchy. Messages name the method, the path and the server's detail, never a secret.

LabelStudioError
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
│   └── ApiTimeoutError           a connect, read, write or pool timeout
└── ResponseValidationError       a 2xx body that does not match the declared type
"""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Type

_DETAIL_LIMIT = 500


class LabelStudioError(Exception):
    """Base class of every error this SDK raises on purpose."""


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
    ) -> None:
        self.status_code = status_code
        self.headers: Dict[str, str] = dict(headers or {})
        self.body = body
        self.method = method
        self.path = path
        if message is None:
            message = _status_message(method, path, status_code, body)
        super().__init__(message)

    @property
    def detail(self) -> Optional[str]:
        """The server's explanation, as found in the body (``detail``, ``error``, ...)."""
        return _detail(self.body)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code!r}, method={self.method!r}, path={self.path!r})"


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
    ) -> None:
        self.method = method
        self.path = path
        self.request_sent = request_sent
        super().__init__(message)


class ApiTimeoutError(ApiConnectionError):
    """The request timed out (connect, read, write, or waiting for a pooled connection)."""


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
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.method = method
        self.path = path
        super().__init__(message)


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
        return _shorten(body.strip())
    return _compact(body)


def _compact(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return _shorten(text)


def _shorten(text: str) -> str:
    return text if len(text) <= _DETAIL_LIMIT else text[:_DETAIL_LIMIT] + "..."


def _status_message(method: Optional[str], path: Optional[str], status_code: Optional[int], body: Any) -> str:
    where = f"{method} {path}" if method and path else "request"
    message = f"{where} failed with status {status_code}"
    detail = _detail(body)
    return f"{message}: {detail}" if detail else message
