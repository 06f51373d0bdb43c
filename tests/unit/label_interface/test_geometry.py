"""Image geometry controls: value validation, ``label()`` output, JSON schemas and samples.

The accepted and rejected values, the rectangle message and the ``label()`` outputs were checked
against the published label-studio-sdk 2.1.2; tests marked "deliberate" pin where we differ.
"""

from __future__ import annotations

import math
import random
from typing import Any, Dict, List, Optional

import pytest

from label_studio_sdk.label_interface import LabelInterface
from label_studio_sdk.label_interface.control_tags import (
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
from label_studio_sdk.label_interface.controls import geometry
from label_studio_sdk.label_interface.controls.geometry import (
    canonical,
    compile_lax,
    lax_bool,
    lax_int,
    lax_number,
)

CONFIG = """<View>
  <Image name="img" value="$image"/>
  <Rectangle name="r" toName="img"/>
  <RectangleLabels name="rl" toName="img"><Label value="Car"/><Label value="Bus"/></RectangleLabels>
  <RectangleLabels name="rlm" toName="img" choice="multiple"><Label value="Car"/><Label value="Bus"/></RectangleLabels>
  <Polygon name="p" toName="img"/>
  <PolygonLabels name="pl" toName="img"><Label value="Car"/></PolygonLabels>
  <Ellipse name="e" toName="img"/>
  <EllipseLabels name="el" toName="img"><Label value="Car"/></EllipseLabels>
  <KeyPoint name="k" toName="img"/>
  <KeyPointLabels name="kl" toName="img"><Label value="Car"/></KeyPointLabels>
  <Vector name="v" toName="img"/>
  <VectorLabels name="vl" toName="img"><Label value="Car"/></VectorLabels>
  <OcrLabels name="o" toName="img"><Label value="Car"/></OcrLabels>
  <RectangleLabels name="dyn" toName="img" value="$labels"/>
</View>"""

BOX = {"x": 10, "y": 10, "width": 20, "height": 20}
TRIANGLE = [[10, 10], [20, 20], [30, 10]]
ALL_CONTROLS = ["r", "rl", "rlm", "p", "pl", "e", "el", "k", "kl", "v", "vl", "o"]


@pytest.fixture(scope="module")
def li() -> LabelInterface:
    return LabelInterface(CONFIG)


def errors(li: LabelInterface, name: str, value: Any) -> List[str]:
    control = li.get_control(name)
    region = {"from_name": name, "to_name": "img", "type": control.tag.lower(), "value": value}
    result: List[str] = li.validate_prediction({"result": [region]}, return_errors=True)
    return result


def label_value(li: LabelInterface, name: str, *args: Any, **kwargs: Any) -> Dict[str, Any]:
    value: Dict[str, Any] = li.get_control(name).label(*args, **kwargs)._dict()["value"]
    return value


# --- classes --------------------------------------------------------------------------------------


def test_tags_map_to_their_classes(li: LabelInterface) -> None:
    expected = {
        "r": RectangleTag,
        "rl": RectangleLabelsTag,
        "p": PolygonTag,
        "pl": PolygonLabelsTag,
        "e": EllipseTag,
        "el": EllipseLabelsTag,
        "k": KeyPointTag,
        "kl": KeyPointLabelsTag,
        "v": VectorTag,
        "vl": VectorLabelsTag,
        "o": OcrLabelsTag,
    }
    for name, cls in expected.items():
        assert type(li.get_control(name)) is cls
    assert set(geometry.TAGS) == {cls.__name__[:-3].lower() for cls in expected.values()}
    label_keys = {name: li.get_control(name)._label_attr_name for name in expected}
    assert label_keys == {
        "r": None,
        "rl": "rectanglelabels",
        "p": None,
        "pl": "polygonlabels",
        "e": None,
        "el": "ellipselabels",
        "k": None,
        "kl": "keypointlabels",
        "v": None,
        "vl": "vectorlabels",
        "o": "ocrlabels",
    }
    assert li.get_control("rlm").is_multiple_choice and not li.get_control("rl").is_multiple_choice


# --- lax readers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, 5), (2.5, 2.5), (True, 1), ("10", 10.0), (" 12 ", 12.0), ("1e1", 10.0), ("-5", -5.0)],
)
def test_lax_number_reads_numbers(value: Any, expected: float) -> None:
    assert lax_number(value) == expected


