"""ml: connecting a backend the server refuses comes back as a typed error, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest

from label_studio_sdk import ApiError, BadRequestError, ForbiddenError

from .conftest import Flavour

# Nothing listens on the discard port; 1.23.2 refuses it before trying, as a loopback address.
UNREACHABLE = "http://127.0.0.1:9"


async def test_backend_on_a_loopback_address_is_refused_with_the_servers_detail(
    ls: Flavour, project: Any, unique: str
) -> None:
    with pytest.raises(ApiError) as info:
        await ls.ml.create(url=UNREACHABLE, project=project.id, title=f"ml-{unique}")
    # 1.23.2 blocks local and private addresses (SSRF protection) with 403, not 400.
    assert isinstance(info.value, ForbiddenError)
    assert info.value.status_code == 403
    assert info.value.detail and "reserved network address" in info.value.detail
    assert "127.0.0.0/8" in str(info.value)
    assert "POST" in str(info.value) and "api/ml" in str(info.value)
    assert await ls.ml.list(project=project.id) == []


async def test_backend_without_url_is_a_400_naming_the_field(ls: Flavour, project: Any) -> None:
    with pytest.raises(BadRequestError) as info:
        await ls.ml.create(project=project.id)
    assert info.value.status_code == 400
    assert "url" in str(info.value) and "required" in str(info.value)
    assert await ls.ml.list(project=project.id) == []
