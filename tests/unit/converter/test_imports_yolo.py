"""YOLO datasets to Label Studio tasks: golden tasks and configs on small datasets made here, every line kind,
bad lines, image sizes, image URLs (``join_input_url``), the published importer (label-studio-sdk 2.1.2, run
as a black box in a subprocess) on plain boxes, and the round trip YOLO -> tasks -> YOLO."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import pytest

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter._deps import MissingDependencyError
from label_studio_sdk.converter._urls import join_input_url
from label_studio_sdk.converter.imports import ImportSummary
from label_studio_sdk.converter.imports.colors import label_color, palette
from label_studio_sdk.converter.imports.label_config import generate_label_config, label_config_path
from label_studio_sdk.converter.imports.yolo import YoloImportError, convert_yolo_to_ls
from label_studio_sdk.label_interface import LabelInterface
from tests.ls_server_files import require_server_install, server_python

Task = Dict[str, Any]
Size = Tuple[int, int]
FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def make_dataset(
    root: Path,
    classes: str,
    images: Mapping[str, Optional[Size]],
    labels: Mapping[str, str],
) -> Path:
    """A YOLO dataset: ``images`` maps a path under images/ to a size (a real image) or None (an empty file)."""
    from PIL import Image

    root.mkdir(parents=True, exist_ok=True)
    (root / "classes.txt").write_text(classes, encoding="utf-8")
    for name, size in images.items():
        path = root / "images" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if size is None:
            path.write_bytes(b"")
        else:
            Image.new("RGB", size).save(path)
    (root / "labels").mkdir(exist_ok=True)
    for name, text in labels.items():
        path = root / "labels" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def sha_id(label_file: str, line: int) -> str:
    return hashlib.sha1(f"yolo\x1f{label_file}\x1f{line}".encode()).hexdigest()[:10]


def result(
    kind: str,
    value: Dict[str, Any],
    size: Tuple[float, float],
    ident: str,
    from_name: str = "label",
    score: Optional[float] = None,
) -> Dict[str, Any]:
    found: Dict[str, Any] = {
        "id": ident,
        "type": kind,
        "value": value,
        "to_name": "image",
        "from_name": from_name,
        "image_rotation": 0,
        "original_width": size[0],
        "original_height": size[1],
    }
    if score is not None:
        found["score"] = score
    return found


def rectangle(
    x: float, y: float, width: float, height: float, name: str, rotation: float = 0
) -> Dict[str, Any]:
    return {"x": x, "y": y, "width": width, "height": height, "rotation": rotation, "rectanglelabels": [name]}


def read_tasks(path: Path) -> List[Task]:
    tasks: List[Task] = json.loads(path.read_text(encoding="utf-8"))
    return tasks


def run(root: Path, out: Path, **kwargs: Any) -> Tuple[List[Task], ImportSummary]:
    summary = convert_yolo_to_ls(str(root), str(out), **kwargs)
    return read_tasks(out), summary


# --- golden tasks and config ---------------------------------------------------------------------------

# Coordinates are multiples of 1/8, so the percentages are exact floats.
ALL_KINDS = (
    "0 0.5 0.5 0.25 0.5\n"  # box
    "1 0.25 0.75 0.125 0.125 0.875\n"  # box + score
    "1 0.125 0.125 0.25 0.125 0.25 0.25\n"  # polygon, 3 points
    "0 0.25 0.25 0.75 0.25 0.75 0.75 0.25 0.75\n"  # oriented box, not turned
    "\n"
    "0 0.5 0.25 0.5 0.75 0.25 0.75 0.25 0.25\n"  # oriented box turned by 90 degrees
    "1 0.125 0.125 0.25 0.125 0.25 0.25 0.5\n"  # polygon + score
    "0 0.5 0.25 0.5 0.75 0.25 0.75 0.25 0.25 0.625\n"  # oriented box + score
)


def test_every_line_kind_becomes_its_region(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds", "cat\ndog\n", {"a.jpg": (200, 100)}, {"a.txt": ALL_KINDS})
    tasks, summary = run(root, tmp_path / "out.json")
    size = (200, 100)
    triangle = {"points": [[12.5, 12.5], [25.0, 12.5], [25.0, 25.0]]}
    expected = [
        result("rectanglelabels", rectangle(37.5, 25.0, 25.0, 50.0, "cat"), size, sha_id("a.txt", 1)),
        result(
            "rectanglelabels",
            rectangle(18.75, 68.75, 12.5, 12.5, "dog"),
            size,
            sha_id("a.txt", 2),
            score=0.875,
        ),
        result(
            "polygonlabels",
            {**triangle, "polygonlabels": ["dog"]},
            size,
            sha_id("a.txt", 3),
            from_name="label_polygons",
        ),
        result("rectanglelabels", rectangle(25.0, 25.0, 50.0, 50.0, "cat"), size, sha_id("a.txt", 4)),
        # Corners (100, 25), (100, 75), (50, 75), (50, 25) px: the first edge points down, 50 px long.
        result("rectanglelabels", rectangle(50.0, 25.0, 25.0, 50.0, "cat", 90.0), size, sha_id("a.txt", 6)),
        result(
            "polygonlabels",
            {**triangle, "polygonlabels": ["dog"]},
            size,
            sha_id("a.txt", 7),
            from_name="label_polygons",
            score=0.5,
        ),
        result(
            "rectanglelabels",
            rectangle(50.0, 25.0, 25.0, 50.0, "cat", 90.0),
            size,
            sha_id("a.txt", 8),
            score=0.625,
        ),
    ]
    assert tasks == [
        {
            "data": {"image": "/data/local-files/?d=images/a.jpg"},
            "annotations": [{"result": expected, "ground_truth": False}],
        }
    ]
    assert (summary.tasks, summary.regions, summary.unlabelled, summary.skipped) == (1, 7, 0, 0)
    assert summary.tasks_file == tmp_path / "out.json"
    assert summary.label_config_file == tmp_path / "out.label_config.xml"
    # The generated config accepts every result.
    interface = LabelInterface(summary.label_config)
    assert interface.validate_prediction(tasks[0]["annotations"][0], return_errors=True) == []


def test_the_tasks_file_and_config_are_golden(tmp_path: Path) -> None:
    root = make_dataset(
        tmp_path / "ds",
        "cat\ndog\n",
        {"a.jpg": (200, 100), "b.png": (64, 32)},
        {"a.txt": "0 0.5 0.5 0.25 0.5\n", "b.txt": "1 0.125 0.125 0.25 0.125 0.25 0.25\n"},
    )
    out = tmp_path / "tasks.json"
    summary = convert_yolo_to_ls(root, out)
    assert out.read_text(encoding="utf-8") == (FIXTURES / "yolo_golden_tasks.json").read_text(
        encoding="utf-8"
    )
    config = (tmp_path / "tasks.label_config.xml").read_text(encoding="utf-8")
    assert config == summary.label_config
    assert config == (
        "<View>\n"
        '  <Image name="image" value="$image"/>\n'
        "\n"
        '  <Header value="RectangleLabels"/>\n'
        '  <RectangleLabels name="label" toName="image">\n'
        f'    <Label value="cat" category="0" background="{label_color(0)}"/>\n'
        f'    <Label value="dog" category="1" background="{label_color(1)}"/>\n'
        "  </RectangleLabels>\n"
        "\n"
        '  <Header value="PolygonLabels"/>\n'
        '  <PolygonLabels name="label_polygons" toName="image">\n'
        f'    <Label value="cat" category="0" background="{label_color(0)}"/>\n'
        f'    <Label value="dog" category="1" background="{label_color(1)}"/>\n'
        "  </PolygonLabels>\n"
        "</View>\n"
    )
    # Reproducible: a second import writes the same bytes.
    again = tmp_path / "again.json"
    convert_yolo_to_ls(root, again)
    assert again.read_bytes() == out.read_bytes()


def test_box_only_datasets_get_a_rectangle_config_and_empty_datasets_too(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds", "cat\n", {"a.jpg": None}, {})
    _, summary = run(root, tmp_path / "out.json", to_name="img", from_name="box")
    controls = parse_config(summary.label_config)
    assert list(controls) == ["box"]
    assert controls["box"]["type"] == "RectangleLabels"
    assert controls["box"]["to_name"] == [
        "img"
    ]  # the published config says toName="image" whatever to_name is
    assert [(given["type"], given["value"]) for given in controls["box"]["inputs"]] == [("Image", "image")]


# --- which images, which label files --------------------------------------------------------------------


def test_images_in_sub_folders_any_case_extensions_and_unlabelled_images(tmp_path: Path) -> None:
    root = make_dataset(
        tmp_path / "ds",
        "cat\n",
        {
            "z.jpg": None,
            "A.JPG": None,
            "train/b b.jpeg": None,
            "train/deep/ü.png": None,
            "val/c.jpg": None,
            "skip.gif": None,
            ".hidden.jpg": None,
            ".cache/d.jpg": None,
        },
        {
            "A.txt": "0 0.5 0.5 0.5 0.5\n",
            "train/b b.txt": "",
            "train/deep/ü.txt": "0 0.5 0.5 0.5 0.5\n",
            "z.txt": "",
        },
    )
    tasks, summary = run(root, tmp_path / "out.json", image_dims=(10, 20))
    assert [task["data"]["image"] for task in tasks] == [
        "/data/local-files/?d=images/A.JPG",
        "/data/local-files/?d=images/z.jpg",
        "/data/local-files/?d=images/train/b%20b.jpeg",
        "/data/local-files/?d=images/train/deep/%C3%BC.png",
        "/data/local-files/?d=images/val/c.jpg",
    ]
    assert [len(task["annotations"][0]["result"]) if "annotations" in task else None for task in tasks] == [
        1,
        0,  # an empty label file: labelled, nothing there
        0,
        1,
        None,  # no label file: not labelled yet
    ]
    assert summary.unlabelled == 1
    assert tasks[3]["annotations"][0]["result"][0]["id"] == sha_id("train/deep/ü.txt", 1)


def test_image_ext_is_read_leniently(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds", "cat\n", {"a.jpg": None, "b.JPEG": None, "c.png": None}, {})
    tasks, _ = run(root, tmp_path / "out.json", image_ext=" jpeg, .JPG ")
    assert [task["data"]["image"].rsplit("/", 1)[1] for task in tasks] == ["a.jpg", "b.JPEG"]
    with pytest.raises(ValueError, match="image_ext"):
        run(root, tmp_path / "out.json", image_ext=" , ")


def test_label_files_without_an_image_are_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = make_dataset(
        tmp_path / "ds", "cat\n", {"a.jpg": None}, {"a.txt": "", "b.txt": "", "sub/c.txt": ""}
    )
    with caplog.at_level(logging.WARNING):
        run(root, tmp_path / "out.json", image_dims=(1, 1))
    assert "2 label files have no image" in caplog.text
    assert "b.txt, sub/c.txt" in caplog.text


def test_missing_parts_are_clear_errors(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    root.mkdir()
    with pytest.raises(YoloImportError, match=r"classes\.txt is missing"):
        run(root, tmp_path / "out.json")
    (root / "classes.txt").write_text("cat\n", encoding="utf-8")
    with pytest.raises(YoloImportError, match="images is not a folder"):
        run(root, tmp_path / "out.json")
    assert not (tmp_path / "out.json").exists()


def test_no_labels_folder_gives_unlabelled_tasks(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = make_dataset(tmp_path / "ds", "cat\n", {"a.jpg": None}, {})
    (root / "labels").rmdir()
    with caplog.at_level(logging.WARNING):
        tasks, summary = run(root, tmp_path / "out.json")
    assert tasks == [{"data": {"image": "/data/local-files/?d=images/a.jpg"}}]
    assert summary.unlabelled == 1
    assert "every image becomes a task without annotations" in caplog.text


def test_classes_with_blank_lines_keep_their_ids(tmp_path: Path) -> None:
    root = make_dataset(
        tmp_path / "ds",
        "\ufeffcat\n\n__unused_2__\n dog \n\n\n",
        {"a.jpg": None},
        {"a.txt": "3 0.5 0.5 0.5 0.5\n1 0.5 0.5 0.5 0.5\n2 0.5 0.5 0.5 0.5\n"},
    )
    tasks, summary = run(root, tmp_path / "out.json", image_dims=(8, 8))
    assert [region["value"]["rectanglelabels"] for region in tasks[0]["annotations"][0]["result"]] == [
        ["dog"]
    ]
    assert summary.skipped == 2
    labels = parse_config(summary.label_config)["label"]
    assert labels["labels"] == ["cat", "dog"]
    assert labels["labels_attrs"]["dog"]["category"] == "3"


# --- bad lines --------------------------------------------------------------------------------------------

BAD_LINES = (
    "0 0.5 0.5 0.25 0.25\n"  # 1: good
    "0 0.5 x 0.25 0.25\n"  # 2: not a number
    "7 0.5 0.5 0.25 0.25\n"  # 3: no such class
    "0 0.5 0.5\n"  # 4: too few columns
    "0 120 80 30 40\n"  # 5: pixels, not normalised
    "0 0.5 0.5 -0.005 0.25\n"  # 6: negative width
    "1.5 0.5 0.5 0.25 0.25\n"  # 7: class is not an integer
    "   \n"  # 8: blank, ignored
    "0 0.5 0.5 nan 0.25\n"  # 9: not finite
    "1.0 0.5 0.5 0.25 0.25\n"  # 10: good ("1.0" is class 1)
)


def test_bad_lines_are_skipped_with_a_warning_naming_file_and_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = make_dataset(tmp_path / "ds", "cat\ndog\n", {"a.jpg": None}, {"a.txt": BAD_LINES})
    with caplog.at_level(logging.WARNING):
        tasks, summary = run(root, tmp_path / "out.json", image_dims=(16, 16))
    regions = tasks[0]["annotations"][0]["result"]
    assert [region["id"] for region in regions] == [sha_id("a.txt", 1), sha_id("a.txt", 10)]
    assert [region["value"]["rectanglelabels"] for region in regions] == [["cat"], ["dog"]]
    assert summary.skipped == 7
    label_file = root / "labels" / "a.txt"
    messages = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    for line, reason in [
        (2, "not a number"),
        (3, "class 7 is not in classes.txt"),
        (4, "3 columns"),
        (5, "outside 0..1"),
        (6, "negative box width"),
        (7, "the class '1.5' is not an integer"),
        (9, "not a finite number"),
    ]:
        assert any(f"{label_file}, line {line}: " in message and reason in message for message in messages), (
            line
        )


def test_bad_lines_raise_when_asked(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds", "cat\n", {"a.jpg": None}, {"a.txt": BAD_LINES})
    with pytest.raises(YoloImportError, match=r"a\.txt, line 2: not a number"):
        run(root, tmp_path / "out.json", image_dims=(16, 16), on_error="raise")
    assert not (tmp_path / "out.json").exists()  # nothing half-written
    with pytest.raises(ValueError, match="on_error"):
        run(root, tmp_path / "out.json", on_error="ignore")


def test_an_unreadable_label_file_or_image_leaves_the_task_unlabelled(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = make_dataset(
        tmp_path / "ds",
        "cat\n",
        {"a.jpg": (4, 4), "b.jpg": None},
        {"a.txt": "0 0.5 0.5 0.5 0.5\n", "b.txt": "0 0.5 0.5 0.5 0.5\n"},
    )
    (root / "labels" / "a.txt").write_bytes(b"\xff\xfe\x00garbage")
    with caplog.at_level(logging.WARNING):
        tasks, summary = run(root, tmp_path / "out.json")
    assert tasks == [
        {"data": {"image": "/data/local-files/?d=images/a.jpg"}},
        {"data": {"image": "/data/local-files/?d=images/b.jpg"}},
    ]
    assert (summary.unlabelled, summary.skipped) == (2, 2)
    assert "cannot read the label file" in caplog.text
    assert "b.jpg: cannot read the image size" in caplog.text


# --- image sizes ------------------------------------------------------------------------------------------


def test_image_dims_need_no_image_files_and_no_pillow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "PIL.Image", None)  # importing Pillow now fails
    root = make_dataset(tmp_path / "ds", "cat\n", {}, {"a.txt": "0 0.5 0.5 0.25 0.25\n"})
    (root / "images").mkdir()
    (root / "images" / "a.jpg").write_bytes(b"not an image")
    tasks, _ = run(root, tmp_path / "out.json", image_dims=(640, 480))
    region = tasks[0]["annotations"][0]["result"][0]
    assert (region["original_width"], region["original_height"]) == (640, 480)
    # Without image_dims, Pillow is needed: a clear error naming the extra.
    with pytest.raises(
        MissingDependencyError, match=r"YOLO import without image_dims.*label-studio-sdk\[converter\]"
    ):
        run(root, tmp_path / "other.json")
    with pytest.raises(ValueError, match="image_dims"):
        run(root, tmp_path / "other.json", image_dims=(0, 10))


def test_pillow_is_only_needed_for_images_with_regions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    root = tmp_path / "ds"
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir()
    (root / "classes.txt").write_text("cat\n", encoding="utf-8")
    (root / "images" / "a.jpg").write_bytes(b"")
    (root / "labels" / "a.txt").write_text("\n", encoding="utf-8")
    tasks, _ = run(root, tmp_path / "out.json")
    assert tasks[0]["annotations"] == [{"result": [], "ground_truth": False}]


def test_image_size_follows_exif_orientation(tmp_path: Path) -> None:
    from PIL import Image

    root = make_dataset(tmp_path / "ds", "cat\n", {}, {"turned.txt": "0 0.5 0.5 0.5 0.5\n"})
    (root / "images").mkdir()
    image = Image.new("RGB", (200, 100))
    exif = image.getexif()
    exif[0x0112] = 6  # shown turned by 90 degrees
    image.save(root / "images" / "turned.jpg", exif=exif)
    tasks, _ = run(root, tmp_path / "out.json")
    region = tasks[0]["annotations"][0]["result"][0]
    assert (region["original_width"], region["original_height"]) == (100, 200)


# --- options ----------------------------------------------------------------------------------------------


def test_predictions_carry_the_mean_score(tmp_path: Path) -> None:
    root = make_dataset(
        tmp_path / "ds",
        "cat\n",
        {"a.jpg": None, "b.jpg": None},
        {
            "a.txt": "0 0.5 0.5 0.5 0.5 0.25\n0 0.5 0.5 0.5 0.5 0.75\n0 0.5 0.5 0.5 0.5\n",
            "b.txt": "0 0.5 0.5 0.5 0.5\n",
        },
    )
    tasks, _ = run(root, tmp_path / "out.json", out_type="predictions", image_dims=(4, 4))
    first, second = (task["predictions"][0] for task in tasks)
    assert first["score"] == 0.5
    assert [region.get("score") for region in first["result"]] == [0.25, 0.75, None]
    assert "score" not in second
    assert all("annotations" not in task for task in tasks)
    with pytest.raises(ValueError, match="out_type"):
        run(root, tmp_path / "out.json", out_type="drafts")


def test_obb_false_reads_four_points_as_a_polygon(tmp_path: Path) -> None:
    line = "0 0.25 0.25 0.75 0.25 0.75 0.75 0.25 0.75\n"
    root = make_dataset(tmp_path / "ds", "cat\n", {"a.jpg": None}, {"a.txt": line})
    tasks, summary = run(root, tmp_path / "out.json", image_dims=(8, 8), obb=False)
    (region,) = tasks[0]["annotations"][0]["result"]
    assert region["type"] == "polygonlabels"
    assert region["value"]["points"] == [[25.0, 25.0], [75.0, 25.0], [75.0, 75.0], [25.0, 75.0]]
    assert list(parse_config(summary.label_config)) == ["label_polygons"]


# On a 200x100 image, corners (60, 10), (90, 50), (70, 65), (40, 25) px: a 50 x 25 px rectangle whose first
# edge runs at atan2(40, 30) = 53.13 degrees. In normalised units it is no rectangle, so the size matters.
TURNED_BOX = "0 0.3 0.1 0.45 0.5 0.35 0.65 0.2 0.25\n"


def test_an_oriented_box_needs_the_image_size_and_uses_it(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds", "cat\n", {"a.jpg": None}, {"a.txt": TURNED_BOX})
    tasks, _ = run(root, tmp_path / "out.json", image_dims=(200, 100))
    value = tasks[0]["annotations"][0]["result"][0]["value"]
    assert value["x"] == pytest.approx(30.0) and value["y"] == pytest.approx(10.0)
    assert value["width"] == pytest.approx(25.0)  # 50 px of 200
    assert value["height"] == pytest.approx(25.0)  # 25 px of 100
    assert value["rotation"] == pytest.approx(53.130102354)


def test_label_names_are_escaped_in_the_config(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds", 'R&D\nsay "hi"\n<tag>\n', {"a.jpg": None}, {})
    _, summary = run(root, tmp_path / "out.json")
    labels = [element.get("value") for element in ElementTree.fromstring(summary.label_config).iter("Label")]
    assert labels == ["R&D", 'say "hi"', "<tag>"]


def test_the_instructions_name_the_document_root_and_the_storage(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = make_dataset(tmp_path / "ds", "cat\n", {"a.jpg": None}, {})
    with caplog.at_level(logging.INFO):
        _, summary = run(root, tmp_path / "out.json")
    assert f'LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT="{root.resolve()}"' in summary.instructions
    assert f'absolute local path is "{(root / "images").resolve()}"' in summary.instructions
    assert str(tmp_path / "out.label_config.xml") in summary.instructions
    assert summary.instructions in caplog.text  # logged, not printed
    _, other = run(root, tmp_path / "out.json", image_root_url="https://cdn.example.com/set")
    assert "https://cdn.example.com/set/a.jpg" in other.instructions
    assert "LOCAL_FILES" not in other.instructions


def test_output_in_a_new_folder_and_config_name(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds", "cat\n", {"a.jpg": None}, {})
    convert_yolo_to_ls(root, tmp_path / "new" / "tasks.JSON")
    assert (tmp_path / "new" / "tasks.JSON").is_file()
    assert (tmp_path / "new" / "tasks.label_config.xml").is_file()
    assert label_config_path("out.tasks") == Path("out.tasks.label_config.xml")
    with pytest.raises(ValueError, match="is a directory"):
        convert_yolo_to_ls(root, tmp_path / "new")


PEAK_SCRIPT = """
import sys, tracemalloc
from label_studio_sdk.converter.imports.yolo import convert_yolo_to_ls
root, warm, out = sys.argv[1:4]
convert_yolo_to_ls(root, warm, image_dims=(640, 480))
tracemalloc.start()
convert_yolo_to_ls(root, out, image_dims=(640, 480))
print(tracemalloc.get_traced_memory()[1])
"""


def test_memory_does_not_grow_with_the_number_of_images(tmp_path: Path) -> None:
    def peak(count: int) -> int:
        root = tmp_path / f"ds{count}"
        (root / "images").mkdir(parents=True)
        (root / "labels").mkdir()
        (root / "classes.txt").write_text("cat\ndog\n", encoding="utf-8")
        lines = "0 0.5 0.5 0.25 0.25\n1 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2 0.15 0.3\n" * 5
        for index in range(count):
            (root / "images" / f"{index:05}.jpg").write_bytes(b"")
            (root / "labels" / f"{index:05}.txt").write_text(lines, encoding="utf-8")
        # In a fresh interpreter: in the middle of the suite, what earlier tests left behind decided the peak
        # (200 images measured 84 kB, 800 measured 2.1 MB only there). Once untraced first: what loads on
        # first use (modules, caches) is not what this test measures.
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                PEAK_SCRIPT,
                str(root),
                str(tmp_path / f"warm{count}.json"),
                str(tmp_path / f"out{count}.json"),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return int(done.stdout.strip())

    small, large = peak(200), peak(800)
    # The 600 extra tasks weigh ~3 MB as dicts; only file names (a few hundred bytes each) may add up.
    assert large - small < 400_000, (small, large)


# --- colours and the config helper --------------------------------------------------------------------------


def test_colours_are_fixed_and_distinct() -> None:
    colours = palette(12)
    assert colours[:3] == ["#196be6", "#e61930", "#19e63f"]
    assert len(set(colours)) == 12
    assert all(len(colour) == 7 and colour.startswith("#") for colour in colours)


def test_generate_label_config_keeps_the_published_signature(tmp_path: Path) -> None:
    target = tmp_path / "config.xml"
    config = generate_label_config(
        {5: "b", "x": "a", 2: "b"},
        {"kp": "KeyPointLabels", "box": "RectangleLabels"},
        "img",
        "ignored",
        target,
    )
    assert target.read_text(encoding="utf-8") == config
    controls = parse_config(config)
    assert list(controls) == ["box", "kp"]  # rectangles first, whatever the order given
    assert controls["box"]["labels"] == ["b", "a"]  # a repeated name is listed once
    assert controls["box"]["labels_attrs"]["b"]["category"] == "5"
    assert "category" not in controls["box"]["labels_attrs"]["a"]  # only integer ids are pinned


# --- image URLs --------------------------------------------------------------------------------------------

URL_CASES: List[Tuple[str, ...]] = [
    ("/data/local-files/?d=images", "a.jpg"),
    ("/data/local-files/?d=images/", "a.jpg"),
    ("/data/local-files/?d=", "a.jpg"),
    ("/data/local-files/?d=", "images", "a.jpg"),
    ("/data/local-files/?d=images", "sub dir", "ä b.jpg"),
    ("/data/local-files/?d=images", "sub/x y.jpg"),
    ("/data/local-files/?d=images", "a\\b.jpg"),
    ("/data/local-files/?d=my images", "a.jpg"),
    ("/data/local-files/?d=im%20ages", "a.jpg"),
    ("/data/local-files/?d=a+b", "c.jpg"),
    ("/data/local-files/?d=images&x=1", "a.jpg"),
    ("/data/local-files/?d=images#f", "a.jpg"),
    ("/data/local-files/?d=/abs/images", "a.jpg"),
    ("/data/local-files/?d=images", "a+b&c=d;e%.jpg"),
    ("/data/local-files/?d=images", "a~b-c_d.e!*'().jpg"),
    ("http://localhost:8080/data/local-files/?d=images", "a b.jpg"),
    ("http://host/static", "a b.jpg"),
    ("http://host/static/", "sub", "ü#?.jpg"),
    ("http://host/static", "a%20b.jpg"),
    ("http://host/static?x=1", "a.jpg"),
    ("s3://bucket/prefix", "a b.jpg"),
    ("/images/", "/a.jpg"),
    ("images", "a.jpg"),
]

URL_SCRIPT = """
import json, sys
from label_studio_sdk.converter.utils import join_input_url
print(json.dumps([join_input_url(*case) for case in json.load(sys.stdin)]))
"""


def test_join_input_url_matches_the_published() -> None:
    require_server_install()
    python = server_python()
    assert python is not None
    completed = subprocess.run(
        [str(python), "-I", "-c", URL_SCRIPT],
        input=json.dumps(URL_CASES),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert [join_input_url(*case) for case in URL_CASES] == json.loads(completed.stdout)


def test_join_input_url_examples_and_errors() -> None:
    assert (
        join_input_url("/data/local-files/?d=images", "train", "a b.jpg")
        == "/data/local-files/?d=images/train/a%20b.jpg"
    )
    assert join_input_url("/data/local-files/?d=", "ü/a.jpg") == "/data/local-files/?d=%C3%BC/a.jpg"
    assert join_input_url("http://h/x/", "a.jpg", None) == "http://h/x/a.jpg"
    with pytest.raises(ValueError, match="root_url"):
        join_input_url("  ", "a.jpg")
    with pytest.raises(ValueError, match="file path"):
        join_input_url("/data/local-files/?d=images", "", "/")
    with pytest.raises(ValueError, match="file path"):
        join_input_url("/data/local-files/?d=images")
    with pytest.raises(TypeError, match="strings"):
        join_input_url("/x", 5)  # type: ignore[arg-type]


def test_join_input_url_differs_from_the_published_on_purpose() -> None:
    # Any root with a d parameter gets the path in it (the published appends to the path of absolute
    # roots but to the query of relative ones); a query without d stays after the path; the root is kept
    # as written (the published lower-cases what looks like a scheme, "C:" included); empty segments go.
    assert join_input_url("http://host/?d=x", "a.jpg") == "http://host/?d=x/a.jpg"
    assert join_input_url("/x?q=1", "a.jpg") == "/x/a.jpg?q=1"
    assert join_input_url("C:\\data", "a.jpg") == "C:\\data/a.jpg"
    assert join_input_url("/data/local-files/?d=images", "a//b.jpg") == "/data/local-files/?d=images/a/b.jpg"
    assert join_input_url("/data/local-files/?d=i&d=j", "a.jpg") == "/data/local-files/?d=i/a.jpg&d=j"


# --- the published importer (black box) ----------------------------------------------------------------------

PUBLISHED_SCRIPT = """
import json, sys
from label_studio_sdk.converter.imports.yolo import convert_yolo_to_ls
given = json.load(sys.stdin)
convert_yolo_to_ls(given["input"], given["out"], **given["kwargs"])
"""


def published_import(root: Path, out: Path, **kwargs: Any) -> List[Task]:
    require_server_install()
    python = server_python()
    assert python is not None
    subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps({"input": str(root), "out": str(out), "kwargs": kwargs}),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return read_tasks(out)


def without_ids(tasks: List[Task]) -> List[Task]:
    """The tasks ordered by image URL with result ids removed (the published ids are random)."""
    for task in tasks:
        for entry in task.get("annotations", []) + task.get("predictions", []):
            for region in entry["result"]:
                assert len(region.pop("id")) == 10
    return sorted(tasks, key=lambda task: str(task["data"]["image"]))


def plain_box_dataset(root: Path) -> Path:
    return make_dataset(
        root,
        "cat\ndog\nbird\n",
        {
            "a.jpg": (200, 100),
            "b b.png": (50, 80),
            "c.jpeg": (64, 64),
            "unlabelled.jpg": (8, 8),
            "ü.jpg": (30, 20),
        },
        {
            "a.txt": "0 0.3 0.7 0.1 0.3\n1 0.15 0.35 0.33 0.07 0.9\n",
            "b b.txt": "2 0.123456 0.654321 0.111 0.0777\n",
            "c.txt": "",
            "ü.txt": "1 0.5 0.5 1 1\n",
        },
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"out_type": "predictions", "to_name": "img", "from_name": "box", "image_root_url": "http://x/y/"},
        {"image_dims": [10, 20], "image_ext": ".jpg"},
    ],
)
def test_plain_boxes_match_the_published(tmp_path: Path, kwargs: Dict[str, Any]) -> None:
    root = plain_box_dataset(tmp_path / "ds")
    theirs = published_import(root, tmp_path / "theirs.json", **kwargs)
    ours, _ = run(root, tmp_path / "ours.json", **kwargs)
    if kwargs.get("out_type") == "predictions":
        # Ours adds the mean region score to a prediction that has scores (the published adds none).
        assert ours[0]["predictions"][0].pop("score") == 0.9
    assert without_ids(ours) == without_ids(theirs)
    # The same labels and controls in the config (colours, pins and the toName fix aside).
    their_controls = parse_config((tmp_path / "theirs.label_config.xml").read_text(encoding="utf-8"))
    our_controls = parse_config((tmp_path / "ours.label_config.xml").read_text(encoding="utf-8"))
    assert {name: control["labels"] for name, control in our_controls.items()} == {
        name: control["labels"] for name, control in their_controls.items()
    }


def test_what_the_published_reads_wrongly(tmp_path: Path) -> None:
    # Polygons and oriented boxes were cut to their first four numbers; upper-case extensions and
    # sub-folders were left out.
    root = make_dataset(
        tmp_path / "ds",
        "cat\n",
        {"a.jpg": (100, 100), "B.JPG": (100, 100), "sub/c.jpg": (100, 100)},
        {"a.txt": "0 0.25 0.25 0.75 0.25 0.75 0.75 0.25 0.75\n0 0.1 0.1 0.2 0.1 0.2 0.2\n"},
    )
    theirs = published_import(root, tmp_path / "theirs.json")
    ours, _ = run(root, tmp_path / "ours.json")
    assert [task["data"]["image"] for task in theirs] == ["/data/local-files/?d=images/a.jpg"]
    their_regions = theirs[0]["annotations"][0]["result"]
    assert [region["type"] for region in their_regions] == ["rectanglelabels", "rectanglelabels"]
    assert their_regions[1]["score"] == 0.2  # the polygon's 6th column taken for a score
    assert [task["data"]["image"] for task in ours] == [
        "/data/local-files/?d=images/B.JPG",
        "/data/local-files/?d=images/a.jpg",
        "/data/local-files/?d=images/sub/c.jpg",
    ]
    assert [region["type"] for region in ours[1]["annotations"][0]["result"]] == [
        "rectanglelabels",
        "polygonlabels",
    ]


# --- round trip: YOLO -> tasks -> YOLO --------------------------------------------------------------------------


def label_lines(path: Path) -> List[Tuple[int, List[float]]]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            tokens = line.split()
            lines.append((int(tokens[0]), [float(token) for token in tokens[1:]]))
    return lines


def export_labels(tasks_file: Path, config: str, out: Path, oriented: bool = False) -> Dict[str, Path]:
    yolo = pytest.importorskip("label_studio_sdk.converter.exports.yolo")
    media = pytest.importorskip("label_studio_sdk.converter.media")
    from label_studio_sdk.converter.reader import iter_tasks

    yolo.write_yolo(
        iter_tasks(tasks_file),
        parse_config(config),
        out,
        media=media.MediaSettings(),
        copy_images=False,
        oriented=oriented,
    )
    return {path.name: path for path in (out / "labels").iterdir()}


def same_lines(exported: Path, source: str) -> None:
    ours = label_lines(exported)
    expected = [
        (int(line.split()[0]), [float(token) for token in line.split()[1:]])
        for line in source.splitlines()
        if line
    ]
    assert [class_id for class_id, _ in ours] == [class_id for class_id, _ in expected]
    for (_, numbers), (_, wanted) in zip(ours, expected):
        assert numbers == pytest.approx(wanted, abs=1e-9)


def test_round_trip_boxes_and_polygons(tmp_path: Path) -> None:
    source = {
        "a.txt": "2 0.3 0.7 0.1 0.3\n0 0.15 0.35 0.33 0.07\n",
        "b.txt": "1 0.1 0.1 0.4 0.1 0.4 0.5 0.1 0.5 0.05 0.3\n0 0.5 0.5 1 1\n",
        "c.txt": "",
    }
    # Class ids that alphabetical order would change: the pins in the config keep them.
    classes = "zebra\nant\nmoth\n"
    root = make_dataset(
        tmp_path / "ds", classes, {"a.jpg": (200, 100), "b.jpg": (50, 80), "c.jpg": (8, 8)}, source
    )
    tasks_file = tmp_path / "tasks.json"
    summary = convert_yolo_to_ls(root, tasks_file)
    exported = export_labels(tasks_file, summary.label_config, tmp_path / "export")
    assert (tmp_path / "export" / "classes.txt").read_text(encoding="utf-8").split() == classes.split()
    for name, text in source.items():
        (match,) = [path for label_name, path in exported.items() if label_name.endswith(name)]
        same_lines(match, text)


def test_round_trip_oriented_boxes(tmp_path: Path) -> None:
    source = {"a.txt": TURNED_BOX + "1 0.25 0.25 0.75 0.25 0.75 0.75 0.25 0.75\n"}
    root = make_dataset(tmp_path / "ds", "cat\ndog\n", {"a.jpg": (200, 100)}, source)
    tasks_file = tmp_path / "tasks.json"
    summary = convert_yolo_to_ls(root, tasks_file)
    exported = export_labels(tasks_file, summary.label_config, tmp_path / "export", oriented=True)
    (match,) = [path for label_name, path in exported.items() if label_name.endswith("a.txt")]
    same_lines(match, source["a.txt"])
