"""The YOLO exports (YOLO, YOLO_OBB and their ``_WITH_IMAGES`` forms): one text file of labels per image.

The output folder holds ``classes.txt`` (class names, line i is class i), ``notes.json`` (the categories and
a short info block), ``images/`` (the task images when they are copied) and ``labels/<image stem>.txt``.
Each line of a label file is one region:

- a box: ``class cx cy w h``, normalised to 0..1; a rotated rectangle gives its axis-aligned bounding box;
- a polygon: ``class x1 y1 x2 y2 ...`` (YOLO segmentation);
- with ``oriented=True`` (YOLO_OBB) a box is ``class x1 y1 x2 y2 x3 y3 x4 y4``, its four corners from the
  top-left one, computed in pixels so the rotation is right for non-square images (a rectangle without
  ``rotation`` is an unrotated one);
- when the config has KeyPointLabels (the pose format): ``class cx cy w h`` followed by ``kx ky 2`` for each
  keypoint slot, or ``0.0 0.0 0`` when the box has no such point. Keypoints belong to the box their
  ``parentID`` names; the slots are the keypoint labels in ``model_index`` order, then the labels without
  one in config order. The classes are then the rectangle labels in config order; polygons are left out,
  since a pose label file cannot hold them.

A rotated box needs the image size: ``original_width``/``original_height`` of the result, else the size of
the image file when one is at hand. A region that cannot be placed (no x, no points, a rotation but no
size) is left out with a warning naming the task. A region with several labels gives one line per label. The exported annotation is the newest one of the
task by default (``choose``); an image with no annotations gets an empty label file. Label file names come
from ``MediaFile.stem``, unique in the export, so images that share a file name never share a label file;
when images are copied and one cannot be had, the task gets no label file (the resolver reports the task
and URL).
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import json
import logging
import os
import stat
from pathlib import Path
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
)

from label_studio_sdk._extensions.label_studio_tools.core.utils import io
from label_studio_sdk.converter import geometry
from label_studio_sdk.converter._deps import require
from label_studio_sdk.converter.categories import IMAGE_LABEL_TYPES, Categories
from label_studio_sdk.converter.exports._output import PathLike, prepare_dir, safe_subdir, write_file_atomic
from label_studio_sdk.converter.exports.coco import image_controls
from label_studio_sdk.converter.items import Choose, ControlIndex, ParsedConfig, annotation_items
from label_studio_sdk.converter.media import MediaFile, MediaResolver, MediaSettings, OnError

logger: logging.Logger = logging.getLogger(__name__)

CLASSES_FILE = "classes.txt"
NOTES_FILE = "notes.json"
IMAGES_DIR = "images"
LABELS_DIR = "labels"
LABEL_SUFFIX = ".txt"
MAX_STEM_BYTES = 251
"""A label file name, ``<stem>.txt``, stays within the usual 255-byte limit."""

_RECTANGLE_LABELS = "RectangleLabels"
_POLYGON_LABELS = "PolygonLabels"
_KEYPOINT_LABELS = "KeyPointLabels"
_LABELS = "Labels"
# Controls whose results can become label lines (Labels carries the geometry of a Rectangle or Polygon tool).
_REGION_CONTROLS = frozenset({_RECTANGLE_LABELS, _POLYGON_LABELS, _KEYPOINT_LABELS, _LABELS})
_POSE_CLASS_CONTROLS = (_RECTANGLE_LABELS, _LABELS)
_MISSING_KEYPOINT = " 0.0 0.0 0"

# Plain writes into our own labels folder: no temporary file and rename per label. O_NOFOLLOW refuses a
# link planted at the name; O_NONBLOCK keeps a planted FIFO from hanging the export.
_OPEN_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_TRUNC
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
_USE_DIR_FD = os.open in os.supports_dir_fd and os.mkdir in os.supports_dir_fd


# -- what the config asks for --------------------------------------------------------------------------


def _keypoint_slots(controls: Mapping[str, Mapping[str, Any]]) -> List[str]:
    """Keypoint labels in line order: by ``model_index``, then those without one in config order."""
    indexed: List[Tuple[int, int, str]] = []
    rest: List[str] = []
    for control in controls.values():
        if control.get("type") != _KEYPOINT_LABELS:
            continue
        attributes = control.get("labels_attrs") or {}
        for name in control.get("labels") or ():
            if name in rest or any(name == known for _, _, known in indexed):
                continue
            raw = (attributes.get(name) or {}).get("model_index")
            try:
                indexed.append((int(str(raw).strip()), len(indexed), name))
            except ValueError:
                rest.append(name)
    return [name for _, _, name in sorted(indexed)] + rest


# -- label lines -------------------------------------------------------------------------------------------


_LABEL_KEYS = {name: name.lower() for name in _REGION_CONTROLS}
_PLAIN_NUMBERS = (int, float)


def _rectangle(value: Mapping[str, Any]) -> Optional[geometry.Box]:
    """``geometry.rectangle_of`` with a fast path for the usual plain numbers (this runs for every box)."""
    x, y, width, height = value.get("x"), value.get("y"), value.get("width"), value.get("height")
    plain = _PLAIN_NUMBERS
    if type(x) in plain and type(y) in plain and type(width) in plain and type(height) in plain:
        return float(x), float(y), float(width), float(height)  # type: ignore[arg-type]
    return geometry.rectangle_of(value)


def _rotated(value: Mapping[str, Any]) -> bool:
    return bool(value.get("rotation")) and bool(geometry.rotation_of(value))


def _labels_of(value: Mapping[str, Any], control_type: str) -> List[str]:
    labels = value.get(_LABEL_KEYS.get(control_type) or control_type.lower())
    if not isinstance(labels, list):
        return []
    return [label for label in labels if isinstance(label, str)]


def _shape_of(value: Mapping[str, Any], control_type: str) -> Optional[str]:
    """``"box"``, ``"polygon"`` or None (a region no YOLO line can hold, such as a keypoint with Labels)."""
    if control_type == _RECTANGLE_LABELS:
        return "box"
    if control_type == _POLYGON_LABELS:
        return "polygon"
    if control_type == _LABELS:
        if "points" in value:
            return "polygon"
        if "height" in value:
            return "box"
    return None


class _Task:
    """One task being written: its id for messages and its image size, read from the file only if needed."""

    __slots__ = ("_size", "_size_read", "media", "task_id")

    def __init__(self, task_id: Any, media: MediaFile) -> None:
        self.task_id = task_id
        self.media = media
        self._size: Optional[Tuple[float, float]] = None
        self._size_read = False

    def size_for(self, value: Mapping[str, Any]) -> Optional[Tuple[float, float]]:
        """The image size from the result, else from the image file (with Pillow), else None."""
        size = geometry.image_size_of(value)
        if size is not None:
            return size
        if not self._size_read:
            self._size_read = True
            path = self.media.path
            if path is not None and path.is_file():
                image_module = require("PIL.Image", purpose="reading the size of an image")
                try:
                    with image_module.open(path) as image:
                        self._size = (float(image.width), float(image.height))
                except (OSError, ValueError) as exc:
                    logger.warning("task %s: cannot read the size of %s: %s", self.task_id, path, exc)
        return self._size

    def skip(self, control: Any, what: str) -> None:
        logger.warning("task %s: a region of %r has %s; it is left out", self.task_id, control, what)


def _with_size(value: Mapping[str, Any], size: Tuple[float, float]) -> Dict[str, Any]:
    return {**value, "original_width": size[0], "original_height": size[1]}


def _axis_aligned_box(value: Mapping[str, Any], task: _Task, from_name: str) -> Optional[geometry.Box]:
    """The box in percent (the bounding box of a rotated one), or None (with a warning) when it is incomplete."""
    box = _rectangle(value)
    if box is None:
        task.skip(from_name, "no numeric x/y/width/height")
        return None
    if _rotated(value):
        size = task.size_for(value)
        if size is None:
            task.skip(from_name, "a rotation but no image size (original_width/original_height)")
            return None
        box = geometry.rotated_rectangle(_with_size(value, size))
    return box


def _box_coordinates(value: Mapping[str, Any], task: _Task, from_name: str) -> Optional[str]:
    """``cx cy w h`` of a detection line."""
    x, y, width, height = value.get("x"), value.get("y"), value.get("width"), value.get("height")
    plain = _PLAIN_NUMBERS
    if (
        type(x) in plain
        and type(y) in plain
        and type(width) in plain
        and type(height) in plain
        and not value.get("rotation")
    ):
        # The usual unrotated box of plain numbers, without the general path's calls.
        x, y, width, height = float(x), float(y), float(width), float(height)  # type: ignore[arg-type]
    else:
        box = _axis_aligned_box(value, task, from_name)
        if box is None:
            return None
        x, y, width, height = box
    # The same arithmetic as geometry.convert_annotation_to_yolo, so the numbers match earlier releases.
    return f"{(x + width / 2) / 100} {(y + height / 2) / 100} {width / 100} {height / 100}"


def _pose_box_coordinates(value: Mapping[str, Any], task: _Task, from_name: str) -> Optional[str]:
    """``cx cy w h`` of a pose line; earlier releases rounded the centre differently here, and so do we."""
    box = _axis_aligned_box(value, task, from_name)
    if box is None:
        return None
    x, y, width, height = box
    return f"{x / 100 + width / 100 / 2} {y / 100 + height / 100 / 2} {width / 100} {height / 100}"


def _obb_coordinates(value: Mapping[str, Any], task: _Task, from_name: str) -> Optional[str]:
    """``x1 y1 ... x4 y4`` of a box's corners, normalised; None (with a warning) when it cannot be placed."""
    box = _rectangle(value)
    if box is None:
        task.skip(from_name, "no numeric x/y/width/height")
        return None
    size = task.size_for(value)
    if size is not None:
        image_width, image_height = size
        x, y, width, height = box
        # Percent to pixels as x / 100 * W (not x * W / 100), so the corners match earlier releases to the bit.
        pixels = geometry.corners(
            x / 100 * image_width,
            y / 100 * image_height,
            width / 100 * image_width,
            height / 100 * image_height,
            geometry.rotation_of(value),
        )
        points = [(px / image_width, py / image_height) for px, py in pixels]
    elif not geometry.rotation_of(value):
        points = [(px / 100, py / 100) for px, py in geometry.corners(*box, 0.0)]
    else:
        task.skip(from_name, "a rotation but no image size (original_width/original_height)")
        return None
    return " ".join(f"{px} {py}" for px, py in points)


