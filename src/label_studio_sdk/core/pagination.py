"""Iterating page-number lists (``?page=N&page_size=M``) as one lazy stream of items.

``AsyncPager`` is written in ``core/_async/pager.py``; ``SyncPager`` is its generated sync twin.
Pages, and the rule for when a page is the last, are ``core/_pages.py``.
"""

from ._async.pager import AsyncPager
from ._pages import Page, PageFields
from ._sync.pager import SyncPager

__all__ = ["AsyncPager", "Page", "PageFields", "SyncPager"]
