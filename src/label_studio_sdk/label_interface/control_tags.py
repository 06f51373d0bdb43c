"""Every control tag class, by the names callers import (``from ...control_tags import ChoicesTag``).

The classes live in one module per family under ``controls/``; ``CONTROL_TAGS_MAPPING`` maps a
lowercased XML tag to its class. A tag with ``name`` and ``toName`` that is in no family is a plain
``ControlTag``. ``ObjectTag`` is exported here too, as callers import it from this module.
"""

from __future__ import annotations

from typing import Dict, Type

from label_studio_sdk.label_interface.controls import classification, geometry, masks, other, spans, video
from label_studio_sdk.label_interface.controls.base import ControlTag
from label_studio_sdk.label_interface.controls.classification import (
    ChoicesTag,
    DateTimeTag,
    NumberTag,
    PairwiseTag,
    RankerTag,
    RatingTag,
    TaxonomyTag,
    TextAreaTag,
)
from label_studio_sdk.label_interface.controls.geometry import (
    EllipseLabelsTag,
    EllipseTag,
    KeyPointLabelsTag,
    KeyPointTag,
    OcrLabelsTag,
    PolygonLabelsTag,
    PolygonTag,
    RectangleLabelsTag,
    RectangleTag,
    VectorLabelsTag,
    VectorTag,
)
from label_studio_sdk.label_interface.controls.masks import (
    BitmaskLabelsTag,
    BitmaskTag,
    BrushLabelsTag,
    BrushTag,
    MagicWandTag,
)
from label_studio_sdk.label_interface.controls.other import ChatMessageTag, ReactCodeTag, RelationsTag
from label_studio_sdk.label_interface.controls.spans import (
    HyperTextLabelsTag,
    LabelsTag,
    ParagraphLabelsTag,
    TimelineLabelsTag,
    TimeSeriesLabelsTag,
)
from label_studio_sdk.label_interface.controls.video import (
    VideoRectangleTag,
    VideoVectorLabelsTag,
    VideoVectorTag,
)
from label_studio_sdk.label_interface.object_tags import ObjectTag

CONTROL_TAGS_MAPPING: Dict[str, Type[ControlTag]] = {
    **classification.TAGS,
    **spans.TAGS,
    **geometry.TAGS,
    **masks.TAGS,
    **video.TAGS,
    **other.TAGS,
}
"""Lowercased XML tag -> control class."""
_CONTROL_TAGS_MAPPING = CONTROL_TAGS_MAPPING

__all__ = [
    "CONTROL_TAGS_MAPPING",
    "BitmaskLabelsTag",
    "BitmaskTag",
    "BrushLabelsTag",
    "BrushTag",
    "ChatMessageTag",
    "ChoicesTag",
    "ControlTag",
    "DateTimeTag",
    "EllipseLabelsTag",
    "EllipseTag",
    "HyperTextLabelsTag",
    "KeyPointLabelsTag",
    "KeyPointTag",
    "LabelsTag",
    "MagicWandTag",
    "NumberTag",
    "ObjectTag",
    "OcrLabelsTag",
    "PairwiseTag",
    "ParagraphLabelsTag",
    "PolygonLabelsTag",
    "PolygonTag",
    "RankerTag",
    "RatingTag",
    "ReactCodeTag",
    "RectangleLabelsTag",
    "RectangleTag",
    "RelationsTag",
    "TaxonomyTag",
    "TextAreaTag",
    "TimeSeriesLabelsTag",
    "TimelineLabelsTag",
    "VectorLabelsTag",
    "VectorTag",
    "VideoRectangleTag",
    "VideoVectorLabelsTag",
    "VideoVectorTag",
]
