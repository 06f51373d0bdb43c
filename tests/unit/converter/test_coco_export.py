"""The COCO and COCO_WITH_IMAGES writer: golden files on small fixtures, each deliberate difference from the
published label-studio-sdk 2.1.2 (run as a black box in one subprocess) pinned, media copies and failures,
paths that stay inside the export, structural consistency and flat memory."""

from __future__ import annotations

import datetime
import functools
import json
import logging
import os
import socket
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import pytest

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter._deps import MissingDependencyError
from label_studio_sdk.converter.exports import coco
from label_studio_sdk.converter.exports.coco import keypoint_names, write_coco
from label_studio_sdk.converter.formats import FormatNotSupportedError
from label_studio_sdk.converter.items import Choose
from label_studio_sdk.converter.media import MediaDownloadError, MediaSettings
from label_studio_sdk.converter.reader import iter_tasks
from tests.ls_server_files import require_server_install, server_python

Task = Dict[str, Any]
Result = Dict[str, Any]
SIZE = (200, 100)
ORIGINAL_INFO = coco.coco_info

CONFIG = (
    '<View><Image name="image" value="$image"/>'
    '<RectangleLabels name="label" toName="image"><Label value="Cat"/><Label value="Dog"/><Label value="Bird"/>'
    "</RectangleLabels>"
    '<PolygonLabels name="poly" toName="image"><Label value="Dog"/><Label value="Cat"/></PolygonLabels></View>'
)
KEYPOINTS_INDEXED = (
    '<View><Image name="image" value="$image"/>'
    '<RectangleLabels name="box" toName="image"><Label value="Person"/></RectangleLabels>'
    '<KeyPointLabels name="kp" toName="image"><Label value="nose" model_index="1"/>'
    '<Label value="eye" model_index="0"/><Label value="ear" model_index="2"/></KeyPointLabels></View>'
)
KEYPOINTS_PLAIN = (
    KEYPOINTS_INDEXED.replace(' model_index="1"', "")
    .replace(' model_index="0"', "")
    .replace(' model_index="2"', "")
)
PINNED = (
    '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">'
    '<Label value="Zebra" category="0"/><Label value="Ant" category="3"/><Label value="Bee"/></RectangleLabels></View>'
)
SPLIT = (
    '<View><Image name="image" value="$image"/><Rectangle name="rect" toName="image"/>'
    '<Labels name="lbl" toName="image"><Label value="A"/><Label value="B"/></Labels></View>'
)


# -- task builders (also used by the VOC tests) ----------------------------------------------------------


def rect(
    x: float,
    y: float,
    width: float,
    height: float,
    labels: List[str],
    *,
    rotation: float = 0,
    size: Optional[Tuple[int, int]] = SIZE,
    from_name: str = "label",
    ident: str = "r",
) -> Result:
    value: Dict[str, Any] = {"x": x, "y": y, "width": width, "height": height, "rotation": rotation}
    value["rectanglelabels"] = labels
    return _result("rectanglelabels", value, size, from_name, ident)


def poly(points: List[List[float]], labels: List[str], *, size: Optional[Tuple[int, int]] = SIZE) -> Result:
    return _result("polygonlabels", {"points": points, "polygonlabels": labels}, size, "poly", "p")


def keypoint(x: float, y: float, labels: List[str], *, size: Optional[Tuple[int, int]] = SIZE) -> Result:
    value = {"x": x, "y": y, "width": 1, "keypointlabels": labels}
    return _result("keypointlabels", value, size, "kp", "k")


def _result(
    kind: str, value: Dict[str, Any], size: Optional[Tuple[int, int]], from_name: str, ident: str
) -> Result:
    result: Result = {"id": ident, "from_name": from_name, "to_name": "image", "type": kind, "value": value}
    if size is not None:
        result["original_width"], result["original_height"] = size
    return result


def annotation(ident: int, results: List[Result], day: int = 1, **extra: Any) -> Dict[str, Any]:
    return {
        "id": ident,
        "created_at": f"2024-01-{day:02d}T00:00:00Z",
        "completed_by": 5,
        "result": results,
        **extra,
    }


def task(ident: int, url: str, annotations: List[Dict[str, Any]]) -> Task:
    return {"id": ident, "data": {"image": url}, "annotations": annotations}


def closed_port_url(name: str = "z.png") -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/{name}"


def make_png(path: Path, size: Tuple[int, int], mode: str = "RGB") -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size).save(path)
    return path


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # get_local_path's cache (where media would be downloaded) must not leak files from other runs.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("LOCAL_FILES_DOCUMENT_ROOT", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT", raising=False)
    monkeypatch.delenv(coco.ANNOTATOR_ENV, raising=False)


def export_file(tmp_path: Path, tasks: Sequence[Task], name: str = "export.json") -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / name
    source.write_text(json.dumps(list(tasks)), encoding="utf-8")
    return source


def run_coco(
    tmp_path: Path,
    config: str,
    tasks: Sequence[Task],
    *,
    copy_images: bool = False,
    media: Optional[MediaSettings] = None,
    choose: Choose = "newest",
    out: str = "out",
    **kwargs: Any,
) -> Dict[str, Any]:
    path = write_coco(
        iter_tasks(export_file(tmp_path, tasks)),
        parse_config(config),
        tmp_path / out,
        media=media or MediaSettings(workers=2),
        copy_images=copy_images,
        choose=choose,
        **kwargs,
    )
    assert path == tmp_path / out / "result.json"
    # No spool or temporary file is left beside the result.
    assert sorted(entry.name for entry in path.parent.iterdir() if entry.name.startswith(".")) == []
    document: Dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def without_info(document: Dict[str, Any]) -> Dict[str, Any]:
    info = document["info"]
    assert set(info) == {"year", "version", "description", "contributor", "url", "date_created"}
    assert info["contributor"] == "Label Studio" and info["version"] == "1.0"
    datetime.datetime.fromisoformat(info["date_created"])
    return {key: value for key, value in document.items() if key != "info"}