@pytest.mark.parametrize("value", ["abc", "", None, [1], {"a": 1}, b"5"])
def test_lax_number_refuses_non_numbers(value: Any) -> None:
    assert lax_number(value) is None


def test_lax_number_reads_numpy_scalars_but_not_arrays() -> None:
    numpy = pytest.importorskip("numpy")
    assert lax_number(numpy.float32(2.5)) == 2.5
    assert lax_number(numpy.int64(3)) == 3
    assert lax_number(numpy.array([1.0])) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (2.0, 2), ("3", 3), (" 3 ", 3), ("3.0", 3), (True, 1), (1.5, None), ("1e2", None), ("x", None)],
)
def test_lax_int(value: Any, expected: Optional[int]) -> None:
    assert lax_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (0, False),
        (1.0, True),
        ("yes", True),
        ("OFF", False),
        ("TRUE", True),
        (2, None),
        ("2", None),
    ],
)
def test_lax_bool(value: Any, expected: Optional[bool]) -> None:
    assert lax_bool(value) is expected


def test_compiled_checker_paths_and_fast_path() -> None:
    check = compile_lax({"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 255}})
    assert check(list(range(256))) is None
    assert check([1, 2, 256]) == "value[] 256 is out of bounds (maximum 255)"
    assert check([1, True, "7", 2.0]) is None  # the slow path reads them leniently
    floats = compile_lax({"type": "array", "items": {"type": "number", "maximum": 1}})
    assert floats([0.5, math.nan]) == "value[] nan is out of bounds (maximum 1)"


def test_canonical_leaves_unreadable_values_for_the_checker() -> None:
    schema = {
        "type": "object",
        "properties": {"x": {"type": "number"}, "n": {"type": "integer", "default": 4}},
    }
    assert canonical(schema, {"x": "abc", "junk": 1}) == {"x": "abc", "n": 4}
    assert canonical(schema, {"x": "2", "n": "3"}) == {"x": 2.0, "n": 3}


def test_checkers_are_compiled_once_per_class(li: LabelInterface) -> None:
    first = li.get_control("rl")._value_checker()
    other = LabelInterface(CONFIG).get_control("rl")._value_checker()
    assert first is other
    assert li.get_control("r")._value_checker() is not first


# --- rectangles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        BOX,
        {**BOX, "x": 0, "y": 100, "width": 100, "height": 0},
        {**BOX, "x": -5},  # only capped at 100, as published
        {**BOX, "y": -1000, "width": -5},
        {**BOX, "x": "10", "height": True},  # numeric strings and booleans read as numbers
        {**BOX, "rotation": 360},
        {**BOX, "rotation": -1},
        {**BOX, "rotation": None},
        {**BOX, "rectanglelabels": ["Car"], "labels": ["x"]},  # extra keys are allowed
        {"r": BOX},  # a value nested under the control's name
    ],
)
def test_rectangle_accepts(li: LabelInterface, value: Dict[str, Any]) -> None:
    assert errors(li, "r", value) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({**BOX, "x": 101}, "Invalid geometry for control 'r': x 101 out of bounds [0, 100]"),
        ({**BOX, "y": 100.0001}, "Invalid geometry for control 'r': y 100.0001 out of bounds [0, 100]"),
        ({**BOX, "width": None}, "Invalid geometry for control 'r': width None out of bounds [0, 100]"),
        ({**BOX, "height": "abc"}, "Invalid geometry for control 'r': height abc out of bounds [0, 100]"),
        ({**BOX, "x": math.inf}, "Invalid geometry for control 'r': x inf out of bounds [0, 100]"),
        (
            {**BOX, "x": -5, "width": 120},
            "Invalid geometry for control 'r': x -5, width 120 out of bounds [0, 100]",
        ),
        (
            {"x": 120, "y": 10, "width": 120, "height": 200},
            "Invalid geometry for control 'r': x 120, width 120, height 200 out of bounds [0, 100]",
        ),
        (
            {**BOX, "x": "-5", "width": 120},
            "Invalid geometry for control 'r': x -5, width 120 out of bounds [0, 100]",
        ),
    ],
)
def test_rectangle_geometry_message(li: LabelInterface, value: Dict[str, Any], message: str) -> None:
    assert errors(li, "r", value) == [f"Region 0: {message}"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"y": 10, "width": 20, "height": 20}, "value.x is required"),
        ({"x": 10, "y": 10, "width": 20}, "value.height is required"),
        ({**BOX, "rotation": 361}, "value.rotation 361 is out of bounds (maximum 360)"),
        ({**BOX, "rotation": "abc"}, "value.rotation must be number or null, got 'abc'"),
    ],
)
def test_rectangle_other_failures_say_why(li: LabelInterface, value: Dict[str, Any], reason: str) -> None:
    (message,) = errors(li, "r", value)
    assert message.startswith("Region 0: Invalid value for control 'r'.")
    assert reason in message
    assert "expected fields: ['x', 'y', 'width', 'height', 'rotation']" in message


