"""The BRUSH_TO_COCO export: brush masks (and rectangles) as COCO polygons in ``result_coco.json``.

Every annotation item whose image is known and that has at least one usable region becomes an image entry
(``id`` is the item's position in the export, so the ids of one export never repeat). Each region of a
mask (8-connected pixels) becomes one COCO annotation per label: ``segmentation`` is its outer outline
through pixel centres (``converter._contours``, the points OpenCV's simple approximation gives), ``bbox``
its pixel extent and ``area`` the number of its mask pixels. Holes are not cut out of the outline (COCO
polygons cannot hold them) but their pixels do not count in the area. A region too thin to enclose
anything (one pixel, a straight one-pixel line) keeps its outline with points repeated up to three, so
COCO readers still see a polygon. Rectangles become ``bbox`` and ``area`` in pixels with an empty
``segmentation``; a rotated one gets the box around its corners.

The image is the value of the config's Image object in the task data, or else the first task-data string
ending in .jpg, .jpeg, .png, .gif or .bmp (as earlier releases looked for it); nothing is downloaded.
Categories are numbered from 1 in the order labels are first met; a label's colour is its ``background``
in the config when that is a hex colour, else one derived from its name, so exports are reproducible.
Images and annotations are spooled to unnamed temporary files in the output directory, so memory does
not grow with the export, and ``result_coco.json`` appears complete or not at all.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import re
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from label_studio_sdk.converter import geometry
from label_studio_sdk.converter._contours import Outline, outlines
from label_studio_sdk.converter.exports._output import PathLike, atomic_text, file_in_dir
from label_studio_sdk.converter.exports.brush_masks import (
    BrushRegionError,
    brush_labels,
    decode_alpha,
    describe,
    is_brush,
)
from label_studio_sdk.converter.exports.json_min import indented_json
from label_studio_sdk.converter.items import Choose, ControlIndex, ParsedConfig, annotation_items

logger: logging.Logger = logging.getLogger(__name__)

FILE_NAME = "result_coco.json"
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp")
UNKNOWN_ANNOTATOR = "unknown"

_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_ITEM_INDENT = 2  # entries of the top-level lists, as an indent=2 dump of the whole document nests them
_ITEM_SEPARATOR = ",\n" + "  " * _ITEM_INDENT

Size = Tuple[float, float]


# --- where the image is -----------------------------------------------------------------------------


def image_keys(parsed_config: ParsedConfig) -> List[str]:
    """The task-data keys of the config's Image objects, in config order."""
    keys: List[str] = []
    for control in parsed_config.values():
        for input_info in control.get("inputs") or ():
            key = input_info.get("value")
            if input_info.get("type") == "Image" and isinstance(key, str) and key not in keys:
                keys.append(key)
    return keys


def image_url(data: Any, keys: Sequence[str]) -> Optional[str]:
    """The image of a task: the first Image object's value, else the first string naming an image file."""
    if not isinstance(data, Mapping):
        return None
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
    for value in data.values():
        if isinstance(value, str) and value.lower().endswith(IMAGE_EXTENSIONS):
            return value
    return None


def image_file_name(url: str) -> str:
    """The last path component of an image URL, leaving out a query (Local Storage's ``?d=`` path is the path)."""
    path = url.split("?d=", 1)[1] if "?d=" in url else url.split("?", 1)[0].split("#", 1)[0]
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name or url


# --- categories and annotators ----------------------------------------------------------------------


def _name_colour(name: str) -> str:
    return "#" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:6]


def _config_colours(parsed_config: ParsedConfig) -> Dict[str, str]:
    """Label colours set in the config (``<Label background="#...">``), as ``#rrggbb``."""
    colours: Dict[str, str] = {}
    for control in parsed_config.values():
        for name, attributes in (control.get("labels_attrs") or {}).items():
            background = attributes.get("background") if isinstance(attributes, Mapping) else None
            if isinstance(background, str) and _HEX_COLOUR.fullmatch(background.strip()):
                digits = background.strip()[1:].lower()
                if len(digits) == 3:
                    digits = "".join(digit * 2 for digit in digits)
                colours.setdefault(str(name), "#" + digits)
    return colours