def check_structure(document: Dict[str, Any]) -> None:
    """What pycocotools' index relies on: unique ids, and every annotation pointing at a listed image and category."""
    assert list(document) == ["images", "categories", "annotations", "info"]
    image_ids = [image["id"] for image in document["images"]]
    category_ids = [category["id"] for category in document["categories"]]
    annotation_ids = [entry["id"] for entry in document["annotations"]]
    for ids in (image_ids, category_ids, annotation_ids):
        assert len(ids) == len(set(ids))
    for image in document["images"]:
        assert set(image) == {"id", "width", "height", "file_name"}
        assert not os.path.isabs(image["file_name"]) and ".." not in image["file_name"].split("/")
    # An image of unknown size (width/height null) has no annotation, so nothing needs its size for a mask.
    unsized = {
        image["id"] for image in document["images"] if image["width"] is None or image["height"] is None
    }
    for entry in document["annotations"]:
        assert entry["image_id"] not in unsized
        assert entry["image_id"] in image_ids
        assert entry["category_id"] in category_ids
        width, height = entry["bbox"][2:]
        assert width >= 0 and height >= 0 and entry["area"] >= 0
        assert entry["iscrowd"] == 0


# -- golden output ----------------------------------------------------------------------------------------

SCENE = [
    task(
        1,
        "http://example.com/a/1.jpg",
        [
            annotation(
                11,
                [
                    rect(10, 20, 30, 40, ["Cat"]),
                    rect(50, 10, 20, 20, ["Dog", "Cat"], rotation=30, ident="r2"),
                    poly([[10, 10], [20, 10], [20, 30]], ["Dog"]),
                ],
                day=2,
            ),
            annotation(12, [rect(1, 2, 3, 4, ["Bird"], ident="r3")], day=1),
        ],
    ),
    task(2, "http://example.com/b/1.jpg", []),  # unlabelled: listed, size unknown
    task(3, "/data/upload/1/x.png", [annotation(31, [rect(1, 1, 1, 1, ["Cat"])], was_cancelled=True)]),
    task(
        4, "http://example.com/c/2.jpg", [annotation(41, [rect(0, 0, 50, 50, ["Fox"]), rect(5, 5, 5, 5, [])])]
    ),
]
ROTATED_BOX = [90.0, 10.0, 44.641016151377556, 37.32050807568877]  # 30 degrees, in pixels of 200x100
SCENE_GOLDEN = {
    "images": [
        {"width": 200, "height": 100, "id": 0, "file_name": "images/9ab67d11__1.jpg"},
        {"width": None, "height": None, "id": 1, "file_name": "images/8e8d7c7e__1.jpg"},
        {"width": 200, "height": 100, "id": 2, "file_name": "images/0a16827c__2.jpg"},
    ],
    "categories": [
        {"id": 0, "name": "Bird"},
        {"id": 1, "name": "Cat"},
        {"id": 2, "name": "Dog"},
        {"id": 3, "name": "Fox"},
    ],
    "annotations": [
        {
            "id": 0,
            "image_id": 0,
            "category_id": 1,
            "segmentation": [],
            "bbox": [20.0, 20.0, 60.0, 40.0],
            "ignore": 0,
            "iscrowd": 0,
            "area": 2400.0,
        },
        {
            "id": 1,
            "image_id": 0,
            "category_id": 2,
            "segmentation": [],
            "bbox": ROTATED_BOX,
            "ignore": 0,
            "iscrowd": 0,
            "area": ROTATED_BOX[2] * ROTATED_BOX[3],
        },
        {
            "id": 2,
            "image_id": 0,
            "category_id": 1,
            "segmentation": [],
            "bbox": ROTATED_BOX,
            "ignore": 0,
            "iscrowd": 0,
            "area": ROTATED_BOX[2] * ROTATED_BOX[3],
        },
        {
            "id": 3,
            "image_id": 0,
            "category_id": 2,
            "segmentation": [[20.0, 10.0, 40.0, 10.0, 40.0, 30.0]],
            "bbox": [20.0, 10.0, 20.0, 20.0],
            "ignore": 0,
            "iscrowd": 0,
            "area": 200.0,
        },
        {
            "id": 4,
            "image_id": 2,
            "category_id": 3,
            "segmentation": [],
            "bbox": [0.0, 0.0, 100.0, 50.0],
            "ignore": 0,
            "iscrowd": 0,
            "area": 5000.0,
        },
    ],
}


def test_golden_scene(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        document = run_coco(tmp_path, CONFIG, SCENE)
    assert without_info(document) == SCENE_GOLDEN
    check_structure(document)
    assert (tmp_path / "out" / "images").is_dir()  # always there, empty without copies
    assert list((tmp_path / "out" / "images").iterdir()) == []
    messages = [record.getMessage() for record in caplog.records]
    assert any("task 2" in message and "width and height null" in message for message in messages)
    assert any("task 4: region #1 of 'label'" in message and "no labels" in message for message in messages)


def test_exact_layout_one_entry_per_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456)
    monkeypatch.setattr(coco, "coco_info", functools.partial(ORIGINAL_INFO, moment))
    tasks = [task(1, "http://h/é/ü.jpg", [annotation(1, [rect(10, 20, 30, 40, ["Cat"])])])]
    write_coco(tasks, parse_config(CONFIG), tmp_path, media=MediaSettings(), copy_images=False)
    text = (tmp_path / "result.json").read_text(encoding="utf-8")
    assert text == (
        "{\n"
        '  "images": [\n'
        '    {"width": 200, "height": 100, "id": 0, "file_name": "images/448d6abf__ü.jpg"}\n'
        "  ],\n"
        '  "categories": [\n'
        '    {"id": 0, "name": "Bird"},\n'
        '    {"id": 1, "name": "Cat"},\n'
        '    {"id": 2, "name": "Dog"}\n'
        "  ],\n"
        '  "annotations": [\n'
        '    {"id": 0, "image_id": 0, "category_id": 1, "segmentation": [], "bbox": [20.0, 20.0, 60.0, 40.0], '
        '"ignore": 0, "iscrowd": 0, "area": 2400.0}\n'
        "  ],\n"
        '  "info": {"year": 2024, "version": "1.0", "description": "", "contributor": "Label Studio", "url": "", '
        '"date_created": "2024-05-06 07:08:09.123456"}\n'
        "}\n"
    )


