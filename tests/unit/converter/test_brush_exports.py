"""The BRUSH_TO_NUMPY, BRUSH_TO_PNG and BRUSH_TO_COCO writers and the outline tracer: golden outputs on small
masks, the published files (label-studio-sdk 2.1.2 and the OpenCV it uses, run as a black box in one
subprocess), each deliberate difference pinned, safe names, skipped bad regions and the missing extra."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import random
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence, Set, Tuple

import numpy
import pytest
from PIL import Image

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter._contours import Outline, outlines
from label_studio_sdk.converter._deps import MissingDependencyError
from label_studio_sdk.converter.brush import mask2rle
from label_studio_sdk.converter.exports.brush_coco import (
    FILE_NAME,
    image_file_name,
    image_url,
    polygon,
    write_brush_coco,
)
from label_studio_sdk.converter.exports.brush_masks import (
    MAX_NAME_BYTES,
    annotator_name,
    file_name,
    name_part,
    write_brush_masks,
)
from label_studio_sdk.converter.reader import iter_tasks
from tests.ls_server_files import require_server_install, server_python

Task = Dict[str, Any]
Pixel = Tuple[int, int]

CONFIG = (
    '<View><Image name="image" value="$image"/>'
    '<BrushLabels name="tag" toName="image"><Label value="Cat"/><Label value="Dog"/></BrushLabels>'
    '<RectangleLabels name="rect" toName="image"><Label value="Cat"/><Label value="Bird"/></RectangleLabels>'
    "</View>"
)
BRUSH_CONFIG = (
    '<View><Image name="image" value="$image"/><Brush name="brush" toName="image"/>'
    '<Labels name="kind" toName="image"><Label value="Cat"/></Labels></View>'
)


# --- masks as pictures ------------------------------------------------------------------------------


def picture(*rows: str) -> List[List[int]]:
    """A mask drawn with ``#`` (255) and ``.`` (0); other digits stand for themselves (1-9)."""
    return [[255 if char == "#" else 0 if char == "." else int(char) for char in row] for row in rows]


def flat(mask: List[List[int]]) -> Tuple[bytes, int, int]:
    return bytes(value for row in mask for value in row), len(mask[0]), len(mask)


SQUARE = picture("......", "..###.", "..###.", "..###.", "......")
L_SHAPE = picture("........", "..#.....", "..#.....", "..#.....", "..####..", "........")
TWO_BLOBS = picture("........", ".##.....", ".##.....", "........", "......#.", "......##")
HOLE = picture(".......", ".#####.", ".#####.", ".##.##.", ".#####.", ".#####.", ".......")
NESTED = picture(
    ".........",
    ".#######.",
    ".#.....#.",
    ".#.....#.",
    ".#..#..#.",
    ".#.....#.",
    ".#.....#.",
    ".#######.",
    ".........",
)
ONE_PIXEL = picture(".....", ".....", "...#.", ".....", ".....")
EMPTY = picture("....", "....", "....", "....")
DIAGONAL = picture("#....", ".#...", "..#..", "...#.", ".....")
FAINT = picture("......", "..123.", "..#9#.", "..###.", "......")  # any non-zero value is set


def blob(height: int, width: int) -> List[List[int]]:
    """Two overlapping discs with a hole punched in one, and a stray stroke: an irregular mask."""
    mask = [[0] * width for _ in range(height)]
    for y in range(height):
        for x in range(width):
            in_disc = (x - 12) ** 2 + (y - 10) ** 2 <= 64 or (x - 22) ** 2 + (y - 17) ** 2 <= 30
            in_hole = (x - 11) ** 2 + (y - 9) ** 2 <= 4
            if (
                (in_disc and not in_hole)
                or (y == 25 and 3 <= x <= 9)
                or (x, y) == (10, 26)
                or (x == y - 2 and y > 20)
            ):
                mask[y][x] = 255
    return mask


BLOB = blob(30, 32)


# --- tasks ------------------------------------------------------------------------------------------


def brush(mask: List[List[int]], labels: List[str], from_name: str = "tag", **extra: Any) -> Dict[str, Any]:
    value: Dict[str, Any] = {"format": "rle", "rle": mask2rle(mask), "brushlabels": labels}
    result = {
        "id": f"r{len(labels)}",
        "from_name": from_name,
        "to_name": "image",
        "type": "brushlabels",
        "original_width": len(mask[0]),
        "original_height": len(mask),
        "value": value,
    }
    result.update(extra)
    return result


def rectangle(
    labels: List[str], image_width: int = 7, image_height: int = 7, **geometry: Any
) -> Dict[str, Any]:
    value = {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0, "rectanglelabels": labels}
    value.update(geometry)
    return {
        "id": "box",
        "from_name": "rect",
        "to_name": "image",
        "type": "rectanglelabels",
        "original_width": image_width,
        "original_height": image_height,
        "value": value,
    }


def annotation(ident: Any, created_at: str, completed_by: Any, results: List[Any], **extra: Any) -> Task:
    fields: Task = {"id": ident, "created_at": created_at, "result": results}
    if completed_by is not None:
        fields["completed_by"] = completed_by
    fields.update(extra)
    return fields


def task(ident: Any, image: str, *annotations: Task, **data: Any) -> Task:
    return {"id": ident, "data": {"image": image, **data}, "annotations": list(annotations)}