def test_rectangle_value_must_be_an_object(li: LabelInterface) -> None:
    (message,) = errors(li, "r", [])
    assert "Invalid value for control 'r'" in message and "value must be an object" in message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (BOX, "value.rectanglelabels is required"),
        ({**BOX, "rectanglelabels": ["Zzz"]}, "labels ['Zzz'] are not in the config"),
        ({**BOX, "rectanglelabels": "Car"}, "value.rectanglelabels must be a list of labels"),
        ({**BOX, "rectanglelabels": None}, "value.rectanglelabels must be a list of labels"),
    ],
)
def test_rectangle_labels_failures(li: LabelInterface, value: Dict[str, Any], reason: str) -> None:
    (message,) = errors(li, "rl", value)
    assert "Invalid value for control 'rl'" in message and reason in message


def test_rectangle_labels_accepts(li: LabelInterface) -> None:
    assert errors(li, "rl", {**BOX, "rectanglelabels": ["Car"]}) == []
    assert errors(li, "rl", {**BOX, "rectanglelabels": []}) == []  # an empty list passes, as published
    assert errors(li, "rl", {**BOX, "rectanglelabels": ["Car", "Bus"]}) == []
    assert errors(li, "dyn", {**BOX, "rectanglelabels": ["Anything"]}) == []  # dynamic labels
    assert errors(li, "rl", {**BOX, "x": -5, "rectanglelabels": ["Car"]}) == []


def test_rectangle_labels_geometry_message(li: LabelInterface) -> None:
    value = {**BOX, "x": -5, "width": 120, "rectanglelabels": ["Car"]}
    assert errors(li, "rl", value) == [
        "Region 0: Invalid geometry for control 'rl': x -5, width 120 out of bounds [0, 100]"
    ]


def test_geometry_message_also_gives_the_real_reason(li: LabelInterface) -> None:
    # deliberate: the published message names only x here, although the missing labels are the problem
    assert errors(li, "rl", {**BOX, "x": -5}) == [
        "Region 0: Invalid geometry for control 'rl': x -5 out of bounds [0, 100]; value.rectanglelabels is required"
    ]


def test_geometry_message_counts_nan_and_nested_values(li: LabelInterface) -> None:
    # deliberate: the published gives the generic message for these two
    assert errors(li, "r", {**BOX, "x": "nan"}) == [
        "Region 0: Invalid geometry for control 'r': x nan out of bounds [0, 100]"
    ]
    assert errors(li, "r", {"r": {**BOX, "x": 101}}) == [
        "Region 0: Invalid geometry for control 'r': x 101 out of bounds [0, 100]"
    ]