def test_empty_export_is_valid(tmp_path: Path) -> None:
    document = run_coco(tmp_path, CONFIG, [])
    assert without_info(document) == {
        "images": [],
        "categories": [{"id": 0, "name": "Bird"}, {"id": 1, "name": "Cat"}, {"id": 2, "name": "Dog"}],
        "annotations": [],
    }


def test_choose_all_lists_the_image_once_with_every_annotation(tmp_path: Path) -> None:
    document = run_coco(tmp_path, CONFIG, SCENE[:1], choose="all")
    assert [image["id"] for image in document["images"]] == [0]
    # Newest first: the four of annotation 11, then annotation 12's Bird.
    assert [entry["category_id"] for entry in document["annotations"]] == [1, 2, 1, 2, 0]
    assert {entry["image_id"] for entry in document["annotations"]} == {0}
    check_structure(document)


def test_choose_oldest(tmp_path: Path) -> None:
    document = run_coco(tmp_path, CONFIG, SCENE[:1], choose="oldest")
    assert [entry["bbox"] for entry in document["annotations"]] == [[2.0, 2.0, 6.0, 4.0]]


def test_pinned_category_ids_are_listed_in_id_order(tmp_path: Path) -> None:
    tasks = [
        task(1, "http://h/1.jpg", [annotation(1, [rect(0, 0, 10, 10, ["Bee"]), rect(0, 0, 5, 5, ["Ant"])])])
    ]
    document = run_coco(tmp_path, PINNED, tasks)
    assert document["categories"] == [
        {"id": 0, "name": "Zebra"},
        {"id": 1, "name": "Bee"},
        {"id": 3, "name": "Ant"},
    ]
    assert [entry["category_id"] for entry in document["annotations"]] == [1, 3]


def test_data_only_labels_take_the_next_free_id(tmp_path: Path) -> None:
    tasks = [
        task(1, "http://h/1.jpg", [annotation(1, [rect(0, 0, 1, 1, ["Yak"]), rect(0, 0, 1, 1, ["Ant"])])])
    ]
    document = run_coco(tmp_path, PINNED, tasks)
    assert document["categories"][-2:] == [{"id": 2, "name": "Yak"}, {"id": 3, "name": "Ant"}]
    assert [entry["category_id"] for entry in document["annotations"]] == [2, 3]


def test_labels_with_a_separate_rectangle_control(tmp_path: Path) -> None:
    value = {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0}
    split = [
        _result("labels", {**value, "labels": ["B"]}, SIZE, "lbl", "r1"),
        _result("rectangle", dict(value), SIZE, "rect", "r1"),
        _result("labels", {"points": [[0, 0], [10, 0], [10, 10]], "labels": ["A"]}, SIZE, "lbl", "r2"),
    ]
    document = run_coco(tmp_path, SPLIT, [task(1, "http://h/1.jpg", [annotation(1, split)])])
    assert [(entry["category_id"], entry["bbox"]) for entry in document["annotations"]] == [
        (1, [20.0, 20.0, 60.0, 40.0]),
        (0, [0.0, 0.0, 20.0, 10.0]),
    ]


def test_lone_surrogates_and_non_ascii_text(tmp_path: Path) -> None:
    labels = ["猫", "odd\ud800"]
    tasks = [task(1, "http://h/\ud800.jpg", [annotation(1, [rect(0, 0, 1, 1, labels)])])]
    document = run_coco(tmp_path, CONFIG, tasks)
    assert [entry["name"] for entry in document["categories"]][-2:] == labels
    assert document["images"][0]["file_name"] == "images/_.jpg"  # a lone surrogate cannot be a file name
    text = (tmp_path / "out" / "result.json").read_text(encoding="utf-8")
    assert '"name": "猫"' in text and '"name": "odd\\ud800"' in text


def test_config_without_an_image_shape_is_refused(tmp_path: Path) -> None:
    config = '<View><Text name="t" value="$t"/><Labels name="l" toName="t"><Label value="A"/></Labels></View>'
    with pytest.raises(FormatNotSupportedError, match="COCO needs"):
        write_coco([], parse_config(config), tmp_path, media=MediaSettings(), copy_images=False)


def test_annotator_when_the_environment_asks_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(coco.ANNOTATOR_ENV, "1")
    first = annotation(1, [rect(0, 0, 1, 1, ["Cat"])])
    second = {**annotation(2, [rect(0, 0, 1, 1, ["Cat"])]), "completed_by": {"email": "a@x.org", "id": 3}}
    document = run_coco(
        tmp_path, CONFIG, [task(1, "http://h/1.jpg", [first]), task(2, "http://h/2.jpg", [second])]
    )
    assert [entry["annotator"] for entry in document["annotations"]] == ["5", "a@x.org"]


# -- regions that earlier releases crashed on or mangled -------------------------------------------------