# Ordinary exports: the published writes them without crashing, and ours must write the same files.
COMPARE_TASKS: List[Task] = [
    task(
        1,
        "/data/upload/1/a.png",
        annotation(
            11,
            "2024-01-01T00:00:00Z",
            {"id": 1, "email": "a/b@x.io"},
            [brush(SQUARE, ["Cat"]), brush(L_SHAPE, ["Cat", "Dog"]), brush(SQUARE, ["Cat"])],
        ),
        annotation(12, "2024-01-02T00:00:00Z", {"id": 2, "email": "z_z@y.io"}, [brush(TWO_BLOBS, ["Dog"])]),
        annotation(13, "2024-01-03T00:00:00Z", {"id": 2}, [brush(ONE_PIXEL, ["Dog"])], was_cancelled=True),
    ),
    task(2, "/data/upload/1/empty.png"),  # no annotations: an item for COCO, no files
    task(
        3,
        "http://host/b.jpg",
        annotation(
            21,
            "2024-01-01T00:00:00Z",
            3,
            [
                brush(HOLE, ["Cat"]),
                brush(NESTED, ["Dog"]),
                brush(EMPTY, ["Cat"]),
                brush(BLOB, ["Cat"]),
                rectangle(["Cat", "Bird"]),
                brush(FAINT, ["Dog"]),
            ],
        ),
    ),
    task(4, "/data/local-files/?d=pics/c.jpeg", annotation(31, "2024-01-01", "someone", [brush(SQUARE, [])])),
    # Last, so the published numbering of everything before is unchanged: regions it drops and we keep.
    task(5, "/data/upload/1/d.png", annotation(41, "2024-01-01", 5, [brush(ONE_PIXEL, ["Dog"]), brush(DIAGONAL, ["Dog"])])),
]  # fmt: skip

# Reads {"config", "tasks", "masks"} and answers the files of each format and OpenCV's outlines of the masks.
PUBLISHED_SCRIPT = r"""
import base64, json, logging, os, sys, tempfile
logging.disable(logging.CRITICAL)
import cv2, numpy
from PIL import Image
from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter import Converter
given = json.load(sys.stdin)
answer = {}
with tempfile.TemporaryDirectory() as root:
    source = os.path.join(root, "export.json")
    with open(source, "w", encoding="utf-8") as handle:
        json.dump(given["tasks"], handle)
    for fmt in ("BRUSH_TO_NUMPY", "BRUSH_TO_PNG", "BRUSH_TO_COCO"):
        out = os.path.join(root, fmt)
        os.mkdir(out)
        Converter(config=parse_config(given["config"]), project_dir=None).convert(source, out, fmt, is_dir=False)
        files = {}
        for name in sorted(os.listdir(out)):
            path = os.path.join(out, name)
            if os.path.isdir(path):
                files[name] = {"directory": sorted(os.listdir(path))}
            elif name.endswith(".npy"):
                array = numpy.load(path)
                files[name] = {"dtype": str(array.dtype), "shape": list(array.shape), "rows": array.tolist()}
            elif name.endswith(".png"):
                with Image.open(path) as image:
                    files[name] = {"mode": image.mode, "rows": numpy.array(image).tolist()}
            else:
                with open(path, encoding="utf-8") as handle:
                    files[name] = {"text": handle.read()}
            if not os.path.isdir(path):
                with open(path, "rb") as handle:
                    files[name]["bytes"] = base64.b64encode(handle.read()).decode()
        answer[fmt] = files
contours = []
for height, width, rows in given["masks"]:
    found, _ = cv2.findContours(numpy.array(rows, dtype=numpy.uint8).reshape(height, width), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contours.append([[contour.reshape(-1, 2).tolist(), list(cv2.boundingRect(contour))] for contour in found])
answer["contours"] = contours
json.dump(answer, sys.stdout)
"""


def random_masks() -> List[Tuple[int, int, List[List[int]]]]:
    """Noise of several densities and discs, rings and rings with a dot inside, on sizes 1..40."""
    rng = random.Random(7)
    masks = []
    for _ in range(160):
        height, width = rng.randint(1, 40), rng.randint(1, 40)
        if rng.random() < 0.5:
            density = rng.choice([0.05, 0.3, 0.5, 0.7, 0.95])
            rows = [[255 if rng.random() < density else 0 for _ in range(width)] for _ in range(height)]
        else:
            rows = [[0] * width for _ in range(height)]
            for _ in range(rng.randint(1, 6)):
                cy, cx, radius = rng.randrange(height), rng.randrange(width), rng.uniform(0.5, 12)
                ring = rng.random() < 0.4
                for y in range(height):
                    for x in range(width):
                        distance = ((y - cy) ** 2 + (x - cx) ** 2) ** 0.5
                        if distance <= radius and (not ring or distance >= radius - 2):
                            rows[y][x] = rng.choice([1, 255])
                        elif ring and distance < radius - 2 and rng.random() < 0.03:
                            rows[y][x] = 9
        masks.append((height, width, rows))
    return masks


RANDOM_MASKS = random_masks()


@pytest.fixture(scope="module")
def published() -> Dict[str, Any]:
    require_server_install()
    python = server_python()
    assert python is not None
    given = {"config": CONFIG, "tasks": COMPARE_TASKS, "masks": RANDOM_MASKS}
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    answer: Dict[str, Any] = json.loads(completed.stdout)
    return answer


def tasks_file(tmp_path: Path, tasks: List[Task]) -> Path:
    source = tmp_path / "export.json"
    source.write_text(json.dumps(tasks), encoding="utf-8")
    return source


# --- a rasteriser and flood fills of our own, to check outlines against -----------------------------


def on_segment(point: Pixel, start: Pixel, end: Pixel) -> bool:
    (px, py), (ax, ay), (bx, by) = point, start, end
    cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
    return cross == 0 and min(ax, bx) <= px <= max(ax, bx) and min(ay, by) <= py <= max(ay, by)


def covered(points: Sequence[Pixel], width: int, height: int) -> Set[Pixel]:
    """The pixel centres inside a polygon or on its edges (even-odd rule)."""
    edges = list(zip(points, [*points[1:], points[0]]))
    inside: Set[Pixel] = set()
    for y in range(height):
        for x in range(width):
            if any(on_segment((x, y), a, b) for a, b in edges):
                inside.add((x, y))
                continue
            crossings = 0
            for (ax, ay), (bx, by) in edges:
                if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
                    crossings += 1
            if crossings % 2:
                inside.add((x, y))
    return inside


