"""Image geometry controls: rectangles, polygons, ellipses, keypoints, vectors and OCR boxes.

Their values are checked the way Label Studio has always accepted them: numbers may arrive as numeric
strings or booleans, only the upper bounds are enforced (a negative ``x`` passes), and extra keys are
allowed. ``label()`` turns its arguments into the canonical value: numbers become floats, defaults such
as ``rotation: 0`` are filled in and unknown keys are dropped.

``RegionControlTag`` (values checked by ``compile_schema`` in lax mode) and the schema builders here are
shared with the mask and video families.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar, Dict, List, Mapping, Optional, Sequence, Type

# lax_bool, lax_int and lax_number are re-exported: callers import them from here
from label_studio_sdk.label_interface._schema import LAX_READERS, Checker, compile_schema, kinds_of
from label_studio_sdk.label_interface._schema import lax_bool as lax_bool
from label_studio_sdk.label_interface._schema import lax_int as lax_int
from label_studio_sdk.label_interface._schema import lax_number as lax_number
from label_studio_sdk.label_interface.controls.base import ControlTag

if TYPE_CHECKING:
    import random


def compile_lax(schema: Mapping[str, Any], path: str = "value") -> Checker:
    """``compile_schema`` in lax mode: how the region families check their values."""
    return compile_schema(schema, path, lax=True)


def _is_sequence(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return True
    return hasattr(value, "__iter__") and not isinstance(value, (str, bytes, bytearray, Mapping))


def canonical(schema: Mapping[str, Any], value: Any) -> Any:
    """``value`` in the form ``schema`` describes: numbers as floats, integers as ints, arrays as lists,
    objects with their declared fields only and defaults filled in. What can't be read is left as is,
    for the checker to report."""
    if value is None:
        return None
    kinds = kinds_of(schema)
    if "object" in kinds and isinstance(value, Mapping):
        properties: Mapping[str, Any] = schema.get("properties") or {}
        out: Dict[str, Any] = {}
        for name, sub in properties.items():
            if name in value:
                out[name] = canonical(sub, value[name])
            elif "default" in sub:
                out[name] = sub["default"]
        return out
    if "array" in kinds and _is_sequence(value):
        items = schema.get("items")
        return [canonical(items, item) if items else item for item in value]
    for kind in kinds:
        reader = LAX_READERS.get(kind)
        read = reader(value) if reader is not None else None
        if read is not None:
            return _as_float(read) if kind == "number" else read
    return value


def _as_float(number: float) -> Any:
    try:
        return float(number)
    except OverflowError:  # a huge int: keep it, the bounds will say why
        return number


# --- small schema builders (the shapes the published package declares) ----------------------------


def number(minimum: Optional[float] = None, maximum: Optional[float] = None, **extra: Any) -> Dict[str, Any]:
    schema: Dict[str, Any] = {"type": "number"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    schema.update(extra)
    return schema


def obj(properties: Dict[str, Any], required: Sequence[str]) -> Dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required)}


NULLABLE_NUMBER = ["number", "null"]
NULLABLE_STRING = ["string", "null"]
NULLABLE_BOOLEAN = ["boolean", "null"]
NULLABLE_INTEGER = ["integer", "null"]

VERTEX_FIELDS = obj(
    {
        "x": {"type": "number"},
        "y": {"type": "number"},
        "id": {"type": NULLABLE_STRING, "default": None},
        "isBezier": {"type": NULLABLE_BOOLEAN, "default": False},
        "prevPointId": {"type": NULLABLE_STRING, "default": None},
    },
    ["x", "y"],
)
"""One vertex of a vector: x and y (not bounded), optional id, Bezier flag and previous point id."""

VERTEX_SAMPLE_SCHEMA = obj(
    {
        "x": {"type": "number"},
        "y": {"type": "number"},
        "id": {"type": "string"},
        "isBezier": {"type": "boolean"},
        "prevPointId": {"type": "string"},
    },
    ["x", "y"],
)


# --- the shared control base ----------------------------------------------------------------------

_CHECKERS: Dict[Type[ControlTag], Checker] = {}
"""One compiled value checker per class: value schemas never depend on the config."""


class RegionControlTag(ControlTag):
    """A control whose value is a shape described by ``_value_fields`` (checked leniently, see the module).

    ``_sample_schema`` is the JSON schema of the same fields as ``to_json_schema`` reports it (bounds kept
    inside the valid range so that generated samples validate). ``_label_key_before`` places the label
    key before that field in ``label()`` output; ``_labels_default_none`` puts ``key: None`` there when
    ``label()`` gets no labels.
    """

    __slots__ = ()

    _sample_schema: ClassVar[Mapping[str, Any]] = {"type": "object", "properties": {}, "required": []}
    _label_key_before: ClassVar[Optional[str]] = None
    _labels_default_none: ClassVar[bool] = False

    def _value_checker(self) -> Checker:
        cls = type(self)
        checker = _CHECKERS.get(cls)
        if checker is None:
            schema = self.value_schema()
            checker = _CHECKERS[cls] = compile_lax(schema if schema is not None else {})
        return checker

    def _label_value(self, labels: Optional[List[Any]], fields: Dict[str, Any]) -> Dict[str, Any]:
        key = self._label_attr_name
        if key is not None and labels is None and key in fields:
            given = fields[key]  # labels passed by their value key, ``rectanglelabels=[...]``
            labels = None if given is None else [given] if isinstance(given, str) else list(given)
        schema = self.value_schema()
        value: Dict[str, Any] = canonical(schema, fields) if schema is not None else dict(fields)
        if key is None or (labels is None and not self._labels_default_none):
            return value
        return _insert_before(value, key, labels, self._label_key_before)

    # --- schema and samples ---------------------------------------------------------------------------

    def _labels_in_schema(self) -> bool:
        if self._label_attr_name is None:
            return False
        return self._labels_required is True or bool(self.labels)

    def to_json_schema(self) -> Dict[str, Any]:
        schema: Dict[str, Any] = _copy_schema(self._sample_schema)
        if self._labels_in_schema():
            key = self._label_attr_name or ""
            schema["properties"][key] = self._labels_schema()
            schema["required"].append(key)
        return schema

    def sample_fields(self, rng: random.Random) -> Dict[str, Any]:
        """Random fields of a value of this control (the labels apart), inside the valid ranges."""
        return {}

    def sample_labels(self, rng: random.Random) -> Optional[List[str]]:
        """Labels for a sample region: one of the config's labels (or several with ``choice="multiple"``)."""
        if not self.labels:
            return None
        if self.is_multiple_choice:
            return rng.sample(self.labels, rng.randint(1, min(3, len(self.labels))))
        return [rng.choice(self.labels)]

    def sample_payload(self, rng: random.Random) -> Any:
        """Keyword arguments of ``label()`` for a random valid region; None when the control needs labels
        and its config lists none (dynamic labels)."""
        labels = self.sample_labels(rng) if self._label_attr_name else None
        if labels is None and self._label_attr_name and self._labels_required is True:
            return None
        payload: Dict[str, Any] = self.sample_fields(rng)
        if labels is not None:
            payload["label"] = labels
        return payload