def test_incomplete_regions_are_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    no_x = rect(0, 0, 10, 10, ["Cat"])
    del no_x["value"]["x"]
    no_points = poly([[1, 1]], ["Dog"])
    del no_points["value"]["points"]
    two_points = poly([[1, 1], [2, 2]], ["Dog"])
    no_size = rect(0, 0, 10, 10, ["Dog"], size=None)
    tasks = [
        task(
            7, "http://h/1.jpg", [annotation(1, [no_x, no_points, two_points, rect(0, 0, 10, 10, ["Bird"])])]
        ),
        task(8, "http://h/2.jpg", [annotation(2, [no_size])]),
    ]
    with caplog.at_level(logging.WARNING):
        document = run_coco(tmp_path, CONFIG, tasks)
    assert [entry["category_id"] for entry in document["annotations"]] == [0]
    assert [image["width"] for image in document["images"]] == [200, None]
    messages = "\n".join(record.getMessage() for record in caplog.records)
    assert (
        "task 7: region #0 of 'label' (labels ['Cat']) is left out: it has no x, y, width and height"
        in messages
    )
    assert (
        "task 7: region #0 of 'poly' (labels ['Dog']) is left out: it has no list of at least 3 points"
        in messages
    )
    assert "task 7: region #1 of 'poly'" in messages
    assert "task 8: region #0 of 'label' (labels ['Dog']) is left out: the image size is unknown" in messages


def test_a_region_without_its_own_size_uses_the_image_size(tmp_path: Path) -> None:
    results = [rect(0, 0, 10, 10, ["Cat"]), rect(50, 50, 10, 10, ["Dog"], size=None)]
    document = run_coco(tmp_path, CONFIG, [task(1, "http://h/1.jpg", [annotation(1, results)])])
    assert [entry["bbox"] for entry in document["annotations"]] == [
        [0.0, 0.0, 20.0, 10.0],
        [100.0, 50.0, 20.0, 10.0],
    ]


def test_non_finite_numbers_are_skipped(tmp_path: Path) -> None:
    bad = rect(0, 0, 10, 10, ["Cat"])
    bad["value"]["x"] = float("nan")
    bad_polygon = poly([[0, 0], [float("inf"), 0], [1, 1]], ["Dog"])
    path = write_coco(
        [task(1, "http://h/1.jpg", [annotation(1, [bad, bad_polygon])])],
        parse_config(CONFIG),
        tmp_path,
        media=MediaSettings(),
        copy_images=False,
    )
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["annotations"] == []


def test_rotation_is_applied_in_pixels_of_a_non_square_image(tmp_path: Path) -> None:
    # A 90 degree turn around the top-left corner: the 40x20 px box becomes 20 px wide and 40 px tall.
    results = [rect(50, 10, 20, 20, ["Cat"], rotation=90)]
    document = run_coco(tmp_path, CONFIG, [task(1, "http://h/1.jpg", [annotation(1, results)])])
    x, y, width, height = document["annotations"][0]["bbox"]
    assert (round(x, 9), round(y, 9), round(width, 9), round(height, 9)) == (80.0, 10.0, 20.0, 40.0)


# -- keypoints ------------------------------------------------------------------------------------------

PERSON = [
    rect(10, 20, 30, 40, ["Person"], from_name="box"),
    keypoint(15.7, 25.6, ["nose"]),
    keypoint(20, 30, ["ear"]),
    keypoint(50, 50, ["eye"]),
]


def test_keypoints_follow_model_index_in_values_and_names(tmp_path: Path) -> None:
    document = run_coco(tmp_path, KEYPOINTS_INDEXED, [task(1, "http://h/1.jpg", [annotation(1, PERSON)])])
    assert document["categories"] == [
        {"id": 0, "name": "Person"},
        {
            "id": 1,
            "name": "default",
            "supercategory": "default",
            "keypoints": ["eye", "nose", "ear"],
            "skeleton": [],
        },
    ]
    assert document["annotations"][1] == {
        "id": 1,
        "image_id": 0,
        "category_id": 1,
        "keypoints": [100, 50, 2, 31, 26, 2, 40, 30, 2],
        "num_keypoints": 3,
        "bbox": [31, 26, 69, 24],
        "iscrowd": 0,
        "area": 69 * 24,
    }
    check_structure(document)


def test_keypoints_without_model_index_follow_the_config(tmp_path: Path) -> None:
    document = run_coco(tmp_path, KEYPOINTS_PLAIN, [task(1, "http://h/1.jpg", [annotation(1, PERSON[1:3])])])
    (category,) = [entry for entry in document["categories"] if entry["name"] == "default"]
    assert category["keypoints"] == ["nose", "eye", "ear"]
    assert document["annotations"][0]["keypoints"] == [31, 26, 2, 0, 0, 0, 40, 30, 2]
    assert document["annotations"][0]["num_keypoints"] == 2


def test_keypoint_order_rules() -> None:
    config = parse_config(
        '<View><Image name="i" value="$i"/><KeyPointLabels name="k" toName="i">'
        '<Label value="a"/><Label value="b" model_index="5"/><Label value="c" model_index="x"/>'
        '<Label value="d" model_index="1"/><Label value="e" model_index="1"/></KeyPointLabels>'
        '<KeyPointLabels name="k2" toName="i"><Label value="a"/><Label value="f"/></KeyPointLabels></View>'
    )
    assert keypoint_names(config) == ["d", "e", "b", "a", "c", "f"]