def neighbours(pixel: Pixel, diagonal: bool) -> Iterator[Pixel]:
    x, y = pixel
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            if (dx or dy) and (diagonal or not (dx and dy)):
                yield x + dx, y + dy


def flood(start: Pixel, allowed: Set[Pixel], diagonal: bool) -> Set[Pixel]:
    seen, todo = {start}, [start]
    while todo:
        for near in neighbours(todo.pop(), diagonal):
            if near in allowed and near not in seen:
                seen.add(near)
                todo.append(near)
    return seen


def filled_regions(mask: List[List[int]]) -> List[Tuple[Set[Pixel], Set[Pixel]]]:
    """``(region with its holes filled, the mask pixels in it)`` of each outermost 8-connected region."""
    height, width = len(mask), len(mask[0])
    padded = {(x, y) for x in range(-1, width + 1) for y in range(-1, height + 1)}
    set_pixels = {(x, y) for y in range(height) for x in range(width) if mask[y][x]}
    outside = flood((-1, -1), padded - set_pixels, diagonal=False)
    filled = padded - outside
    regions = []
    while filled:
        region = flood(min(filled, key=lambda pixel: (pixel[1], pixel[0])), filled, diagonal=True)
        regions.append((region, region & set_pixels))
        filled -= region
    return regions


# --- the outline tracer -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mask", "expected"),
    [
        (SQUARE, [Outline(((2, 1), (2, 3), (4, 3), (4, 1)), (2, 1, 3, 3), 9)]),
        (L_SHAPE, [Outline(((2, 1), (2, 4), (5, 4), (3, 4), (2, 3)), (2, 1, 4, 4), 7)]),
        # Bottom-most region first, as OpenCV lists them.
        (
            TWO_BLOBS,
            [
                Outline(((6, 4), (6, 5), (7, 5)), (6, 4, 2, 2), 3),
                Outline(((1, 1), (1, 2), (2, 2), (2, 1)), (1, 1, 2, 2), 4),
            ],
        ),
        # The outline does not go round a hole; the hole's pixel does not count.
        (HOLE, [Outline(((1, 1), (1, 5), (5, 5), (5, 1)), (1, 1, 5, 5), 24)]),
        # A region inside a hole belongs to the one around it, and its pixels count there.
        (NESTED, [Outline(((1, 1), (1, 7), (7, 7), (7, 1)), (1, 1, 7, 7), 25)]),
        (ONE_PIXEL, [Outline(((3, 2),), (3, 2, 1, 1), 1)]),
        (DIAGONAL, [Outline(((0, 0), (3, 3)), (0, 0, 4, 4), 4)]),
        (EMPTY, []),
        (FAINT, [Outline(((2, 1), (2, 3), (4, 3), (4, 1)), (2, 1, 3, 3), 9)]),
    ],
    ids=["square", "L", "two-blobs", "hole", "nested", "one-pixel", "diagonal", "empty", "faint"],
)
def test_outlines_golden(mask: List[List[int]], expected: List[Outline]) -> None:
    assert outlines(*flat(mask)) == expected


def test_outlines_of_degenerate_sizes() -> None:
    assert outlines(b"", 0, 0) == []
    assert outlines(b"\xff", 1, 1) == [Outline(((0, 0),), (0, 0, 1, 1), 1)]
    assert outlines(b"\xff\xff\xff", 3, 1) == [Outline(((0, 0), (2, 0)), (0, 0, 3, 1), 3)]
    assert outlines(bytearray(b"\x00\x07"), 1, 2) == [Outline(((0, 1),), (0, 1, 1, 1), 1)]
    assert outlines(memoryview(b"\xff" * 6), 3, 2) == [
        Outline(((0, 0), (0, 1), (2, 1), (2, 0)), (0, 0, 3, 2), 6)
    ]
    with pytest.raises(ValueError, match="a 3x2 mask needs 6 bytes"):
        outlines(b"\xff" * 5, 3, 2)


@pytest.mark.parametrize("mask", [SQUARE, L_SHAPE, TWO_BLOBS, HOLE, NESTED, ONE_PIXEL, DIAGONAL, BLOB])
def test_outlines_rasterise_back_to_the_filled_regions(mask: List[List[int]]) -> None:
    data, width, height = flat(mask)
    found = outlines(data, width, height)
    regions = filled_regions(mask)
    assert len(found) == len(regions)
    for outline in found:
        (region, pixels) = next(entry for entry in regions if outline.points[0] in entry[0])
        assert covered(outline.points, width, height) == region
        assert outline.area == len(pixels)
        xs, ys = [x for x, _ in region], [y for _, y in region]
        assert outline.bbox == (min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)


def test_outlines_rasterise_back_on_random_masks() -> None:
    for height, width, rows in RANDOM_MASKS[::8]:
        found = outlines(*flat(rows))
        regions = filled_regions(rows)
        assert sorted(sorted(covered(o.points, width, height)) for o in found) == sorted(
            sorted(region) for region, _ in regions
        )
        assert sorted(o.area for o in found) == sorted(len(pixels) for _, pixels in regions)


def test_outlines_match_opencv(published: Dict[str, Any]) -> None:
    for (height, width, rows), theirs in zip(RANDOM_MASKS, published["contours"]):
        ours = [[[list(point) for point in o.points], list(o.bbox)] for o in outlines(*flat(rows))]
        assert ours == theirs, (height, width, rows)


def test_outlines_are_fast_on_an_image_sized_mask() -> None:
    import time

    width, height = 1920, 1080
    data = bytearray(width * height)
    for y in range(200, 900):
        half = int((350**2 - (y - 550) ** 2) ** 0.5)
        data[y * width + 960 - half : y * width + 960 + half] = b"\xff" * (2 * half)
    start = time.perf_counter()
    (outline,) = outlines(bytes(data), width, height)
    assert time.perf_counter() - start < 2.0  # about 0.05 s; OpenCV-free does not mean slow
    assert outline.area == data.count(255)


