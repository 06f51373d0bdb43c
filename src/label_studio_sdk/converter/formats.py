"""The export formats, what the server shows about each, and which ones a labeling config can produce.

``supported_formats`` reads the dict of ``parse_config`` (what the server stores as
``Project.parsed_label_config``). Its rules look at the whole config; ``output_tags`` only narrows the
controls whose data keys are counted, as in earlier releases. Names come out in one fixed order, which the
server keeps when it lists the enabled formats first.
"""

from __future__ import annotations

import logging
from enum import Enum
from typing import Any, Collection, Dict, FrozenSet, Iterable, List, Mapping, Optional, Set

from label_studio_sdk.core.errors import LabelStudioError

logger: logging.Logger = logging.getLogger(__name__)


class UnknownFormatError(LabelStudioError, ValueError):
    """A format name that is not one of ``Format``; the message lists the valid names."""


class FormatNotSupportedError(NotImplementedError):
    """The labeling config cannot be exported in the requested format."""


class Format(Enum):
    """An export format; the numbers are stable and ``str()`` gives the name."""

    JSON = 1
    JSON_MIN = 2
    CSV = 3
    TSV = 4
    CONLL2003 = 5
    COCO = 6
    VOC = 7
    BRUSH_TO_NUMPY = 8
    BRUSH_TO_PNG = 9
    ASR_MANIFEST = 10
    YOLO = 11
    YOLO_OBB = 12
    CSV_OLD = 13
    YOLO_WITH_IMAGES = 14
    COCO_WITH_IMAGES = 15
    YOLO_OBB_WITH_IMAGES = 16
    BRUSH_TO_COCO = 17
    DOCLANG = 18

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_string(cls, name: str) -> Format:
        """The member with exactly this name (case matters)."""
        try:
            return cls[name]
        except KeyError:
            valid = ", ".join(member.name for member in cls)
            raise UnknownFormatError(f"unknown export format {name!r}; valid names: {valid}") from None


_GUIDE = "https://labelstud.io/guide/export.html"
_IMAGE_TAGS = ["image segmentation", "object detection"]
_IMAGE_KEYPOINT_TAGS = ["image segmentation", "object detection", "keypoints"]


def _info(title: str, description: str, anchor: str, tags: Optional[List[str]] = None) -> Dict[str, Any]:
    info: Dict[str, Any] = {"title": title, "description": description, "link": anchor}
    if tags is not None:
        info["tags"] = tags
    return info