def _insert_before(value: Dict[str, Any], key: str, labels: Any, before: Optional[str]) -> Dict[str, Any]:
    if before is None or before not in value:
        value[key] = labels
        return value
    out: Dict[str, Any] = {}
    for name, item in value.items():
        if name == before:
            out[key] = labels
        out[name] = item
    return out


def _copy_schema(schema: Any) -> Any:
    if isinstance(schema, Mapping):
        return {key: _copy_schema(item) for key, item in schema.items()}
    if isinstance(schema, list):
        return [_copy_schema(item) for item in schema]
    return schema


# --- samples --------------------------------------------------------------------------------------


def _coord(rng: random.Random, low: float = 1.0, high: float = 99.0) -> float:
    return round(rng.uniform(low, high), 2)


def sample_box(rng: random.Random) -> Dict[str, float]:
    """A box that lies inside the image, every field in 1..99."""
    x, y = _coord(rng, 1, 80), _coord(rng, 1, 80)
    return {"x": x, "y": y, "width": _coord(rng, 1, 99 - x), "height": _coord(rng, 1, 99 - y)}


def sample_vertices(rng: random.Random, count: int) -> List[Dict[str, float]]:
    return [{"x": _coord(rng), "y": _coord(rng)} for _ in range(count)]


def sample_polygon(rng: random.Random) -> List[List[float]]:
    """3 to 6 points around a centre, in angle order, so the polygon does not cross itself."""
    count = rng.randint(3, 6)
    cx, cy = rng.uniform(25, 75), rng.uniform(25, 75)
    angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(count))
    points = []
    for angle in angles:
        radius = rng.uniform(3, 20)
        points.append([round(cx + radius * math.cos(angle), 2), round(cy + radius * math.sin(angle), 2)])
    return points


