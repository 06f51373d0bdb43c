"""The COCO export: one ``result.json`` of images, categories and annotations, plus an images folder.

Every task with a chosen annotation is one image entry (``{width, height, id, file_name}``), whatever the
number of its annotations; ``file_name`` is the image's unique export name inside the images folder,
relative to the output folder. Rectangles give a pixel ``bbox`` (the axis-aligned box around a rotated
rectangle, computed in pixels), polygons a flat pixel ``segmentation`` with its box and area, and the
keypoints of one annotation a single annotation of the ``default`` keypoint category. A region with several
labels gives one annotation per label. Category ids come from ``categories.Categories``.

Entries are spooled to temporary files in the output folder while the tasks stream by, and ``result.json``
is assembled once the categories are known (labels met only in the data are added as they come), so memory
does not grow with the number of tasks and a failed export leaves no ``result.json``.

The helpers shared with the VOC export (the image of a task, its size, the regions of its annotations and
their pixel boxes) live here too.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import math
import os
import secrets
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import (
    IO,
    Any,
    Callable,
    Collection,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from label_studio_sdk.converter._deps import require
from label_studio_sdk.converter.categories import Categories
from label_studio_sdk.converter.exports._output import (
    PathLike,
    atomic_text,
    file_in_dir,
    prepare_dir,
    safe_subdir,
)
from label_studio_sdk.converter.exports.json_min import annotator_of
from label_studio_sdk.converter.formats import FormatNotSupportedError
from label_studio_sdk.converter.geometry import (
    Box,
    bounding_box,
    get_polygon_area,
    get_polygon_bounding_box,
    image_size_of,
    pixel_corners,
    polygon_points,
    rectangle_of,
    rotation_of,
)
from label_studio_sdk.converter.items import Choose, ControlIndex, ParsedConfig, annotation_items
from label_studio_sdk.converter.media import MediaFile, MediaResolver, MediaSettings, OnError

logger: logging.Logger = logging.getLogger(__name__)

FILE_NAME = "result.json"
IMAGES_DIR = "images"
KEYPOINT_CATEGORY = "default"
ANNOTATOR_ENV = "LABEL_STUDIO_FORCE_ANNOTATOR_EXPORT"
"""When this variable is set (to anything), each annotation names its annotator."""

SHAPE_CONTROLS = frozenset(
    {"RectangleLabels", "PolygonLabels", "KeyPointLabels", "Rectangle", "Polygon", "KeyPoint", "Labels"}
)
# Keypoint labels are not categories: they name the slots of the one keypoint category.
_CATEGORY_CONTROLS = frozenset({"RectangleLabels", "PolygonLabels", "Labels"})
_KINDS = {
    "rectanglelabels": "rectangle",
    "rectangle": "rectangle",
    "polygonlabels": "polygon",
    "polygon": "polygon",
    "keypointlabels": "keypoint",
    "keypoint": "keypoint",
}
_BARE_SHAPES = frozenset({"rectangle", "polygon", "keypoint"})  # geometry whose labels come in a twin result

Size = Tuple[float, float]


# -- shared with the VOC export ------------------------------------------------------------------------


def image_controls(
    parsed_config: ParsedConfig, format_name: str, control_types: Collection[str] = SHAPE_CONTROLS
) -> Tuple[str, Dict[str, Mapping[str, Any]]]:
    """The task-data key of the image and the controls of ``control_types`` that label it (config order).

    The image is the first Image object such a control reads; controls on other objects are left out.
    """
    image_key: Optional[str] = None
    for control in parsed_config.values():
        if control.get("type") not in control_types:
            continue
        for input_info in control.get("inputs") or ():
            if input_info.get("type") == "Image" and isinstance(input_info.get("value"), str):
                image_key = input_info["value"]
                break
        if image_key is not None:
            break
    if image_key is None:
        raise FormatNotSupportedError(
            f"{format_name} needs a RectangleLabels, PolygonLabels or KeyPointLabels control (or Rectangle, "
            "Polygon or KeyPoint with Labels) on an Image object"
        )
    controls = {
        name: control
        for name, control in parsed_config.items()
        if control.get("type") in control_types
        and any(
            input_info.get("type") == "Image" and input_info.get("value") == image_key
            for input_info in control.get("inputs") or ()
        )
    }
    return image_key, controls


@dataclass
class TaskImage:
    """A task to export: its id, its image URL and its chosen annotation items."""

    task_id: Any
    url: str
    items: List[Dict[str, Any]]


def task_images(
    tasks: Iterable[Mapping[str, Any]], image_key: str, index: ControlIndex, choose: Choose
) -> Iterator[TaskImage]:
    """The tasks that have a chosen annotation (or an empty annotation list) and an image URL, in order."""
    for task in tasks:
        items = list(annotation_items(task, index, choose=choose))
        if not items:
            continue
        data = task.get("data")
        url = data.get(image_key) if isinstance(data, dict) else None
        if not isinstance(url, str) or not url:
            logger.warning("task %s has no image URL under %r; it is left out", task.get("id"), image_key)
            continue
        yield TaskImage(task.get("id"), url, items)


def images_folder(output_dir: PathLike, image_dir: Optional[PathLike]) -> Path:
    """The folder the images go to: ``image_dir`` when given, else ``<output_dir>/images`` (created either way)."""
    if image_dir is None:
        return safe_subdir(output_dir, IMAGES_DIR)
    return prepare_dir(image_dir)


def with_media(
    images: Iterable[TaskImage],
    media: MediaSettings,
    images_dir: Path,
    *,
    copy_images: bool,
    on_error: OnError,
) -> Iterator[Tuple[TaskImage, MediaFile]]:
    """Each task with its image file, copied into ``images_dir`` when ``copy_images`` is set.

    A task whose image cannot be copied stays in the export under the name the image would have had (its
    labels are worth keeping; the image can be fetched later), after a warning naming the task and the URL;
    ``on_error="raise"`` stops the export instead. Without copies nothing is fetched.
    """
    resolver: MediaResolver[TaskImage] = MediaResolver(
        media, copy_into=images_dir if copy_images else None, on_error=on_error if copy_images else "skip"
    )
    for image, found in resolver.resolve(images, lambda image: (image.url, image.task_id)):
        assert found is not None  # every TaskImage has a URL
        yield image, found
    if copy_images and resolver.failures:
        logger.warning(
            "%s image(s) could not be copied into %s; their tasks are exported all the same, naming files "
            "that are missing from that folder",
            resolver.failures,
            images_dir,
        )


def finite(*numbers: float) -> bool:
    return all(math.isfinite(number) for number in numbers)


def result_size(items: Sequence[Mapping[str, Any]]) -> Optional[Size]:
    """The image size the first sized result of the items gives (``original_width``/``original_height``)."""
    for item in items:
        for values in item["output"].values():
            for value in values:
                size = image_size_of(value)
                if size is not None and finite(*size):
                    return size
    return None


@dataclass(frozen=True)
class ImageInfo:
    width: int
    height: int
    channels: int


def file_info(found: MediaFile) -> Optional[ImageInfo]:
    """Size and channel count of the image file, read with Pillow; None without a readable local file."""
    path = found.path
    if path is None or not path.is_file():
        return None
    image_module = require("PIL.Image", purpose="reading the size of images")
    try:
        with warnings.catch_warnings():
            # Only the header is read, so a very large image is no decompression risk here.
            warnings.simplefilter("ignore", image_module.DecompressionBombWarning)
            with image_module.open(path) as image:
                width, height = image.size
                return ImageInfo(int(width), int(height), len(image.getbands()))
    except (OSError, ValueError, image_module.DecompressionBombError) as exc:
        logger.warning("cannot read the image %s (%s): %s", path, found.url, exc)
        return None


@dataclass
class Region:
    """One result value of an item, with what a warning needs to name it."""

    task_id: Any
    from_name: str
    position: int
    kind: str  # "rectangle", "polygon" or "keypoint"
    value: Mapping[str, Any]
    labels: List[str]

    def skip(self, why: str) -> None:
        logger.warning(
            "task %s: region #%s of %r (labels %s) is left out: %s",
            self.task_id,
            self.position,
            self.from_name,
            self.labels,
            why,
        )


def _kind_and_labels(value: Mapping[str, Any]) -> Tuple[Optional[str], Any]:
    result_type = str(value.get("type") or "").lower()
    kind = _KINDS.get(result_type)
    if result_type == "labels":  # the labels half of a <Labels> + <Rectangle>/<Polygon> region
        if "points" in value:
            kind = "polygon"
        elif "x" in value and "height" in value:
            kind = "rectangle"
    labels = value.get(result_type) if result_type.endswith("labels") else None
    return kind, labels


def region_of(task_id: Any, from_name: str, position: int, value: Mapping[str, Any]) -> Optional[Region]:
    """The labelled shape of one result value, or None (with a warning when unexpected)."""
    kind, labels = _kind_and_labels(value)
    if kind is None:
        return None
    names = [str(label) for label in labels] if isinstance(labels, list) else []
    region = Region(task_id, from_name, position, kind, value, names)
    if names:
        return region
    if str(value.get("type") or "").lower() in _BARE_SHAPES:
        # Usually the geometry half of a region whose labels come in a twin ``labels`` result.
        logger.debug("task %s: region #%s of %r has no labels", task_id, position, from_name)
    else:
        region.skip("it has no labels")
    return None


def regions(image: TaskImage, item: Mapping[str, Any]) -> Iterator[Region]:
    """The labelled shapes of one item; shapes without labels are left out (with a warning when unexpected)."""
    for from_name, values in item["output"].items():
        for position, value in enumerate(values):
            region = region_of(image.task_id, from_name, position, value)
            if region is not None:
                yield region


_PLAIN_NUMBERS = (int, float)
_isfinite = math.isfinite


def plain_pixel_box(value: Mapping[str, Any], size: Optional[Size]) -> Optional[Tuple[Box, Size]]:
    """The pixel box and image size of the usual rectangle, or None to take the general path.

    The usual rectangle has plain finite numbers for x, y, width and height, no rotation, and either its
    own positive ``original_width``/``original_height`` or none at all (then ``size``, when known). The
    numbers are those ``region_size`` and ``pixel_box`` give; anything else (and every warning) is theirs.
    """
    x, y, width, height = value.get("x"), value.get("y"), value.get("width"), value.get("height")
    plain = _PLAIN_NUMBERS
    if not (
        type(x) in plain
        and type(y) in plain
        and type(width) in plain
        and type(height) in plain
        and not value.get("rotation")
    ):
        return None
    own_width: Any = value.get("original_width")
    own_height: Any = value.get("original_height")
    if type(own_width) in plain and type(own_height) in plain and own_width > 0 and own_height > 0:
        size = (float(own_width), float(own_height))
    elif own_width is not None or own_height is not None:
        return None
    if size is None:
        return None
    x, y, width, height = float(x), float(y), float(width), float(height)  # type: ignore[arg-type]
    image_width, image_height = size
    if not (
        _isfinite(x)
        and _isfinite(y)
        and _isfinite(width)
        and _isfinite(height)
        and _isfinite(image_width)
        and _isfinite(image_height)
    ):
        return None
    box = (
        x * image_width / 100,
        y * image_height / 100,
        width * image_width / 100,
        height * image_height / 100,
    )
    return box, size


def region_size(region: Region, image_size: Optional[Size]) -> Optional[Size]:
    """The region's own image size, else the image's; a warning (and None) when neither is known."""
    size = image_size_of(region.value) or image_size
    if size is None or not finite(*size):
        region.skip("the image size is unknown (no original_width/original_height and no image file)")
        return None
    return size


def pixel_box(region: Region, size: Size) -> Optional[Box]:
    """``(x, y, width, height)`` in pixels of a rectangle region; rotated ones give the box around them."""
    box = rectangle_of(region.value)
    if box is None or not finite(*box):
        region.skip("it has no x, y, width and height")
        return None
    image_width, image_height = size
    if not rotation_of(region.value):
        x, y, width, height = box
        return (
            x * image_width / 100,
            y * image_height / 100,
            width * image_width / 100,
            height * image_height / 100,
        )
    corners = pixel_corners(region.value, size)
    assert corners is not None
    return bounding_box(corners)


def whole(number: float) -> Union[int, float]:
    """A size as JSON shows it: an integral number without ``.0``."""
    return int(number) if float(number).is_integer() else number


# -- keypoints -------------------------------------------------------------------------------------------


def _model_index(attributes: Any, name: str) -> Optional[int]:
    raw = attributes.get("model_index") if isinstance(attributes, Mapping) else None
    if raw is None:
        return None
    try:
        index = int(str(raw).strip())
    except ValueError:
        index = -1
    if index < 0:
        logger.warning("keypoint %r: model_index=%r is not a whole number >= 0; it is ignored", name, raw)
        return None
    return index


def keypoint_names(controls: Mapping[str, Mapping[str, Any]]) -> List[str]:
    """The keypoint slots: labels with ``model_index`` in its order, then the others in config order."""
    indexed: List[Tuple[int, int, str]] = []
    rest: List[str] = []
    seen = set()
    for control in controls.values():
        if control.get("type") != "KeyPointLabels":
            continue
        attributes = control.get("labels_attrs") or {}
        for name in control.get("labels") or ():
            if name in seen:
                continue
            seen.add(name)
            index = _model_index(attributes.get(name), name)
            if index is None:
                rest.append(name)
            else:
                indexed.append((index, len(indexed), name))
    return [name for _, _, name in sorted(indexed)] + rest


# -- the COCO file -------------------------------------------------------------------------------------


def _entry_encoder() -> Callable[[Any], str]:
    """``json.dumps(entry, ensure_ascii=False)`` for the many small entries, built once.

    ``JSONEncoder.encode`` makes a new C encoder on every call; here the C encoder is made once and called
    directly (without the circular-reference check: entries are dicts this module builds).
    """
    encoder = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator (another Python implementation)
        return encoder.encode

    def refuse(value: Any) -> Any:
        return encoder.default(value)  # raises TypeError, as json.dumps does

    iterencode = make(None, refuse, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
    join = "".join

    def encode(entry: Any) -> str:
        return join(iterencode(entry, 0))

    return encode


_ENCODE = _entry_encoder()
_SPOOL_BATCH = 512
"""Entries joined in memory before one write to the spool file."""


class _Spool:
    """A JSON array's members written to a temporary file in the output folder, one per line."""

    def __init__(self, directory: Path, label: str) -> None:
        self.path = directory / f".{FILE_NAME}.{label}.{secrets.token_hex(6)}.part"
        # A lone surrogate (valid in the tasks' JSON) can only sit inside a JSON string, where
        # backslashreplace writes it as the JSON escape it came from.
        self.handle: IO[str] = open(  # noqa: SIM115 (closed by __exit__)
            self.path, "x+", encoding="utf-8", errors="backslashreplace"
        )
        self.count = 0
        self._pending: List[str] = []  # at most _SPOOL_BATCH encoded entries, with their separators

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.handle.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    def add(self, entry: Mapping[str, Any]) -> None:
        pending = self._pending
        if self.count:
            pending.append(",\n    ")
        pending.append(_ENCODE(entry))
        self.count += 1
        if len(pending) >= _SPOOL_BATCH:
            self._flush()

    def _flush(self) -> None:
        self.handle.write("".join(self._pending))
        self._pending.clear()

    def write_array(self, out: IO[str]) -> None:
        if not self.count:
            out.write("[]")
            return
        out.write("[\n    ")
        self._flush()
        self.handle.flush()
        self.handle.seek(0)
        shutil.copyfileobj(self.handle, out)
        out.write("\n  ]")


