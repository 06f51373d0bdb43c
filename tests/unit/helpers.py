"""Small helpers shared by the unit tests: one way to drive sync and async clients, JWT builders."""

from __future__ import annotations

import base64
import inspect
import json
import time
from typing import Any, Callable, Dict, Optional, Union

from label_studio_sdk import AsyncLabelStudio, LabelStudio

AnyClient = Union[LabelStudio, AsyncLabelStudio]


class Api:
    """A sync or async client behind one awaitable interface, so that each test runs for both."""

    def __init__(self, client: AnyClient) -> None:
        self.client = client
        self.is_async = isinstance(client, AsyncLabelStudio)

    @property
    def http(self) -> Any:
        """The SyncHttpClient / AsyncHttpClient under the client."""
        return self.client._client

    async def run(self, call: Callable[[Any], Any]) -> Any:
        """``call(client)``, awaited when the client is async."""
        result = call(self.client)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        return await self.run(lambda c: c._client.request(method, path, **kwargs))

    async def items(self, call: Callable[[Any], Any]) -> list:
        """Every item of the pager returned by ``call(client)``."""
        pager = call(self.client)
        if self.is_async:
            return [item async for item in pager]
        return list(pager)

    async def close(self) -> None:
        await self.run(lambda c: c.close())


def _b64url(data: Dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def make_jwt(payload: Dict[str, Any]) -> str:
    """An unsigned-looking JWT; the SDK never checks signatures."""
    return f"{_b64url({'alg': 'HS256', 'typ': 'JWT'})}.{_b64url(payload)}.c2lnbmF0dXJl"


def refresh_token(**extra: Any) -> str:
    return make_jwt({"token_type": "refresh", "exp": int(time.time()) + 10**8, "jti": "r", **extra})


def access_token(exp: Optional[float], name: str = "a") -> str:
    payload: Dict[str, Any] = {"token_type": "access", "jti": name}
    if exp is not None:
        payload["exp"] = int(exp)
    return make_jwt(payload)