def test_rectangle_label_output(li: LabelInterface) -> None:
    region = li.get_control("rl").label(["Car"], x=10, y=10, width=5, height=5)
    assert region._dict()["type"] == "rectanglelabels"
    assert region._dict()["from_name"] == "rl" and region._dict()["to_name"] == "img"
    value = region._dict()["value"]
    assert value == {
        "x": 10.0,
        "y": 10.0,
        "width": 5.0,
        "height": 5.0,
        "rotation": 0,
        "rectanglelabels": ["Car"],
    }
    assert [type(value[k]) for k in ("x", "rotation")] == [float, int]
    assert list(value) == ["x", "y", "width", "height", "rotation", "rectanglelabels"]
    assert label_value(li, "rl", "Bus", x=1, y=1, width=1, height=1)["rectanglelabels"] == ["Bus"]
    assert label_value(li, "rl", [], x=1, y=1, width=1, height=1)["rectanglelabels"] == []


def test_rectangle_label_coerces_and_drops_unknown_keys(li: LabelInterface) -> None:
    value = label_value(li, "r", x="10", y=True, width=5.5, height=5, rotation=7, extra=1)
    assert value == {"x": 10.0, "y": 1.0, "width": 5.5, "height": 5.0, "rotation": 7.0}
    assert label_value(li, "r", x=-5, y=1, width=1, height=1, rotation=None)["rotation"] is None
    assert "rectanglelabels" not in label_value(li, "r", ["Car"], x=1, y=1, width=1, height=1)


def test_rectangle_label_takes_labels_by_value_key(li: LabelInterface) -> None:
    assert label_value(li, "rl", x=1, y=1, width=1, height=1, rectanglelabels=["Car"])["rectanglelabels"] == [
        "Car"
    ]
    # the positional label wins over the keyword, as published
    assert label_value(li, "rl", ["Bus"], x=1, y=1, width=1, height=1, rectanglelabels=["Car"])[
        "rectanglelabels"
    ] == ["Bus"]


def test_rectangle_label_refuses_labels_by_value_key_not_in_config(li: LabelInterface) -> None:
    # deliberate: the published returns a region that its own validation then rejects
    with pytest.raises(ValueError, match=r"labels \['Zzz'\] are not in the config"):
        li.get_control("rl").label(x=1, y=1, width=1, height=1, rectanglelabels=["Zzz"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"label": ["Zzz"]}, "Using labels not defined in labeling config"),
        ({"x": 200}, r"Invalid geometry for control 'rl': x 200.0 out of bounds \[0, 100\]"),
        ({"label": None}, "value.rectanglelabels is required"),
        ({"to_name": "nope"}, "To name is not found in control tag"),
    ],
)
def test_rectangle_label_errors(li: LabelInterface, kwargs: Dict[str, Any], match: str) -> None:
    arguments: Dict[str, Any] = {"label": ["Car"], "x": 1, "y": 1, "width": 1, "height": 1, **kwargs}
    with pytest.raises(ValueError, match=match):
        li.get_control("rl").label(**arguments)


def test_rectangle_json_schema(li: LabelInterface) -> None:
    bounded = {"type": "number", "minimum": 1, "maximum": 99}
    box_properties = {
        "x": bounded,
        "y": bounded,
        "width": bounded,
        "height": bounded,
        "rotation": {"type": "number", "minimum": 0, "maximum": 360},
    }
    assert li.get_control("r").to_json_schema() == {
        "type": "object",
        "properties": box_properties,
        "required": ["x", "y", "width", "height"],
    }
    labels = {
        "type": "array",
        "items": {"type": "string", "enum": ["Car", "Bus"]},
        "minItems": 1,
        "maxItems": 1,
    }
    assert li.get_control("rl").to_json_schema() == {
        "type": "object",
        "properties": {**box_properties, "rectanglelabels": labels},
        "required": ["x", "y", "width", "height", "rectanglelabels"],
    }
    multiple = li.get_control("rlm").to_json_schema()["properties"]["rectanglelabels"]
    assert multiple == {"type": "array", "items": {"type": "string", "enum": ["Car", "Bus"]}, "minItems": 1}


