"""Video tracking controls: boxes and vectors keyed by frame.

A value holds the video's ``framesCount`` and ``duration`` and a ``sequence`` of keyframes; Label Studio
interpolates between them. ``enabled: false`` on a keyframe ends a stretch of interpolation, so
``label()`` keeps it when it is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Type

from label_studio_sdk.label_interface.controls.base import ControlTag
from label_studio_sdk.label_interface.controls.geometry import (
    NULLABLE_BOOLEAN,
    NULLABLE_INTEGER,
    NULLABLE_NUMBER,
    VERTEX_FIELDS,
    VERTEX_SAMPLE_SCHEMA,
    RegionControlTag,
    number,
    obj,
    sample_box,
    sample_vertices,
)

if TYPE_CHECKING:
    import random

_PERCENT = 100

BOX_FRAME_FIELDS = obj(
    {
        "x": number(maximum=_PERCENT),
        "y": number(maximum=_PERCENT),
        "time": {"type": "number"},
        "frame": {"type": "integer"},
        "width": number(maximum=_PERCENT),
        "height": number(maximum=_PERCENT),
        "rotation": {"type": NULLABLE_NUMBER, "default": 0},
        "enabled": {},  # not in the published value model; kept when given
    },
    ["x", "y", "time", "frame", "width", "height"],
)
"""One keyframe of a tracked box: the box in percent (capped at 100), its time and frame number."""

VIDEO_RECTANGLE_FIELDS = obj(
    {
        "framesCount": {"type": "integer"},
        "duration": {"type": "number"},
        "sequence": {"type": "array", "items": BOX_FRAME_FIELDS},
    },
    ["framesCount", "duration", "sequence"],
)

VIDEO_RECTANGLE_SAMPLE_SCHEMA = obj(
    {
        "framesCount": {"type": "integer", "minimum": 1},
        "duration": {"type": "number", "minimum": 0},
        "sequence": {
            "type": "array",
            "minItems": 1,
            "items": obj(
                {
                    "x": number(0, 100),
                    "y": number(0, 100),
                    "time": number(0),
                    "frame": {"type": "integer", "minimum": 0},
                    "width": number(0, 100),
                    "height": number(0, 100),
                    "rotation": {"type": "number"},
                },
                ["x", "y", "time", "frame", "width", "height"],
            ),
        },
    },
    ["framesCount", "duration", "sequence"],
)

VECTOR_FRAME_FIELDS = obj(
    {
        "time": {"type": NULLABLE_NUMBER, "default": None},
        "frame": {"type": "integer"},
        "closed": {"type": NULLABLE_BOOLEAN, "default": False},
        "enabled": {"type": NULLABLE_BOOLEAN, "default": True},
        "vertices": {"type": "array", "items": VERTEX_FIELDS},
    },
    ["frame", "vertices"],
)

VIDEO_VECTOR_FIELDS = obj(
    {
        "framesCount": {"type": NULLABLE_INTEGER, "default": None},
        "duration": {"type": NULLABLE_NUMBER, "default": None},
        "sequence": {"type": "array", "items": VECTOR_FRAME_FIELDS},
    },
    ["sequence"],
)

VIDEO_VECTOR_SAMPLE_SCHEMA = obj(
    {
        "framesCount": {"type": "integer", "minimum": 1},
        "duration": {"type": "number", "minimum": 0},
        "sequence": {
            "type": "array",
            "minItems": 1,
            "items": obj(
                {
                    "time": number(0),
                    "frame": {"type": "integer", "minimum": 0},
                    "closed": {"type": "boolean"},
                    "enabled": {"type": "boolean"},
                    "vertices": {"type": "array", "minItems": 2, "items": VERTEX_SAMPLE_SCHEMA},
                },
                ["frame", "vertices"],
            ),
        },
    },
    ["sequence"],
)

VIDEO_VECTOR_LABELS_SAMPLE_SCHEMA = obj(
    {
        "framesCount": {"type": "integer"},
        "duration": {"type": "number"},
        "sequence": {
            "type": "array",
            "items": obj(
                {
                    "time": {"type": "number"},
                    "frame": {"type": "integer"},
                    "closed": {"type": "boolean"},
                    "enabled": {"type": "boolean"},
                    "vertices": {"type": "array", "items": VERTEX_SAMPLE_SCHEMA},
                },
                ["frame", "vertices"],
            ),
        },
    },
    ["sequence"],
)
"""As published: the labelled variant's schema has no bounds (samples come from ``sample_fields``)."""