def _polygon_coordinates(value: Mapping[str, Any], task: _Task, from_name: str) -> Optional[str]:
    points = geometry.polygon_points(value)
    if points is None:
        task.skip(from_name, "no valid points (three or more [x, y] pairs)")
        return None
    return " ".join(f"{px / 100} {py / 100}" for px, py in points)


class _LineMaker:
    """Turns one annotation's regions into label lines, for the plain, oriented or pose layout."""

    def __init__(
        self, classes: Categories, oriented: bool, slots: Optional[List[str]], index: ControlIndex
    ) -> None:
        self.classes = classes
        self.oriented = oriented
        self.slots = slots
        self.index = index
        self._warned_pose_polygons = False

    def lines(self, output: Mapping[str, List[Dict[str, Any]]], task: _Task) -> List[str]:
        """The lines of an item's ``output`` (plain and oriented layouts)."""
        lines: List[str] = []
        box_coordinates = _obb_coordinates if self.oriented else _box_coordinates
        id_of = self.classes.id_of
        for from_name, values in output.items():
            for value in values:
                control_type = value.get("type")
                if type(control_type) is not str:
                    control_type = str(control_type)
                shape = "box" if control_type == _RECTANGLE_LABELS else _shape_of(value, control_type)
                if shape is None:
                    continue  # an unlabelled tool's half of a Rectangle + Labels pair, a brush, and so on
                labels = _labels_of(value, control_type)
                if not labels:
                    continue
                if shape == "box":
                    coordinates = box_coordinates(value, task, from_name)
                else:
                    coordinates = _polygon_coordinates(value, task, from_name)
                if coordinates is None:
                    continue
                if len(labels) == 1:
                    lines.append(f"{id_of(labels[0])} {coordinates}\n")
                else:
                    lines.extend(f"{id_of(label)} {coordinates}\n" for label in labels)
        return lines

    def pose_lines(self, results: Iterable[Any], task: _Task) -> List[str]:
        """The pose lines of an annotation's raw results: each box with the keypoints whose parentID is its id."""
        assert self.slots is not None
        boxes: Dict[str, List[Tuple[Any, Dict[str, Any], str]]] = {}  # by from_name, in first-seen order
        points: Dict[Any, Dict[str, str]] = {}
        for result in results:
            if not isinstance(result, Mapping) or not isinstance(result.get("value"), Mapping):
                continue
            from_name = result.get("from_name")
            control = self.index.find(from_name) if isinstance(from_name, str) else None
            if control is None:
                continue
            control_type = str(control.get("type"))
            value = dict(result["value"])
            for size_key in ("original_width", "original_height"):
                if size_key in result:
                    value[size_key] = result[size_key]
            if control_type == _KEYPOINT_LABELS:
                self._add_point(points, result.get("parentID"), value, task, from_name)
                continue
            shape = _shape_of(value, control_type)
            if shape == "box":
                boxes.setdefault(str(from_name), []).append((result.get("id"), value, control_type))
            elif shape == "polygon" and not self._warned_pose_polygons:
                self._warned_pose_polygons = True
                logger.warning("polygons cannot be written in the YOLO pose format; they are left out")
        lines: List[str] = []
        for from_name, entries in boxes.items():
            for region_id, value, control_type in entries:
                labels = _labels_of(value, control_type)
                if not labels:
                    continue
                coordinates = _pose_box_coordinates(value, task, from_name)
                if coordinates is None:
                    continue
                found = points.get(region_id, {}) if region_id is not None else {}
                keypoints = "".join(
                    f" {found[slot]} 2" if slot in found else _MISSING_KEYPOINT for slot in self.slots
                )
                lines.extend(f"{self.classes.id_of(label)} {coordinates}{keypoints}\n" for label in labels)
        return lines

    @staticmethod
    def _add_point(
        points: Dict[Any, Dict[str, str]], parent: Any, value: Mapping[str, Any], task: _Task, from_name: Any
    ) -> None:
        if parent is None:
            return  # a keypoint of no box has no line to join
        x, y = geometry.as_number(value.get("x")), geometry.as_number(value.get("y"))
        if x is None or y is None:
            task.skip(from_name, "no numeric x/y")
            return
        for label in _labels_of(value, _KEYPOINT_LABELS):
            points.setdefault(parent, {})[label] = f"{x / 100} {y / 100}"  # a later point of a label wins


