"""The YOLO writers (YOLO, YOLO_OBB, their _WITH_IMAGES forms, pose and segmentation lines): golden outputs on
small fixtures, the published files (label-studio-sdk 2.1.2 run as a black box in one subprocess) for the same
exports, each deliberate difference pinned, output confinement, media copies and failed downloads."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import socket
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
from PIL import Image

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter import geometry
from label_studio_sdk.converter.exports.yolo import _LabelFolder, labeler_folder, write_yolo
from label_studio_sdk.converter.formats import FormatNotSupportedError
from label_studio_sdk.converter.media import MediaSettings
from label_studio_sdk.converter.reader import iter_tasks
from tests.ls_server_files import require_server_install, server_python

Task = Dict[str, Any]
FIXTURES = Path(__file__).parent / "fixtures" / "yolo"

RECT_CONFIG = (
    '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">'
    '<Label value="Cat"/><Label value="Airplane"/><Label value="Dog"/></RectangleLabels></View>'
)
OBB_CONFIG = (
    '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">'
    '<Label value="Plane"/><Label value="Ship"/><Label value="Storage tank"/></RectangleLabels></View>'
)
POLYGON_CONFIG = (
    '<View><Image name="image" value="$image"/><RectangleLabels name="box" toName="image"><Label value="Car"/>'
    '</RectangleLabels><PolygonLabels name="poly" toName="image"><Label value="Road"/><Label value="Car"/>'
    "</PolygonLabels></View>"
)
POSE_CONFIG = (
    '<View><Image name="image" value="$image"/><RectangleLabels name="box" toName="image"><Label value="Person"/>'
    '<Label value="Dog"/></RectangleLabels><KeyPointLabels name="points" toName="image">'
    '<Label value="nose" model_index="0"/><Label value="left_eye" model_index="1"/>'
    '<Label value="right_eye" model_index="2"/><Label value="tail" model_index="3"/></KeyPointLabels></View>'
)
SPLIT_CONFIG = (
    '<View><Image name="image" value="$image"/><Rectangle name="box" toName="image"/>'
    '<Polygon name="outline" toName="image"/><Labels name="kind" toName="image"><Label value="Zebra"/>'
    '<Label value="Ant"/></Labels></View>'
)
URL_1 = "http://example.com/a/1.jpg"


def cache_stem(url: str) -> str:
    """The label stem of a URL that is not fetched: the published cache name ``<md5[:8]>__<basename>``."""
    return f"{hashlib.md5(url.encode()).hexdigest()[:8]}__{Path(url.rsplit('/', 1)[-1]).stem}"


STEM_1 = cache_stem(URL_1)


def region(
    kind: str, value: Dict[str, Any], *, from_name: str = "label", size: Any = (640, 480), **extra: Any
) -> Dict[str, Any]:
    result: Dict[str, Any] = {
        "from_name": from_name,
        "to_name": "image",
        "type": kind,
        "value": value,
        **extra,
    }
    if size is not None:
        result["original_width"], result["original_height"] = size
    return result


def box(labels: List[str], x: float, y: float, w: float, h: float, **extra: Any) -> Dict[str, Any]:
    value = {"x": x, "y": y, "width": w, "height": h, "rectanglelabels": labels}
    for key in ("rotation",):
        if key in extra:
            value[key] = extra.pop(key)
    return region("rectanglelabels", value, **extra)


def annotation(
    results: List[Dict[str, Any]], *, ident: int = 1, created: str = "2024-01-01", **extra: Any
) -> Task:
    return {"id": ident, "created_at": created, "completed_by": 1, "result": results, **extra}


def task(ident: int, url: str, annotations: Optional[List[Task]]) -> Task:
    found: Task = {"id": ident, "data": {"image": url}}
    if annotations is not None:
        found["annotations"] = annotations
    return found


def export(
    tmp_path: Path,
    tasks: List[Task],
    config: str = RECT_CONFIG,
    *,
    media: Optional[MediaSettings] = None,
    copy_images: bool = False,
    **kwargs: Any,
) -> Path:
    out = tmp_path / "out"
    return write_yolo(
        iter(tasks),  # a one-shot iterator: the writer reads its tasks once
        parse_config(config),
        out,
        media=media or MediaSettings(),
        copy_images=copy_images,
        **kwargs,
    )


def files(root: Path) -> Dict[str, bytes]:
    """Every file under ``root`` by its relative path (with ``/``)."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def labels(root: Path) -> Dict[str, str]:
    return {
        name[len("labels/") :]: data.decode()
        for name, data in files(root).items()
        if name.startswith("labels/")
    }


