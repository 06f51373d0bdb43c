"""The BRUSH_TO_NUMPY and BRUSH_TO_PNG exports: one mask file per brush region.

Each region of each annotation becomes ``task-<task id>-annotation-<annotation id>-by-<annotator>-
<control name>-<labels joined by ->-<n>`` with ``.npy`` (a 2-D uint8 array) or ``.png`` (an 8-bit grey
image). The mask is the alpha channel of the region's RLE, ``original_height`` rows of ``original_width``
values; ``n`` counts the regions of one annotation that share the rest of the name, from 0. Every result
holding an RLE is a region, including those of a ``Brush`` control (labels under ``labels``, or none).

Names are built as earlier releases built them, and then made safe: the annotator is the user's email (or
the id, or text) keeping only letters, digits, ``@`` and ``.``; ``/`` and ``\\`` in the other parts become
``-`` and control characters ``_``, so a name is always one path component starting with ``task-`` (dots in
it cannot climb out of the directory). A name longer than 255 bytes is cut and given a digest of the full
name, and names that would collide within a task (case ignored) take the next free ``n``, so no region
overwrites another. Regions whose RLE cannot be decoded or whose image size is missing are skipped with a
warning naming the task and the annotation; the export goes on.
"""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Sequence, Set, Tuple

from label_studio_sdk import _rle
from label_studio_sdk.converter._deps import require
from label_studio_sdk.converter.brush import CHANNELS
from label_studio_sdk.converter.exports._output import (
    ExportOutputError,
    PathLike,
    prepare_dir,
    write_file_atomic,
)
from label_studio_sdk.converter.items import Choose, ControlIndex, ParsedConfig, annotation_items

logger: logging.Logger = logging.getLogger(__name__)

ImageFormat = Literal["numpy", "png"]

MAX_NAME_BYTES = 255
"""The longest file name most filesystems accept."""

_EXTENSIONS = {"numpy": ".npy", "png": ".png"}
_PURPOSES = {"numpy": "BRUSH_TO_NUMPY", "png": "BRUSH_TO_PNG"}
_SEPARATORS = {ord("/"): "-", ord("\\"): "-"}
_DIGEST_LENGTH = 8


@dataclass(frozen=True)
class BrushMask:
    """One decoded brush region: its labels and its ``height`` rows of ``width`` alpha bytes."""

    from_name: str
    labels: Tuple[str, ...]
    width: int
    height: int
    alpha: bytes


class BrushRegionError(ValueError):
    """A brush region that cannot be turned into a mask (bad RLE, missing or wrong image size)."""


# --- regions ----------------------------------------------------------------------------------------


def positive_int(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value > 0 else None


def brush_labels(value: Mapping[str, Any]) -> Tuple[str, ...]:
    """The labels of a brush value: ``brushlabels``, or ``labels`` when a Brush is labelled by a Labels control."""
    labels = value.get("brushlabels")
    if labels is None:
        labels = value.get("labels")
    if not isinstance(labels, list):
        return ()
    return tuple(str(label) for label in labels)


def is_brush(value: Mapping[str, Any]) -> bool:
    """Whether a result value is a brush region (an RLE mask)."""
    return "rle" in value and value.get("format") in (None, "rle")


def decode_alpha(value: Mapping[str, Any]) -> Tuple[int, int, bytes]:
    """``(width, height, alpha bytes)`` of a brush value; a ``BrushRegionError`` saying what is wrong."""
    width = positive_int(value.get("original_width"))
    height = positive_int(value.get("original_height"))
    if width is None or height is None:
        raise BrushRegionError(
            "no usable original_width/original_height "
            f"({value.get('original_width')!r} x {value.get('original_height')!r})"
        )
    try:
        header, values = _rle.decode(value["rle"])
    except (TypeError, ValueError) as exc:
        raise BrushRegionError(f"undecodable RLE: {exc}") from None
    expected = width * height * CHANNELS
    if header.value_count != expected or not isinstance(values, bytearray):
        raise BrushRegionError(
            f"the RLE holds {header.value_count} values of {header.wordsize} bits, "
            f"but a {width}x{height} RGBA mask needs {expected} bytes"
        )
    return width, height, bytes(values[CHANNELS - 1 :: CHANNELS])


def describe(item: Mapping[str, Any]) -> str:
    """Which task and annotation an item is, for warnings."""
    return f"task {item.get('id')!r}, annotation {item.get('annotation_id')!r}"


def brush_masks(item: Mapping[str, Any]) -> Iterator[BrushMask]:
    """The brush regions of one annotation item, decoded, in result order; bad ones are skipped with a warning."""
    for from_name, values in item["output"].items():
        for position, value in enumerate(values):
            if not is_brush(value):
                continue
            try:
                width, height, alpha = decode_alpha(value)
            except BrushRegionError as exc:
                logger.warning(
                    "%s: brush region %d of %r is skipped: %s", describe(item), position, from_name, exc
                )
                continue
            yield BrushMask(from_name, brush_labels(value), width, height, alpha)


# --- names ------------------------------------------------------------------------------------------


def annotator_name(completed_by: Any) -> str:
    """The annotator part of a name: the email (or id, or text) with only letters, digits, ``@`` and ``.``."""
    if isinstance(completed_by, dict):
        text = completed_by.get("email")
        text = "" if text is None else str(text)
    elif completed_by is None:
        text = ""
    else:
        text = str(completed_by)
    return "".join(char for char in text if char.isalnum() or char in "@.")


def name_part(value: Any) -> str:
    """A name part from task data: separators become ``-``, control characters (and lone surrogates) ``_``."""
    text = str(value).translate(_SEPARATORS)
    return "".join("_" if unicodedata.category(char) in ("Cc", "Cs") else char for char in text)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST_LENGTH]