def test_json_schema_is_a_fresh_copy(li: LabelInterface) -> None:
    schema = li.get_control("r").to_json_schema()
    schema["properties"]["x"]["maximum"] = 5
    schema["required"].append("junk")
    assert li.get_control("r").to_json_schema()["properties"]["x"]["maximum"] == 99
    assert "junk" not in li.get_control("r").to_json_schema()["required"]


# --- polygons ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        {"points": TRIANGLE},
        {"points": []},  # the published value model sets no minimum
        {"points": [[-5, 10]]},
        {"points": [["10", 10.5], (20, 20)]},
        {"points": TRIANGLE, "closed": True},
    ],
)
def test_polygon_accepts(li: LabelInterface, value: Dict[str, Any]) -> None:
    assert errors(li, "p", value) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({}, "value.points is required"),
        ({"points": "abc"}, "value.points must be array, got 'abc'"),
        ({"points": None}, "value.points must be array, got None"),
        ({"points": [[10, 10, 5]]}, "value.points[] must have at most 2 items"),
        ({"points": [[10]]}, "value.points[] must have at least 2 items"),
        ({"points": [[101, 10]]}, "value.points[][] 101 is out of bounds (maximum 100)"),
        ({"points": [[None, 1]]}, "value.points[][] must be number, got None"),
        ({"points": [{"x": 10, "y": 10}]}, "value.points[] must be array"),
    ],
)
def test_polygon_rejects(li: LabelInterface, value: Dict[str, Any], reason: str) -> None:
    (message,) = errors(li, "p", value)
    assert "Invalid value for control 'p'" in message and reason in message


def test_polygon_labels(li: LabelInterface) -> None:
    assert errors(li, "pl", {"points": TRIANGLE, "polygonlabels": ["Car"]}) == []
    (message,) = errors(li, "pl", {"points": TRIANGLE})
    assert "value.polygonlabels is required" in message


def test_polygon_label_output(li: LabelInterface) -> None:
    # deliberate: points are lists (the published returns tuples; both serialise to the same JSON)
    assert label_value(li, "p", points=TRIANGLE) == {"points": [[10.0, 10.0], [20.0, 20.0], [30.0, 10.0]]}
    assert label_value(li, "pl", ["Car"], points=[("1", 2), (3, 4)]) == {
        "points": [[1.0, 2.0], [3.0, 4.0]],
        "polygonlabels": ["Car"],
    }


def test_polygon_label_keeps_closed(li: LabelInterface) -> None:
    # deliberate: the published drops ``closed``, which turns an open polyline into a closed polygon
    assert label_value(li, "pl", ["Car"], points=TRIANGLE, closed=False)["closed"] is False
    assert "closed" not in label_value(li, "p", points=TRIANGLE)


def test_polygon_json_schema(li: LabelInterface) -> None:
    point = {
        "type": "array",
        "items": {"type": "number", "minimum": 0, "maximum": 100},
        "minItems": 2,
        "maxItems": 2,
    }
    assert li.get_control("p").to_json_schema() == {
        "type": "object",
        "properties": {"points": {"type": "array", "items": point, "minItems": 3}},
        "required": ["points"],
    }
    labelled = li.get_control("pl").to_json_schema()
    assert labelled["properties"]["points"] == {"type": "array", "items": point}  # as published: no minimum
    assert labelled["required"] == ["points", "polygonlabels"]


# --- ellipses ---------------------------------------------------------------------------------------

ELLIPSE = {"x": 10, "y": 10, "radiusX": 5, "radiusY": 5}


@pytest.mark.parametrize(
    "value",
    [
        ELLIPSE,
        {**ELLIPSE, "x": 100, "y": -5, "radiusX": 50, "radiusY": -5},
        {**ELLIPSE, "rotation": 360},
        {**ELLIPSE, "rotation": None},
        {**ELLIPSE, "radiusX": "7"},
    ],
)
def test_ellipse_accepts(li: LabelInterface, value: Dict[str, Any]) -> None:
    assert errors(li, "e", value) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({**ELLIPSE, "x": 101}, "value.x 101 is out of bounds (maximum 100)"),
        ({**ELLIPSE, "radiusX": 50.5}, "value.radiusX 50.5 is out of bounds (maximum 50)"),
        ({**ELLIPSE, "radiusY": 100}, "value.radiusY 100 is out of bounds (maximum 50)"),
        ({**ELLIPSE, "rotation": 361}, "value.rotation 361 is out of bounds (maximum 360)"),
        ({**ELLIPSE, "y": None}, "value.y must be number, got None"),
        ({"x": 10, "y": 10, "radiusX": 5}, "value.radiusY is required"),
    ],
)
def test_ellipse_rejects(li: LabelInterface, value: Dict[str, Any], reason: str) -> None:
    (message,) = errors(li, "e", value)
    assert "Invalid value for control 'e'" in message and reason in message


