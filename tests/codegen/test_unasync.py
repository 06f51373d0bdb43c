"""codegen/unasync.py: the rules that turn the hand-written async runtime into its sync twin, and
the twins in the repository being exactly what the rules give."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from codegen.unasync import TWIN_HEADER, UnasyncError, load_config, twin_path, twins, unasync_text

ROOT = Path(__file__).resolve().parent.parent.parent
NAMES = {"aclose": "close", "AsyncPager": "SyncPager", "__aiter__": "__iter__"}


def test_keywords_go_only_where_they_are_code() -> None:
    source = '''async def fetch(client: AsyncClient) -> AsyncIterator[int]:
    """await the pager; see AsyncPager and async for."""
    # await here stays a comment
    async with client as open_client:
        async for item in open_client:
            yield await item
    values = [x async for x in await client.values()]
    await client.aclose()
'''
    twin = unasync_text(source, NAMES)
    assert (
        twin
        == '''def fetch(client: Client) -> Iterator[int]:
    """await the pager; see SyncPager and async for."""
    # await here stays a comment
    with client as open_client:
        for item in open_client:
            yield item
    values = [x for x in client.values()]
    client.close()
'''
    )


def test_renames_are_whole_identifiers() -> None:
    twin = unasync_text("AsyncPagerX = AsyncPager\nAsyncio = aclosed or aclose\n", NAMES)
    # AsyncPagerX drops its prefix by the class rule; "Asyncio" has no capital after "Async".
    assert twin == "PagerX = SyncPager\nAsyncio = aclosed or close\n"


def test_awaitable_is_unwrapped_with_nested_brackets() -> None:
    twin = unasync_text("f: Callable[[int], Awaitable[Dict[str, List[int]]]]\ng: Awaitable[X]\n", {})
    assert twin == "f: Callable[[int], Dict[str, List[int]]]\ng: X\n"


def test_strings_over_several_lines_are_renamed() -> None:
    twin = unasync_text('x = """first AsyncPager\nsecond aclose\n"""\n', NAMES)
    assert twin == 'x = """first SyncPager\nsecond close\n"""\n'


def test_markers_drop_async_only_lines_and_uncomment_sync_only_ones() -> None:
    source = """class AsyncPager:
    def __init__(self):
        self.first = None
        # unasync: sync-only
        # self.load()  # fetched at once
        # unasync: end

    # unasync: async-only
    def __await__(self):
        return self.load().__await__()

    # unasync: end
    async def load(self):
        pass
"""
    assert (
        unasync_text(source, NAMES)
        == """class SyncPager:
    def __init__(self):
        self.first = None
        self.load()  # fetched at once

    def load(self):
        pass
"""
    )
    # Untouched in the async source: the sync-only lines are comments there.
    compile(source, "<source>", "exec")


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("# unasync: async-only\nx = 1\n", "never closed"),
        ("x = 1\n# unasync: end\n", "without an opening marker"),
        ("# unasync: sync-only\nx = 1\n# unasync: end\n", "must be commented out"),
        ("# unasync: sync-only\n# unasync: async-only\n# unasync: end\n", "inside another marked block"),
    ],
)
def test_bad_markers_are_refused(source: str, words: str) -> None:
    with pytest.raises(UnasyncError, match=words):
        unasync_text(source, {})


def test_twin_paths() -> None:
    assert twin_path("src/pkg/core/_async/http.py") == "src/pkg/core/_sync/http.py"
    assert twin_path("src/_async/pkg/_async/x.py") == "src/_async/pkg/_sync/x.py"
    with pytest.raises(UnasyncError, match="_async folder"):
        twin_path("src/pkg/core/http.py")


def test_a_configured_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(UnasyncError, match="not an existing _async folder"):
        twins(tmp_path, {"unasync": {"folders": ["src/missing/_async"]}})


def test_every_async_source_has_its_twin_in_the_repository() -> None:
    """Each twin exists and says where it comes from; `python -m codegen check` (CI) compares the
    text, after formatting, and fails on any difference."""
    generated = twins(ROOT, load_config())
    assert len(generated) >= 10
    for path, text in generated.items():
        source = path.replace("/_sync/", "/_async/")
        assert (ROOT / source).is_file()
        on_disk = (ROOT / path).read_text(encoding="utf-8")
        assert on_disk.splitlines()[0] == TWIN_HEADER.format(source=source)
        assert text.splitlines()[0] == on_disk.splitlines()[0]
        tree = ast.parse(on_disk)
        leftovers = [
            type(node).__name__
            for node in ast.walk(tree)
            if isinstance(node, (ast.Await, ast.AsyncFunctionDef, ast.AsyncFor, ast.AsyncWith))
        ]
        assert leftovers == [], path
