"""COCO datasets to Label Studio tasks: one task per image (with or without annotations), in file order.

Each COCO annotation gives, as far as it holds them:

- ``bbox``: a rectangle in ``<from_name>_rectangles`` (RectangleLabels);
- ``segmentation`` polygons: a polygon each in ``<from_name>polygons`` (PolygonLabels; the name has no
  underscore, as in earlier releases, so projects made with their configs keep working);
- ``segmentation`` as RLE (``{"counts", "size"}``, compressed or not): a brush mask in
  ``<from_name>_brushes`` (BrushLabels);
- ``keypoints``: a point each in ``<from_name>_keypoints`` (KeyPointLabels), labelled with the category
  name, hidden when its visibility is below 2, and tied to the annotation's rectangle by ``parentID``;
- ``caption`` (COCO captions files): the image's captions in ``<from_name>_caption`` (TextArea).

The file is read an image or annotation at a time (no ``json.load`` of the whole file), in one pass when
the images and categories come before the annotations, as COCO tools write them, and in two otherwise.
Converted regions wait in a temporary file until their image's task is written, so memory holds the images
and a few numbers per annotation, not the annotations. Malformed records are skipped with a warning
(``on_error="raise"`` raises ``CocoImportError``).
"""

from __future__ import annotations

import json
import logging
import math
import re
import tempfile
from pathlib import Path
from typing import IO, Any, Dict, Iterator, List, Mapping, Optional, Set, Tuple

from label_studio_sdk import _rle
from label_studio_sdk.converter._urls import join_input_url
from label_studio_sdk.converter.brush import CHANNELS
from label_studio_sdk.converter.imports import (
    ImportInputError,
    ImportSummary,
    OnError,
    OutType,
    PathLike,
    Problems,
    check_on_error,
    check_out_type,
    region_id,
    setup_instructions,
    task_file,
)
from label_studio_sdk.converter.imports.label_config import generate_label_config, label_config_path

logger: logging.Logger = logging.getLogger(__name__)

_CHUNK = 1 << 18  # characters read at a time
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")  # a file_name that is already a URL is used as it is
_ITEMISED = frozenset({"images", "annotations"})
_START = object()  # marks the start of an itemised array


class CocoImportError(ImportInputError):
    """A COCO file that cannot be read, or (with ``on_error="raise"``) a malformed image or annotation."""


class _JsonReader:
    """The members of a JSON file's top-level object, the big arrays one element at a time."""

    def __init__(self, handle: IO[str], name: str) -> None:
        self._handle = handle
        self._name = name
        self._buffer = ""
        self._position = 0
        self._end_of_file = False
        self._decoder = json.JSONDecoder()

    def _error(self, what: str) -> CocoImportError:
        return CocoImportError(f"{self._name} is not a COCO JSON file: {what}")

    def _read_more(self, at_least: int) -> bool:
        if self._end_of_file:
            return False
        data = self._handle.read(max(_CHUNK, at_least))
        if not data:
            self._end_of_file = True
            return False
        self._buffer = self._buffer[self._position :] + data
        self._position = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            match = _WHITESPACE.match(self._buffer, self._position)
            assert match is not None
            self._position = match.end()
            if self._position < len(self._buffer):
                return self._buffer[self._position]
            if not self._read_more(0):
                return ""

    def take(self, expected: str) -> None:
        found = self.peek()
        if found != expected:
            raise self._error(f"expected {expected!r}, found {found or 'the end of the file'!r}")
        self._position += 1

    def value(self) -> Any:
        """The next JSON value; read until complete (a number at the end of the buffer may go on)."""
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._position)
                if end < len(self._buffer) or self._end_of_file:
                    self._position = end
                    return value
            except json.JSONDecodeError as exc:
                if self._end_of_file:
                    raise self._error(str(exc)) from None
            # Doubling what is buffered keeps the re-parsing of a long value linear overall.
            if not self._read_more(len(self._buffer) - self._position):
                continue  # at the end of the file now: one last attempt decides

    def members(self) -> Iterator[Tuple[str, Any, bool]]:
        """``(key, value, False)`` per member; for the arrays ``images`` and ``annotations``,
        ``(key, _START, False)`` and then ``(key, element, True)`` per element."""
        self.take("{")
        if self.peek() == "}":
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self._error("a member name is not a string")
            self.take(":")
            if key in _ITEMISED and self.peek() == "[":
                yield key, _START, False
                self.take("[")
                if self.peek() == "]":
                    self._position += 1
                else:
                    while True:
                        yield key, self.value(), True
                        if self.peek() == ",":
                            self._position += 1
                            continue
                        self.take("]")
                        break
            else:
                yield key, self.value(), False
            if self.peek() == ",":
                self._position += 1
                continue
            self.take("}")
            return