# -- which annotations --------------------------------------------------------------------------------


def _raw_annotations(task: Mapping[str, Any]) -> Optional[List[Any]]:
    annotations = task.get("annotations")
    if annotations is None:
        annotations = task.get("completions")
    return annotations if isinstance(annotations, list) else None


def _raw_results(
    task: Mapping[str, Any], items: Sequence[Mapping[str, Any]], choose: Choose
) -> List[List[Any]]:
    """The result lists of the annotations the items were made from (the pose format needs ids and parentID)."""
    candidates = [
        annotation
        for annotation in _raw_annotations(task) or ()
        if isinstance(annotation, Mapping)
        and not annotation.get("was_cancelled")
        and not annotation.get("skipped")
    ]
    used: Set[int] = set()
    found: List[List[Any]] = []
    for item in items:
        order = range(len(candidates) - 1, -1, -1) if choose == "oldest" else range(len(candidates))
        for position in order:
            annotation = candidates[position]
            if (
                position not in used
                and annotation.get("id") == item.get("annotation_id")
                and annotation.get("created_at") == item.get("created_at")
            ):
                used.add(position)
                results = annotation.get("result")
                found.append(results if isinstance(results, list) else [])
                break
        else:
            found.append([])  # an unannotated task's stand-in item
    return found


