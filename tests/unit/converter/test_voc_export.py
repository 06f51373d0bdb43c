"""The Pascal VOC writer: a golden file, escaping, image depth and size from files, distinct file names, paths
that stay inside the export, failures, and the published label-studio-sdk 2.1.2 (run as a black box) byte for
byte on a simple fixture, with each deliberate difference pinned."""

from __future__ import annotations

import logging
import os
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import pytest

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter._deps import MissingDependencyError
from label_studio_sdk.converter.exports.voc import write_voc, xml_text
from label_studio_sdk.converter.formats import FormatNotSupportedError
from label_studio_sdk.converter.items import Choose
from label_studio_sdk.converter.media import MediaDownloadError, MediaSettings
from label_studio_sdk.converter.reader import iter_tasks
from tests.unit.converter.test_coco_export import (
    _private_cache,  # noqa: F401 (an autouse fixture: a private media cache and no stray environment)
    annotation,
    closed_port_url,
    export_file,
    local_storage,
    make_png,
    poly,
    rect,
    run_published,
    task,
)

Task = Dict[str, Any]
FIXTURES = Path(__file__).parent / "fixtures" / "voc"

CONFIG = (
    '<View><Image name="image" value="$image"/>'
    '<RectangleLabels name="label" toName="image"><Label value="A&amp;B"/><Label value="Dog"/></RectangleLabels>'
    '<PolygonLabels name="poly" toName="image"><Label value="Dog"/></PolygonLabels></View>'
)
SIZE = (201, 99)


def run_voc(
    tmp_path: Path,
    tasks: Sequence[Task],
    *,
    config: str = CONFIG,
    copy_images: bool = False,
    media: Optional[MediaSettings] = None,
    choose: Choose = "newest",
    out: str = "out",
) -> Dict[str, str]:
    """The export's annotation files by name."""
    root = write_voc(
        iter_tasks(export_file(tmp_path, tasks)),
        parse_config(config),
        tmp_path / out,
        media=media or MediaSettings(workers=2),
        copy_images=copy_images,
        choose=choose,
    )
    assert root == tmp_path / out
    assert sorted(os.listdir(root)) == ["Annotations", "images"]
    annotations = root / "Annotations"
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(annotations.iterdir())}


def parsed(text: str) -> ElementTree.Element:
    return ElementTree.fromstring(text.encode("utf-8"))


def boxes(text: str) -> List[List[Any]]:
    """``[name, xmin, ymin, xmax, ymax]`` of every object."""
    found = []
    for item in parsed(text).iter("object"):
        numbers = [int(item.findtext(f"bndbox/{tag}") or "") for tag in ("xmin", "ymin", "xmax", "ymax")]
        found.append([item.findtext("name"), *numbers])
    return found


SCENE_RESULTS = [
    rect(10.77, 20.5, 30.99, 40.2, ["A&B"], size=SIZE),
    rect(50, 10, 20, 20, ["Dog", "A&B"], rotation=30, size=SIZE, ident="r2"),
    rect(99.9, 99.9, 0.6, 0.6, ["Dog"], size=SIZE, ident="r4"),
    poly([[10, 10], [20, 10], [20, 30]], ["Dog"], size=SIZE),
]
SCENE = [
    task(
        1,
        "http://example.com/a/q&1.jpg",
        [{**annotation(11, SCENE_RESULTS, day=2), "completed_by": {"email": "a@x", "id": 3}}],
    )
]


def test_golden_file(tmp_path: Path) -> None:
    files = run_voc(tmp_path, SCENE)
    assert files == {"dd4aebfb__q&1.xml": (FIXTURES / "scene.xml").read_text(encoding="utf-8")}
    assert parsed(files["dd4aebfb__q&1.xml"]).findtext("filename") == "dd4aebfb__q&1.jpg"