# --- BRUSH_TO_NUMPY / BRUSH_TO_PNG ------------------------------------------------------------------


EXPECTED_MASK_FILES = {
    "task-1-annotation-11-by-ab@x.io-tag-Cat-0": SQUARE,
    "task-1-annotation-11-by-ab@x.io-tag-Cat-1": SQUARE,
    "task-1-annotation-11-by-ab@x.io-tag-Cat-Dog-0": L_SHAPE,
    "task-1-annotation-12-by-zz@y.io-tag-Dog-0": TWO_BLOBS,
    "task-3-annotation-21-by-3-tag-Cat-0": HOLE,
    "task-3-annotation-21-by-3-tag-Cat-1": EMPTY,
    "task-3-annotation-21-by-3-tag-Cat-2": BLOB,
    "task-3-annotation-21-by-3-tag-Dog-0": NESTED,
    "task-3-annotation-21-by-3-tag-Dog-1": FAINT,
    "task-4-annotation-31-by-someone-tag--0": SQUARE,
    "task-5-annotation-41-by-5-tag-Dog-0": ONE_PIXEL,
    "task-5-annotation-41-by-5-tag-Dog-1": DIAGONAL,
}


def test_numpy_masks_golden(tmp_path: Path) -> None:
    out = tmp_path / "out"
    paths = write_brush_masks(
        iter_tasks(tasks_file(tmp_path, COMPARE_TASKS)), parse_config(CONFIG), out, image_format="numpy"
    )
    assert sorted(path.name for path in paths) == sorted(os.listdir(out))
    assert sorted(os.listdir(out)) == sorted(f"{stem}.npy" for stem in EXPECTED_MASK_FILES)
    for stem, mask in EXPECTED_MASK_FILES.items():
        array = numpy.load(out / f"{stem}.npy")
        assert array.dtype == numpy.uint8 and array.shape == (len(mask), len(mask[0]))
        assert array.tolist() == mask