# Titles, links and tags are what the server has always shown; the order is the one of its format list.
FORMAT_INFO: Dict[Format, Dict[str, Any]] = {
    Format.JSON: _info(
        "JSON",
        "Every task with its data, annotations and predictions, as one JSON list in Label Studio's own format.",
        f"{_GUIDE}#JSON",
    ),
    Format.JSON_MIN: _info(
        "JSON-MIN",
        "One flat JSON record per annotation, holding the task data and each control's value under its name.",
        f"{_GUIDE}#JSON-MIN",
    ),
    Format.CSV: _info(
        "CSV",
        "One comma-separated row per annotation, with a column per data field and per control.",
        f"{_GUIDE}#CSV",
    ),
    Format.TSV: _info(
        "TSV",
        "One tab-separated row per annotation, with a column per data field and per control.",
        f"{_GUIDE}#TSV",
    ),
    Format.CONLL2003: _info(
        "CONLL2003",
        "Text spans written as one token per line with its BIO entity tag, for named entity recognition.",
        f"{_GUIDE}#CONLL2003",
        ["sequence labeling", "text tagging", "named entity recognition"],
    ),
    Format.COCO: _info(
        "COCO",
        "One COCO JSON file of images, categories and boxes, polygons or keypoints.",
        f"{_GUIDE}#COCO",
        _IMAGE_KEYPOINT_TAGS,
    ),
    Format.COCO_WITH_IMAGES: _info(
        "COCO with Images",
        "The COCO export together with a folder of the task images.",
        f"{_GUIDE}#COCO",
        _IMAGE_KEYPOINT_TAGS,
    ),
    Format.VOC: _info(
        "Pascal VOC XML",
        "One Pascal VOC XML file of bounding boxes per image.",
        f"{_GUIDE}#Pascal-VOC-XML",
        _IMAGE_TAGS,
    ),
    Format.YOLO: _info(
        "YOLO",
        "One text file per image with a line per object: its class number and normalized box or polygon.",
        f"{_GUIDE}#YOLO",
        _IMAGE_KEYPOINT_TAGS,
    ),
    Format.YOLO_WITH_IMAGES: _info(
        "YOLO with Images",
        "The YOLO export together with a folder of the task images.",
        f"{_GUIDE}#YOLO",
        _IMAGE_KEYPOINT_TAGS,
    ),
    Format.YOLO_OBB: _info(
        "YOLOv8 OBB",
        "One text file per image with a line per object giving the four normalized corners of its rotated box.",
        f"{_GUIDE}#YOLO",
        _IMAGE_TAGS,
    ),
    Format.YOLO_OBB_WITH_IMAGES: _info(
        "YOLOv8 OBB with Images",
        "The YOLOv8 OBB export together with a folder of the task images.",
        f"{_GUIDE}#YOLO",
        _IMAGE_TAGS,
    ),
    Format.BRUSH_TO_NUMPY: _info(
        "Brush labels to NumPy",
        "Each brush mask saved as a two-dimensional NumPy array file.",
        f"{_GUIDE}#Brush-labels-to-NumPy-amp-PNG",
        ["image segmentation"],
    ),
    Format.BRUSH_TO_PNG: _info(
        "Brush labels to PNG",
        "Each brush mask saved as a grayscale PNG image.",
        f"{_GUIDE}#Brush-labels-to-NumPy-amp-PNG",
        ["image segmentation"],
    ),
    Format.ASR_MANIFEST: _info(
        "ASR Manifest",
        "A JSON Lines manifest of audio files and their transcriptions, as NVIDIA NeMo speech models read it.",
        f"{_GUIDE}#ASR-MANIFEST",
        ["speech recognition"],
    ),
    Format.BRUSH_TO_COCO: _info(
        "Brush labels to COCO",
        "Brush masks traced into polygons and written as a COCO segmentation file.",
        f"{_GUIDE}#COCO",
        ["image segmentation", "brush annotations"],
    ),
    Format.DOCLANG: _info(
        "DocLang (.dclx)",
        "Document annotations packed as DocLang archives of page images and document XML, for Docling training.",
        "https://github.com/doclang-project/doclang/blob/main/spec.md#doclang-archive-format",
        ["document", "doclang"],
    ),
}

# The order in which supported formats are listed (the server shows enabled formats first, in this order).
_LISTING_ORDER = (
    Format.JSON,
    Format.JSON_MIN,
    Format.CSV,
    Format.TSV,
    Format.CONLL2003,
    Format.COCO,
    Format.VOC,
    Format.BRUSH_TO_NUMPY,
    Format.BRUSH_TO_PNG,
    Format.ASR_MANIFEST,
    Format.YOLO,
    Format.YOLO_OBB,
    Format.CSV_OLD,
    Format.YOLO_WITH_IMAGES,
    Format.COCO_WITH_IMAGES,
    Format.YOLO_OBB_WITH_IMAGES,
    Format.BRUSH_TO_COCO,
    Format.DOCLANG,
)
_TABULAR = frozenset({Format.JSON, Format.JSON_MIN, Format.CSV, Format.TSV})
_COCO_YOLO = frozenset({Format.COCO, Format.COCO_WITH_IMAGES, Format.YOLO, Format.YOLO_WITH_IMAGES})
_YOLO_OBB = frozenset({Format.YOLO_OBB, Format.YOLO_OBB_WITH_IMAGES})
_BRUSH = frozenset({Format.BRUSH_TO_NUMPY, Format.BRUSH_TO_PNG, Format.BRUSH_TO_COCO})
_DOCUMENT_CONTROLS = frozenset({"TextArea", "ReactCode", "CustomInterface"})
_SHAPE_LABELS = frozenset({"RectangleLabels", "PolygonLabels", "KeyPointLabels"})


