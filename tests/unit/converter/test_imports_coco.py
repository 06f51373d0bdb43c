"""COCO files to Label Studio tasks: golden tasks on small files made here (boxes, polygons, keypoints, RLE,
captions, images without annotations, super categories), malformed input, the streaming reader, the
published importer (label-studio-sdk 2.1.2, run as a black box in a subprocess) on a plain file, and the round
trip COCO -> tasks -> COCO."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import tracemalloc
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter.brush import rle2mask
from label_studio_sdk.converter.imports import ImportSummary, coco
from label_studio_sdk.converter.imports.coco import (
    CocoImportError,
    convert_coco_to_ls,
    decode_counts,
    rle_mask,
)
from label_studio_sdk.converter.imports.colors import label_color
from label_studio_sdk.label_interface import LabelInterface
from tests.ls_server_files import require_server_install, server_python

Task = Dict[str, Any]
FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def write(tmp_path: Path, content: Any, name: str = "coco.json") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def run(source: Path, out: Path, **kwargs: Any) -> Tuple[List[Task], ImportSummary]:
    summary = convert_coco_to_ls(str(source), str(out), **kwargs)
    tasks: List[Task] = json.loads(out.read_text(encoding="utf-8"))
    return tasks, summary


def sha_id(*origin: Any) -> str:
    return hashlib.sha1("\x1f".join(["coco", *map(str, origin)]).encode()).hexdigest()[:10]


def region(
    kind: str, from_name: str, value: Dict[str, Any], size: Tuple[float, float], ident: str
) -> Dict[str, Any]:
    return {
        "id": ident,
        "type": kind,
        "value": value,
        "to_name": "image",
        "from_name": from_name,
        "image_rotation": 0,
        "original_width": size[0],
        "original_height": size[1],
    }


def results_of(task: Task, kind: str = "annotations") -> List[Dict[str, Any]]:
    (entry,) = task[kind]
    found: List[Dict[str, Any]] = entry["result"]
    return found


# --- golden tasks -------------------------------------------------------------------------------------------

# Sizes and coordinates chosen so that the percentages are exact floats.
BOXES_AND_POLYGONS = {
    "info": {"description": "made for this test"},
    "licenses": [],
    "images": [
        {"id": 1, "file_name": "a.jpg", "width": 200, "height": 100},
        {"id": 2, "file_name": "sub/b b.jpg", "width": 50, "height": 80},
        {"id": 3, "file_name": "c.jpg", "width": 10, "height": 10},
    ],
    "categories": [
        {"id": 7, "name": "dog", "supercategory": "animal"},
        {"id": 1, "name": "cat", "supercategory": "animal"},
    ],
    "annotations": [
        {
            "id": 10,
            "image_id": 1,
            "category_id": 1,
            "bbox": [20, 10, 40, 30],
            "area": 1200,
            "iscrowd": 0,
            "segmentation": [],
        },
        {
            "id": 11,
            "image_id": 1,
            "category_id": 7,
            "bbox": [0, 0, 10, 10],
            "segmentation": [[0, 0, 10, 0, 10, 10], [20, 20, 30, 20, 30, 30, 20, 30]],
        },
        {"id": 12, "image_id": 2, "category_id": 1, "bbox": [5, 5, 10, 20]},
    ],
}


def test_boxes_polygons_and_images_without_annotations(tmp_path: Path) -> None:
    tasks, summary = run(write(tmp_path, BOXES_AND_POLYGONS), tmp_path / "out.json")
    big, small = (200, 100), (50, 80)
    assert tasks == [
        {
            "data": {"image": "/data/local-files/?d=a.jpg"},
            "annotations": [
                {
                    "result": [
                        region(
                            "rectanglelabels",
                            "label_rectangles",
                            {
                                "x": 10.0,
                                "y": 10.0,
                                "width": 20.0,
                                "height": 30.0,
                                "rotation": 0,
                                "rectanglelabels": ["cat"],
                            },
                            big,
                            sha_id("0:annotation 10", "bbox"),
                        ),
                        region(
                            "rectanglelabels",
                            "label_rectangles",
                            {
                                "x": 0.0,
                                "y": 0.0,
                                "width": 5.0,
                                "height": 10.0,
                                "rotation": 0,
                                "rectanglelabels": ["dog"],
                            },
                            big,
                            sha_id("1:annotation 11", "bbox"),
                        ),
                        region(
                            "polygonlabels",
                            "labelpolygons",
                            {"points": [[0.0, 0.0], [5.0, 0.0], [5.0, 10.0]], "polygonlabels": ["dog"]},
                            big,
                            sha_id("1:annotation 11", "polygon", 0),
                        ),
                        region(
                            "polygonlabels",
                            "labelpolygons",
                            {
                                "points": [[10.0, 20.0], [15.0, 20.0], [15.0, 30.0], [10.0, 30.0]],
                                "polygonlabels": ["dog"],
                            },
                            big,
                            sha_id("1:annotation 11", "polygon", 1),
                        ),
                    ],
                    "ground_truth": False,
                }
            ],
        },
        {
            "data": {"image": "/data/local-files/?d=sub/b%20b.jpg"},
            "annotations": [
                {
                    "result": [
                        region(
                            "rectanglelabels",
                            "label_rectangles",
                            {
                                "x": 10.0,
                                "y": 6.25,
                                "width": 20.0,
                                "height": 25.0,
                                "rotation": 0,
                                "rectanglelabels": ["cat"],
                            },
                            small,
                            sha_id("2:annotation 12", "bbox"),
                        )
                    ],
                    "ground_truth": False,
                }
            ],
        },
        {
            "data": {"image": "/data/local-files/?d=c.jpg"},
            "annotations": [{"result": [], "ground_truth": False}],
        },
    ]
    assert (summary.tasks, summary.regions, summary.unlabelled, summary.skipped) == (3, 5, 0, 0)
    assert summary.label_config == (
        "<View>\n"
        '  <Image name="image" value="$image"/>\n'
        "\n"
        '  <Header value="RectangleLabels"/>\n'
        '  <RectangleLabels name="label_rectangles" toName="image">\n'
        f'    <Label value="cat" category="1" background="{label_color(0)}"/>\n'
        f'    <Label value="dog" category="7" background="{label_color(1)}"/>\n'
        "  </RectangleLabels>\n"
        "\n"
        '  <Header value="PolygonLabels"/>\n'
        '  <PolygonLabels name="labelpolygons" toName="image">\n'
        f'    <Label value="cat" category="1" background="{label_color(0)}"/>\n'
        f'    <Label value="dog" category="7" background="{label_color(1)}"/>\n'
        "  </PolygonLabels>\n"
        "</View>\n"
    )
    assert (tmp_path / "out.label_config.xml").read_text(encoding="utf-8") == summary.label_config
    interface = LabelInterface(summary.label_config)
    for task in tasks:
        assert interface.validate_prediction(task["annotations"][0], return_errors=True) == []


def test_the_tasks_file_is_golden_and_reproducible(tmp_path: Path) -> None:
    source = write(tmp_path, BOXES_AND_POLYGONS)
    convert_coco_to_ls(source, tmp_path / "one.json", out_type="predictions", from_name="x", to_name="img")
    convert_coco_to_ls(source, tmp_path / "two.json", out_type="predictions", from_name="x", to_name="img")
    text = (tmp_path / "one.json").read_text(encoding="utf-8")
    assert text == (tmp_path / "two.json").read_text(encoding="utf-8")
    assert text == (FIXTURES / "coco_golden_predictions.json").read_text(encoding="utf-8")


def test_super_categories_name_the_labels(tmp_path: Path) -> None:
    content = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": 4}],
        "categories": [
            {"id": 3, "name": "zeta"},
            {"id": 1, "name": "cat", "supercategory": ""},
            {"id": 2, "name": "alpha", "supercategory": "x"},
        ],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 2, "bbox": [1, 1, 1, 1]}],
    }
    tasks, summary = run(write(tmp_path, content), tmp_path / "out.json", use_super_categories=True)
    assert results_of(tasks[0])[0]["value"]["rectanglelabels"] == ["x:alpha"]
    # In id order; an empty supercategory adds nothing (the published gives ":cat").
    assert parse_config(summary.label_config)["label_rectangles"]["labels"] == ["cat", "x:alpha", "zeta"]


def test_keypoints_become_points_tied_to_their_box(tmp_path: Path) -> None:
    content = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 200, "height": 100}],
        "categories": [
            {"id": 1, "name": "person", "keypoints": ["nose", "eye", "ear"], "skeleton": [[1, 2]]}
        ],
        "annotations": [
            {
                "id": 5,
                "image_id": 1,
                "category_id": 1,
                "bbox": [20, 10, 40, 30],
                "keypoints": [30, 20, 2, 40, 50, 1, 0, 0, 0],
            },
            {"id": 6, "image_id": 1, "category_id": 1, "keypoints": [100, 50, 2]},
        ],
    }
    tasks, summary = run(write(tmp_path, content), tmp_path / "out.json", point_width=2.5)
    box, *points, lone = results_of(tasks[0])
    assert box["type"] == "rectanglelabels"
    size = (200, 100)

    def point(x: float, y: float, ident: str, hidden: bool = False) -> Dict[str, Any]:
        value: Dict[str, Any] = {"x": x, "y": y, "width": 2.5, "keypointlabels": ["person"]}
        if hidden:
            value["hidden"] = True
        return region("keypointlabels", "label_keypoints", value, size, ident)

    assert points == [
        {**point(15.0, 20.0, sha_id("0:annotation 5", "keypoint", 0)), "parentID": box["id"]},
        {**point(20.0, 50.0, sha_id("0:annotation 5", "keypoint", 1), hidden=True), "parentID": box["id"]},
        {**point(0.0, 0.0, sha_id("0:annotation 5", "keypoint", 2), hidden=True), "parentID": box["id"]},
    ]
    assert lone == point(50.0, 50.0, sha_id("1:annotation 6", "keypoint", 0))  # no box, no parent
    assert list(parse_config(summary.label_config)) == ["label_rectangles", "label_keypoints"]
    assert (
        LabelInterface(summary.label_config).validate_prediction(
            tasks[0]["annotations"][0], return_errors=True
        )
        == []
    )


# --- RLE masks ----------------------------------------------------------------------------------------------------


def encode_counts(runs: List[int]) -> str:
    """pycocotools' compressed ``counts`` string, written here from the format's description."""
    text = []
    for index, run in enumerate(runs):
        value = run - runs[index - 2] if index > 2 else run
        more = True
        while more:
            code = value & 0x1F
            value >>= 5
            more = value != -1 if code & 0x10 else value != 0
            if more:
                code |= 0x20
            text.append(chr(code + 48))
    return "".join(text)


def test_compressed_counts_decode() -> None:
    # The runs of the 4x3 mask below: hand-encoded as "0", "2", "1", then differences 0 and 6.
    assert decode_counts("02106") == [0, 2, 1, 2, 7]
    runs = [0, 5, 3, 1000, 2, 70000, 1, 1, 40, 3]
    assert decode_counts(encode_counts(runs)) == runs
    assert encode_counts([0, 2, 1, 2, 7]) == "02106"
    with pytest.raises(ValueError, match="ends inside"):
        decode_counts("0\x60")  # a continuation flag with nothing after it


def test_rle_masks_become_brushes(tmp_path: Path) -> None:
    # Column-major runs on a 3 high, 4 wide image: 2 mask pixels down column 0, 1 background, 2 down column 1.
    runs = [0, 2, 1, 2, 7]
    mask_rows = [[255, 255, 0, 0], [255, 255, 0, 0], [0, 0, 0, 0]]
    assert rle_mask({"size": [3, 4], "counts": runs}) == (
        bytes(value for row in mask_rows for value in row),
        4,
        3,
    )
    content = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": 3}],
        "categories": [{"id": 1, "name": "blob"}],
        "annotations": [
            {
                "id": 1,
                "image_id": 1,
                "category_id": 1,
                "iscrowd": 1,
                "segmentation": {"size": [3, 4], "counts": runs},
            },
            {
                "id": 2,
                "image_id": 1,
                "category_id": 1,
                "iscrowd": 1,
                "segmentation": {"size": [3, 4], "counts": "02106"},
            },
        ],
    }
    tasks, summary = run(write(tmp_path, content), tmp_path / "out.json")
    first, second = results_of(tasks[0])
    assert first["type"] == "brushlabels" and first["from_name"] == "label_brushes"
    assert first["value"]["format"] == "rle" and first["value"]["brushlabels"] == ["blob"]
    assert rle2mask(first["value"]["rle"], 3, 4, as_array=False) == mask_rows
    assert second["value"]["rle"] == first["value"]["rle"]
    assert parse_config(summary.label_config)["label_brushes"]["type"] == "BrushLabels"
    assert (
        LabelInterface(summary.label_config).validate_prediction(
            tasks[0]["annotations"][0], return_errors=True
        )
        == []
    )


def test_bad_rle_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    content = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": 3}],
        "categories": [{"id": 1, "name": "blob"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "segmentation": {"size": [3, 4], "counts": [0, 2]}},
            {"id": 2, "image_id": 1, "category_id": 1, "segmentation": {"size": [4, 4], "counts": [16]}},
            {"id": 3, "image_id": 1, "category_id": 1, "segmentation": {"size": "3x4", "counts": [12]}},
            {"id": 4, "image_id": 1, "category_id": 1, "segmentation": {"size": [3, 4], "counts": 12}},
            {
                "id": 5,
                "image_id": 1,
                "category_id": 1,
                "bbox": [0, 0, 1, 1],
                "segmentation": {"size": [3, 4]},
            },
        ],
    }
    with caplog.at_level(logging.WARNING):
        tasks, summary = run(write(tmp_path, content), tmp_path / "out.json")
    assert [result["type"] for result in results_of(tasks[0])] == [
        "rectanglelabels"
    ]  # annotation 5's box stays
    assert summary.skipped == 5
    assert "annotation 1: RLE runs do not cover the 4x3 mask exactly" in caplog.text
    assert "annotation 2: the 4x4 RLE mask does not match its image" in caplog.text
    assert "annotation 3: RLE size '3x4' is not [height, width]" in caplog.text


# --- captions, missing parts, malformed records ------------------------------------------------------------------


def test_caption_files_give_text_areas(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    content = {
        "images": [
            {"id": 1, "file_name": "a.jpg", "width": 4, "height": 3},
            {"id": 2, "file_name": "b.jpg", "width": 4, "height": 3},
        ],
        "annotations": [
            {"id": 10, "image_id": 1, "caption": "a cat"},
            {"id": 11, "image_id": 1, "caption": "a small cat"},
        ],
    }
    with caplog.at_level(logging.WARNING):
        tasks, summary = run(write(tmp_path, content), tmp_path / "out.json")
    assert tasks == [
        {
            "data": {"image": "/data/local-files/?d=a.jpg"},
            "annotations": [
                {
                    "result": [
                        {
                            "id": sha_id("/data/local-files/?d=a.jpg", "caption"),
                            "type": "textarea",
                            "value": {"text": ["a cat", "a small cat"]},
                            "to_name": "image",
                            "from_name": "label_caption",
                        }
                    ],
                    "ground_truth": False,
                }
            ],
        },
        {
            "data": {"image": "/data/local-files/?d=b.jpg"},
            "annotations": [{"result": [], "ground_truth": False}],
        },
    ]
    controls = parse_config(summary.label_config)
    assert [(name, control["type"]) for name, control in controls.items()] == [("label_caption", "TextArea")]
    assert "has no 'categories': only captions can be read" in caplog.text
    assert summary.skipped == 0
    assert (
        LabelInterface(summary.label_config).validate_prediction(
            tasks[0]["annotations"][0], return_errors=True
        )
        == []
    )


def test_a_file_of_images_only_gives_unlabelled_tasks(tmp_path: Path) -> None:
    content = {"images": [{"id": 1, "file_name": "a.jpg"}], "categories": [{"id": 1, "name": "cat"}]}
    tasks, summary = run(write(tmp_path, content), tmp_path / "out.json")
    assert tasks == [{"data": {"image": "/data/local-files/?d=a.jpg"}}]
    assert summary.unlabelled == 1
    assert parse_config(summary.label_config)["label_rectangles"]["labels"] == ["cat"]


def test_malformed_records_are_skipped_with_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = {
        "images": [
            {"id": 1, "file_name": "a.jpg", "width": 10, "height": 10},
            {"id": 2, "file_name": "nosize.jpg"},
            {"id": 1, "file_name": "again.jpg", "width": 10, "height": 10},
            {"id": 4},
            "not an image",
        ],
        "categories": [{"id": 1, "name": "cat"}, {"name": "no id"}, {"id": 1, "name": "twice"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]},  # good
            {"id": 2, "image_id": 9, "category_id": 1, "bbox": [1, 1, 2, 2]},  # no such image
            {"id": 3, "image_id": 1, "category_id": 5, "bbox": [1, 1, 2, 2]},  # no such category
            {"id": 4, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2]},  # short bbox
            {"id": 5, "image_id": 1, "category_id": 1, "segmentation": [[1, 1, 2, 2]]},  # 2 points
            {"id": 6, "image_id": 1, "category_id": 1, "segmentation": "polygon"},
            {"id": 7, "image_id": 1, "category_id": 1, "keypoints": [1, 2]},
            {"id": 8, "image_id": 2, "category_id": 1, "bbox": [1, 1, 2, 2]},  # image without a size
            ["not", "an", "annotation"],
            {
                "id": 10,
                "image_id": 1,
                "category_id": 1,
                "bbox": [1, None, 2, 2],
                "segmentation": [[0, 0, 1, 0, 1, 1]],
            },
        ],
    }
    with caplog.at_level(logging.WARNING):
        tasks, summary = run(write(tmp_path, content), tmp_path / "out.json")
    assert [task["data"]["image"] for task in tasks] == [
        "/data/local-files/?d=a.jpg",
        "/data/local-files/?d=nosize.jpg",
    ]
    assert [result["type"] for result in results_of(tasks[0])] == ["rectanglelabels", "polygonlabels"]
    assert results_of(tasks[1]) == []
    assert summary.skipped == 14
    for message in [
        "image 2 (again.jpg): its id 1 is missing or already used",
        "image 3 has no file_name",
        "image 4 has no file_name",
        "category 1 has no id or name",
        "category id 1 is given twice",
        "annotation 2: image_id 9 is not in the images",
        "annotation 3: category_id 5 is not in the categories",
        "annotation 4: bbox [1, 1, 2] is not [x, y, width, height]",
        "annotation 5: polygon 0 is not a list of 3 or more x, y pairs",
        "annotation 6: segmentation is neither polygons nor RLE",
        "annotation 7: keypoints are not a list of x, y, visibility triples",
        "annotation 8: its image has no width and height",
        "annotation #8 is not an object",
        "annotation 10: bbox [1, None, 2, 2]",
    ]:
        assert message in caplog.text, message


def test_malformed_records_raise_when_asked(tmp_path: Path) -> None:
    content = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
        "categories": [{"id": 1, "name": "cat"}],
        "annotations": [{"id": 3, "image_id": 1, "category_id": 5, "bbox": [1, 1, 2, 2]}],
    }
    with pytest.raises(CocoImportError, match="annotation 3: category_id 5"):
        run(write(tmp_path, content), tmp_path / "out.json", on_error="raise")
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[]", "holds a JSON list"),
        ('{"images": [{"id": 1, "file_name": "a.jpg"}', "not a COCO JSON file"),
        ('{"images": [{"id": 1,, }]}', "not a COCO JSON file"),
        ('{"images": []} trailing', None),
        ("{}", "has no 'images' list"),
        ('{"categories": []}', "has no 'images' list"),
        ('{"images": {"id": 1}}', "has no 'images' list"),
        ("", "not a COCO JSON file"),
    ],
)
def test_files_that_are_not_coco_are_clear_errors(
    tmp_path: Path, content: str, message: Optional[str]
) -> None:
    if message is None:  # text after the object is not read
        tasks, _ = run(write(tmp_path, content), tmp_path / "out.json")
        assert tasks == []
        return
    with pytest.raises(CocoImportError, match=message):
        run(write(tmp_path, content), tmp_path / "out.json")
    with pytest.raises(CocoImportError, match="cannot read"):
        run(tmp_path / "missing.json", tmp_path / "out.json")


def test_file_names_that_are_urls_or_windows_paths(tmp_path: Path) -> None:
    content = {
        "images": [
            {"id": 1, "file_name": "http://x/a b.jpg", "width": 3, "height": 7},
            {"id": "two", "file_name": "c\\d e.jpg", "width": 3, "height": 7},
        ],
        "categories": [{"id": 1, "name": "cat"}],
        "annotations": [{"id": 1, "image_id": "two", "category_id": 1, "bbox": [1, 2, 1.5, 3]}],
    }
    tasks, _ = run(
        write(tmp_path, content), tmp_path / "out.json", image_root_url="/data/local-files/?d=coco"
    )
    assert [task["data"]["image"] for task in tasks] == [
        "http://x/a b.jpg",
        "/data/local-files/?d=coco/c/d%20e.jpg",
    ]
    value = results_of(tasks[1])[0]["value"]
    assert (value["x"], value["y"], value["width"]) == (1 / 3 * 100, 2 / 7 * 100, 1.5 / 3 * 100)


# --- the streaming reader --------------------------------------------------------------------------------------------


def test_any_buffer_boundary_gives_the_same_tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = json.dumps(BOXES_AND_POLYGONS, indent=1) + "\n"
    source = write(tmp_path, "\ufeff" + text)  # a byte-order mark too
    expected, _ = run(source, tmp_path / "whole.json")
    for chunk in (1, 2, 3, 7, 64):
        monkeypatch.setattr(coco, "_CHUNK", chunk)
        tasks, _ = run(source, tmp_path / f"chunk{chunk}.json")
        assert tasks == expected, chunk


def test_annotations_before_images_are_read_in_a_second_pass(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    expected, _ = run(write(tmp_path, BOXES_AND_POLYGONS), tmp_path / "normal.json")
    turned = {key: BOXES_AND_POLYGONS[key] for key in ("annotations", "categories", "images")}
    with caplog.at_level(logging.INFO):
        tasks, summary = run(write(tmp_path, turned, "turned.json"), tmp_path / "turned_out.json")
    assert tasks == expected
    assert summary.regions == 5
    assert "lists annotations before its images or categories: reading it again" in caplog.text


def test_memory_holds_images_not_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coco, "_CHUNK", 16384)  # both files span many reads
    polygon = [float(index % 97) for index in range(100)]

    def peaks(count: int) -> Tuple[int, int]:
        """Peak memory of json.load and of the import, for a file of ``count`` polygon annotations."""
        content = {
            "images": [
                {"id": index, "file_name": f"{index}.jpg", "width": 100, "height": 100}
                for index in range(200)
            ],
            "categories": [{"id": 1, "name": "cat"}],
            "annotations": [
                {
                    "id": index,
                    "image_id": index % 200,
                    "category_id": 1,
                    "bbox": [1, 2, 3, 4],
                    "segmentation": [polygon],
                }
                for index in range(count)
            ],
        }
        source = write(tmp_path, content, f"coco{count}.json")
        del content
        tracemalloc.start()
        try:
            json.loads(source.read_text(encoding="utf-8"))
            loaded = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            convert_coco_to_ls(source, tmp_path / f"out{count}.json")
            return loaded, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    (loaded_small, streamed_small), (loaded_large, streamed_large) = peaks(300), peaks(1200)
    # json.load grows by ~4 MB for the 900 extra annotations; the import keeps ~100 bytes for each.
    assert loaded_large - loaded_small > 3_000_000
    assert streamed_large - streamed_small < 300_000, (streamed_small, streamed_large)
    assert streamed_large < loaded_large / 5


# --- the published importer (black box) ------------------------------------------------------------------------------

PUBLISHED_SCRIPT = """
import json, sys
from label_studio_sdk.converter.imports.coco import convert_coco_to_ls
given = json.load(sys.stdin)
convert_coco_to_ls(given["input"], given["out"], **given["kwargs"])
"""


def published_import(source: Path, out: Path, **kwargs: Any) -> List[Task]:
    require_server_install()
    python = server_python()
    assert python is not None
    subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps({"input": str(source), "out": str(out), "kwargs": kwargs}),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    tasks: List[Task] = json.loads(out.read_text(encoding="utf-8"))
    return tasks


def comparable(tasks: List[Task]) -> List[Task]:
    """The tasks without result ids (random in the published) and our keypoints' ``parentID``."""
    for task in tasks:
        for entry in task.get("annotations", []) + task.get("predictions", []):
            for result in entry["result"]:
                assert len(result.pop("id")) == 10
                result.pop("parentID", None)
    return tasks


