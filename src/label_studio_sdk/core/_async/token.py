"""Keeping a personal access token's access token fresh: one exchange at a time, shared by every
request waiting for it (see ``core/auth.py`` for the scheme)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import httpx

if TYPE_CHECKING:
    from ..auth import PersonalAccessTokenAuth


async def exchange_header(
    auth: PersonalAccessTokenAuth, http: httpx.AsyncClient, refresh_url: str, headers: Optional[httpx.Headers]
) -> str:
    """The ``Bearer`` header to send now, exchanging the refresh token first when the access token is due."""
    header = auth.current_header()
    if header is not None:
        return header
    async with auth.async_lock():
        header = auth.current_header()  # another caller may have renewed it while this one waited
        if header is None:
            response = await http.post(refresh_url, json=auth.refresh_body(), headers=headers)
            header = auth.store(response)
    return header