_SAMPLE_FPS = (24, 25, 30)


class _VideoControl(RegionControlTag):
    """A video control: labels travel in ``value.labels``, and ``labels: null`` is accepted."""

    __slots__ = ()

    _label_attr_name = "labels"
    _labels_default_none = True

    def labels_reason(self, value: Mapping[str, Any]) -> Optional[str]:
        if self._label_attr_name in value and value[self._label_attr_name] is None:
            return None  # label() itself writes ``labels: None`` when it gets no labels
        return super().labels_reason(value)


def _sample_timeline(rng: random.Random) -> Dict[str, Any]:
    """``framesCount``, ``duration`` and 2 or 3 keyframe numbers that fit them."""
    fps = rng.choice(_SAMPLE_FPS)
    frames_count = rng.randint(50, 300)
    keyframes = sorted(rng.sample(range(1, frames_count + 1), rng.randint(2, 3)))
    return {
        "fps": fps,
        "framesCount": frames_count,
        "duration": round(frames_count / fps, 3),
        "frames": keyframes,
    }


def _moved(box: Dict[str, float], rng: random.Random) -> Dict[str, float]:
    """``box`` shifted a little, still inside the image."""
    x = min(max(box["x"] + round(rng.uniform(-3, 3), 2), 1.0), 99.0 - box["width"])
    y = min(max(box["y"] + round(rng.uniform(-3, 3), 2), 1.0), 99.0 - box["height"])
    return {**box, "x": round(x, 2), "y": round(y, 2)}


class VideoRectangleTag(_VideoControl):
    """``<VideoRectangle>``: a box tracked over frames. Labels (``value.labels``) are required only
    when the config lists some."""

    __slots__ = ()

    _labels_required = None
    _value_fields = VIDEO_RECTANGLE_FIELDS
    _sample_schema = VIDEO_RECTANGLE_SAMPLE_SCHEMA

    def sample_fields(self, rng: random.Random) -> Dict[str, Any]:
        timeline = _sample_timeline(rng)
        box = sample_box(rng)
        # keep room for the box to move without leaving the image
        box["width"], box["height"] = min(box["width"], 60.0), min(box["height"], 60.0)
        sequence: List[Dict[str, Any]] = []
        for frame in timeline["frames"]:
            sequence.append({"frame": frame, "time": round(frame / timeline["fps"], 3), **box})
            box = _moved(box, rng)
        return {
            "framesCount": timeline["framesCount"],
            "duration": timeline["duration"],
            "sequence": sequence,
        }


class VideoVectorTag(RegionControlTag):
    """``<VideoVector>``: a vector (``vertices``) tracked over frames."""

    __slots__ = ()

    _value_fields = VIDEO_VECTOR_FIELDS
    _sample_schema = VIDEO_VECTOR_SAMPLE_SCHEMA

    def sample_fields(self, rng: random.Random) -> Dict[str, Any]:
        timeline = _sample_timeline(rng)
        count = rng.randint(2, 4)
        sequence = [
            {
                "frame": frame,
                "time": round(frame / timeline["fps"], 3),
                "closed": False,
                "vertices": sample_vertices(rng, count),
            }
            for frame in timeline["frames"]
        ]
        return {
            "framesCount": timeline["framesCount"],
            "duration": timeline["duration"],
            "sequence": sequence,
        }


class VideoVectorLabelsTag(_VideoControl, VideoVectorTag):
    """``<VideoVectorLabels>``: a labelled tracked vector; labels in ``value.labels`` (required)."""

    __slots__ = ()

    _sample_schema = VIDEO_VECTOR_LABELS_SAMPLE_SCHEMA


TAGS: Dict[str, Type[ControlTag]] = {
    "videorectangle": VideoRectangleTag,
    "videovector": VideoVectorTag,
    "videovectorlabels": VideoVectorLabelsTag,
}
"""Lowercased XML tag -> class, for this family."""