# --- golden outputs -----------------------------------------------------------------------------------


def test_plain_boxes_golden(tmp_path: Path) -> None:
    tasks = [
        task(
            1,
            URL_1,
            [
                annotation(
                    [
                        box(["Dog"], 10.123456789, 20, 30.5, 40, rotation=0),
                        box(["Cat", "Airplane"], 0, 0, 100, 100),  # one line per label
                        box(["Zebra"], 1e-7, 33.333333333333336, 1, 2, size=None),  # data-only label: next id
                        box([], 1, 1, 1, 1),  # no label: no line
                    ]
                )
            ],
        ),
        task(2, "/files/unlabelled.png", []),  # no annotations: an empty label file
        task(3, "/files/no-regions.png", [annotation([])]),
        task(4, "/files/cancelled.png", [annotation([box(["Dog"], 1, 1, 1, 1)], was_cancelled=True)]),
        task(5, "/files/no-list.png", None),
    ]
    out = export(tmp_path, tasks)
    assert out == tmp_path / "out"
    got = files(out)
    assert sorted(got) == sorted(
        [
            "classes.txt",
            f"labels/{STEM_1}.txt",
            f"labels/{cache_stem('/files/no-regions.png')}.txt",
            f"labels/{cache_stem('/files/unlabelled.png')}.txt",
            "notes.json",
        ]
    )
    assert (out / "images").is_dir() and not any((out / "images").iterdir())
    assert got[f"labels/{STEM_1}.txt"] == (
        b"2 0.25373456789000004 0.4 0.305 0.4\n"
        b"1 0.5 0.5 1.0 1.0\n"
        b"0 0.5 0.5 1.0 1.0\n"
        b"3 0.005000001 0.3433333333333334 0.01 0.02\n"
    )
    assert got[f"labels/{cache_stem('/files/unlabelled.png')}.txt"] == b""
    assert got[f"labels/{cache_stem('/files/no-regions.png')}.txt"] == b""
    assert got["classes.txt"] == b"Airplane\nCat\nDog\nZebra\n"
    notes = json.loads(got["notes.json"])
    assert notes["categories"] == [
        {"id": 0, "name": "Airplane"},
        {"id": 1, "name": "Cat"},
        {"id": 2, "name": "Dog"},
        {"id": 3, "name": "Zebra"},
    ]
    assert set(notes["info"]) == {"year", "version", "contributor"}
    assert notes["info"]["contributor"] == "Label Studio" and notes["info"]["version"] == "1.0"
    assert not got["notes.json"].endswith(b"\n")  # as earlier releases wrote it


def test_classes_line_i_is_class_i_with_category_pins(tmp_path: Path) -> None:
    config = RECT_CONFIG.replace('<Label value="Cat"/>', '<Label value="Cat" category="4"/>')
    out = export(
        tmp_path,
        [task(1, URL_1, [annotation([box(["Cat"], 0, 0, 10, 10), box(["Dog"], 0, 0, 10, 10)])])],
        config,
    )
    assert (out / "classes.txt").read_text() == "Airplane\nDog\n__unused_2__\n__unused_3__\nCat\n"
    assert labels(out)[f"{STEM_1}.txt"] == "4 0.05 0.05 0.1 0.1\n1 0.05 0.05 0.1 0.1\n"


def test_no_classes_gives_an_empty_classes_file(tmp_path: Path) -> None:
    config = '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image"/></View>'
    out = export(tmp_path, [task(1, URL_1, [])], config)
    assert (out / "classes.txt").read_bytes() == b""
    assert json.loads((out / "notes.json").read_text())["categories"] == []


def test_obb_golden_corners(tmp_path: Path) -> None:
    tasks = [
        task(
            1,
            URL_1,
            [
                annotation(
                    [
                        box(["Dog"], 10, 20, 30, 40, rotation=30),
                        box(["Cat"], 11, 21, 30, 40, rotation=0),
                        box(["Cat", "Dog"], 12, 20, 30, 40, size=(1000, 500)),  # no rotation key: rotation 0
                        box(
                            ["Dog"], 10, 20, 30, 40, rotation=0, size=None
                        ),  # no size needed without rotation
                        box(["Cat"], 10, 20, 30, 40, rotation=45, size=None),  # rotated, no size: left out
                    ]
                )
            ],
        )
    ]
    out = export(tmp_path, tasks, oriented=True)
    assert labels(out)[f"{STEM_1}.txt"] == (
        "2 0.1 0.2 0.3598076211353316 0.4 0.2098076211353316 0.7464101615137755 -0.049999999999999975"
        " 0.5464101615137754\n"
        "1 0.11000000000000001 0.21 0.41 0.21 0.41 0.61 0.11000000000000001 0.61\n"
        "1 0.12 0.2 0.42 0.2 0.42 0.6 0.12 0.6\n"
        "2 0.12 0.2 0.42 0.2 0.42 0.6 0.12 0.6\n"
        "2 0.1 0.2 0.4 0.2 0.4 0.6 0.1 0.6\n"
    )


