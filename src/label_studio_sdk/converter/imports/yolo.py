"""YOLO datasets to Label Studio tasks: one task per image, its label file's lines as regions.

The dataset folder holds ``classes.txt`` (a class name per line; the line number is the class id),
``images/`` and ``labels/``. Images are searched in sub-folders too (hidden files and folders aside), and
the labels of ``images/train/a.jpg`` are read from ``labels/train/a.txt``. Extensions match whatever
their case. An image without a label file becomes a task without annotations; an empty label file gives
an annotation with no regions.

What a label line holds is told by its number of columns (class id, then coordinates normalised to 0..1):

- 5: a box ``class cx cy w h``; 6: the same plus a score;
- 9: an oriented box ``class x1 y1 x2 y2 x3 y3 x4 y4`` (a 4-point polygon with ``obb=False``); 10: plus a score;
- any other count from 7: a polygon ``class x1 y1 x2 y2 ...``, with a score last when the count is even.

Pose lines (a box followed by keypoints) cannot be told from polygons by their columns and are not
supported. A malformed line is skipped with a warning naming the file and line (``on_error="raise"``
raises ``YoloImportError`` instead); coordinates outside 0..1 (by more than 0.01) count as malformed,
since they usually mean pixel coordinates or a pose line.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

from label_studio_sdk.converter._deps import require
from label_studio_sdk.converter._urls import join_input_url
from label_studio_sdk.converter.geometry import convert_yolo_obb_to_annotation
from label_studio_sdk.converter.imports import (
    ImportInputError,
    ImportSummary,
    OnError,
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

_TOLERANCE = 0.01  # how far outside 0..1 a normalised coordinate may stray (rounding in other tools)
_ORIENTATION_TAG = 0x0112  # EXIF orientation; 5..8 mean the image is shown turned by 90 degrees
_EXAMPLES = 5


class YoloImportError(ImportInputError):
    """A YOLO dataset that cannot be read: a missing part, or (with ``on_error="raise"``) a malformed line."""


class _BadLine(Exception):
    """A label line that cannot be read; the message says why."""


class _UnreadableImage(Exception):
    """An image whose size Pillow cannot read; the message names it."""


def read_classes(path: Path) -> List[Optional[str]]:
    """Class names by id from ``classes.txt``; a blank line (or the ``__unused_<id>__`` placeholder our YOLO
    export writes) is an id without a class. Trailing blank lines are ignored."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise YoloImportError(f"{path} is missing: a YOLO dataset lists its class names there") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise YoloImportError(f"cannot read {path}: {exc}") from exc
    names: List[Optional[str]] = []
    for line in text.split("\n"):
        name = line.strip()
        unused = not name or (name.startswith("__unused_") and name.endswith("__"))
        names.append(None if unused else name)
    while names and names[-1] is None:
        names.pop()
    return names


def image_extensions(image_ext: str) -> FrozenSet[str]:
    """``".jpg,jpeg, .PNG"`` as ``{".jpg", ".jpeg", ".png"}``."""
    extensions = set()
    for item in image_ext.split(","):
        item = item.strip().lower()
        if item:
            extensions.add(item if item.startswith(".") else "." + item)
    if not extensions:
        raise ValueError(f"image_ext names no extension: {image_ext!r}")
    return frozenset(extensions)


