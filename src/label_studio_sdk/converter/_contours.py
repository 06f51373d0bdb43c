"""Outer outlines of the regions of a binary mask, without OpenCV.

A region is a set of non-zero pixels connected through any of their 8 neighbours. Its outline is traced
through the centres of its border pixels, starting at its top-left pixel and going counterclockwise on
screen (down the left side first), by the border following of Suzuki and Abe (1985), the method OpenCV's
``findContours`` implements. Points on a straight horizontal, vertical or diagonal stretch are dropped, so
only the corners remain (OpenCV's "simple" approximation); a one-pixel-wide stroke is walked there and
back, so its outline passes through the same points twice.

Only outermost outlines are given: a hole is part of the region it lies in (its outline does not go round
it), and a region lying inside another's hole is merged into that one. ``Outline.area`` counts the mask's
own pixels inside the outline, so holes do not count but regions nested in them do.

The work on pixels is done row by row on bytes (runs found by ``re``, joined with union-find), so pure
Python stays fast on image-sized masks; only the border tracing visits single pixels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple, Union

Point = Tuple[int, int]
"""``(x, y)`` of a pixel centre."""

MaskBytes = Union[bytes, bytearray, memoryview]

# Chain codes as OpenCV numbers them: 0 is +x and each step turns 45 degrees counterclockwise on screen (y down).
_STEPS: Tuple[Point, ...] = ((1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1))
_WEST = 4
_BINARY = bytes([0] + [1] * 255)
_RUNS = re.compile(rb"(\x00+)|(\x01+)")


@dataclass(frozen=True)
class Outline:
    """The outer outline of one region: corner points, the pixel extent and the number of mask pixels inside."""

    points: Tuple[Point, ...]
    bbox: Tuple[int, int, int, int]
    """``(x, y, width, height)`` of the pixels, so a single pixel is ``(x, y, 1, 1)``."""
    area: int


class _Sets:
    """Union-find over run numbers."""

    def __init__(self) -> None:
        self.parent: List[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, first: int, second: int) -> None:
        first, second = self.find(first), self.find(second)
        if first != second:
            self.parent[max(first, second)] = min(first, second)


# A run: (start, end exclusive, set number, is foreground).
_Run = Tuple[int, int, int, bool]


def _join_rows(sets: _Sets, above: Sequence[_Run], below: Sequence[_Run], reach: int) -> None:
    """Join the runs of one kind in two neighbouring rows; ``reach`` 1 joins runs that only touch diagonally."""
    i = j = 0
    while i < len(above) and j < len(below):
        top_start, top_end, top_set, _ = above[i]
        start, end, number, _ = below[j]
        if top_start < end + reach and start < top_end + reach:
            sets.union(top_set, number)
        # The run ending first can meet no later run of the other row.
        if top_end < end:
            i += 1
        else:
            j += 1


def _pixel_runs(mask: MaskBytes, width: int, height: int) -> Tuple[_Sets, List[List[_Run]]]:
    """The runs of every row, in sets of the filled regions: background enclosed by a region joins it."""
    sets = _Sets()
    outside = sets.add()
    rows: List[List[_Run]] = []
    previous_foreground: List[_Run] = []
    previous_background: List[_Run] = []
    view = memoryview(mask).cast("B")
    for y in range(height):
        line = bytes(view[y * width : (y + 1) * width]).translate(_BINARY)
        runs = [(m.start(), m.end(), sets.add(), m.lastindex == 2) for m in _RUNS.finditer(line)]
        edge_row = y == 0 or y == height - 1
        for start, end, number, foreground in runs:
            if not foreground and (edge_row or start == 0 or end == width):
                sets.union(outside, number)
        foreground_runs = [run for run in runs if run[3]]
        background_runs = [run for run in runs if not run[3]]
        # Foreground touches through its 8 neighbours, so background only through edges (the dual connectivity).
        if rows:
            _join_rows(sets, previous_foreground, foreground_runs, 1)
            _join_rows(sets, previous_background, background_runs, 0)
        previous_foreground, previous_background = foreground_runs, background_runs
        rows.append(runs)
    # Only now is it known which background is outside; a hole joins the region on its left and right
    # (the pixel beyond the rightmost end of a hole always belongs to the region enclosing it).
    for runs in rows:
        for index, (_, _, number, foreground) in enumerate(runs):
            if foreground or sets.find(number) == sets.find(outside):
                continue
            sets.union(number, runs[index - 1][2])
            sets.union(number, runs[index + 1][2])
    return sets, rows


def _is_set(lines: Sequence[bytes], width: int, height: int, x: int, y: int) -> bool:
    return 0 <= x < width and 0 <= y < height and lines[y][x] != 0


def trace(lines: Sequence[bytes], width: int, height: int, start: Point) -> Tuple[Point, ...]:
    """The simplified outer border through ``start``, the top-left pixel of its region (rows of 0/1 bytes)."""
    x0, y0 = start
    # The first neighbour found clockwise from the west is where the walk will come back from.
    for turn in range(8):
        code = (_WEST - turn) % 8
        if _is_set(lines, width, height, x0 + _STEPS[code][0], y0 + _STEPS[code][1]):
            last = (x0 + _STEPS[code][0], y0 + _STEPS[code][1])
            closing = code ^ 4  # the step from ``last`` back to the start
            break
    else:
        return (start,)
    points: List[Point] = []
    previous_step = closing
    x, y = start
    back = code  # the direction from the current pixel to the one it was reached from
    while True:
        # Counterclockwise from just after the pixel we came from; that pixel itself is tried last.
        for turn in range(1, 9):
            step = (back + turn) % 8
            nx, ny = x + _STEPS[step][0], y + _STEPS[step][1]
            if _is_set(lines, width, height, nx, ny):
                break
        if step != previous_step:
            points.append((x, y))
            previous_step = step
        if (nx, ny) == start and (x, y) == last:
            return tuple(points)
        back = step ^ 4
        x, y = nx, ny


def outlines(mask: MaskBytes, width: int, height: int) -> List[Outline]:
    """The outlines of the regions of ``mask`` (``height`` rows of ``width`` bytes, non-zero = set), bottom-most first."""
    if width < 0 or height < 0 or len(memoryview(mask).cast("B")) != width * height:
        raise ValueError(f"a {width}x{height} mask needs {max(width, 0) * max(height, 0)} bytes")
    sets, rows = _pixel_runs(mask, width, height)
    # root -> [start x, start y, min x, max x exclusive, min y, max y, area]; dicts keep raster order.
    regions: Dict[int, List[int]] = {}
    for y, runs in enumerate(rows):
        for start, end, number, foreground in runs:
            if not foreground:
                continue
            root = sets.find(number)
            region = regions.get(root)
            if region is None:
                regions[root] = [start, y, start, end, y, y, end - start]
            else:
                region[2] = min(region[2], start)
                region[3] = max(region[3], end)
                region[5] = y
                region[6] += end - start
    if not regions:
        return []
    view = memoryview(mask).cast("B")
    lines = [bytes(view[y * width : (y + 1) * width]) for y in range(height)]
    found = [
        Outline(
            points=trace(lines, width, height, (x0, y0)),
            bbox=(min_x, min_y, end_x - min_x, max_y - min_y + 1),
            area=area,
        )
        for x0, y0, min_x, end_x, min_y, max_y, area in regions.values()
    ]
    found.reverse()  # OpenCV lists the region found last first
    return found