def labeler_folder(completed_by: Any) -> Optional[str]:
    """The sub-folder of an annotator's labels with ``split_labelers``: the user id, else the email, sanitised."""
    if isinstance(completed_by, Mapping):
        ident = completed_by.get("id")
        completed_by = ident if ident is not None else completed_by.get("email")
    if completed_by is None or completed_by == "" or isinstance(completed_by, bool):
        return None
    name = io._safe_filename(str(completed_by))
    return name if name and name not in (".", "..") else None


def _by_labeler(items: List[Dict[str, Any]], choose: Choose) -> List[Tuple[str, List[Dict[str, Any]]]]:
    """Items grouped by annotator (newest first within a group), with ``choose`` applied to each group."""
    groups: Dict[str, List[Dict[str, Any]]] = {}
    for item in items:
        folder = labeler_folder(item.get("completed_by"))
        if folder is None:
            logger.warning(
                "task %s: annotation %s has no annotator; split_labelers leaves it out",
                item.get("id"),
                item.get("annotation_id"),
            )
            continue
        groups.setdefault(folder, []).append(item)
    if choose == "newest":
        return [(folder, group[:1]) for folder, group in groups.items()]
    if choose == "oldest":
        return [(folder, group[-1:]) for folder, group in groups.items()]
    return list(groups.items())


