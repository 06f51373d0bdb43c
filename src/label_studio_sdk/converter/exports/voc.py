"""The Pascal VOC export: ``Annotations/<image stem>.xml`` per task, plus an images folder.

Each file is a Pascal VOC ``annotation`` document: folder and file name of the image, a fixed ``source``
and ``owner`` block (with the annotator), the image ``size`` and one ``object`` per rectangle label with an
integer pixel ``bndbox``. A rotated rectangle is written as the axis-aligned box around it, clipped to the
image; polygons and keypoints have no place in VOC and are left out. A task whose annotations hold no
rectangle still gets a file (an image without objects) when its size is known.

Values are put in the XML through ElementTree, so label names and file names are escaped, and every
file name comes from the image's unique export name, so nothing is written outside ``Annotations``.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any, Iterable, List, Mapping, Optional, Tuple

from label_studio_sdk.converter.exports._output import PathLike, prepare_dir, safe_subdir, write_file_atomic
from label_studio_sdk.converter.exports.coco import (
    ImageInfo,
    Region,
    Size,
    TaskImage,
    file_info,
    image_controls,
    images_folder,
    pixel_box,
    region_size,
    regions,
    result_size,
    task_images,
    with_media,
)
from label_studio_sdk.converter.exports.json_min import annotator_of
from label_studio_sdk.converter.items import Choose, ControlIndex, ParsedConfig
from label_studio_sdk.converter.media import MediaFile, MediaSettings, OnError, _NameClaims

logger: logging.Logger = logging.getLogger(__name__)

ANNOTATIONS_DIR = "Annotations"
DEFAULT_DEPTH = 3
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

VocBox = Tuple[int, int, int, int]


def xml_text(value: Any) -> str:
    """``value`` as XML character data (ElementTree escapes ``&``, ``<`` and ``>``; unusable characters become U+FFFD)."""
    return _NOT_XML.sub("\ufffd", "" if value is None else str(value))


def voc_box(region: Region, size: Size) -> Optional[VocBox]:
    """``(xmin, ymin, xmax, ymax)`` in whole pixels: truncated corner plus truncated extent, within the image."""
    box = pixel_box(region, size)
    if box is None:
        return None
    x, y, width, height = box
    xmin, ymin = int(x), int(y)
    xmax, ymax = xmin + int(width), ymin + int(height)
    image_width, image_height = int(size[0]), int(size[1])
    return (
        min(max(xmin, 0), image_width),
        min(max(ymin, 0), image_height),
        min(max(xmax, 0), image_width),
        min(max(ymax, 0), image_height),
    )


def _element(parent: ElementTree.Element, tag: str, text: Any = None) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    element.tail = "\n"  # one element per line, as earlier releases wrote it
    if text is None:
        element.text = "\n"
    else:
        element.text = xml_text(text)
    return element


def voc_document(
    folder: str,
    file_name: str,
    annotator: Any,
    width: int,
    height: int,
    depth: int,
    objects: Iterable[Tuple[str, VocBox]],
) -> str:
    """The XML text of one Pascal VOC annotation file."""
    root = ElementTree.Element("annotation")
    root.text = "\n"
    _element(root, "folder", folder)
    _element(root, "filename", file_name)
    source = _element(root, "source")
    for tag, text in (("database", "MyDatabase"), ("annotation", "COCO2017"), ("image", "flickr")):
        _element(source, tag, text)
    _element(source, "flickrid", "NULL")
    _element(source, "annotator", "" if annotator is None else annotator)
    owner = _element(root, "owner")
    _element(owner, "flickrid", "NULL")
    _element(owner, "name", "Label Studio")
    size = _element(root, "size")
    _element(size, "width", width)
    _element(size, "height", height)
    _element(size, "depth", depth)
    _element(root, "segmented", 0)
    for name, (xmin, ymin, xmax, ymax) in objects:
        item = _element(root, "object")
        _element(item, "name", name)
        _element(item, "pose", "Unspecified")
        _element(item, "truncated", 0)
        _element(item, "difficult", 0)
        bndbox = _element(item, "bndbox")
        for tag, number in (("xmin", xmin), ("ymin", ymin), ("xmax", xmax), ("ymax", ymax)):
            _element(bndbox, tag, number)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode", short_empty_elements=False)
        + "\n"
    )


def _objects(image: TaskImage, size: Size) -> List[Tuple[str, VocBox]]:
    objects: List[Tuple[str, VocBox]] = []
    for item in image.items:
        for region in regions(image, item):
            if region.kind != "rectangle":
                continue
            region_px = region_size(region, size)
            box = None if region_px is None else voc_box(region, region_px)
            if box is not None:
                objects.extend((label, box) for label in region.labels)
    return objects


class _VocWriter:
    def __init__(self, annotations_dir: Path, images_dir: Path) -> None:
        self.annotations_dir = annotations_dir
        self.images_dir = images_dir
        self.file_names = _NameClaims()  # images that differ only in extension still get one file each
        self.written = 0

    def add(self, image: TaskImage, found: MediaFile) -> None:
        info: Optional[ImageInfo] = file_info(found)
        size = result_size(image.items)
        if size is None and info is not None:
            size = (float(info.width), float(info.height))
        if size is None:
            logger.warning(
                "task %s: the size of its image %s is unknown (no original_width/original_height and no "
                "image file); it is left out of the VOC export",
                image.task_id,
                image.url,
            )
            return
        document = voc_document(
            self.images_dir.name,
            found.name,
            annotator_of(image.items[0]["completed_by"]),
            round(size[0]),
            round(size[1]),
            DEFAULT_DEPTH if info is None else info.channels,
            _objects(image, size),
        )
        file_name = self.file_names.claim(f"{found.stem}.xml", found.url)
        write_file_atomic(self.annotations_dir / file_name, document)
        self.written += 1


def write_voc(
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
    """Write ``<output_dir>/Annotations/<image stem>.xml`` per task and the images folder; returns ``output_dir``.

    With ``copy_images`` each task's image is copied or downloaded into the images folder (``image_dir`` or
    ``<output_dir>/images``); an image that cannot be had is reported, naming the task and the URL, and its
    file is still written (``on_error="raise"`` stops instead).
    """
    image_key, controls = image_controls(parsed_config, "VOC")
    root = prepare_dir(output_dir)
    annotations_dir = safe_subdir(root, ANNOTATIONS_DIR)
    images_dir = images_folder(root, image_dir)
    writer = _VocWriter(annotations_dir, images_dir)
    images = task_images(tasks, image_key, ControlIndex(controls), choose)
    for image, found in with_media(images, media, images_dir, copy_images=copy_images, on_error=on_error):
        writer.add(image, found)
    return root