class _Categories:
    """Category ids from 1 in the order labels are first met."""

    def __init__(self, parsed_config: ParsedConfig) -> None:
        self.colours = _config_colours(parsed_config)
        self.ids: Dict[str, int] = {}

    def id_of(self, name: str) -> int:
        found = self.ids.get(name)
        if found is None:
            found = self.ids[name] = len(self.ids) + 1
        return found

    def entries(self) -> List[Dict[str, Any]]:
        return [
            {
                "id": ident,
                "name": name,
                "supercategory": "",
                "color": self.colours.get(name) or _name_colour(name),
                "metadata": {},
            }
            for name, ident in self.ids.items()
        ]


def annotator_of(completed_by: Any) -> Any:
    """The annotator as earlier releases wrote it here: the email of a user dict, any other id as text."""
    if isinstance(completed_by, dict):
        return completed_by.get("email", UNKNOWN_ANNOTATOR)
    if completed_by is None:
        return UNKNOWN_ANNOTATOR
    return str(completed_by)


# --- regions to annotations -------------------------------------------------------------------------


def polygon(outline: Outline) -> List[int]:
    """The flat ``[x1, y1, x2, y2, ...]`` of an outline; an outline of one or two points is padded to three."""
    points = list(outline.points)
    if len(points) < 3:
        points = (points * 3)[:3]  # a pixel p: p, p, p; a straight stroke a..b: a, b, a
    return [coordinate for point in points for coordinate in point]


def _image_size(value: Mapping[str, Any]) -> Optional[Size]:
    """The result's image size, whole numbers as ints (how the image entry writes them)."""
    size = geometry.image_size_of(value)
    if size is None:
        return None
    width, height = size
    return (int(width) if width.is_integer() else width), (int(height) if height.is_integer() else height)


def rectangle_box(value: Mapping[str, Any], size: Size) -> Optional[Tuple[List[float], float]]:
    """``([x, y, width, height], area)`` in pixels of an LS rectangle; the box holds its corners if it is rotated."""
    box = geometry.rectangle_of(value)
    if box is None:
        return None
    image_width, image_height = float(size[0]), float(size[1])
    x, y, width, height = (
        box[0] * image_width / 100,
        box[1] * image_height / 100,
        box[2] * image_width / 100,
        box[3] * image_height / 100,
    )
    area = width * height
    if geometry.rotation_of(value):
        corners = geometry.pixel_corners(value, (image_width, image_height))
        assert corners is not None
        x, y, width, height = geometry.bounding_box(corners)
    return [x, y, width, height], area


class _Item:
    """The annotations of one item, before its image entry is known to be needed."""

    def __init__(self) -> None:
        self.size: Optional[Size] = None
        self.annotations: List[Dict[str, Any]] = []

    def add(self, size: Size, label: str, segmentation: List[Any], area: Any, bbox: List[Any]) -> None:
        if self.size is None:
            self.size = size
        self.annotations.append({"label": label, "segmentation": segmentation, "area": area, "bbox": bbox})


def _brush_annotations(
    item: Mapping[str, Any], from_name: str, position: int, value: Mapping[str, Any], into: _Item
) -> None:
    labels = brush_labels(value)
    if not labels:
        logger.debug(
            "%s: brush region %d of %r has no label; it is left out", describe(item), position, from_name
        )
        return
    try:
        width, height, alpha = decode_alpha(value)
    except BrushRegionError as exc:
        logger.warning("%s: brush region %d of %r is skipped: %s", describe(item), position, from_name, exc)
        return
    found = outlines(alpha, width, height)
    for label in labels:
        for outline in found:
            x, y, box_width, box_height = outline.bbox
            into.add(
                (width, height),
                label,
                [polygon(outline)],
                outline.area,
                [x, y, box_width, box_height],
            )