def test_plain_yolo_writes_the_bounding_box_of_a_rotated_rectangle(tmp_path: Path) -> None:
    # A deliberate difference: earlier releases wrote the unrotated box, which misses the object.
    value = {
        "x": 10,
        "y": 20,
        "width": 30,
        "height": 40,
        "rotation": 90,
        "original_width": 640,
        "original_height": 480,
    }
    out = export(tmp_path, [task(1, URL_1, [annotation([box(["Dog"], 10, 20, 30, 40, rotation=90)])])])
    line = labels(out)[f"{STEM_1}.txt"].split()
    expected = geometry.rotated_rectangle(value)
    assert expected is not None
    x, y, w, h = expected
    assert line[0] == "2"
    assert [float(number) for number in line[1:]] == pytest.approx([-0.05, 0.4, 0.3, 0.4])
    assert line[1:] == [str((x + w / 2) / 100), str((y + h / 2) / 100), str(w / 100), str(h / 100)]


def test_polygons_and_boxes(tmp_path: Path) -> None:
    points = [[10, 20], [30.5, 40.25], [50, 60.123]]
    tasks = [
        task(
            1,
            URL_1,
            [
                annotation(
                    [
                        region(
                            "polygonlabels", {"points": points, "polygonlabels": ["Road"]}, from_name="poly"
                        ),
                        region(
                            "polygonlabels",
                            {"points": [[1, 2], [3, 4], [5, 6], [7, 8]], "polygonlabels": ["Road", "Car"]},
                            from_name="poly",
                            size=None,
                        ),
                        box(["Car"], 10, 20, 30, 40, from_name="box"),
                        region(
                            "polygonlabels", {"points": [[1, 2]], "polygonlabels": ["Road"]}, from_name="poly"
                        ),
                    ]
                )
            ],
        )
    ]
    for oriented, box_line in (
        (False, "0 0.25 0.4 0.3 0.4\n"),
        (True, "0 0.1 0.2 0.4 0.2 0.4 0.6 0.1 0.6\n"),
    ):
        out = export(tmp_path / str(oriented), tasks, POLYGON_CONFIG, oriented=oriented)
        assert (out / "classes.txt").read_text() == "Car\nRoad\n"
        assert labels(out)[f"{STEM_1}.txt"] == (
            "1 0.1 0.2 0.305 0.4025 0.5 0.6012299999999999\n"
            "1 0.01 0.02 0.03 0.04 0.05 0.06 0.07 0.08\n"
            "0 0.01 0.02 0.03 0.04 0.05 0.06 0.07 0.08\n" + box_line
        )


def test_rectangle_and_polygon_tools_with_a_labels_control(tmp_path: Path) -> None:
    tasks = [
        task(
            1,
            URL_1,
            [
                annotation(
                    [
                        region(
                            "rectangle",
                            {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0},
                            from_name="box",
                            id="r1",
                        ),
                        region(
                            "labels",
                            {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0, "labels": ["Zebra"]},
                            from_name="kind",
                            id="r1",
                        ),
                        region(
                            "labels",
                            {"x": 11, "y": 21, "width": 30, "height": 40, "labels": ["Ant"]},
                            from_name="kind",
                        ),
                        region(
                            "rectangle", {"x": 12, "y": 22, "width": 30, "height": 40}, from_name="box"
                        ),  # unlabelled
                        # A deliberate difference: earlier releases dropped Polygon + Labels regions.
                        region(
                            "labels",
                            {"points": [[1, 2], [3, 4], [5, 6]], "labels": ["Ant"]},
                            from_name="kind",
                        ),
                        region(
                            "labels", {"x": 5, "y": 5, "width": 1, "labels": ["Ant"]}, from_name="kind"
                        ),  # a keypoint
                    ]
                )
            ],
        )
    ]
    out = export(tmp_path, tasks, SPLIT_CONFIG)
    assert (out / "classes.txt").read_text() == "Ant\nZebra\n"
    assert labels(out)[f"{STEM_1}.txt"] == (
        "1 0.25 0.4 0.3 0.4\n0 0.26 0.41 0.3 0.4\n0 0.01 0.02 0.03 0.04 0.05 0.06\n"
    )


