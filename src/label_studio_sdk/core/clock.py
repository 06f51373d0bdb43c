"""Time, in one place: the sync and async runtime wait and measure through this module, so tests
replace ``sleep``/``async_sleep``/``now`` here once for every retry, poll and deadline."""

from __future__ import annotations

import time


def sleep(seconds: float) -> None:
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    import asyncio  # here, not at the top: sync programs never pay for importing asyncio

    await asyncio.sleep(seconds)


def now() -> float:
    """Seconds on a clock that only moves forward (for deadlines, not for dates)."""
    return time.monotonic()