# -- label files ----------------------------------------------------------------------------------------


def _safe_stem(stem: str) -> str:
    """``stem`` as one harmless file-name component of at most ``MAX_STEM_BYTES`` bytes."""
    if not stem or stem in (".", "..") or "/" in stem or "\\" in stem or "\x00" in stem:
        stem = io._safe_filename(stem) or "image"
    if len(stem) <= MAX_STEM_BYTES // 4:
        return stem  # short enough in any encoding (UTF-8 takes at most 4 bytes a character)
    encoded = stem.encode("utf-8", "surrogatepass")
    if len(encoded) > MAX_STEM_BYTES:
        stem = encoded[:MAX_STEM_BYTES].decode("utf-8", "ignore")
    return stem


class _LabelFolder:
    """Writes ``<stem>.txt`` files directly inside one folder (through a descriptor of it where the OS allows)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._prefix = str(directory) + os.sep
        self._fd: Optional[int] = os.open(directory, _DIR_FLAGS) if _USE_DIR_FD else None
        self._stems: Set[int] = set()
        self._subfolders: Dict[str, str] = {}
        self.written = 0

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def claim_stem(self, stem: str, url: str, task_id: Any) -> str:
        """A stem no other image of this export has (``a.jpg`` and ``a.png`` would both want ``a.txt``)."""
        stem = _safe_stem(stem)
        key = self._key(stem)
        if key not in self._stems:
            self._stems.add(key)
            return stem
        candidate, attempt = stem, 0
        while self._key(candidate) in self._stems:
            attempt += 1
            digest = hashlib.md5(url.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()[:8]
            suffix = digest if attempt == 1 else f"{digest}_{attempt}"
            candidate = _safe_stem(f"{stem[: MAX_STEM_BYTES - 24]}__{suffix}")
        logger.warning(
            "task %s: another image already has the label file %s%s; this one is %s%s",
            task_id,
            stem,
            LABEL_SUFFIX,
            candidate,
            LABEL_SUFFIX,
        )
        self._stems.add(self._key(candidate))
        return candidate

    @staticmethod
    def _key(stem: str) -> int:
        # Case-folded, so label files stay distinct on case-insensitive filesystems. ``hash`` of a str is a
        # 64-bit SipHash: a false match (about once in 2**64 pairs) only gives a stem a digest suffix.
        return hash(stem.casefold())

    def subfolder(self, name: str) -> str:
        """The relative path of a (checked) sub-folder, created on first use."""
        known = self._subfolders.get(name)
        if known is not None:
            return known
        try:
            if self._fd is not None:
                os.mkdir(name, dir_fd=self._fd)
            else:
                os.mkdir(self._prefix + name)
        except FileExistsError:
            pass
        info = os.lstat(name, dir_fd=self._fd) if self._fd is not None else os.lstat(self._prefix + name)
        if not stat.S_ISDIR(info.st_mode):
            raise OSError(
                errno.ENOTDIR, f"{self._prefix + name} is not a folder (a link or a file is in the way)"
            )
        relative = self._subfolders[name] = name + os.sep
        return relative

    def write(self, relative: str, data: bytes) -> None:
        """Write ``data`` to ``relative`` (``stem.txt`` or ``sub/stem.txt``), replacing a link or odd file there."""
        try:
            fd = self._open(relative, _OPEN_FLAGS)
        except OSError:
            if not self._replaceable(relative):
                raise
            self._unlink(relative)
            fd = self._open(relative, _OPEN_FLAGS | os.O_EXCL)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        self.written += 1

    def _open(self, relative: str, flags: int) -> int:
        if self._fd is not None:
            return os.open(relative, flags, 0o666, dir_fd=self._fd)
        return os.open(self._prefix + relative, flags, 0o666)

    def _replaceable(self, relative: str) -> bool:
        try:
            info = (
                os.lstat(relative, dir_fd=self._fd)
                if self._fd is not None
                else os.lstat(self._prefix + relative)
            )
        except OSError:
            return False
        return not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode)

    def _unlink(self, relative: str) -> None:
        if self._fd is not None:
            os.unlink(relative, dir_fd=self._fd)
        else:
            os.unlink(self._prefix + relative)


# -- the export -----------------------------------------------------------------------------------------


def _folder(output_dir: Path, given: Optional[PathLike], default: str) -> Path:
    """The caller's folder (as given, like earlier releases) or ``<output_dir>/<default>``."""
    if given is None:
        return safe_subdir(output_dir, default)
    directory = Path(given)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _notes(entries: List[Dict[str, Any]], slots: Optional[List[str]]) -> str:
    categories = [dict(entry, keypoints=list(slots)) for entry in entries] if slots is not None else entries
    info = {"year": datetime.datetime.now().year, "version": "1.0", "contributor": "Label Studio"}
    return json.dumps({"categories": categories, "info": info}, indent=2)