def _members(path: Path) -> Iterator[Tuple[str, Any, bool]]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            reader = _JsonReader(handle, str(path))
            if reader.peek() == "[":
                raise CocoImportError(
                    f"{path} holds a JSON list; a COCO dataset is an object of images, categories and annotations"
                )
            yield from reader.members()
    except (OSError, UnicodeDecodeError) as exc:
        raise CocoImportError(f"cannot read {path}: {exc}") from exc


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return value


_NUMERIC = frozenset({int, float})


def _numbers(items: Any) -> Optional[List[float]]:
    """``items`` when it is a list of finite numbers (checked with C loops: polygons are long), else None."""
    if (
        not isinstance(items, list)
        or not set(map(type, items)) <= _NUMERIC
        or not all(map(math.isfinite, items))
    ):
        return None
    return items


def decode_counts(counts: str) -> List[int]:
    """The run lengths of a compressed COCO RLE string (pycocotools' ``counts`` encoding)."""
    runs: List[int] = []
    position = 0
    while position < len(counts):
        value = shift = 0
        more = True
        while more:
            if position >= len(counts):
                raise ValueError("a compressed RLE ends inside a number")
            code = ord(counts[position]) - 48
            value |= (code & 0x1F) << shift
            more = bool(code & 0x20)
            position += 1
            shift += 5
            if not more and code & 0x10:
                value |= -1 << shift  # negative: sign-extend
        if len(runs) > 2:
            value += runs[-2]  # after the first two, each run is stored as a difference
        runs.append(value)
    return runs


def rle_mask(segmentation: Mapping[str, Any]) -> Tuple[bytes, int, int]:
    """The mask of a COCO RLE as row-major bytes (0 or 255), with its width and height."""
    size = segmentation.get("size")
    counts = segmentation.get("counts")
    if (
        not isinstance(size, list)
        or len(size) != 2
        or not all(isinstance(side, int) and side > 0 for side in size)
    ):
        raise ValueError(f"RLE size {size!r} is not [height, width]")
    height, width = size
    if isinstance(counts, str):
        runs = decode_counts(counts)
    elif isinstance(counts, list) and all(
        isinstance(run, int) and not isinstance(run, bool) for run in counts
    ):
        runs = counts
    else:
        raise ValueError("RLE counts are neither a string nor a list of integers")
    if any(run < 0 for run in runs) or sum(runs) != width * height:
        raise ValueError(f"RLE runs do not cover the {width}x{height} mask exactly")
    # COCO runs go down the columns, alternating background and mask, background first.
    column_major = bytearray(width * height)
    start = 0
    for index, run in enumerate(runs):
        if index % 2:
            column_major[start : start + run] = b"\xff" * run
        start += run
    return b"".join(bytes(column_major[row::height]) for row in range(height)), width, height


class _Image:
    """An image of the file: its task's URL, size, and where its converted regions are spooled."""

    __slots__ = ("captions", "height", "pieces", "url", "width")

    def __init__(self, url: str, width: Optional[float], height: Optional[float]) -> None:
        self.url = url
        self.width = width
        self.height = height
        self.pieces: List[Tuple[int, int]] = []  # (offset, length) of JSON text in the spool
        self.captions: List[str] = []


