"""Authorization headers for the two kinds of API key Label Studio issues.

* A legacy token (40 hex characters) is sent as ``Authorization: Token <key>``.
* A personal access token is a JWT refresh token. It is exchanged at ``POST /api/token/refresh/``
  for a short-lived access token, sent as ``Authorization: Bearer <access>``. The access token is
  renewed shortly before it expires and once after a 401. Concurrent callers share one exchange:
  a threading lock guards it in sync code, an asyncio lock in async code (no blocking I/O there).
  The exchange itself is ``core/_async/token.py`` and its generated sync twin.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, Optional

import httpx

from ._async.token import exchange_header as async_exchange_header
from ._sync.token import exchange_header as sync_exchange_header
from .errors import ApiError, decode_error_body, error_class_for_status

if TYPE_CHECKING:
    import asyncio

REFRESH_PATH = "api/token/refresh/"
# Renew this long before expiry, at most; short-lived tokens renew at 90% of their life.
_RENEW_MARGIN_SECONDS = 30.0


def jwt_claims(token: str) -> Optional[Dict[str, Any]]:
    """The unverified payload of a JWT, or None when the string is not one. Signatures are the server's job."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    segment = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(segment))
    except (ValueError, binascii.Error):
        return None
    return claims if isinstance(claims, dict) else None


class Auth:
    """Produces the Authorization header for each attempt of a request."""

    refreshable = False

    def sync_header(
        self, http: httpx.Client, refresh_url: str, headers: Optional[httpx.Headers] = None
    ) -> str:
        raise NotImplementedError

    async def async_header(
        self, http: httpx.AsyncClient, refresh_url: str, headers: Optional[httpx.Headers] = None
    ) -> str:
        raise NotImplementedError

    def invalidate(self, used_header: str) -> None:
        """Forget the credential behind a header the server answered 401 to."""


class StaticAuth(Auth):
    """A fixed header: a legacy token, or an access token the caller manages."""

    def __init__(self, header: str) -> None:
        self._header = header

    def sync_header(
        self, http: httpx.Client, refresh_url: str, headers: Optional[httpx.Headers] = None
    ) -> str:
        return self._header

    async def async_header(
        self, http: httpx.AsyncClient, refresh_url: str, headers: Optional[httpx.Headers] = None
    ) -> str:
        return self._header

    def __repr__(self) -> str:
        scheme = self._header.split(" ", 1)[0]
        return f"StaticAuth({scheme} <redacted>)"


class PersonalAccessTokenAuth(Auth):
    """Exchanges a refresh token for access tokens and keeps one fresh."""

    refreshable = True

    def __init__(self, refresh_token: str, *, clock: Any = time.time) -> None:
        self._refresh_token = refresh_token
        self._clock = clock
        self._access: Optional[str] = None
        self._renew_at = 0.0
        self._lock = threading.Lock()
        self._async_lock: Optional[asyncio.Lock] = None
        self.refresh_count: int = 0

    def __repr__(self) -> str:
        return "PersonalAccessTokenAuth(<redacted>)"

    def current_header(self) -> Optional[str]:
        """The header of the access token held, unless it is due for renewal."""
        if self._access is not None and self._clock() < self._renew_at:
            return "Bearer " + self._access
        return None

    def refresh_body(self) -> Dict[str, str]:
        """The body of the exchange request."""
        return {"refresh": self._refresh_token}

    def sync_lock(self) -> threading.Lock:
        return self._lock

    def async_lock(self) -> asyncio.Lock:
        if self._async_lock is None:  # made on first use, inside the running loop
            import asyncio  # only async code gets here; sync programs never import it

            self._async_lock = asyncio.Lock()
        return self._async_lock

    def sync_header(
        self, http: httpx.Client, refresh_url: str, headers: Optional[httpx.Headers] = None
    ) -> str:
        return sync_exchange_header(self, http, refresh_url, headers)

    async def async_header(
        self, http: httpx.AsyncClient, refresh_url: str, headers: Optional[httpx.Headers] = None
    ) -> str:
        return await async_exchange_header(self, http, refresh_url, headers)

    def invalidate(self, used_header: str) -> None:
        # Only forget the token that failed: if another caller already renewed it, keep the new one.
        if self._access is not None and used_header == "Bearer " + self._access:
            self._access = None

    def store(self, response: httpx.Response) -> str:
        """Keep the access token of an exchange's response; its header. Raises for a failed exchange."""
        if response.status_code != 200:
            body = decode_error_body(response.content)
            error_class = error_class_for_status(response.status_code)
            raise error_class(
                "exchanging the personal access token for an access token failed with status "
                f"{response.status_code}; the token may be expired, revoked, or personal access tokens "
                "may be disabled on this server",
                status_code=response.status_code,
                headers=response.headers,
                body=body,
                method="POST",
                path="/" + REFRESH_PATH,
            )
        try:
            access = response.json()["access"]
        except (ValueError, KeyError, TypeError):
            raise ApiError(
                "the token refresh endpoint answered without an access token",
                status_code=response.status_code,
                method="POST",
                path="/" + REFRESH_PATH,
            ) from None
        now = self._clock()
        claims = jwt_claims(access) or {}
        expires = claims.get("exp")
        if isinstance(expires, (int, float)):
            lifetime = max(float(expires) - now, 0.0)
            self._renew_at = float(expires) - min(_RENEW_MARGIN_SECONDS, lifetime * 0.1)
        else:
            self._renew_at = float("inf")  # no expiry claim: renewed only after a 401
        self._access = access
        self.refresh_count += 1
        return "Bearer " + str(access)


def auth_for_key(api_key: str) -> Auth:
    """Pick the scheme from the key itself: JWT refresh token, JWT access token, or legacy token."""
    claims = jwt_claims(api_key)
    if claims is None:
        return StaticAuth("Token " + api_key)
    if claims.get("token_type") == "refresh":
        return PersonalAccessTokenAuth(api_key)
    return StaticAuth("Bearer " + api_key)