def test_ellipse_label_and_schema(li: LabelInterface) -> None:
    assert label_value(li, "e", **ELLIPSE) == {
        "x": 10.0,
        "y": 10.0,
        "radiusX": 5.0,
        "radiusY": 5.0,
        "rotation": 0,
    }
    assert label_value(li, "el", ["Car"], **ELLIPSE, rotation=3) == {
        "x": 10.0,
        "y": 10.0,
        "radiusX": 5.0,
        "radiusY": 5.0,
        "rotation": 3.0,
        "ellipselabels": ["Car"],
    }
    assert errors(li, "el", {**ELLIPSE, "ellipselabels": ["Car"]}) == []
    assert "value.ellipselabels is required" in errors(li, "el", ELLIPSE)[0]
    assert li.get_control("e").to_json_schema() == {
        "type": "object",
        "properties": {
            "x": {"type": "number", "minimum": 0, "maximum": 100},
            "y": {"type": "number", "minimum": 0, "maximum": 100},
            "radiusX": {"type": "number", "minimum": 0, "maximum": 50},
            "radiusY": {"type": "number", "minimum": 0, "maximum": 50},
            "rotation": {"type": "number", "minimum": 0, "maximum": 360},
        },
        "required": ["x", "y", "radiusX", "radiusY"],
    }


# --- keypoints --------------------------------------------------------------------------------------


def test_keypoint(li: LabelInterface) -> None:
    assert errors(li, "k", {"x": 10, "y": 10}) == []
    assert errors(li, "k", {"x": -5, "y": 100, "width": 500}) == []  # width is not modelled
    assert "value.x 101 is out of bounds (maximum 100)" in errors(li, "k", {"x": 101, "y": 10})[0]
    assert "value.y is required" in errors(li, "k", {"x": 10})[0]
    assert "value.keypointlabels is required" in errors(li, "kl", {"x": 10, "y": 10})[0]
    assert errors(li, "kl", {"x": 10, "y": 10, "keypointlabels": ["Car"]}) == []
    assert label_value(li, "k", x=10, y=10, width=3) == {"x": 10.0, "y": 10.0}
    assert label_value(li, "kl", ["Car"], x=1, y=2) == {"x": 1.0, "y": 2.0, "keypointlabels": ["Car"]}
    assert li.get_control("k").to_json_schema() == {
        "type": "object",
        "properties": {
            "x": {"type": "number", "minimum": 0, "maximum": 100},
            "y": {"type": "number", "minimum": 0, "maximum": 100},
        },
        "required": ["x", "y"],
    }


# --- vectors ----------------------------------------------------------------------------------------

VERTICES = [{"x": 10, "y": 10}, {"x": 20, "y": 20, "id": "a", "isBezier": True, "prevPointId": "b"}]


