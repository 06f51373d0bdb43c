"""Rectangle, OBB and polygon geometry of the image exports."""

from __future__ import annotations

import math

import pytest

from label_studio_sdk.converter import geometry, utils
from label_studio_sdk.converter.converter import Converter

ROTATED = {
    "x": 10,
    "y": 20,
    "width": 30,
    "height": 40,
    "rotation": 30,
    "original_width": 200,
    "original_height": 100,
}


def test_corners_rotate_around_the_top_left_corner_in_pixels() -> None:
    points = geometry.convert_annotation_to_yolo_obb(ROTATED, normalize=False)
    assert points is not None
    expected = [
        (20.0, 20.0),
        (71.96152422706632, 50.0),
        (51.96152422706632, 84.64101615137756),
        (0.0, 54.64101615),
    ]
    for (px, py), (ex, ey) in zip(points, expected):
        assert px == pytest.approx(ex, abs=1e-6) and py == pytest.approx(ey, abs=1e-6)
    normalised = geometry.convert_annotation_to_yolo_obb(ROTATED)
    assert normalised is not None
    assert normalised[1] == pytest.approx((71.96152422706632 / 200, 0.5))


def test_obb_needs_the_image_size() -> None:
    assert geometry.convert_annotation_to_yolo_obb({"x": 1, "y": 1, "width": 1, "height": 1}) is None


def test_obb_corners_round_trip_to_the_rectangle() -> None:
    for rotation in (0, 30, 90, 179, 200, 359):
        label = dict(ROTATED, rotation=rotation)
        points = geometry.convert_annotation_to_yolo_obb(label, normalize=False)
        back = utils.convert_yolo_obb_to_annotation(points, 200, 100)
        for key in ("x", "y", "width", "height"):
            assert back[key] == pytest.approx(label[key], abs=1e-9)
        assert math.isclose(back["rotation"] % 360, rotation % 360, abs_tol=1e-9) or math.isclose(
            abs(back["rotation"] - rotation), 360, abs_tol=1e-9
        )
        assert isinstance(back["x"], float)


def test_obb_accepts_flat_nested_and_array_input() -> None:
    numpy = pytest.importorskip("numpy")
    flat = [20, 20, 80, 20, 80, 60, 20, 60]
    nested = [[20, 20], [80, 20], [80, 60], [20, 60]]
    expected = {"x": 10.0, "y": 20.0, "width": 30.0, "height": 40.0, "rotation": 0.0}
    for form in (flat, nested, numpy.array(nested, dtype=float), numpy.array(flat)):
        result = utils.convert_yolo_obb_to_annotation(form, 200, 100)
        assert {key: result[key] for key in expected} == pytest.approx(expected)
    with pytest.raises(ValueError, match="4 corners"):
        utils.convert_yolo_obb_to_annotation([1, 2, 3, 4], 10, 10)


def test_rotated_rectangle_is_computed_in_pixels_for_non_square_images() -> None:
    # Deliberate difference: the published rotates in percent space, which is wrong for a 200x100 image.
    box = Converter.rotated_rectangle(ROTATED)
    assert box is not None
    x, y, width, height = box
    assert (x, y) == pytest.approx((0.0, 20.0), abs=1e-9)
    assert width == pytest.approx(71.96152422706632 / 2)
    assert height == pytest.approx(64.64101615137756)
    assert Converter.rotated_rectangle({"x": 1, "y": 2, "width": 3, "height": 4}) == (1, 2, 3, 4)
    assert Converter.rotated_rectangle({"x": 1}) is None


def test_yolo_box_is_centre_and_size_normalised() -> None:
    assert utils.convert_annotation_to_yolo(ROTATED) == pytest.approx((0.25, 0.4, 0.3, 0.4))
    assert utils.convert_annotation_to_yolo({"x": 10}) is None
    assert utils.convert_annotation_to_yolo({"x": "a", "y": 1, "width": 1, "height": 1}) is None


def test_polygon_area_and_box() -> None:
    assert utils.get_polygon_area([0, 2, 2, 0], [0, 0, 2, 2]) == 4.0
    assert utils.get_polygon_area([0, 0, 2, 2], [0, 2, 2, 0]) == 4.0  # clockwise too
    assert utils.get_polygon_bounding_box([0, 2, 2, 0], [0, 0, 3, 2]) == [0, 0, 2, 3]
    assert geometry.polygon_points({"points": [[1, 2], [3, 4], [5, "6"]]}) == [(1, 2), (3, 4), (5, 6)]
    assert geometry.polygon_points({"points": [[1, 2], [3]]}) is None
    assert geometry.polygon_points({}) is None


def test_numbers_are_read_leniently_but_bools_are_not_numbers() -> None:
    assert geometry.as_number("1.5") == 1.5 and geometry.as_number(2) == 2.0
    assert (
        geometry.as_number(True) is None
        and geometry.as_number("x") is None
        and geometry.as_number(None) is None
    )
    assert geometry.rectangle_of({"x": True, "y": 1, "width": 1, "height": 1}) is None