def test_the_newest_annotation_by_default_and_all_on_request(tmp_path: Path) -> None:
    tasks = [
        task(
            1,
            "http://h/1.jpg",
            [
                annotation(1, [rect(0, 0, 10, 10, ["Dog"], size=SIZE)], day=1),
                annotation(2, [rect(50, 50, 10, 10, ["A&B"], size=SIZE)], day=2),
            ],
        )
    ]
    (newest,) = run_voc(tmp_path, tasks).values()
    assert boxes(newest) == [["A&B", 100, 49, 120, 58]]
    (every,) = run_voc(tmp_path, tasks, choose="all", out="all").values()
    assert boxes(every) == [["A&B", 100, 49, 120, 58], ["Dog", 0, 0, 20, 9]]
    (oldest,) = run_voc(tmp_path, tasks, choose="oldest", out="oldest").values()
    assert boxes(oldest) == [["Dog", 0, 0, 20, 9]]


def test_rotated_boxes_are_clipped_to_the_image(tmp_path: Path) -> None:
    results = [rect(90, 90, 30, 30, ["Dog"], rotation=45, size=(100, 100))]
    (text,) = run_voc(tmp_path, [task(1, "http://h/1.jpg", [annotation(1, results)])]).values()
    assert boxes(text) == [["Dog", 68, 90, 100, 100]]


def test_unlabelled_images_get_a_file_when_their_size_is_known(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    upload = tmp_path / "upload"
    make_png(upload / "1" / "grey.png", (30, 15), mode="L")
    tasks = [task(1, "/data/upload/1/grey.png", []), task(2, "http://h/unknown.jpg", [])]
    with caplog.at_level(logging.WARNING):
        files = run_voc(tmp_path, tasks, media=MediaSettings(upload_dir=str(upload)))
    assert list(files) == ["grey.xml"]
    document = parsed(files["grey.xml"])
    assert [document.findtext(f"size/{tag}") for tag in ("width", "height", "depth")] == ["30", "15", "1"]
    assert document.findall("object") == []
    assert any(
        "task 2: the size of its image http://h/unknown.jpg is unknown" in record.getMessage()
        for record in caplog.records
    )


@pytest.mark.parametrize(("mode", "depth"), [("RGB", "3"), ("RGBA", "4"), ("L", "1"), ("P", "1")])
def test_depth_comes_from_the_image_file(tmp_path: Path, mode: str, depth: str) -> None:
    upload = tmp_path / "upload"
    make_png(upload / "1" / "x.png", (4, 4), mode=mode)
    tasks = [task(1, "/data/upload/1/x.png", [annotation(1, [rect(0, 0, 50, 50, ["Dog"], size=(4, 4))])])]
    (text,) = run_voc(tmp_path, tasks, media=MediaSettings(upload_dir=str(upload))).values()
    assert parsed(text).findtext("size/depth") == depth


def test_with_images_reads_the_size_of_copied_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = local_storage(tmp_path, monkeypatch)
    make_png(root / "pics" / "a.png", (40, 20), mode="RGBA")
    tasks = [
        task(
            1, "/data/local-files/?d=pics/a.png", [annotation(1, [rect(50, 50, 50, 50, ["Dog"], size=None)])]
        )
    ]
    files = run_voc(tmp_path, tasks, copy_images=True)
    document = parsed(files["a.xml"])
    assert [document.findtext(f"size/{tag}") for tag in ("width", "height", "depth")] == ["40", "20", "4"]
    assert boxes(files["a.xml"]) == [["Dog", 20, 10, 40, 20]]
    assert (tmp_path / "out" / "images" / "a.png").read_bytes() == (root / "pics" / "a.png").read_bytes()


def test_images_sharing_a_basename_or_a_stem_get_distinct_files(tmp_path: Path) -> None:
    upload = tmp_path / "upload"
    for relative in ("1/cat.png", "2/cat.png", "3/cat.jpg"):
        make_png(upload / relative, (10, 10))
    tasks = [
        task(ident, f"/data/upload/{relative}", [annotation(ident, [rect(0, 0, 10 * ident, 10, ["Dog"])])])
        for ident, relative in enumerate(("1/cat.png", "2/cat.png", "3/cat.jpg"), start=1)
    ]
    files = run_voc(tmp_path, tasks, media=MediaSettings(upload_dir=str(upload)), copy_images=True)
    names = {name: parsed(text).findtext("filename") for name, text in files.items()}
    assert names == {
        "cat.xml": "cat.png",
        "cat__0d439308.xml": "cat__0d439308.png",
        "cat__b8bf52f5.xml": "cat__b8bf52f5.jpg",  # stems are unique across extensions too
    }
    assert sorted(os.listdir(tmp_path / "out" / "images")) == [
        "cat.png",
        "cat__0d439308.png",
        "cat__b8bf52f5.jpg",
    ]
    # Each file holds its own task's box (10%, 20% and 30% of 200 px).
    widths = {name: boxes(text)[0][3] for name, text in files.items()}
    assert widths == {"cat.xml": 20, "cat__0d439308.xml": 40, "cat__b8bf52f5.xml": 60}


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
        task(ident, url, [annotation(ident, [rect(0, 0, 10, 10, ["Dog"], size=SIZE)])])
        for ident, url in enumerate(hostile)
    ]
    before = set(os.listdir(tmp_path.parent))
    files = run_voc(tmp_path, tasks, copy_images=copy_images)
    assert len(files) == len(hostile)
    for name in files:
        assert os.sep not in name and not name.startswith(".")
    assert set(os.listdir(tmp_path.parent)) == before
    assert sorted(os.listdir(tmp_path)) == ["export.json", "out"]
    assert list((tmp_path / "out" / "images").iterdir()) == []


