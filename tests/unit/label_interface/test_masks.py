"""Mask controls: brush, magic wand and bitmask values, ``label()`` output, schemas and samples.

Accepted and rejected values and ``label()`` outputs were checked against the published
label-studio-sdk 2.1.2.
"""

from __future__ import annotations

import base64
import random
import struct
import zlib
from typing import Any, Dict, List, Tuple

import pytest

from label_studio_sdk.label_interface import LabelInterface
from label_studio_sdk.label_interface.control_tags import (
    BitmaskLabelsTag,
    BitmaskTag,
    BrushLabelsTag,
    BrushTag,
    MagicWandTag,
)
from label_studio_sdk.label_interface.controls import masks
from label_studio_sdk.label_interface.controls.masks import blank_png_data_url, encode_rle_runs, sample_rle

CONFIG = """<View>
  <Image name="img" value="$image"/>
  <Brush name="b" toName="img"/>
  <BrushLabels name="bl" toName="img"><Label value="Car"/><Label value="Road"/></BrushLabels>
  <MagicWand name="mw" toName="img"/>
  <Bitmask name="bm" toName="img"/>
  <BitmaskLabels name="bml" toName="img"><Label value="Car"/></BitmaskLabels>
</View>"""

ALL_CONTROLS = ["b", "bl", "mw", "bm", "bml"]


@pytest.fixture(scope="module")
def li() -> LabelInterface:
    return LabelInterface(CONFIG)


def errors(li: LabelInterface, name: str, value: Any, region_type: str = "") -> List[str]:
    control = li.get_control(name)
    region = {"from_name": name, "to_name": "img", "type": region_type or control.tag.lower(), "value": value}
    result: List[str] = li.validate_prediction({"result": [region]}, return_errors=True)
    return result


def label_value(li: LabelInterface, name: str, *args: Any, **kwargs: Any) -> Dict[str, Any]:
    value: Dict[str, Any] = li.get_control(name).label(*args, **kwargs)._dict()["value"]
    return value


def decode_rle(data: List[int]) -> List[int]:
    """A reader of Label Studio's RLE layout, written from its description, to check what we encode."""
    bits = "".join(f"{byte:08b}" for byte in data)
    position = 0

    def read(count: int) -> int:
        nonlocal position
        value = int(bits[position : position + count], 2)
        position += count
        return value

    total = read(32)
    word = read(5) + 1
    sizes = [read(4) + 1 for _ in range(4)]
    out: List[int] = []
    while len(out) < total:
        repeated = read(1)
        length = read(sizes[read(2)]) + 1
        if repeated:
            out.extend([read(word)] * length)
        else:
            out.extend(read(word) for _ in range(length))
    return out


def test_tags_map_to_their_classes(li: LabelInterface) -> None:
    classes = {
        "b": BrushTag,
        "bl": BrushLabelsTag,
        "mw": MagicWandTag,
        "bm": BitmaskTag,
        "bml": BitmaskLabelsTag,
    }
    for name, cls in classes.items():
        assert type(li.get_control(name)) is cls
    assert {
        "brush": BrushTag,
        "brushlabels": BrushLabelsTag,
        "magicwand": MagicWandTag,
        "bitmask": BitmaskTag,
        "bitmasklabels": BitmaskLabelsTag,
    } == masks.TAGS
    assert [li.get_control(n)._label_attr_name for n in ALL_CONTROLS] == [
        None,
        "brushlabels",
        None,
        None,
        "bitmasklabels",
    ]


# --- brush ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["b", "mw"])
@pytest.mark.parametrize(
    "value",
    [
        {"format": "rle", "rle": [1, 2, 3]},
        {"rle": [1, 2, 3]},  # format defaults to rle
        {"format": "png", "rle": [1]},  # any format string passes, as published
        {"format": "rle", "rle": [0, 255, 1.0, "3"]},  # integral floats and numeric strings read as bytes
        {"format": "rle", "rle": [1], "brushlabels": ["Car"]},
    ],
)
def test_brush_accepts(li: LabelInterface, name: str, value: Dict[str, Any]) -> None:
    assert errors(li, name, value) == []


@pytest.mark.parametrize("name", ["b", "mw"])
@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"format": "rle"}, "value.rle is required"),
        ({"format": "rle", "rle": []}, "value.rle must have at least 1 items"),
        ({"format": "rle", "rle": [256]}, "value.rle[] 256 is out of bounds (maximum 255)"),
        ({"format": "rle", "rle": [-1]}, "value.rle[] -1 is out of bounds (minimum 0)"),
        ({"format": "rle", "rle": [1.5]}, "value.rle[] must be integer, got 1.5"),
        ({"format": "rle", "rle": "abc"}, "value.rle must be array, got 'abc'"),
        ({"format": "rle", "rle": None}, "value.rle must be array, got None"),
        ({"format": None, "rle": [1]}, "value.format must be string, got None"),
    ],
)
def test_brush_rejects(li: LabelInterface, name: str, value: Dict[str, Any], reason: str) -> None:
    (message,) = errors(li, name, value)
    assert f"Invalid value for control '{name}'" in message and reason in message