PLAIN = {
    "images": [
        {"id": 1, "file_name": "a.jpg", "width": 640, "height": 427},
        {"id": 2, "file_name": "dir/ü b.jpg", "width": 333, "height": 500},
        {"id": 3, "file_name": "empty.jpg", "width": 10, "height": 10},
    ],
    "categories": [
        {"id": 1, "name": "person", "supercategory": "human"},
        {"id": 2, "name": "car", "supercategory": "vehicle"},
        {"id": 5, "name": "bike", "supercategory": "vehicle"},
    ],
    "annotations": [
        {
            "id": 1,
            "image_id": 1,
            "category_id": 2,
            "bbox": [12.3, 45.6, 78.9, 10.1],
            "segmentation": [],
            "iscrowd": 0,
        },
        {
            "id": 2,
            "image_id": 1,
            "category_id": 1,
            "bbox": [100, 100, 50, 80],
            "segmentation": [[100.5, 100.25, 150.1, 100, 150, 180.7, 100, 180]],
            "keypoints": [120.3, 110.2, 2, 130.1, 120, 1, 0, 0, 0],
            "num_keypoints": 2,
        },
        {"id": 3, "image_id": 2, "category_id": 5, "bbox": [1.5, 2.5, 33.3, 44.4]},
    ],
}


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"use_super_categories": True, "point_width": 3.0, "out_type": "predictions"},
        {"from_name": "tag", "to_name": "img", "image_root_url": "http://host/coco/"},
    ],
)
def test_a_plain_file_matches_the_published(tmp_path: Path, kwargs: Dict[str, Any]) -> None:
    source = write(tmp_path, PLAIN)
    theirs = published_import(source, tmp_path / "theirs.json", **kwargs)
    ours, _ = run(source, tmp_path / "ours.json", **kwargs)
    assert comparable(ours) == comparable(theirs)
    their_controls = parse_config((tmp_path / "theirs.label_config.xml").read_text(encoding="utf-8"))
    our_controls = parse_config((tmp_path / "ours.label_config.xml").read_text(encoding="utf-8"))
    assert {name: (control["type"], control["labels"]) for name, control in our_controls.items()} == {
        name: (control["type"], control["labels"]) for name, control in their_controls.items()
    }


