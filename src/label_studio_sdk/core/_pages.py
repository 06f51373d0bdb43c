"""Pages of page-number lists (``?page=N&page_size=M``) and when one is the last; the pagers
that iterate them are ``core/_async/pager.py`` and its generated sync twin.

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
    Generic,
    List,
    Optional,
    TypeVar,
)

from .errors import InvalidArgumentError

T = TypeVar("T")


class Page(Generic[T]):
    """One page of a list: its ``items``, its 1-based ``number``, the server's ``total`` when it
    says, whether another page follows (``has_next``) and the whole parsed ``response``."""

    __slots__ = ("has_next", "items", "next_hint", "number", "response", "total")

    items: List[T]
    number: int
    total: Optional[int]
    next_hint: Optional[bool]
    has_next: bool
    response: Any

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

    items: str
    total: Optional[str]
    next: Optional[str]

    def __init__(self, items: str, total: Optional[str] = None, next: Optional[str] = None) -> None:
        self.items = items
        self.total = total
        self.next = next

    def page(self, body: Any, number: int) -> Page[Any]:
        """Page ``number`` of a parsed page response."""
        items = getattr(body, self.items, None) or []
        total = getattr(body, self.total, None) if self.total else None
        next_hint = getattr(body, self.next, None) is not None if self.next else None
        return Page(list(items), number, total, next_hint, body)


class PageCounter:
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


def nothing_to_release() -> None:
    pass
