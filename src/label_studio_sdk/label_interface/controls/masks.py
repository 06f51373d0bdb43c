"""Mask controls: brush and magic-wand strokes (RLE) and bitmasks (an image data URL).

A brush value is ``{format: "rle", rle: [bytes...]}``: ``rle`` is the Label Studio run-length encoding
of the RGBA mask, so each item is a byte (0..255) and the list is never empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Sequence, Tuple, Type

from label_studio_sdk.label_interface.controls.base import ControlTag
from label_studio_sdk.label_interface.controls.geometry import NULLABLE_STRING, RegionControlTag, obj

if TYPE_CHECKING:
    import random

BRUSH_FIELDS = obj(
    {
        "format": {"type": "string", "default": "rle"},
        "rle": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 255}, "minItems": 1},
    },
    ["rle"],
)
"""``format`` (any string, "rle" when left out) and ``rle``: a non-empty list of bytes."""

BRUSH_SAMPLE_SCHEMA = obj(
    {
        "format": {"type": "string", "enum": ["rle"]},
        "rle": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 255}, "minItems": 1},
    },
    ["format", "rle"],
)

BITMASK_FIELDS = obj(
    {"imageDataURL": {"type": "string"}, "format": {"type": NULLABLE_STRING, "default": None}},
    ["imageDataURL"],
)
BITMASK_SAMPLE_SCHEMA = obj(
    {"imageDataURL": {"type": "string"}, "format": {"type": "string"}}, ["imageDataURL"]
)

_MAX_RUN = 1 << 16


def encode_rle_runs(runs: Sequence[Tuple[int, int]]) -> List[int]:
    """The Label Studio RLE bytes of a mask given as ``(length, byte value)`` runs (each length 1..65536)."""
    from label_studio_sdk import _rle  # lazily: only samples need the codec

    for length, _ in runs:
        if not 1 <= length <= _MAX_RUN:
            raise ValueError(f"a run must be 1..{_MAX_RUN} values long, not {length}")
    return list(_rle.encode_runs((byte, length) for length, byte in runs))


def sample_rle(rng: random.Random, side: int = 64) -> List[int]:
    """A short RLE of a ``side`` x ``side`` RGBA mask with one painted stretch of pixels."""
    pixels = side * side
    start = rng.randint(1, pixels // 2)
    painted = rng.randint(1, pixels // 4)
    rest = pixels - start - painted
    runs = [(start * 4, 0), (painted * 4, 255)]
    if rest:
        runs.append((rest * 4, 0))
    return encode_rle_runs(runs)


class BrushTag(RegionControlTag):
    """``<Brush>``: a painted mask, ``{format: "rle", rle: [...]}``."""

    __slots__ = ()

    _value_fields = BRUSH_FIELDS
    _sample_schema = BRUSH_SAMPLE_SCHEMA

    def sample_fields(self, rng: random.Random) -> Dict[str, Any]:
        return {"format": "rle", "rle": sample_rle(rng)}


class BrushLabelsTag(BrushTag):
    """``<BrushLabels>``: a labelled mask; labels in ``value.brushlabels``."""

    __slots__ = ()

    _label_attr_name = "brushlabels"


class MagicWandTag(BrushTag):
    """``<MagicWand>``: a mask made by flood fill; its value is a brush value."""

    __slots__ = ()


def blank_png_data_url(width: int = 1, height: int = 1) -> str:
    """A ``data:image/png;base64,...`` URL of a fully transparent RGBA image."""
    import base64
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x00" * (4 * width) for _ in range(height))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class BitmaskTag(RegionControlTag):
    """``<Bitmask>``: a mask carried as an image, ``{imageDataURL, format}``."""

    __slots__ = ()

    _value_fields = BITMASK_FIELDS
    _sample_schema = BITMASK_SAMPLE_SCHEMA

    def sample_fields(self, rng: random.Random) -> Dict[str, Any]:
        side = rng.randint(1, 4)
        return {"imageDataURL": blank_png_data_url(side, side)}


class BitmaskLabelsTag(BitmaskTag):
    """``<BitmaskLabels>``: a labelled bitmask; labels in ``value.bitmasklabels``."""

    __slots__ = ()

    _label_attr_name = "bitmasklabels"


TAGS: Dict[str, Type[ControlTag]] = {
    "brush": BrushTag,
    "brushlabels": BrushLabelsTag,
    "magicwand": MagicWandTag,
    "bitmask": BitmaskTag,
    "bitmasklabels": BitmaskLabelsTag,
}
"""Lowercased XML tag -> class, for this family."""