def test_png_masks_golden(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_brush_masks(COMPARE_TASKS, parse_config(CONFIG), out, image_format="png")
    assert sorted(os.listdir(out)) == sorted(f"{stem}.png" for stem in EXPECTED_MASK_FILES)
    for stem, mask in EXPECTED_MASK_FILES.items():
        with Image.open(out / f"{stem}.png") as image:
            assert image.mode == "L" and image.size == (len(mask[0]), len(mask))
            assert numpy.array(image).tolist() == mask


@pytest.mark.parametrize(("fmt", "image_format"), [("BRUSH_TO_NUMPY", "numpy"), ("BRUSH_TO_PNG", "png")])
def test_masks_match_the_published(
    published: Dict[str, Any], tmp_path: Path, fmt: str, image_format: Any
) -> None:
    out = tmp_path / "out"
    write_brush_masks(
        iter_tasks(tasks_file(tmp_path, COMPARE_TASKS)), parse_config(CONFIG), out, image_format=image_format
    )
    theirs = published[fmt]
    assert sorted(os.listdir(out)) == sorted(theirs)
    for name, expected in theirs.items():
        ours = (out / name).read_bytes()
        assert base64.b64encode(ours).decode() == expected["bytes"], name  # the same bytes, not just pixels
        stem = name.rsplit(".", 1)[0]
        assert expected["rows"] == EXPECTED_MASK_FILES[stem]


def test_choose_newest_writes_one_annotation_per_task(tmp_path: Path) -> None:
    paths = write_brush_masks(
        COMPARE_TASKS[:1], parse_config(CONFIG), tmp_path, image_format="numpy", choose="newest"
    )
    assert [path.name for path in paths] == ["task-1-annotation-12-by-zz@y.io-tag-Dog-0.npy"]


def test_cancelled_annotations_and_other_results_write_nothing(tmp_path: Path) -> None:
    tasks = [
        task(1, "a.png", annotation(1, "1", 1, [brush(SQUARE, ["Cat"])], was_cancelled=True)),
        task(2, "a.png", annotation(2, "1", 1, [rectangle(["Cat"])])),
        task(3, "a.png", annotation(3, "1", 1, [brush(SQUARE, ["Cat"], from_name="not_in_config")])),
    ]
    assert write_brush_masks(tasks, parse_config(CONFIG), tmp_path, image_format="numpy") == []
    assert os.listdir(tmp_path) == []


def test_names_from_hostile_data_stay_in_the_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    tasks = [
        task(
            "../x",
            "a.png",
            annotation("y/z", "1", {"email": "../../e@x"}, [brush(SQUARE, ["a/b", "..", "c\\d"])]),
        ),
        task(
            2, "a.png", annotation(2, "1", {"email": None}, [brush(SQUARE, ["tab\there", "nul\x00", "nl\n"])])
        ),
        task(3, "a.png", annotation(3, "1", {"email": "é*?:<>|\"' -_@x"}, [brush(SQUARE, ["..", "/"])])),
    ]
    paths = write_brush_masks(tasks, parse_config(CONFIG), out, image_format="numpy")
    assert [path.name for path in paths] == [
        "task-..-x-annotation-y-z-by-....e@x-tag-a-b-..-c-d-0.npy",
        "task-2-annotation-2-by--tag-tab_here-nul_-nl_-0.npy",
        "task-3-annotation-3-by-é@x-tag-..---0.npy",
    ]
    assert sorted(os.listdir(out)) == sorted(path.name for path in paths)
    assert all(path.parent == out for path in paths)
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_long_names_are_cut_to_255_bytes_with_a_digest(tmp_path: Path) -> None:
    email = "x" * 300 + "@example.com"
    labels = ["ラベル" * 40, "Cat"]
    tasks = [
        task(1, "a.png", annotation(1, "1", {"email": email}, [brush(SQUARE, labels), brush(SQUARE, labels)]))
    ]
    first, second = write_brush_masks(tasks, parse_config(CONFIG), tmp_path, image_format="png")
    stem = f"task-1-annotation-1-by-{email}-tag-{'-'.join(labels)}"
    digest = hashlib.sha256(stem.encode()).hexdigest()[:8]
    for path, counter in ((first, 0), (second, 1)):
        assert len(path.name.encode()) <= MAX_NAME_BYTES
        assert path.name.startswith("task-1-annotation-1-by-xxxx")
        assert path.name.endswith(f"~{digest}-{counter}.png")
        assert path.exists()
    assert file_name("task-1", 0, ".npy") == "task-1-0.npy"
    cut = file_name("é" * 200, 12, ".npy")  # cut on a character boundary
    assert len(cut.encode()) <= MAX_NAME_BYTES and cut.endswith("-12.npy")


def test_colliding_names_never_overwrite(tmp_path: Path) -> None:
    # "a/b" becomes "a-b"; "Cat" and "cat" are one file on case-insensitive filesystems. The published
    # writes "tag-a-b-0" twice (the second mask overwrites the first); we give the next free counter.
    tasks = [
        task(
            1,
            "a.png",
            annotation(1, "2", 1, [brush(SQUARE, ["a/b"]), brush(L_SHAPE, ["a-b"]), brush(SQUARE, ["Cat"])]),
            annotation(
                1, "1", 1, [brush(L_SHAPE, ["cat"]), brush(TWO_BLOBS, ["Cat"])]
            ),  # the same annotation id
        )
    ]
    paths = write_brush_masks(tasks, parse_config(CONFIG), tmp_path, image_format="numpy")
    assert [path.name for path in paths] == [
        "task-1-annotation-1-by-1-tag-a-b-0.npy",
        "task-1-annotation-1-by-1-tag-a-b-1.npy",
        "task-1-annotation-1-by-1-tag-Cat-0.npy",
        "task-1-annotation-1-by-1-tag-cat-1.npy",
        "task-1-annotation-1-by-1-tag-Cat-2.npy",
    ]
    assert [numpy.load(path).tolist() for path in paths] == [SQUARE, L_SHAPE, SQUARE, L_SHAPE, TWO_BLOBS]


def test_name_parts() -> None:
    assert annotator_name({"email": "a.b+c-d_e@x.io"}) == "a.bcde@x.io"
    assert annotator_name({"id": 3}) == annotator_name({}) == annotator_name(None) == ""
    assert annotator_name(7) == "7" and annotator_name("Some One") == "SomeOne"
    assert (
        name_part(None) == "None"
        and name_part("a/b\\c") == "a-b-c"
        and name_part("x\x00\x1f\x7f\ud800") == "x____"
    )
    assert name_part("Cat: big? <yes>") == "Cat: big? <yes>"  # as the published writes it


def test_a_symlink_in_the_way_is_replaced_not_followed(tmp_path: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim.npy"
    out.mkdir()
    victim.write_bytes(b"keep")
    (out / "task-1-annotation-1-by-1-tag-Cat-0.npy").symlink_to(victim)
    tasks = [task(1, "a.png", annotation(1, "1", 1, [brush(SQUARE, ["Cat"])]))]
    (path,) = write_brush_masks(tasks, parse_config(CONFIG), out, image_format="numpy")
    assert victim.read_bytes() == b"keep"
    assert not path.is_symlink() and numpy.load(path).tolist() == SQUARE


BAD_REGIONS_TASKS: List[Task] = [
    task(
        7,
        "a.png",
        annotation(
            70,
            "1",
            1,
            [
                brush(SQUARE, ["Cat"], value={"format": "rle", "rle": [1, 2, 3], "brushlabels": ["Cat"]}),
                brush(SQUARE, ["Cat"], original_width=None),
                brush(SQUARE, ["Cat"], original_height=4),  # the RLE holds a 6x5 mask
                brush(SQUARE, ["Cat"], value={"format": "rle", "rle": "not bytes", "brushlabels": ["Cat"]}),
                brush(SQUARE, ["Cat"], value={"format": "rle", "rle": None, "brushlabels": ["Cat"]}),
                brush(SQUARE, ["Dog"]),
            ],
        ),
    )
]


def test_bad_regions_are_skipped_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # The published stops the whole export with a ValueError (bad RLE) or TypeError (no size).
    with caplog.at_level(logging.WARNING):
        paths = write_brush_masks(BAD_REGIONS_TASKS, parse_config(CONFIG), tmp_path, image_format="numpy")
    assert [path.name for path in paths] == ["task-7-annotation-70-by-1-tag-Dog-0.npy"]
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 5
    assert all(message.startswith("task 7, annotation 70: brush region ") for message in messages)
    assert "undecodable RLE" in messages[0] and "original_width" in messages[1]
    assert "a 6x4 RGBA mask needs 96 bytes" in messages[2]


def test_brush_controls_labelled_by_a_labels_control_are_exported(tmp_path: Path) -> None:
    # The published exports only results of type brushlabels, so a Brush config gives no files at all.
    region = brush(SQUARE, [], from_name="brush", type="brush")
    region["value"] = {"format": "rle", "rle": mask2rle(SQUARE), "labels": ["Cat"]}
    unlabelled = brush(L_SHAPE, [], from_name="brush", type="brush")
    del unlabelled["value"]["brushlabels"]
    tasks = [task(1, "a.png", annotation(1, "1", 1, [region, unlabelled]))]
    paths = write_brush_masks(tasks, parse_config(BRUSH_CONFIG), tmp_path, image_format="numpy")
    assert [path.name for path in paths] == [
        "task-1-annotation-1-by-1-brush-Cat-0.npy",
        "task-1-annotation-1-by-1-brush--0.npy",
    ]


def test_wrong_image_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="image_format must be 'numpy' or 'png'"):
        write_brush_masks([], parse_config(CONFIG), tmp_path, image_format="jpeg")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("image_format", "hidden", "distribution"),
    [("numpy", ("numpy",), "numpy"), ("png", ("PIL", "PIL.Image"), "Pillow")],
)
def test_a_missing_extra_is_named(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    image_format: Any,
    hidden: Tuple[str, ...],
    distribution: str,
) -> None:
    for module in hidden:
        monkeypatch.setitem(sys.modules, module, None)
    purpose = "BRUSH_TO_NUMPY" if image_format == "numpy" else "BRUSH_TO_PNG"
    with pytest.raises(
        MissingDependencyError, match=rf"{purpose} needs {distribution}.*label-studio-sdk\[converter\]"
    ):
        write_brush_masks(COMPARE_TASKS, parse_config(CONFIG), tmp_path / "out", image_format=image_format)
    assert not (tmp_path / "out").exists()


