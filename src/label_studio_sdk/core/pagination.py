"""Iterating page-number lists (``?page=N&page_size=M``) as one lazy stream of items.

A pager keeps one page in memory. It stops when the page says there is no next page
(``next: null``), when ``total`` items have been seen, on a short or empty page, and, should
the server still answer past the end, on the 404 Label Studio sends there. Stopping never needs
that 404.

A fetch gets the page number and a ``release`` callable, to call as soon as the new page is
parsed: it drops the page the pager has finished with. The HTTP client calls it while the cyclic
collector is still paused for the parse, so the collector's count of new objects falls by the
old page as it rises by the new one and a steady iteration never makes it rescan a live page
(that rescanning cost a fifth of the throughput). A fetch that never calls it still works.
"""

from __future__ import annotations

from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Generic,
    Iterator,
    List,
    Optional,
    TypeVar,
)

from .errors import InvalidArgumentError, NotFoundError

T = TypeVar("T")


class Page(Generic[T]):
    """One page of a list: its ``items``, its 1-based ``number``, the server's ``total`` when it
    says, whether another page follows (``has_next``) and the whole parsed ``response``."""

    __slots__ = ("has_next", "items", "next_hint", "number", "response", "total")

    def __init__(
        self, items: List[T], number: int, total: Optional[int], next_hint: Optional[bool], response: Any
    ):
        self.items = items
        self.number = number
        self.total = total
        self.next_hint = next_hint
        self.has_next = False
        self.response = response

    def __repr__(self) -> str:
        return f"Page(number={self.number}, items={len(self.items)}, total={self.total}, has_next={self.has_next})"


class PageFields:
    """Where a page response keeps its items, its total and its next link (Python attribute names)."""

    __slots__ = ("items", "next", "total")

    def __init__(self, items: str, total: Optional[str] = None, next: Optional[str] = None) -> None:
        self.items = items
        self.total = total
        self.next = next

    def page(self, body: Any, number: int) -> Page[Any]:
        items = getattr(body, self.items, None) or []
        total = getattr(body, self.total, None) if self.total else None
        next_hint = getattr(body, self.next, None) is not None if self.next else None
        return Page(list(items), number, total, next_hint, body)


class _PageCounter:
    """Decides ``has_next`` for each page from what the pages have said so far."""

    def __init__(self, first_number: int, page_size: Optional[int]) -> None:
        if first_number < 1:
            raise InvalidArgumentError("page numbers start at 1")
        if page_size is not None and page_size < 1:
            raise InvalidArgumentError("page_size must be 1 or more")
        self.first_number = first_number
        self.page_size = page_size
        self.offset = 0
        self.seen = 0

    def start(self, page: Page[Any]) -> Page[Any]:
        # Items before the first page we fetched count towards `total`.
        self.offset = (self.first_number - 1) * (self.page_size or len(page.items))
        return self.add(page)

    def add(self, page: Page[Any]) -> Page[Any]:
        self.seen += len(page.items)
        if not page.items:
            page.has_next = False
        elif page.next_hint is not None:
            page.has_next = page.next_hint
        elif page.total is not None:
            page.has_next = self.offset + self.seen < page.total
        elif self.page_size is not None:
            page.has_next = len(page.items) >= self.page_size
        else:
            page.has_next = True
        return page


def _nothing_to_release() -> None:
    pass