def test_what_the_published_crashes_on(tmp_path: Path) -> None:
    require_server_install()
    rle = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": 3}],
        "categories": [{"id": 1, "name": "blob"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "segmentation": {"size": [3, 4], "counts": "02106"}}
        ],
    }
    captions = {"images": rle["images"], "annotations": [{"id": 1, "image_id": 1, "caption": "a blob"}]}
    for name, content in [("rle", rle), ("captions", captions)]:
        source = write(tmp_path, content, f"{name}.json")
        with pytest.raises(subprocess.CalledProcessError):
            published_import(source, tmp_path / f"theirs_{name}.json")
        tasks, _ = run(source, tmp_path / f"ours_{name}.json")
        assert [result["type"] for result in results_of(tasks[0])] == [
            "brushlabels" if name == "rle" else "textarea"
        ]


# --- round trip: COCO -> tasks -> COCO -----------------------------------------------------------------------------------


def test_round_trip_boxes_and_polygons(tmp_path: Path) -> None:
    exports = pytest.importorskip("label_studio_sdk.converter.exports.coco")
    media = pytest.importorskip("label_studio_sdk.converter.media")
    from label_studio_sdk.converter.reader import iter_tasks

    content = {
        "images": [
            {"id": 1, "file_name": "a.jpg", "width": 640, "height": 427},
            {"id": 2, "file_name": "b.jpg", "width": 333, "height": 500},
        ],
        # Ids that alphabetical order would change: the pins in the config keep them.
        "categories": [{"id": 0, "name": "zebra"}, {"id": 1, "name": "ant"}, {"id": 4, "name": "moth"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 4, "bbox": [12.3, 45.6, 78.9, 10.1]},
            {"id": 2, "image_id": 2, "category_id": 0, "bbox": [1.5, 2.5, 33.3, 44.4]},
            {
                "id": 3,
                "image_id": 2,
                "category_id": 1,
                "segmentation": [[10.5, 10.25, 150.1, 10, 150, 180.7]],
            },
        ],
    }
    tasks_file = tmp_path / "tasks.json"
    summary = convert_coco_to_ls(write(tmp_path, content), tasks_file)
    out = exports.write_coco(
        iter_tasks(tasks_file),
        parse_config(summary.label_config),
        tmp_path / "export",
        media=media.MediaSettings(),
        copy_images=False,
    )
    result_file = out if out.is_file() else out / "result.json"
    exported = json.loads(result_file.read_text(encoding="utf-8"))
    assert [(entry["id"], entry["name"]) for entry in exported["categories"]] == [
        (0, "zebra"),
        (1, "ant"),
        (4, "moth"),
    ]
    assert [(image["width"], image["height"]) for image in exported["images"]] == [(640, 427), (333, 500)]
    image_index = {image["id"]: position for position, image in enumerate(exported["images"])}
    boxes = [
        (image_index[entry["image_id"]], entry["category_id"], entry["bbox"])
        for entry in exported["annotations"]
        if not entry.get("segmentation")
    ]
    assert [(index, category) for index, category, _ in boxes] == [(0, 4), (1, 0)]
    assert boxes[0][2] == pytest.approx([12.3, 45.6, 78.9, 10.1])
    assert boxes[1][2] == pytest.approx([1.5, 2.5, 33.3, 44.4])
    (polygon,) = [entry for entry in exported["annotations"] if entry.get("segmentation")]
    assert (image_index[polygon["image_id"]], polygon["category_id"]) == (1, 1)
    assert polygon["segmentation"][0] == pytest.approx([10.5, 10.25, 150.1, 10, 150, 180.7])