# --- rectangles -----------------------------------------------------------------------------------

_BOX_FIELDS = ("x", "y", "width", "height")
_PERCENT = 100

RECTANGLE_FIELDS = obj(
    {
        "x": number(maximum=_PERCENT),
        "y": number(maximum=_PERCENT),
        "width": number(maximum=_PERCENT),
        "height": number(maximum=_PERCENT),
        "rotation": {"type": NULLABLE_NUMBER, "maximum": 360, "default": 0},
    },
    _BOX_FIELDS,
)
"""x, y, width, height in percent (only capped at 100, as Label Studio always accepted) and a rotation."""

RECTANGLE_SAMPLE_SCHEMA = obj(
    {
        "x": number(1, 99),
        "y": number(1, 99),
        "width": number(1, 99),
        "height": number(1, 99),
        "rotation": number(0, 360),
    },
    _BOX_FIELDS,
)


class RectangleTag(RegionControlTag):
    """``<Rectangle>``: a box on an image, ``{x, y, width, height, rotation}`` in percent."""

    __slots__ = ()

    _value_fields = RECTANGLE_FIELDS
    _sample_schema = RECTANGLE_SAMPLE_SCHEMA

    def sample_fields(self, rng: random.Random) -> Dict[str, Any]:
        return dict(sample_box(rng))

    def describe_invalid(self, value: Any, reason: str) -> str:
        """Names the box fields outside 0..100, the message Label Studio users know for rectangles."""
        box = value.get(self.name) if isinstance(value, Mapping) and self.name else None
        box = box if isinstance(box, Mapping) else value
        outside = _box_fields_outside(box) if isinstance(box, Mapping) else []
        if not outside:
            return super().describe_invalid(value, reason)
        listed = ", ".join(f"{field} {_brief(box[field])}" for field in outside)
        message = f"Invalid geometry for control '{self.name}': {listed} out of bounds [0, {_PERCENT}]"
        if not any(reason.startswith(f"value.{field} ") for field in outside):
            message += f"; {reason}"  # the field that failed is another one (labels, rotation)
        return message


def _box_fields_outside(box: Mapping[str, Any]) -> List[str]:
    outside = []
    for field in _BOX_FIELDS:
        if field not in box:
            continue
        read = lax_number(box[field])
        if read is None or not 0 <= read <= _PERCENT:
            outside.append(field)
    return outside