def test_text_is_escaped_and_unusable_characters_replaced(tmp_path: Path) -> None:
    label = 'a<b>&"c"\x01\ud800'
    config = (
        '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">'
        '<Label value="x"/></RectangleLabels></View>'
    )
    tasks = [task(1, "http://h/<odd>&.jpg", [annotation(1, [rect(0, 0, 10, 10, [label], size=SIZE)])])]
    (text,) = run_voc(tmp_path, tasks, config=config).values()
    document = parsed(text)
    assert document.findtext("object/name") == 'a<b>&"c"\ufffd\ufffd'
    assert document.findtext("filename") == "ada04c89__<odd>&.jpg"
    assert xml_text(None) == "" and xml_text(3) == "3"


def test_a_failed_download_is_reported_and_its_file_still_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    upload = tmp_path / "upload"
    make_png(upload / "1" / "x.png", (10, 10))
    url = closed_port_url("gone.jpg")
    tasks = [
        task(51, url, [annotation(1, [rect(0, 0, 10, 10, ["Dog"], size=SIZE)])]),
        task(52, "/data/upload/1/x.png", [annotation(2, [rect(0, 0, 10, 10, ["Dog"], size=(10, 10))])]),
    ]
    with caplog.at_level(logging.WARNING):
        files = run_voc(tmp_path, tasks, copy_images=True, media=MediaSettings(upload_dir=str(upload)))
    assert list(files) == ["gone.xml", "x.xml"]
    assert parsed(files["gone.xml"]).findtext("filename") == "gone.jpg"
    assert sorted(os.listdir(tmp_path / "out" / "images")) == ["x.png"]
    assert any(f"task 51: cannot get {url}" in record.getMessage() for record in caplog.records)
    with pytest.raises(MediaDownloadError, match="task 51"):
        write_voc(
            tasks,
            parse_config(CONFIG),
            tmp_path / "raise",
            media=MediaSettings(),
            copy_images=True,
            on_error="raise",
        )


def test_config_without_rectangles_on_an_image_is_refused(tmp_path: Path) -> None:
    config = '<View><Text name="t" value="$t"/><Labels name="l" toName="t"><Label value="A"/></Labels></View>'
    with pytest.raises(FormatNotSupportedError, match="VOC needs"):
        write_voc([], parse_config(config), tmp_path, media=MediaSettings(), copy_images=False)


def test_pillow_is_needed_only_with_a_local_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    tasks = [task(1, "http://h/1.jpg", [annotation(1, [rect(0, 0, 10, 10, ["Dog"], size=SIZE)])])]
    (text,) = run_voc(tmp_path, tasks).values()
    assert parsed(text).findtext("size/depth") == "3"
    monkeypatch.delitem(sys.modules, "PIL.Image")
    upload = tmp_path / "upload"
    make_png(upload / "1" / "x.png", (10, 10))
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    local = [task(1, "/data/upload/1/x.png", [annotation(1, [rect(0, 0, 10, 10, ["Dog"], size=SIZE)])])]
    with pytest.raises(MissingDependencyError, match="Pillow"):
        run_voc(tmp_path, local, media=MediaSettings(upload_dir=str(upload)), out="second")