def _json_text(value: Any) -> str:
    """``value`` as JSON with non-ASCII text as is, but lone surrogates escaped (they cannot be UTF-8)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _array_of(entries: Sequence[Mapping[str, Any]]) -> str:
    if not entries:
        return "[]"
    return "[\n    " + ",\n    ".join(_json_text(entry) for entry in entries) + "\n  ]"


def coco_info(now: Optional[datetime.datetime] = None) -> Dict[str, Any]:
    now = now or datetime.datetime.now()
    return {
        "year": now.year,
        "version": "1.0",
        "description": "",
        "contributor": "Label Studio",
        "url": "",
        "date_created": str(now),
    }


def _folder_prefix(images_dir: Path, output_dir: Path) -> str:
    """What goes before an image name in ``file_name``: the images folder relative to the output folder."""
    try:
        relative = os.path.relpath(images_dir, output_dir)
    except ValueError:  # another drive on Windows
        relative = os.path.abspath(images_dir)
    relative = relative.replace(os.sep, "/")
    return "" if relative == "." else relative + "/"


class _CocoWriter:
    """Turns tasks into image and annotation entries (spooled), then writes the whole file."""

    def __init__(
        self,
        controls: Mapping[str, Mapping[str, Any]],
        output_dir: Path,
        images_dir: Path,
        images: _Spool,
        annotations: _Spool,
    ) -> None:
        self.images_prefix = _folder_prefix(images_dir, output_dir)
        self.categories = Categories(controls, control_types=_CATEGORY_CONTROLS)
        self.keypoints = keypoint_names(controls)
        self.keypoint_slot = {name: slot for slot, name in enumerate(self.keypoints)}
        has_keypoints = any(control.get("type") == "KeyPointLabels" for control in controls.values())
        # Reserved now, so that the keypoint category does not depend on the data.
        self.keypoint_category = self.categories.id_of(KEYPOINT_CATEGORY) if has_keypoints else None
        self.with_annotator = os.environ.get(ANNOTATOR_ENV) is not None
        self.images = images
        self.annotations = annotations
        self.image_count = 0

    def add(self, image: TaskImage, found: MediaFile) -> None:
        image_id = self.image_count
        self.image_count += 1
        size = result_size(image.items)
        if size is None:
            info = file_info(found)
            size = None if info is None else (float(info.width), float(info.height))
        if size is None:
            logger.warning(
                "task %s: the size of its image %s is unknown (no original_width/original_height and no "
                "image file); it is listed with width and height null",
                image.task_id,
                image.url,
            )
        # Joined as strings: pathlib interns every path part, which would keep a string per image alive.
        file_name = self.images_prefix + found.name
        self.images.add(
            {
                "width": None if size is None else whole(size[0]),
                "height": None if size is None else whole(size[1]),
                "id": image_id,
                "file_name": file_name,
            }
        )
        for item in image.items:
            self._add_item(image, item, image_id, size)

    def _annotation(self, image_id: int, category_id: int) -> Dict[str, Any]:
        return {"id": self.annotations.count, "image_id": image_id, "category_id": category_id}

    def _finish(self, entry: Dict[str, Any], item: Mapping[str, Any]) -> None:
        if self.with_annotator:
            annotator = annotator_of(item["completed_by"])
            entry["annotator"] = "" if annotator is None else str(annotator)
        self.annotations.add(entry)

    def _add_item(
        self, image: TaskImage, item: Mapping[str, Any], image_id: int, size: Optional[Size]
    ) -> None:
        points: Dict[str, Tuple[int, int]] = {}
        for from_name, values in item["output"].items():
            for position, value in enumerate(values):
                if value.get("type") == "RectangleLabels":
                    labels = value.get("rectanglelabels")
                    placed = plain_pixel_box(value, size) if isinstance(labels, list) and labels else None
                    if placed is not None:
                        self._add_box(placed[0], [str(label) for label in labels], image_id, item)
                        continue
                region = region_of(image.task_id, from_name, position, value)
                if region is None:
                    continue
                region_px = region_size(region, size)
                if region_px is None:
                    continue
                if region.kind == "rectangle":
                    self._add_rectangle(region, region_px, image_id, item)
                elif region.kind == "polygon":
                    self._add_polygon(region, region_px, image_id, item)
                else:
                    self._collect_keypoint(region, region_px, points)
        if points:
            self._add_keypoints(points, image_id, item)

    def _add_rectangle(self, region: Region, size: Size, image_id: int, item: Mapping[str, Any]) -> None:
        box = pixel_box(region, size)
        if box is not None:
            self._add_box(box, region.labels, image_id, item)

    def _add_box(self, box: Box, labels: List[str], image_id: int, item: Mapping[str, Any]) -> None:
        x, y, width, height = box
        for label in labels:
            entry = {
                "id": self.annotations.count,
                "image_id": image_id,
                "category_id": self.categories.id_of(label),
                "segmentation": [],
                "bbox": [x, y, width, height],
                "ignore": 0,
                "iscrowd": 0,
                "area": width * height,
            }
            self._finish(entry, item)

    def _add_polygon(self, region: Region, size: Size, image_id: int, item: Mapping[str, Any]) -> None:
        pairs = polygon_points(region.value)
        if pairs is None:
            region.skip("it has no list of at least 3 points")
            return
        image_width, image_height = size
        xs = [px / 100 * image_width for px, _ in pairs]
        ys = [py / 100 * image_height for _, py in pairs]
        if not finite(*xs, *ys):
            region.skip("a point is not a finite number")
            return
        flat = [coordinate for pair in zip(xs, ys) for coordinate in pair]
        for label in region.labels:
            entry = self._annotation(image_id, self.categories.id_of(label))
            entry.update(
                {
                    "segmentation": [flat],
                    "bbox": get_polygon_bounding_box(xs, ys),
                    "ignore": 0,
                    "iscrowd": 0,
                    "area": get_polygon_area(xs, ys),
                }
            )
            self._finish(entry, item)

    def _collect_keypoint(self, region: Region, size: Size, points: Dict[str, Tuple[int, int]]) -> None:
        x, y = region.value.get("x"), region.value.get("y")
        if not isinstance(x, (int, float)) or not isinstance(y, (int, float)) or not finite(x, y):
            region.skip("it has no x and y")
            return
        point = (round(x * size[0] / 100), round(y * size[1] / 100))
        for label in region.labels:
            if label not in self.keypoint_slot:
                region.skip(f"{label!r} is not a keypoint label of the config")
            elif label in points:
                region.skip(f"the annotation already has a {label!r} keypoint; the later one is kept")
                points[label] = point
            else:
                points[label] = point

    def _add_keypoints(
        self, points: Mapping[str, Tuple[int, int]], image_id: int, item: Mapping[str, Any]
    ) -> None:
        assert self.keypoint_category is not None
        values: List[int] = []
        for name in self.keypoints:
            found = points.get(name)
            values.extend((found[0], found[1], 2) if found is not None else (0, 0, 0))
        x, y, width, height = bounding_box([(float(px), float(py)) for px, py in points.values()])
        entry = self._annotation(image_id, self.keypoint_category)
        entry.update(
            {
                "keypoints": values,
                "num_keypoints": len(points),
                "bbox": [int(x), int(y), int(width), int(height)],
                "iscrowd": 0,
                "area": int(width) * int(height),
            }
        )
        self._finish(entry, item)

    def category_entries(self) -> List[Dict[str, Any]]:
        entries = self.categories.entries()
        for entry in entries:
            if entry["id"] == self.keypoint_category:
                entry.update(
                    {"supercategory": KEYPOINT_CATEGORY, "keypoints": list(self.keypoints), "skeleton": []}
                )
        return entries

    def write(self, out: IO[str]) -> None:
        out.write('{\n  "images": ')
        self.images.write_array(out)
        out.write(',\n  "categories": ')
        out.write(_array_of(self.category_entries()))
        out.write(',\n  "annotations": ')
        self.annotations.write_array(out)
        out.write(',\n  "info": ')
        out.write(_json_text(coco_info()))
        out.write("\n}\n")


def write_coco(
    tasks: Iterable[Mapping[str, Any]],
    parsed_config: ParsedConfig,
    output_dir: PathLike,
    *,
    media: MediaSettings,
    copy_images: bool,
    image_dir: Optional[PathLike] = None,
    choose: Choose = "newest",
    on_error: OnError = "skip",
) -> Path:
    """Write ``<output_dir>/result.json`` and the images folder (``image_dir`` or ``<output_dir>/images``).

    With ``copy_images`` (COCO_WITH_IMAGES) each task's image is copied or downloaded into that folder, several
    at a time; an image that cannot be had is reported, naming the task and the URL, and its task is still
    exported (``on_error="raise"`` stops instead).
    """
    image_key, controls = image_controls(parsed_config, "COCO")
    path = file_in_dir(output_dir, FILE_NAME)
    root = path.parent
    images_dir = images_folder(root, image_dir)
    with _Spool(root, "images") as image_spool, _Spool(root, "annotations") as annotation_spool:
        writer = _CocoWriter(controls, root, images_dir, image_spool, annotation_spool)
        images = task_images(tasks, image_key, ControlIndex(controls), choose)
        for image, found in with_media(images, media, images_dir, copy_images=copy_images, on_error=on_error):
            writer.add(image, found)
        with atomic_text(path) as out:
            writer.write(out)
    return path