def test_brush_labels(li: LabelInterface) -> None:
    rle = encode_rle_runs([(400, 0), (40, 255), (360, 0)])
    assert errors(li, "bl", {"format": "rle", "rle": rle, "brushlabels": ["Road"]}) == []
    assert errors(li, "bl", {"rle": rle, "brushlabels": ["Road"]}) == []
    assert "value.brushlabels is required" in errors(li, "bl", {"format": "rle", "rle": rle})[0]
    assert "labels ['Sky'] are not in the config" in errors(li, "bl", {"rle": rle, "brushlabels": ["Sky"]})[0]


def test_long_rle_is_checked_item_by_item_only_when_needed(li: LabelInterface) -> None:
    rle = [random.Random(1).randint(0, 255) for _ in range(20000)]
    assert errors(li, "bl", {"format": "rle", "rle": rle, "brushlabels": ["Car"]}) == []
    (message,) = errors(li, "bl", {"format": "rle", "rle": [*rle, 300], "brushlabels": ["Car"]})
    assert "value.rle[] 300 is out of bounds (maximum 255)" in message


def test_brush_label_output(li: LabelInterface) -> None:
    assert label_value(li, "b", rle=[1, 2, 3]) == {"format": "rle", "rle": [1, 2, 3]}
    assert label_value(li, "b", rle=(1.0, "2", 3), format="png", foo=1) == {"format": "png", "rle": [1, 2, 3]}
    assert label_value(li, "bl", ["Car"], rle=[1, 2, 3]) == {
        "format": "rle",
        "rle": [1, 2, 3],
        "brushlabels": ["Car"],
    }
    assert label_value(li, "mw", rle=[1, 2, 3]) == {"format": "rle", "rle": [1, 2, 3]}
    assert li.create_regions({"bl": {"rle": [1, 2], "label": ["Car"]}})[0]._dict()["value"] == {
        "format": "rle",
        "rle": [1, 2],
        "brushlabels": ["Car"],
    }


def test_brush_label_turns_numpy_arrays_into_lists(li: LabelInterface) -> None:
    numpy = pytest.importorskip("numpy")
    value = label_value(li, "b", rle=numpy.array([1, 2, 3], dtype=numpy.uint8))
    assert value == {"format": "rle", "rle": [1, 2, 3]}
    assert all(type(item) is int for item in value["rle"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rle": []}, "value.rle must have at least 1 items"),
        ({"rle": [300]}, r"value\.rle\[\] 300 is out of bounds"),
    ],
)
def test_brush_label_errors(li: LabelInterface, kwargs: Dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        li.get_control("b").label(**kwargs)


def test_brush_json_schema(li: LabelInterface) -> None:
    rle = {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 255}, "minItems": 1}
    brush = {
        "type": "object",
        "properties": {"format": {"type": "string", "enum": ["rle"]}, "rle": rle},
        "required": ["format", "rle"],
    }
    assert li.get_control("b").to_json_schema() == brush
    assert li.get_control("mw").to_json_schema() == brush
    labelled = li.get_control("bl").to_json_schema()
    assert labelled["properties"]["brushlabels"] == {
        "type": "array",
        "items": {"type": "string", "enum": ["Car", "Road"]},
        "minItems": 1,
        "maxItems": 1,
    }
    assert labelled["required"] == ["format", "rle", "brushlabels"]


def test_brush_with_a_labels_control_validates_as_brushlabels() -> None:
    li = LabelInterface(
        '<View><Image name="img" value="$i"/><Brush name="brush" toName="img"/>'
        '<Labels name="labels" toName="img"><Label value="Car"/></Labels></View>'
    )
    region = {"from_name": "labels", "to_name": "img", "type": "brushlabels"}
    rle = encode_rle_runs([(64, 0)])
    assert li.validate_prediction({"result": [{**region, "value": {"rle": rle, "labels": ["Car"]}}]})
    bad = li.validate_prediction(
        {"result": [{**region, "value": {"rle": [], "labels": ["Car"]}}]}, return_errors=True
    )
    assert "value.rle must have at least 1 items" in bad[0]


