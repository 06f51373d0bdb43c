"""The tokens overlay: ``tokens/_async/client_ext.py`` is written by hand, ``tokens/_sync/`` is generated from it.

``tokens.list``, the name the listing has elsewhere in the SDK. Seed 001 names ``GET /api/token/``
``tokens.get`` although it lists the caller's tokens; that name is kept (the signature is binding)
and ``tokens.list`` is the same call under the name the other groups use.
"""

from __future__ import annotations

from typing import List, Optional

from label_studio_sdk.core.options import RequestOptions
from label_studio_sdk.tokens.client import AsyncTokensClient
from label_studio_sdk.types.api_token_response import ApiTokenResponse


class AsyncTokensClientExt(AsyncTokensClient):
    """Personal access tokens, with ``list`` beside the seed's ``get``."""

    async def list(self, *, request_options: Optional[RequestOptions] = None) -> List[ApiTokenResponse]:
        """List the caller's personal access tokens (the same call as ``get``).

        Args:
            request_options: Per-call timeout, retries, extra headers, query or body fields.

        Returns:
            The caller's tokens, each shown without its signature part.
        """
        return await self.get(request_options=request_options)
