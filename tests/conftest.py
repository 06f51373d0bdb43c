"""Shared fixtures: clients pointed at a respx-mocked server, with sleeping patched out."""

from __future__ import annotations

from typing import AsyncIterator, Iterator, List

import pytest
import respx

from label_studio_sdk import AsyncLabelStudio, LabelStudio
from label_studio_sdk.core import clock

BASE_URL = "http://testserver"
API_KEY = "test-token"


@pytest.fixture
def respx_mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """Records every retry delay instead of sleeping."""
    recorded: List[float] = []

    def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(clock, "sleep", fake_sleep)
    monkeypatch.setattr(clock, "async_sleep", fake_async_sleep)
    return recorded


@pytest.fixture
def client(sleeps: List[float]) -> Iterator[LabelStudio]:
    with LabelStudio(base_url=BASE_URL, api_key=API_KEY) as ls:
        yield ls


@pytest.fixture
async def async_client(sleeps: List[float]) -> AsyncIterator[AsyncLabelStudio]:
    async with AsyncLabelStudio(base_url=BASE_URL, api_key=API_KEY) as ls:
        yield ls