# -- the published converter as a black box ---------------------------------------------------------------

SIMPLE = [
    task(
        1,
        "http://example.com/a/1.jpg",
        [
            annotation(
                1,
                [
                    rect(10.77, 20.5, 30.99, 40.2, ["A&B"], size=SIZE),
                    rect(0, 0, 100, 100, ["Dog"], size=SIZE),
                ],
            )
        ],
    ),
    task(
        2,
        "http://example.com/b/2.jpg",
        [annotation(2, [poly([[1, 1], [2, 2], [3, 1]], ["Dog"], size=(640, 480))])],
    ),
    task(
        3, "http://example.com/b/3.jpg", [{**annotation(3, [rect(5, 5, 5, 5, ["Dog"])]), "completed_by": {}}]
    ),
]
TWO_ANNOTATIONS = [
    task(
        1,
        "http://h/1.jpg",
        [
            annotation(1, [rect(0, 0, 10, 10, ["Dog"], size=SIZE)], day=1),
            annotation(2, [rect(50, 50, 10, 10, ["A&B"], size=SIZE)], day=2),
        ],
    )
]
BLACK_BOX = {
    "simple": (CONFIG, SIMPLE, "VOC"),
    "scene": (CONFIG, SCENE, "VOC"),
    "two-annotations": (CONFIG, TWO_ANNOTATIONS, "VOC"),
    "hostile": (
        CONFIG,
        [task(1, "../../etc/passwd", [annotation(1, [rect(0, 0, 1, 1, ["Dog"], size=SIZE)])])],
        "VOC",
    ),
}


@pytest.fixture(scope="module")
def published() -> Dict[str, Any]:
    return run_published(BLACK_BOX)


def published_files(published: Dict[str, Any], name: str) -> Dict[str, str]:
    files = published[name]
    assert isinstance(files, dict), files
    assert all(path.startswith("Annotations/") for path in files)
    return {path.split("/", 1)[1]: text for path, text in files.items()}


def ours(tmp_path: Path, name: str) -> Dict[str, str]:
    config, tasks, _ = BLACK_BOX[name]
    return run_voc(tmp_path, tasks, config=config)


def test_simple_export_is_byte_identical_to_the_published(published: Dict[str, Any], tmp_path: Path) -> None:
    theirs = published_files(published, "simple")
    assert ours(tmp_path, "simple") == theirs
    assert sorted(theirs) == ["06909a70__3.xml", "4c9feccf__2.xml", "9ab67d11__1.xml"]
    assert "<annotator></annotator>" in theirs["06909a70__3.xml"]


def test_difference_rotation_and_every_label(published: Dict[str, Any], tmp_path: Path) -> None:
    (theirs,) = published_files(published, "scene").values()
    (mine,) = ours(tmp_path, "scene").values()
    assert boxes(theirs) == [["A&B", 21, 20, 83, 59], ["Dog", 100, 9, 140, 28], ["Dog", 200, 98, 201, 98]]
    assert boxes(mine) == [
        ["A&B", 21, 20, 83, 59],
        ["Dog", 90, 9, 134, 46],  # the box around the turned rectangle
        ["A&B", 90, 9, 134, 46],  # its second label
        ["Dog", 200, 98, 201, 98],
    ]


def test_difference_the_newest_annotation_wins(published: Dict[str, Any], tmp_path: Path) -> None:
    (theirs,) = published_files(published, "two-annotations").values()
    (mine,) = ours(tmp_path, "two-annotations").values()
    assert boxes(theirs) == [["Dog", 0, 0, 20, 9]]  # the oldest overwrote the newest
    assert boxes(mine) == [["A&B", 100, 49, 120, 58]]


def test_names_for_hostile_urls(published: Dict[str, Any], tmp_path: Path) -> None:
    # Both name the file after the URL's last component, inside Annotations; the media resolver (not this
    # writer) prefixes the digest of the URL that get_local_path gives a path it could be cached at.
    assert set(published_files(published, "hostile")) == {"passwd.xml"}
    assert set(ours(tmp_path, "hostile")) == {"425be980__passwd.xml"}