def image_files(images_dir: Path, extensions: FrozenSet[str]) -> Iterator[Path]:
    """The images under ``images_dir`` in a stable order: each folder's files by name, then its sub-folders."""
    for folder, sub_folders, files in os.walk(images_dir):
        sub_folders[:] = sorted(name for name in sub_folders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in extensions:
                yield Path(folder, name)


class _ImageSizes:
    """Image sizes as Label Studio shows the images: ``image_dims`` for all, or each file's, read by Pillow
    (imported when first needed) with its EXIF orientation applied, as browsers do."""

    def __init__(self, image_dims: Optional[Sequence[float]]) -> None:
        self.fixed: Optional[Tuple[float, float]] = None
        if image_dims is not None:
            width, height = image_dims
            if not (width > 0 and height > 0):
                raise ValueError(
                    f"image_dims must be two positive numbers (width, height), not {image_dims!r}"
                )
            self.fixed = (width, height)
        self._pillow: Optional[ModuleType] = None

    def of(self, path: Path) -> Tuple[float, float]:
        """The ``(width, height)`` of the image at ``path``; ``_UnreadableImage`` when Pillow cannot read it."""
        if self.fixed is not None:
            return self.fixed
        if self._pillow is None:
            self._pillow = require(
                "PIL.Image", purpose="YOLO import without image_dims (to read image sizes)"
            )
        pillow = self._pillow
        try:
            with pillow.open(path) as image:
                width, height = image.size
                orientation = image.getexif().get(_ORIENTATION_TAG)
        except (OSError, ValueError, pillow.DecompressionBombError) as exc:
            raise _UnreadableImage(f"{path}: cannot read the image size ({exc}); pass image_dims") from exc
        return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _class_id(token: str) -> int:
    try:
        return int(token)
    except ValueError:
        number = float(token)  # "3.0" from tools that write every column as a float
        if not number.is_integer():
            raise ValueError(token) from None
        return int(number)


class _LineReader:
    """Turns label lines into Label Studio results for one dataset's classes and names."""

    def __init__(self, classes: List[Optional[str]], from_name: str, to_name: str, obb: bool) -> None:
        self.classes = classes
        self.from_name = from_name
        self.polygon_name = f"{from_name}_polygons"
        self.to_name = to_name
        self.obb = obb
        self.tags: Dict[str, str] = {}

    def parse(self, line: str) -> Tuple[str, str, List[float], Optional[float]]:
        """``(kind, class name, coordinates, score)`` of a line; ``_BadLine`` saying what is wrong."""
        tokens = line.split()
        if len(tokens) < 5:
            raise _BadLine(f"{len(tokens)} columns; a line needs a class and at least 4 coordinates")
        try:
            class_id = _class_id(tokens[0])
        except ValueError:
            raise _BadLine(f"the class {tokens[0]!r} is not an integer") from None
        try:
            numbers = [float(token) for token in tokens[1:]]
        except ValueError:
            raise _BadLine(f"not a number in {line.strip()!r}") from None
        if not all(math.isfinite(number) for number in numbers):
            raise _BadLine(f"not a finite number in {line.strip()!r}")
        score = numbers.pop() if len(tokens) % 2 == 0 else None
        if len(numbers) == 4:
            kind = "box"
        elif len(numbers) == 8 and self.obb:
            kind = "obb"
        else:
            kind = "polygon"
        if any(not -_TOLERANCE <= number <= 1 + _TOLERANCE for number in numbers):
            raise _BadLine("a coordinate is outside 0..1 (pixel coordinates, or a pose line?)")
        if kind == "box" and (numbers[2] < 0 or numbers[3] < 0):
            raise _BadLine("a negative box width or height")
        if not 0 <= class_id < len(self.classes) or self.classes[class_id] is None:
            raise _BadLine(f"class {class_id} is not in classes.txt")
        name = self.classes[class_id]
        assert name is not None
        return kind, name, numbers, score

    def result(
        self, kind: str, name: str, numbers: List[float], size: Tuple[float, float], ident: str
    ) -> Dict[str, Any]:
        width, height = size
        value: Dict[str, Any]
        if kind == "box":
            center_x, center_y, box_width, box_height = numbers
            value = {
                "x": (center_x - box_width / 2) * 100,
                "y": (center_y - box_height / 2) * 100,
                "width": box_width * 100,
                "height": box_height * 100,
                "rotation": 0,
            }
        elif kind == "obb":
            corners = [
                coordinate * (width if index % 2 == 0 else height) for index, coordinate in enumerate(numbers)
            ]
            box = convert_yolo_obb_to_annotation(corners, width, height)
            value = {key: box[key] for key in ("x", "y", "width", "height", "rotation")}
        else:
            points = [[x * 100, y * 100] for x, y in zip(numbers[0::2], numbers[1::2])]
            value = {"points": points}
        result_type = "polygonlabels" if kind == "polygon" else "rectanglelabels"
        control = self.polygon_name if kind == "polygon" else self.from_name
        self.tags[control] = "PolygonLabels" if kind == "polygon" else "RectangleLabels"
        value[result_type] = [name]
        return {
            "id": ident,
            "type": result_type,
            "value": value,
            "to_name": self.to_name,
            "from_name": control,
            "image_rotation": 0,
            "original_width": width,
            "original_height": height,
        }


def _label_results(
    label_path: Path,
    label_name: str,
    image_path: Path,
    reader: _LineReader,
    sizes: _ImageSizes,
    problems: Problems,
) -> Optional[List[Dict[str, Any]]]:
    """The results of one label file; None when the file (or its image's size) cannot be read."""
    try:
        text = label_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems(f"{label_path}: cannot read the label file ({exc})")
        return None
    results: List[Dict[str, Any]] = []
    size: Optional[Tuple[float, float]] = None
    for number, line in enumerate(text.split("\n"), 1):  # as editors count lines (not splitlines)
        if not line.strip():
            continue
        try:
            kind, name, coordinates, score = reader.parse(line)
        except _BadLine as exc:
            problems(f"{label_path}, line {number}: {exc}")
            continue
        if size is None:
            try:
                size = sizes.of(image_path)
            except _UnreadableImage as exc:
                problems(f"{exc}; its labels are left out")
                return None
        result = reader.result(kind, name, coordinates, size, region_id("yolo", label_name, number))
        if score is not None:
            result["score"] = score
        results.append(result)
    return results


def _orphan_labels(labels_dir: Path, used: Set[str]) -> List[str]:
    """Label files (relative paths) that no image read."""
    orphans = []
    for folder, sub_folders, files in os.walk(labels_dir):
        sub_folders[:] = sorted(name for name in sub_folders if not name.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(".txt"):
                continue
            relative = Path(folder, name).relative_to(labels_dir).as_posix()
            if relative not in used:
                orphans.append(relative)
    return orphans


def convert_yolo_to_ls(
    input_dir: PathLike,
    out_file: PathLike,
    to_name: str = "image",
    from_name: str = "label",
    out_type: str = "annotations",
    image_root_url: str = "/data/local-files/?d=images",
    image_ext: str = ".jpg,.jpeg,.png",
    image_dims: Optional[Sequence[float]] = None,
    *,
    obb: bool = True,
    on_error: OnError = "skip",
) -> ImportSummary:
    """Write the tasks of the YOLO dataset in ``input_dir`` to ``out_file`` (a JSON list) and a labeling
    config to ``<out_file without .json>.label_config.xml``.

    Image URLs are ``image_root_url`` joined with each image's path under ``images/``. Regions go into
    ``out_type`` (``"annotations"`` or ``"predictions"``): boxes and oriented boxes in the ``from_name``
    RectangleLabels, polygons in ``<from_name>_polygons``. Image sizes come from ``image_dims``
    ``(width, height)`` when given, else from the files (Pillow needed). See the module docstring for the
    line formats, ``obb`` and ``on_error``.
    """
    kind = check_out_type(out_type)
    problems = Problems(check_on_error(on_error), YoloImportError, logger)
    root = Path(input_dir)
    images_dir, labels_dir = root / "images", root / "labels"
    classes = read_classes(root / "classes.txt")
    if not images_dir.is_dir():
        raise YoloImportError(f"{images_dir} is not a folder: a YOLO dataset keeps its images there")
    if not labels_dir.is_dir():
        logger.warning("%s is not a folder: every image becomes a task without annotations", labels_dir)
    extensions = image_extensions(image_ext)
    sizes = _ImageSizes(image_dims)
    reader = _LineReader(classes, from_name, to_name, obb)
    used: Set[str] = set()
    regions = unlabelled = 0
    example: Optional[str] = None
    with task_file(out_file) as tasks:
        for image_path in image_files(images_dir, extensions):
            relative = image_path.relative_to(images_dir)
            url = join_input_url(image_root_url, *relative.parts)
            example = example or url
            task: Dict[str, Any] = {"data": {"image": url}}
            label_name = relative.with_suffix(".txt").as_posix()
            label_path = labels_dir / label_name
            results = None
            if label_path.is_file():
                used.add(label_name)
                results = _label_results(label_path, label_name, image_path, reader, sizes, problems)
            if results is None:
                unlabelled += 1
            else:
                entry: Dict[str, Any] = {"result": results, "ground_truth": False}
                scores = [result["score"] for result in results if "score" in result]
                if kind == "predictions" and scores:
                    entry["score"] = sum(scores) / len(scores)
                task[kind] = [entry]
                regions += len(results)
            tasks.write(task)
    if labels_dir.is_dir():
        orphans = _orphan_labels(labels_dir, used)
        if orphans:
            logger.warning(
                "%d label files have no image with an extension of %s under %s (e.g. %s)",
                len(orphans),
                ", ".join(sorted(extensions)),
                images_dir,
                ", ".join(orphans[:_EXAMPLES]),
            )

    categories = {index: name for index, name in enumerate(classes) if name is not None}
    config_file = label_config_path(out_file)
    tags = reader.tags or {from_name: "RectangleLabels"}
    config = generate_label_config(categories, tags, to_name, filename=config_file)
    summary = ImportSummary(
        tasks_file=Path(out_file),
        label_config_file=config_file,
        label_config=config,
        tasks=tasks.count,
        regions=regions,
        unlabelled=unlabelled,
        skipped=problems.count,
        instructions=setup_instructions(Path(out_file), config_file, image_root_url, images_dir, example),
    )
    logger.info(
        "wrote %d tasks (%d regions, %d images without labels, %d records skipped) to %s",
        summary.tasks,
        summary.regions,
        summary.unlabelled,
        summary.skipped,
        out_file,
    )
    logger.info("%s", summary.instructions)
    return summary