def _classes_text(names: List[str]) -> str:
    return "".join(f"{name}\n" for name in names)


def write_yolo(
    tasks: Iterable[Mapping[str, Any]],
    parsed_config: ParsedConfig,
    output_dir: PathLike,
    *,
    media: MediaSettings,
    copy_images: bool,
    oriented: bool = False,
    image_dir: Optional[PathLike] = None,
    label_dir: Optional[PathLike] = None,
    choose: Choose = "newest",
    split_labelers: bool = False,
    on_error: OnError = "skip",
) -> Path:
    """Write a YOLO dataset of ``tasks`` into ``output_dir`` and return ``output_dir``.

    ``copy_images`` copies each task's image into ``images/`` (``image_dir``); ``oriented`` writes oriented
    boxes (YOLO_OBB). ``split_labelers`` writes ``labels/<annotator>/<stem>.txt`` with ``choose`` applied to
    each annotator's annotations. ``choose="all"`` writes the regions of every annotation into the file.
    """
    image_key, controls = image_controls(parsed_config, "YOLO", _REGION_CONTROLS)
    index = ControlIndex(controls)
    pose = any(control.get("type") == _KEYPOINT_LABELS for control in controls.values())
    slots: Optional[List[str]] = None
    classes: Categories
    if pose:
        slots = _keypoint_slots(controls)
        classes = Categories(parsed_config, _POSE_CLASS_CONTROLS, order="config")
        if not any(control.get("type") in _POSE_CLASS_CONTROLS for control in controls.values()):
            logger.warning(
                "the config has KeyPointLabels but no RectangleLabels; pose lines need boxes, so none are written"
            )
    else:
        classes = Categories(parsed_config, IMAGE_LABEL_TYPES)
    maker = _LineMaker(classes, oriented, slots, index)

    root = prepare_dir(output_dir)
    images = _folder(root, image_dir, IMAGES_DIR)
    folder = _LabelFolder(_folder(root, label_dir, LABELS_DIR))
    resolver: MediaResolver[Tuple[Mapping[str, Any], List[Dict[str, Any]]]] = MediaResolver(
        media, copy_into=images if copy_images else None, on_error=on_error
    )

    def with_items() -> Iterator[Tuple[Mapping[str, Any], List[Dict[str, Any]]]]:
        for task in tasks:
            items = list(annotation_items(task, index, choose="all" if split_labelers else choose))
            if items:  # tasks without usable annotations get no file (and no download)
                yield task, items

    def url_of(pending: Tuple[Mapping[str, Any], List[Dict[str, Any]]]) -> Optional[Tuple[str, Any]]:
        task = pending[0]
        data = task.get("data")
        url = data.get(image_key) if isinstance(data, Mapping) else None
        if not isinstance(url, str) or not url:
            logger.warning("task %s has no image under %r; it is left out", task.get("id"), image_key)
            return None
        return url, task.get("id")

    lines_of: Callable[[Mapping[str, Any], List[Dict[str, Any]], _Task], List[str]]
    if pose:

        def lines_of(task: Mapping[str, Any], items: List[Dict[str, Any]], state: _Task) -> List[str]:
            results = _raw_results(task, items, choose)
            return [line for found in results for line in maker.pose_lines(found, state)]

    else:

        def lines_of(task: Mapping[str, Any], items: List[Dict[str, Any]], state: _Task) -> List[str]:
            return [line for item in items for line in maker.lines(item["output"], state)]

    skipped = 0
    try:
        for (task, items), media_file in resolver.resolve(with_items(), url_of):
            if media_file is None or (copy_images and media_file.path is None):
                skipped += 1  # no image: reported by url_of or by the resolver
                continue
            task_id = task.get("id")
            if split_labelers and _raw_annotations(task) == []:
                logger.warning(
                    "task %s has no annotations, so no annotator; split_labelers leaves it out", task_id
                )
                continue
            state = _Task(task_id, media_file)
            file_name = folder.claim_stem(media_file.stem, media_file.url, task_id) + LABEL_SUFFIX
            if not split_labelers:
                folder.write(file_name, "".join(lines_of(task, items, state)).encode("utf-8"))
                continue
            for labeler, group in _by_labeler(items, choose):
                content = "".join(lines_of(task, group, state)).encode("utf-8")
                folder.write(folder.subfolder(labeler) + file_name, content)
    finally:
        folder.close()

    write_file_atomic(root / CLASSES_FILE, _classes_text(classes.names_by_id()))
    write_file_atomic(root / NOTES_FILE, _notes(classes.entries(), slots))
    logger.info(
        "YOLO export: %d label files in %s; %d tasks left out, %d images missing",
        folder.written,
        folder.directory,
        skipped,
        resolver.failures,
    )
    return root
