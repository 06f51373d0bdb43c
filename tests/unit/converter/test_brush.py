"""Brush RLE: round trips, the stream layout, errors, and byte-for-byte compatibility with the published
label-studio-sdk 2.1.2 (run as a black box in the server's virtualenv, one subprocess)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from functools import lru_cache
from typing import Any, Dict, List

import pytest

from label_studio_sdk import _rle
from label_studio_sdk.converter import brush
from label_studio_sdk.converter.brush import (
    decode_from_annotation,
    decode_rle,
    encode_rle,
    image2annotation,
    image2rle,
    mask2rle,
    rle2mask,
)
from tests.ls_server_files import require_server_install, server_python


def rgba(mask: List[List[int]]) -> List[int]:
    return [value for row in mask for value in row for _ in range(4)]


def random_mask(rng: random.Random, height: int, width: int, values: List[int]) -> List[List[int]]:
    return [[rng.choice(values) for _ in range(width)] for _ in range(height)]


def blob_mask(height: int, width: int) -> List[List[int]]:
    centres = [
        (height // 4, width // 3, min(height, width) // 6),
        (height * 2 // 3, width // 2, min(height, width) // 4),
    ]
    return [
        [
            255 if any((y - cy) ** 2 + (x - cx) ** 2 < r * r for cy, cx, r in centres) else 0
            for x in range(width)
        ]
        for y in range(height)
    ]


@lru_cache(maxsize=1)
def sample_masks() -> Dict[str, List[List[int]]]:
    """Masks of every kind the compatibility check covers (cached: the 1000x1000 one takes a while)."""
    rng = random.Random(7)
    return {
        "zeros": [[0] * 5 for _ in range(3)],
        "full": [[255] * 8 for _ in range(8)],
        "single pixel": [[0, 0, 0], [0, 1, 0]],
        "one by one": [[9]],
        "random 0/1": random_mask(rng, 17, 13, [0, 1]),
        "random 0..255": random_mask(rng, 31, 7, list(range(256))),
        "random sparse": random_mask(rng, 40, 41, [0] * 20 + [255]),
        "long run": [[3] * 20000, [3] * 20000],  # one 160000-value run: split at 65536
        "blobs 1000x1000": blob_mask(1000, 1000),
        "odd blobs": blob_mask(333, 71),
    }


# --- the stream -------------------------------------------------------------------------------------


def test_mask2rle_repeats_each_pixel_four_times() -> None:
    assert decode_rle(mask2rle([[0, 255], [1, 2]]), as_array=False) == [0] * 4 + [255] * 4 + [1] * 4 + [2] * 4
    assert mask2rle([[0, 255], [1, 2]]) == [0, 0, 0, 16, 57, 27, 252, 96, 17, 255, 198, 3, 24, 16]


def test_record_choices_match_the_published_encoder() -> None:
    # a lone value: one-word literal (3-bit field); a run: a repeated record in the smallest field
    assert list(_rle.encode(bytes([1]))) == [0, 0, 0, 1, 57, 27, 248, 0, 32]
    assert list(_rle.encode(bytes([3, 3]))) == [0, 0, 0, 2, 57, 27, 252, 32, 96]
    # a stream ending on a byte boundary still gets a padding byte (72 bits -> 10 bytes)
    assert list(_rle.encode(bytes(17))) == [0, 0, 0, 17, 57, 27, 254, 16, 0, 0]


def test_header_and_runs_past_the_longest_field() -> None:
    header, values = _rle.decode(_rle.encode(bytes(65537)))
    assert header == _rle.Header(65537, 8, (3, 4, 8, 16)) and values == bytearray(65537)
    assert _rle.encode(bytes(65537)) == bytes([0, 1, 0, 1, 57, 27, 255, 255, 255, 0, 224, 0, 0, 0])


@pytest.mark.parametrize("name", sorted(sample_masks()))
def test_masks_round_trip(name: str) -> None:
    mask = sample_masks()[name]
    encoded = mask2rle(mask)
    assert all(type(item) is int and 0 <= item <= 255 for item in encoded)
    assert rle2mask(encoded, len(mask), len(mask[0]), as_array=False) == mask
    assert encode_rle(rgba(mask)) == encoded


def test_literal_chunks_of_the_editor_decode() -> None:
    # The editor's encoder also writes multi-word literal records; build one by hand: 3 literal words.
    bits = (
        f"{3:032b}{7:05b}" + "".join(f"{s - 1:04b}" for s in (3, 4, 8, 16)) + "000" + "010" + "00000001"
        "00000010"
        "11111111"
    )
    data = int(bits.ljust(-(-len(bits) // 8) * 8, "0"), 2).to_bytes(-(-len(bits) // 8), "big")
    assert decode_rle(data, as_array=False) == [1, 2, 255]


@pytest.mark.parametrize(
    ("wordsize", "sizes", "values"),
    [
        (16, (3, 4, 8, 16), [0, 1, 1, 3, 300, 65535, 65535]),
        (4, (1, 2, 3, 4), [0] * 40 + [15, 15, 1]),
        (8, (16, 8, 4, 3), [0] * 17 + [9] * 300),
        (32, (4, 4, 4, 4), [2**32 - 1] * 20 + [7]),
        (1, (3, 4, 8, 16), [1, 0, 0, 1, 1, 1]),
    ],
)
def test_other_parameters_give_valid_streams(wordsize: int, sizes: Any, values: List[int]) -> None:
    encoded = encode_rle(values, wordsize=wordsize, rle_sizes=list(sizes))
    header, decoded = _rle.decode(encoded)
    assert header == _rle.Header(len(values), wordsize, tuple(sizes))
    assert list(decoded) == values


def test_decode_rle_arrays_and_print_params(capsys: pytest.CaptureFixture[str]) -> None:
    numpy = pytest.importorskip("numpy")
    values = decode_rle(mask2rle([[1, 2, 3]]), print_params=True)
    assert isinstance(values, numpy.ndarray) and values.dtype == numpy.uint8 and values.shape == (12,)
    assert capsys.readouterr().out == "RLE params: 12 values 8 word_size [3, 4, 8, 16] rle_sizes\n"
    mask = numpy.array([[0, 255, 7], [1, 1, 1]], dtype=numpy.int64)
    assert mask2rle(mask) == mask2rle(mask.tolist())
    assert encode_rle(numpy.repeat(mask.ravel(), 4).astype(numpy.uint8)) == mask2rle(mask)
    decoded = rle2mask(mask2rle(mask), 2, 3)
    assert decoded.dtype == numpy.uint8 and decoded.tolist() == mask.tolist()
    assert decode_rle(numpy.array(mask2rle(mask)), as_array=False) == rgba(mask.tolist())


def test_empty_mask_is_a_header_only_stream() -> None:
    assert mask2rle([]) == [0, 0, 0, 0, 57, 27, 248]  # 53 bits and 3 padding bits
    assert rle2mask(mask2rle([]), 0, 0, as_array=False) == []


# --- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rle", "match"),
    [
        ([], "too short: the header needs 53 bits"),
        ([0, 0, 0, 16, 57, 27], "too short"),
        (
            mask2rle([[1, 2, 3, 4]])[:-3],
            r"malformed RLE: stream ends in the record at bit \d+ \(after \d+ of 16 values\)",
        ),
        ([0, 0, 0, 2, 57, 27, 255, 255, 255, 0, 0], "a run of 65536 goes past the count"),
        ([0, 0, 0, 2, 300], "RLE item 4 must be a byte"),
        ([0, 0, 0, 2, "x"], "RLE item 4 must be a byte"),
    ],
)
def test_malformed_rle_raises_value_error(rle: List[Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        decode_rle(rle)


def test_rle2mask_checks_the_size() -> None:
    with pytest.raises(ValueError, match="RLE holds 16 values, but a 2x3 RGBA mask needs 24"):
        rle2mask(mask2rle([[1, 2], [3, 4]]), 2, 3)


@pytest.mark.parametrize(
    ("mask", "match"),
    [
        ([[0, 256]], "values must be ints 0..255; row 0 holds 256"),
        ([[0, 1], [-1, 0]], "row 1 holds -1"),
        ([[0, 0.5]], "row 0 holds 0.5"),
        ([[0, 1], [1]], "rows of equal length; row 1"),
        ([1, 2], "2-D"),
    ],
)
def test_bad_masks_raise_value_error(mask: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        mask2rle(mask)


def test_bad_arrays_raise_value_error() -> None:
    numpy = pytest.importorskip("numpy")
    with pytest.raises(ValueError, match=r"found -1\.\.300"):
        mask2rle(numpy.array([[-1, 300]]))
    with pytest.raises(ValueError, match="not booleans"):
        mask2rle(numpy.array([[True, False]]))
    with pytest.raises(ValueError, match="not float64"):
        mask2rle(numpy.array([[0.5]]))
    with pytest.raises(ValueError, match=r"not of shape \(2, 2, 3\)"):
        mask2rle(numpy.zeros((2, 2, 3), dtype=numpy.uint8))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"wordsize": 0}, "wordsize must be 1..32"),
        ({"rle_sizes": [3, 4, 8]}, "four sizes of 1..16"),
        ({"rle_sizes": [3, 4, 8, 17]}, "four sizes of 1..16"),
        ({"wordsize": 2}, "value 7 does not fit in 2 bits"),
    ],
)
def test_bad_parameters(kwargs: Dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        encode_rle([7, 7], **kwargs)


# --- annotations and images -------------------------------------------------------------------------


def brush_result(rle: List[int], **extra: Any) -> Dict[str, Any]:
    return {"from_name": "tag", "to_name": "img", "type": "brushlabels", "original_width": 3, "original_height": 2,
            "value": {"format": "rle", "rle": rle, **extra}}  # fmt: skip


def test_decode_from_annotation_keys_and_masks() -> None:
    mask = [[0, 255, 255], [0, 0, 9]]
    rle = mask2rle(mask)
    legacy = {k: v for k, v in brush_result(rle).items() if k != "value"}
    results = [
        brush_result(rle, brushlabels=["Car"]),
        brush_result(rle, brushlabels=["Car"]),
        brush_result(rle, brushlabels=["Car", "Road"]),
        brush_result(rle),
        {**legacy, "rle": rle, "brushlabels": ["Road"]},  # the old layout, rle at the top level
        {**brush_result(rle, brushlabels=["Car"]), "from_name": "other"},  # another control: skipped
        {**brush_result(rle), "type": "Brush"},
        {"from_name": "tag", "type": "rectanglelabels", "value": {"x": 1}},
    ]
    layers = decode_from_annotation("tag", results)
    assert sorted(layers) == [
        "tag-Car-0",
        "tag-Car-1",
        "tag-Car-Road-0",
        "tag-Road-0",
        "tag-no_label-0",
        "tag-no_label-1",
    ]
    for layer in layers.values():
        assert (layer.tolist() if hasattr(layer, "tolist") else layer) == mask


def test_image2rle_without_pillow_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)  # other tests may have imported it already
    with pytest.raises(ImportError, match=r"label-studio-sdk\[converter\]"):
        image2rle("mask.png")


class FakeImage:
    """Stands in for a Pillow image (Pillow is not a dependency of the dev environment)."""

    def __init__(self, grey: bytes, size: Any) -> None:
        self.grey, self.size = grey, size

    def __enter__(self) -> FakeImage:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def convert(self, mode: str) -> FakeImage:
        assert mode == "L"
        return self

    def tobytes(self) -> bytes:
        return self.grey


def test_image2rle_and_image2annotation_threshold_at_128(monkeypatch: pytest.MonkeyPatch) -> None:
    image_module = type(sys)("PIL.Image")
    grey = bytes([0, 128, 129, 255, 10, 200, 130, 127])
    image_module.open = lambda path: FakeImage(grey, (4, 2))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "PIL", type(sys)("PIL"))
    monkeypatch.setitem(sys.modules, "PIL.Image", image_module)
    rle, width, height = image2rle("mask.png")
    assert (width, height) == (4, 2)
    assert rle == [0, 0, 0, 32, 57, 27, 252, 224, 19, 255, 198, 1, 63, 252, 96, 0]  # published, same image
    annotation = image2annotation("mask.png", "Car", "tag", "img")
    (result,) = annotation["result"]
    assert len(result.pop("id")) == 8
    assert annotation == {
        "result": [{"type": "brushlabels", "value": {"rle": rle, "format": "rle", "brushlabels": ["Car"]},
                    "origin": "manual", "to_name": "img", "from_name": "tag", "image_rotation": 0,
                    "original_width": 4, "original_height": 2}],
        "ground_truth": False,
    }  # fmt: skip
    prediction = image2annotation("mask.png", "Car", "tag", "img", ground_truth=True, model_version="m1")
    assert set(prediction) == {"result", "model_version", "score"} and prediction["score"] is None


def test_module_exports() -> None:
    assert sorted(brush.__all__) == sorted(
        [
            "decode_from_annotation",
            "decode_rle",
            "encode_rle",
            "image2annotation",
            "image2rle",
            "mask2rle",
            "rle2mask",
        ]
    )


# --- the published package as a black box -----------------------------------------------------------

PUBLISHED = """
import json, sys
import numpy as np
from label_studio_sdk.converter.brush import decode_rle, mask2rle
job = json.load(sys.stdin)
print(json.dumps({
    "encoded": {name: mask2rle(np.array(mask, dtype=np.uint8)) for name, mask in job["masks"].items()},
    "decoded": {name: decode_rle(rle).tolist() for name, rle in job["ours"].items()},
}))
"""


def test_compatible_with_the_published_codec() -> None:
    require_server_install()
    python = server_python()
    assert python is not None
    masks = sample_masks()
    ours = {name: mask2rle(mask) for name, mask in masks.items()}
    job = json.dumps({"masks": masks, "ours": ours})
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED],
        input=job,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    published = json.loads(completed.stdout)
    for name, mask in masks.items():
        assert published["decoded"][name] == rgba(mask), name  # (a) they decode what we encode
        assert decode_rle(published["encoded"][name], as_array=False) == rgba(mask), name  # (b)
        assert published["encoded"][name] == ours[name], name  # (c) byte for byte
