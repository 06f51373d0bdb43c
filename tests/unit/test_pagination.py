"""Pagers: where they stop, what they send, and what they expose; through the clients and directly."""

from __future__ import annotations

import gc
import json
import weakref
from typing import Any, Callable, Dict, List, Optional

import httpx
import pytest
import respx

from label_studio_sdk import AsyncPager, NotFoundError, Page, Project, SyncPager, Task, UsageError
from label_studio_sdk.core.http import GC_PAUSE_BYTES
from tests.samples import sample

from .helpers import Api

NOT_FOUND = httpx.Response(404, json={"detail": "Invalid page."})


def project_page(ids: List[int], count: int, has_next: bool) -> Dict[str, Any]:
    return {
        "count": count,
        "next": "http://testserver/api/projects/?page=next" if has_next else None,
        "previous": None,
        "results": [sample(Project, id=i, title=f"p{i}") for i in ids],
    }


def task_page(ids: List[int], total: int) -> Dict[str, Any]:
    return {
        "tasks": [sample(Task, id=i) for i in ids],
        "total": total,
        "total_annotations": 0,
        "total_predictions": 0,
    }


def serve_pages(respx_mock: respx.MockRouter, path: str, pages: Dict[int, Dict[str, Any]]) -> respx.Route:
    """Answers ?page=N with pages[N], and with Label Studio's 404 for any other page."""

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        return httpx.Response(200, json=pages[number]) if number in pages else NOT_FOUND

    return respx_mock.get(path).mock(side_effect=handler)


def requested_pages(route: respx.Route) -> List[int]:
    return [int(call.request.url.params["page"]) for call in route.calls]


def ids(items: List[Any]) -> List[int]:
    return [item.id for item in items]


# -- where iteration stops, through the generated clients -----------------------------------------


async def test_projects_stop_on_next_null(api: Api, respx_mock: respx.MockRouter) -> None:
    # `count` claims more, but the server says there is no next page: believe `next`
    pages = {
        1: project_page([1, 2], 100, True),
        2: project_page([3], 100, False),
        3: project_page([4], 100, False),
    }
    route = serve_pages(respx_mock, "/api/projects/", pages)

    items = await api.items(lambda c: c.projects.list())

    assert ids(items) == [1, 2, 3]
    assert requested_pages(route) == [1, 2]


async def test_tasks_stop_when_total_is_reached(api: Api, respx_mock: respx.MockRouter) -> None:
    pages = {1: task_page([1, 2], 5), 2: task_page([3, 4], 5), 3: task_page([5], 5), 4: task_page([6], 5)}
    route = serve_pages(respx_mock, "/api/tasks/", pages)

    items = await api.items(lambda c: c.tasks.list(project=1))

    assert ids(items) == [1, 2, 3, 4, 5]
    assert requested_pages(route) == [1, 2, 3]  # never asks for page 4, never provokes the 404


async def test_full_last_page_with_total_needs_no_extra_request(
    api: Api, respx_mock: respx.MockRouter
) -> None:
    route = serve_pages(respx_mock, "/api/tasks/", {1: task_page([1, 2], 4), 2: task_page([3, 4], 4)})

    items = await api.items(lambda c: c.tasks.list(project=1, page_size=2))

    assert ids(items) == [1, 2, 3, 4]
    assert route.call_count == 2


@pytest.mark.parametrize("resource", ["tasks", "projects"])
async def test_stop_on_empty_page(api: Api, respx_mock: respx.MockRouter, resource: str) -> None:
    if resource == "tasks":
        pages = {1: task_page([1, 2], 10), 2: task_page([], 10), 3: task_page([9], 10)}
    else:
        pages = {
            1: project_page([1, 2], 10, True),
            2: project_page([], 10, True),
            3: project_page([9], 10, True),
        }
    route = serve_pages(respx_mock, f"/api/{resource}/", pages)

    items = await api.items(lambda c: getattr(c, resource).list())

    assert ids(items) == [1, 2]
    assert requested_pages(route) == [1, 2]