def keypoint(label: str, x: float, y: float, parent: Optional[str]) -> Dict[str, Any]:
    extra = {"parentID": parent} if parent else {}
    return region(
        "keypointlabels",
        {"x": x, "y": y, "width": 0.5, "keypointlabels": [label]},
        from_name="points",
        **extra,
    )


def test_pose_lines_golden(tmp_path: Path) -> None:
    config = (
        '<View><Image name="image" value="$image"/><RectangleLabels name="box" toName="image">'
        '<Label value="Person"/><Label value="Dog"/></RectangleLabels><PolygonLabels name="poly" toName="image">'
        '<Label value="Road"/></PolygonLabels><KeyPointLabels name="points" toName="image">'
        '<Label value="nose" model_index="2"/><Label value="eye" model_index="0"/><Label value="tail"/>'
        "</KeyPointLabels></View>"
    )
    results = [
        box(["Person"], 10, 20, 30, 40, from_name="box", id="b1"),
        keypoint("eye", 15, 25, "b1"),
        keypoint("nose", 16.5, 26, "b1"),
        keypoint("nose", 17.5, 27, "b1"),  # a later point of the same label wins
        keypoint("tail", 18.5, 28, "b1"),  # no model_index: a slot after the indexed ones
        keypoint("eye", 90, 90, None),  # no box: no line
        region(
            "polygonlabels", {"points": [[1, 2], [3, 4], [5, 6]], "polygonlabels": ["Road"]}, from_name="poly"
        ),
        box(["Dog", "Person"], 50, 50, 10, 10, from_name="box", id="b2"),
        box(["Horse"], 1, 2, 3, 4, from_name="box", id="b3"),  # a data-only label gets the next id
    ]
    out = export(tmp_path, [task(1, URL_1, [annotation(results)])], config, oriented=True)
    assert (out / "classes.txt").read_text() == "Person\nDog\nHorse\n"  # rectangle labels, config order
    assert labels(out)[f"{STEM_1}.txt"] == (
        "0 0.25 0.4 0.3 0.4 0.15 0.25 2 0.175 0.27 2 0.185 0.28 2\n"
        "1 0.55 0.55 0.1 0.1 0.0 0.0 0 0.0 0.0 0 0.0 0.0 0\n"
        "0 0.55 0.55 0.1 0.1 0.0 0.0 0 0.0 0.0 0 0.0 0.0 0\n"
        "2 0.025 0.04 0.03 0.04 0.0 0.0 0 0.0 0.0 0 0.0 0.0 0\n"
    )
    notes = json.loads((out / "notes.json").read_text())
    assert notes["categories"][0] == {"id": 0, "name": "Person", "keypoints": ["eye", "nose", "tail"]}
    assert [entry["name"] for entry in notes["categories"]] == ["Person", "Dog", "Horse"]


def test_pose_leaves_out_polygons_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = POSE_CONFIG.replace(
        "</View>", '<PolygonLabels name="poly" toName="image"><Label value="R"/></PolygonLabels></View>'
    )
    poly = region(
        "polygonlabels", {"points": [[1, 2], [3, 4], [5, 6]], "polygonlabels": ["R"]}, from_name="poly"
    )
    with caplog.at_level(logging.WARNING):
        out = export(tmp_path, [task(1, URL_1, [annotation([poly])])], config)
    assert labels(out)[f"{STEM_1}.txt"] == ""
    assert any(
        "polygons cannot be written in the YOLO pose format" in record.getMessage()
        for record in caplog.records
    )


# --- which annotation ---------------------------------------------------------------------------------


def several_annotations() -> List[Task]:
    return [
        task(
            1,
            URL_1,
            [
                annotation([box(["Dog"], 10, 20, 30, 40)], ident=10, created="2024-01-01", completed_by=7),
                annotation(
                    [box(["Cat"], 11, 20, 30, 40)],
                    ident=11,
                    created="2024-03-01",
                    completed_by={"id": 8, "email": "a@b.c"},
                ),
                annotation([box(["Cat"], 12, 20, 30, 40)], ident=12, created="2024-02-01", completed_by=7),
                annotation(
                    [box(["Cat"], 13, 20, 30, 40)], ident=13, created="2024-04-01", was_cancelled=True
                ),
            ],
        )
    ]


