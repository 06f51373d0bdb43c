"""Integration tests against a real Label Studio server (scripts/label-studio-server.sh).

They run when LABEL_STUDIO_TEST_URL and LABEL_STUDIO_TEST_API_KEY are set, and are skipped with a reason
otherwise. The `ls` fixture runs a test twice, with the sync and with the async client behind one
awaitable interface, so each behaviour is written once and checked in both flavours.
"""

from __future__ import annotations

import inspect
import os
import uuid
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Iterator, List

import pytest

from label_studio_sdk import AsyncLabelStudio, LabelStudio
from label_studio_sdk.core.files import AsyncByteStream, ByteStream
from label_studio_sdk.core.pagination import AsyncPager, SyncPager

URL = os.environ.get("LABEL_STUDIO_TEST_URL")
API_KEY = os.environ.get("LABEL_STUDIO_TEST_API_KEY")
FILES_ROOT = os.environ.get("LABEL_STUDIO_TEST_FILES_ROOT")

TEXT_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single">
    <Choice value="Positive"/><Choice value="Negative"/>
  </Choices>
</View>"""


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    here = Path(__file__).parent
    if os.environ.get("LABEL_STUDIO_REQUIRE_SERVER") and not (URL and API_KEY):
        raise pytest.UsageError("LABEL_STUDIO_REQUIRE_SERVER is set but no server is configured")
    skip = pytest.mark.skip(
        reason='no Label Studio server configured: run `eval "$(scripts/label-studio-server.sh start)"` '
        "to set LABEL_STUDIO_TEST_URL and LABEL_STUDIO_TEST_API_KEY"
    )
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)
            if not (URL and API_KEY):
                item.add_marker(skip)


class Pages:
    """A sync pager seen through the async interface: `async for`, `await .to_list()`, `.total`."""

    def __init__(self, pager: SyncPager[Any]) -> None:
        self._pager = pager
        self.total = pager.total

    async def __aiter__(self) -> AsyncIterator[Any]:
        for item in self._pager:
            yield item

    async def to_list(self) -> List[Any]:
        return self._pager.to_list()

    def iter_pages(self) -> Any:
        pages = self._pager.iter_pages()

        async def walk() -> AsyncIterator[Any]:
            for page in pages:
                yield page

        return walk()


class Bytes:
    """A sync ByteStream seen through the async interface."""

    def __init__(self, stream: ByteStream) -> None:
        self._stream = stream
        self.headers = stream.headers

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._stream:
            yield chunk


class Flavour:
    """Wraps a LabelStudio or AsyncLabelStudio so that every call is awaited the same way.

    ``await ls.projects.get(1)`` works for both; lists come back awaitable and async-iterable; downloads
    come back as async byte iterators. ``ls.is_async`` tells which one a test is running.
    """

    def __init__(self, target: Any, is_async: bool) -> None:
        self._target = target
        self.is_async = is_async

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value):
            return Flavour(value, self.is_async)
        return self._wrap(value)

    def _wrap(self, method: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            if isinstance(result, AsyncPager):
                return await result
            if isinstance(result, AsyncByteStream):
                return await result
            if inspect.isawaitable(result):
                return await result
            if isinstance(result, SyncPager):
                return Pages(result)
            if isinstance(result, ByteStream):
                return Bytes(result)
            return result

        return call


async def read_all(stream: Any) -> bytes:
    return b"".join([chunk async for chunk in stream])


@pytest.fixture
def sync_client() -> Iterator[LabelStudio]:
    assert URL and API_KEY
    with LabelStudio(base_url=URL, api_key=API_KEY) as client:
        yield client


@pytest.fixture
async def async_client() -> AsyncIterator[AsyncLabelStudio]:
    assert URL and API_KEY
    async with AsyncLabelStudio(base_url=URL, api_key=API_KEY) as client:
        yield client


@pytest.fixture(params=["sync", "async"])
async def ls(request: pytest.FixtureRequest) -> AsyncIterator[Flavour]:
    assert URL and API_KEY
    if request.param == "sync":
        with LabelStudio(base_url=URL, api_key=API_KEY) as client:
            yield Flavour(client, is_async=False)
    else:
        async with AsyncLabelStudio(base_url=URL, api_key=API_KEY) as aclient:
            yield Flavour(aclient, is_async=True)


@pytest.fixture
def unique() -> str:
    """A short random suffix that keeps titles and paths of parallel or repeated runs apart."""
    return uuid.uuid4().hex[:8]


@pytest.fixture
def project(sync_client: LabelStudio, unique: str) -> Iterator[Any]:
    """A fresh text-classification project, deleted afterwards."""
    created = sync_client.projects.create(title=f"it-{unique}", label_config=TEXT_CONFIG)
    yield created
    sync_client.projects.delete(created.id)


@pytest.fixture
def files_root(unique: str) -> Path:
    """A folder under the server's local-files document root, for local storages."""
    if not FILES_ROOT:
        pytest.skip("LABEL_STUDIO_TEST_FILES_ROOT is not set (the server script sets it)")
    folder = Path(FILES_ROOT) / f"it-{unique}"
    folder.mkdir(parents=True)
    return folder


def tasks(n: int, prefix: str = "text") -> List[Dict[str, Any]]:
    return [{"text": f"{prefix} {i}"} for i in range(n)]
