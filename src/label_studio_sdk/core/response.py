"""``RawResponse``: a response as the server sent it, for ``client.request(...)``."""

from __future__ import annotations

import json
from typing import Any, Type, TypeVar

import httpx

from .errors import ResponseValidationError
from .serialization import json_validator

T = TypeVar("T")


class RawResponse:
    """What ``LabelStudio.request`` returns: the status, the headers and the body, as sent.

    ``body`` is the JSON value of the body (None for an empty body, the text when it is not JSON);
    ``json()`` insists on JSON; ``parse(Model)`` validates it into one of the SDK's models.
    """

    __slots__ = ("http_response",)

    http_response: httpx.Response
    """The ``httpx.Response`` itself (read)."""

    def __init__(self, http_response: httpx.Response) -> None:
        self.http_response = http_response

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def method(self) -> str:
        return self.http_response.request.method

    @property
    def url(self) -> str:
        """The URL requested (after any redirect)."""
        return str(self.http_response.url)

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    @property
    def body(self) -> Any:
        """The body as JSON; None when empty; the text when it is not JSON."""
        content = self.http_response.content
        if not content:
            return None
        try:
            return self.json()
        except ResponseValidationError:
            return self.http_response.text

    def json(self) -> Any:
        """The body parsed as JSON; ``ResponseValidationError`` (with the bytes) when it is not JSON."""
        try:
            return json.loads(self.http_response.content)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            raise self._invalid("JSON", exc, malformed=True) from exc

    def parse(self, cast_to: Type[T]) -> T:
        """The body validated as ``cast_to`` (a model, ``List[Model]``, ``Dict[str, Any]``, ...).

        Raises ``ResponseValidationError`` when the body is not JSON or not that shape."""
        try:
            return json_validator(cast_to)(self.http_response.content)  # type: ignore[no-any-return]
        except ValueError as exc:
            raise self._invalid(getattr(cast_to, "__name__", None) or repr(cast_to), exc) from exc

    def _invalid(self, expected: str, error: ValueError, malformed: bool = False) -> ResponseValidationError:
        return ResponseValidationError(
            f"{self.method} {self.url}: the response is not {expected}: {str(error)[:500]}",
            status_code=self.status_code,
            body=self.http_response.content,
            method=self.method,
            path=self.http_response.request.url.path,
            url=self.url,
            malformed=malformed,
        )

    def __repr__(self) -> str:
        return f"RawResponse({self.method} {self.url} -> {self.status_code})"
