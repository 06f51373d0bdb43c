"""Brush masks to and from Label Studio's RLE (``{"format": "rle", "rle": [...]}`` region values).

A brush RLE holds an RGBA image, four values per pixel, and the alpha channel is the mask. numpy is
optional: functions accept numpy arrays or nested lists; functions returning arrays give numpy arrays
when numpy is installed (``as_array=None``), lists otherwise, and ``as_array`` forces one or the other.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from label_studio_sdk import _rle

__all__ = [
    "decode_from_annotation",
    "decode_rle",
    "encode_rle",
    "image2annotation",
    "image2rle",
    "mask2rle",
    "rle2mask",
]

CHANNELS = 4
"""Values per pixel in a brush RLE (RGBA)."""

_THRESHOLD = bytes(255 if grey > 128 else 0 for grey in range(256))
_BRUSH_TYPES = ("brushlabels", "brush")


def encode_rle(flat: Any, wordsize: int = 8, rle_sizes: Sequence[int] = (3, 4, 8, 16)) -> List[int]:
    """The RLE bytes of a flat sequence of values (a list, bytes or a 1-D numpy array)."""
    values: Any
    if isinstance(flat, (bytes, bytearray)):
        values = flat
    elif getattr(getattr(flat, "dtype", None), "str", "") == "|u1" and len(flat.shape) == 1:
        values = flat.tobytes()  # a uint8 array: skip the list of ints
    else:
        values = _flat_ints(flat)
    return list(_rle.encode(values, wordsize, rle_sizes))


def decode_rle(rle: Iterable[int], print_params: bool = False, *, as_array: Optional[bool] = None) -> Any:
    """The flat values of an RLE (RGBA-interleaved for brush masks); ``print_params`` prints the header."""
    header, values = _rle.decode(rle)
    if print_params:
        print(
            f"RLE params: {header.value_count} values {header.wordsize} word_size {list(header.rle_sizes)} rle_sizes"
        )
    if _wants_array(as_array):
        import numpy

        dtype = "uint8" if header.wordsize <= 8 else "uint16" if header.wordsize <= 16 else "uint32"
        if isinstance(values, bytearray):
            return numpy.frombuffer(bytes(values), dtype=numpy.uint8).copy()
        return numpy.array(values, dtype=dtype)
    return list(values)


def mask2rle(mask: Any) -> List[int]:
    """The RLE bytes of a 2-D mask of ints 0..255 (numpy array or list of rows): each pixel becomes RGBA
    ``(v, v, v, v)``, so the alpha channel is the mask value."""
    return list(_rle.encode_runs(_rle.byte_runs(_mask_bytes(mask), repeat=CHANNELS)))


def rle2mask(rle: Iterable[int], height: int, width: int, *, as_array: Optional[bool] = None) -> Any:
    """The ``height`` x ``width`` mask (the alpha channel) of a brush RLE: a numpy uint8 array or a list
    of rows (see the module docstring for ``as_array``)."""
    header, values = _rle.decode(rle)
    expected = height * width * CHANNELS
    if header.value_count != expected:
        raise ValueError(
            f"RLE holds {header.value_count} values, but a {height}x{width} RGBA mask needs {expected}"
        )
    alpha = bytes(values[CHANNELS - 1 :: CHANNELS])
    if _wants_array(as_array):
        import numpy

        return numpy.frombuffer(alpha, dtype=numpy.uint8).reshape(height, width).copy()
    return [list(alpha[row * width : (row + 1) * width]) for row in range(height)]


def decode_from_annotation(from_name: str, results: Iterable[Dict[str, Any]]) -> Dict[str, Any]:
    """The masks of one control's brush results, keyed ``"<from_name>-<labels joined by ->-<index>"``.

    Reads ``value.rle`` and ``value.brushlabels`` (or the legacy top-level ``rle``/``brushlabels``);
    unlabelled masks are keyed with ``no_label``. Each mask is ``rle2mask`` of the result's original size.
    """
    layers: Dict[str, Any] = {}
    counters: Dict[str, int] = {}
    for result in results:
        if str(result.get("type", "")).lower() not in _BRUSH_TYPES:
            continue
        if result.get("from_name", from_name) != from_name:
            continue
        value = result.get("value") or {}
        rle = value.get("rle", result.get("rle"))
        if rle is None:
            continue
        labels = value.get("brushlabels", result.get("brushlabels")) or []
        name = f"{from_name}-{'-'.join(labels) if labels else 'no_label'}"
        index = counters.get(name, 0)
        counters[name] = index + 1
        layers[f"{name}-{index}"] = rle2mask(
            rle, int(result["original_height"]), int(result["original_width"])
        )
    return layers


def image2rle(path: str) -> Tuple[List[int], int, int]:
    """``(rle, width, height)`` of a mask image: grey levels above 128 become 255, the rest 0."""
    from label_studio_sdk.converter._deps import require

    image_module: Any = require("PIL.Image", purpose="image2rle")
    with image_module.open(path) as image:
        grey = image.convert("L")
        width, height = grey.size
        data = grey.tobytes().translate(_THRESHOLD)
    return list(_rle.encode_runs(_rle.byte_runs(data, repeat=CHANNELS))), width, height


def image2annotation(
    path: str,
    label_name: str,
    from_name: str,
    to_name: str,
    ground_truth: bool = False,
    model_version: Optional[str] = None,
    score: Optional[float] = None,
) -> Dict[str, Any]:
    """An annotation (or, with ``model_version``, a prediction) holding one brush result of a mask image."""
    rle, width, height = image2rle(path)
    result = {
        "id": uuid.uuid4().hex[:8],
        "type": "brushlabels",
        "value": {"rle": rle, "format": "rle", "brushlabels": [label_name]},
        "origin": "manual",
        "to_name": to_name,
        "from_name": from_name,
        "image_rotation": 0,
        "original_width": width,
        "original_height": height,
    }
    if model_version is not None:
        return {"result": [result], "model_version": model_version, "score": score}
    return {"result": [result], "ground_truth": ground_truth}


# --- helpers ----------------------------------------------------------------------------------------


def _wants_array(as_array: Optional[bool]) -> bool:
    if as_array is not None:
        return as_array
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def _flat_ints(flat: Any) -> List[int]:
    values = flat.tolist() if hasattr(flat, "tolist") else list(flat)
    if values and isinstance(values[0], list):
        raise ValueError("encode_rle takes a flat (1-D) sequence; use mask2rle for a 2-D mask")
    return values


def _mask_bytes(mask: Any) -> bytes:
    """The pixels of a 2-D mask, row by row, one byte each; a ValueError for anything else."""
    if hasattr(mask, "shape") and hasattr(mask, "dtype"):
        return _array_bytes(mask)
    rows = list(mask)
    width = len(rows[0]) if rows and hasattr(rows[0], "__len__") else 0
    chunks = []
    for number, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not hasattr(row, "__len__") or len(row) != width:
            raise ValueError(f"mask must be 2-D with rows of equal length; row {number} is {row!r:.40}")
        try:
            chunks.append(bytes(row))
        except (TypeError, ValueError):
            bad = next(item for item in row if not (isinstance(item, int) and 0 <= item <= 255))
            raise ValueError(f"mask values must be ints 0..255; row {number} holds {bad!r}") from None
    return b"".join(chunks)


def _array_bytes(mask: Any) -> bytes:
    if len(mask.shape) != 2:
        raise ValueError(f"mask must be a 2-D array (height, width), not of shape {tuple(mask.shape)}")
    kind = mask.dtype.kind
    if kind == "b":
        raise ValueError("mask must hold ints 0..255, not booleans: use mask.astype('uint8') * 255")
    if kind not in "ui":
        raise ValueError(f"mask must hold ints 0..255, not {mask.dtype}")
    if mask.size and (int(mask.min()) < 0 or int(mask.max()) > 255):
        raise ValueError(f"mask values must be 0..255, found {int(mask.min())}..{int(mask.max())}")
    return bytes(mask.astype("uint8").tobytes(order="C"))
