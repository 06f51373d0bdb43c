"""Hand-written overlay of the tokens client: ``list``, the name the listing has elsewhere in the SDK.

Seed 001 names ``GET /api/token/`` ``tokens.get`` although it lists the caller's tokens; that name is
kept (the signature is binding) and ``tokens.list`` is the same call under the name the other groups use.
"""

from __future__ import annotations

from typing import List, Optional

from label_studio_sdk.core.options import RequestOptions
from label_studio_sdk.tokens.client import AsyncTokensClient, TokensClient
from label_studio_sdk.types.api_token_response import ApiTokenResponse


class TokensClientExt(TokensClient):
    """Personal access tokens, with ``list`` beside the seed's ``get``."""

    def list(self, *, request_options: Optional[RequestOptions] = None) -> List[ApiTokenResponse]:
        """List the caller's personal access tokens (the same call as ``get``).

        Args:
            request_options: Per-call timeout, retries, extra headers, query or body fields.

        Returns:
            The caller's tokens, each shown without its signature part.
        """
        return self.get(request_options=request_options)


class AsyncTokensClientExt(AsyncTokensClient):
    """Personal access tokens, with ``list`` beside the seed's ``get`` (async)."""

    async def list(self, *, request_options: Optional[RequestOptions] = None) -> List[ApiTokenResponse]:
        """List the caller's personal access tokens (the same call as ``get``).

        Args:
            request_options: Per-call timeout, retries, extra headers, query or body fields.

        Returns:
            The caller's tokens, each shown without its signature part.
        """
        return await self.get(request_options=request_options)


__all__ = ["AsyncTokensClientExt", "TokensClientExt"]
