"""A pager: every item of a page-number list, one page in memory at a time (see ``core/_pages.py``)."""

from __future__ import annotations

from typing import Any, AsyncIterator, Awaitable, Callable, Generator, Generic, List, Optional, TypeVar

from .._pages import Page, PageCounter, nothing_to_release
from ..errors import NotFoundError, UsageError

T = TypeVar("T")


class AsyncPager(Generic[T]):
    """Every item of a list, page by page. Iterate it for items, ``iter_pages()`` for pages.

    The sync pager fetches its first page when it is made, raising any error there. The async one
    fetches it on first use: ``async for`` it, or ``await`` it to fetch the first page now.
    """

    def __init__(
        self,
        fetch_page: Callable[[int, Callable[[], None]], Awaitable[Page[T]]],
        first_page: int = 1,
        page_size: Optional[int] = None,
    ) -> None:
        self._fetch_page = fetch_page
        self._first_number = first_page
        self._page_size = page_size
        PageCounter(first_page, page_size)  # refuse bad arguments now, not at the first fetch
        self._first: Optional[Page[T]] = None
        # unasync: sync-only
        # self._first_page()
        # unasync: end

    async def _first_page(self) -> Page[T]:
        if self._first is None:
            counter = PageCounter(self._first_number, self._page_size)
            self._first = counter.start(await self._fetch_page(self._first_number, nothing_to_release))
        return self._first

    # unasync: async-only
    def __await__(self) -> Generator[Any, None, AsyncPager[T]]:
        return self._loaded().__await__()

    async def _loaded(self) -> AsyncPager[T]:
        await self._first_page()
        return self

    # unasync: end
    def _require_first(self) -> Page[T]:
        if self._first is None:  # only an async pager that was not awaited yet
            raise UsageError("await the pager (or start iterating) before reading this property")
        return self._first

    @property
    def total(self) -> Optional[int]:
        """How many items the server says the whole list has (None when it does not say)."""
        return self._require_first().total

    @property
    def items(self) -> List[T]:
        """The items of the first page."""
        return self._require_first().items

    @property
    def has_next(self) -> bool:
        """Whether pages follow the first one."""
        return self._require_first().has_next

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        """Pages from the first one on; each is fetched when the previous one is done."""
        counter = PageCounter(self._first_number, self._page_size)
        page = counter.start(await self._first_page())
        while True:
            yield page
            if not page.has_next:
                return
            number = page.number + 1
            # The finished page goes to the fetch, which drops it once the next one is parsed
            # (see core/_pages.py): only that hand-off keeps it alive now.
            finished = [page]
            del page
            try:
                page = counter.add(await self._fetch_page(number, finished.clear))
            except NotFoundError:
                return  # past the last page
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
        return f"{type(self).__name__}(total={self._first.total if self._first else None}, first_page={self._first!r})"