class _Converter:
    """COCO annotations to Label Studio results, for one file's categories and names."""

    def __init__(self, from_name: str, to_name: str, point_width: float, problems: Problems) -> None:
        self.names = {
            "rectanglelabels": f"{from_name}_rectangles",
            "polygonlabels": f"{from_name}polygons",
            "brushlabels": f"{from_name}_brushes",
            "keypointlabels": f"{from_name}_keypoints",
        }
        self.caption_name = f"{from_name}_caption"
        self.to_name = to_name
        self.point_width = point_width
        self.problems = problems
        self.categories: Dict[Any, str] = {}
        self.used: Set[str] = set()  # result types written

    def set_categories(self, categories: Any, use_super_categories: bool) -> None:
        if not isinstance(categories, list):
            self.problems("'categories' is not a list")
            return
        entries = []
        for position, category in enumerate(categories):
            name = category.get("name") if isinstance(category, dict) else None
            if not isinstance(name, str) or not name or not isinstance(category.get("id"), (int, str)):
                self.problems(f"category {position} has no id or name")
                continue
            group = category.get("supercategory")
            if use_super_categories and isinstance(group, str) and group:
                name = f"{group}:{name}"
            entries.append((category["id"], name))
        # By id when every id is an integer, as the labels were listed before.
        if all(isinstance(ident, int) and not isinstance(ident, bool) for ident, _ in entries):
            entries.sort(key=lambda entry: entry[0])
        for ident, name in entries:
            if ident in self.categories:
                self.problems(f"category id {ident!r} is given twice; the first one is kept")
                continue
            self.categories[ident] = name

    def _result(self, kind: str, ident: str, value: Dict[str, Any], image: _Image) -> Dict[str, Any]:
        self.used.add(kind)
        return {
            "id": ident,
            "type": kind,
            "value": value,
            "to_name": self.to_name,
            "from_name": self.names[kind],
            "image_rotation": 0,
            "original_width": image.width,
            "original_height": image.height,
        }

    def results(
        self, annotation: Mapping[str, Any], where: str, origin: str, image: _Image
    ) -> List[Dict[str, Any]]:
        """The results of one annotation (whose image has a size); problems are reported, not raised.
        ``where`` names the annotation in messages, ``origin`` seeds its region ids."""
        name = self.categories.get(annotation.get("category_id"))
        if name is None:
            self.problems(f"{where}: category_id {annotation.get('category_id')!r} is not in the categories")
            return []
        assert image.width is not None and image.height is not None
        width, height = image.width, image.height
        results: List[Dict[str, Any]] = []
        rectangle_id: Optional[str] = None
        bbox = annotation.get("bbox")
        if bbox is not None:
            numbers = _numbers(bbox)
            if numbers is None or len(numbers) != 4:
                self.problems(f"{where}: bbox {bbox!r} is not [x, y, width, height]")
            else:
                x, y, box_width, box_height = numbers
                rectangle_id = region_id("coco", origin, "bbox")
                value = {
                    "x": x / width * 100,
                    "y": y / height * 100,
                    "width": box_width / width * 100,
                    "height": box_height / height * 100,
                    "rotation": 0,
                    "rectanglelabels": [name],
                }
                results.append(self._result("rectanglelabels", rectangle_id, value, image))
        segmentation = annotation.get("segmentation")
        if isinstance(segmentation, list):
            results += self._polygons(segmentation, name, where, origin, image)
        elif isinstance(segmentation, dict):
            results += self._brush(segmentation, name, where, origin, image)
        elif segmentation is not None:
            self.problems(f"{where}: segmentation is neither polygons nor RLE")
        keypoints = annotation.get("keypoints")
        if keypoints is not None:
            results += self._keypoints(keypoints, name, where, origin, image, rectangle_id)
        return results

    def _polygons(
        self, polygons: List[Any], name: str, where: str, origin: str, image: _Image
    ) -> List[Dict[str, Any]]:
        results = []
        assert image.width is not None and image.height is not None
        width, height = image.width, image.height
        for index, flat in enumerate(polygons):
            numbers = _numbers(flat)
            if numbers is None or len(numbers) % 2 or len(numbers) < 6:
                self.problems(f"{where}: polygon {index} is not a list of 3 or more x, y pairs")
                continue
            points = [[x / width * 100, y / height * 100] for x, y in zip(numbers[0::2], numbers[1::2])]
            value = {"points": points, "polygonlabels": [name]}
            results.append(
                self._result("polygonlabels", region_id("coco", origin, "polygon", index), value, image)
            )
        return results

    def _brush(
        self, segmentation: Mapping[str, Any], name: str, where: str, origin: str, image: _Image
    ) -> List[Dict[str, Any]]:
        try:
            mask, mask_width, mask_height = rle_mask(segmentation)
        except ValueError as exc:
            self.problems(f"{where}: {exc}")
            return []
        if (mask_width, mask_height) != (image.width, image.height):
            self.problems(f"{where}: the {mask_width}x{mask_height} RLE mask does not match its image")
            return []
        rle = list(_rle.encode_runs(_rle.byte_runs(mask, repeat=CHANNELS)))
        value = {"format": "rle", "rle": rle, "brushlabels": [name]}
        return [self._result("brushlabels", region_id("coco", origin, "rle"), value, image)]

    def _keypoints(
        self, keypoints: Any, name: str, where: str, origin: str, image: _Image, parent: Optional[str]
    ) -> List[Dict[str, Any]]:
        numbers = _numbers(keypoints)
        if numbers is None or len(numbers) % 3:
            self.problems(f"{where}: keypoints are not a list of x, y, visibility triples")
            return []
        assert image.width is not None and image.height is not None
        results = []
        for index in range(0, len(numbers), 3):
            x, y, visibility = numbers[index : index + 3]
            value: Dict[str, Any] = {
                "x": x / image.width * 100,
                "y": y / image.height * 100,
                "width": self.point_width,
                "keypointlabels": [name],
            }
            if visibility < 2:
                value["hidden"] = True
            result = self._result(
                "keypointlabels", region_id("coco", origin, "keypoint", index // 3), value, image
            )
            if parent is not None:
                result["parentID"] = parent
            results.append(result)
        return results

    def tags(self) -> Dict[str, str]:
        tag_of = {
            "rectanglelabels": "RectangleLabels",
            "polygonlabels": "PolygonLabels",
            "brushlabels": "BrushLabels",
            "keypointlabels": "KeyPointLabels",
        }
        return {self.names[kind]: tag_of[kind] for kind in tag_of if kind in self.used}


class _Images:
    """The images of the file in order, found by id."""

    def __init__(self, image_root_url: str, problems: Problems) -> None:
        self.root = image_root_url
        self.problems = problems
        self.ordered: List[_Image] = []
        self.by_id: Dict[Any, _Image] = {}

    def add(self, position: int, entry: Any) -> None:
        file_name = entry.get("file_name") if isinstance(entry, dict) else None
        if not isinstance(file_name, str) or not file_name.strip():
            self.problems(f"image {position} has no file_name")
            return
        ident = entry.get("id")
        if ident is None or isinstance(ident, (dict, list)) or ident in self.by_id:
            self.problems(f"image {position} ({file_name}): its id {ident!r} is missing or already used")
            return
        url = file_name if _URL.match(file_name) else join_input_url(self.root, file_name)
        width, height = _number(entry.get("width")), _number(entry.get("height"))
        if width is None or height is None or width <= 0 or height <= 0:
            width = height = None  # its task is written; its annotations cannot be placed
        image = _Image(url, width, height)
        self.ordered.append(image)
        self.by_id[ident] = image


def _annotation_name(annotation: Mapping[str, Any], position: int) -> str:
    ident = annotation.get("id")
    return f"annotation {ident}" if isinstance(ident, (int, str)) else f"annotation #{position}"


class _Spool:
    """Converted results waiting for their image's task, in a temporary file (bytes, offsets kept here)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._size = 0

    def add(self, text: str) -> Tuple[int, int]:
        data = text.encode("utf-8")
        self._handle.write(data)
        piece = (self._size, len(data))
        self._size += len(data)
        return piece

    def texts(self, pieces: List[Tuple[int, int]]) -> List[str]:
        texts = []
        for offset, length in pieces:
            self._handle.seek(offset)
            texts.append(self._handle.read(length).decode("utf-8"))
        return texts


def _add_annotation(
    annotation: Any, position: int, images: _Images, converter: _Converter, spool: _Spool
) -> int:
    """Convert one annotation and spool its results under its image; the number of regions."""
    if not isinstance(annotation, dict):
        converter.problems(f"annotation #{position} is not an object")
        return 0
    where = _annotation_name(annotation, position)
    origin = f"{position}:{where}"  # the position keeps ids apart when a file repeats annotation ids
    image_id = annotation.get("image_id")
    image = images.by_id.get(image_id) if not isinstance(image_id, (dict, list)) else None
    if image is None:
        converter.problems(f"{where}: image_id {image_id!r} is not in the images")
        return 0
    caption = annotation.get("caption")
    if isinstance(caption, str) and not any(
        key in annotation for key in ("bbox", "segmentation", "keypoints")
    ):
        image.captions.append(caption)
        return 0
    if image.width is None:
        converter.problems(f"{where}: its image has no width and height")
        return 0
    results = converter.results(annotation, where, origin, image)
    if results:
        image.pieces.append(
            spool.add(", ".join(json.dumps(result, ensure_ascii=False) for result in results))
        )
    return len(results)


def _task_json(image: _Image, kind: OutType, results: List[str], caption_name: str, to_name: str) -> str:
    if image.captions:
        caption = {
            "id": region_id("coco", image.url, "caption"),
            "type": "textarea",
            "value": {"text": image.captions},
            "to_name": to_name,
            "from_name": caption_name,
        }
        results = [*results, json.dumps(caption, ensure_ascii=False)]
    data = json.dumps({"image": image.url}, ensure_ascii=False)
    return f'{{"data": {data}, "{kind}": [{{"result": [{", ".join(results)}], "ground_truth": false}}]}}'


def convert_coco_to_ls(
    input_file: PathLike,
    out_file: PathLike,
    to_name: str = "image",
    from_name: str = "label",
    out_type: str = "annotations",
    image_root_url: str = "/data/local-files/?d=",
    use_super_categories: bool = False,
    point_width: float = 1.0,
    *,
    on_error: OnError = "skip",
) -> ImportSummary:
    """Write the tasks of the COCO file ``input_file`` to ``out_file`` (a JSON list) and a labeling config
    to ``<out_file without .json>.label_config.xml``.

    Image URLs are ``image_root_url`` joined with each image's ``file_name``. Regions go into ``out_type``
    (``"annotations"`` or ``"predictions"``); ``use_super_categories`` names labels
    ``<supercategory>:<name>``; ``point_width`` is the size of keypoints. See the module docstring.
    """
    kind = check_out_type(out_type)
    problems = Problems(check_on_error(on_error), CocoImportError, logger)
    path = Path(input_file)
    converter = _Converter(from_name, to_name, point_width, problems)
    images = _Images(image_root_url, problems)
    seen: Set[str] = set()
    regions = image_count = 0
    deferred = False  # annotations came before the images or categories: a second pass converts them
    out_path = Path(out_file)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=out_path.parent) as spool_file:
        spool = _Spool(spool_file)
        position = 0
        for key, item, element in _members(path):
            if item is _START:
                seen.add(key)
                deferred = deferred or (key == "annotations" and not {"images", "categories"} <= seen)
            elif key in _ITEMISED and not element:
                problems(f"'{key}' is not a list")
            elif key == "images":
                images.add(image_count, item)
                image_count += 1
            elif key == "categories":
                seen.add(key)
                converter.set_categories(item, use_super_categories)
            elif key == "annotations" and not deferred:
                regions += _add_annotation(item, position, images, converter, spool)
                position += 1
        if "images" not in seen:
            raise CocoImportError(f"{path} has no 'images' list")
        if "annotations" in seen and "categories" not in seen:
            logger.warning("%s has no 'categories': only captions can be read", path)
        if deferred:
            logger.info("%s lists annotations before its images or categories: reading it again", path)
            position = 0
            for key, item, element in _members(path):
                if key == "annotations" and element:
                    regions += _add_annotation(item, position, images, converter, spool)
                    position += 1

        unlabelled = 0
        with task_file(out_path) as tasks:
            for image in images.ordered:
                if "annotations" not in seen:
                    unlabelled += 1
                    tasks.write({"data": {"image": image.url}})
                    continue
                results = spool.texts(image.pieces)
                tasks.write_json(_task_json(image, kind, results, converter.caption_name, to_name))
                image.pieces = []

    tags = converter.tags()
    if any(image.captions for image in images.ordered):
        tags[converter.caption_name] = "TextArea"
    if not tags:
        tags = {converter.names["rectanglelabels"]: "RectangleLabels"}
    config_file = label_config_path(out_path)
    config = generate_label_config(converter.categories, tags, to_name, filename=config_file)
    example = images.ordered[0].url if images.ordered else None
    summary = ImportSummary(
        tasks_file=out_path,
        label_config_file=config_file,
        label_config=config,
        tasks=tasks.count,
        regions=regions + sum(1 for image in images.ordered if image.captions),
        unlabelled=unlabelled,
        skipped=problems.count,
        instructions=setup_instructions(out_path, config_file, image_root_url, None, example),
    )
    logger.info(
        "wrote %d tasks (%d regions, %d records skipped) to %s",
        summary.tasks,
        summary.regions,
        summary.skipped,
        out_path,
    )
    logger.info("%s", summary.instructions)
    return summary
