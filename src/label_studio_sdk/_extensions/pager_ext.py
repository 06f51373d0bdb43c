"""Compatibility names for code written against earlier SDK releases.

Those releases wrapped their pagers in ``SyncPagerExt`` / ``AsyncPagerExt`` to end iteration on the 404
that Label Studio sends past the last page. Our pagers stop before that page (``next: null``, ``total``
reached, or a short or empty page) and still treat a stray 404 as the end, so the extension classes are
the pagers themselves.
"""

from __future__ import annotations

from ..core.pagination import AsyncPager, SyncPager

SyncPagerExt = SyncPager
AsyncPagerExt = AsyncPager

__all__ = ["AsyncPagerExt", "SyncPagerExt"]