# --- RLE encoding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "runs",
    [[(40000, 0)], [(8, 0), (12, 255), (65536, 7)], [(1, 1), (1, 2), (1, 3)]],
)
def test_encoded_rle_decodes_back(runs: List[Tuple[int, int]]) -> None:
    expected = [value for length, value in runs for _ in range(length)]
    encoded = encode_rle_runs(runs)
    assert all(0 <= byte <= 255 for byte in encoded)
    assert decode_rle(encoded) == expected


def test_rle_runs_have_a_length_limit() -> None:
    with pytest.raises(ValueError, match=r"1\.\.65536"):
        encode_rle_runs([(65537, 0)])
    with pytest.raises(ValueError, match=r"1\.\.65536"):
        encode_rle_runs([(0, 0)])


def test_sample_rle_is_a_short_mask_with_one_painted_stretch() -> None:
    for seed in range(50):
        encoded = sample_rle(random.Random(seed))
        assert len(encoded) <= 24
        decoded = decode_rle(encoded)
        assert len(decoded) == 64 * 64 * 4
        painted = [index for index, byte in enumerate(decoded) if byte]
        assert painted and set(decoded[painted[0] : painted[-1] + 1]) == {255}
        assert painted[0] % 4 == 0 and len(painted) % 4 == 0  # whole RGBA pixels


# --- bitmask ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        {"imageDataURL": "data:image/png;base64,xx"},
        {"imageDataURL": "data:..", "format": "png"},
        {"imageDataURL": ""},
        {"imageDataURL": "x", "format": None},
    ],
)
def test_bitmask_accepts(li: LabelInterface, value: Dict[str, Any]) -> None:
    assert errors(li, "bm", value) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({}, "value.imageDataURL is required"),
        ({"imageDataURL": 5}, "value.imageDataURL must be string, got 5"),
        ({"imageDataURL": None}, "value.imageDataURL must be string, got None"),
        ({"imageDataURL": "x", "format": 5}, "value.format must be string or null, got 5"),
    ],
)
def test_bitmask_rejects(li: LabelInterface, value: Dict[str, Any], reason: str) -> None:
    (message,) = errors(li, "bm", value)
    assert "Invalid value for control 'bm'" in message and reason in message


def test_bitmask_labels_and_label_output(li: LabelInterface) -> None:
    assert errors(li, "bml", {"imageDataURL": "x", "bitmasklabels": ["Car"]}) == []
    assert "value.bitmasklabels is required" in errors(li, "bml", {"imageDataURL": "x"})[0]
    assert label_value(li, "bm", imageDataURL="x") == {"imageDataURL": "x", "format": None}
    assert label_value(li, "bml", ["Car"], imageDataURL="x", format="png") == {
        "imageDataURL": "x",
        "format": "png",
        "bitmasklabels": ["Car"],
    }


def test_bitmask_json_schema(li: LabelInterface) -> None:
    assert li.get_control("bm").to_json_schema() == {
        "type": "object",
        "properties": {"imageDataURL": {"type": "string"}, "format": {"type": "string"}},
        "required": ["imageDataURL"],
    }
    assert li.get_control("bml").to_json_schema()["required"] == ["imageDataURL", "bitmasklabels"]


@pytest.mark.parametrize(("width", "height"), [(1, 1), (3, 2)])
def test_blank_png_data_url_is_a_valid_png(width: int, height: int) -> None:
    url = blank_png_data_url(width, height)
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix)
    png = base64.b64decode(url[len(prefix) :])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind, data = png[position + 4 : position + 8], png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + data)
        chunks[kind] = data
        position += 12 + length
    assert list(chunks) == [b"IHDR", b"IDAT", b"IEND"]
    assert struct.unpack(">II", chunks[b"IHDR"][:8]) == (width, height)
    assert chunks[b"IHDR"][8:10] == b"\x08\x06"  # 8-bit RGBA
    assert zlib.decompress(chunks[b"IDAT"]) == (b"\x00" + b"\x00" * 4 * width) * height


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
    assert control.sample_payload(random.Random(3)) == control.sample_payload(random.Random(3))


def test_brush_sample_payload_shape(li: LabelInterface) -> None:
    payload = li.get_control("bl").sample_payload(random.Random(2))
    assert set(payload) == {"format", "rle", "label"}
    assert payload["format"] == "rle" and payload["label"] in (["Car"], ["Road"])
    assert li.get_control("b").sample_payload(random.Random(2)).keys() == {"format", "rle"}


def test_labelled_mask_without_config_labels_has_no_sample() -> None:
    li = LabelInterface(
        '<View><Image name="img" value="$i"/><BrushLabels name="bl" toName="img" value="$l"/></View>'
    )
    assert li.get_control("bl").sample_payload(random.Random(1)) is None