# --- BRUSH_TO_COCO ----------------------------------------------------------------------------------


def coco(tmp_path: Path, tasks: List[Task], config: str = CONFIG, **kwargs: Any) -> Dict[str, Any]:
    path = write_brush_coco(
        iter_tasks(tasks_file(tmp_path, tasks)), parse_config(config), tmp_path / "out", **kwargs
    )
    assert path == tmp_path / "out" / FILE_NAME
    assert os.listdir(path.parent) == [FILE_NAME]  # no spool files left, and no empty images/ folder
    text = path.read_text(encoding="utf-8")
    document: Dict[str, Any] = json.loads(text)
    assert text == json.dumps(document, indent=2, ensure_ascii=False)  # the layout of the published file
    return document


def shoelace(flat_points: List[int]) -> float:
    xs, ys = flat_points[0::2], flat_points[1::2]
    count = len(xs)
    return abs(sum(xs[i] * ys[(i + 1) % count] - xs[(i + 1) % count] * ys[i] for i in range(count))) / 2


def brush_annotation(ident: int, image: int, category: int, points: List[int], area: int, bbox: List[int], annotator: Any) -> Dict[str, Any]:  # fmt: skip
    return {
        "id": ident, "image_id": image, "category_id": category, "segmentation": [points], "area": area,
        "bbox": bbox, "iscrowd": 0, "annotator": annotator,
    }  # fmt: skip


def test_coco_golden(tmp_path: Path) -> None:
    document = coco(tmp_path, COMPARE_TASKS)
    assert list(document) == ["images", "annotations", "categories", "info"]
    # One image per annotation item, its id the item's position (item 2 is annotation 11, item 3 task 2).
    assert document["images"] == [
        {"id": 0, "file_name": "a.png", "path": "/data/upload/1/a.png", "width": 8, "height": 6},
        {"id": 1, "file_name": "a.png", "path": "/data/upload/1/a.png", "width": 6, "height": 5},
        {"id": 3, "file_name": "b.jpg", "path": "http://host/b.jpg", "width": 7, "height": 7},
        {"id": 5, "file_name": "d.png", "path": "/data/upload/1/d.png", "width": 5, "height": 5},
    ]
    square = [2, 1, 2, 3, 4, 3, 4, 1]
    l_shape = [2, 1, 2, 4, 5, 4, 3, 4, 2, 3]
    annotations = document["annotations"]
    assert annotations[:8] == [
        brush_annotation(0, 0, 1, [6, 4, 6, 5, 7, 5], 3, [6, 4, 2, 2], "z_z@y.io"),
        brush_annotation(1, 0, 1, [1, 1, 1, 2, 2, 2, 2, 1], 4, [1, 1, 2, 2], "z_z@y.io"),
        brush_annotation(2, 1, 2, square, 9, [2, 1, 3, 3], "a/b@x.io"),
        brush_annotation(3, 1, 2, l_shape, 7, [2, 1, 4, 4], "a/b@x.io"),  # one annotation per label
        brush_annotation(4, 1, 1, l_shape, 7, [2, 1, 4, 4], "a/b@x.io"),
        brush_annotation(5, 1, 2, square, 9, [2, 1, 3, 3], "a/b@x.io"),
        brush_annotation(6, 3, 2, [1, 1, 1, 5, 5, 5, 5, 1], 24, [1, 1, 5, 5], "3"),
        brush_annotation(7, 3, 1, [1, 1, 1, 7, 7, 7, 7, 1], 25, [1, 1, 7, 7], "3"),
    ]
    # BLOB: the stroke below, then the discs with the diagonal that touches them; EMPTY gives nothing.
    stroke, discs = annotations[8:10]
    assert stroke == brush_annotation(8, 3, 2, [3, 25, 9, 25, 10, 26, 9, 25], 8, [3, 25, 8, 2], "3")
    assert discs["bbox"] == [4, 2, 24, 28] and discs["category_id"] == 2 and discs["image_id"] == 3
    assert stroke["area"] + discs["area"] == sum(value > 0 for row in BLOB for value in row)
    assert annotations[10:] == [
        brush_annotation(10, 3, 1, square, 9, [2, 1, 3, 3], "3"),
        {"id": 11, "image_id": 3, "category_id": 2, "segmentation": [], "area": 5.88, "bbox": [0.7, 1.4, 2.1, 2.8], "iscrowd": 0, "annotator": "3"},
        {"id": 12, "image_id": 3, "category_id": 3, "segmentation": [], "area": 5.88, "bbox": [0.7, 1.4, 2.1, 2.8], "iscrowd": 0, "annotator": "3"},
        # Kept, closed to three points (the published drops both).
        brush_annotation(13, 5, 1, [3, 2, 3, 2, 3, 2], 1, [3, 2, 1, 1], "5"),
        brush_annotation(14, 5, 1, [0, 0, 3, 3, 0, 0], 4, [0, 0, 4, 4], "5"),
    ]  # fmt: skip
    assert document["categories"] == [
        {"id": 1, "name": "Dog", "supercategory": "", "color": "#" + hashlib.sha256(b"Dog").hexdigest()[:6], "metadata": {}},
        {"id": 2, "name": "Cat", "supercategory": "", "color": "#" + hashlib.sha256(b"Cat").hexdigest()[:6], "metadata": {}},
        {"id": 3, "name": "Bird", "supercategory": "", "color": "#" + hashlib.sha256(b"Bird").hexdigest()[:6], "metadata": {}},
    ]  # fmt: skip
    info = document["info"]
    assert list(info) == ["year", "version", "description", "contributor", "date_created"]
    assert info["version"] == "1.0" and info["contributor"] == "Label Studio Converter"
    assert info["description"] == "Converted from Label Studio" and isinstance(info["year"], int)


