"""Blocking work (disk writes, parsing a table) in the async runtime goes to a worker thread, so the
event loop keeps running; the generated sync twin of the same code calls it in place."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

R = TypeVar("R")


async def to_thread(function: Callable[..., R], *args: Any) -> R:
    """``function(*args)`` in a worker thread (what async code awaits)."""
    import asyncio  # only async code gets here

    return await asyncio.to_thread(function, *args)


def in_place(function: Callable[..., R], *args: Any) -> R:
    """``function(*args)`` right here (what the sync twin of ``await to_thread(...)`` becomes)."""
    return function(*args)