def _brief(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class RectangleLabelsTag(RectangleTag):
    """``<RectangleLabels>``: a labelled box; the labels travel in ``value.rectanglelabels``."""

    __slots__ = ()

    _label_attr_name = "rectanglelabels"


# --- polygons -------------------------------------------------------------------------------------

POLYGON_FIELDS = obj(
    {
        "points": {
            "type": "array",
            "items": {"type": "array", "items": number(maximum=_PERCENT), "minItems": 2, "maxItems": 2},
        },
        # not part of the published value model, but kept when given: an open polygon is a polyline
        "closed": {},
    },
    ["points"],
)

_POINT_SAMPLE_SCHEMA = {"type": "array", "items": number(0, 100), "minItems": 2, "maxItems": 2}
POLYGON_SAMPLE_SCHEMA = obj(
    {"points": {"type": "array", "items": _POINT_SAMPLE_SCHEMA, "minItems": 3}}, ["points"]
)
POLYGON_LABELS_SAMPLE_SCHEMA = obj({"points": {"type": "array", "items": _POINT_SAMPLE_SCHEMA}}, ["points"])
"""The published schema asks for 3 points only for unlabelled polygons; samples always have 3 or more."""


class PolygonTag(RegionControlTag):
    """``<Polygon>``: ``{points: [[x, y], ...]}`` in percent (each coordinate capped at 100)."""

    __slots__ = ()

    _value_fields = POLYGON_FIELDS
    _sample_schema = POLYGON_SAMPLE_SCHEMA

    def sample_fields(self, rng: random.Random) -> Dict[str, Any]:
        return {"points": sample_polygon(rng)}


class PolygonLabelsTag(PolygonTag):
    """``<PolygonLabels>``: a labelled polygon; labels in ``value.polygonlabels``."""

    __slots__ = ()

    _label_attr_name = "polygonlabels"
    _sample_schema = POLYGON_LABELS_SAMPLE_SCHEMA


# --- ellipses -------------------------------------------------------------------------------------

ELLIPSE_FIELDS = obj(
    {
        "x": number(maximum=_PERCENT),
        "y": number(maximum=_PERCENT),
        "radiusX": number(maximum=50),
        "radiusY": number(maximum=50),
        "rotation": {"type": NULLABLE_NUMBER, "maximum": 360, "default": 0},
    },
    ["x", "y", "radiusX", "radiusY"],
)

ELLIPSE_SAMPLE_SCHEMA = obj(
    {
        "x": number(0, 100),
        "y": number(0, 100),
        "radiusX": number(0, 50),
        "radiusY": number(0, 50),
        "rotation": number(0, 360),
    },
    ["x", "y", "radiusX", "radiusY"],
)


class EllipseTag(RegionControlTag):
    """``<Ellipse>``: centre ``x, y`` (capped at 100), ``radiusX, radiusY`` (capped at 50), ``rotation``."""

    __slots__ = ()

    _value_fields = ELLIPSE_FIELDS
    _sample_schema = ELLIPSE_SAMPLE_SCHEMA

    def sample_fields(self, rng: random.Random) -> Dict[str, Any]:
        return {
            "x": _coord(rng, 10, 90),
            "y": _coord(rng, 10, 90),
            "radiusX": _coord(rng, 1, 10),
            "radiusY": _coord(rng, 1, 10),
            "rotation": _coord(rng, 0, 360),
        }


class EllipseLabelsTag(EllipseTag):
    """``<EllipseLabels>``: a labelled ellipse; labels in ``value.ellipselabels``."""

    __slots__ = ()

    _label_attr_name = "ellipselabels"


# --- keypoints ------------------------------------------------------------------------------------

KEYPOINT_FIELDS = obj({"x": number(maximum=_PERCENT), "y": number(maximum=_PERCENT)}, ["x", "y"])
KEYPOINT_SAMPLE_SCHEMA = obj({"x": number(0, 100), "y": number(0, 100)}, ["x", "y"])


class KeyPointTag(RegionControlTag):
    """``<KeyPoint>``: a point ``{x, y}`` in percent (capped at 100)."""

    __slots__ = ()

    _value_fields = KEYPOINT_FIELDS
    _sample_schema = KEYPOINT_SAMPLE_SCHEMA

    def sample_fields(self, rng: random.Random) -> Dict[str, Any]:
        return {"x": _coord(rng), "y": _coord(rng)}


class KeyPointLabelsTag(KeyPointTag):
    """``<KeyPointLabels>``: a labelled point; labels in ``value.keypointlabels``."""

    __slots__ = ()

    _label_attr_name = "keypointlabels"


# --- vectors --------------------------------------------------------------------------------------

VECTOR_FIELDS = obj(
    {
        "closed": {"type": NULLABLE_BOOLEAN, "default": False},
        "vertices": {"type": "array", "items": VERTEX_FIELDS},
    },
    ["vertices"],
)
VECTOR_SAMPLE_SCHEMA = obj(
    {"closed": {"type": "boolean"}, "vertices": {"type": "array", "items": VERTEX_SAMPLE_SCHEMA}},
    ["vertices"],
)


class VectorTag(RegionControlTag):
    """``<Vector>``: a path of ``vertices`` (``{x, y, id, isBezier, prevPointId}``), ``closed`` or not."""

    __slots__ = ()

    _value_fields = VECTOR_FIELDS
    _sample_schema = VECTOR_SAMPLE_SCHEMA

    def sample_fields(self, rng: random.Random) -> Dict[str, Any]:
        return {"vertices": sample_vertices(rng, rng.randint(2, 5)), "closed": False}


class VectorLabelsTag(VectorTag):
    """``<VectorLabels>``: a labelled vector; labels in ``value.vectorlabels``."""

    __slots__ = ()

    _label_attr_name = "vectorlabels"


# --- OCR boxes ------------------------------------------------------------------------------------

OCR_FIELDS = obj(
    {
        "x": {"type": "number"},
        "y": {"type": "number"},
        "width": {"type": "number"},
        "height": {"type": "number"},
        "rotation": {"type": NULLABLE_NUMBER, "default": 0},
        "ocrtext": {"type": NULLABLE_STRING, "default": None},
        "pageIndex": {"type": NULLABLE_INTEGER, "default": None},
    },
    _BOX_FIELDS,
)
OCR_SAMPLE_SCHEMA = obj(
    {
        "x": {"type": "number"},
        "y": {"type": "number"},
        "width": {"type": "number"},
        "height": {"type": "number"},
        "rotation": {"type": "number"},
        "ocrtext": {"type": "string"},
        "pageIndex": {"type": "integer"},
    },
    _BOX_FIELDS,
)
_SAMPLE_WORDS = ("total", "invoice", "date", "name", "amount", "street", "city")


class OcrLabelsTag(RegionControlTag):
    """``<OcrLabels>``: a labelled text box ``{x, y, width, height, rotation, ocrtext, pageIndex}``
    (no bounds); labels in ``value.ocrlabels``."""

    __slots__ = ()

    _label_attr_name = "ocrlabels"
    _value_fields = OCR_FIELDS
    _sample_schema = OCR_SAMPLE_SCHEMA
    _label_key_before = "pageIndex"

    def sample_fields(self, rng: random.Random) -> Dict[str, Any]:
        return {**sample_box(rng), "ocrtext": rng.choice(_SAMPLE_WORDS)}


TAGS: Dict[str, Type[ControlTag]] = {
    "rectangle": RectangleTag,
    "rectanglelabels": RectangleLabelsTag,
    "polygon": PolygonTag,
    "polygonlabels": PolygonLabelsTag,
    "ellipse": EllipseTag,
    "ellipselabels": EllipseLabelsTag,
    "keypoint": KeyPointTag,
    "keypointlabels": KeyPointLabelsTag,
    "vector": VectorTag,
    "vectorlabels": VectorLabelsTag,
    "ocrlabels": OcrLabelsTag,
}
"""Lowercased XML tag -> class, for this family."""