def test_coco_polygons_cover_the_mask(tmp_path: Path) -> None:
    document = coco(tmp_path, COMPARE_TASKS)
    # Image 3 holds HOLE, EMPTY and BLOB as Cat: rasterised back, the polygons cover exactly their pixels
    # and the holes (HOLE's centre, the hole punched in BLOB's disc); EMPTY adds nothing.
    pixels: Set[Pixel] = set()
    for entry in document["annotations"]:
        if entry["segmentation"] and entry["image_id"] == 3 and entry["category_id"] == 2:
            points = entry["segmentation"][0]
            pixels |= covered(list(zip(points[0::2], points[1::2])), 32, 30)
    expected = set().union(*(region for region, _ in filled_regions(BLOB) + filled_regions(HOLE)))
    assert pixels == expected
    hole_in_blob = {
        (x, y) for y, row in enumerate(BLOB) for x, value in enumerate(row) if not value
    } & expected
    assert len(hole_in_blob) > 5 and (3, 3) in expected


def test_coco_is_loadable_by_coco_readers(tmp_path: Path) -> None:
    document = coco(tmp_path, COMPARE_TASKS)
    image_ids = [image["id"] for image in document["images"]]
    category_ids = [category["id"] for category in document["categories"]]
    annotation_ids = [entry["id"] for entry in document["annotations"]]
    assert len(set(image_ids)) == len(image_ids) and len(set(annotation_ids)) == len(annotation_ids)
    assert category_ids == list(range(1, len(category_ids) + 1))
    for entry in document["annotations"]:
        assert entry["image_id"] in image_ids and entry["category_id"] in category_ids
        for points in entry["segmentation"]:
            # pycocotools reads a 4-number list as a box, so every polygon has at least three points.
            assert (
                len(points) >= 6 and len(points) % 2 == 0 and all(isinstance(value, int) for value in points)
            )


def test_coco_matches_the_published(published: Dict[str, Any], tmp_path: Path) -> None:
    ours = coco(tmp_path, COMPARE_TASKS)
    theirs = json.loads(published["BRUSH_TO_COCO"][FILE_NAME]["text"])
    assert published["BRUSH_TO_COCO"]["images"] == {"directory": []}  # an empty folder we do not write
    assert list(ours) == list(theirs)
    # The last image holds only regions the published drops (a pixel, a straight stroke).
    assert ours["images"][:-1] == theirs["images"] and ours["images"][-1]["id"] == 5
    assert [{k: v for k, v in c.items() if k != "color"} for c in ours["categories"]] == [
        {k: v for k, v in c.items() if k != "color"} for c in theirs["categories"]
    ]
    assert {k: v for k, v in ours["info"].items() if k not in ("year", "date_created")} == {
        k: v for k, v in theirs["info"].items() if k not in ("year", "date_created")
    }
    count = len(theirs["annotations"])
    for mine, their in zip(ours["annotations"], theirs["annotations"]):
        assert {k: v for k, v in mine.items() if k != "area"} == {
            k: v for k, v in their.items() if k != "area"
        }
        if mine["segmentation"]:
            # The published area is the polygon's through pixel centres, truncated (0 for a thin stroke);
            # ours counts the pixels.
            assert their["area"] == int(shoelace(their["segmentation"][0]))
        else:
            assert mine["area"] == their["area"]
    # What it drops: the one-pixel region and the straight diagonal stroke of the last task.
    assert [entry["bbox"] for entry in ours["annotations"][count:]] == [[3, 2, 1, 1], [0, 0, 4, 4]]


def test_coco_image_lookup(tmp_path: Path) -> None:
    keys = ["image"]
    assert image_url({"image": "https://s3/x?sig=1", "other": "y.png"}, keys) == "https://s3/x?sig=1"
    assert image_url({"meta": "m.PNG", "n": 1}, keys) == "m.PNG"  # the published way, any case
    assert image_url({"meta": "notes.txt"}, keys) is None and image_url(None, keys) is None
    assert image_file_name("https://s3/b/k/x.jpg?X-Amz-Signature=ab/c") == "x.jpg"
    assert image_file_name("/data/local-files/?d=pics/c.jpeg") == "c.jpeg"
    assert image_file_name("/data/upload/1/a b.png") == "a b.png"
    assert image_file_name("https://host/") == "host"
    # The config's Image value wins over an earlier data string that only looks like an image (the
    # published takes the first such string); a signed URL without extension is kept (the published drops it).
    tasks = [
        task(
            1,
            "https://s3/k/photo.jpg?sig=1",
            annotation(1, "1", 1, [brush(SQUARE, ["Cat"])]),
            meta="thumb.png",
        ),
        {
            "id": 2,
            "data": {"img2": "/d/p.png"},
            "annotations": [annotation(2, "1", 1, [brush(SQUARE, ["Cat"])])],
        },
        {
            "id": 3,
            "data": {"text": "no image"},
            "annotations": [annotation(3, "1", 1, [brush(SQUARE, ["Cat"])])],
        },
    ]
    document = coco(tmp_path, tasks)
    assert [(image["id"], image["file_name"], image["path"]) for image in document["images"]] == [
        (0, "photo.jpg", "https://s3/k/photo.jpg?sig=1"),
        (1, "p.png", "/d/p.png"),
    ]


