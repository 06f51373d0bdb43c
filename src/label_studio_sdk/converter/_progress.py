"""A one-line progress display for the ``label-studio-converter`` command: tasks read so far and the rate.

It redraws one terminal line in place with a carriage return, at most every ``interval`` seconds, so a
fast export does not spend its time writing to the terminal. Messages printed while it shows (warnings)
go through ``clear()`` and ``redraw()`` so that they do not end up in the middle of the line.
"""

from __future__ import annotations

import shutil
import threading
import time
from typing import Callable, Optional, TextIO

DEFAULT_INTERVAL = 0.1
"""Seconds between redraws (about ten a second)."""


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is an interactive terminal (a closed or odd stream counts as not one)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class ProgressBar:
    """Shows ``<label>: <n> tasks read, <rate> tasks/s`` on one line of ``stream``; call it with the count."""

    def __init__(
        self,
        stream: TextIO,
        *,
        label: str = "reading tasks",
        interval: float = DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        width: Optional[int] = None,
    ) -> None:
        self.stream = stream
        self.label = label
        self.interval = interval
        self.clock = clock
        self.width = width
        self.count = 0
        self.passes = 1
        self.closed = False
        self._started = clock()
        self._pass_started = self._started
        self._last_draw: Optional[float] = None
        self._shown = 0  # characters of the line now on screen
        self._lock = threading.Lock()

    def __call__(self, count: int) -> None:
        self.update(count)

    def update(self, count: int) -> None:
        """Record that ``count`` tasks have been read; redraw when the last redraw is old enough."""
        with self._lock:
            now = self.clock()
            if count < self.count:
                # Formats that read the input twice (CSV) start counting again.
                self.passes += 1
                self._pass_started = now
            self.count = count
            if self.closed:
                return
            if self._last_draw is None or now - self._last_draw >= self.interval:
                self._draw(now)

    def text(self, now: Optional[float] = None) -> str:
        """The line as it is drawn now."""
        elapsed = (self.clock() if now is None else now) - self._pass_started
        rate = f"{self.count / elapsed:,.0f} tasks/s" if elapsed > 0 else "- tasks/s"
        noun = "task" if self.count == 1 else "tasks"
        line = f"{self.label}: {self.count:,} {noun} read, {rate}"
        if self.passes > 1:
            line += f" (pass {self.passes})"
        return line

    def _columns(self) -> int:
        if self.width is not None:
            return self.width
        return shutil.get_terminal_size(fallback=(80, 24)).columns

    def _draw(self, now: float) -> None:
        # One column short of the width: a full line makes some terminals wrap.
        line = self.text(now)[: max(self._columns() - 1, 1)]
        self.stream.write("\r" + line.ljust(self._shown))
        self.stream.flush()
        self._shown = len(line)
        self._last_draw = now

    def clear(self) -> None:
        """Erase the line, so that a message can be written on a clean line."""
        with self._lock:
            self._erase()

    def _erase(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0

    def redraw(self) -> None:
        """Draw the line again now (after a message was written)."""
        with self._lock:
            if not self.closed:
                self._draw(self.clock())

    def close(self) -> None:
        """Erase the line and stop drawing; the count stays readable."""
        with self._lock:
            self._erase()
            self.closed = True

    @property
    def elapsed(self) -> float:
        """Seconds since the bar was made."""
        return self.clock() - self._started