@pytest.mark.parametrize(
    ("choose", "expected"),
    [
        (
            "newest",
            "1 0.26 0.4 0.3 0.4\n",
        ),  # the default; earlier releases let the oldest win (label-studio#5421)
        ("oldest", "2 0.25 0.4 0.3 0.4\n"),
        ("all", "1 0.26 0.4 0.3 0.4\n1 0.27 0.4 0.3 0.4\n2 0.25 0.4 0.3 0.4\n"),
    ],
)
def test_choose_picks_the_annotation(tmp_path: Path, choose: str, expected: str) -> None:
    kwargs: Dict[str, Any] = {} if choose == "newest" else {"choose": choose}
    out = export(tmp_path, several_annotations(), **kwargs)
    assert labels(out) == {f"{STEM_1}.txt": expected}


def test_split_labelers_one_folder_per_annotator(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    tasks = [*several_annotations(), task(2, "/files/none.png", [])]
    with caplog.at_level(logging.WARNING):
        out = export(tmp_path, tasks, split_labelers=True)
    # The newest annotation of each annotator; a dict annotator is named by its id (earlier releases used the
    # dict's text, "{'id': 8, ...}"); an unannotated task has no annotator and no file.
    assert labels(out) == {
        f"7/{STEM_1}.txt": "1 0.27 0.4 0.3 0.4\n",
        f"8/{STEM_1}.txt": "1 0.26 0.4 0.3 0.4\n",
    }
    assert any("task 2 has no annotations" in record.getMessage() for record in caplog.records)
    out = export(tmp_path / "oldest", tasks, split_labelers=True, choose="oldest")
    assert labels(out)[f"7/{STEM_1}.txt"] == "2 0.25 0.4 0.3 0.4\n"


def test_labeler_folder_names() -> None:
    assert labeler_folder(7) == "7"
    assert labeler_folder({"id": 8, "email": "a@b.c"}) == "8"
    assert labeler_folder({"email": "a@b.c"}) == "a@b.c"
    assert labeler_folder("../../etc") == "etc"
    assert labeler_folder("..") == "__"
    assert labeler_folder({}) is None
    assert labeler_folder(None) is None


# --- bad regions and tasks ---------------------------------------------------------------------------


def test_incomplete_regions_are_skipped_with_a_warning_naming_the_task(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    results = [
        region("rectanglelabels", {"y": 20, "width": 30, "height": 40, "rectanglelabels": ["Cat"]}),
        region(
            "rectanglelabels", {"x": "ten", "y": 20, "width": 30, "height": 40, "rectanglelabels": ["Cat"]}
        ),
        box(["Dog"], 10, 20, 30, 40, rotation=20, size=None),
        box(["Dog"], 1, 2, 3, 4),
    ]
    with caplog.at_level(logging.WARNING):
        out = export(tmp_path, [task(7, URL_1, [annotation(results)]), task(8, "", [])])
    assert labels(out) == {f"{STEM_1}.txt": "2 0.025 0.04 0.03 0.04\n"}
    messages = [record.getMessage() for record in caplog.records]
    assert (
        sum("task 7: a region of 'label' has no numeric x/y/width/height" in message for message in messages)
        == 2
    )
    assert any(
        "task 7: a region of 'label' has a rotation but no image size" in message for message in messages
    )
    assert any("task 8 has no image under 'image'" in message for message in messages)

    caplog.clear()
    poly = region("polygonlabels", {"polygonlabels": ["Road"]}, from_name="poly")
    with caplog.at_level(logging.WARNING):
        out = export(tmp_path / "poly", [task(9, URL_1, [annotation([poly])])], POLYGON_CONFIG, oriented=True)
    assert labels(out) == {f"{STEM_1}.txt": ""}
    assert any(
        "task 9: a region of 'poly' has no valid points" in record.getMessage() for record in caplog.records
    )


def test_a_config_without_image_regions_is_refused(tmp_path: Path) -> None:
    config = '<View><Text name="text" value="$text"/><Labels name="ner" toName="text"><Label value="A"/></Labels></View>'
    with pytest.raises(FormatNotSupportedError):
        export(tmp_path, [], config)


# --- file names and confinement ----------------------------------------------------------------------


def png(path: Path, size: Any = (4, 3)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "red").save(path)
    return path


def test_images_sharing_a_basename_get_their_own_label_files(tmp_path: Path) -> None:
    upload = tmp_path / "upload"
    for name in ("1/x.png", "2/x.png", "1/photo.jpg", "1/photo.png"):
        png(upload / name)
    tasks = [
        task(1, "/data/upload/1/x.png", [annotation([box(["Dog"], 0, 0, 10, 10)])]),
        task(2, "/data/upload/2/x.png", [annotation([box(["Cat"], 0, 0, 10, 10)])]),
        task(3, "/data/upload/1/photo.jpg", [annotation([box(["Dog"], 0, 0, 20, 20)])]),
        task(4, "/data/upload/1/photo.png", [annotation([box(["Cat"], 0, 0, 20, 20)])]),
    ]
    media = MediaSettings(upload_dir=str(upload), workers=2)
    digest = hashlib.md5(b"/data/upload/2/x.png").hexdigest()[:8]
    photo_digest = hashlib.md5(b"/data/upload/1/photo.png").hexdigest()[:8]
    out = export(tmp_path, tasks, media=media, copy_images=True)
    assert sorted(files(out)) == sorted(
        [
            "classes.txt",
            "notes.json",
            "images/x.png",
            f"images/x__{digest}.png",
            "images/photo.jpg",
            f"images/photo__{photo_digest}.png",
            "labels/x.txt",
            f"labels/x__{digest}.txt",
            "labels/photo.txt",
            f"labels/photo__{photo_digest}.txt",
        ]
    )
    assert labels(out)["x.txt"].startswith("2 ") and labels(out)[f"x__{digest}.txt"].startswith("1 ")
    assert labels(out)[f"photo__{photo_digest}.txt"].startswith("1 ")
    # Every label file has the image of the same stem beside it, as YOLO trainers pair them.
    image_stems = {Path(name).stem for name in files(out) if name.startswith("images/")}
    assert {Path(name).stem for name in labels(out)} == image_stems


def test_label_stems_stay_unique_whatever_the_media_names(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A safety net behind MediaFile's unique names: stems that differ only in case, or past the byte limit.
    folder = _LabelFolder(tmp_path)
    try:
        with caplog.at_level(logging.WARNING):
            first = folder.claim_stem("Photo", "u1", 1)
            second = folder.claim_stem("photo", "u2", 2)
            long_a = folder.claim_stem("é" * 200 + "a", "u3", 3)
            long_b = folder.claim_stem("é" * 200 + "b", "u4", 4)
            odd = folder.claim_stem("../x", "u5", 5)
    finally:
        folder.close()
    assert first == "Photo" and second == f"photo__{hashlib.md5(b'u2').hexdigest()[:8]}"
    assert len(long_a.encode()) <= 251 and len(long_b.encode()) <= 251 and long_a != long_b
    assert odd == "x"
    assert any(
        "task 2: another image already has the label file photo.txt" in r.getMessage() for r in caplog.records
    )


def test_long_names_are_cut_to_a_valid_file_name(tmp_path: Path) -> None:
    tasks = [
        task(1, "http://example.com/" + "L" * 300 + ".jpg", []),
        task(2, "http://example.com/" + "é" * 200 + ".jpg", []),
    ]
    out = export(tmp_path, tasks)
    names = sorted(labels(out))
    assert len(names) == 2
    for name in names:
        assert name.endswith(".txt") and "/" not in name
        assert len(name.encode()) <= 255
    assert {name[:10] for name in names} == {
        hashlib.md5(url.encode()).hexdigest()[:8] + "__"
        for url in (tasks[0]["data"]["image"], tasks[1]["data"]["image"])
    }


@pytest.mark.parametrize(
    "url", ["http://x/../../evil.jpg", "/data/upload/1/..%2F..%2Fx.jpg", "../../../evil.png", "/abs/path/.."]
)
def test_malicious_image_urls_stay_inside_the_labels_folder(tmp_path: Path, url: str) -> None:
    upload = tmp_path / "export" / "upload"
    png(upload / "1" / "a.png")
    root = tmp_path / "export"
    before = set(files(tmp_path))
    write_yolo(
        [task(1, url, [annotation([box(["Dog"], 0, 0, 10, 10)])])],
        parse_config(RECT_CONFIG),
        root / "out",
        media=MediaSettings(upload_dir=str(upload)),
        copy_images=False,
    )
    added = set(files(tmp_path)) - before
    label_files = [name for name in added if "/labels/" in name]
    assert len(label_files) == 1
    assert label_files[0].startswith("export/out/labels/") and label_files[0].count("/") == 3
    assert all(name.startswith("export/out/") for name in added)
    assert Path(tmp_path, label_files[0]).read_text() == "2 0.05 0.05 0.1 0.1\n"


def test_a_link_planted_in_the_labels_folder_is_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    label_folder = tmp_path / "out" / "labels"
    label_folder.mkdir(parents=True)
    (label_folder / f"{STEM_1}.txt").symlink_to(outside)
    out = export(tmp_path, [task(1, URL_1, [annotation([box(["Dog"], 0, 0, 10, 10)])])])
    label = out / "labels" / f"{STEM_1}.txt"
    assert not label.is_symlink() and label.read_text() == "2 0.05 0.05 0.1 0.1\n"
    assert outside.read_text() == "keep"


def test_image_dir_and_label_dir(tmp_path: Path) -> None:
    upload = tmp_path / "upload"
    png(upload / "1" / "x.png")
    out = export(
        tmp_path,
        [task(1, "/data/upload/1/x.png", [annotation([box(["Dog"], 0, 0, 10, 10)])])],
        media=MediaSettings(upload_dir=str(upload)),
        copy_images=True,
        image_dir=tmp_path / "my-images",
        label_dir=tmp_path / "my-labels",
    )
    assert sorted(files(out)) == ["classes.txt", "notes.json"]
    assert files(tmp_path / "my-images") == {"x.png": (upload / "1" / "x.png").read_bytes()}
    assert files(tmp_path / "my-labels") == {"x.txt": b"2 0.05 0.05 0.1 0.1\n"}


# --- with images ------------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_with_images_copies_uploads_and_local_files_and_skips_a_failed_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    upload = tmp_path / "upload"
    document_root = tmp_path / "documents"
    png(upload / "1" / "x.png")
    png(document_root / "sub" / "y.png", (5, 2))
    monkeypatch.setenv("LOCAL_FILES_DOCUMENT_ROOT", str(document_root))
    failing = f"http://127.0.0.1:{closed_port()}/z.png"
    tasks = [
        task(1, "/data/upload/1/x.png", [annotation([box(["Dog"], 10, 20, 30, 40)])]),
        task(2, "/data/local-files/?d=sub/y.png", [annotation([box(["Cat"], 10, 20, 30, 40)])]),
        task(3, failing, [annotation([box(["Cat"], 10, 20, 30, 40)])]),
        task(4, "/data/upload/1/x.png", []),  # the same image again: its own copy and label file
    ]
    media = MediaSettings(upload_dir=str(upload), workers=2)
    with caplog.at_level(logging.WARNING):
        out = export(tmp_path, tasks, media=media, copy_images=True)
    digest = hashlib.md5(b"/data/upload/1/x.png").hexdigest()[:8]
    got = files(out)
    assert sorted(got) == sorted(
        [
            "classes.txt",
            "notes.json",
            "images/x.png",
            f"images/x__{digest}.png",
            "images/y.png",
            "labels/x.txt",
            f"labels/x__{digest}.txt",
            "labels/y.txt",
        ]
    )  # no orphan z.txt (earlier releases wrote one)
    assert got["images/y.png"] == (document_root / "sub" / "y.png").read_bytes()
    assert got["labels/x.txt"] == b"2 0.25 0.4 0.3 0.4\n" and got[f"labels/x__{digest}.txt"] == b""
    assert any("task 3" in r.getMessage() and failing in r.getMessage() for r in caplog.records)


def test_obb_reads_a_missing_image_size_from_the_copied_file(tmp_path: Path) -> None:
    upload = tmp_path / "upload"
    png(upload / "1" / "x.png", (200, 100))
    rotated = box(["Dog"], 10, 20, 30, 40, rotation=30, size=None)
    out = export(
        tmp_path,
        [task(1, "/data/upload/1/x.png", [annotation([rotated])])],
        media=MediaSettings(upload_dir=str(upload)),
        copy_images=True,
        oriented=True,
    )
    with_size = export(
        tmp_path / "sized",
        [task(1, URL_1, [annotation([box(["Dog"], 10, 20, 30, 40, rotation=30, size=(200, 100))])])],
        oriented=True,
    )
    assert labels(out)["x.txt"] == labels(with_size)[f"{STEM_1}.txt"]
    assert labels(out)["x.txt"].count(" ") == 8


# --- the published converter as a black box -----------------------------------------------------------

# (case, config, fixture, format)
CASES = [
    ("boxes", RECT_CONFIG, "boxes.json", "YOLO"),
    ("obb", OBB_CONFIG, "obb.json", "YOLO_OBB"),
    ("polygons", POLYGON_CONFIG, "polygons.json", "YOLO"),
    ("polygons-obb", POLYGON_CONFIG, "polygons.json", "YOLO_OBB"),
    ("pose", POSE_CONFIG, "pose.json", "YOLO"),
]

# Reads [[case, config, fixture path, format]] and answers {case: {relative path: base64 bytes}}.
PUBLISHED_SCRIPT = """
import base64, json, logging, os, sys, tempfile
logging.disable(logging.CRITICAL)
from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter import Converter
answer = {}
with tempfile.TemporaryDirectory() as root:
    for case, config, source, fmt in json.load(sys.stdin):
        out = os.path.join(root, case)
        Converter(config=parse_config(config), project_dir=None).convert(source, out, fmt, is_dir=False)
        found = answer[case] = {}
        for folder, dirs, names in os.walk(out):
            for name in dirs:
                found[os.path.relpath(os.path.join(folder, name), out) + "/"] = ""
            for name in names:
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    found[os.path.relpath(path, out)] = base64.b64encode(handle.read()).decode()
json.dump(answer, sys.stdout)
"""


@pytest.fixture(scope="module")
def published() -> Dict[str, Dict[str, str]]:
    require_server_install()
    python = server_python()
    assert python is not None
    given = [[case, config, str(FIXTURES / fixture), fmt] for case, config, fixture, fmt in CASES]
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    answer: Dict[str, Dict[str, str]] = json.loads(completed.stdout)
    return answer


def tree(root: Path) -> Iterator[str]:
    for folder, dirs, names in os.walk(root):
        for name in dirs:
            yield Path(folder, name).relative_to(root).as_posix() + "/"
        for name in names:
            yield Path(folder, name).relative_to(root).as_posix()


@pytest.mark.parametrize("case", [case for case, *_ in CASES])
def test_same_files_as_the_published(case: str, published: Dict[str, Dict[str, str]], tmp_path: Path) -> None:
    _, config, fixture, fmt = next(entry for entry in CASES if entry[0] == case)
    out = write_yolo(
        iter_tasks(FIXTURES / fixture),
        parse_config(config),
        tmp_path / case,
        media=MediaSettings(),
        copy_images=False,
        oriented="OBB" in fmt,
    )
    theirs = {name: base64.b64decode(data) for name, data in published[case].items()}
    ours = files(out)
    assert sorted(tree(out)) == sorted(theirs)
    label_names = [name for name in ours if name.startswith("labels/")]
    assert len(label_names) > 5
    for name in label_names:
        expected = theirs[name]
        if case == "pose" and expected:
            expected += b"\n"  # a deliberate difference: earlier pose files lacked the final newline
        assert ours[name] == expected, name
    assert ours["classes.txt"] == theirs["classes.txt"]
    our_notes, their_notes = json.loads(ours["notes.json"]), json.loads(theirs["notes.json"])
    our_notes["info"].pop("year"), their_notes["info"].pop("year")
    assert our_notes == their_notes
    # ujson wrote "/" as "\\/"; otherwise the text is the same.
    assert (
        ours["notes.json"].split(b'"year"')[0]
        == theirs["notes.json"].replace(b"\\/", b"/").split(b'"year"')[0]
    )


@pytest.mark.parametrize("oriented", [False, True])
def test_cancelled_and_unlabelled_tasks_match_the_published_layout(
    oriented: bool, published: Dict[str, Dict[str, str]], tmp_path: Path
) -> None:
    # boxes.json holds an unlabelled task (empty file), one without regions (empty file) and a cancelled one (none).
    out = write_yolo(
        iter_tasks(FIXTURES / "boxes.json"),
        parse_config(RECT_CONFIG),
        tmp_path,
        media=MediaSettings(),
        copy_images=False,
        oriented=oriented,
    )
    ours = files(out)
    stem = hashlib.md5(b"http://example.com/c/unlabelled.png").hexdigest()[:8]
    assert ours[f"labels/{stem}__unlabelled.txt"] == b""
    assert not any("cancelled" in name for name in ours)
    assert sum(1 for name in published["boxes"] if name.startswith("labels/") and name != "labels/") == sum(
        1 for name in ours if name.startswith("labels/")
    )
