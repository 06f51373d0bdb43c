"""Region geometry: Label Studio percentages to pixels, rotated rectangles, YOLO boxes and polygons.

Label Studio stores a rectangle as its top-left corner, width and height in percent of the image, plus a
``rotation`` in degrees (clockwise on screen) around that top-left corner. The rotation is applied in pixel
space, so corners are computed in pixels whenever the image size (``original_width``/``original_height``)
is known; without it the image is taken as square.
"""

from __future__ import annotations

import math
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

Point = Tuple[float, float]
Box = Tuple[float, float, float, float]


def as_number(value: Any) -> Optional[float]:
    """A coordinate as a float (numpy scalars and numeric strings too); None for bools and non-numbers."""
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def rectangle_of(label: Mapping[str, Any]) -> Optional[Box]:
    """``(x, y, width, height)`` in percent, or None when a field is missing or not a number."""
    numbers = [as_number(label.get(key)) for key in ("x", "y", "width", "height")]
    if any(number is None for number in numbers):
        return None
    x, y, width, height = (number or 0.0 for number in numbers)
    return x, y, width, height


def image_size_of(label: Mapping[str, Any]) -> Optional[Tuple[float, float]]:
    """The ``(original_width, original_height)`` of a result, when both are positive numbers."""
    width = as_number(label.get("original_width"))
    height = as_number(label.get("original_height"))
    if width is None or height is None or width <= 0 or height <= 0:
        return None
    return width, height


def rotation_of(label: Mapping[str, Any]) -> float:
    return as_number(label.get("rotation")) or 0.0


def corners(x: float, y: float, width: float, height: float, rotation: float) -> List[Point]:
    """The four corners of a rectangle rotated by ``rotation`` degrees around its top-left corner.

    Order: top-left, top-right, bottom-right, bottom-left of the unrotated rectangle. Units are whatever
    ``x``/``y``/``width``/``height`` are in, so pass pixels for a non-square image.
    """
    if not rotation:
        return [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
    radians = math.radians(rotation)
    cos, sin = math.cos(radians), math.sin(radians)
    offsets = ((0.0, 0.0), (width, 0.0), (width, height), (0.0, height))
    return [(x + dx * cos - dy * sin, y + dx * sin + dy * cos) for dx, dy in offsets]


def pixel_corners(label: Mapping[str, Any], size: Tuple[float, float]) -> Optional[List[Point]]:
    """The corners of a (possibly rotated) LS rectangle in pixels of an image of ``size``."""
    box = rectangle_of(label)
    if box is None:
        return None
    image_width, image_height = size
    x, y, width, height = box
    # x / 100 * W, not x * W / 100: the same floats as earlier releases, digit for digit.
    return corners(
        x / 100 * image_width,
        y / 100 * image_height,
        width / 100 * image_width,
        height / 100 * image_height,
        rotation_of(label),
    )


def bounding_box(points: Iterable[Point]) -> Box:
    """``(x_min, y_min, width, height)`` of points."""
    xs, ys = zip(*points)
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def rotated_rectangle(label: Mapping[str, Any]) -> Optional[Box]:
    """The axis-aligned box, in percent, that holds an LS rectangle after its rotation (None without x/y/size).

    Computed in pixels when the result carries the image size, so it is right for non-square images.
    """
    box = rectangle_of(label)
    if box is None:
        return None
    if not rotation_of(label):
        return box
    size = image_size_of(label) or (100.0, 100.0)
    points = pixel_corners(label, size)
    assert points is not None
    x, y, width, height = bounding_box(points)
    scale_x, scale_y = 100 / size[0], 100 / size[1]
    return x * scale_x, y * scale_y, width * scale_x, height * scale_y


def convert_annotation_to_yolo(label: Mapping[str, Any]) -> Optional[Box]:
    """``(x_center, y_center, width, height)`` normalised to 0..1 from an LS rectangle; None when incomplete.

    The rotation is not applied (plain YOLO boxes are axis-aligned); use the OBB form for rotated boxes.
    """
    box = rectangle_of(label)
    if box is None:
        return None
    x, y, width, height = box
    return (x + width / 2) / 100, (y + height / 2) / 100, width / 100, height / 100


def convert_annotation_to_yolo_obb(label: Mapping[str, Any], normalize: bool = True) -> Optional[List[Point]]:
    """The four corners of an LS rectangle, normalised to 0..1 (or in pixels); None without the image size."""
    size = image_size_of(label)
    if size is None or rectangle_of(label) is None:
        return None
    points = pixel_corners(label, size)
    assert points is not None
    if not normalize:
        return points
    return [(px / size[0], py / size[1]) for px, py in points]


def _pairs(values: Any) -> List[Point]:
    """Points from ``[x1, y1, ..., x4, y4]``, ``[[x1, y1], ...]`` or a numpy array of either shape."""
    items = values.tolist() if hasattr(values, "tolist") else list(values)
    if items and isinstance(items[0], (list, tuple)):
        return [(float(point[0]), float(point[1])) for point in items]
    flat = [float(value) for value in items]
    if len(flat) % 2:
        raise ValueError(f"expected pairs of coordinates, got {len(flat)} numbers")
    return list(zip(flat[0::2], flat[1::2]))


def convert_yolo_obb_to_annotation(
    xyxyxyxy: Any, original_width: float, original_height: float
) -> Dict[str, float]:
    """An LS rectangle (percent ``x``, ``y``, ``width``, ``height``, ``rotation``) from four corners in pixels.

    The corners are in order around the box, as YOLO OBB models give them; the first one becomes the
    top-left corner the rotation turns around.
    """
    points = _pairs(xyxyxyxy)
    if len(points) != 4:
        raise ValueError(f"an oriented box has 4 corners, got {len(points)}")
    if original_width <= 0 or original_height <= 0:
        raise ValueError("original_width and original_height must be positive")
    (x0, y0), (x1, y1), _, (x3, y3) = points
    width = math.hypot(x1 - x0, y1 - y0)
    height = math.hypot(x3 - x0, y3 - y0)
    rotation = math.degrees(math.atan2(y1 - y0, x1 - x0)) % 360
    return {
        "x": x0 / original_width * 100,
        "y": y0 / original_height * 100,
        "width": width / original_width * 100,
        "height": height / original_height * 100,
        "rotation": rotation,
        "original_width": original_width,
        "original_height": original_height,
    }


def get_polygon_area(x: Sequence[float], y: Sequence[float]) -> float:
    """The area of a simple polygon (shoelace formula), whatever the direction of its points."""
    count = len(x)
    twice = sum(x[i] * y[(i + 1) % count] - x[(i + 1) % count] * y[i] for i in range(count))
    return abs(twice) / 2


def get_polygon_bounding_box(x: Sequence[float], y: Sequence[float]) -> List[float]:
    """``[x_min, y_min, width, height]`` of a polygon."""
    x_min, y_min = min(x), min(y)
    return [x_min, y_min, max(x) - x_min, max(y) - y_min]


def polygon_points(label: Mapping[str, Any]) -> Optional[List[Point]]:
    """The ``points`` of an LS polygon as (x, y) percent pairs; None when missing or malformed."""
    points = label.get("points")
    if not isinstance(points, list) or len(points) < 3:
        return None
    pairs: List[Point] = []
    for point in points:
        if not isinstance(point, (list, tuple)) or len(point) < 2:
            return None
        px, py = as_number(point[0]), as_number(point[1])
        if px is None or py is None:
            return None
        pairs.append((px, py))
    return pairs