def _cut_to_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def mask_stem(item: Mapping[str, Any], mask: BrushMask) -> str:
    """The name of a region's files without the ``-<n>`` counter and the extension."""
    return "-".join(
        [
            f"task-{name_part(item.get('id'))}",
            f"annotation-{name_part(item.get('annotation_id'))}",
            f"by-{annotator_name(item.get('completed_by'))}",
            name_part(mask.from_name),
            "-".join(name_part(label) for label in mask.labels),
        ]
    )


def file_name(stem: str, counter: int, extension: str) -> str:
    """``<stem>-<counter><extension>``, with the stem cut (and a digest of it added) to fit 255 bytes."""
    tail = f"-{counter}{extension}"
    if len((stem + tail).encode("utf-8", "surrogatepass")) <= MAX_NAME_BYTES:
        return stem + tail
    room = MAX_NAME_BYTES - len(tail) - _DIGEST_LENGTH - 1
    return f"{_cut_to_bytes(stem, room)}~{_digest(stem)}{tail}"


class _TaskNames:
    """The file names given within one task: each stem counts from 0, skipping names already taken."""

    def __init__(self, extension: str) -> None:
        self.extension = extension
        self.counters: Dict[str, int] = {}
        self.taken: Set[str] = set()

    def claim(self, stem: str) -> str:
        counter = self.counters.get(stem, 0)
        name = file_name(stem, counter, self.extension)
        # Case-folded, so two names differing only in case do not overwrite each other on macOS or Windows.
        while name.casefold() in self.taken:
            counter += 1
            name = file_name(stem, counter, self.extension)
        self.counters[stem] = counter + 1
        self.taken.add(name.casefold())
        return name


# --- files ------------------------------------------------------------------------------------------


def _numpy_bytes(numpy: Any, mask: BrushMask) -> bytes:
    array = numpy.frombuffer(mask.alpha, dtype=numpy.uint8).reshape(mask.height, mask.width)
    buffer = io.BytesIO()
    numpy.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _png_bytes(image_module: Any, mask: BrushMask) -> bytes:
    buffer = io.BytesIO()
    image_module.frombytes("L", (mask.width, mask.height), mask.alpha).save(buffer, format="PNG")
    return buffer.getvalue()


def _target(directory: Path, name: str) -> Path:
    path = directory / name
    # Names are single components by construction; this guards that promise.
    if path.parent != directory or name in ("", ".", "..") or "\x00" in name:
        raise ExportOutputError(f"unsafe mask file name {name!r}")
    return path


def _task_items(
    tasks: Iterable[Mapping[str, Any]], index: ControlIndex, choose: Choose
) -> Iterator[Sequence[Dict[str, Any]]]:
    for task in tasks:
        yield list(annotation_items(task, index, choose=choose))


def write_brush_masks(
    tasks: Iterable[Mapping[str, Any]],
    parsed_config: ParsedConfig,
    output_dir: PathLike,
    *,
    image_format: ImageFormat,
    choose: Choose = "all",
) -> List[Path]:
    """Write one ``.npy`` or ``.png`` mask per brush region into ``output_dir``; returns the files written.

    ``image_format`` ``"numpy"`` needs numpy and ``"png"`` Pillow (the ``converter`` extra). Every annotation
    is exported by default (``choose="all"``): the names hold the annotation id, so none overwrites another.
    """
    if image_format not in _EXTENSIONS:
        raise ValueError(f"image_format must be 'numpy' or 'png', not {image_format!r}")
    if image_format == "numpy":
        numpy = require("numpy", purpose=_PURPOSES[image_format])

        def encode(mask: BrushMask) -> bytes:
            return _numpy_bytes(numpy, mask)

    else:
        image_module = require("PIL.Image", purpose=_PURPOSES[image_format])

        def encode(mask: BrushMask) -> bytes:
            return _png_bytes(image_module, mask)

    directory = prepare_dir(output_dir)
    index = ControlIndex(parsed_config)
    written: List[Path] = []
    for items in _task_items(tasks, index, choose):
        names = _TaskNames(_EXTENSIONS[image_format])
        for item in items:
            for mask in brush_masks(item):
                path = _target(directory, names.claim(mask_stem(item, mask)))
                write_file_atomic(path, encode(mask))
                written.append(path)
    return written