def data_keys(
    parsed_config: Mapping[str, Mapping[str, Any]], output_tags: Optional[Collection[str]] = None
) -> List[str]:
    """The task-data keys (``value`` or ``valueList`` names) the chosen controls read, in config order, once each."""
    keys: Dict[str, None] = {}
    for name, control in parsed_config.items():
        if output_tags is not None and name not in output_tags:
            continue
        for input_info in control.get("inputs") or ():
            key = input_info.get("value", input_info.get("valueList"))
            if key is not None:
                keys[key] = None
    return list(keys)


def _input_types(parsed_config: Mapping[str, Mapping[str, Any]]) -> Set[str]:
    """Object tag types read by any control; Text given by URL does not count (its text is not in the task)."""
    types: Set[str] = set()
    for name, control in parsed_config.items():
        for input_info in control.get("inputs") or ():
            input_type = input_info.get("type")
            if input_type == "Text" and input_info.get("valueType") == "url":
                logger.error(
                    "control %r reads Text by URL, which formats other than JSON and CSV ignore", name
                )
                continue
            if isinstance(input_type, str):
                types.add(input_type)
    return types


def _has_value_list(parsed_config: Mapping[str, Mapping[str, Any]]) -> bool:
    return any(
        "valueList" in input_info
        for control in parsed_config.values()
        for input_info in control.get("inputs") or ()
    )


def _format_set(input_types: Set[str], control_types: FrozenSet[str], value_list: bool) -> Set[Format]:
    """The formats a config of these object and control types can be exported to."""
    formats = set(_TABULAR) | {Format.CSV_OLD}
    if "Text" in input_types and "Labels" in control_types:
        formats.add(Format.CONLL2003)
    image = "Image" in input_types and not value_list
    if image and ("RectangleLabels" in control_types or {"Rectangle", "Labels"} <= control_types):
        formats.add(Format.VOC)
    if image and (_SHAPE_LABELS & control_types or {"Rectangle", "Labels"} <= control_types):
        formats |= _COCO_YOLO | _YOLO_OBB
        # Keypoints alone have no box for COCO or YOLO rows.
        if "KeyPointLabels" in control_types and "RectangleLabels" not in control_types:
            formats -= _COCO_YOLO
    if "Image" in input_types and ("BrushLabels" in control_types or {"Brush", "Labels"} <= control_types):
        formats |= _BRUSH
    if input_types & {"Audio", "AudioPlus"} and "TextArea" in control_types:
        formats.add(Format.ASR_MANIFEST)
    if value_list or ("Video" in input_types and "TimelineLabels" in control_types):
        formats -= _YOLO_OBB
    if _DOCUMENT_CONTROLS & control_types:
        formats.add(Format.DOCLANG)
    return formats


def supported_formats(
    parsed_config: Mapping[str, Mapping[str, Any]], output_tags: Optional[Iterable[str]] = None
) -> List[str]:
    """The names of the formats this parsed config can be exported to, in listing order.

    When the chosen controls (all, or those named in ``output_tags``) read more than one data key, only the
    tabular formats remain (and DOCLANG for document controls): single-file formats need one data key.
    """
    chosen = None if output_tags is None else frozenset(output_tags)
    control_types = frozenset(
        control["type"] for control in parsed_config.values() if isinstance(control.get("type"), str)
    )
    if len(data_keys(parsed_config, chosen)) > 1:
        formats = set(_TABULAR)
        if _DOCUMENT_CONTROLS & control_types:
            formats.add(Format.DOCLANG)
    else:
        formats = _format_set(_input_types(parsed_config), control_types, _has_value_list(parsed_config))
    return [fmt.name for fmt in _LISTING_ORDER if fmt in formats]