class SyncPager(Generic[T]):
    """Every item of a list, page by page. Iterate it for items, ``iter_pages()`` for pages."""

    def __init__(
        self,
        fetch_page: Callable[[int, Callable[[], None]], Page[T]],
        first_page: int = 1,
        page_size: Optional[int] = None,
    ):
        self._fetch_page = fetch_page
        self._first_number = first_page
        self._page_size = page_size
        counter = _PageCounter(first_page, page_size)
        self._first = counter.start(fetch_page(first_page, _nothing_to_release))

    @property
    def total(self) -> Optional[int]:
        """How many items the server says the whole list has (None when it does not say)."""
        return self._first.total

    @property
    def items(self) -> List[T]:
        """The items of the first page."""
        return self._first.items

    @property
    def has_next(self) -> bool:
        """Whether pages follow the first one."""
        return self._first.has_next

    def iter_pages(self) -> Iterator[Page[T]]:
        """Pages from the first one on; each is fetched when the previous one is done."""
        counter = _PageCounter(self._first_number, self._page_size)
        page = counter.start(self._first)
        while True:
            yield page
            if not page.has_next:
                return
            number = page.number + 1
            # The finished page goes to the fetch, which drops it once the next one is parsed
            # (see the module docstring): only that hand-off keeps it alive now.
            finished = [page]
            del page
            try:
                page = counter.add(self._fetch_page(number, finished.clear))
            except NotFoundError:
                return  # past the last page
            if not page.items:
                return

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            items = page.items
            del page  # hold no page while the next one is fetched
            yield from items
            del items

    def to_list(self) -> List[T]:
        """All items of all pages in one list."""
        return list(self)

    def first(self) -> Optional[T]:
        """The first item, or None for an empty list; fetches nothing more."""
        return self._first.items[0] if self._first.items else None

    def __repr__(self) -> str:
        return f"SyncPager(total={self.total}, first_page={self._first!r})"


class AsyncPager(Generic[T]):
    """The async twin of SyncPager: ``async for item in pager``, or ``await`` it to fetch the first page."""

    def __init__(
        self,
        fetch_page: Callable[[int, Callable[[], None]], Awaitable[Page[T]]],
        first_page: int = 1,
        page_size: Optional[int] = None,
    ):
        self._fetch_page = fetch_page
        self._first_number = first_page
        self._page_size = page_size
        _PageCounter(first_page, page_size)  # validate arguments now, not at the first await
        self._first: Optional[Page[T]] = None

    async def _first_page(self) -> Page[T]:
        if self._first is None:
            counter = _PageCounter(self._first_number, self._page_size)
            self._first = counter.start(await self._fetch_page(self._first_number, _nothing_to_release))
        return self._first

    def __await__(self) -> Generator[Any, None, AsyncPager[T]]:
        return self._loaded().__await__()

    async def _loaded(self) -> AsyncPager[T]:
        await self._first_page()
        return self

    def _require_first(self) -> Page[T]:
        if self._first is None:
            raise RuntimeError("await the pager (or start iterating) before reading this property")
        return self._first

    @property
    def total(self) -> Optional[int]:
        """How many items the server says the whole list has; available once the pager was awaited."""
        return self._require_first().total

    @property
    def items(self) -> List[T]:
        """The items of the first page; available once the pager was awaited."""
        return self._require_first().items

    @property
    def has_next(self) -> bool:
        """Whether pages follow the first one; available once the pager was awaited."""
        return self._require_first().has_next

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        """Pages from the first one on; each is fetched when the previous one is done."""
        counter = _PageCounter(self._first_number, self._page_size)
        page = counter.start(await self._first_page())
        while True:
            yield page
            if not page.has_next:
                return
            number = page.number + 1
            finished = [page]  # dropped by the fetch once the next page is parsed
            del page
            try:
                page = counter.add(await self._fetch_page(number, finished.clear))
            except NotFoundError:
                return
            if not page.items:
                return

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            items = page.items
            del page  # hold no page while the next one is fetched
            for item in items:
                yield item
            del items

    async def to_list(self) -> List[T]:
        """All items of all pages in one list."""
        return [item async for item in self]

    async def first(self) -> Optional[T]:
        """The first item, or None for an empty list; fetches nothing past the first page."""
        page = await self._first_page()
        return page.items[0] if page.items else None

    def __repr__(self) -> str:
        return f"AsyncPager(first_page={self._first!r})"