def test_unknown_and_repeated_keypoints(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    results = [
        keypoint(10, 10, ["nose"]),
        keypoint(60, 60, ["nose"]),
        keypoint(50, 50, ["eye", "ear"]),
        keypoint(70, 70, ["tail"]),
    ]
    with caplog.at_level(logging.WARNING):
        document = run_coco(
            tmp_path, KEYPOINTS_INDEXED, [task(3, "http://h/1.jpg", [annotation(1, results)])]
        )
    assert document["annotations"][0]["keypoints"] == [100, 50, 2, 120, 60, 2, 100, 50, 2]
    assert [entry["name"] for entry in document["categories"]] == ["Person", "default"]
    messages = "\n".join(record.getMessage() for record in caplog.records)
    assert "task 3: region #1 of 'kp'" in messages and "the later one is kept" in messages
    assert (
        "task 3: region #3 of 'kp' (labels ['tail']) is left out: 'tail' is not a keypoint label" in messages
    )


# -- media: names, copies, failures, paths ---------------------------------------------------------------


def local_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "storage"
    root.mkdir()
    monkeypatch.setenv("LOCAL_FILES_DOCUMENT_ROOT", str(root))
    return root


def test_with_images_copies_local_files_and_reads_missing_sizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = local_storage(tmp_path, monkeypatch)
    make_png(root / "a" / "1.png", (30, 15))
    make_png(root / "b" / "1.png", (8, 8), mode="RGBA")
    upload = tmp_path / "upload"
    make_png(upload / "1" / "x.png", (20, 10))
    tasks = [
        task(1, "/data/upload/1/x.png", [annotation(1, [rect(10, 20, 30, 40, ["Cat"], size=(20, 10))])]),
        task(2, "/data/local-files/?d=a/1.png", []),
        task(3, "/data/local-files/?d=b/1.png", [annotation(3, [rect(50, 50, 50, 50, ["Dog"], size=None)])]),
    ]
    media = MediaSettings(upload_dir=str(upload), workers=3)
    document = run_coco(tmp_path, CONFIG, tasks, copy_images=True, media=media)
    assert document["images"] == [
        {"width": 20, "height": 10, "id": 0, "file_name": "images/x.png"},
        {"width": 30, "height": 15, "id": 1, "file_name": "images/1.png"},
        {"width": 8, "height": 8, "id": 2, "file_name": "images/1__173fee2f.png"},
    ]
    # The size read from the file converts the region that had none.
    assert [entry["bbox"] for entry in document["annotations"]] == [
        [2.0, 2.0, 6.0, 4.0],
        [4.0, 4.0, 4.0, 4.0],
    ]
    out = tmp_path / "out"
    assert sorted(path.name for path in (out / "images").iterdir()) == ["1.png", "1__173fee2f.png", "x.png"]
    assert (out / "images" / "1__173fee2f.png").read_bytes() == (root / "b" / "1.png").read_bytes()
    for image in document["images"]:
        assert (out / image["file_name"]).is_file()


def test_a_custom_image_dir(tmp_path: Path) -> None:
    upload = tmp_path / "upload"
    make_png(upload / "1" / "x.png", (20, 10))
    tasks = [task(1, "/data/upload/1/x.png", [annotation(1, [rect(0, 0, 10, 10, ["Cat"], size=(20, 10))])])]
    document = run_coco(
        tmp_path,
        CONFIG,
        tasks,
        copy_images=True,
        media=MediaSettings(upload_dir=str(upload)),
        image_dir=tmp_path / "out" / "pictures" / "train",
    )
    assert document["images"][0]["file_name"] == "pictures/train/x.png"
    assert (tmp_path / "out" / "pictures" / "train" / "x.png").is_file()
    assert (tmp_path / "out" / "images").exists() is False


def test_a_failed_download_is_reported_and_its_task_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    upload = tmp_path / "upload"
    make_png(upload / "1" / "x.png", (20, 10))
    url = closed_port_url()
    tasks = [
        task(41, url, [annotation(1, [rect(0, 0, 10, 10, ["Dog"])])]),
        task(42, "/data/upload/1/x.png", [annotation(2, [rect(0, 0, 10, 10, ["Cat"], size=(20, 10))])]),
    ]
    with caplog.at_level(logging.WARNING):
        document = run_coco(
            tmp_path, CONFIG, tasks, copy_images=True, media=MediaSettings(upload_dir=str(upload))
        )
    messages = "\n".join(record.getMessage() for record in caplog.records)
    assert f"task 41: cannot get {url}" in messages
    assert "1 image(s) could not be copied" in messages
    # The task stays, naming the file its image would have been; its labels are not lost.
    assert [image["file_name"] for image in document["images"]] == ["images/z.png", "images/x.png"]
    assert [entry["category_id"] for entry in document["annotations"]] == [2, 1]
    assert sorted(os.listdir(tmp_path / "out" / "images")) == ["x.png"]
    check_structure(document)


def test_on_error_raise_stops_and_leaves_no_result(tmp_path: Path) -> None:
    url = closed_port_url()
    tasks = [task(41, url, [annotation(1, [rect(0, 0, 10, 10, ["Dog"])])])]
    with pytest.raises(MediaDownloadError, match="task 41"):
        write_coco(
            tasks, parse_config(CONFIG), tmp_path, media=MediaSettings(), copy_images=True, on_error="raise"
        )
    assert [path.name for path in tmp_path.iterdir()] == ["images"]


def test_images_sharing_a_basename_get_distinct_file_names(tmp_path: Path) -> None:
    upload = tmp_path / "upload"
    make_png(upload / "1" / "cat.png", (20, 10))
    make_png(upload / "2" / "cat.png", (20, 10))
    make_png(upload / "3" / "CAT.png", (20, 10))
    tasks = [
        task(ident, f"/data/upload/{ident}/{name}", [annotation(ident, [rect(0, 0, 10, 10, ["Cat"])])])
        for ident, name in ((1, "cat.png"), (2, "cat.png"), (3, "CAT.png"))
    ]
    for copy_images in (False, True):
        document = run_coco(
            tmp_path,
            CONFIG,
            tasks,
            copy_images=copy_images,
            media=MediaSettings(upload_dir=str(upload)),
            out=f"o{copy_images}",
        )
        names = [image["file_name"] for image in document["images"]]
        assert names == ["images/cat.png", "images/cat__0d439308.png", "images/CAT__63cb95ce.png"]


@pytest.mark.parametrize("copy_images", [False, True])
def test_hostile_image_urls_stay_inside_the_export(tmp_path: Path, copy_images: bool) -> None:
    hostile = [
        "../../etc/passwd",
        "/etc/passwd",
        "/data/local-files/?d=../../../etc/passwd",
        "..\\..\\x.png",
        "..",
    ]
    tasks = [
        task(ident, url, [annotation(ident, [rect(0, 0, 10, 10, ["Cat"])])])
        for ident, url in enumerate(hostile)
    ]
    before = set(os.listdir(tmp_path.parent))
    document = run_coco(tmp_path, CONFIG, tasks, copy_images=copy_images)
    out = (tmp_path / "out").resolve()
    for image in document["images"]:
        target = (out / image["file_name"]).resolve()
        assert target.parent == out / "images"
    assert len(document["images"]) == len(hostile)
    # Not one of them was copied: they are no Label Studio media URLs (or lead outside the storage root).
    assert list((out / "images").iterdir()) == []
    assert set(os.listdir(tmp_path.parent)) == before
    assert sorted(os.listdir(tmp_path)) == ["export.json", "out"]


def test_pillow_is_needed_only_to_read_a_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    upload = tmp_path / "upload"
    make_png(upload / "1" / "x.png", (20, 10))
    monkeypatch.setitem(sys.modules, "PIL.Image", None)  # an import of PIL.Image now fails
    sized = [task(1, "/data/upload/1/x.png", [annotation(1, [rect(0, 0, 10, 10, ["Cat"], size=(20, 10))])])]
    media = MediaSettings(upload_dir=str(upload))
    assert run_coco(tmp_path, CONFIG, sized, media=media)["images"][0]["width"] == 20
    unsized = [task(1, "/data/upload/1/x.png", [])]
    with pytest.raises(MissingDependencyError, match="Pillow"):
        run_coco(tmp_path, CONFIG, unsized, media=media, out="second")
    assert not (tmp_path / "second" / "result.json").exists()


def test_an_unreadable_image_file_leaves_the_size_unknown(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    upload = tmp_path / "upload"
    (upload / "1").mkdir(parents=True)
    (upload / "1" / "x.png").write_bytes(b"not an image")
    with caplog.at_level(logging.WARNING):
        document = run_coco(
            tmp_path,
            CONFIG,
            [task(1, "/data/upload/1/x.png", [])],
            media=MediaSettings(upload_dir=str(upload)),
        )
    assert document["images"][0]["width"] is None
    assert any("cannot read the image" in record.getMessage() for record in caplog.records)


# -- failures and memory --------------------------------------------------------------------------------


def test_a_failed_export_leaves_no_result_and_no_spool(tmp_path: Path) -> None:
    def broken() -> Iterator[Task]:
        yield SCENE[0]
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError, match="source broke"):
        write_coco(broken(), parse_config(CONFIG), tmp_path, media=MediaSettings(), copy_images=False)
    assert [path.name for path in tmp_path.iterdir()] == ["images"]


TASK_COUNT = 5_000


def many_tasks() -> Iterator[Task]:
    for ident in range(TASK_COUNT):
        results = [rect(10, 20, 30, 40, ["Cat"]), poly([[10, 10], [20, 10], [20, 30], [12, 25]], ["Dog"])]
        yield task(ident, f"http://h/{ident}/image.jpg", [annotation(ident, results)])


def test_memory_stays_flat_for_many_tasks(tmp_path: Path) -> None:
    config = parse_config(CONFIG)
    # A small export first, so modules and caches loaded on first use are not counted (the suite's order
    # decides which of them are still to load).
    write_coco(
        list(many_tasks())[:10], config, tmp_path / "warm-up", media=MediaSettings(), copy_images=False
    )
    tracemalloc.start()
    try:
        path = write_coco(many_tasks(), config, tmp_path, media=MediaSettings(), copy_images=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = path.stat().st_size
    assert size > 2_000_000
    # Beyond a constant (about 1 MB, mostly the interpreter's table of interned strings being resized as
    # pathlib interns the image names), only the media resolver's set of claimed names grows, by about
    # 65 bytes per image (twice that while the set resizes). Holding the entries would take over 10 MB.
    assert peak < 1_500_000 + 200 * TASK_COUNT, (peak, size)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert len(document["images"]) == TASK_COUNT and len(document["annotations"]) == 2 * TASK_COUNT
    check_structure(document)


# -- the published converter as a black box ---------------------------------------------------------------

# Reads {"cases": {name: [config, tasks, format]}, "upload_dir": path or null} and answers
# {name: {relative path: text (JSON and XML files) or "<n bytes>"} or "!ErrorName"}.
PUBLISHED_SCRIPT = """
import json, logging, os, sys, tempfile
logging.disable(logging.CRITICAL)
from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter import Converter
given = json.load(sys.stdin)
answer = {}
with tempfile.TemporaryDirectory() as root:
    os.environ["XDG_CACHE_HOME"] = os.path.join(root, "cache")
    # The published resolves a relative image path against the working directory and names an existing file
    # as it is (else after its cache name), so the run gets a directory two levels down with an etc/passwd
    # two levels up: the "hostile" case gives the same answer wherever the repository is cloned.
    os.makedirs(os.path.join(root, "etc"))
    with open(os.path.join(root, "etc", "passwd"), "w") as handle:
        handle.write("root:x:0:0::/root:/bin/sh")
    os.makedirs(os.path.join(root, "work", "cwd"))
    os.chdir(os.path.join(root, "work", "cwd"))
    for name, (config, tasks, fmt) in given["cases"].items():
        source = os.path.join(root, name + ".json")
        with open(source, "w", encoding="utf-8") as handle:
            json.dump(tasks, handle)
        out = os.path.join(root, name)
        converter = Converter(
            config=parse_config(config), project_dir=None, upload_dir=given["upload_dir"], download_resources=False
        )
        try:
            converter.convert(source, out, fmt, is_dir=False)
        except Exception as exc:
            answer[name] = "!" + type(exc).__name__
            continue
        files = {}
        for folder, _, names in os.walk(out):
            for file_name in names:
                path = os.path.join(folder, file_name)
                key = os.path.relpath(path, out).replace(os.sep, "/")
                if file_name.endswith((".json", ".xml")):
                    with open(path, encoding="utf-8", newline="") as handle:
                        files[key] = handle.read()
                else:
                    files[key] = "<%d bytes>" % os.path.getsize(path)
        answer[name] = files
json.dump(answer, sys.stdout)
"""


def run_published(
    cases: Dict[str, Tuple[str, List[Task], str]], upload_dir: Optional[Path] = None
) -> Dict[str, Any]:
    require_server_install()
    python = server_python()
    assert python is not None
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps({"cases": cases, "upload_dir": None if upload_dir is None else str(upload_dir)}),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    answer: Dict[str, Any] = json.loads(completed.stdout)
    return answer


SIMPLE = [
    task(
        1,
        "http://example.com/a/1.jpg",
        [
            annotation(
                1,
                [rect(10.77, 20.5, 30.99, 40.2, ["Cat"]), poly([[10, 10], [20.5, 10], [20, 30.3]], ["Dog"])],
            )
        ],
    ),
    task(2, "http://example.com/b/2.jpg", [annotation(2, [rect(0, 0, 100, 100, ["Bird"], size=(640, 480))])]),
]
BLACK_BOX = {
    "simple": (CONFIG, SIMPLE, "COCO"),
    "scene": (CONFIG, SCENE, "COCO"),
    "keypoints": (KEYPOINTS_INDEXED, [task(1, "http://h/1.jpg", [annotation(1, PERSON)])], "COCO"),
    "keypoints-plain": (KEYPOINTS_PLAIN, [task(1, "http://h/1.jpg", [annotation(1, PERSON)])], "COCO"),
    "hostile": (CONFIG, [task(1, "../../etc/passwd", [annotation(1, [rect(0, 0, 1, 1, ["Cat"])])])], "COCO"),
    "no-points": (
        CONFIG,
        [
            task(
                1,
                "http://h/1.jpg",
                [annotation(1, [_result("polygonlabels", {"polygonlabels": ["Dog"]}, SIZE, "poly", "p")])],
            )
        ],
        "COCO",
    ),
    "pinned": (PINNED, [task(1, "http://h/1.jpg", [annotation(1, [rect(0, 0, 10, 10, ["Bee"])])])], "COCO"),
}


UPLOADED = [task(1, "/data/upload/1/x.png", [annotation(1, [rect(10, 20, 30, 40, ["Cat"], size=(20, 10))])])]


@pytest.fixture(scope="module")
def upload_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    upload = tmp_path_factory.mktemp("upload")
    make_png(upload / "1" / "x.png", (20, 10))
    return upload


@pytest.fixture(scope="module")
def published(upload_dir: Path) -> Dict[str, Any]:
    return run_published({**BLACK_BOX, "uploaded": (CONFIG, UPLOADED, "COCO_WITH_IMAGES")}, upload_dir)


def published_document(published: Dict[str, Any], name: str) -> Dict[str, Any]:
    files = published[name]
    assert isinstance(files, dict) and set(files) == {"result.json"}, files
    document: Dict[str, Any] = json.loads(files["result.json"])
    return document


def ours(tmp_path: Path, name: str) -> Dict[str, Any]:
    config, tasks, _ = BLACK_BOX[name]
    return run_coco(tmp_path, config, tasks)


def test_simple_export_has_the_published_content(published: Dict[str, Any], tmp_path: Path) -> None:
    theirs = published_document(published, "simple")
    mine = ours(tmp_path, "simple")
    assert without_info(mine) == without_info(theirs)
    assert mine["info"]["year"] == theirs["info"]["year"]
    # The one layout difference: the published (ujson) escapes "/" as "\/".
    assert "images\\/" in published["simple"]["result.json"]


def test_difference_one_image_per_task_and_the_newest_annotation(
    published: Dict[str, Any], tmp_path: Path
) -> None:
    theirs = published_document(published, "scene")
    mine = ours(tmp_path, "scene")
    # The published lists task 1's image once per annotation and exports both annotations.
    assert [image["file_name"] for image in theirs["images"]] == [
        "images/9ab67d11__1.jpg",
        "images/9ab67d11__1.jpg",
        "images/8e8d7c7e__1.jpg",
        "images/0a16827c__2.jpg",
    ]
    assert [image["file_name"] for image in mine["images"]] == [
        "images/9ab67d11__1.jpg",
        "images/8e8d7c7e__1.jpg",
        "images/0a16827c__2.jpg",
    ]
    assert [entry["image_id"] for entry in theirs["annotations"]] == [0, 0, 0, 1, 3]
    assert theirs["categories"] == mine["categories"]


def test_difference_rotated_boxes_in_pixels(published: Dict[str, Any], tmp_path: Path) -> None:
    theirs = published_document(published, "scene")["annotations"][1]
    mine = ours(tmp_path, "scene")["annotations"][1]
    # The published turns the box in percent space, wrong for a 200x100 image.
    assert theirs["bbox"] == [80.0, 9.999999999999998, 54.641016151377556, 27.32050807568877]
    assert mine["bbox"] == ROTATED_BOX


def test_difference_multi_label_regions_give_one_annotation_per_label(
    published: Dict[str, Any], tmp_path: Path
) -> None:
    theirs = published_document(published, "scene")
    mine = ours(tmp_path, "scene")
    rotated_theirs = [entry["category_id"] for entry in theirs["annotations"] if entry["bbox"][0] == 80.0]
    rotated_mine = [entry["category_id"] for entry in mine["annotations"] if entry["bbox"] == ROTATED_BOX]
    assert rotated_theirs == [2]  # only "Dog", the first label
    assert rotated_mine == [2, 1]  # "Dog" and "Cat"


def test_difference_keypoint_names_match_the_values(published: Dict[str, Any], tmp_path: Path) -> None:
    theirs = published_document(published, "keypoints")
    mine = ours(tmp_path, "keypoints")
    # Same values in model_index order, but the published names them in config order.
    assert theirs["annotations"][1]["keypoints"] == mine["annotations"][1]["keypoints"]
    assert theirs["categories"][1]["keypoints"] == ["nose", "eye", "ear"]
    assert mine["categories"][1]["keypoints"] == ["eye", "nose", "ear"]
    # Ours adds "area", which pycocotools' COCOeval reads from every ground-truth annotation.
    assert "area" not in theirs["annotations"][1] and mine["annotations"][1]["area"] == 69 * 24
    assert {key: value for key, value in mine["annotations"][1].items() if key != "area"} == theirs[
        "annotations"
    ][1]


def test_difference_keypoints_without_model_index(published: Dict[str, Any], tmp_path: Path) -> None:
    assert published["keypoints-plain"] == "!ValueError"
    mine = ours(tmp_path, "keypoints-plain")
    assert mine["categories"][1]["keypoints"] == ["nose", "eye", "ear"]
    assert mine["annotations"][1]["keypoints"] == [31, 26, 2, 100, 50, 2, 40, 30, 2]


def test_difference_file_names_stay_inside_the_export(published: Dict[str, Any], tmp_path: Path) -> None:
    theirs = published_document(published, "hostile")
    mine = ours(tmp_path, "hostile")
    assert theirs["images"][0]["file_name"] == "../../etc/passwd"
    assert mine["images"][0]["file_name"] == "images/425be980__passwd"


def test_difference_a_polygon_without_points_does_not_crash(
    published: Dict[str, Any], tmp_path: Path
) -> None:
    assert published["no-points"] == "!KeyError"
    assert ours(tmp_path, "no-points")["annotations"] == []


def test_difference_pinned_categories_in_id_order(published: Dict[str, Any], tmp_path: Path) -> None:
    theirs = published_document(published, "pinned")
    mine = ours(tmp_path, "pinned")
    assert sorted(theirs["categories"], key=lambda entry: entry["id"]) == mine["categories"]
    assert [entry["id"] for entry in mine["categories"]] == [0, 1, 3]
    assert theirs["annotations"] == mine["annotations"]


def test_difference_with_images_names_the_copy(
    published: Dict[str, Any], upload_dir: Path, tmp_path: Path
) -> None:
    files = published["uploaded"]
    assert set(files) == {"result.json", "images/x.png"}
    theirs = json.loads(files["result.json"])
    # The published copies the image but names the original, outside the output folder.
    assert theirs["images"][0]["file_name"].startswith("../") and theirs["images"][0]["file_name"].endswith(
        "/1/x.png"
    )
    mine = run_coco(
        tmp_path, CONFIG, UPLOADED, copy_images=True, media=MediaSettings(upload_dir=str(upload_dir))
    )
    assert mine["images"] == [{"width": 20, "height": 10, "id": 0, "file_name": "images/x.png"}]
    assert {key: value for key, value in theirs["images"][0].items() if key != "file_name"} == {
        "width": 20,
        "height": 10,
        "id": 0,
    }
    assert mine["annotations"] == theirs["annotations"]


def test_the_quick_rectangle_path_gives_the_general_numbers() -> None:
    """plain_pixel_box answers only where region_size + pixel_box would give the same box, else defers."""
    from label_studio_sdk.converter.exports.coco import (
        Region,
        pixel_box,
        plain_pixel_box,
        region_size,
    )

    base = {
        "type": "RectangleLabels",
        "rectanglelabels": ["Cat"],
        "x": 10,
        "y": 20.5,
        "width": 30.25,
        "height": 7,
    }
    variants: List[Dict[str, Any]] = [
        {},
        {"original_width": 640, "original_height": 480},
        {"original_width": 641.5, "original_height": 479},
        {"rotation": 0},
        {"rotation": 0.0, "original_width": 100, "original_height": 50},
        {"rotation": 30, "original_width": 100, "original_height": 50},
        {"original_width": 0, "original_height": 480},
        {"original_width": "640", "original_height": 480},
        {"original_width": 640},
        {"original_width": float("inf"), "original_height": 480},
        {"original_width": True, "original_height": 480},
        {"x": float("nan")},
        {"x": "10"},
        {"width": None},
        {"y": True},
        {"height": 1e308, "original_width": 1e308, "original_height": 10},
    ]
    quick_answers = 0
    for size in (None, (800.0, 600.0), (float("nan"), 600.0)):
        for variant in variants:
            value = {**base, **variant}
            quick = plain_pixel_box(value, size)
            if quick is None:
                continue
            quick_answers += 1
            region = Region(1, "label", 0, "rectangle", value, ["Cat"])
            general_size = region_size(region, size)
            assert general_size is not None
            assert quick == (pixel_box(region, general_size), general_size), variant
    assert quick_answers >= 8
