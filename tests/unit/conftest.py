"""Fixtures that run one test body against the sync and the async client."""

from __future__ import annotations

from typing import Any, AsyncIterator, Callable, List

import pytest

from label_studio_sdk import AsyncLabelStudio, LabelStudio
from tests.conftest import API_KEY, BASE_URL

from .helpers import Api


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest) -> Api:
    """The conftest client or async_client (api_key "test-token", base_url http://testserver)."""
    return Api(request.getfixturevalue("client" if request.param == "sync" else "async_client"))


@pytest.fixture(params=["sync", "async"])
async def make_api(request: pytest.FixtureRequest, sleeps: List[float]) -> AsyncIterator[Callable[..., Api]]:
    """Builds sync or async clients with custom settings; closes them at the end."""
    made: List[Api] = []

    def factory(**kwargs: Any) -> Api:
        kwargs.setdefault("base_url", BASE_URL)
        kwargs.setdefault("api_key", API_KEY)
        cls = LabelStudio if request.param == "sync" else AsyncLabelStudio
        made.append(Api(cls(**kwargs)))
        return made[-1]

    yield factory
    for api in made:
        await api.close()