async def test_404_past_the_end_ends_iteration_quietly(api: Api, respx_mock: respx.MockRouter) -> None:
    # `total` overstates what is there (tasks deleted meanwhile): the 404 on page 3 is the end
    route = serve_pages(respx_mock, "/api/tasks/", {1: task_page([1, 2], 10), 2: task_page([3, 4], 10)})

    items = await api.items(lambda c: c.tasks.list(project=1))

    assert ids(items) == [1, 2, 3, 4]
    assert requested_pages(route) == [1, 2, 3]


async def test_404_on_first_page_raises(api: Api, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/tasks/").mock(return_value=httpx.Response(404, json={"detail": "Not found."}))

    with pytest.raises(NotFoundError):
        await api.items(lambda c: c.tasks.list(project=404))


def test_sync_pager_fetches_first_page_on_creation(client: Any, respx_mock: respx.MockRouter) -> None:
    route = serve_pages(respx_mock, "/api/tasks/", {1: task_page([1], 3), 2: task_page([2], 3)})

    with pytest.raises(NotFoundError):
        client.tasks.list(project=1, page=7)  # the 404 surfaces at the call, not later

    client.tasks.list(project=1)
    assert route.call_count == 2  # first pages only, nothing more until iterated


async def test_async_pager_fetches_nothing_until_awaited(
    async_client: Any, respx_mock: respx.MockRouter
) -> None:
    route = serve_pages(respx_mock, "/api/tasks/", {1: task_page([1], 3)})

    pager = async_client.tasks.list(project=1)
    assert route.call_count == 0
    with pytest.raises(RuntimeError, match="await the pager") as info:
        _ = pager.total
    assert isinstance(info.value, UsageError)

    assert await pager is pager
    assert route.call_count == 1
    assert pager.total == 3


async def test_page_size_and_filters_are_sent_on_every_page(api: Api, respx_mock: respx.MockRouter) -> None:
    pages = {
        1: project_page([1, 2], 5, True),
        2: project_page([3, 4], 5, True),
        3: project_page([5], 5, False),
    }
    route = serve_pages(respx_mock, "/api/projects/", pages)

    await api.items(lambda c: c.projects.list(page_size=2, title="cat", ordering="-id"))

    assert route.call_count == 3
    for number, call in enumerate(route.calls, start=1):
        assert sorted(call.request.url.params.multi_items()) == [
            ("ordering", "-id"),
            ("page", str(number)),
            ("page_size", "2"),
            ("title", "cat"),
        ]


@pytest.mark.parametrize(
    ("pages", "expected_ids", "expected_requests"),
    [
        ({3: task_page([5, 6], 7), 4: task_page([7], 7)}, [5, 6, 7], [3, 4]),
        ({3: task_page([5, 6], 8), 4: task_page([7, 8], 8), 5: task_page([9], 8)}, [5, 6, 7, 8], [3, 4]),
        ({3: task_page([5, 6], 6), 4: task_page([7], 6)}, [5, 6], [3]),
    ],
)
async def test_starting_page_counts_towards_total(
    api: Api,
    respx_mock: respx.MockRouter,
    pages: Dict[int, Dict[str, Any]],
    expected_ids: List[int],
    expected_requests: List[int],
) -> None:
    route = serve_pages(respx_mock, "/api/tasks/", pages)

    items = await api.items(lambda c: c.tasks.list(project=1, page=3, page_size=2))

    assert ids(items) == expected_ids
    assert requested_pages(route) == expected_requests


# -- what a pager exposes -----------------------------------------------------------------------


@pytest.fixture
def three_pages(respx_mock: respx.MockRouter) -> respx.Route:
    pages = {
        1: project_page([1, 2], 5, True),
        2: project_page([3, 4], 5, True),
        3: project_page([5], 5, False),
    }
    return serve_pages(respx_mock, "/api/projects/", pages)


def test_sync_pager_api(client: Any, three_pages: respx.Route) -> None:
    pager = client.projects.list()

    assert isinstance(pager, SyncPager)
    assert pager.total == 5
    assert ids(pager.items) == [1, 2]
    assert pager.has_next is True
    assert pager.first().id == 1
    assert three_pages.call_count == 1  # none of the above fetched more

    pages = list(pager.iter_pages())
    assert all(isinstance(page, Page) for page in pages)
    assert [page.number for page in pages] == [1, 2, 3]
    assert [ids(page.items) for page in pages] == [[1, 2], [3, 4], [5]]
    assert [page.has_next for page in pages] == [True, True, False]
    assert [page.total for page in pages] == [5, 5, 5]
    assert pages[0].response.count == 5

    assert ids(pager.to_list()) == [1, 2, 3, 4, 5]
    assert ids(list(pager)) == [1, 2, 3, 4, 5]  # iterating again works
    assert requested_pages(three_pages) == [1, 2, 3, 2, 3, 2, 3]  # the first page is kept, not refetched


async def test_async_pager_api(async_client: Any, three_pages: respx.Route) -> None:
    pager = async_client.projects.list()
    assert isinstance(pager, AsyncPager)

    loaded = await pager
    assert loaded.total == 5
    assert ids(loaded.items) == [1, 2]
    assert loaded.has_next is True
    assert (await loaded.first()).id == 1
    assert three_pages.call_count == 1

    pages = [page async for page in pager.iter_pages()]
    assert [page.number for page in pages] == [1, 2, 3]
    assert [page.has_next for page in pages] == [True, True, False]

    assert ids(await pager.to_list()) == [1, 2, 3, 4, 5]
    assert ids([item async for item in pager]) == [1, 2, 3, 4, 5]
    assert requested_pages(three_pages) == [1, 2, 3, 2, 3, 2, 3]


async def test_async_pager_to_list_without_await(async_client: Any, three_pages: respx.Route) -> None:
    assert ids(await async_client.projects.list().to_list()) == [1, 2, 3, 4, 5]
    assert (await async_client.projects.list().first()).id == 1


async def test_empty_list(api: Api, respx_mock: respx.MockRouter) -> None:
    route = serve_pages(respx_mock, "/api/projects/", {1: project_page([], 0, False)})

    pager = await api.run(lambda c: c.projects.list())

    assert pager.total == 0
    assert pager.has_next is False
    assert await api.run(lambda c: pager.first()) is None
    assert await api.items(lambda c: pager) == []
    assert route.call_count == 1


# -- memory: a pager holds one page at a time ---------------------------------------------------


def big_task_page(first: int, count: int, total: int) -> Dict[str, Any]:
    """A page whose body is well over the size at which the parse pauses the collector."""
    text = "lorem ipsum " * 40
    tasks = [sample(Task, id=i, data={"text": text}) for i in range(first, first + count)]
    return {"tasks": tasks, "total": total, "total_annotations": 0, "total_predictions": 0}


@pytest.mark.parametrize("size", ["big", "small"])
async def test_item_iteration_frees_each_page_as_the_next_is_parsed(
    api: Api, respx_mock: respx.MockRouter, size: str
) -> None:
    per_page, total = 100, 500

    def page(number: int) -> Dict[str, Any]:
        first = (number - 1) * per_page + 1
        if size == "big":
            return big_task_page(first, per_page, total)
        return task_page(list(range(first, first + per_page)), total)

    pages = {number: page(number) for number in range(1, 6)}
    assert (len(json.dumps(pages[1])) > GC_PAUSE_BYTES) == (size == "big")
    sent: List[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(int(request.url.params["page"]))
        return httpx.Response(200, json=pages[sent[-1]])

    respx_mock.get("/api/tasks/").mock(side_effect=handler)
    # task id -> (pages requested so far, collector enabled) at the moment the task was freed
    freed: Dict[int, Any] = {}
    refs: List[Any] = []
    seen: List[int] = []

    def watch(task: Any) -> None:
        task_id = task.id
        refs.append(weakref.ref(task, lambda _: freed.setdefault(task_id, (len(sent), gc.isenabled()))))

    pager = api.client.tasks.list(project=1, page_size=per_page)
    if api.is_async:
        async for task in pager:
            watch(task)
            seen.append(task.id)
    else:
        for task in pager:
            watch(task)
            seen.append(task.id)
    assert seen == list(range(1, total + 1))
    del task, pager
    assert gc.isenabled()

    # The first page stays with the pager (pager.items). From page 2 on, every task but the last
    # one of its page (still the loop variable) is gone before the next page is used: freed
    # right after that page was requested, and, for a big page, while the collector was paused.
    for number in range(2, 5):
        page_ids = range((number - 1) * per_page + 1, number * per_page)
        assert {freed.get(i) for i in page_ids} == {(number + 1, size == "small")}, number


def test_fetch_release_drops_the_finished_page() -> None:
    """A pager built on a fetch function hands it a callable that lets go of the previous page."""

    class Body:
        pass

    alive: Dict[int, Any] = {}

    def fetch(number: int, release: Callable[[], None]) -> Page[int]:
        if number > 1:
            alive_before = {n for n, ref in alive.items() if ref() is not None}
            release()
            alive_after = {n for n, ref in alive.items() if ref() is not None}
            # page 1 is kept by the pager for .items; the page just finished is let go
            assert alive_before - alive_after == ({number - 1} if number > 2 else set())
        body = Body()
        alive[number] = weakref.ref(body)
        return Page([number * 10, number * 10 + 1], number, 8, None, body)

    assert list(SyncPager(fetch)) == [10, 11, 20, 21, 30, 31, 40, 41]


# -- the pagers on their own, with fake fetch functions -------------------------------------------


class FakeServer:
    """Pages of ``items`` per number; records which numbers were asked for."""

    def __init__(
        self, pages: Dict[int, List[int]], total: Optional[int] = None, missing: str = "404"
    ) -> None:
        self.pages = pages
        self.total = total
        self.missing = missing
        self.requested: List[int] = []

    def fetch(self, number: int, release: Callable[[], None] = lambda: None) -> Page[int]:
        self.requested.append(number)
        if number not in self.pages:
            if self.missing == "404":
                raise NotFoundError(status_code=404, method="GET", path="/fake/")
            raise AssertionError(f"page {number} should not have been requested")
        return Page(list(self.pages[number]), number, self.total, None, None)

    async def afetch(self, number: int, release: Callable[[], None] = lambda: None) -> Page[int]:
        return self.fetch(number, release)


async def collect(
    server: FakeServer, mode: str, first_page: int = 1, page_size: Optional[int] = None
) -> List[int]:
    if mode == "sync":
        return list(SyncPager(server.fetch, first_page, page_size))
    return [item async for item in AsyncPager(server.afetch, first_page, page_size)]


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


@MODES
async def test_short_page_ends_iteration_without_total(mode: str) -> None:
    server = FakeServer({1: [1, 2, 3], 2: [4, 5, 6], 3: [7]}, total=None, missing="fail")

    assert await collect(server, mode, page_size=3) == [1, 2, 3, 4, 5, 6, 7]
    assert server.requested == [1, 2, 3]


@MODES
async def test_without_total_or_page_size_only_an_empty_page_or_404_ends(mode: str) -> None:
    server = FakeServer({1: [1, 2], 2: [3]}, total=None)

    assert await collect(server, mode) == [1, 2, 3]
    assert server.requested == [1, 2, 3]


@MODES
async def test_total_with_fake_fetch(mode: str) -> None:
    server = FakeServer({2: [3, 4], 3: [5]}, total=5, missing="fail")

    assert await collect(server, mode, first_page=2, page_size=2) == [3, 4, 5]
    assert server.requested == [2, 3]


@MODES
async def test_404_from_first_fake_page_raises(mode: str) -> None:
    with pytest.raises(NotFoundError):
        await collect(FakeServer({}), mode)


@MODES
@pytest.mark.parametrize(("first_page", "page_size"), [(0, None), (1, 0), (-1, 5)])
async def test_invalid_pager_arguments(mode: str, first_page: int, page_size: Optional[int]) -> None:
    server = FakeServer({1: [1]})
    with pytest.raises(ValueError):
        await collect(server, mode, first_page, page_size)
    assert server.requested == []