@pytest.mark.parametrize(
    "value",
    [
        {"vertices": VERTICES},
        {"vertices": []},
        {"vertices": [{"x": 500, "y": -5}]},  # not bounded
        {"vertices": VERTICES, "closed": "yes"},
        {"vertices": VERTICES, "closed": None},
        {"vertices": [{"x": 5, "y": 5, "id": None, "isBezier": None, "prevPointId": None}]},
    ],
)
def test_vector_accepts(li: LabelInterface, value: Dict[str, Any]) -> None:
    assert errors(li, "v", value) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({}, "value.vertices is required"),
        ({"vertices": [{"x": 5}]}, "value.vertices[].y is required"),
        ({"vertices": [{"x": 5, "y": None}]}, "value.vertices[].y must be number, got None"),
        ({"vertices": [[5, 5]]}, "value.vertices[] must be object"),
        ({"vertices": [{"x": 5, "y": 5, "id": 3}]}, "value.vertices[].id must be string or null, got 3"),
        ({"vertices": [{"x": 5, "y": 5, "isBezier": "maybe"}]}, "value.vertices[].isBezier must be boolean"),
        ({"vertices": VERTICES, "closed": 2}, "value.closed must be boolean or null, got 2"),
    ],
)
def test_vector_rejects(li: LabelInterface, value: Dict[str, Any], reason: str) -> None:
    (message,) = errors(li, "v", value)
    assert "Invalid value for control 'v'" in message and reason in message


def test_vector_label_fills_vertex_defaults(li: LabelInterface) -> None:
    assert label_value(li, "v", vertices=[{"x": 1, "y": 2, "foo": 3}], closed="true") == {
        "closed": True,
        "vertices": [{"x": 1.0, "y": 2.0, "id": None, "isBezier": False, "prevPointId": None}],
    }
    labelled = label_value(li, "vl", ["Car"], vertices=VERTICES)
    assert labelled["closed"] is False and labelled["vectorlabels"] == ["Car"]
    assert labelled["vertices"][1] == {"x": 20.0, "y": 20.0, "id": "a", "isBezier": True, "prevPointId": "b"}
    assert "value.vectorlabels is required" in errors(li, "vl", {"vertices": VERTICES})[0]


def test_vector_json_schema(li: LabelInterface) -> None:
    vertex = {
        "type": "object",
        "properties": {
            "x": {"type": "number"},
            "y": {"type": "number"},
            "id": {"type": "string"},
            "isBezier": {"type": "boolean"},
            "prevPointId": {"type": "string"},
        },
        "required": ["x", "y"],
    }
    assert li.get_control("v").to_json_schema() == {
        "type": "object",
        "properties": {"closed": {"type": "boolean"}, "vertices": {"type": "array", "items": vertex}},
        "required": ["vertices"],
    }


# --- OCR --------------------------------------------------------------------------------------------

OCR = {**BOX, "ocrlabels": ["Car"]}


@pytest.mark.parametrize(
    "value",
    [
        OCR,
        {**OCR, "x": -5, "width": 500},  # not bounded
        {**OCR, "rotation": 500, "ocrtext": "hi", "pageIndex": 2},
        {**OCR, "ocrtext": None, "pageIndex": None},
        {**OCR, "pageIndex": "3"},
        {**OCR, "pageIndex": 2.0},
    ],
)
def test_ocr_accepts(li: LabelInterface, value: Dict[str, Any]) -> None:
    assert errors(li, "o", value) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (BOX, "value.ocrlabels is required"),
        ({**OCR, "x": None}, "value.x must be number, got None"),
        ({**OCR, "ocrtext": 5}, "value.ocrtext must be string or null, got 5"),
        ({**OCR, "pageIndex": 1.5}, "value.pageIndex must be integer or null, got 1.5"),
        ({**OCR, "pageIndex": "1e2"}, "value.pageIndex must be integer or null"),
    ],
)
def test_ocr_rejects(li: LabelInterface, value: Dict[str, Any], reason: str) -> None:
    (message,) = errors(li, "o", value)
    assert "Invalid value for control 'o'" in message and reason in message


def test_ocr_label_output_keeps_the_published_key_order(li: LabelInterface) -> None:
    value = label_value(li, "o", ["Car"], **BOX)
    assert value == {
        "x": 10.0,
        "y": 10.0,
        "width": 20.0,
        "height": 20.0,
        "rotation": 0,
        "ocrtext": None,
        "ocrlabels": ["Car"],
        "pageIndex": None,
    }
    assert list(value) == ["x", "y", "width", "height", "rotation", "ocrtext", "ocrlabels", "pageIndex"]
    full = label_value(li, "o", ["Car"], **BOX, rotation=5, ocrtext="hi", pageIndex="2")
    assert (full["rotation"], full["ocrtext"], full["pageIndex"]) == (5.0, "hi", 2)