def _rectangle_annotations(
    item: Mapping[str, Any], from_name: str, position: int, value: Mapping[str, Any], into: _Item
) -> None:
    labels = value.get("rectanglelabels")
    if not isinstance(labels, list) or not labels:
        return
    size = _image_size(value)
    box = None if size is None else rectangle_box(value, size)
    if size is None or box is None:
        logger.warning(
            "%s: rectangle %d of %r is skipped: it needs x, y, width, height and the image size",
            describe(item),
            position,
            from_name,
        )
        return
    bbox, area = box
    for label in labels:
        into.add(size, str(label), [], area, bbox)


def _item_annotations(item: Mapping[str, Any]) -> _Item:
    collected = _Item()
    for from_name, values in item["output"].items():
        for position, value in enumerate(values):
            if is_brush(value):
                _brush_annotations(item, from_name, position, value, collected)
            elif "rectanglelabels" in value:
                _rectangle_annotations(item, from_name, position, value, collected)
    return collected


# --- the file ---------------------------------------------------------------------------------------


class _Spool:
    """Entries of one top-level list, written as they come to an unnamed temporary file."""

    def __init__(self, file: IO[str]) -> None:
        self.file = file
        self.count = 0

    def add(self, entry: Mapping[str, Any]) -> None:
        if self.count:
            self.file.write(_ITEM_SEPARATOR)
        self.file.write(indented_json(entry, _ITEM_INDENT))
        self.count += 1

    def copy_list_to(self, out: IO[str]) -> None:
        """The list as an indent=2 dump of the document writes it."""
        if not self.count:
            out.write("[]")
            return
        out.write("[\n" + "  " * _ITEM_INDENT)
        self.file.seek(0)
        shutil.copyfileobj(self.file, out)
        out.write("\n" + "  " * (_ITEM_INDENT - 1) + "]")


def _info() -> Dict[str, Any]:
    now = datetime.datetime.now()
    return {
        "year": now.year,
        "version": "1.0",
        "description": "Converted from Label Studio",
        "contributor": "Label Studio Converter",
        "date_created": str(now),
    }


def write_brush_coco(
    tasks: Iterable[Mapping[str, Any]],
    parsed_config: ParsedConfig,
    output_dir: PathLike,
    *,
    choose: Choose = "all",
) -> Path:
    """Write ``<output_dir>/result_coco.json`` from the brush and rectangle regions of ``tasks``."""
    path = file_in_dir(output_dir, FILE_NAME)
    index = ControlIndex(parsed_config)
    keys = image_keys(parsed_config)
    categories = _Categories(parsed_config)
    with contextlib.ExitStack() as stack:
        images, annotations = (
            _Spool(stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8", dir=path.parent)))
            for _ in range(2)
        )
        position = -1
        for task in tasks:
            for item in annotation_items(task, index, choose=choose):
                position += 1
                url = image_url(item.get("input"), keys)
                if url is None:
                    if item["output"]:
                        logger.warning("%s: no image found in the task data; it is left out", describe(item))
                    continue
                collected = _item_annotations(item)
                if not collected.annotations or collected.size is None:
                    continue
                width, height = collected.size
                images.add(
                    {
                        "id": position,
                        "file_name": image_file_name(url),
                        "path": url,
                        "width": width,
                        "height": height,
                    }
                )
                annotator = annotator_of(item.get("completed_by"))
                for found in collected.annotations:
                    annotations.add(
                        {
                            "id": annotations.count,
                            "image_id": position,
                            "category_id": categories.id_of(found["label"]),
                            "segmentation": found["segmentation"],
                            "area": found["area"],
                            "bbox": found["bbox"],
                            "iscrowd": 0,
                            "annotator": annotator,
                        }
                    )
        with atomic_text(path) as out:
            out.write('{\n  "images": ')
            images.copy_list_to(out)
            out.write(',\n  "annotations": ')
            annotations.copy_list_to(out)
            out.write(',\n  "categories": ' + indented_json(categories.entries(), 1))
            out.write(',\n  "info": ' + indented_json(_info(), 1) + "\n}")
    return path