def test_coco_rectangles(tmp_path: Path) -> None:
    tasks = [
        task(1, "a.png", annotation(1, "1", 1, [rectangle(["Bird"], 8, 6, x=0, y=50, width=50, height=50)])),
        task(2, "b.png", annotation(2, "1", 1, [rectangle(["Bird"], 100, 100, x=10, y=10, width=20, height=10, rotation=90)])),
        task(3, "c.png", annotation(3, "1", 1, [rectangle([]), rectangle(["Bird"], 0, 0)])),
    ]  # fmt: skip
    document = coco(tmp_path, tasks)
    first, rotated = document["annotations"]
    assert first["bbox"] == [0.0, 3.0, 4.0, 3.0] and first["area"] == 12.0 and first["segmentation"] == []
    # Rotated by 90 degrees around its top-left corner: the box of the corners (the published ignores rotation).
    assert rotated["bbox"] == pytest.approx([0.0, 10.0, 10.0, 20.0]) and rotated["area"] == pytest.approx(
        200.0
    )
    assert [image["id"] for image in document["images"]] == [0, 1]


def test_coco_skips_bad_regions_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    tasks = [*BAD_REGIONS_TASKS, task(8, "b.png", annotation(80, "1", 1, [rectangle(["Cat"], 0, 0)]))]
    with caplog.at_level(logging.WARNING):
        document = coco(tmp_path, tasks)
    assert [entry["bbox"] for entry in document["annotations"]] == [[2, 1, 3, 3]]
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 6
    assert all(message.startswith("task 7, annotation 70: brush region ") for message in messages[:5])
    assert messages[5].startswith("task 8, annotation 80: rectangle 0 of 'rect' is skipped")


def test_coco_labels_from_a_labels_control_and_unlabelled_masks(tmp_path: Path) -> None:
    region = brush(SQUARE, [], from_name="brush", type="brush")
    region["value"] = {"format": "rle", "rle": mask2rle(SQUARE), "labels": ["Cat"]}
    tasks = [task(1, "a.png", annotation(1, "1", 1, [region, brush(L_SHAPE, [], from_name="brush")]))]
    document = coco(tmp_path, tasks, BRUSH_CONFIG)
    assert [(entry["category_id"], entry["bbox"]) for entry in document["annotations"]] == [(1, [2, 1, 3, 3])]


def test_coco_colours_come_from_the_config(tmp_path: Path) -> None:
    config = CONFIG.replace('<Label value="Cat"/>', '<Label value="Cat" background="#F0a"/>', 1).replace(
        '<Label value="Dog"/>', '<Label value="Dog" background="red"/>'
    )
    tasks = [task(1, "a.png", annotation(1, "1", 1, [brush(SQUARE, ["Cat", "Dog"])]))]
    document = coco(tmp_path, tasks, config)
    assert [category["color"] for category in document["categories"]] == [
        "#ff00aa",
        "#" + hashlib.sha256(b"Dog").hexdigest()[:6],  # not a hex colour: derived from the name
    ]


def test_coco_annotators(tmp_path: Path) -> None:
    people = [{"id": 1, "email": "e@x"}, {"id": 2}, {"email": None}, 7, "someone", None]
    tasks = [
        task(n, "a.png", annotation(n, "1", who, [brush(SQUARE, ["Cat"])])) for n, who in enumerate(people)
    ]
    document = coco(tmp_path, tasks)
    assert [entry["annotator"] for entry in document["annotations"]] == [
        "e@x",
        "unknown",
        None,
        "7",
        "someone",
        "unknown",
    ]


def test_coco_of_no_tasks(tmp_path: Path) -> None:
    document = coco(tmp_path, [])
    assert document["images"] == document["annotations"] == document["categories"] == []
    text = (tmp_path / "out" / FILE_NAME).read_text(encoding="utf-8")
    assert text.startswith('{\n  "images": [],\n  "annotations": [],\n  "categories": [],\n  "info": {\n')


def test_coco_choose_newest(tmp_path: Path) -> None:
    document = coco(tmp_path, COMPARE_TASKS[:1], choose="newest")
    assert {entry["annotator"] for entry in document["annotations"]} == {"z_z@y.io"}


def test_coco_failing_export_leaves_nothing(tmp_path: Path) -> None:
    def tasks() -> Iterator[Task]:
        yield COMPARE_TASKS[0]
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError, match="the source broke"):
        write_brush_coco(tasks(), parse_config(CONFIG), tmp_path)
    assert os.listdir(tmp_path) == []


def test_coco_memory_stays_flat(tmp_path: Path) -> None:
    regions = [brush(L_SHAPE, ["Cat", "Dog"]), brush(TWO_BLOBS, ["Cat"]), rectangle(["Bird"])]

    def many(count: int) -> Iterator[Task]:
        for n in range(count):
            yield task(n, f"/d/{n}.png", annotation(n, "1", {"email": f"u{n}@x"}, regions))

    write_brush_coco(many(5), parse_config(CONFIG), tmp_path / "warm-up")  # imports and caches, once
    peaks, sizes = [], []
    for count in (100, 1000):
        tracemalloc.start()
        try:
            path = write_brush_coco(many(count), parse_config(CONFIG), tmp_path / str(count))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        peaks.append(peak)
        sizes.append(path.stat().st_size)
        document = json.loads(path.read_text(encoding="utf-8"))
        assert len(document["images"]) == count and len(document["annotations"]) == 5 * count
    # Ten times the tasks: the file grows tenfold, the memory by a small part of that growth (a writer
    # that built the document first would grow by more than the file does).
    assert peaks[1] - peaks[0] < 0.15 * (sizes[1] - sizes[0]), (peaks, sizes)


def test_polygon_closes_degenerate_outlines() -> None:
    assert polygon(Outline(((1, 2),), (1, 2, 1, 1), 1)) == [1, 2, 1, 2, 1, 2]
    assert polygon(Outline(((0, 0), (4, 0)), (0, 0, 5, 1), 5)) == [0, 0, 4, 0, 0, 0]
    assert polygon(Outline(((0, 0), (0, 1), (1, 1)), (0, 0, 2, 2), 3)) == [0, 0, 0, 1, 1, 1]