def test_ocr_json_schema(li: LabelInterface) -> None:
    schema = li.get_control("o").to_json_schema()
    assert list(schema["properties"]) == [
        "x",
        "y",
        "width",
        "height",
        "rotation",
        "ocrtext",
        "pageIndex",
        "ocrlabels",
    ]
    assert schema["properties"]["pageIndex"] == {"type": "integer"}
    assert schema["required"] == ["x", "y", "width", "height", "ocrlabels"]


# --- split format: <Labels> on a geometry control -----------------------------------------------------


def test_labels_control_carrying_rectangle_geometry_is_checked_with_rectangle_rules() -> None:
    li = LabelInterface(
        '<View><Image name="img" value="$i"/><Rectangle name="r" toName="img"/>'
        '<Labels name="lab" toName="img"><Label value="Car"/></Labels></View>'
    )

    def check(value: Dict[str, Any]) -> List[str]:
        region = {"from_name": "lab", "to_name": "img", "type": "rectanglelabels", "value": value}
        result: List[str] = li.validate_prediction({"result": [region]}, return_errors=True)
        return result

    assert check({**BOX, "labels": ["Car"]}) == []
    (message,) = check({**BOX, "x": 101, "labels": ["Car"]})
    assert "value.x 101 is out of bounds (maximum 100)" in message


# --- samples ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_CONTROLS)
def test_samples_label_and_validate_for_many_seeds(li: LabelInterface, name: str) -> None:
    control = li.get_control(name)
    for seed in range(200):
        payload = control.sample_payload(random.Random(seed))
        region = control.label(**payload)
        assert errors(li, name, region._dict()["value"]) == [], (seed, payload)


@pytest.mark.parametrize("name", ALL_CONTROLS)
def test_samples_are_deterministic(li: LabelInterface, name: str) -> None:
    control = li.get_control(name)
    assert control.sample_payload(random.Random(7)) == control.sample_payload(random.Random(7))
    assert control.sample_payload(random.Random(7)) != control.sample_payload(random.Random(8))


def test_sample_shapes_stay_inside_the_image(li: LabelInterface) -> None:
    for seed in range(300):
        rng = random.Random(seed)
        box = li.get_control("rl").sample_payload(rng)
        assert all(1 <= box[key] <= 99 for key in ("x", "y", "width", "height"))
        assert box["x"] + box["width"] <= 99 and box["y"] + box["height"] <= 99
        assert box["label"] in (["Car"], ["Bus"])
        points = li.get_control("p").sample_payload(rng)["points"]
        assert len(points) >= 3
        assert all(1 <= coordinate <= 99 for point in points for coordinate in point)
        multiple = li.get_control("rlm").sample_payload(rng)["label"]
        assert 1 <= len(multiple) <= 2 and set(multiple) <= {"Car", "Bus"}


def test_labelled_control_without_config_labels_has_no_sample(li: LabelInterface) -> None:
    assert li.get_control("dyn").sample_payload(random.Random(1)) is None
    assert li.get_control("r").sample_payload(random.Random(1)) is not None


def test_interface_sample_prediction_covers_every_geometry_control(li: LabelInterface) -> None:
    prediction = li.generate_sample_prediction(seed=5)
    assert prediction is not None
    # "dyn" (labels from the task) samples the options generate_sample_task puts in the task.
    assert sorted(region["from_name"] for region in prediction["result"]) == sorted([*ALL_CONTROLS, "dyn"])


def test_hand_built_tag_works_without_a_config() -> None:
    control = RectangleLabelsTag(
        tag="RectangleLabels", name="box", to_name=["img"], labels=["Car"], labels_attrs={}
    )
    assert control.label("Car", x=1, y=2, width=3, height=4)._dict()["to_name"] == "img"
    assert control.value_reason({**BOX, "rectanglelabels": ["Car"]}) is None
    assert control.value_reason({**BOX, "width": 120, "rectanglelabels": ["Car"]}) == (
        "value.width 120 is out of bounds (maximum 100)"
    )
